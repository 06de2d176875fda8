"""The size of a request, limited before its body is read (issue #15).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE ignores file fields and FILE_UPLOAD_MAX_MEMORY_SIZE only decides when an
upload spills to a temporary file: neither stops a 200 MB upload, which was read whole (to disk) before the form
refused it as over 20 MB, with no message. This middleware compares the declared Content-Length with
UPLOAD_MAX_MB and answers 413 with a page that states the limits, reading nothing. A body sent without a
Content-Length is not read by Django at all (it counts as empty), and the proxy in front (nginx
`client_max_body_size`, see README "Deployment") caps what reaches gunicorn.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string

MB = 1024 * 1024


def declared_length(request: HttpRequest) -> int:
    """The Content-Length the client declared; 0 when absent or not a number (Django then reads no body)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """A request whose declared body is larger than UPLOAD_MAX_MB answers 413 before anything reads it (so it
    must come before CsrfViewMiddleware, which reads the form). After LocaleMiddleware, so the page is in the
    user's language; it renders without the user (errors/layout.html), who is not known yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if declared_length(request) > settings.UPLOAD_MAX_MB * MB:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    context = {
        "request_max_mb": settings.UPLOAD_MAX_MB,
        "attachment_max_mb": settings.ATTACHMENT_MAX_MB,
        "import_max_mb": settings.IMPORT_MAX_MB,
    }
    return HttpResponse(render_to_string("413.html", context), status=413)
