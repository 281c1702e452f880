"""The confidentiality rules of the victims app (DOMAIN §7), one test per rule, proven through
the access layer (``taskforce.access``) and the selectors, on records made by the services.

A provider's client file never leaves the provider; a release of information opens exactly its
items of one client to exactly one recipient while it is live; immigration relief never reaches
a partner system's service account; minority is derived, never typed; the audit trail holds ids,
never names."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Language, ServiceType
from agencies.roles import Role
from taskforce import access
from taskforce.models import AuditAction, AuditEvent, AuditOutcome
from tests.factories import make_member
from victims import selectors, services
from victims.models import (
    Client,
    ClientNote,
    ClientNoteGrant,
    Consent,
    ConsentGrant,
    ConsentItem,
    IdentificationSource,
    ImmigrationRelief,
    NeedsAssessment,
    Referral,
    ReferralGrant,
    ReferralStatus,
    ReliefKind,
    RevocationMethod,
    ServicePlan,
    ServiceRecord,
    SharingForm,
    SignerRole,
    VictimNotification,
    VictimWitness,
)

DAY = dt.timedelta(days=1)
GIVEN, FAMILY, BORN = "Zenobia", "Quartermaine", dt.date(1990, 4, 17)
PHONE, ADDRESS, EMAIL = "555-0199", "77 Larkspur Lane", "zq@example.org"
A_NUMBER = "A987654321"
NOTE_BODY = "Disclosed the trafficker's cousin drives the van"
CLIENT_FILE = (Client, ServiceRecord, NeedsAssessment, ServicePlan, ClientNote)
ALL_ITEMS = list(ConsentItem.values)


def today() -> dt.date:
    return timezone.localdate()


def ids(user, model, action="view") -> set[int]:
    return set(access.visible(user, model, action).values_list("pk", flat=True))


def release_kwargs(file, recipient, **over) -> dict:
    kwargs = {
        "client": file.client,
        "by": file.advocate,
        "recipient": recipient,
        "items": [ConsentItem.ENROLLMENT_STATUS],
        "purpose": "Coordinate court accompaniment",
        "sharing_form": SharingForm.ELECTRONIC,
        "starts_on": today(),
        "expires_on": today() + 90 * DAY,
        "signer_name": GIVEN,
        "signer_role": SignerRole.CLIENT,
        "voluntariness_explained": True,
        "right_to_revoke_explained": True,
    }
    kwargs.update(over)
    return kwargs


def release(file, recipient, **over) -> Consent:
    return services.record_consent(**release_kwargs(file, recipient, **over))


def freeze(monkeypatch, day: dt.date) -> None:
    """Move the clock (Django's ``timezone.now``, which ``localdate`` reads) to noon on ``day``."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: moment)


def assert_client_file_closed(user, file) -> None:
    """``user`` sees nothing of the client file, by queryset, by id and through the selectors."""
    for model in CLIENT_FILE:
        assert ids(user, model) == set(), model.__name__
    for model, pk in [
        (Client, file.client.pk),
        (ServiceRecord, file.service.pk),
        (NeedsAssessment, file.assessment.pk),
        (ServicePlan, file.plan.pk),
        (ClientNote, file.note.pk),
    ]:
        with pytest.raises(Http404):
            access.get_visible(user, model, pk=pk)
    assert not selectors.clients_for(user).exists()
    assert not selectors.services_for(user).exists()
    assert not selectors.assessments_for(user).exists()
    assert not selectors.plans_for(user).exists()
    assert not selectors.client_notes_for(user).exists()


@pytest.fixture
def file(world):
    """The same person on both sides: le_a's victim-witness record, referred to vsp_a, whose
    accepted referral became vsp_a's client, with a service, an assessment, a plan, a note and a
    U visa certification on the client file."""
    inv, advocate = world.investigator_a, world.advocate_a
    victim = services.record_victim(
        agency=world.le_a,
        by=inv,
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        identified_on=today() - 30 * DAY,
        identification_source=IdentificationSource.PROACTIVE,
        a_number=A_NUMBER,
    )
    referral = services.send_referral(
        from_agency=world.le_a,
        provider=world.vsp_a,
        by=inv,
        services_requested=[ServiceType.objects.get(code="housing-emergency-shelter")],
        victim=victim,
        shared_name=GIVEN,
        shared_age=36,
    )
    services.accept_referral(referral=referral, by=advocate)
    referral.refresh_from_db()
    client = services.update_client(
        client=referral.client,
        by=advocate,
        family_name=FAMILY,
        estimated_age=None,
        date_of_birth=BORN,
        phone=PHONE,
        address=ADDRESS,
        email=EMAIL,
        a_number=A_NUMBER,
    )
    medical = ServiceType.objects.get(code="medical")
    service = services.record_service(
        client=client, by=advocate, service_type=medical, started_on=today() - 3 * DAY
    )
    assessment = services.assess_needs(
        client=client, by=advocate, assessed_on=today(), needs=[medical]
    )
    plan = services.write_service_plan(
        client=client,
        by=advocate,
        starts_on=today(),
        review_on=today() + 30 * DAY,
        goals="Stable housing",
    )
    note = services.add_client_note(client=client, by=advocate, body=NOTE_BODY)
    relief = services.record_relief(
        by=advocate,
        client=client,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        requested_on=today() - 5 * DAY,
    )
    return SimpleNamespace(
        victim=victim,
        referral=referral,
        client=client,
        service=service,
        assessment=assessment,
        plan=plan,
        note=note,
        relief=relief,
        advocate=advocate,
    )


OUTSIDERS_OF_THE_FILE = [
    "investigator_a",
    "le_supervisor_a",
    "le_victim_specialist_a",
    "investigator_b",
    "prosecutor",
    "vw_coordinator",
    "community_member",
    "advocate_b",
]


@pytest.mark.parametrize("persona", OUTSIDERS_OF_THE_FILE)
def test_law_enforcement_cannot_see_a_client_record_services_or_notes_without_a_live_consent(
    world, file, persona
):
    user = world.users[persona]
    agency = user.memberships.get().agency
    # A release to the agency that was revoked, and one that has expired: neither opens anything.
    revoked = release(file, agency, items=ALL_ITEMS)
    services.revoke_consent(consent=revoked, by=file.advocate, method=RevocationMethod.WRITTEN)
    expired = release(file, agency, items=ALL_ITEMS)
    Consent.objects.filter(pk=expired.pk).update(
        starts_on=today() - 60 * DAY, expires_on=today() - DAY
    )
    assert_client_file_closed(user, file)
    assert ids(user, Consent) == set()
    assert ids(user, ImmigrationRelief) == set()
    for consent in (revoked, expired):
        with pytest.raises(Http404):
            access.get_visible(user, Consent, pk=consent.pk)
    assert not selectors.releases_to(user).exists()
    assert not selectors.relief_for(user).exists()
    # The provider holds all of it.
    assert ids(file.advocate, Client) == {file.client.pk}
    assert ids(file.advocate, ClientNote) == {file.note.pk}


def test_law_enforcement_cannot_see_client_records_even_with_a_live_consent(world, file):
    consent = release(file, world.le_a, items=ALL_ITEMS)
    for user in (world.investigator_a, world.le_supervisor_a, world.le_victim_specialist_a):
        # The release opens the consent and its released items ...
        assert ids(user, Consent) == {consent.pk}
        seen = access.get_visible(user, Consent, pk=consent.pk)
        assert set(selectors.release_for(user, seen)) == set(ALL_ITEMS)
        assert list(selectors.releases_to(user)) == [consent]
        assert not access.can(user, consent, "change")
        # ... never the record itself, nor anything else of the file or its relief.
        assert_client_file_closed(user, file)
        assert ids(user, ImmigrationRelief) == set()
        with pytest.raises(Http404):
            access.get_visible(user, ImmigrationRelief, pk=file.relief.pk)


ITEM_SETS = [
    [ConsentItem.IDENTITY],
    [ConsentItem.CONTACT_INFORMATION],
    [ConsentItem.ENROLLMENT_STATUS],
    [ConsentItem.SERVICES_RECEIVED],
    [ConsentItem.IMMIGRATION_RELIEF_STATUS],
    [ConsentItem.ENROLLMENT_STATUS, ConsentItem.SERVICES_RECEIVED],
    ALL_ITEMS,
]


@pytest.mark.parametrize("items", ITEM_SETS, ids=lambda items: "+".join(items))
def test_a_consent_opens_exactly_its_items_for_exactly_its_recipient(world, file, items):
    consent = release(file, world.prosecution, items=items)
    expected = {
        ConsentItem.IDENTITY: {
            "given_name": GIVEN,
            "family_name": FAMILY,
            "alias": "",
            "date_of_birth": BORN,
        },
        ConsentItem.CONTACT_INFORMATION: {
            "phone": PHONE,
            "email": EMAIL,
            "address": ADDRESS,
            "safe_contact_notes": file.client.safe_contact_notes,
        },
        ConsentItem.ENROLLMENT_STATUS: {
            "status": "enrolled",
            "enrolled_on": file.client.enrolled_on,
            "exited_on": None,
        },
        ConsentItem.SERVICES_RECEIVED: [
            {
                "service_type": file.service.service_type.name,
                "voca_category": file.service.service_type.voca_category,
                "status": file.service.status,
                "started_on": file.service.started_on,
                "ended_on": None,
            }
        ],
        ConsentItem.IMMIGRATION_RELIEF_STATUS: [
            {
                "kind": ReliefKind.U_VISA_CERTIFICATION,
                "status": file.relief.status,
                "requested_on": file.relief.requested_on,
                "decided_on": None,
                "expires_on": None,
            }
        ],
    }
    for user in (world.prosecutor, world.vw_coordinator):
        seen = access.get_visible(user, Consent, pk=consent.pk)
        released = selectors.release_for(user, seen)
        assert released == {item: expected[item] for item in items}
        text = json.dumps(released, default=str)
        if ConsentItem.IDENTITY not in items:
            assert GIVEN not in text and FAMILY not in text and str(BORN) not in text
        if ConsentItem.CONTACT_INFORMATION not in items:
            assert PHONE not in text and ADDRESS not in text
        assert A_NUMBER not in text and NOTE_BODY not in text
        assert_client_file_closed(user, file)
    # The owner reads the same release; no one else reads the consent at all.
    assert selectors.release_for(file.advocate, consent) == {i: expected[i] for i in items}
    for persona in ("investigator_a", "investigator_b", "advocate_b", "community_member"):
        assert ids(world.users[persona], Consent) == set()
        with pytest.raises(Http404):
            access.get_visible(world.users[persona], Consent, pk=consent.pk)


def test_revocation_closes_access_at_once(world, file):
    consent = release(file, world.prosecution, items=ALL_ITEMS)
    assert ids(world.prosecutor, Consent) == {consent.pk}
    services.revoke_consent(consent=consent, by=file.advocate, method=RevocationMethod.ORAL)
    assert ids(world.prosecutor, Consent) == set()
    with pytest.raises(Http404):
        access.get_visible(world.prosecutor, Consent, pk=consent.pk)
    assert not selectors.releases_to(world.prosecutor).exists()
    assert not selectors.consents_for(world.prosecutor).exists()

    # The access check alone refuses a revoked release, before any job removes the grant row.
    other = release(file, world.le_b, items=ALL_ITEMS)
    assert ids(world.investigator_b, Consent) == {other.pk}
    Consent.objects.filter(pk=other.pk).update(revoked_at=timezone.now())
    assert ConsentGrant.objects.filter(content_object=other).exists()
    assert ids(world.investigator_b, Consent) == set()
    with pytest.raises(Http404):
        access.get_visible(world.investigator_b, Consent, pk=other.pk)
    assert not selectors.releases_to(world.investigator_b).exists()


def test_expiry_closes_access_on_the_day_after_expiry(world, file, monkeypatch):
    start = today()
    consent = release(file, world.prosecution, starts_on=start, expires_on=start + 3 * DAY)
    pending = release(file, world.le_b, starts_on=start + 2 * DAY, expires_on=start + 9 * DAY)

    assert ids(world.prosecutor, Consent) == {consent.pk}
    assert ids(world.investigator_b, Consent) == set()  # not started yet

    freeze(monkeypatch, start + 2 * DAY)
    assert ids(world.investigator_b, Consent) == {pending.pk}

    freeze(monkeypatch, consent.expires_on)  # the last day of the release
    assert ids(world.prosecutor, Consent) == {consent.pk}
    assert list(selectors.releases_to(world.prosecutor)) == [consent]

    freeze(monkeypatch, consent.expires_on + DAY)
    assert ids(world.prosecutor, Consent) == set()
    with pytest.raises(Http404):
        access.get_visible(world.prosecutor, Consent, pk=consent.pk)
    assert not selectors.releases_to(world.prosecutor).exists()
    # No job has run: the grant row is still there, the access check alone refused it.
    assert ConsentGrant.objects.filter(content_object=consent).exists()
    assert ids(world.investigator_b, Consent) == {pending.pk}

    freeze(monkeypatch, pending.expires_on + DAY)
    assert ids(world.investigator_b, Consent) == set()


def test_expire_consents_removes_the_grant_rows(world, file, monkeypatch):
    short = release(file, world.prosecution, expires_on=today() + 2 * DAY)
    long = release(file, world.le_b, expires_on=today() + 30 * DAY)
    assert services.expire_consents(today=today()) == 0
    assert ConsentGrant.objects.filter(content_object=short).exists()

    freeze(monkeypatch, today() + 3 * DAY)
    assert services.expire_consents() == 1
    assert not ConsentGrant.objects.filter(content_object=short).exists()
    assert ConsentGrant.objects.filter(content_object=long).exists()
    assert services.expire_consents() == 0  # idempotent
    assert ids(world.prosecutor, Consent) == set()
    assert ids(world.investigator_b, Consent) == {long.pk}
    # The release itself is kept (nothing is deleted), for the provider's records.
    assert ids(file.advocate, Consent) == {short.pk, long.pk}


def test_a_second_recipient_gets_nothing_from_another_agencys_consent(world, file):
    to_prosecution = release(
        file,
        world.prosecution,
        items=[ConsentItem.IDENTITY, ConsentItem.CONTACT_INFORMATION],
    )
    to_vsp_b = release(file, world.vsp_b, items=[ConsentItem.ENROLLMENT_STATUS])

    assert ids(world.advocate_b, Consent) == {to_vsp_b.pk}
    with pytest.raises(Http404):
        access.get_visible(world.advocate_b, Consent, pk=to_prosecution.pk)
    seen = access.get_visible(world.advocate_b, Consent, pk=to_vsp_b.pk)
    released = selectors.release_for(world.advocate_b, seen)
    assert set(released) == {ConsentItem.ENROLLMENT_STATUS}
    assert GIVEN not in json.dumps(released, default=str)
    assert list(selectors.releases_to(world.advocate_b)) == [to_vsp_b]
    assert_client_file_closed(world.advocate_b, file)

    assert ids(world.prosecutor, Consent) == {to_prosecution.pk}
    with pytest.raises(Http404):
        access.get_visible(world.prosecutor, Consent, pk=to_vsp_b.pk)
    for persona in ("investigator_a", "investigator_b", "community_member", "coordinator"):
        assert ids(world.users[persona], Consent) == set()
        assert not selectors.releases_to(world.users[persona]).exists()


def _nothing(call) -> bool:
    """True when a read gives nothing: it refuses (404/403) or returns an empty release."""
    try:
        return not call()
    except (Http404, PermissionDenied):
        return True


def test_release_for_gives_nothing_to_anyone_but_the_recipient_and_the_owner(world, file):
    consent = release(file, world.prosecution, items=ALL_ITEMS)
    for persona in ("investigator_a", "investigator_b", "advocate_b", "community_member"):
        user = world.users[persona]
        assert _nothing(lambda u=user: selectors.release_for(u, consent)), persona
    services.revoke_consent(consent=consent, by=file.advocate, method=RevocationMethod.ORAL)
    assert _nothing(lambda: selectors.release_for(world.prosecutor, consent))


def test_the_referral_sender_sees_status_only(world, file):
    sender = world.investigator_a
    referral = access.get_visible(sender, Referral, pk=file.referral.pk)
    assert referral.status == ReferralStatus.ACCEPTED
    assert file.referral.pk in set(selectors.referrals_sent(sender).values_list("pk", flat=True))
    assert not selectors.referral_inbox(sender).exists()
    # The client the referral became stays the provider's: no client, no services, no notes.
    assert referral.client_id is not None
    assert_client_file_closed(sender, file)
    assert ids(sender, ImmigrationRelief) == set()
    assert ids(sender, Consent) == set()
    # The outcome still reaches the sender when the provider closes it.
    services.close_referral(referral=file.referral, by=file.advocate, note="Housed")
    assert access.get_visible(sender, Referral, pk=file.referral.pk).status == "closed"
    assert_client_file_closed(sender, file)


def test_immigration_relief_is_hidden_from_partner_service_accounts(world, file):
    partner_vsp = make_member(
        "partner_app_vsp_a", world.vsp_a, Role.ADVOCATE, is_service_account=True
    )
    partner_le = make_member(
        "partner_app_le_a", world.le_a, Role.INVESTIGATOR, is_service_account=True
    )
    partner_vsp_b = make_member(
        "partner_app_vsp_b", world.vsp_b, Role.ADVOCATE, is_service_account=True
    )
    victim_relief = services.record_relief(
        by=world.investigator_a,
        victim=file.victim,
        kind=ReliefKind.T_VISA_DECLARATION,
        requested_on=today(),
    )
    services.share_relief(relief=victim_relief, agency=world.vsp_b, by=world.investigator_a)

    # The people who work the relief see it ...
    assert ids(world.advocate_a, ImmigrationRelief) == {file.relief.pk}
    assert ids(world.investigator_a, ImmigrationRelief) == {victim_relief.pk}
    assert ids(world.advocate_b, ImmigrationRelief) == {victim_relief.pk}
    for user in (world.advocate_a, world.investigator_a, world.advocate_b):
        assert selectors.may_see_immigration(user)
    # ... a partner system acting for the same agencies never does.
    for partner in (partner_vsp, partner_le, partner_vsp_b):
        assert ids(partner, ImmigrationRelief) == set()
        assert ids(partner, ImmigrationRelief, "change") == set()
        assert not selectors.relief_for(partner).exists()
        assert not selectors.may_see_immigration(partner)
        for relief in (file.relief, victim_relief):
            with pytest.raises(Http404):
                access.get_visible(partner, ImmigrationRelief, pk=relief.pk)
    # Only the immigration compartment is closed to it: the service account still works.
    assert ids(partner_vsp, Client) == {file.client.pk}
    assert ids(partner_le, VictimWitness) == {file.victim.pk}
    assert not selectors.may_see_immigration(world.community_member)


def test_minors_are_derived_from_age_never_typed(world):
    identified = dt.date(2024, 3, 1)

    def client(**fields):
        fields.setdefault("identified_on", identified)
        return services.record_client(
            agency=world.vsp_a,
            by=world.advocate_a,
            identification_source=IdentificationSource.HOTLINE,
            **fields,
        )

    typed_minor = client(date_of_birth=dt.date(1990, 1, 1), is_minor=True, age_at_identification=9)
    typed_adult = client(estimated_age=15, is_minor=False, age_at_identification=40)
    unknown = client(is_minor=True)
    eighteen_today = client(date_of_birth=dt.date(2006, 3, 1))  # 18th birthday = identified
    eighteen_tomorrow = client(date_of_birth=dt.date(2006, 3, 2))
    for record, age, minor in [
        (typed_minor, 34, False),
        (typed_adult, 15, True),
        (unknown, None, False),
        (eighteen_today, 18, False),
        (eighteen_tomorrow, 17, True),
    ]:
        record.refresh_from_db()
        assert (record.age_at_identification, record.is_minor) == (age, minor), record.pk
    assert set(selectors.clients_for(world.advocate_a, minor=True)) == {
        typed_adult,
        eighteen_tomorrow,
    }

    # Updates recompute it; a typed value is ignored there too.
    services.update_client(
        client=typed_minor, by=world.advocate_a, date_of_birth=dt.date(2010, 5, 5), is_minor=False
    )
    typed_minor.refresh_from_db()
    assert (typed_minor.age_at_identification, typed_minor.is_minor) == (13, True)
    services.update_client(client=typed_adult, by=world.advocate_a, estimated_age=30, is_minor=True)
    typed_adult.refresh_from_db()
    assert (typed_adult.age_at_identification, typed_adult.is_minor) == (30, False)

    # The same on the law-enforcement side, and on a referral (from the shared age).
    victim = services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        identified_on=identified,
        identification_source=IdentificationSource.REACTIVE,
        date_of_birth=dt.date(2006, 3, 2),
        is_minor=False,
    )
    victim.refresh_from_db()
    assert (victim.age_at_identification, victim.is_minor) == (17, True)
    services.update_victim(
        victim=victim, by=world.investigator_a, date_of_birth=dt.date(2006, 3, 1), is_minor=True
    )
    victim.refresh_from_db()
    assert (victim.age_at_identification, victim.is_minor) == (18, False)
    assert selectors.victims_for(world.investigator_a, minor=False).get() == victim
    housing = ServiceType.objects.get(code="housing-emergency-shelter")
    referral = services.send_referral(
        from_agency=world.le_a,
        provider=world.vsp_a,
        by=world.investigator_a,
        services_requested=[housing],
        shared_age=17,
    )
    assert Referral.objects.get(pk=referral.pk).is_minor is True


