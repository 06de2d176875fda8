"""Structured logs: one JSON object per line (for journald, Loki or any log collector), with the request each
line belongs to.

`RequestContextMiddleware` gives every request an id (the proxy's `X-Request-ID` when it sends a sane one, else
a new one), returns it in the response's `X-Request-ID` header and keeps it, the method, the path and the user
for the log lines written while the request is handled. `JsonFormatter` writes those with the time, level,
logger and message, and the details of gunicorn's access lines. This module imports nothing from Django at load
time, so gunicorn's configuration can use the formatter before the application is loaded.
"""

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

_request: ContextVar = ContextVar("log_request", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Gunicorn's access-log atoms (see its `access_log_format`) kept as fields of the access line.
_ACCESS_FIELDS = {"h": "remote_addr", "m": "method", "U": "path", "s": "status", "b": "bytes", "D": "duration_us"}


class RequestContext:
    __slots__ = ("id", "method", "path", "request")

    def __init__(self, request):
        header = request.META.get("HTTP_X_REQUEST_ID", "")
        self.id = header if _REQUEST_ID.match(header) else uuid.uuid4().hex
        self.method, self.path, self.request = request.method, request.path, request

    def user_id(self) -> int | None:
        """The signed-in user's id, only when authentication has already loaded the user: a log line must never
        cause a database query of its own."""
        from django.utils.functional import empty

        user = getattr(self.request, "user", None)
        wrapped = getattr(user, "_wrapped", user)
        if wrapped is None or wrapped is empty:  # not signed in, or the lazy user not loaded yet
            return None
        return getattr(wrapped, "pk", None)


class RequestContextMiddleware:
    """First in MIDDLEWARE: every log line written while the request is handled carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(request)
        request.request_id = context.id
        token = _request.set(context)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = context.id
        return response


def current_request() -> RequestContext | None:
    return _request.get()


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC, ISO 8601), level, logger, message, and, where known, the
    request id, method, path and user id; an exception's traceback in `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = current_request()
        if context is not None:
            entry.update(request_id=context.id, method=context.method, path=context.path)
            user_id = context.user_id()
            if user_id is not None:
                entry["user_id"] = user_id
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update({name: record.args.get(atom) for atom, name in _ACCESS_FIELDS.items()})
            entry["request_id"] = record.args.get("{x-request-id}o") or None
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
