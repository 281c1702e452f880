"""Journey through the real browser: an investigator refers a victim to the provider the matching
ranks first, the advocate accepts it from the inbox, records a service and a release of
enrollment status to the district attorney; the prosecutor sees exactly that, and nothing once
the client has revoked it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import Language, Population, ServiceType
from tests.browser.test_case_journey import sign_out
from tests.browser.test_coordinator_journey import sign_in
from tests.conftest import build_world
from victims import services
from victims.models import Client, Consent, Referral, ReferralStatus, ServiceRecord

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the world must be committed; the serialized
    # rollback puts the seeded lookups (service types, populations, languages) back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHELTER = "Housing: emergency shelter"


def offer(agency, *, services_offered=(), populations=(), languages=()) -> None:
    """A provider's capabilities, as its supervisor keeps them in the directory."""
    agency.services_offered.set(ServiceType.objects.filter(code__in=services_offered))
    agency.populations_served.set(Population.objects.filter(code__in=populations))
    agency.languages.set(Language.objects.filter(code__in=languages))


def client_tab(page, name: str) -> None:
    page.get_by_role("navigation", name="Client record sections").get_by_role(
        "link", name=name
    ).click()


def refreshed(page, action) -> None:
    """Do ``action`` and wait for the panel it refreshes (suggestions, release summary), as a
    person reads it before going on: the next change would cancel a refresh still on its way."""
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        action()


def typed(locator, text: str):
    """Type into a field and leave it (the change that refreshes the panel)."""

    def action():
        locator.fill(text)
        locator.press("Tab")

    return action