def test_client_notes_are_never_released(world, file):
    correction = services.correct_client_note(note=file.note, by=file.advocate, body="Corrected")
    consent = release(file, world.prosecution, items=ALL_ITEMS)
    released = selectors.release_for(
        world.prosecutor, access.get_visible(world.prosecutor, Consent, pk=consent.pk)
    )
    assert set(released) == set(ALL_ITEMS)
    text = json.dumps(released, default=str)
    assert NOTE_BODY not in text and "Corrected" not in text
    for user in (world.prosecutor, world.vw_coordinator, world.advocate_b, world.investigator_a):
        assert ids(user, ClientNote) == set()
        assert not selectors.client_notes_for(user).exists()
        for note in (file.note, correction):
            with pytest.raises(Http404):
                access.get_visible(user, ClientNote, pk=note.pk)
    # Nor can anyone share a note by hand.
    with pytest.raises(PermissionDenied):
        access.grant(obj=file.note, agency=world.prosecution, action="view", reason="court")
    assert not ClientNoteGrant.objects.filter(content_object=file.note).exists()


def _everything(world, file) -> list[tuple[type, int]]:
    consent = release(file, world.prosecution, items=ALL_ITEMS)
    victim_relief = services.record_relief(
        by=world.investigator_a,
        victim=file.victim,
        kind=ReliefKind.T_VISA_DECLARATION,
        requested_on=today(),
    )
    own = services.record_victim(
        agency=world.prosecution,
        by=world.prosecutor,
        identified_on=today(),
        identification_source=IdentificationSource.OTHER,
    )
    notification = services.log_victim_notification(
        victim=own,
        by=world.vw_coordinator,
        kind="rights_advisement",
        event="Rights explained",
        given_on=today(),
        method="in_person",
    )
    return [
        (VictimWitness, file.victim.pk),
        (VictimWitness, own.pk),
        (Referral, file.referral.pk),
        (Client, file.client.pk),
        (ServiceRecord, file.service.pk),
        (NeedsAssessment, file.assessment.pk),
        (ServicePlan, file.plan.pk),
        (ClientNote, file.note.pk),
        (Consent, consent.pk),
        (ImmigrationRelief, file.relief.pk),
        (ImmigrationRelief, victim_relief.pk),
        (VictimNotification, notification.pk),
    ]


