"""Aggregate figures of the task force's own activity (DOMAIN §8, task force): trainings,
outreach and active partners, for ``taskforce.reports``.

These are governance records: every member reads them in full, so the tables are not
suppressed (``people=False``) and the scope only narrows them to one agency's share (the
trainings it hosted, the outreach it took part in, itself as a partner).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum

from agencies.models import (
    Agency,
    Membership,
    OutreachAudience,
    OutreachEvent,
    Training,
    TrainingAttendance,
)
from agencies.roles import Discipline
from taskforce.reports import Scope, Table, choices, count_list_members, tally


def trainings_held(scope: Scope):
    """Trainings held in the period; an agency's are those it hosted."""
    return scope.governance(Training, agency_field="host_agency").filter(scope.on_days("held_on"))


def trainings_by_topic(scope: Scope) -> Table:
    # The join to attendance repeats each training once per attendee: trainings are counted
    # distinct, attendance rows as they come.
    found = (
        trainings_held(scope)
        .order_by("topic__name")
        .values("topic", "topic__name")
        .annotate(trainings=Count("pk", distinct=True), attendees=Count("attendance"))
    )
    return Table(
        "trainings_by_topic",
        "Trainings held, by topic",
        [(r["topic"], r["topic__name"]) for r in found],
        [("trainings", "Trainings"), ("attendees", "Attendees")],
        {(r["topic"], column): r[column] for r in found for column in ("trainings", "attendees")},
        totals="none",
        people=False,
        note="Attendees are attendances: a person at two trainings counts at each.",
    )


def trainings_by_audience(scope: Scope) -> Table:
    """One query: a conditional count per discipline over the JSON list of audiences."""
    found = count_list_members(trainings_held(scope), "audience_disciplines", Discipline.values)
    return Table(
        "trainings_by_audience",
        "Trainings held, by intended audience",
        choices(Discipline),
        [("n", "Trainings")],
        {(code, "n"): n for code, n in found.items()},
        totals="none",
        people=False,
        note="A training meant for several disciplines counts under each of them.",
    )


def attendance_by_discipline(scope: Scope) -> Table:
    attendance = scope.governance(TrainingAttendance, agency_field="training__host_agency")
    return Table(
        "attendance_by_discipline",
        "Training attendance, by discipline of the attendee's agency",
        choices(Discipline),
        [("n", "Attendees")],
        tally(attendance.filter(scope.on_days("training__held_on")), "agency__discipline"),
        people=False,
        note="Attendances at trainings held in the period, by the agency each person attended for.",
    )


def outreach_by_audience(scope: Scope) -> Table:
    found = (
        scope.governance(OutreachEvent, agency_field="agencies")
        .filter(scope.on_days("held_on"))
        .values("audience")
        .annotate(events=Count("pk"), reach=Sum("estimated_reach"))
    )
    return Table(
        "outreach_by_audience",
        "Outreach events, by audience",
        choices(OutreachAudience),
        [("events", "Events"), ("reach", "People reached (estimated)")],
        {(r["audience"], column): r[column] for r in found for column in ("events", "reach")},
        totals="none",
        people=False,
        note="Events held in the period; an agency's are those it led or took part in.",
    )


def active_partners(scope: Scope) -> Table:
    """An active partner is an active agency with a membership in force on at least one day
    of the period (starting by its end, not ended before its start)."""
    in_force = Membership.objects.filter(
        Q(ends__isnull=True) | Q(ends__gte=scope.period.start),
        agency=OuterRef("pk"),
        starts__lte=scope.period.end,
    )
    partners = scope.governance(Agency).filter(Exists(in_force), active=True)
    if scope.agency is not None:
        partners = partners.filter(pk=scope.agency.pk)  # an agency's share is itself
    return Table(
        "active_partners",
        "Active partner agencies, by discipline",
        choices(Discipline),
        [("n", "Agencies")],
        tally(partners, "discipline"),
        people=False,
        note="Active member agencies with at least one person's membership in force during "
        "the period.",
    )


def activity_tables(scope: Scope) -> list[Table]:
    return [
        trainings_by_topic(scope),
        attendance_by_discipline(scope),
        outreach_by_audience(scope),
    ]


def report_tables(scope: Scope) -> list[Table]:
    return [
        trainings_by_topic(scope),
        trainings_by_audience(scope),
        attendance_by_discipline(scope),
        outreach_by_audience(scope),
        active_partners(scope),
    ]
