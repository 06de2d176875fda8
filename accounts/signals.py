"""Sign-in events into the security log, and the session state the security middleware reads (set at sign-in so
that ordinary requests cost no query for it)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import SecurityEvent, User
from accounts.services import confirmed_device, security_event_record

# Session keys: when the user signed in and was last seen (Unix time), and whether they hold a second factor.
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
HAS_DEVICE = "otp_enrolled"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session[HAS_DEVICE] = confirmed_device(user) is not None
    security_event_record(kind=SecurityEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    # The timeout middleware marks the request before signing an expired session out.
    kind = (
        SecurityEvent.Kind.SESSION_EXPIRED if getattr(request, "session_expired", False) else SecurityEvent.Kind.LOGOUT
    )
    security_event_record(kind=kind, request=request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    user = User.objects.filter(username=username).first() if username else None
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, user=user, username=username)
