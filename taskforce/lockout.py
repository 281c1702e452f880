"""Account lockout and per-address throttling of sign-in (CJIS 5.5.3, OWASP ASVS 2.2.1).

Every failed step (password, one-time code, a partner system's client secret) leaves a
``SignInFailure`` row. Too many for one account within the window lock it until a supervisor of
one of its agencies, a coordinator or an administrator unlocks it; too many from one address
refuse that address for the rest of the window without locking anyone, so that guessing
passwords of many accounts from one place neither succeeds nor locks the people it targets.

The rows are a counter, not the record: the audit trail keeps the failed attempts, the locks and
the unlocks. A success clears the account's rows; rows older than a month are purged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from agencies.models import Membership
from agencies.roles import SUPERVISOR_ROLES
from taskforce import audit
from taskforce.models import AccountLock, AuditAction, AuditOutcome, SignInFailure
from taskforce.signin import end_sessions

LOCKED_MESSAGE = (
    "This account is locked after repeated failed sign-in attempts. Ask a supervisor of your "
    "agency or the task force coordinator to unlock it."
)
THROTTLED_MESSAGE = (
    "Too many failed sign-in attempts have come from your network address. "
    "Wait 15 minutes and try again."
)


class SignInRefused(Exception):
    """A sign-in step refused before any credential is checked.

    ``message`` is a sentence for the form; ``status`` is 403 for a locked account and 429 for a
    throttled address; ``retry_after`` (seconds) is set for a throttled address.
    """

    def __init__(self, message: str, *, status: int, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def account_failure_limit() -> int:
    return getattr(settings, "SIGNIN_ACCOUNT_FAILURE_LIMIT", 5)


def address_failure_limit() -> int:
    return getattr(settings, "SIGNIN_ADDRESS_FAILURE_LIMIT", 20)


def failure_window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "SIGNIN_FAILURE_WINDOW_SECONDS", 900))


def failure_retention() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "SIGNIN_FAILURE_RETENTION_DAYS", 30))


def _recent(now: dt.datetime) -> QuerySet[SignInFailure]:
    return SignInFailure.objects.filter(at__gt=now - failure_window())


def is_locked(user) -> bool:
    return user is not None and AccountLock.objects.filter(user=user, unlocked_at=None).exists()


def check(*, user, source_ip: str | None, step: str) -> None:
    """Raise ``SignInRefused`` if this attempt may not even be tried.

    The address comes first: from a throttled address the answer is the same whether or not the
    account exists or is locked, so the refusal tells a guesser nothing about the account.
    ``step`` is part of the interface for the callers' sake; every step counts alike.
    """
    if source_ip:
        failures = _recent(timezone.now()).filter(source_ip=source_ip).count()
        if failures >= address_failure_limit():
            raise SignInRefused(
                THROTTLED_MESSAGE,
                status=429,
                retry_after=int(failure_window().total_seconds()),
            )
    if is_locked(user):
        raise SignInRefused(LOCKED_MESSAGE, status=403)


def failed(*, username: str, user, source_ip: str | None, step: str) -> bool:
    """Count a failed attempt; lock ``user`` when it reaches the limit. True when locked."""
    now = timezone.now()
    SignInFailure.objects.create(
        at=now, step=step, username=(username or "")[:150], user=user, source_ip=source_ip or None
    )
    if user is None:
        return False
    if is_locked(user):
        return True
    failures = _recent(now).filter(user=user).count()
    if failures < account_failure_limit():
        return False
    try:
        # Two failures at once may both reach the limit; the constraint of one open lock per
        # account lets only one of them lock (and audit) it.
        with transaction.atomic():
            lock = AccountLock.objects.create(user=user, step=step, locked_at=now)
    except IntegrityError:
        return True
    audit.record(
        AuditAction.LOCK,
        user=None,
        object_type="auth.user",
        object_id=str(user.pk),
        detail={"step": step, "failures": failures, "lock_id": lock.pk},
    )
    end_sessions(user, reason="locked")
    return True


def succeeded(*, user) -> None:
    """A successful step: the account's count starts again from nothing."""
    SignInFailure.objects.filter(user=user).delete()


# --- Who may unlock whom ----------------------------------------------------------------------


def _supervised_agency_ids(by) -> QuerySet:
    return (
        Membership.objects.active()
        .filter(user_id=by.pk, role__in=SUPERVISOR_ROLES)
        .values("agency_id")
    )


def _is_coordinator(by) -> bool:
    return Membership.objects.active().filter(user_id=by.pk, is_coordinator=True).exists()


def may_unlock_anyone(by) -> bool:
    """Administrators, coordinators, and supervisors (of their own agencies' members)."""
    if by is None or not by.is_authenticated or not by.is_active:
        return False
    return by.is_superuser or _is_coordinator(by) or _supervised_agency_ids(by).exists()


def _unlockable_users(by, account: str) -> Exists | bool:
    """A filter for the accounts ``by`` may unlock (``account``: the field holding the
    account's id in the filtered query), or True (every account) or False (none)."""
    if not may_unlock_anyone(by):
        return False
    if by.is_superuser:
        return True
    if _is_coordinator(by):
        # Coordinators look after everyone acting for a task force agency.
        return Exists(Membership.objects.filter(user_id=OuterRef(account)))
    return Exists(
        Membership.objects.active().filter(
            user_id=OuterRef(account), agency_id__in=_supervised_agency_ids(by)
        )
    )


def locked_accounts(by) -> QuerySet[AccountLock]:
    """The open locks ``by`` may unlock, oldest first."""
    reach = _unlockable_users(by, "user_id")
    if reach is False:
        return AccountLock.objects.none()
    qs = AccountLock.objects.filter(unlocked_at=None).select_related("user")
    if reach is not True:
        qs = qs.filter(reach)
    return qs.order_by("locked_at", "id")


def may_unlock(by, user) -> bool:
    """Whether ``by`` may unlock ``user`` (the rule of ``locked_accounts``)."""
    reach = _unlockable_users(by, "pk")
    if isinstance(reach, bool):
        return reach
    return get_user_model().objects.filter(reach, pk=user.pk).exists()


def unlock(*, user, by) -> None:
    """Close ``user``'s open lock and clear its failures; refused (and audited) for anyone who
    may not unlock this account."""
    if not may_unlock(by, user):
        audit.record(
            AuditAction.UNLOCK,
            user=by,
            object_type="auth.user",
            object_id=str(user.pk),
            outcome=AuditOutcome.DENIED,
            survive_rollback=True,
        )
        raise PermissionDenied("You may not unlock this account.")
    with transaction.atomic():
        lock_ids = list(
            AccountLock.objects.filter(user=user, unlocked_at=None).values_list("pk", flat=True)
        )
        AccountLock.objects.filter(pk__in=lock_ids, unlocked_at=None).update(
            unlocked_at=timezone.now(), unlocked_by=by
        )
        SignInFailure.objects.filter(user=user).delete()
        audit.record(
            AuditAction.UNLOCK,
            user=by,
            object_type="auth.user",
            object_id=str(user.pk),
            detail={"lock_id": lock_ids[0] if lock_ids else None},
        )


def purge_failures(*, now: dt.datetime | None = None) -> int:
    """Forget failed attempts older than the retention (a month by default). Returns how many."""
    cutoff = (now or timezone.now()) - failure_retention()
    removed, _ = SignInFailure.objects.filter(at__lt=cutoff).delete()
    return removed
