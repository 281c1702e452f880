"""The governance clocks (DOMAIN §6): MOU end dates, protocol reviews and objective targets,
registered with ``taskforce.deadlines``.

Governance records belong to the whole task force: every member in force reads them, so a
deadline on one is visible to anyone holding a membership in force and to nobody else.
"""

from __future__ import annotations

from django.db.models import Exists, Model
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import SUPERVISOR_ROLES
from agencies.selectors import active_memberships
from protocols.models import (
    Mou,
    MouSignature,
    MouStatus,
    Objective,
    ObjectiveStatus,
    Protocol,
    ProtocolStatus,
)
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus


def _readable(model: type[Model]):
    """Every id of ``model`` for a member in force; none for anyone else (one subquery)."""

    def visible_ids(user):
        return model.objects.filter(Exists(active_memberships(user))).values("pk")

    return visible_ids


def _agency_of(user) -> Agency:
    """The agency that answers for a governance deadline: the person's own (a coordinator's
    office first), else the coordinators' office."""
    memberships = Membership.objects.select_related("agency").order_by("-is_coordinator", "pk")
    found = memberships.filter(user=user).first() or memberships.filter(is_coordinator=True).first()
    return found.agency


# --- MOU end date -----------------------------------------------------------------------------


def sync_mou(mou: Mou) -> None:
    """Open while the MOU is in force (executed) or being renewed, due when its end date has
    passed; a renewal moves it to the new end date; termination cancels it."""
    kind = DeadlineKind.MOU_END
    if mou.status == MouStatus.TERMINATED:
        clocks.close(kind=kind, source=mou, status=DeadlineStatus.CANCELLED)
        return
    if mou.status == MouStatus.EXPIRED:
        clocks.close(kind=kind, source=mou, status=DeadlineStatus.MET)
        return
    renewing = mou.status in (MouStatus.DRAFT, MouStatus.CIRCULATING) and mou.version > 1
    if not mou.end_date or not (mou.status == MouStatus.EXECUTED or renewing):
        return  # a first draft is not in force: nothing ends yet
    clocks.track(
        kind=kind,
        source=mou,
        due_at=clocks.after(mou.end_date),
        agency=_agency_of(mou.created_by),
        title=f"MOU #{mou.pk}: ends",
    )


def _mou_contacts(deadline) -> list:
    """Coordinators, and for each signatory agency the people who signed for it (its contacts
    on the agreement), else the people who may sign for it (supervisors, coordinators)."""
    mou = Mou.objects.get(pk=deadline.source_id)
    people = list(clocks.coordinators())
    for signatory in mou.signatories.order_by("pk"):
        signers = [
            s.signer
            for s in MouSignature.objects.filter(signatory=signatory)
            .select_related("signer")
            .order_by("-version__number", "pk")
        ]
        people += signers or clocks.members_of(signatory.agency_id, SUPERVISOR_ROLES)
    return people


def _mou_lapsed(deadline, now) -> str:
    # The end date passed: an MOU in force lapses here, as the hourly job would (that job stays
    # as the catch-up). Reaching an end date is not a failure: the reminders asked for renewal.
    from protocols import services

    mou = Mou.objects.select_for_update().get(pk=deadline.source_id)
    services.expire_mou(mou, on=timezone.localdate(now))
    return DeadlineStatus.MET


# --- Protocol review --------------------------------------------------------------------------


def sync_protocol(protocol: Protocol) -> None:
    """Due on the review date; a new review date moves it; retiring cancels it.

    Adopting a new version is not a review by itself: whoever reviewed it sets the next review
    date, and that move is what clears the clock.
    """
    kind = DeadlineKind.PROTOCOL_REVIEW
    if protocol.status == ProtocolStatus.RETIRED:
        clocks.close(kind=kind, source=protocol, status=DeadlineStatus.CANCELLED)
        return
    clocks.track(
        kind=kind,
        source=protocol,
        due_at=clocks.start_of(protocol.review_date),
        agency=_agency_of(protocol.owner),
        title=f"Protocol #{protocol.pk}: review due",
        responsible_user=protocol.owner,
    )


# --- Objective target date --------------------------------------------------------------------


def sync_objective(objective: Objective) -> None:
    """Due on the target date; met once achieved, cancelled if dropped."""
    kind = DeadlineKind.OBJECTIVE_TARGET
    if objective.status == ObjectiveStatus.ACHIEVED:
        clocks.close(kind=kind, source=objective, status=DeadlineStatus.MET)
    elif objective.status == ObjectiveStatus.DROPPED:
        clocks.close(kind=kind, source=objective, status=DeadlineStatus.CANCELLED)
    else:
        clocks.track(
            kind=kind,
            source=objective,
            due_at=clocks.start_of(objective.target_date),
            agency=_agency_of(objective.owner),
            title=f"Objective #{objective.pk}: target date",
            responsible_user=objective.owner,
        )


def _owner_and_coordinators(deadline) -> list:
    return [deadline.responsible_user, *clocks.coordinators()]


clocks.register(
    DeadlineKind.MOU_END,
    clocks.KindSpec(
        model=Mou,
        visible_ids=_readable(Mou),
        recipients=_mou_contacts,
        url=lambda deadline: reverse("protocols:mou-detail", args=[deadline.source_id]),
        on_due=_mou_lapsed,
    ),
)
clocks.register(
    DeadlineKind.PROTOCOL_REVIEW,
    clocks.KindSpec(
        model=Protocol,
        visible_ids=_readable(Protocol),
        recipients=_owner_and_coordinators,
        url=lambda deadline: reverse("protocols:protocol-detail", args=[deadline.source_id]),
    ),
)
clocks.register(
    DeadlineKind.OBJECTIVE_TARGET,
    clocks.KindSpec(
        model=Objective,
        visible_ids=_readable(Objective),
        recipients=_owner_and_coordinators,
        url=lambda deadline: reverse("protocols:charter"),
    ),
)
