"""The clocks of investigations and prosecutions (DOMAIN §6), registered with
``taskforce.deadlines``, and the notice of a deconfliction hit.

Each ``sync_*`` function is called by the service that changed the source, inside its
transaction, and leaves the source's deadline matching its state.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from agencies.roles import Role
from cases.models import Case, CaseStatus, CourtEvent, DeconflictionHit
from taskforce import access
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus, NotificationKind

COURT_STAFF = (Role.PROSECUTOR, Role.VICTIM_WITNESS_COORDINATOR)


# --- Court events -----------------------------------------------------------------------------


def sync_court_event(event: CourtEvent) -> None:
    """Open until the court date; an outcome on record means the event took place.

    A court event has no vacated state of its own: a continuance is recorded by moving
    ``scheduled_at``, which moves the deadline.
    """
    kind = DeadlineKind.COURT_EVENT
    if event.outcome:
        clocks.close(kind=kind, source=event, status=DeadlineStatus.MET)
        return
    clocks.track(
        kind=kind,
        source=event,
        due_at=event.scheduled_at,
        agency=event.owner_agency,
        title=f"Court event #{event.pk}: {event.get_event_type_display().lower()}",
    )


def _court_people(deadline) -> list:
    # The prosecutors and victim-witness coordinators of the office, and the case agents. The
    # core keeps only those who may see the event: a provider never hears of a court date here.
    case = Case.objects.get(prosecutions__court_events__pk=deadline.source_id)
    return [
        *clocks.members_of(deadline.owner_agency_id, COURT_STAFF),
        *case.assigned_investigators.order_by("pk"),
    ]


# --- Case inactivity --------------------------------------------------------------------------


def _inactive_from(case: Case):
    return case.last_activity_at + clocks.window(DeadlineKind.CASE_INACTIVITY)


def sync_case(case: Case) -> None:
    """Open while the case is open, due a window after its last activity; cancelled on close."""
    kind = DeadlineKind.CASE_INACTIVITY
    if case.status == CaseStatus.CLOSED:
        clocks.close(kind=kind, source=case, status=DeadlineStatus.CANCELLED)
        return
    clocks.track(
        kind=kind,
        source=case,
        due_at=_inactive_from(case),
        agency=case.owner_agency,
        title=f"Case {case.number}: no recent activity",
    )


def case_active(case: Case, at) -> None:
    """Activity on the case restarts its clock: the policy's read and one UPDATE, no lock
    (every note, subject and identifier calls it)."""
    kind = DeadlineKind.CASE_INACTIVITY
    policy = clocks.policy_for(kind)
    due_at = at + dt.timedelta(hours=policy.window_hours)
    clocks.restart(kind=kind, source=case, due_at=due_at, policy=policy)


def _assigned(deadline) -> list:
    return list(Case.objects.get(pk=deadline.source_id).assigned_investigators.order_by("pk"))


# --- Deconfliction ----------------------------------------------------------------------------


def tell_of_hits(hits: list[DeconflictionHit]) -> int:
    """Each side hears of its own hit: the people who may see it (the case's assigned
    investigators and the agency's supervisors), told only their own case's number."""
    sent = 0
    for hit in hits:
        case = hit.case
        people = {
            user.pk: user
            for user in (
                *case.assigned_investigators.all(),
                *clocks.members_of(hit.owner_agency_id, [Role.LE_SUPERVISOR]),
            )
        }
        for user in people.values():
            if not access.visible(user, DeconflictionHit).filter(pk=hit.pk).exists():
                continue
            clocks.notify(
                user=user,
                kind=NotificationKind.DECONFLICTION,
                title=f"Deconfliction hit on case {case.number}",
                url=reverse("cases:detail", args=[case.pk]),
            )
            sent += 1
    return sent


clocks.register(
    DeadlineKind.COURT_EVENT,
    clocks.KindSpec(
        model=CourtEvent,
        visible_ids=lambda user: access.visible(user, CourtEvent).values("pk"),
        recipients=_court_people,
        url=lambda deadline: reverse("cases:court-calendar"),
        # The date arriving is the event taking place: nothing was missed.
        on_due=lambda deadline, now: DeadlineStatus.MET,
    ),
)
clocks.register(
    DeadlineKind.CASE_INACTIVITY,
    clocks.KindSpec(
        model=Case,
        visible_ids=lambda user: access.visible(user, Case).values("pk"),
        recipients=_assigned,
        escalate_to=lambda deadline: clocks.members_of(
            deadline.owner_agency_id, [Role.LE_SUPERVISOR]
        ),
        url=lambda deadline: reverse("cases:detail", args=[deadline.source_id]),
    ),
)
