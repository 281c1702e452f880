"""The clocks of releases of information and immigration relief: kept by the services, reminded
at their offsets, visible only to those who may see the source."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agencies.roles import JurisdictionLevel, Role
from taskforce import access
from taskforce import deadlines as clocks
from taskforce.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Notification,
    Reminder,
)
from tests.factories import make_agency, make_member
from tests.victims.test_services import consent_kwargs
from victims import services
from victims.models import (
    Citizenship,
    Consent,
    ConsentGrant,
    IdentificationSource,
    ImmigrationRelief,
    ReliefKind,
    ReliefStatus,
)

DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def new_client(world, **fields):
    fields.setdefault("given_name", "Ana")
    fields.setdefault("identified_on", today() - 20 * DAY)
    fields.setdefault("identification_source", IdentificationSource.PROVIDER)
    fields.setdefault("enrolled_on", today() - 10 * DAY)
    fields.setdefault("date_of_birth", dt.date(1990, 5, 1))
    return services.record_client(agency=world.vsp_a, by=world.advocate_a, **fields)


def release(world, client, **over) -> Consent:
    return services.record_consent(**consent_kwargs(world, client, **over))


def reminded(offset_days: int | None = None, *, escalation: bool = False) -> set[str]:
    rows = Reminder.objects.all()
    if escalation:
        rows = rows.filter(offset_minutes=-1)
    elif offset_days is not None:
        rows = rows.filter(offset_minutes=offset_days * 24 * 60)
    return set(rows.values_list("recipient__username", flat=True))


def relief(world, client=None, **fields) -> ImmigrationRelief:
    fields.setdefault("requested_on", today() - 10 * DAY)
    return services.record_relief(by=world.advocate_a, client=client or new_client(world), **fields)


# --- Release of information -------------------------------------------------------------------


def test_a_release_opens_its_expiry_clock_reminded_14_days_ahead_to_the_provider(world):
    consent = release(world, new_client(world))
    deadline = clocks.deadline_of(DeadlineKind.CONSENT_EXPIRY, consent)
    due = clocks.after(consent.expires_on)
    assert (deadline.status, deadline.due_at, deadline.owner_agency) == (
        DeadlineStatus.OPEN,
        due,
        world.vsp_a,
    )
    assert deadline.next_reminder_at == due - 14 * DAY
    assert clocks.send_due_reminders(now=due - 15 * DAY) == 0
    clocks.send_due_reminders(now=due - 13 * DAY)
    assert reminded(14) == {"advocate_a", "vsp_supervisor_a"}
    # Neither the recipient nor another provider is reminded; the other provider cannot see it.
    assert not clocks.deadlines_for(world.advocate_b).exists()
    assert clocks.deadlines_for(world.advocate_a).get() == deadline


def test_revoking_a_release_cancels_its_clock(world):
    consent = release(world, new_client(world))
    services.revoke_consent(consent=consent, by=world.advocate_a, method="oral")
    deadline = clocks.deadline_of(DeadlineKind.CONSENT_EXPIRY, consent)
    assert deadline.status == DeadlineStatus.CANCELLED
    assert clocks.send_due_reminders(now=timezone.now() + 200 * DAY) == 0


def test_the_scan_past_expiry_removes_the_recipients_grant(world):
    consent = release(world, new_client(world), expires_on=today())
    assert access.visible(world.prosecutor, Consent).filter(pk=consent.pk).exists()
    with time_machine.travel(clocks.after(today()) + dt.timedelta(minutes=5), tick=False):
        clocks.send_due_reminders()
        assert not ConsentGrant.objects.filter(content_object=consent).exists()
        assert not access.visible(world.prosecutor, Consent).exists()
    deadline = clocks.deadline_of(DeadlineKind.CONSENT_EXPIRY, consent)
    assert deadline.status == DeadlineStatus.MET
    assert AuditEvent.objects.filter(
        action=AuditAction.REVOKE, object_id=str(consent.pk), detail__reason="release expired"
    ).exists()


def test_the_hourly_catch_up_also_meets_the_clock(world):
    consent = release(world, new_client(world), expires_on=today())
    assert services.expire_consents(today=today() + DAY) == 1
    assert not ConsentGrant.objects.filter(content_object=consent).exists()
    deadline = clocks.deadline_of(DeadlineKind.CONSENT_EXPIRY, consent)
    assert deadline.status == DeadlineStatus.MET


# --- HHS notification (Request for Assistance) -----------------------------------------------


def minor_client(world):
    return new_client(
        world,
        date_of_birth=today() - dt.timedelta(days=15 * 365),
        citizenship=Citizenship.FOREIGN_WITHOUT_STATUS,
    )


def test_hhs_notification_is_due_24_hours_after_discovery_and_met_when_submitted(world):
    discovered = timezone.now() - dt.timedelta(hours=3)
    rfa = relief(
        world,
        minor_client(world),
        kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
        requested_on=today(),
        discovered_at=discovered,
    )
    deadline = clocks.deadline_of(DeadlineKind.HHS_NOTIFICATION, rfa)
    assert deadline.due_at == discovered + dt.timedelta(hours=24)
    assert deadline.responsible_user == world.advocate_a
    clocks.send_due_reminders(now=deadline.due_at - dt.timedelta(hours=11))
    assert reminded(None) == {"advocate_a", "vsp_supervisor_a"}
    services.update_relief(relief=rfa, by=world.advocate_a, status=ReliefStatus.SUBMITTED)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_a_missed_hhs_notification_escalates_to_the_supervisor(world):
    rfa = relief(
        world,
        minor_client(world),
        kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
        requested_on=today(),
        discovered_at=timezone.now() - dt.timedelta(hours=1),
    )
    due = clocks.deadline_of(DeadlineKind.HHS_NOTIFICATION, rfa).due_at
    clocks.send_due_reminders(now=due + dt.timedelta(minutes=1))
    assert clocks.deadline_of(DeadlineKind.HHS_NOTIFICATION, rfa).status == DeadlineStatus.MISSED
    assert reminded(escalation=True) == {"vsp_supervisor_a"}


def test_a_withdrawn_request_cancels_the_hhs_clock(world):
    rfa = relief(
        world,
        minor_client(world),
        kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
        requested_on=today(),
        discovered_at=timezone.now() - dt.timedelta(hours=1),
    )
    services.update_relief(relief=rfa, by=world.advocate_a, status=ReliefStatus.WITHDRAWN)
    deadline = clocks.deadline_of(DeadlineKind.HHS_NOTIFICATION, rfa)
    assert deadline.status == DeadlineStatus.CANCELLED


def test_relief_deadlines_stay_out_of_partner_systems_and_other_agencies(world):
    bridge = make_member("provider_bridge", world.vsp_a, Role.ADVOCATE, is_service_account=True)
    rfa = relief(
        world,
        minor_client(world),
        kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
        requested_on=today(),
        discovered_at=timezone.now() - dt.timedelta(hours=1),
    )
    deadline = clocks.deadline_of(DeadlineKind.HHS_NOTIFICATION, rfa)
    assert list(clocks.deadlines_for(world.advocate_a)) == [deadline]
    for outsider in (bridge, world.advocate_b, world.investigator_a, world.community_member):
        assert not clocks.deadlines_for(outsider).exists()
    clocks.send_due_reminders(now=deadline.due_at + dt.timedelta(minutes=1))
    assert not Notification.objects.filter(recipient=bridge).exists()


# --- U visa certification: file the petition within six months of signature -----------------


def test_u_visa_clock_runs_from_signature_until_the_petition_is_filed(world):
    certification = relief(
        world, kind=ReliefKind.U_VISA_CERTIFICATION, certifying_agency=world.le_a
    )
    assert clocks.deadline_of(DeadlineKind.U_VISA_FILING, certification) is None
    services.update_relief(
        relief=certification,
        by=world.advocate_a,
        signed_on=today() - 5 * DAY,
        status=ReliefStatus.GRANTED,
    )
    certification.refresh_from_db()
    deadline = clocks.deadline_of(DeadlineKind.U_VISA_FILING, certification)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == clocks.after(certification.file_by)
    clocks.send_due_reminders(now=deadline.due_at - 29 * DAY)
    assert reminded(30) == {"advocate_a", "vsp_supervisor_a"}
    clocks.send_due_reminders(now=deadline.due_at - 6 * DAY)
    assert reminded(7) == {"advocate_a", "vsp_supervisor_a"}
    # Signed counts as granted: the clock stays open until a receipt number shows the filing.
    services.update_relief(relief=certification, by=world.advocate_a, receipt_number="EAC123")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_a_withdrawn_u_visa_certification_cancels_the_filing_clock(world):
    certification = relief(
        world,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        certifying_agency=world.le_a,
        signed_on=today() - 5 * DAY,
        status=ReliefStatus.GRANTED,
    )
    services.update_relief(relief=certification, by=world.advocate_a, status=ReliefStatus.WITHDRAWN)
    deadline = clocks.deadline_of(DeadlineKind.U_VISA_FILING, certification)
    assert deadline.status == DeadlineStatus.CANCELLED


# --- T visa declaration -----------------------------------------------------------------------


def test_t_visa_declaration_is_due_the_policy_window_after_the_request(world):
    request = relief(world, kind=ReliefKind.T_VISA_DECLARATION, certifying_agency=world.le_a)
    deadline = clocks.deadline_of(DeadlineKind.T_VISA_DECLARATION, request)
    assert deadline.due_at == clocks.start_of(request.requested_on) + 90 * DAY
    clocks.send_due_reminders(now=deadline.due_at - 13 * DAY)
    assert reminded(14) == {"advocate_a", "vsp_supervisor_a"}
    services.update_relief(
        relief=request, by=world.advocate_a, status=ReliefStatus.GRANTED, decided_on=today()
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_a_withdrawn_t_visa_request_cancels_its_clock(world):
    request = relief(world, kind=ReliefKind.T_VISA_DECLARATION)
    services.update_relief(relief=request, by=world.advocate_a, status=ReliefStatus.WITHDRAWN)
    deadline = clocks.deadline_of(DeadlineKind.T_VISA_DECLARATION, request)
    assert deadline.status == DeadlineStatus.CANCELLED


# --- Expiries: Continued Presence and the HHS interim letter ---------------------------------


@pytest.fixture
def federal(world):
    agency = make_agency(
        "Federal Investigations Field Office",
        acronym="FIFO",
        jurisdiction_level=JurisdictionLevel.FEDERAL,
    )
    agent = make_member("federal_agent", agency, Role.INVESTIGATOR)
    victim = services.record_victim(
        agency=agency,
        by=agent,
        given_name="Rosa",
        identified_on=today() - 40 * DAY,
        identification_source=IdentificationSource.REACTIVE,
    )
    return agency, agent, victim


def test_continued_presence_reminds_90_and_30_days_ahead_and_a_renewal_moves_it(world, federal):
    _, agent, victim = federal
    cp = services.record_relief(
        by=agent,
        victim=victim,
        kind=ReliefKind.CONTINUED_PRESENCE,
        status=ReliefStatus.GRANTED,
        requested_on=today() - 30 * DAY,
        decided_on=today() - 9 * DAY,
        expires_on=today() + 700 * DAY,
    )
    deadline = clocks.deadline_of(DeadlineKind.CONTINUED_PRESENCE, cp)
    due = clocks.after(cp.expires_on)
    assert deadline.due_at == due and deadline.next_reminder_at == due - 90 * DAY
    clocks.send_due_reminders(now=due - 89 * DAY)
    assert reminded(90) == {"federal_agent"}
    clocks.send_due_reminders(now=due - 29 * DAY)
    assert reminded(30) == {"federal_agent"}
    # Renewed for two more years: the clock moves and reminds again.
    services.update_relief(relief=cp, by=agent, expires_on=cp.expires_on + 730 * DAY)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == due + 730 * DAY
    assert not clocks.deadlines_for(world.investigator_a).exists()
    services.update_relief(relief=cp, by=agent, status=ReliefStatus.WITHDRAWN)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.CANCELLED


def test_hhs_interim_letter_expiry_moves_and_cancels(world):
    letter = relief(
        world,
        minor_client(world),
        kind=ReliefKind.HHS_INTERIM_LETTER,
        status=ReliefStatus.GRANTED,
        expires_on=today() + 80 * DAY,
    )
    deadline = clocks.deadline_of(DeadlineKind.HHS_INTERIM_LETTER, letter)
    assert deadline.due_at == clocks.after(today() + 80 * DAY)
    clocks.send_due_reminders(now=deadline.due_at - 29 * DAY)
    assert reminded(30) == {"advocate_a", "vsp_supervisor_a"}
    # Extended by 30 days.
    services.update_relief(relief=letter, by=world.advocate_a, expires_on=today() + 110 * DAY)
    deadline.refresh_from_db()
    assert deadline.due_at == clocks.after(today() + 110 * DAY)
    services.update_relief(relief=letter, by=world.advocate_a, status=ReliefStatus.WITHDRAWN)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.CANCELLED
    assert Deadline.objects.filter(status=DeadlineStatus.OPEN).count() == 0


# --- The demo keeps its deadlines consistent with its records ---------------------------------


def test_the_demo_shows_an_overdue_referral_court_dates_an_mou_and_a_release_ending(db):
    from django.core.management import call_command

    from victims.models import Referral, ReferralStatus

    call_command("seed_demo")
    now = timezone.now()
    open_ = Deadline.objects.filter(status=DeadlineStatus.OPEN)
    overdue = Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lt=now).get()
    assert clocks.deadline_of(DeadlineKind.REFERRAL_RESPONSE, overdue).due_at == overdue.respond_by
    assert open_.filter(kind=DeadlineKind.REFERRAL_RESPONSE, due_at__lt=now).count() == 1
    assert open_.filter(kind=DeadlineKind.COURT_EVENT, due_at__gt=now).exists()
    assert open_.filter(kind=DeadlineKind.MOU_END, due_at__lte=now + 90 * DAY).exists()
    assert open_.filter(kind=DeadlineKind.CONSENT_EXPIRY, due_at__lte=now + 14 * DAY).exists()
    # The lapsed release's clock is closed, with its due time where the dates put it.
    lapsed = Consent.objects.get(expires_on__lt=today())
    deadline = clocks.deadline_of(DeadlineKind.CONSENT_EXPIRY, lapsed)
    assert deadline.status == DeadlineStatus.MET
    assert deadline.due_at == clocks.after(lapsed.expires_on)
    # The first scan escalates the overdue referral.
    clocks.send_due_reminders()
    assert clocks.deadline_of(DeadlineKind.REFERRAL_RESPONSE, overdue).status == "missed"
