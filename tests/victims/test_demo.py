"""The demo task force's victim side shows each state a user meets, and seeds only once."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from taskforce import access
from victims import selectors
from victims.models import (
    Client,
    ClientNote,
    Consent,
    ConsentGrant,
    ImmigrationRelief,
    NeedsAssessment,
    Referral,
    ReferralGrant,
    ReferralStatus,
    ServicePlan,
    ServiceRecord,
    VictimNotification,
    VictimWitness,
)

MODELS = (
    VictimWitness,
    Client,
    Referral,
    Consent,
    ServiceRecord,
    NeedsAssessment,
    ServicePlan,
    ClientNote,
    ImmigrationRelief,
    VictimNotification,
    ReferralGrant,
    ConsentGrant,
)


def users():
    return {u.username: u for u in get_user_model().objects.all()}


def test_seeding_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = {m: m.objects.count() for m in MODELS}
    call_command("seed_demo")
    assert counts == {m: m.objects.count() for m in MODELS}
    assert counts[VictimWitness] == 6
    assert all(counts.values())


def test_every_referral_state_with_an_overdue_one(db):
    call_command("seed_demo")
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    waiting = referrals.filter(status=ReferralStatus.SENT)
    assert [r.is_overdue for r in waiting.order_by("respond_by")] == [True, False]
    accepted = referrals.get(status=ReferralStatus.ACCEPTED)
    assert accepted.client.owner_agency_id == accepted.provider_id
    assert accepted.client.services.count() == 3
    assert accepted.client.assessments.exists() and accepted.client.plans.exists()
    # The withdrawn one left the provider's sight; the others are in the provider's inbox.
    withdrawn = referrals.get(status=ReferralStatus.WITHDRAWN)
    advocate = users()["advocate"]
    assert not access.can(advocate, withdrawn)
    inbox = list(selectors.referral_inbox(advocate))
    assert inbox[0].status == ReferralStatus.SENT
    assert {r.status for r in inbox} == {"sent", "accepted", "declined"}


def test_releases_live_expired_and_revoked(db):
    call_command("seed_demo")
    states = sorted(c.state for c in Consent.objects.all())
    assert states == ["expired", "live", "revoked"]
    everyone = users()
    live = Consent.objects.get(revoked_at__isnull=True, expires_on__gte=timezone.localdate())
    assert live.recipient.acronym == "DCDA"
    assert sorted(live.items) == ["enrollment_status", "services_received"]
    prosecutor = everyone["prosecutor"]
    assert list(selectors.releases_to(prosecutor)) == [live]
    release = selectors.release_for(prosecutor, live)
    assert set(release) == {"enrollment_status", "services_received"}
    assert release["enrollment_status"]["status"] == "enrolled"
    assert not access.visible(prosecutor, Client).exists()
    # The police hold only a revoked and an expired release: nothing opens for them.
    investigator = everyone["investigator"]
    assert not selectors.releases_to(investigator).exists()
    assert not access.visible(investigator, Consent).exists()
    assert not ConsentGrant.objects.exclude(content_object=live).exists()


def test_relief_cvra_and_who_sees_them(db):
    call_command("seed_demo")
    everyone = users()
    u_visa = ImmigrationRelief.objects.get(kind="u_visa_certification")
    assert u_visa.file_by and u_visa.file_by > u_visa.signed_on
    rfa = ImmigrationRelief.objects.get(kind="hhs_rfa")
    assert rfa.victim.is_minor and rfa.victim.is_foreign_national
    assert rfa.due_at == rfa.discovered_at + timezone.timedelta(hours=24)
    notification = VictimNotification.objects.filter(court_event__isnull=False).get()
    assert notification.owner_agency.acronym == "DCDA"
    assert access.can(everyone["prosecutor"], notification)
    for outsider in ("advocate", "community", "coordinator"):
        assert not access.visible(everyone[outsider], VictimWitness).exists()
    assert not access.visible(everyone["community"], ImmigrationRelief).exists()
    assert access.visible(everyone["investigator"], VictimWitness).count() == 2
