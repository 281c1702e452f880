"""Writing the audit trail. Ids only: never names, birth dates or free text from records.

The trail fails closed: an event that cannot be written raises ``AuditWriteError``, which
nothing catches, so the request (and its transaction) fails instead of acting unaudited.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from taskforce.models import AuditAction, AuditEvent, AuditOutcome

# CJIS keeps audit records at least a year; the database refuses to delete younger rows too
# (migration 0006), so a lower setting could only fail.
AUDIT_RETENTION_MINIMUM_DAYS = 365

# Set by AuditContextMiddleware for the duration of a request, so services can audit without
# carrying the request around.
current_request: ContextVar = ContextVar("current_request", default=None)


@lru_cache(maxsize=4)
def _proxy_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_proxy(address) -> bool:
    networks = _proxy_networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The caller's address, as the audit trail and the sign-in throttling count it.

    The connection's own address, unless it comes from a reverse proxy of ours
    (``TRUSTED_PROXIES``): then the last address of ``X-Forwarded-For`` that is not one of our
    proxies, the one that connected to them. Anyone else's ``X-Forwarded-For`` is ignored, since
    it is only the caller's claim.
    """
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not _is_proxy(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(forwarded):
        address = _address(text)
        if address is None:
            break
        if not _is_proxy(address):
            return str(address)
    return str(peer)


def acting_agency_id(user) -> int | None:
    """The agency a user acts for: the first membership in force (memoised per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_acting_agency_id", None)
    if cached is None:
        from agencies.models import Membership

        cached = (
            Membership.objects.active()
            .filter(user_id=user.pk)
            .order_by("is_service_account", "starts", "id")
            .values_list("agency_id", flat=True)
            .first()
        ) or 0
        user._acting_agency_id = cached
    return cached or None


def record(
    action: str,
    *,
    user=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    detail: dict | None = None,
    request=None,
    survive_rollback: bool = False,
) -> AuditEvent | None:
    """Append one audit event.

    ``survive_rollback`` is for refusals (404/403): the request's transaction is rolled back
    when a view raises, so the event is queued and written by ``AuditContextMiddleware`` after
    the view's transaction has ended.
    """
    request = request or current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    event = AuditEvent(
        user_id=user.pk if authenticated else None,
        acting_agency_id=acting_agency_id(user) if authenticated else None,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        source_ip=client_ip(request),
        detail=detail or {},
    )
    if survive_rollback and request is not None:
        request._pending_audit_events = [*getattr(request, "_pending_audit_events", []), event]
        return None
    _write(event)
    return event


class AuditWriteError(RuntimeError):
    """An audit event could not be written. Deliberately not a ``DatabaseError``: handlers that
    turn an ``IntegrityError`` into a 409, or retry a savepoint, must not absorb it."""


def _write(event: AuditEvent) -> None:
    try:
        event.save()
    except DatabaseError as error:
        raise AuditWriteError(f"Could not write the audit event ({event.action}).") from error


def flush_pending(request) -> None:
    """Write the refusals queued during the request, all or none. Called after the view's
    transaction ended (refusals roll the view back); a failure raises, and the caller answers
    500 instead of the view's response."""
    pending, request._pending_audit_events = getattr(request, "_pending_audit_events", []), []
    if not pending:
        return
    with transaction.atomic():
        for event in pending:
            _write(event)


def retention_days() -> int:
    """``AUDIT_RETENTION_DAYS`` (365 by default); less than a year is a configuration error."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", AUDIT_RETENTION_MINIMUM_DAYS)
    if days < AUDIT_RETENTION_MINIMUM_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS must be at least {AUDIT_RETENTION_MINIMUM_DAYS}, not {days}."
        )
    return days


@transaction.atomic
def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the audit events older than the retention period; the number deleted.

    The model refuses every delete, so this one goes around it on purpose, as one DELETE
    bounded by the cutoff. The database refuses it too for any row younger than a year. The
    purge itself is recorded, in the same transaction.
    """
    days = retention_days()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    expired = AuditEvent.objects.filter(at__lt=cutoff)
    count = expired._raw_delete(expired.db)
    record(
        AuditAction.PURGE,
        object_type=AuditEvent._meta.label_lower,
        detail={"count": count, "cutoff": cutoff.isoformat(), "retention_days": days},
    )
    return count


__all__ = ["AuditAction", "AuditOutcome", "AuditWriteError", "current_request", "record"]
