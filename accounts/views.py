"""Signing in, the user's account page, password change and the second factor (TOTP)."""

import base64
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.forms import LoginForm, RemoveDeviceForm, VerificationCodeForm
from accounts.models import SecurityEvent
from accounts.scoping import role_assignments
from accounts.services import (
    confirmed_device,
    second_factor_required,
    security_event_record,
    two_factor_enrol,
    two_factor_remove,
    two_factor_verify,
)
from accounts.signals import HAS_DEVICE
from core.generic import add_service_errors
from core.ratelimit import client_ip, hit, ratelimit, too_many_requests

# The secret of a device being set up stays in the session until a code confirms it; nothing is saved before.
PENDING_KEY = "otp_pending_key"


class LoginView(auth_views.LoginView):
    """Django's login with the house form, and rate limits per client address and per user name on top of
    django-axes' lockout (which counts failures only)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        if not hit("login-ip", client_ip(request)):
            return too_many_requests(request, "login-ip")
        username = request.POST.get("username", "").strip().lower()
        if username and not hit("login-username", username):
            return too_many_requests(request, "login-username")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the old password, the rules of AUTH_PASSWORD_VALIDATORS), logged."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED,
            request=self.request,
            user=self.request.user,
            actor=self.request.user,
        )
        return response


class AccountView(TemplateView):
    """The user's own account: their roles, the second factor, the password, their recent sign-ins."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["assignments"] = role_assignments(user)
        context["device"] = confirmed_device(user)
        context["second_factor_required"] = second_factor_required(user)
        context["events"] = user.security_events.select_related("actor")[:10]
        context["remove_form"] = RemoveDeviceForm()
        return context


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG image in a data: URI (the page's CSP allows images from data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


@method_decorator([never_cache, ratelimit("otp", methods=("POST",))], name="dispatch")
class TwoFactorSetupView(FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a code."""

    template_name = "accounts/two_factor_setup.html"
    form_class = VerificationCodeForm

    def dispatch(self, request, *args, **kwargs):
        if confirmed_device(request.user) is not None:
            messages.info(request, _("Two-step verification is already set up for this account."))
            return redirect("accounts:account")
        return super().dispatch(request, *args, **kwargs)

    def pending_key(self) -> str:
        if not self.request.session.get(PENDING_KEY):
            self.request.session[PENDING_KEY] = random_hex(20)
        return self.request.session[PENDING_KEY]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self.pending_key()
        secret = b32encode(unhexlify(key)).decode("ascii")
        context["secret_groups"] = [secret[i : i + 4] for i in range(0, len(secret), 4)]
        context["qr_code"] = _qr_data_uri(TOTPDevice(user=self.request.user, key=key).config_url)
        context["required"] = second_factor_required(self.request.user)
        context["next"] = _next_url(self.request, "")
        return context

    def form_valid(self, form):
        try:
            device = two_factor_enrol(
                user=self.request.user, key=self.pending_key(), token=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[PENDING_KEY]
        otp_login(self.request, device)
        self.request.session[HAS_DEVICE] = True
        messages.success(self.request, _("Two-step verification is set up. Keep the app on your phone."))
        return redirect(_next_url(self.request, reverse("accounts:account")))


@method_decorator([never_cache, ratelimit("otp", methods=("POST",))], name="dispatch")
class TwoFactorVerifyView(FormView):
    """After the password: the code from the user's authenticator app, before anything else opens."""

    template_name = "accounts/two_factor_verify.html"
    form_class = VerificationCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(_next_url(request, reverse("overview:home")))
        self.device = confirmed_device(request.user)
        if self.device is None:
            # The device was reset or removed since sign-in.
            request.session[HAS_DEVICE] = False
            if second_factor_required(request.user):
                setup = reverse("accounts:two_factor_setup")
                return redirect(f"{setup}?{urlencode({'next': _next_url(request, '')})}")
            return redirect(_next_url(request, reverse("overview:home")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _next_url(self.request, "")
        return context

    def form_valid(self, form):
        try:
            two_factor_verify(
                user=self.request.user, device=self.device, token=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        return redirect(_next_url(self.request, reverse("overview:home")))


@method_decorator(ratelimit("otp", methods=("POST",)), name="dispatch")
class TwoFactorRemoveView(FormView):
    """POST: the user removes their own authenticator app, confirming with a current code."""

    form_class = RemoveDeviceForm
    template_name = "accounts/account.html"
    http_method_names = ["post"]

    def form_valid(self, form):
        user = self.request.user
        try:
            two_factor_remove(user=user, token=form.cleaned_data["code"], request=self.request)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect("accounts:account")
        self.request.session[HAS_DEVICE] = False
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(self.request, _("Two-step verification has been removed from your account."))
        return redirect("accounts:account")

    def form_invalid(self, form):
        messages.error(self.request, " ".join(form.errors["code"]))
        return redirect("accounts:account")
