"""The clocks of victims and services (DOMAIN §6), registered with ``taskforce.deadlines``.

Each ``sync_*`` function is called by the service that changed the source, inside its
transaction, and leaves the source's deadlines matching its state.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from agencies.roles import Compartment, Role, roles_that_may
from taskforce import access
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus, NotificationKind
from victims.models import (
    Consent,
    ImmigrationRelief,
    Referral,
    ReferralStatus,
    ReliefKind,
    ReliefStatus,
)

INTAKE_ROLES = (Role.ADVOCATE, Role.VSP_SUPERVISOR)
# The people of the holding agency who work an immigration relief record.
RELIEF_STAFF = tuple(sorted(roles_that_may(Compartment.IMMIGRATION, "change")))


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


# --- Release of information expiry -----------------------------------------------------------


def sync_consent(consent: Consent) -> None:
    """Open until the release lapses (the first moment after ``expires_on``, as ``live_q``
    reads it); a revocation cancels it, since access already ended."""
    kind = DeadlineKind.CONSENT_EXPIRY
    if consent.revoked_at:
        clocks.close(kind=kind, source=consent, status=DeadlineStatus.CANCELLED)
        return
    clocks.track(
        kind=kind,
        source=consent,
        due_at=clocks.after(consent.expires_on),
        agency=consent.owner_agency,
        title=f"Release #{consent.pk}: expires",
    )


def _consent_lapsed(deadline, now: dt.datetime) -> str:
    # Access ends on schedule: the recipient's grant goes at the first scan past expiry (the
    # access check already refused it; the hourly job stays as a catch-up).
    from victims import services

    services.remove_expired_grant(
        Consent.objects.select_related("recipient").get(pk=deadline.source_id)
    )
    return DeadlineStatus.MET


# --- Immigration relief ----------------------------------------------------------------------

RELIEF_CLOCKS = {
    ReliefKind.HHS_REQUEST_FOR_ASSISTANCE: DeadlineKind.HHS_NOTIFICATION,
    ReliefKind.U_VISA_CERTIFICATION: DeadlineKind.U_VISA_FILING,
    ReliefKind.T_VISA_DECLARATION: DeadlineKind.T_VISA_DECLARATION,
    ReliefKind.CONTINUED_PRESENCE: DeadlineKind.CONTINUED_PRESENCE,
    ReliefKind.HHS_INTERIM_LETTER: DeadlineKind.HHS_INTERIM_LETTER,
}
RELIEF_TITLES = {
    DeadlineKind.HHS_NOTIFICATION: "notify HHS",
    DeadlineKind.U_VISA_FILING: "file the U visa petition",
    DeadlineKind.T_VISA_DECLARATION: "answer the T visa declaration request",
    DeadlineKind.CONTINUED_PRESENCE: "Continued Presence expires",
    DeadlineKind.HHS_INTERIM_LETTER: "HHS interim letter expires",
}
# Statuses that end a request without the step being taken.
ABANDONED = (ReliefStatus.WITHDRAWN, ReliefStatus.DENIED, ReliefStatus.EXPIRED)


def _relief_clock(relief: ImmigrationRelief, kind: str) -> dt.datetime | str | None:
    """The due time of the relief's clock, or the status to close it with (None: no clock)."""
    status = relief.status
    if kind == DeadlineKind.HHS_NOTIFICATION:
        if status == ReliefStatus.REQUESTED:
            return relief.due_at
        if status in (ReliefStatus.SUBMITTED, ReliefStatus.GRANTED):
            return DeadlineStatus.MET
        return DeadlineStatus.CANCELLED
    if kind == DeadlineKind.U_VISA_FILING:
        # "Granted" on a certification means signed: the six months run from the signature
        # until the petition is filed, which the USCIS receipt number shows. Nothing else
        # meets it; a withdrawn, denied or lapsed certification ends it.
        if relief.receipt_number:
            return DeadlineStatus.MET
        if status in ABANDONED:
            return DeadlineStatus.CANCELLED
        return clocks.after(relief.file_by) if relief.file_by else None
    if kind == DeadlineKind.T_VISA_DECLARATION:
        if status in (ReliefStatus.REQUESTED, ReliefStatus.SUBMITTED):
            return clocks.start_of(relief.requested_on) + clocks.window(kind)
        if status in (ReliefStatus.GRANTED, ReliefStatus.DENIED):
            return DeadlineStatus.MET
        return DeadlineStatus.CANCELLED
    # Continued Presence and the HHS interim letter: an expiry once granted; a renewal moves
    # ``expires_on`` and with it the clock.
    if status == ReliefStatus.GRANTED and relief.expires_on:
        return clocks.after(relief.expires_on)
    return DeadlineStatus.CANCELLED if status in ABANDONED else None


def sync_relief(relief: ImmigrationRelief) -> None:
    """Keep the relief's one clock (by its kind) in step with its status and dates."""
    wanted = RELIEF_CLOCKS.get(relief.kind)
    for kind in RELIEF_CLOCKS.values():
        state = _relief_clock(relief, kind) if kind == wanted else DeadlineStatus.CANCELLED
        if isinstance(state, dt.datetime):
            clocks.track(
                kind=kind,
                source=relief,
                due_at=state,
                agency=relief.owner_agency,
                title=f"Immigration relief #{relief.pk}: {RELIEF_TITLES[kind]}",
                responsible_user=relief.recorded_by,
            )
        elif state is None:
            clocks.close(kind=kind, source=relief, status=DeadlineStatus.CANCELLED)
        else:
            clocks.close(kind=kind, source=relief, status=state)


def _relief_staff(deadline) -> list:
    return [deadline.responsible_user, *clocks.members_of(deadline.owner_agency_id, RELIEF_STAFF)]


def _relief_supervisors(deadline) -> list:
    return clocks.supervisors_of(deadline.owner_agency_id, RELIEF_STAFF)


clocks.register(
    DeadlineKind.CONSENT_EXPIRY,
    clocks.KindSpec(
        model=Consent,
        visible_ids=lambda user: access.visible(user, Consent).values("pk"),
        # The releasing provider's staff (the recipient sees the release, but is not reminded).
        recipients=lambda deadline: clocks.members_of(deadline.owner_agency_id, INTAKE_ROLES),
        url=lambda deadline: reverse("victims:consent-detail", args=[deadline.source_id]),
        on_due=_consent_lapsed,
    ),
)
for _kind in RELIEF_CLOCKS.values():
    clocks.register(
        _kind,
        clocks.KindSpec(
            model=ImmigrationRelief,
            # The immigration compartment: partner service accounts never see it.
            visible_ids=lambda user: access.visible(user, ImmigrationRelief).values("pk"),
            recipients=_relief_staff,
            escalate_to=_relief_supervisors,
            url=lambda deadline: reverse("victims:relief-detail", args=[deadline.source_id]),
        ),
    )
