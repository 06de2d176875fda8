from django.http import HttpRequest
from django.http.response import HttpResponseBase


class VietnameseFirstMiddleware:
    """The interface is Vietnamese unless the user picked another language.

    Office computers often run an English browser; Django would follow its Accept-Language header. Dropping the
    header leaves the language cookie (set by the language switcher) or LANGUAGE_CODE ("vi").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing the application answers is kept by a browser's disk cache or a shared proxy: every response that
    does not set its own Cache-Control gets `private, no-store` (pages, htmx fragments, redirects, error pages,
    JSON). Pages name citizens, denouncers and the signed-in user; after signing out, the back button or a proxy
    must not show them again (Decree 13/2023/NĐ-CP on personal data).

    Responses that set their own header keep it: protected downloads (core/downloads.py, already `private,
    no-store`), and the sign-in and second-factor pages (Django's never_cache). Static files (WhiteNoise, placed
    before this middleware in production) hold no personal data and stay cacheable. Anonymous responses are
    covered too: the few there are (sign-in, health, language switch) gain nothing from a cache, and a rule
    without an exception cannot miss a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
