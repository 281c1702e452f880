"""Forms of the sign-in steps."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from taskforce import lockout
from taskforce.audit import client_ip
from taskforce.models import SignInStep


class SignInForm(AuthenticationForm):
    """User name and password, the system-use notice acknowledged, and the lockout rules.

    A refused or failed attempt says nothing about whether the account exists.
    """

    acknowledge = forms.BooleanField(
        label="I have read the notice above and will use this system only as it allows.",
        error_messages={"required": "Acknowledge the system-use notice to sign in."},
    )

    refusal: lockout.SignInRefused | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password) or "acknowledge" not in self.cleaned_data:
            return self.cleaned_data
        user = get_user_model().objects.filter(username=username).first()
        source_ip = client_ip(self.request)
        try:
            lockout.check(user=user, source_ip=source_ip, step=SignInStep.PASSWORD)
        except lockout.SignInRefused as refused:
            self.refusal = refused
            raise ValidationError(refused.message, code="refused") from None
        try:
            cleaned = super().clean()
        except ValidationError:
            if lockout.failed(
                username=username, user=user, source_ip=source_ip, step=SignInStep.PASSWORD
            ):
                self.refusal = lockout.SignInRefused(lockout.LOCKED_MESSAGE, status=403)
                raise ValidationError(self.refusal.message, code="locked") from None
            raise
        lockout.succeeded(user=self.get_user())
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autofocus": True})
    )
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six-digit code your authenticator app shows now, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, needs_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]
