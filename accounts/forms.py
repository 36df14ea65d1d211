"""Forms of signing in and two-factor sign-in. They check the shape of what was typed;
whether a code is right is for tracker.services.two_factor, which the views call."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.services.two_factor import code_normalize, is_app_code, is_recovery_code
from workspace.forms import WorkspaceForm

CODE_MAX_LENGTH = 32  # generous for spaces and dashes; the code itself is 6 or 10 characters


class LoginForm(AuthenticationForm):
    """Django's login form, with an error that gets the case rule right: emails match in any
    case (tracker.models.people), passwords exactly."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password do not match. Check the password: capital letters "
            "count there (not in the email)."
        ),
    }


class SignInCodeForm(forms.Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=CODE_MAX_LENGTH)

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if not (is_app_code(code) or is_recovery_code(code)):
            raise ValidationError(
                _("Type the 6-digit code from your app, or one of your recovery codes.")
            )
        return code


class AppCodeForm(WorkspaceForm):
    """Confirms the set-up: the first code the app makes from the new secret."""

    code = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if not is_app_code(code):
            raise ValidationError(_("Type the 6 digits the app shows for Rehabit."))
        return code


class PasswordOrCodeForm(WorkspaceForm):
    """Proof that the person at the keyboard is the account's owner, before a change to how
    they sign in (a session left open on a shared computer is not enough)."""

    password_or_code = forms.CharField(
        label=_("Your password, or a code from your app"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ClinicTwoFactorForm(WorkspaceForm):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in for every therapist of the clinic"),
        required=False,
    )
