"""The browser pages of victims, clients, referrals and releases: each page for its owner, 404
outside the compartment, a release showing exactly its items, the provider's inbox answered in
place, and the release form saying plainly what will be shared with whom until when."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Language, Population, ServiceType
from cases import services as case_services
from cases.models import Origin, TraffickingType
from victims import selectors, services
from victims.models import (
    Client,
    Consent,
    ConsentItem,
    IdentificationSource,
    Referral,
    ReferralStatus,
    ReliefKind,
    SharingForm,
    SignerRole,
)

DAY = dt.timedelta(days=1)
CLIENT_NAME, CLIENT_FAMILY = "Marisol", "Quintero"
CLIENT_PHONE = "555-0199"
NOTE = "Client asked that calls come after six"


def html(response) -> str:
    return response.content.decode()


def today() -> dt.date:
    return timezone.localdate()


def service_type(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


def _no_inline_code(page: str) -> None:
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None


def send(world, provider=None, **over) -> Referral:
    kwargs = {
        "from_agency": world.le_a,
        "provider": provider or world.vsp_a,
        "by": world.investigator_a,
        "services_requested": [service_type("housing-emergency-shelter")],
        "shared_name": "Ana",
        "shared_age": 24,
    }
    kwargs.update(over)
    return services.send_referral(**kwargs)


@pytest.fixture
def file(world):
    """le_a's victim (on a case) referred to vsp_a and accepted: vsp_a's client, with a service,
    a note, a relief request and a live release of enrollment status to the district attorney;
    a referral still waiting; the prosecution's own victim with a notification."""
    case = case_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Operation Lantern",
        origin=Origin.PROACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
    )
    victim = services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        cases=[case],
        given_name="Rosa",
        family_name="Delgado",
        identified_on=today() - 20 * DAY,
        identification_source=IdentificationSource.REACTIVE,
        estimated_age=24,
    )
    accepted = services.accept_referral(referral=send(world, victim=victim), by=world.advocate_a)
    client = services.update_client(
        client=accepted.client,
        by=world.advocate_a,
        given_name=CLIENT_NAME,
        family_name=CLIENT_FAMILY,
        phone=CLIENT_PHONE,
        date_of_birth=dt.date(1996, 4, 2),
        estimated_age=None,
    )
    service = services.record_service(
        client=client,
        by=world.advocate_a,
        service_type=service_type("housing-emergency-shelter"),
        started_on=today() - 3 * DAY,
    )
    note = services.add_client_note(client=client, by=world.advocate_a, body=NOTE)
    relief = services.record_relief(
        by=world.advocate_a,
        client=client,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        requested_on=today() - 2 * DAY,
    )
    consent = services.record_consent(
        client=client,
        by=world.advocate_a,
        recipient=world.prosecution,
        items=[ConsentItem.ENROLLMENT_STATUS],
        purpose="Court accompaniment planning",
        sharing_form=SharingForm.ELECTRONIC,
        starts_on=today(),
        expires_on=today() + 90 * DAY,
        signer_name="Marisol",
        signer_role=SignerRole.CLIENT,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    pending = send(world, shared_name="Lucia")
    victim_pros = services.record_victim(
        agency=world.prosecution,
        by=world.vw_coordinator,
        given_name="Elena",
        identified_on=today() - 5 * DAY,
        identification_source=IdentificationSource.OTHER,
    )
    notification = services.log_victim_notification(
        victim=victim_pros,
        by=world.vw_coordinator,
        kind="rights_advisement",
        event="Rights under the CVRA",
        given_on=today(),
        method="in_person",
    )
    return SimpleNamespace(
        case=case,
        victim=victim,
        accepted=accepted,
        client=client,
        service=service,
        note=note,
        relief=relief,
        consent=consent,
        pending=pending,
        victim_pros=victim_pros,
        notification=notification,
    )


# --- every page renders for its owner -----------------------------------------------------------

OWNER_PAGES = [
    # (persona, url name, object of the file or None, query)
    ("investigator_a", "victims:list", None, ""),
    ("investigator_a", "victims:create", None, ""),
    ("investigator_a", "victims:detail", "victim", ""),
    *[("investigator_a", "victims:detail", "victim", f"?tab={t}")
      for t in ("cases", "referrals", "relief", "notifications")],
    ("investigator_a", "victims:edit", "victim", ""),
    ("vw_coordinator", "victims:notification-create", "victim_pros", ""),
    ("vw_coordinator", "victims:detail", "victim_pros", "?tab=notifications"),
    ("investigator_a", "victims:referrals", None, ""),
    ("investigator_a", "victims:referral-create", None, ""),
    ("advocate_a", "victims:referrals", None, ""),
    ("advocate_a", "victims:referral-detail", "pending", ""),
    ("investigator_a", "victims:referral-detail", "accepted", ""),
    ("advocate_a", "victims:referral-decline", "pending", ""),
    ("investigator_a", "victims:referral-withdraw", "pending", ""),
    ("advocate_a", "victims:referral-close", "accepted", ""),
    ("advocate_a", "victims:clients", None, ""),
    ("advocate_a", "victims:client-create", None, ""),
    ("advocate_a", "victims:client-detail", "client", ""),
    *[("advocate_a", "victims:client-detail", "client", f"?tab={t}")
      for t in ("services", "consents", "relief", "notes")],
    ("advocate_a", "victims:client-edit", "client", ""),
    ("advocate_a", "victims:client-exit", "client", ""),
    ("advocate_a", "victims:service-create", "client", ""),
    ("advocate_a", "victims:assessment-create", "client", ""),
    ("advocate_a", "victims:plan-create", "client", ""),
    ("advocate_a", "victims:note-create", "client", ""),
    ("advocate_a", "victims:consent-create", "client", ""),
    ("advocate_a", "victims:consent-detail", "consent", ""),
    ("advocate_a", "victims:consent-revoke", "consent", ""),
    ("prosecutor", "victims:consent-detail", "consent", ""),
    ("prosecutor", "victims:releases", None, ""),
    ("advocate_a", "victims:relief-detail", "relief", ""),
    ("advocate_a", "victims:relief-edit", "relief", ""),
    ("advocate_a", "home", None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("persona", "route", "target", "query"), OWNER_PAGES)
def test_each_page_renders_for_its_owner(world, file, client, persona, route, target, query):
    client.force_login(world.users[persona])
    args = [getattr(file, target).pk] if target else []
    response = client.get(reverse(route, args=args) + query)
    assert response.status_code == 200, html(response)[:500]
    _no_inline_code(html(response))


def test_referral_and_relief_forms_start_from_the_record(world, file, client):
    client.force_login(world.investigator_a)
    url = reverse("victims:referral-create") + f"?victim={file.victim.pk}"
    page = html(client.get(url))
    assert 'id="provider-suggestions"' in page
    assert "Send referral" in page
    relief = reverse("victims:relief-create") + f"?victim={file.victim.pk}"
    assert client.get(relief).status_code == 200
    client.force_login(world.advocate_a)
    assert client.get(reverse("victims:relief-create") + f"?client={file.client.pk}").status_code
    assert client.get(reverse("victims:relief-create")).status_code == 404


# --- outside the compartment: 404 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    ["victims:client-detail", "victims:client-edit", "victims:consent-create",
     "victims:note-create", "victims:service-create"],
)  # fmt: skip
@pytest.mark.parametrize("persona", ["investigator_a", "prosecutor", "advocate_b"])
def test_a_client_record_is_404_outside_its_provider(world, file, client, persona, route):
    client.force_login(world.users[persona])
    response = client.get(reverse(route, args=[file.client.pk]))
    assert response.status_code == 404
    assert CLIENT_FAMILY not in html(response)


