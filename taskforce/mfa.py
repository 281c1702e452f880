"""The second factor: an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

No SMS: CJIS and NIST SP 800-63B treat codes sent over the phone network as restricted. A code
is accepted once only (the device remembers the last 30-second step used) and only for the
current step or the one either side of it, so a code read off a screen is dead a minute later.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from taskforce import audit, crypto
from taskforce.models import AuditAction, AuditOutcome
from taskforce.signin import end_sessions

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Steps either side of the current one that are still accepted (clock drift of a phone).
TOLERANCE_STEPS = 1


def exempt(user) -> bool:
    """Demo accounts of the embedded mode, when the setting says so (refused with DEBUG off)."""
    if not settings.MFA_EXEMPT_DEMO_USERS:
        return False
    from taskforce.management.commands.seed_demo import DEMO_USERNAMES

    return user.username in DEMO_USERNAMES


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolment works on: the same one until it is confirmed, so that
    reloading the page does not change the secret already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False, tolerance=TOLERANCE_STEPS
        )
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no external request)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)
    # Drawn by segno from our own otpauth:// address: paths only, no text of the address.
    return mark_safe(svg)  # noqa: S308


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


def verify(user, code: str) -> bool:
    """A six-digit app code or an unused recovery code. Each is accepted once only."""
    code = _clean(code)
    if code.isdigit() and len(code) == 6:
        device = confirmed_app(user)
        return device is not None and device.verify_token(code)
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    return device is not None and device.verify_token(_stored(code))


def confirm_enrolment(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new app with its first code; returns fresh recovery codes, or None when the
    code is wrong."""
    code = _clean(code)
    if not (code.isdigit() and len(code) == 6) or not device.verify_token(code):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = issue_recovery_codes(user)
        audit.record(
            AuditAction.MFA_ENROL, user=user, object_type="auth.user", object_id=str(user.pk)
        )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def _stored(code: str) -> str:
    """What the database keeps of a recovery code: a keyed hash (the index key of
    ``taskforce.crypto``), so a copy of the database alone does not sign anyone in."""
    return crypto.token(code, purpose="recovery-code")


def issue_recovery_codes(user) -> list[str]:
    """New recovery codes, replacing any left. Shown once; only the holder keeps them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_stored(c)) for c in codes)
    return codes


def reset(user, *, by) -> None:
    """Remove a user's second factor (a lost phone): they enrol again at their next sign-in.

    Only system administrators may; every session and token of the user ends at once.
    """
    if not (by is not None and by.is_superuser and by.is_active):
        audit.record(
            AuditAction.MFA_RESET,
            user=by,
            object_type="auth.user",
            object_id=str(user.pk),
            outcome=AuditOutcome.DENIED,
            survive_rollback=True,
        )
        raise PermissionDenied("Only a system administrator can reset a second factor.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(
            AuditAction.MFA_RESET, user=by, object_type="auth.user", object_id=str(user.pk)
        )
        end_sessions(user, reason="second factor reset", by=by)