def status_message(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_referral_to_release_and_its_revocation(browser_page):
    world = build_world()
    page = browser_page
    # Delta fits this person (shelter, adult women, sex trafficking, Spanish); Epsilon is a
    # legal aid office for foreign nationals.
    offer(
        world.vsp_a,
        services_offered=["housing-emergency-shelter", "case-management", "crisis-intervention"],
        populations=["adults", "female", "sex-trafficking", "us-citizens"],
        languages=["en", "es"],
    )
    offer(
        world.vsp_b,
        services_offered=["legal-immigration"],
        populations=["adults", "foreign-nationals"],
        languages=["en"],
    )
    victim = services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        given_name="Maria",
        family_name="Santos",
        estimated_age=24,
        identified_on=timezone.localdate(),
        identification_source="reactive",
        gender="female",
        citizenship="us_citizen",
        primary_language=Language.objects.get(code="es"),
        trafficking_type="sex",
    )

    # --- The investigator refers her from her record; the matching provider comes first. ---
    sign_in(page, "investigator_a")
    page.goto(f"/victims/{victim.pk}/")
    page.get_by_role("link", name="Refer to a provider").click()
    expect(page.get_by_role("heading", name="Refer to a provider")).to_be_visible()
    refreshed(page, page.get_by_label(SHELTER).check)
    suggestions = page.locator("#suggestion-list > li")
    expect(suggestions.first).to_contain_text("Delta Survivor Services")
    expect(suggestions.first).to_contain_text("Offers 1 of 1 services requested")
    expect(suggestions.nth(1)).to_contain_text("Epsilon Legal Aid")
    provider = page.get_by_label("Service provider")
    refreshed(page, lambda: provider.select_option(label="Delta Survivor Services"))
    refreshed(page, typed(page.get_by_label("Name to share"), "Maria"))
    page.get_by_role("button", name="Send referral").click()
    expect(status_message(page, "Sent the referral to Delta Survivor Services")).to_be_visible()
    referral = Referral.objects.get()
    assert referral.provider == world.vsp_a and referral.victim == victim
    assert referral.status == ReferralStatus.SENT
    sign_out(page)

    # --- The advocate accepts it in place, from the inbox on the home page. ---
    sign_in(page, "advocate_a")
    row = page.locator(f"#referral-inbox #referral-row-{referral.pk}")
    expect(row).to_contain_text("Maria")
    expect(row).to_contain_text(SHELTER)
    row.get_by_role("button", name="Accept").click()
    expect(row.get_by_text("Accepted", exact=True)).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    client = Client.objects.get()
    assert client == referral.client and client.owner_agency == world.vsp_a
    row.get_by_role("link", name="Open the client record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maria")

    # A service...
    client_tab(page, "Services")
    page.get_by_role("link", name="Record a service").click()
    page.get_by_role("combobox", name="Service", exact=True).select_option(label=SHELTER)
    page.get_by_label("Started on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record service").click()
    expect(status_message(page, "Recorded the service.")).to_be_visible()
    expect(page.locator("#client-services")).to_contain_text(SHELTER)
    assert ServiceRecord.objects.get().client == client

    # ... and a release of her enrollment status to the district attorney, shown plainly
    # before it is saved.
    client_tab(page, "Releases")
    page.get_by_role("link", name="Record a release").click()
    recipient = page.get_by_label("Recipient agency")
    refreshed(page, lambda: recipient.select_option(label="Gamma County District Attorney"))
    refreshed(page, page.get_by_label("Enrollment status").check)
    summary = page.locator("#consent-summary-text")
    expect(summary).to_contain_text("Enrollment status will be shared with")
    expect(summary).to_contain_text("Gamma County District Attorney")
    purpose = "Victim-witness coordination for the prosecution."
    refreshed(page, typed(page.get_by_label("Purpose"), purpose))
    sharing = page.get_by_label("Form of sharing")
    refreshed(page, lambda: sharing.select_option(label="Electronic (through this system)"))
    refreshed(page, typed(page.get_by_label("Signed by"), "Maria Santos"))
    signer = page.get_by_role("combobox", name="Signer", exact=True)
    refreshed(page, lambda: signer.select_option(label="The client (adult)"))
    refreshed(page, page.get_by_label("It was explained that signing is voluntary").check)
    refreshed(page, page.get_by_label("It was explained that the release may be revoked").check)
    page.get_by_role("button", name="Record release").click()
    expect(
        status_message(page, "Recorded the release to Gamma County District Attorney")
    ).to_be_visible()
    consent = Consent.objects.get()
    assert consent.items == ["enrollment_status"] and consent.recipient == world.prosecution
    sign_out(page)

    # --- The prosecutor sees her enrollment status, and nothing else. ---
    sign_in(page, "prosecutor")
    page.get_by_role("link", name="Releases", exact=True).click()
    expect(page).to_have_url(re.compile(r"/victims/releases/$"))
    release = page.locator(f"#release-{consent.pk}")
    expect(release).to_contain_text("Delta Survivor Services")
    expect(release.locator(".tf-release-item")).to_have_count(1)
    expect(release.locator(f"#release-{consent.pk}-enrollment_status")).to_contain_text(
        re.compile(r"Enrollment status\s*Enrolled")
    )
    for absent in ("Maria", "Santos", "Services received", SHELTER, "Contact information"):
        expect(page.locator("main")).not_to_contain_text(absent)
    assert page.goto(f"/victims/clients/{client.pk}/").status == 404
    assert page.goto(f"/victims/referrals/{referral.pk}/").status == 404
    sign_out(page)

    # --- The client revokes by phone; the advocate records it. ---
    sign_in(page, "advocate_a")
    page.goto(f"/victims/clients/{client.pk}/")
    client_tab(page, "Releases")
    page.locator("#client-consents").get_by_role(
        "link", name="Gamma County District Attorney"
    ).click()
    page.get_by_role("link", name="Revoke release").click()
    page.get_by_label("Orally").check()
    page.get_by_role("button", name="Revoke release").click()
    expect(status_message(page, "Gamma County District Attorney no longer sees it")).to_be_visible()
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.state == "revoked"
    sign_out(page)

    # --- The prosecutor sees nothing any more. ---
    sign_in(page, "prosecutor")
    page.get_by_role("link", name="Releases", exact=True).click()
    expect(page.get_by_text("No release is in force for your agency.")).to_be_visible()
    expect(page.locator(f"#release-{consent.pk}")).to_have_count(0)
    assert page.goto(f"/victims/consents/{consent.pk}/").status == 404