def _sees_nothing(user, records) -> None:
    for model, pk in records:
        assert ids(user, model) == set(), model.__name__
        assert ids(user, model, "change") == set(), model.__name__
        with pytest.raises(Http404):
            access.get_visible(user, model, pk=pk)
    assert not selectors.victims_for(user).exists()
    assert not selectors.clients_for(user).exists()
    assert not selectors.referrals_for(user).exists()
    assert not selectors.referral_inbox(user).exists()
    assert not selectors.consents_for(user).exists()
    assert not selectors.releases_to(user).exists()
    assert not selectors.services_for(user).exists()
    assert not selectors.relief_for(user).exists()
    assert not selectors.notifications_for(user).exists()
    assert not selectors.may_see_immigration(user)


def test_superuser_gains_nothing(world, file):
    records = _everything(world, file)
    admin = world.admin
    assert admin.is_superuser
    _sees_nothing(admin, records)
    with pytest.raises(Http404):
        services.update_client(client=file.client, by=admin, given_name="X")
    with pytest.raises(Http404):
        services.accept_referral(referral=file.referral, by=admin)


def test_ended_membership_sees_nothing(world, file):
    records = _everything(world, file)
    # ended_member held an le_a investigator membership; a former advocate held one at vsp_a.
    former = make_member("former_advocate", world.vsp_a, Role.ADVOCATE, starts=today() - 400 * DAY)
    agency_services.end_membership(membership=former.memberships.get(), by=None, ends=today() - DAY)
    for user in (world.ended_member, former):
        _sees_nothing(user, records)
    with pytest.raises(Http404):
        services.add_client_note(client=file.client, by=former, body="x")
    assert ClientNote.objects.count() == 1


