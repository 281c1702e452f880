"""Aggregate figures of the task force's agreements (DOMAIN §8, MOUs in force), for
``taskforce.reports``.

MOUs are governance records: every member reads them in full, so the tables are not suppressed
(``people=False``); an agency's scope counts the MOUs it signed.

An MOU is in force on a day when a version of it executed by that day covers the day (effective
date to end date) and it was not terminated by then. The version rows carry each version's own
dates and execution, so an MOU being renewed (a new draft version) still counts while its
executed version runs, and a past period counts what was in force then, not what is now.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from agencies.roles import Discipline
from protocols.models import Mou, MouStatus, MouVersion
from taskforce.reports import Scope, Table, choices

EXPIRING_WITHIN_DAYS = 90


def reference_day(scope: Scope) -> dt.date:
    """The period's last day, or today while the period runs."""
    return min(scope.period.end, scope.today)


def _covered(day: dt.date, known_on: dt.date) -> Exists:
    """A version executed by ``known_on`` whose term includes ``day``."""
    return Exists(
        MouVersion.objects.filter(
            mou=OuterRef("pk"),
            executed_on__lte=known_on,
            effective_date__lte=day,
            end_date__gte=day,
        )
    )


def in_force_on(day: dt.date) -> Q:
    return Q(_covered(day, day)) & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))


def mous_in_force(scope: Scope, day: dt.date):
    return scope.governance(Mou, agency_field="signatories__agency").filter(in_force_on(day))


def mous_by_status(scope: Scope) -> Table:
    day = reference_day(scope)
    # Expiring: nothing executed by the day carries it past the 90 days.
    after = day + dt.timedelta(days=EXPIRING_WITHIN_DAYS + 1)
    found = (
        mous_in_force(scope, day)
        .values("status")
        .annotate(in_force=Count("pk"), expiring=Count("pk", filter=~Q(_covered(after, day))))
    )
    return Table(
        "mous_in_force",
        f"MOUs in force on {day:%b} {day.day}, {day:%Y}",
        [
            ("in_force", "In force"),
            ("expiring", f"Of which expiring within {EXPIRING_WITHIN_DAYS} days"),
        ],
        choices(MouStatus),
        {(row, r["status"]): r[row] for r in found for row in ("in_force", "expiring")},
        totals="rows",
        people=False,
        chart="",
        note="On the period's last day (today while the period runs), by each MOU's status "
        "today: a draft or circulating MOU in force is being renewed; one expired or "
        "terminated has ended since.",
    )


def mous_by_discipline(scope: Scope) -> Table:
    """How the disciplines are bound to each other: one MOU counts under each discipline
    among its signatories."""
    day = reference_day(scope)
    counted = Mou.objects.order_by().filter(pk__in=mous_in_force(scope, day).values("pk"))
    found = counted.values("signatories__agency__discipline").annotate(n=Count("pk", distinct=True))
    return Table(
        "mous_by_discipline",
        "MOUs in force, by discipline of the signatory agencies",
        choices(Discipline),
        [("n", "MOUs")],
        {(r["signatories__agency__discipline"], "n"): r["n"] for r in found},
        totals="none",
        people=False,
        note="An MOU counts under each discipline among its signatories.",
    )


def mou_tables(scope: Scope) -> list[Table]:
    return [mous_by_status(scope), mous_by_discipline(scope)]
