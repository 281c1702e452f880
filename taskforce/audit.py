"""Writing the audit trail. Ids only: never names, birth dates or free text from records."""

from __future__ import annotations

from contextvars import ContextVar

from django.db import models

from taskforce.models import AuditAction, AuditEvent, AuditOutcome

# Set by AuditContextMiddleware for the duration of a request, so services can audit without
# carrying the request around.
current_request: ContextVar = ContextVar("current_request", default=None)


def client_ip(request) -> str | None:
    """The caller's address. Behind a proxy, the proxy must set REMOTE_ADDR (gunicorn does)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    event.save()
    return event


def flush_pending(request) -> None:
    for event in getattr(request, "_pending_audit_events", ()):
        event.save()
    request._pending_audit_events = []


__all__ = ["AuditAction", "AuditOutcome", "current_request", "record"]
