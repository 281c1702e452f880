"""Reads of investigations and prosecutions, always through the access layer."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import (
    Case,
    CaseNote,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Identifier,
    Operation,
    PreOperationNotice,
    Prosecution,
    ProsecutionReferral,
    ProsecutorNote,
    Subject,
)
from taskforce import access


def cases_for(
    user,
    *,
    search: str = "",
    status: str = "",
    trafficking_type: str = "",
    origin: str = "",
    agency: int | str | None = None,
    assigned_to_me: bool = False,
) -> QuerySet[Case]:
    qs = access.visible(user, Case.objects.all()).select_related(
        "owner_agency", "venue", "recruitment_method"
    )
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if trafficking_type:
        qs = qs.filter(trafficking_type=trafficking_type)
    if origin:
        qs = qs.filter(origin=origin)
    if agency:
        qs = qs.filter(owner_agency_id=agency)
    if assigned_to_me:
        qs = qs.filter(
            pk__in=Case.assigned_investigators.through.objects.filter(user_id=user.pk).values(
                "case_id"
            )
        )
    return qs


def my_cases(user) -> QuerySet[Case]:
    return cases_for(user, assigned_to_me=True).exclude(status="closed")


def subjects_for(user) -> QuerySet[Subject]:
    return access.visible(user, Subject).select_related("case")


def identifiers_for(user) -> QuerySet[Identifier]:
    return access.visible(user, Identifier).filter(retired=False).select_related("case")


def notes_for(user) -> QuerySet[CaseNote]:
    return access.visible(user, CaseNote).select_related("case", "author")


def operations_for(user) -> QuerySet[Operation]:
    return access.visible(user, Operation).select_related("case")


def notices_for(user) -> QuerySet[PreOperationNotice]:
    return access.visible(user, PreOperationNotice).select_related("provider")


def hits_for(user) -> QuerySet[DeconflictionHit]:
    return access.visible(user, DeconflictionHit).select_related("case", "other_agency")


def prosecution_referrals_for(user) -> QuerySet[ProsecutionReferral]:
    return access.visible(user, ProsecutionReferral).select_related("case", "office")


def prosecutions_for(user) -> QuerySet[Prosecution]:
    return access.visible(user, Prosecution).select_related(
        "case", "owner_agency", "lead_prosecutor"
    )


def charges_for(user) -> QuerySet[Charge]:
    return access.visible(user, Charge).select_related(
        "prosecution", "subject", "statute", "nibrs_offense"
    )


def court_events_for(user) -> QuerySet[CourtEvent]:
    return access.visible(user, CourtEvent).select_related("prosecution__case")


def prosecutor_notes_for(user) -> QuerySet[ProsecutorNote]:
    return access.visible(user, ProsecutorNote).select_related("author")


def court_calendar(user, *, start=None, days: int = 7) -> QuerySet[CourtEvent]:
    """Court events the user may see in a week (from ``start``, today by default)."""
    import datetime as dt

    start = start or timezone.localdate()
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    return (
        court_events_for(user)
        .filter(scheduled_at__gte=begin, scheduled_at__lt=begin + dt.timedelta(days=days))
        .order_by("scheduled_at", "id")
    )