def test_client_tabs_are_404_for_law_enforcement_even_with_a_release(world, file, client):
    client.force_login(world.prosecutor)
    for tab in ("profile", "services", "consents", "relief", "notes"):
        response = client.get(
            reverse("victims:client-detail", args=[file.client.pk]) + f"?tab={tab}"
        )
        assert response.status_code == 404
        assert NOTE not in html(response)


@pytest.mark.parametrize("route", ["victims:detail", "victims:edit"])
def test_a_victim_record_is_404_to_a_community_member_and_providers(world, file, client, route):
    for persona in ("community_member", "advocate_a", "investigator_b"):
        client.force_login(world.users[persona])
        response = client.get(reverse(route, args=[file.victim.pk]))
        assert response.status_code == 404
        assert "Delgado" not in html(response)


def test_victim_list_holds_only_visible_records(world, file, client):
    client.force_login(world.community_member)
    page = html(client.get(reverse("victims:list")))
    assert "Delgado" not in page and "Elena" not in page
    client.force_login(world.investigator_a)
    page = html(client.get(reverse("victims:list") + "?q=Rosa"))
    assert "Rosa Delgado" in page and "Elena" not in page
    assert client.get(reverse("victims:list") + "?minor=maybe").status_code == 200


def test_victim_pages_for_someone_who_may_only_view_are_403(world, file, client):
    client.force_login(world.investigator_a)
    assert (
        client.get(reverse("victims:notification-create", args=[file.victim.pk])).status_code == 403
    )
    client.force_login(world.advocate_a)
    assert client.get(reverse("victims:create")).status_code == 403
    client.force_login(world.investigator_a)
    assert client.get(reverse("victims:client-create")).status_code == 403


