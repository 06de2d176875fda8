"""The production set-up, run as it is deployed: `scripts/prod-run.sh release|web|worker|beat` (gunicorn with
production settings, WhiteNoise, a Celery worker and beat on Redis) against the live test database, then used over
HTTP like a browser behind the HTTPS proxy: health with a worker, hashed static files with a long cache, the
Vietnamese login page, signing in through CSRF, and JSON log lines."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts.roles import Role
from tests.factories import user_with_role
from tests.seed import ensure_seed_data

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "prod-run.sh"
# A Redis database of its own, so these processes never meet the other tests' queues.
BROKER = "redis://127.0.0.1:6379/7"
PASSWORD = "Kiem-tra-San-xuat-2026"
# The internal monitor's token for the worker check (DJANGO_HEALTH_TOKEN, sent as X-Health-Token).
HEALTH_TOKEN = "token-noi-bo-cua-giam-sat-0123456789"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Services:
    """The processes of one production run, each in a process group of its own, stopped (TERM, then KILL) by
    the fixture's finalizer whatever happened in the test."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs = env, logs
        self.processes: dict[str, subprocess.Popen] = {}

    def run(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRIPT), command], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )

    def start(self, command: str) -> None:
        out = (self.logs / f"{command}.out").open("w")
        err = (self.logs / f"{command}.err").open("w")
        self.processes[command] = subprocess.Popen(
            [str(SCRIPT), command], cwd=ROOT, env=self.env, stdout=out, stderr=err, start_new_session=True
        )

    def log(self, command: str) -> list[str]:
        return [line for line in (self.logs / f"{command}.err").read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def production(transactional_db, tmp_path):
    database = connection.settings_dict
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")},
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_HEALTH_TOKEN": HEALTH_TOKEN,
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "CELERY_CONCURRENCY": "1",
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat" / "schedule"),
        # The tests run as root (as CI does), which Celery warns about before logging is set up; production runs
        # the worker as an ordinary user.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
    }
    redis.Redis.from_url(BROKER).flushdb()
    services = Services(env, tmp_path)
    services.port = port
    try:
        yield services
    finally:
        services.stop()
        redis.Redis.from_url(BROKER).flushdb()


class Browser:
    """A browser behind the HTTPS proxy: the proxy's X-Forwarded-Proto header, and cookies kept by hand (they are
    Secure, which a cookie jar would not send over the loopback's plain HTTP)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None, proxy=True):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if proxy:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
            sent["Referer"] = self.origin + path
        connection_.request(method, path, body=body, headers=sent)
        response = connection_.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection_.close()
        return response, content


def wait_for_health(browser: Browser, path: str, seconds: float, headers: dict | None = None) -> dict:
    deadline, answer = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        try:
            response, content = browser.request("GET", path, headers=headers, proxy=False)
            answer = json.loads(content)
            if response.status == 200:
                return answer
        except (OSError, ValueError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    return answer


def test_the_production_setup_serves_signs_in_runs_tasks_and_logs_json(production):
    ensure_seed_data()
    release = production.run("release")
    assert release.returncode == 0, release.stdout + release.stderr
    assert "static files copied" in release.stdout
    for command in ("web", "worker", "beat"):
        production.start(command)
    browser = Browser(production.port)

    # Health, straight from the load balancer over HTTP (exempt from the HTTPS redirect), with a worker answering
    # the internal monitor, which sends the token; without it the worker check is refused.
    health = wait_for_health(browser, "/healthz/?worker=1", 90, headers={"X-Health-Token": HEALTH_TOKEN})
    assert health == {"status": "ok", "checks": {"database": True, "broker": True, "worker": True}}, production.log(
        "web"
    )[-20:]
    response, _content = browser.request("GET", "/healthz/?worker=1", proxy=False)
    assert response.status == 403

    # Anything else over plain HTTP goes to HTTPS.
    response, _content = browser.request("GET", "/accounts/login/", proxy=False)
    assert response.status == 301 and response.headers["Location"].startswith("https://")

    # The login page, in Vietnamese, with its static files under hashed names that WhiteNoise serves for a year.
    response, content = browser.request("GET", "/accounts/login/")
    page = content.decode()
    assert response.status == 200 and '<html lang="vi">' in page and "Đăng nhập" in page
    assert "Strict-Transport-Security" in response.headers and "Content-Security-Policy" in response.headers
    script = re.search(r'src="(/static/js/vendor/htmx-[\d.]+\.min\.[0-9a-f]{12}\.js)"', page)
    assert script, "the page should link the htmx file under its hashed name"
    response, content = browser.request("GET", script.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200 and "javascript" in response.headers["Content-Type"]
    assert "max-age=315360000" in response.headers["Cache-Control"] and "immutable" in response.headers["Cache-Control"]
    assert response.headers.get("Content-Encoding") == "gzip"

    # Signing in: the CSRF token of the form and its cookie, then the overview.
    from tests.factories import UnitFactory

    user = user_with_role(UnitFactory(name="Phường Sản Xuất"), Role.WARD_OFFICIAL)
    # Production settings hash with PBKDF2 (the test settings' fast hasher is not accepted there).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert "csrftoken" in browser.cookies
    form = f"csrfmiddlewaretoken={token}&username={user.username}&password={PASSWORD}&next="
    response, _content = browser.request("POST", "/accounts/login/", body=form)
    assert response.status == 302, _content.decode()[:2000]
    assert "sessionid" in browser.cookies
    login_request_id = response.headers["X-Request-ID"]
    response, content = browser.request("GET", response.headers["Location"])
    assert response.status == 200 and "Đăng xuất" in content.decode()

    # A request for a host that is not allowed is refused and logged, with its request id and path.
    response, _content = browser.request("GET", "/accounts/login/", headers={"Host": "ke-gian.example"})
    assert response.status == 400
    refused_id = response.headers["X-Request-ID"]

    # Every line gunicorn and the app wrote is JSON; the access lines carry the app's request ids.
    time.sleep(1)
    records = [json.loads(line) for line in production.log("web")]
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    access = [record for record in records if record["logger"] == "gunicorn.access"]
    login = next(record for record in access if record["request_id"] == login_request_id)
    assert (login["method"], login["path"], login["status"]) == ("POST", "/accounts/login/", "302")
    refused = next(record for record in records if record["logger"] == "django.security.DisallowedHost")
    assert (refused["request_id"], refused["path"], refused["level"]) == (refused_id, "/accounts/login/", "ERROR")
    # The worker and beat log JSON too (their banners go to standard output).
    for command, expected in (("worker", "ready."), ("beat", "beat: Starting...")):
        lines = [json.loads(line) for line in production.log(command)]
        assert any(expected in line["message"] for line in lines), lines
    assert all(process.poll() is None for process in production.processes.values())