def test_withdrawn_referral_is_gone_for_the_provider(world, file):
    referral = services.send_referral(
        from_agency=world.le_a,
        provider=world.vsp_a,
        by=world.investigator_a,
        services_requested=[ServiceType.objects.get(code="legal-immigration")],
        shared_name="Second",
        shared_language=Language.objects.get(code="es"),
    )
    assert referral.pk in set(
        selectors.referral_inbox(world.advocate_a).values_list("pk", flat=True)
    )
    services.withdraw_referral(referral=referral, by=world.investigator_a, reason="Moved away")
    for user in (world.advocate_a, world.vsp_supervisor_a):
        assert referral.pk not in ids(user, Referral)
        assert referral.pk not in set(selectors.referral_inbox(user).values_list("pk", flat=True))
        assert not selectors.open_inbox(user).exists()
        with pytest.raises(Http404):
            access.get_visible(user, Referral, pk=referral.pk)
        with pytest.raises(Http404):
            services.accept_referral(referral=referral, by=user)
    assert not ReferralGrant.objects.filter(content_object=referral).exists()
    # The sender keeps its own record of the withdrawn referral.
    assert access.get_visible(world.investigator_a, Referral, pk=referral.pk).status == (
        ReferralStatus.WITHDRAWN
    )
    # The accepted one is untouched.
    assert file.referral.pk in ids(world.advocate_a, Referral)


