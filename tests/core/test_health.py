"""The health check: open to load balancers for the database and the broker; the worker check, which sends a
task and holds a web thread for up to 5 s, only with the internal token (X-Health-Token)."""

import pytest
from django.urls import reverse

from core.tasks import ping

TOKEN = "mot-chuoi-bi-mat-cho-kiem-tra-suc-khoe"


@pytest.fixture
def sent(monkeypatch, settings):
    """The ping tasks sent; the worker itself is absent: each answers "pong" at once."""
    settings.HEALTH_TOKEN = TOKEN
    calls = []

    class Answer:
        def get(self, timeout):
            return "pong"

    def apply_async(*args, **kwargs):
        calls.append(kwargs)
        return Answer()

    monkeypatch.setattr(ping, "apply_async", apply_async)
    return calls


def test_the_plain_check_is_open_and_sends_no_task(client, db, sent):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}}
    assert sent == []


@pytest.mark.parametrize("headers", [{}, {"X-Health-Token": "sai"}, {"X-Health-Token": TOKEN[:-1]}])
def test_the_worker_check_is_refused_without_the_right_token(client, db, sent, headers):
    response = client.get(reverse("core:health") + "?worker=1", headers=headers)
    assert response.status_code == 403
    assert "worker" not in response.json().get("checks", {})
    assert sent == []


def test_the_worker_check_is_refused_to_everyone_when_no_token_is_configured(client, db, sent, settings):
    settings.HEALTH_TOKEN = ""
    response = client.get(reverse("core:health") + "?worker=1", headers={"X-Health-Token": ""})
    assert response.status_code == 403
    assert sent == []


def test_the_worker_check_runs_with_the_right_token(client, db, sent):
    response = client.get(reverse("core:health") + "?worker=1", headers={"X-Health-Token": TOKEN})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True, "worker": True}}
    assert len(sent) == 1