# --- releases: exactly the items, for exactly the recipient -------------------------------------


def test_prosecutor_sees_exactly_the_released_item_and_not_the_clients_name(world, file, client):
    client.force_login(world.prosecutor)
    for url in (
        reverse("victims:consent-detail", args=[file.consent.pk]),
        reverse("victims:releases"),
    ):
        page = html(client.get(url))
        assert 'id="release-' in page
        assert "Enrollment status" in page and "Enrolled" in page
        for hidden in (CLIENT_NAME, CLIENT_FAMILY, CLIENT_PHONE, NOTE, "emergency shelter",
                       "U visa", "contact_information", "Date of birth"):  # fmt: skip
            assert hidden not in page, hidden
        assert f'href="{reverse("victims:client-detail", args=[file.client.pk])}' not in page


def test_the_owner_sees_the_full_release(world, file, client):
    client.force_login(world.advocate_a)
    page = html(client.get(reverse("victims:consent-detail", args=[file.consent.pk])))
    assert f"{CLIENT_NAME} {CLIENT_FAMILY}" in page
    assert "Revoke release" in page


def test_a_second_agency_gets_nothing_from_the_release(world, file, client):
    client.force_login(world.investigator_a)
    assert client.get(reverse("victims:consent-detail", args=[file.consent.pk])).status_code == 404
    page = html(client.get(reverse("victims:releases")))
    assert f"Release #{file.consent.pk}" not in page


def test_revoking_closes_the_release_page_at_once(world, file, client):
    client.force_login(world.prosecutor)
    url = reverse("victims:consent-revoke", args=[file.consent.pk])
    assert client.get(url).status_code == 403
    client.force_login(world.advocate_a)
    response = client.post(url, {"method": "oral", "note": "Called the office"})
    assert response.status_code == 302
    assert Consent.objects.get(pk=file.consent.pk).revoked_at is not None
    # Revoking again is not possible: 409, nothing changes.
    assert client.post(url, {"method": "oral"}).status_code == 409
    client.force_login(world.prosecutor)
    assert client.get(reverse("victims:consent-detail", args=[file.consent.pk])).status_code == 404
    assert f"Release #{file.consent.pk}" not in html(client.get(reverse("victims:releases")))


