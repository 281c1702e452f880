"""Reads of agencies and memberships (governance: every active member reads the directory)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Agency, Membership
from agencies.roles import SUPERVISOR_ROLES


def active_memberships(user) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user_id=user.pk)


def is_member(user) -> bool:
    """Holds a membership in force (remembered on the user object for the request)."""
    cached = getattr(user, "_is_member", None)
    if cached is None:
        cached = active_memberships(user).exists()
        if user is not None:
            user._is_member = cached
    return cached


def is_coordinator(user) -> bool:
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = active_memberships(user).filter(is_coordinator=True).exists()
        if user is not None:
            user._is_coordinator = cached
    return cached


def may_administer(user) -> bool:
    """Coordinators and system administrators manage the task force's agencies and people.

    (Administrators manage configuration only: the access layer gives them no records.)
    """
    return bool(user is not None and user.is_authenticated and user.is_superuser) or is_coordinator(
        user
    )


def may_manage_agency(user, agency: Agency) -> bool:
    """Coordinators and administrators manage every agency; supervisors their own agency."""
    return (
        may_administer(user)
        or active_memberships(user).filter(agency=agency, role__in=SUPERVISOR_ROLES).exists()
    )


def agency_directory(
    user,
    *,
    search: str = "",
    discipline: str = "",
    jurisdiction_level: str = "",
    service: str = "",
    population: str = "",
    language: str = "",
    include_inactive: bool = False,
) -> QuerySet[Agency]:
    """Agencies an active member may see, filtered the way the directory filters them."""
    if not is_member(user):
        return Agency.objects.none()
    qs = Agency.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(acronym__icontains=search) | Q(city__icontains=search)
        )
    if discipline:
        qs = qs.filter(discipline=discipline)
    if jurisdiction_level:
        qs = qs.filter(jurisdiction_level=jurisdiction_level)
    # Exists() rather than joins: one row per agency, whatever it offers.
    if service:
        qs = qs.filter(
            Exists(
                Agency.services_offered.through.objects.filter(
                    agency_id=OuterRef("pk"), servicetype__code=service
                )
            )
        )
    if population:
        qs = qs.filter(
            Exists(
                Agency.populations_served.through.objects.filter(
                    agency_id=OuterRef("pk"), population__code=population
                )
            )
        )
    if language:
        qs = qs.filter(
            Exists(
                Agency.languages.through.objects.filter(
                    agency_id=OuterRef("pk"), language__code=language
                )
            )
        )
    return qs


def visible_memberships(user) -> QuerySet[Membership]:
    """Coordinators see the whole roster; others see the memberships of their own agencies."""
    if not is_member(user):
        return Membership.objects.none()
    if is_coordinator(user):
        return Membership.objects.all()
    return Membership.objects.filter(agency__in=active_memberships(user).values("agency_id"))