def test_audit_rows_hold_ids_never_names(world, file):
    started = AuditEvent.objects.count()
    access.get_visible(world.investigator_a, VictimWitness, pk=file.victim.pk)
    access.get_visible(world.advocate_a, Client, pk=file.client.pk)
    with pytest.raises(Http404):
        access.get_visible(world.investigator_b, VictimWitness, pk=file.victim.pk)
    consent = release(file, world.prosecution, items=ALL_ITEMS)
    seen = access.get_visible(world.prosecutor, Consent, pk=consent.pk)
    selectors.release_for(world.prosecutor, seen)
    services.update_victim(victim=file.victim, by=world.investigator_a, alias="Zee")
    services.revoke_consent(
        consent=consent, by=file.advocate, method=RevocationMethod.ORAL, note="By phone"
    )
    assert AuditEvent.objects.count() > started

    def events(**filters):
        return AuditEvent.objects.filter(**filters)

    assert events(
        action=AuditAction.VIEW,
        object_type="victims.victimwitness",
        object_id=str(file.victim.pk),
        user_id=world.investigator_a.pk,
        outcome=AuditOutcome.SUCCESS,
    ).exists()
    assert events(
        action=AuditAction.VIEW,
        object_type="victims.victimwitness",
        object_id=str(file.victim.pk),
        user_id=world.investigator_b.pk,
        outcome=AuditOutcome.DENIED,
    ).exists()
    assert events(
        action=AuditAction.VIEW,
        object_type="victims.consent",
        object_id=str(consent.pk),
        user_id=world.prosecutor.pk,
    ).exists()
    assert events(object_type="victims.consent", action=AuditAction.CREATE).exists()
    assert events(object_type="victims.consent", action=AuditAction.REVOKE).exists()
    assert events(object_type="victims.client", action=AuditAction.CREATE).exists()
    forbidden = [
        GIVEN,
        FAMILY,
        "Zee",
        str(BORN),
        BORN.strftime("%m/%d/%Y"),
        PHONE,
        ADDRESS,
        EMAIL,
        A_NUMBER,
        NOTE_BODY,
    ]
    for event in AuditEvent.objects.all():
        assert event.object_id == "" or event.object_id.isdigit(), event
        text = json.dumps(event.detail, default=str)
        for value in forbidden:
            assert value.lower() not in text.lower(), (event, value)
