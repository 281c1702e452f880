"""Signing in, in tests: a test client whose logins pass both sign-in steps, and codes from a
user's authenticator app."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from taskforce import signin
from taskforce.models import UserSession


def mark_signed_in(client: Client, user, *, second_factor: bool = True) -> None:
    """Give a logged-in test client's session what the sign-in pages would have set."""
    session = client.session
    at = timezone.now().timestamp()
    session[signin.PASSWORD_AT] = at
    session[signin.SEEN_AT] = at
    if second_factor:
        session[signin.VERIFIED_AT] = at
        session[signin.REAUTHENTICATED_AT] = at
    else:
        session.pop(signin.VERIFIED_AT, None)
        session.pop(signin.REAUTHENTICATED_AT, None)
    session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user_id": user.pk}
    )


class SignedInClient(Client):
    """Django's test client; ``login`` and ``force_login`` stand for both sign-in steps done."""

    def _login(self, user, backend=None):
        super()._login(user, backend)
        mark_signed_in(self, user)


def enrol_app(user) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (the one already there, if any)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", tolerance=1)


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now. A code is accepted once only, so after one was used in this
    30-second step, the next step's code (still within the tolerance) is given instead."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = timezone.now().timestamp()
    step = max(totp.t() + steps_ahead, device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"
