"""Template context every page needs: the task force's name, who is acting for whom, and how
many notifications wait unread."""

from __future__ import annotations

from django.conf import settings

from agencies.roles import COMPARTMENT_ROLES, Compartment
from agencies.selectors import active_memberships
from taskforce.deadlines import unread_count

# Roles that may hold case records at all (law enforcement and prosecution).
CASE_ROLES = COMPARTMENT_ROLES[Compartment.INVESTIGATIVE][0]
# Roles that keep victim-witness records and receive releases (law enforcement, prosecution).
VICTIM_ROLES = COMPARTMENT_ROLES[Compartment.VICTIM_WITNESS][0]
# Roles that keep client records and answer referrals (victim service providers).
PROVIDER_ROLES = COMPARTMENT_ROLES[Compartment.SERVICES][1]


def memberships_in_force(request) -> list:
    """The signed-in user's memberships in force, with their agencies (one query per request).

    Ordered the way the audit trail picks the acting agency: people before service accounts,
    then the earliest membership.
    """
    cached = getattr(request, "_memberships_in_force", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = list(
            active_memberships(user)
            .select_related("agency")
            .order_by("is_service_account", "starts", "id")
        )
        request._memberships_in_force = cached
    return cached


def unread_notifications(request) -> int:
    """The signed-in user's unread notifications, counted once per request (one query)."""
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = unread_count(user) if user is not None and user.is_authenticated else 0
        request._unread_notifications = cached
    return cached


def taskforce(request):
    memberships = memberships_in_force(request)
    user = getattr(request, "user", None)
    is_coordinator = any(m.is_coordinator for m in memberships)
    return {
        "TASKFORCE_NAME": settings.TASKFORCE_NAME,
        "memberships_in_force": memberships,
        "acting_membership": memberships[0] if memberships else None,
        "other_memberships_count": max(len(memberships) - 1, 0),
        "user_is_coordinator": is_coordinator,
        "user_may_read_audit": is_coordinator or bool(user and user.is_superuser),
        "user_holds_cases": any(m.role in CASE_ROLES for m in memberships),
        "user_holds_victims": any(m.role in VICTIM_ROLES for m in memberships),
        "user_is_provider": any(m.role in PROVIDER_ROLES for m in memberships),
        "unread_notifications": unread_notifications(request),
    }
