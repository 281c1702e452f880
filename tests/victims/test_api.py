"""The victims API, end to end: referral, acceptance, services, a release of information read by
its recipient and revoked; conflicts and bad input; what partner systems never get."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies import services as agency_services
from agencies.models import Language, Population, ServiceType
from agencies.services import register_partner_application
from victims import services
from victims.models import Client, Consent, Referral, ReferralStatus, VictimWitness

SHELTER, CASE_MANAGEMENT, IMMIGRATION = (
    "housing-emergency-shelter",
    "case-management",
    "legal-immigration",
)
FAMILY_NAME, PHONE, A_NUMBER = "Quintero", "555-0142", "A212345678"
SERVICE_NOTE = "Six weeks at Harbor House shelter"
RELEASE_ITEMS = {
    "identity",
    "contact_information",
    "enrollment_status",
    "services_received",
    "immigration_relief_status",
}


def today() -> dt.date:
    return timezone.localdate()


def url(name: str, pk=None) -> str:
    return reverse(name, kwargs={"pk": pk}) if pk is not None else reverse(name)


@pytest.fixture
def capabilities(world):
    """vsp_a fits an adult woman trafficked for sex who speaks Spanish and needs shelter and
    case management; vsp_b offers immigration legal services only."""
    codes = {s.code: s for s in ServiceType.objects.all()}
    populations = {p.code: p for p in Population.objects.all()}
    agency_services.update_agency(
        agency=world.vsp_a,
        by=None,
        services_offered=[codes[SHELTER], codes[CASE_MANAGEMENT]],
        populations_served=[populations[c] for c in ("adults", "sex-trafficking", "female")],
        languages=Language.objects.filter(code="es"),
    )
    agency_services.update_agency(
        agency=world.vsp_b, by=None, services_offered=[codes[IMMIGRATION]]
    )


def new_victim(api, user, **extra):
    body = {
        "given_name": "Lucia",
        "family_name": "Valdivia",
        "identified_on": today().isoformat(),
        "identification_source": "reactive",
        "date_of_birth": "1998-03-02",
        "citizenship": "foreign_without_status",
        "country_of_origin": "Guatemala",
        "a_number": "A098765432",
        **extra,
    }
    return api(user).post(url("victim-list"), body, format="json")


def refer(api, world, victim_id=None, **extra):
    body = {
        "provider": world.vsp_a.pk,
        "services_requested": [SHELTER, CASE_MANAGEMENT],
        "shared_name": "Rosa",
        "shared_age": 24,
        "shared_gender": "female",
        "trafficking_type": "sex",
        "situation": "Found during the Route 9 operation",
        **({"victim": victim_id} if victim_id else {}),
        **extra,
    }
    return api(world.investigator_a).post(url("referral-list"), body, format="json")


def release_body(client_id, recipient, **extra):
    return {
        "client": client_id,
        "recipient": recipient.pk,
        "items": ["enrollment_status"],
        "purpose": "Victim-witness coordination for the prosecution",
        "sharing_form": "electronic",
        "starts_on": today().isoformat(),
        "expires_on": (today() + dt.timedelta(days=90)).isoformat(),
        "signer_name": f"Rosa {FAMILY_NAME}",
        "signer_role": "client",
        "voluntariness_explained": True,
        "right_to_revoke_explained": True,
        **extra,
    }


def test_referral_and_release_journey(world, api, capabilities):
    """The investigator records a victim and refers her to the best-fitting provider; the
    advocate accepts, records a service and a release for the prosecution office limited to
    enrollment status; the prosecutor reads that and nothing else; the advocate revokes; the
    prosecutor gets nothing."""
    investigator, advocate, prosecutor = world.investigator_a, world.advocate_a, world.prosecutor

    created = new_victim(api, investigator)
    assert created.status_code == 201, created.content
    victim = created.json()
    assert victim["owner_agency"] == world.le_a.pk
    assert victim["a_number"] == "A098765432"  # the holder sees the protected fields

    suggestions = api(investigator).get(
        url("referral-suggestions"),
        {
            "services": [SHELTER, CASE_MANAGEMENT],
            "minor": "false",
            "gender": "female",
            "trafficking_type": "sex",
            "language": "es",
        },
    )
    assert suggestions.status_code == 200, suggestions.content
    ranked = suggestions.json()
    assert [s["agency"] for s in ranked[:2]] == [world.vsp_a.pk, world.vsp_b.pk]
    best = ranked[0]
    assert best["matched_services"] == [SHELTER, CASE_MANAGEMENT]
    assert best["missing_services"] == []
    assert best["score"] > ranked[1]["score"]
    assert ranked[1]["missing_services"] == [SHELTER, CASE_MANAGEMENT]

    sent = refer(api, world, victim["id"], provider=best["agency"])
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert (referral["status"], referral["victim"]) == ("sent", victim["id"])
    assert "client" not in referral

    inbox = api(advocate).get(url("referral-list"), {"direction": "received", "status": "sent"})
    assert [r["id"] for r in inbox.json()["results"]] == [referral["id"]]
    assert "victim" not in inbox.json()["results"][0]
    assert "Valdivia" not in inbox.content.decode()

    accepted = api(advocate).post(url("referral-accept", referral["id"]), {}, format="json")
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted"
    assert "victim" not in body
    client_id = body["client"]
    client = api(advocate).get(url("client-detail", client_id)).json()
    assert (client["given_name"], client["owner_agency"]) == ("Rosa", world.vsp_a.pk)
    assert client["citizenship"] == "unknown"  # the provider's own intake records it

    intake = api(advocate).patch(
        url("client-detail", client_id),
        {"family_name": FAMILY_NAME, "phone": PHONE, "a_number": A_NUMBER},
        format="json",
    )
    assert intake.status_code == 200, intake.content
    service = api(advocate).post(
        url("service-list"),
        {
            "client": client_id,
            "service_type": SHELTER,
            "started_on": today().isoformat(),
            "description": SERVICE_NOTE,
        },
        format="json",
    )
    assert service.status_code == 201, service.content

    # The sender learns the outcome, nothing of the client or the services.
    outcome = api(investigator).get(url("referral-detail", referral["id"]))
    assert outcome.json()["status"] == "accepted"
    assert "client" not in outcome.json()
    for text in (FAMILY_NAME, PHONE, A_NUMBER, SERVICE_NOTE):
        assert text not in outcome.content.decode()
    assert api(investigator).get(url("client-detail", client_id)).status_code == 404
    assert api(investigator).get(url("service-detail", service.json()["id"])).status_code == 404

    recorded = api(advocate).post(
        url("consent-list"), release_body(client_id, world.prosecution), format="json"
    )
    assert recorded.status_code == 201, recorded.content
    consent = recorded.json()
    assert consent["state"] == "live"
    assert set(consent["release"]) == {"enrollment_status"}

    read = api(prosecutor).get(url("consent-detail", consent["id"]))
    assert read.status_code == 200, read.content
    data = read.json()
    assert data["items"] == ["enrollment_status"]
    assert data["release"] == {
        "enrollment_status": {
            "status": "enrolled",
            "enrolled_on": today().isoformat(),
            "exited_on": None,
        }
    }
    assert not (RELEASE_ITEMS - {"enrollment_status"}) & set(data["release"])
    for key in ("client", "signer_name", "parent_name", "recorded_by"):
        assert key not in data
    for text in (FAMILY_NAME, PHONE, A_NUMBER, SERVICE_NOTE, "contact_information"):
        assert text not in read.content.decode()
    listed = api(prosecutor).get(url("consent-list")).json()["results"]
    assert [c["id"] for c in listed] == [consent["id"]]
    assert listed[0]["release"] == data["release"]  # the list carries the same release
    assert "signer_name" not in listed[0]
    assert api(prosecutor).get(url("client-detail", client_id)).status_code == 404

    # Only the provider revokes; revocation closes the release at once.
    refused = api(prosecutor).post(
        url("consent-revoke", consent["id"]), {"method": "oral"}, format="json"
    )
    assert refused.status_code == 403
    revoked = api(advocate).post(
        url("consent-revoke", consent["id"]),
        {"method": "oral", "note": "Called the hotline"},
        format="json",
    )
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["state"] == "revoked"
    assert revoked.json()["revocation_method"] == "oral"
    assert api(prosecutor).get(url("consent-detail", consent["id"])).status_code == 404
    assert api(prosecutor).get(url("consent-list")).json()["results"] == []
    again = api(advocate).post(
        url("consent-revoke", consent["id"]), {"method": "oral"}, format="json"
    )
    assert again.status_code == 409
    assert api(advocate).get(url("consent-detail", consent["id"])).json()["state"] == "revoked"


def test_accepting_a_declined_referral_is_a_conflict_and_changes_nothing(world, api):
    sent = refer(api, world)
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    declined = api(world.advocate_a).post(
        url("referral-decline", pk), {"reason": "no_capacity"}, format="json"
    )
    assert declined.status_code == 200, declined.content
    assert declined.json()["decline_reason"] == "no_capacity"

    response = api(world.advocate_a).post(url("referral-accept", pk), {}, format="json")
    assert response.status_code == 409, response.content
    assert "declined" in response.json()["detail"]
    referral = Referral.objects.get(pk=pk)
    assert (referral.status, referral.client_id) == (ReferralStatus.DECLINED, None)
    assert not Client.objects.exists()
    # The sender sees the outcome and may no longer withdraw.
    outcome = api(world.investigator_a).get(url("referral-detail", pk)).json()
    assert outcome["status"] == "declined"
    withdraw = api(world.investigator_a).post(url("referral-withdraw", pk), {}, format="json")
    assert withdraw.status_code == 409


def test_each_side_takes_only_its_own_steps(world, api):
    pk = refer(api, world).json()["id"]
    # The sender does not answer its own referral; the provider does not withdraw it.
    assert api(world.investigator_a).post(url("referral-accept", pk)).status_code == 403
    assert api(world.advocate_a).post(url("referral-withdraw", pk)).status_code == 403
    # Another provider does not even know it exists.
    assert api(world.advocate_b).post(url("referral-accept", pk)).status_code == 404
    withdrawn = api(world.investigator_a).post(url("referral-withdraw", pk), {}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    # A withdrawn referral was never taken on: the provider no longer sees it.
    assert api(world.advocate_a).get(url("referral-detail", pk)).status_code == 404


@pytest.mark.parametrize("route", ["victim-list", "client-list"])
def test_a_date_of_birth_in_the_future_is_refused_with_a_field_error(world, api, route):
    user = world.investigator_a if route == "victim-list" else world.advocate_a
    model = VictimWitness if route == "victim-list" else Client
    born = (today() + dt.timedelta(days=2)).isoformat()
    response = api(user).post(
        url(route),
        {"identified_on": today().isoformat(), "identification_source": "hotline",
         "date_of_birth": born},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert "future" in " ".join(response.json()["date_of_birth"])
    assert not model.objects.exists()


def test_bad_input_names_the_field(world, api):
    response = new_victim(
        api, world.investigator_a, race_ethnicity=["asian", "asian"], email="not-an-email"
    )
    assert response.status_code == 400
    assert "email" in response.json()
    exited = new_victim(api, world.investigator_a, enrolled_on="2024-05-01", exited_on="2024-04-01")
    assert exited.status_code == 400
    assert "exited_on" in exited.json()
    assert not VictimWitness.objects.exists()


def test_minority_and_age_are_derived_never_typed(world, api):
    typed = new_victim(api, world.investigator_a, is_minor=True, age_at_identification=9)
    assert typed.status_code == 201, typed.content
    adult = typed.json()
    assert adult["is_minor"] is False
    assert adult["age_at_identification"] >= 18

    young = new_victim(api, world.investigator_a, date_of_birth=None, estimated_age=15)
    assert young.status_code == 201, young.content
    assert (young.json()["is_minor"], young.json()["age_at_identification"]) == (True, 15)

    patched = api(world.investigator_a).patch(
        url("victim-detail", adult["id"]), {"is_minor": True, "alias": "Lu"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["is_minor"], patched.json()["alias"]) == (False, "Lu")
    assert VictimWitness.objects.get(pk=adult["id"]).is_minor is False


def test_the_victim_list_shows_only_the_cases_the_reader_may_see(world, api):
    from cases import services as case_services

    case = case_services.open_case(
        by=world.investigator_a, agency=world.le_a, title="Route 9", origin="reactive",
        trafficking_type="sex", jurisdiction_level="local",
    )  # fmt: skip
    victim = new_victim(api, world.investigator_a, cases=[case.pk]).json()
    assert victim["cases"] == [case.pk]
    shared = api(world.investigator_a).post(
        url("victim-share", victim["id"]), {"agency": world.le_b.pk}, format="json"
    )
    assert shared.status_code == 200, shared.content
    theirs = api(world.investigator_b).get(url("victim-detail", victim["id"]))
    assert theirs.status_code == 200
    assert theirs.json()["cases"] == []  # le_b was never given the case
    assert (
        api(world.investigator_b)
        .patch(url("victim-detail", victim["id"]), {"alias": "x"}, format="json")
        .status_code
        == 403
    )


# --- partner systems --------------------------------------------------------------------------


def partner_client(agency) -> APIClient:
    """A partner system of ``agency`` calling with a client-credentials token."""
    application, secret = register_partner_application(
        agency=agency, name=f"{agency.acronym} bridge", by=None
    )
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    token = APIClient().post(
        reverse("oauth-token"),
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert token.status_code == 200, token.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}")
    return client


PROTECTED = ("citizenship", "country_of_origin", "a_number")


def test_partner_systems_get_no_protected_fields_and_no_immigration_relief(world, api):
    victim = services.record_victim(
        agency=world.le_a, by=world.investigator_a, family_name="Valdivia",
        identified_on=today(), identification_source="reactive",
        citizenship="foreign_without_status", country_of_origin="Guatemala", a_number=A_NUMBER,
    )  # fmt: skip
    relief = services.record_relief(
        by=world.investigator_a, victim=victim, kind="t_visa_declaration", requested_on=today()
    )
    client = services.record_client(
        agency=world.vsp_a, by=world.advocate_a, family_name=FAMILY_NAME, identified_on=today(),
        identification_source="hotline", citizenship="lpr", country_of_origin="Honduras",
        a_number="A111222333",
    )  # fmt: skip
    services.record_relief(
        by=world.advocate_a, client=client, kind="u_visa_certification", requested_on=today()
    )

    # The agency's own people see them.
    own = api(world.investigator_a).get(url("victim-detail", victim.pk)).json()
    assert {name: own[name] for name in PROTECTED} == {
        "citizenship": "foreign_without_status",
        "country_of_origin": "Guatemala",
        "a_number": A_NUMBER,
    }
    assert (
        api(world.investigator_a).get(url("immigration-relief-detail", relief.pk)).status_code
        == 200
    )

    police_bridge, provider_bridge = partner_client(world.le_a), partner_client(world.vsp_a)
    detail = police_bridge.get(url("victim-detail", victim.pk))
    assert detail.status_code == 200, detail.content
    listed = police_bridge.get(url("victim-list"))
    assert [v["id"] for v in listed.json()["results"]] == [victim.pk]
    for response in (detail, listed):
        for text in (*PROTECTED, A_NUMBER, "Guatemala"):
            assert text not in response.content.decode()
    client_seen = provider_bridge.get(url("client-detail", client.pk))
    assert client_seen.status_code == 200
    assert not set(PROTECTED) & set(client_seen.json())
    for bridge in (police_bridge, provider_bridge):
        assert bridge.get(url("immigration-relief-list")).json()["results"] == []
    assert police_bridge.get(url("immigration-relief-detail", relief.pk)).status_code == 404

    # What a partner may not read, it may not write either.
    written = police_bridge.patch(
        url("victim-detail", victim.pk), {"a_number": "A000000001", "alias": "Lu"}, format="json"
    )
    assert written.status_code == 200, written.content
    victim.refresh_from_db()
    assert (victim.a_number, victim.alias) == (A_NUMBER, "Lu")


# --- the rest of the surface ------------------------------------------------------------------


def test_suggestions_refuse_unknown_services(world, api):
    response = api(world.investigator_a).get(url("referral-suggestions"), {"services": "nope"})
    assert response.status_code == 400
    assert "services" in response.json()


def test_the_referral_list_filters_by_direction(world, api):
    pk = refer(api, world).json()["id"]
    sent = api(world.investigator_a).get(url("referral-list"), {"direction": "sent"}).json()
    received = api(world.investigator_a).get(url("referral-list"), {"direction": "received"})
    assert [r["id"] for r in sent["results"]] == [pk]
    assert received.json()["results"] == []


def test_the_client_file_through_the_api(world, api):
    advocate = api(world.advocate_a)
    created = advocate.post(
        url("client-list"),
        {"given_name": "Ines", "identified_on": today().isoformat(),
         "identification_source": "hotline", "enrolled_on": today().isoformat()},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "active"

    need = advocate.post(
        url("needs-assessment-list"),
        {"client": pk, "assessed_on": today().isoformat(), "needs": [SHELTER, IMMIGRATION]},
        format="json",
    )
    assert need.status_code == 201, need.content
    assert need.json()["needs"] == [SHELTER, IMMIGRATION]

    plan = advocate.post(
        url("service-plan-list"),
        {"client": pk, "starts_on": today().isoformat(), "review_on": today().isoformat(),
         "goals": "Safe housing"},
        format="json",
    )  # fmt: skip
    assert plan.status_code == 201, plan.content
    done = advocate.post(url("service-plan-complete", plan.json()["id"]))
    assert done.json()["status"] == "completed"
    assert advocate.post(url("service-plan-complete", plan.json()["id"])).status_code == 409

    note = advocate.post(url("client-note-list"), {"client": pk, "body": "First call"})
    assert note.status_code == 201, note.content
    correction = advocate.post(url("client-note-correct", note.json()["id"]), {"body": "Second"})
    assert correction.status_code == 201
    assert correction.json()["corrects"] == note.json()["id"]
    # Only the author corrects a note, even within the provider.
    supervisor = api(world.vsp_supervisor_a)
    other = supervisor.post(url("client-note-correct", note.json()["id"]), {"body": "x"})
    assert other.status_code == 403

    exited = advocate.post(
        url("client-exit", pk),
        {"exited_on": today().isoformat(), "exit_reason": "goals_met"},
        format="json",
    )
    assert exited.status_code == 200, exited.content
    assert (exited.json()["status"], exited.json()["exit_reason"]) == ("exited", "goals_met")
    twice = advocate.post(
        url("client-exit", pk), {"exited_on": today().isoformat(), "exit_reason": "moved"}
    )
    assert twice.status_code == 409


def test_victim_notifications_are_logged_by_prosecution_staff(world, api):
    victim = services.record_victim(
        agency=world.prosecution, by=world.vw_coordinator, family_name="Okonkwo",
        identified_on=today(), identification_source="other",
    )  # fmt: skip
    body = {"victim": victim.pk, "kind": "rights_advisement", "event": "Rights at arraignment",
            "given_on": today().isoformat(), "method": "in_person"}  # fmt: skip
    logged = api(world.vw_coordinator).post(url("victim-notification-list"), body, format="json")
    assert logged.status_code == 201, logged.content
    assert (logged.json()["given_by"], logged.json()["owner_agency"]) == (
        "vw_coordinator",
        world.prosecution.pk,
    )
    # Law enforcement does not even see the prosecution's victim record.
    assert (
        api(world.investigator_a)
        .post(url("victim-notification-list"), body, format="json")
        .status_code
        == 400
    )


def test_a_second_release_to_the_same_recipient_is_refused(world, api):
    client = services.record_client(
        agency=world.vsp_a, by=world.advocate_a, identified_on=today(),
        identification_source="hotline",
    )  # fmt: skip
    advocate = api(world.advocate_a)
    first = advocate.post(
        url("consent-list"), release_body(client.pk, world.prosecution), format="json"
    )
    assert first.status_code == 201, first.content
    second = advocate.post(
        url("consent-list"), release_body(client.pk, world.prosecution), format="json"
    )
    assert second.status_code == 400
    assert "recipient" in second.json()
    assert Consent.objects.count() == 1
