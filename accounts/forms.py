from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is not correct. Both are case-sensitive."),
        "inactive": _("This account has been disabled. Contact your administrator."),
    }


class VerificationCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces allowed, as some apps display "123 456")."""

    code = forms.CharField(
        label=_("Verification code"),
        help_text=_("The 6 digits your authenticator app shows now for this account."),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("The code has 6 digits."))
        return code


class RemoveDeviceForm(VerificationCodeForm):
    """The same code, asked on the account page inside a folded section: no autofocus there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)
