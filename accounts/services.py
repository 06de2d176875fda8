"""Account security use cases: the security event log and the second factor (TOTP) of a user."""

from binascii import unhexlify

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent, User
from accounts.roles import Action, Role
from accounts.scoping import role_assignments
from core.locking import lock
from core.ratelimit import client_ip


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None,
    user: User | None = None,
    username: str = "",
    actor: User | None = None,
) -> SecurityEvent:
    """One line of the security log, with the client's address when there is a request."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        actor=actor,
        ip_address=client_ip(request)[:64] if request is not None else "",
    )


def second_factor_required(user: User) -> bool:
    """Whether the user must verify a second factor: steering committee members, staff, superusers and whoever
    may see denouncers' identities anywhere (an active assignment granting SEE_IDENTITY, the right behind
    accounts.confidentiality.identity_scope), when OTP_REQUIRED_FOR_PRIVILEGED is on. Reuses the role assignments
    the scope gate fetches for the request."""
    if not settings.OTP_REQUIRED_FOR_PRIVILEGED or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(
        assignment.role == Role.STEERING_MEMBER or Action.SEE_IDENTITY in assignment.rights
        for assignment in role_assignments(user)
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _check_token(key: str, token: str) -> int | None:
    """The time step the token matches for this key (±1 step of 30 s for clock drift), or None."""
    if not token.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()))
    return totp.t() if totp.verify(int(token), tolerance=1) else None


@transaction.atomic
def two_factor_enrol(*, user: User, key: str, token: str, request: HttpRequest | None = None) -> TOTPDevice:
    """Confirm the authenticator app the user has just set up with `key` (kept in their session until now) by a
    code it shows, and save it as their device. A user keeps one device: another one must be removed first, or an
    unverified session could add a device of its own next to the real one."""
    lock(user)  # two enrolments at once: the second sees the first's device
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-step verification is already set up for this account."))
    step = _check_token(key, token)
    if step is None:
        raise ValidationError({"code": _("The code is not correct or has expired. Enter the code the app shows now.")})
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=str(_("Authenticator app")), key=key, confirmed=True, last_t=step
    )
    security_event_record(kind=SecurityEvent.Kind.OTP_ENROLLED, request=request, user=user, actor=user)
    return device


def two_factor_verify(*, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None) -> None:
    """Check a code from the user's device; wrong codes are logged and slow the next try down (django-otp's
    throttling doubles the wait after each failure)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        security_event_record(kind=SecurityEvent.Kind.OTP_FAILED, request=request, user=user)
        raise ValidationError({"code": _("Too many wrong codes. Wait a little, then enter the code the app shows.")})
    if not device.verify_token(token):
        security_event_record(kind=SecurityEvent.Kind.OTP_FAILED, request=request, user=user)
        raise ValidationError({"code": _("The code is not correct or has expired. Enter the code the app shows now.")})


def two_factor_remove(*, user: User, token: str, request: HttpRequest | None = None) -> None:
    """The user removes their own device, proving they still hold it with a current code. (The check runs before
    the transaction so that a wrong code's log line and throttling are kept.)"""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-step verification is not set up for this account."))
    two_factor_verify(user=user, device=device, token=token, request=request)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        security_event_record(kind=SecurityEvent.Kind.OTP_REMOVED, request=request, user=user, actor=user)


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> bool:
    """An administrator removes a user's devices (a lost phone); the user sets up a new one at their next sign-in
    if they must have one. Returns whether there was anything to remove."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        security_event_record(kind=SecurityEvent.Kind.OTP_RESET, request=request, user=user, actor=actor)
    return bool(deleted)