def test_the_sender_sees_the_outcome_and_never_the_client(world, file, client):
    client.force_login(world.investigator_a)
    page = html(client.get(reverse("victims:referral-detail", args=[file.accepted.pk])))
    assert "Accepted" in page
    assert reverse("victims:client-detail", args=[file.client.pk]) not in page
    assert CLIENT_FAMILY not in page
    client.force_login(world.advocate_a)
    page = html(client.get(reverse("victims:referral-detail", args=[file.accepted.pk])))
    assert reverse("victims:client-detail", args=[file.client.pk]) in page
    assert reverse("victims:detail", args=[file.victim.pk]) not in page


# --- the provider's inbox -----------------------------------------------------------------------


def _inbox_order(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="referral-row-(\d+)"', page)]


def test_inbox_shows_the_overdue_referral_first(world, file, client):
    fresh = send(world, shared_name="Fresh")
    overdue = send(world, shared_name="Late")
    Referral.objects.filter(pk=overdue.pk).update(
        sent_at=timezone.now() - 5 * DAY, respond_by=timezone.now() - 2 * DAY
    )
    client.force_login(world.advocate_a)
    page = html(client.get(reverse("home")))
    order = _inbox_order(page)
    assert order[0] == overdue.pk
    assert set(order) == {overdue.pk, fresh.pk, file.pending.pk}
    assert "Overdue" in page
    assert _inbox_order(html(client.get(reverse("victims:referrals"))))[0] == overdue.pk
    # The other provider's inbox holds none of them.
    client.force_login(world.advocate_b)
    assert _inbox_order(html(client.get(reverse("home")))) == []


def test_htmx_accept_returns_the_updated_row(world, file, client):
    client.force_login(world.advocate_a)
    url = reverse("victims:referral-accept", args=[file.pending.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith(f'<tr id="referral-row-{file.pending.pk}"')
    assert "<html" not in page
    referral = Referral.objects.get(pk=file.pending.pk)
    assert referral.status == ReferralStatus.ACCEPTED
    assert reverse("victims:client-detail", args=[referral.client_id]) in page
    # A second answer is refused with 409 and the row says why.
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "already accepted" in html(again) or "is accepted" in html(again)


def test_accept_without_htmx_redirects_to_the_new_client(world, file, client):
    client.force_login(world.advocate_a)
    response = client.post(reverse("victims:referral-accept", args=[file.pending.pk]))
    assert response.status_code == 302
    referral = Referral.objects.get(pk=file.pending.pk)
    assert response.url == reverse("victims:client-detail", args=[referral.client_id])


def test_htmx_decline_needs_a_reason_shown_in_the_row(world, file, client):
    client.force_login(world.advocate_a)
    url = reverse("victims:referral-decline", args=[file.pending.pk])
    response = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="decline-reason-{file.pending.pk}-error"' in html(response)
    assert Referral.objects.get(pk=file.pending.pk).status == ReferralStatus.SENT
    response = client.post(url, {"reason": "no_capacity"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Declined" in html(response)
    assert Referral.objects.get(pk=file.pending.pk).status == ReferralStatus.DECLINED


def test_the_sender_may_not_answer_and_the_provider_may_not_withdraw(world, file, client):
    client.force_login(world.investigator_a)
    assert (
        client.post(reverse("victims:referral-accept", args=[file.pending.pk])).status_code == 403
    )
    client.force_login(world.advocate_a)
    withdraw = reverse("victims:referral-withdraw", args=[file.pending.pk])
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    client.force_login(world.advocate_b)
    assert (
        client.post(reverse("victims:referral-accept", args=[file.pending.pk])).status_code == 404
    )
    assert Referral.objects.get(pk=file.pending.pk).status == ReferralStatus.SENT


# --- referring: suggestions, best first ---------------------------------------------------------


def test_refer_form_ranks_the_matching_provider_first(world, file, client):
    spanish = Language.objects.get(code="es")
    agency_services.update_agency(
        agency=world.vsp_b,
        by=None,
        services_offered=ServiceType.objects.filter(code__in=["legal-immigration"]),
        populations_served=Population.objects.filter(code__in=["adults", "foreign-nationals"]),
        languages=[spanish],
    )
    client.force_login(world.investigator_a)
    url = reverse("victims:referral-create")
    response = client.get(
        url,
        {
            "services_requested": [service_type("legal-immigration").pk],
            "shared_age": "30",
            "foreign_national": "yes",
            "shared_language": spanish.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="provider-suggestions"')
    ids = [int(pk) for pk in re.findall(r'id="suggestion-(\d+)"', page)]
    assert ids[0] == world.vsp_b.pk
    assert "Offers 1 of 1 services requested" in page
    assert "Works in Spanish" in page


def test_sending_a_referral_from_the_form(world, file, client):
    client.force_login(world.investigator_a)
    url = reverse("victims:referral-create") + f"?victim={file.victim.pk}"
    data = {
        "provider": world.vsp_b.pk,
        "services_requested": [service_type("legal-immigration").pk],
        "urgency": "urgent",
        "shared_name": "Rosa",
        "shared_gender": "female",
        "trafficking_type": "sex",
        "foreign_national": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    referral = Referral.objects.latest("pk")
    assert referral.provider == world.vsp_b and referral.victim == file.victim
    # No service chosen: the error is next to the field and nothing is sent.
    count = Referral.objects.count()
    response = client.post(url, {**data, "services_requested": []})
    assert response.status_code == 200
    assert 'id="id_services_requested_error"' in html(response)
    assert Referral.objects.count() == count


def test_another_agencys_victim_cannot_be_referred(world, file, client):
    client.force_login(world.prosecutor)
    url = reverse("victims:referral-create") + f"?victim={file.victim.pk}"
    assert client.get(url).status_code == 404
    url = reverse("victims:referral-create") + "?victim=abc"
    assert client.get(url).status_code == 404


# --- the release form ---------------------------------------------------------------------------


def test_consent_summary_shows_recipient_and_expiry(world, file, client):
    client.force_login(world.advocate_a)
    url = reverse("victims:consent-create", args=[file.client.pk])
    expiry = today() + 60 * DAY
    response = client.get(
        url,
        {
            "recipient": world.le_a.pk,
            "items": ["enrollment_status", "services_received"],
            "starts_on": today().isoformat(),
            "expires_on": expiry.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="consent-summary"')
    text = re.sub(r"<[^>]+>|\s+", " ", page)
    text = re.sub(r" +", " ", text)
    assert (
        f"Enrollment status, Services received will be shared with Alpha City Police Department "
        f"from {today().isoformat()} until {expiry.isoformat()}"
    ) in text
    # The full page shows the same panel before anything is typed, and the button.
    page = html(client.get(url))
    assert 'id="consent-summary"' in page
    assert "Record release" in page


def test_recording_a_release_from_the_form(world, file, client):
    client.force_login(world.advocate_a)
    url = reverse("victims:consent-create", args=[file.client.pk])
    data = {
        "recipient": world.le_a.pk,
        "items": ["enrollment_status"],
        "purpose": "Safety planning with the detective",
        "sharing_form": "electronic",
        "starts_on": today().isoformat(),
        "expires_on": (today() + 30 * DAY).isoformat(),
        "signer_name": "Marisol",
        "signer_role": "client",
        "voluntariness_explained": "on",
        "right_to_revoke_explained": "on",
    }
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "Alpha City Police Department" in html(preview)
    assert not Consent.objects.filter(recipient=world.le_a).exists()
    # The right to revoke not explained: refused next to its field, nothing recorded.
    refused = client.post(url, {**data, "right_to_revoke_explained": ""})
    assert 'id="id_right_to_revoke_explained_error"' in html(refused)
    assert not Consent.objects.filter(recipient=world.le_a).exists()
    response = client.post(url, data)
    assert response.status_code == 302
    consent = Consent.objects.get(recipient=world.le_a)
    assert response.url == reverse("victims:consent-detail", args=[consent.pk])


# --- client pages -------------------------------------------------------------------------------


def test_client_tabs_read_only_their_own_records(world, file, client):
    client.force_login(world.advocate_a)
    url = reverse("victims:client-detail", args=[file.client.pk])
    profile = html(client.get(url))
    assert CLIENT_PHONE in profile and NOTE not in profile and "emergency shelter" not in profile
    notes = html(client.get(url + "?tab=notes"))
    assert NOTE in notes and CLIENT_PHONE not in notes
    services_tab = html(client.get(url + "?tab=services"))
    assert "Housing: emergency shelter" in services_tab
    consents = html(client.get(url + "?tab=consents"))
    assert "Gamma County District Attorney" in consents and "Live" in consents


def test_recording_and_exiting_a_client(world, client):
    client.force_login(world.advocate_a)
    data = {
        "given_name": "Ines",
        "identified_on": (today() - 2 * DAY).isoformat(),
        "identification_source": "hotline",
        "referral_source": "hotline",
        "gender": "female",
        "lgbtq": "not_reported",
        "citizenship": "unknown",
        "trafficking_type": "labor",
        "date_of_birth": (today() + DAY).isoformat(),
        "family_members_served": 0,
        "enrolled_on": today().isoformat(),
    }
    refused = client.post(reverse("victims:client-create"), data)
    assert refused.status_code == 200
    assert 'id="id_date_of_birth_error"' in html(refused)
    # Names are encrypted at rest: the database finds them through the blind index only.
    assert not selectors.profile_search(Client.objects.all(), "Ines").exists()
    data["date_of_birth"] = "2010-02-03"
    response = client.post(reverse("victims:client-create"), data)
    assert response.status_code == 302
    created = selectors.profile_search(Client.objects.all(), "Ines").get()
    assert created.is_minor
    exit_url = reverse("victims:client-exit", args=[created.pk])
    assert (
        client.post(
            exit_url, {"exited_on": today().isoformat(), "exit_reason": "moved"}
        ).status_code
        == 302
    )
    assert client.get(exit_url).status_code == 409


# --- query counts do not grow with the page -----------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _add_a_referred_client(world, n: int) -> None:
    """One more victim referred and accepted (a client with a service and a release of its
    services and relief to the district attorney), and one more referral waiting."""
    victim = services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        given_name=f"Extra {n}",
        identified_on=today() - DAY,
        identification_source=IdentificationSource.HOTLINE,
    )
    accepted = services.accept_referral(
        referral=send(world, victim=victim, shared_name=f"Extra {n}"), by=world.advocate_a
    )
    send(world, shared_name=f"Waiting {n}")
    services.record_service(
        client=accepted.client,
        by=world.advocate_a,
        service_type=service_type("medical"),
        started_on=today() - DAY,
    )
    services.record_consent(
        client=accepted.client,
        by=world.advocate_a,
        recipient=world.prosecution,
        items=[ConsentItem.SERVICES_RECEIVED, ConsentItem.IMMIGRATION_RELIEF_STATUS],
        purpose="Trial preparation",
        sharing_form=SharingForm.WRITTEN,
        starts_on=today(),
        expires_on=today() + 30 * DAY,
        signer_name=f"Extra {n}",
        signer_role=SignerRole.CLIENT,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )


def test_list_pages_cost_the_same_for_one_row_or_many(world, file, client):
    pages = {
        "investigator_a": [reverse("victims:list"), reverse("victims:referrals")],
        "advocate_a": [reverse("victims:clients"), reverse("victims:referrals"), reverse("home")],
        "prosecutor": [reverse("victims:releases")],
    }
    _add_a_referred_client(world, 0)
    before = {}
    for persona, urls in pages.items():
        client.force_login(world.users[persona])
        for url in urls:
            before[persona, url] = _queries(client, url)
    for n in range(1, 7):
        _add_a_referred_client(world, n)
    for persona, urls in pages.items():
        client.force_login(world.users[persona])
        for url in urls:
            assert _queries(client, url) == before[persona, url], (persona, url)
