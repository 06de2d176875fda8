"""Structured logs (core/logging.py): every request gets an id, and a log line written while it is handled is one
JSON object carrying that id, the path and the signed-in user."""

import json
import logging
import sys

from django.http import HttpResponse
from django.test import RequestFactory

from core.logging import JsonFormatter, RequestContextMiddleware


def record(message: str = "đã lưu %s", *args, exc_info=None, name: str = "cases.services") -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_line_outside_a_request_has_time_level_logger_and_message():
    entry = json.loads(JsonFormatter().format(record("đã lưu %s", "vụ việc 12/2026")))
    assert entry["level"] == "WARNING" and entry["logger"] == "cases.services"
    assert entry["message"] == "đã lưu vụ việc 12/2026" and entry["time"].endswith("+00:00")
    assert "request_id" not in entry


def test_a_line_written_during_a_request_carries_its_id_path_and_user(ward_official):
    lines = []

    def view(request):
        request.user = ward_official  # as AuthenticationMiddleware leaves it once the user is loaded
        lines.append(JsonFormatter().format(record("trong yêu cầu")))
        return HttpResponse("ok")

    request = RequestFactory().get("/cases/", HTTP_X_REQUEST_ID="proxy-id.123")
    response = RequestContextMiddleware(view)(request)
    entry = json.loads(lines[0])
    assert response["X-Request-ID"] == "proxy-id.123" == entry["request_id"]
    assert (entry["method"], entry["path"], entry["user_id"]) == ("GET", "/cases/", ward_official.pk)
    # Once the request is over, later lines of the same thread no longer carry it.
    assert "request_id" not in json.loads(JsonFormatter().format(record()))


def test_a_hostile_request_id_is_replaced_and_an_unloaded_user_costs_no_query(db, django_assert_num_queries):
    from django.contrib.auth.middleware import get_user
    from django.utils.functional import SimpleLazyObject

    lines = []

    def view(request):
        request.user = SimpleLazyObject(lambda: get_user(request))
        try:
            raise ValueError("hỏng")
        except ValueError:
            lines.append(JsonFormatter().format(record(exc_info=sys.exc_info())))
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID='"><script>alert(1)</script>')
    with django_assert_num_queries(0):
        response = RequestContextMiddleware(view)(request)
    entry = json.loads(lines[0])
    assert response["X-Request-ID"] == entry["request_id"] and len(entry["request_id"]) == 32
    assert "user_id" not in entry and "ValueError: hỏng" in entry["exception"]
