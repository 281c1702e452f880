"""The clock of a membership that ended with open work (DOMAIN §6), registered with
``taskforce.deadlines``: the agency's supervisors reassign the person's cases, referrals,
clients and deadlines by the end date.

Memberships are not compartmented, but who left what behind is the agency's business: such a
deadline is visible to the agency's supervisors and to the task force's coordinators only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Q
from django.urls import reverse

from agencies.models import Membership
from agencies.roles import SUPERVISOR_ROLES
from taskforce import deadlines as clocks
from taskforce.models import Deadline, DeadlineKind, DeadlineStatus, NotificationKind


def open_work(membership: Membership) -> dict[str, bool]:
    """What the person still holds in the agency: cases assigned, deadlines they answer for,
    referrals they sent that wait for an answer, clients they case-manage."""
    from cases.models import Case, CaseStatus
    from victims.models import Client, ClientStatus, Referral, ReferralStatus

    user_id, agency_id = membership.user_id, membership.agency_id
    return {
        "cases": Case.objects.filter(
            Q(owner_agency_id=agency_id) | Q(participating_agencies=agency_id),
            assigned_investigators=user_id,
        )
        .exclude(status=CaseStatus.CLOSED)
        .exists(),
        "deadlines": Deadline.objects.filter(
            responsible_user_id=user_id, owner_agency_id=agency_id, status=DeadlineStatus.OPEN
        )
        .exclude(kind=DeadlineKind.MEMBERSHIP_OPEN_WORK)
        .exists(),
        "referrals": Referral.objects.filter(
            sent_by_id=user_id, owner_agency_id=agency_id, status=ReferralStatus.SENT
        ).exists(),
        "clients": Client.objects.filter(
            case_manager_id=user_id, owner_agency_id=agency_id, status=ClientStatus.ACTIVE
        ).exists(),
    }


def _stays(membership: Membership) -> bool:
    """Whether the person holds another membership in the agency after this one ends (a change
    of role): then nothing was left behind."""
    after = membership.ends + dt.timedelta(days=1)
    return (
        Membership.objects.active(after)
        .filter(user_id=membership.user_id, agency_id=membership.agency_id)
        .exclude(pk=membership.pk)
        .exists()
    )


def sync_membership(membership: Membership) -> None:
    """Open a deadline on the end date when the person leaves open work; cancel it when the
    membership no longer ends (or the person stays on in another role)."""
    kind = DeadlineKind.MEMBERSHIP_OPEN_WORK
    if membership.ends is None or _stays(membership):
        clocks.close(kind=kind, source=membership, status=DeadlineStatus.CANCELLED)
        return
    existing = clocks.deadline_of(kind, membership)
    left_work = any(open_work(membership).values())
    if existing is not None and existing.status == DeadlineStatus.MISSED:
        # Past the end date: the deadline stays on the supervisors' overdue list until the
        # last piece of work has been handed over.
        if not left_work:
            clocks.close(kind=kind, source=membership, status=DeadlineStatus.MET)
        return
    opening = existing is None or existing.status != DeadlineStatus.OPEN
    if opening and not left_work:
        return
    deadline = clocks.track(
        kind=kind,
        source=membership,
        # Through the end date: the person may still hand things over on their last day.
        due_at=clocks.after(membership.ends),
        agency=membership.agency,
        title=f"Membership #{membership.pk} ended with open work: reassign",
    )
    if opening:
        # The supervisors hear at once, not only when the end date has passed.
        for user in _supervisors(deadline):
            clocks.notify(
                user=user,
                kind=NotificationKind.ASSIGNMENT,
                title=deadline.title,
                url=_url(deadline),
                deadline=deadline,
            )


def _supervisors(deadline) -> list:
    """The agency's supervisors; an agency without supervisor roles (a prosecutor's office, a
    community organization) has the task force's coordinators reassign instead."""
    return clocks.supervisors_of(deadline.owner_agency_id) or clocks.coordinators()


def _url(deadline) -> str:
    return reverse("agencies:detail", args=[deadline.owner_agency_id])


def _visible_ids(user):
    mine = Membership.objects.active().filter(user_id=user.pk, is_service_account=False)
    return Membership.objects.filter(
        Q(agency__in=mine.filter(role__in=SUPERVISOR_ROLES).values("agency_id"))
        | Exists(mine.filter(is_coordinator=True))
    ).values("pk")


def _left_behind(deadline, now) -> str:
    membership = Membership.objects.get(pk=deadline.source_id)
    return DeadlineStatus.MISSED if any(open_work(membership).values()) else DeadlineStatus.MET


clocks.register(
    DeadlineKind.MEMBERSHIP_OPEN_WORK,
    clocks.KindSpec(
        model=Membership,
        visible_ids=_visible_ids,
        recipients=_supervisors,
        escalate_to=lambda deadline: clocks.coordinators(),
        url=_url,
        on_due=_left_behind,
    ),
)
