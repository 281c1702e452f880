"""Signed-in sessions: the two sign-in steps, the session clocks, and ending every session and
token of an account at once.

A browser session passes two steps: the password (``PASSWORD_AT``) and the second factor
(``VERIFIED_AT``). Until both are done it reaches only the sign-in pages. The clocks are kept in
the server-side session, so nothing the browser holds can extend them.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from oauth2_provider.models import AccessToken, RefreshToken

from taskforce import audit
from taskforce.models import AuditAction, UserSession

PASSWORD_AT = "tf_password_at"  # noqa: S105 - a session key, not a password
VERIFIED_AT = "tf_verified_at"
SEEN_AT = "tf_seen_at"
REAUTHENTICATED_AT = "tf_reauthenticated_at"

# CJIS 5.5.5 (session lock after 30 minutes of inactivity) and a working day's absolute limit.
IDLE_TIMEOUT_SECONDS = 30 * 60
ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60
# A privileged action needs the password and a code again if the last proof is older than this.
REAUTHENTICATION_WINDOW_SECONDS = 15 * 60
# Activity is written to the session at most this often, to spare a write per request.
SEEN_RESOLUTION_SECONDS = 60


def now_ts() -> float:
    return timezone.now().timestamp()


def password_step_done(request) -> None:
    """After the password: the absolute clock starts; the second factor is still owed."""
    at = now_ts()
    request.session[PASSWORD_AT] = at
    request.session[SEEN_AT] = at
    request.session.pop(VERIFIED_AT, None)
    track_session(request)


def second_factor_done(request) -> None:
    """Both steps done. The session gets a new key, so that a key seen before the second factor
    (on a shared computer, in a proxy log) is worth nothing after it."""
    old_key = request.session.session_key
    request.session.cycle_key()
    track_session(request, old_key=old_key)
    at = now_ts()
    request.session[VERIFIED_AT] = at
    request.session[REAUTHENTICATED_AT] = at
    request.session[SEEN_AT] = at


def reauthenticated(request) -> None:
    request.session[REAUTHENTICATED_AT] = now_ts()


def is_verified(request) -> bool:
    return request.session.get(VERIFIED_AT) is not None


def recently_authenticated(request) -> bool:
    at = request.session.get(REAUTHENTICATED_AT)
    return at is not None and now_ts() - at <= REAUTHENTICATION_WINDOW_SECONDS


def expired(request) -> str | None:
    """Why the session may not go on ("idle", "absolute"), or None while it may."""
    session = request.session
    password_at, seen_at = session.get(PASSWORD_AT), session.get(SEEN_AT)
    if password_at is None or seen_at is None:
        # A session from before these clocks, or made without the sign-in pages.
        return "absolute"
    now = now_ts()
    if now - password_at > ABSOLUTE_TIMEOUT_SECONDS:
        return "absolute"
    if now - seen_at > IDLE_TIMEOUT_SECONDS:
        return "idle"
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return None


def track_session(request, *, old_key: str | None = None) -> None:
    """Remember whose session this is (under its new key, when Django gave it one)."""
    if old_key is not None:
        UserSession.objects.filter(session_key=old_key).delete()
    UserSession.objects.update_or_create(
        session_key=_session_key(request), defaults={"user_id": request.user.pk}
    )


def _session_key(request) -> str:
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def end_sessions(user, *, reason: str, by=None, keep=None) -> int:
    """End every browser session and every OAuth2 token of ``user`` now (but the session of the
    request ``keep``, when the person themselves acted, as in a password change).

    Tokens issued to a partner application act as its service account, so they end with it.
    Returns how many sessions and tokens were ended; the audit row says why.
    """
    kept = [keep.session.session_key] if keep is not None else []
    with transaction.atomic():
        ending = UserSession.objects.filter(user=user).exclude(session_key__in=kept)
        keys = list(ending.values_list("session_key", flat=True))
        sessions = Session.objects.filter(session_key__in=keys).delete()[0]
        ending.delete()
        owned = Q(user=user) | Q(application__user=user)
        RefreshToken.objects.filter(owned).delete()
        tokens = AccessToken.objects.filter(owned).delete()[0]
        audit.record(
            AuditAction.END_SESSIONS,
            user=by,
            object_type="auth.user",
            object_id=str(user.pk),
            detail={"reason": reason, "sessions": sessions, "tokens": tokens},
        )
    return sessions + tokens


def disable_account(user, *, by=None, reason: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions and tokens end now."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        audit.record(
            AuditAction.DISABLE,
            user=by,
            object_type="auth.user",
            object_id=str(user.pk),
            detail={"reason": reason},
        )
        end_sessions(user, reason=reason, by=by)


def reauthentication_required(view):
    """Before a privileged action: the password and a code again when the last proof is older
    than the window. The page comes back after; a form has to be sent again."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not recently_authenticated(request):
            back = request.get_full_path() if request.method == "GET" else request.path
            if request.method != "GET":
                back = request.META.get("HTTP_REFERER") or back
            return redirect(f"{reverse('reauthenticate')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapped
