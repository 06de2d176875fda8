"""Session security, applied to every request in one place: sessions that were idle too long or are older than
SESSION_COOKIE_AGE are signed out, and a user who must verify a second factor (or has one) reaches nothing but
the verification pages until they do."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import confirmed_device, second_factor_required
from accounts.signals import HAS_DEVICE, SEEN_AT, SIGNED_IN_AT

# The last-seen time is written at most once a minute, so browsing does not rewrite the session on every request.
SEEN_RESOLUTION_SECONDS = 60

# Views a signed-in user reaches before verifying: the verification pages themselves and signing out. Views marked
# login_not_required (login, language, health) are open anyway.
SECOND_FACTOR_EXEMPT = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "admin:logout",
}


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole-page navigation (a fragment request would otherwise swap the
    target page into the fragment)."""
    if request.headers.get("HX-Request") == "true":  # read directly: django-htmx's middleware runs later
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT minutes, or older than SESSION_COOKIE_AGE seconds since
    sign-in (Django's own expiry moves forward each time the session is saved, so it is not a hard limit), and
    says why on the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        session = request.session
        if "_auth_user_id" in session:
            now = time.time()
            signed_in_at = session.get(SIGNED_IN_AT)
            seen_at = session.get(SEEN_AT)
            reason = None
            if signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE:
                reason = _(
                    "Your session has expired: it is more than {hours} hours since you signed in. Please sign in again."
                ).format(hours=settings.SESSION_COOKIE_AGE // 3600)
            elif seen_at is not None and now - seen_at > settings.SESSION_IDLE_TIMEOUT * 60:
                reason = _(
                    "Your session has expired after {minutes} minutes without activity. Please sign in again."
                ).format(minutes=settings.SESSION_IDLE_TIMEOUT)
            if reason:
                # Read by the logout signal (accounts/signals.py) to log an expiry, not a sign-out; HttpRequest
                # declares no such attribute.
                request.session_expired = True  # type: ignore[attr-defined]
                logout(request)
                messages.warning(request, reason)
                return redirect_to(request, _with_next("accounts:login", request))
            if signed_in_at is None:
                session[SIGNED_IN_AT] = now  # a session from before these checks: counted from now
            if seen_at is None or now - seen_at >= SEEN_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until the session is verified with a code, a user who holds a device is sent to the verification page, and a
    user who must have one but has none to the set-up page. The admin site is covered like every other page.

    Whether the user holds a device is read at sign-in into the session (accounts/signals.py); whether they must
    have one comes from their role assignments, which the scope gate fetches for the request anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if HAS_DEVICE not in request.session:  # a session from before these checks
            request.session[HAS_DEVICE] = confirmed_device(user) is not None
        if request.session[HAS_DEVICE]:
            return redirect_to(request, _with_next("accounts:two_factor_verify", request))
        if second_factor_required(user):
            return redirect_to(request, _with_next("accounts:two_factor_setup", request))
        return None
