"""``seed_load`` loads victims, referrals, clients and releases as the services would leave them."""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import Discipline, Role
from cases.models import Case
from taskforce import access
from taskforce.models import AuditEvent
from victims import selectors
from victims.models import (
    Client,
    Consent,
    ConsentGrant,
    Referral,
    ReferralGrant,
    ReferralStatus,
    ServiceRecord,
    VictimWitness,
)
from victims.services import age_on, response_window


@pytest.fixture
def load(db):
    out = io.StringIO()
    call_command("seed_load", cases=200, victims=1200, agencies=12, users=60, stdout=out)
    return out.getvalue()


def member(agency, *roles):
    return Membership.objects.active().filter(agency=agency, role__in=roles)[0].user


def test_victims_are_law_enforcement_records_linked_to_their_agency_cases(load):
    assert VictimWitness.objects.count() == 1200
    owners = set(VictimWitness.objects.values_list("owner_agency__discipline", flat=True))
    assert owners == {Discipline.LAW_ENFORCEMENT}
    linked = VictimWitness.cases.through.objects.select_related("victimwitness", "case")
    assert linked.count() == 1200
    for link in linked[:200]:
        assert link.case.owner_agency_id == link.victimwitness.owner_agency_id
    assert not AuditEvent.objects.exists()
    for stage in ("victims", "referrals", "walk-in clients", "consents"):
        assert re.search(rf"^{stage} .* s$", load, flags=re.MULTILINE), stage


def test_derived_ages_are_those_the_services_compute(load):
    for victim in VictimWitness.objects.all():
        if victim.date_of_birth:
            expected = age_on(victim.date_of_birth, victim.identified_on)
        else:
            expected = victim.estimated_age
        assert victim.age_at_identification == expected
        assert victim.is_minor == (expected is not None and expected < 18)
    assert VictimWitness.objects.filter(is_minor=True).exists()
    assert VictimWitness.objects.filter(age_at_identification__isnull=True).exists()
    for client in Client.objects.all():
        assert client.is_minor == (
            client.age_at_identification is not None and client.age_at_identification < 18
        )


def test_referrals_in_every_state_with_their_deadlines_and_grants(load):
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    now = timezone.now()
    open_ = referrals.filter(status=ReferralStatus.SENT)
    assert open_.filter(respond_by__lt=now).exists()  # some overdue
    for referral in referrals:
        urgent = referral.urgency == "urgent"
        assert referral.is_minor == (referral.shared_age is not None and referral.shared_age < 18)
        due = referral.sent_at + response_window(urgent=urgent, minor=referral.is_minor)
        assert referral.respond_by == due
        assert referral.sent_at <= now
    # Accepted ones (and those closed after acceptance) carry the provider's client.
    assert not referrals.filter(status=ReferralStatus.ACCEPTED, client__isnull=True).exists()
    for referral in referrals.filter(client__isnull=False).select_related("client"):
        assert referral.client.owner_agency_id == referral.provider_id
    # Each open inbox is a working inbox, not a backlog.
    per_provider = open_.values("provider").annotate(n=Count("id"))
    assert per_provider and all(3 <= row["n"] <= 40 for row in per_provider)
    # The provider holds view and change on every referral but the withdrawn ones.
    granted = ReferralGrant.objects.filter(reason="referral to provider")
    withdrawn = referrals.filter(status=ReferralStatus.WITHDRAWN)
    assert withdrawn.exists()
    assert granted.count() == 2 * (referrals.count() - withdrawn.count())
    assert not granted.filter(content_object__in=withdrawn).exists()
    for grant in granted.select_related("content_object", "group__agency")[:200]:
        assert grant.group.agency.pk == grant.content_object.provider_id


def test_the_provider_inbox_and_the_sender_see_what_the_services_would_show(load):
    referral = Referral.objects.filter(status=ReferralStatus.SENT).select_related("provider")[0]
    advocate = member(referral.provider, Role.ADVOCATE)
    inbox = list(selectors.referral_inbox(advocate)[:100])
    assert referral in inbox or len(inbox) == 100
    assert all(r.provider_id == referral.provider_id for r in inbox)
    statuses = [r.status for r in inbox]
    assert statuses == sorted(statuses, key=lambda s: s != ReferralStatus.SENT)
    investigator = member(referral.owner_agency, Role.INVESTIGATOR)
    assert access.can(investigator, referral)
    assert not access.visible(investigator, Client).exists()
    assert not access.visible(advocate, VictimWitness).exists()
    assert not access.visible(advocate, Case).exists()


def test_releases_live_expired_and_revoked_and_only_live_ones_granted(load):
    today = timezone.localdate()
    consents = Consent.objects.all()
    live = consents.filter(Consent.live_q())
    revoked = consents.filter(revoked_at__isnull=False)
    expired = consents.filter(revoked_at__isnull=True, expires_on__lt=today)
    assert live.exists() and revoked.exists() and expired.exists()
    granted = ConsentGrant.objects.filter(reason="release of information")
    assert set(granted.values_list("content_object_id", flat=True)) == set(
        live.values_list("pk", flat=True)
    )
    for consent in consents.select_related("client"):
        assert consent.owner_agency_id == consent.client.owner_agency_id
        assert consent.recipient_id != consent.owner_agency_id
        assert (consent.expires_on - consent.starts_on).days <= 365
        assert consent.items
        if consent.client.is_minor:
            assert consent.signer_role == "minor_with_parent" and consent.parent_name
    release = live.select_related("recipient")[0]
    reader = Membership.objects.active().filter(agency=release.recipient)[0].user
    assert selectors.releases_to(reader).filter(pk=release.pk).exists()
    assert not selectors.releases_to(reader).filter(pk__in=revoked).exists()


def test_clients_and_services_belong_to_providers(load):
    providers = set(
        Agency.objects.filter(discipline=Discipline.VICTIM_SERVICES).values_list("pk", flat=True)
    )
    assert set(Client.objects.values_list("owner_agency", flat=True)) <= providers
    assert Client.objects.filter(source_referral__isnull=True).exists()  # walk-ins
    assert ServiceRecord.objects.count() == Client.objects.count()
    for service in ServiceRecord.objects.select_related("client")[:200]:
        assert service.owner_agency_id == service.client.owner_agency_id
        assert service.started_on == service.client.enrolled_on
        assert (service.ended_on is None) == (service.client.exited_on is None)
    assert Agency.objects.filter(
        discipline=Discipline.VICTIM_SERVICES, services_offered__isnull=False
    ).exists()


def test_victims_default_to_two_per_case(db):
    call_command("seed_load", cases=30, agencies=6, users=30, stdout=io.StringIO())
    assert VictimWitness.objects.count() == 60
