"""The clocks of victims and services (DOMAIN §6), registered with ``taskforce.deadlines``.

Each ``sync_*`` function is called by the service that changed the source, inside its
transaction, and leaves the source's deadlines matching its state.
"""

from __future__ import annotations

from django.urls import reverse

from agencies.roles import Role
from taskforce import access
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus, NotificationKind
from victims.models import Referral, ReferralStatus

INTAKE_ROLES = (Role.ADVOCATE, Role.VSP_SUPERVISOR)


# --- Referral response ------------------------------------------------------------------------


def _referral(deadline) -> Referral:
    return Referral.objects.get(pk=deadline.source_id)


def _referral_escalation(deadline) -> list:
    # The provider's supervisors, and the sender, who is told the referral went unanswered.
    referral = _referral(deadline)
    return [*clocks.supervisors_of(referral.provider_id, INTAKE_ROLES), referral.sent_by]


def sync_referral(referral: Referral) -> None:
    """Open while the referral waits for an answer; met once answered; cancelled if withdrawn."""
    kind = DeadlineKind.REFERRAL_RESPONSE
    if referral.status == ReferralStatus.SENT:
        clocks.track(
            kind=kind,
            source=referral,
            due_at=referral.respond_by,
            agency=referral.provider,
            title=f"Referral #{referral.pk}: answer the referral",
        )
    elif referral.status == ReferralStatus.WITHDRAWN:
        clocks.close(kind=kind, source=referral, status=DeadlineStatus.CANCELLED)
    else:
        clocks.close(kind=kind, source=referral, status=DeadlineStatus.MET)


def tell_sender(referral: Referral) -> None:
    """The sender hears the answer (DOMAIN §6: sender told of the outcome)."""
    clocks.notify(
        user=referral.sent_by,
        kind=NotificationKind.OUTCOME,
        title=f"Referral #{referral.pk} {referral.get_status_display().lower()}",
        url=reverse("victims:referral-detail", args=[referral.pk]),
    )


clocks.register(
    DeadlineKind.REFERRAL_RESPONSE,
    clocks.KindSpec(
        model=Referral,
        visible_ids=lambda user: access.visible(user, Referral).values("pk"),
        recipients=lambda deadline: clocks.members_of(deadline.owner_agency_id, INTAKE_ROLES),
        escalate_to=_referral_escalation,
        url=lambda deadline: reverse("victims:referral-detail", args=[deadline.source_id]),
    ),
)
