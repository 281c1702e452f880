"""Journey through the real browser: the coordinator drafts an MOU between the police department
and the general service provider, both supervisors sign it and it shows executed; then the
coordinator records a decision adopting a protocol version."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from protocols import services
from protocols.models import Decision, Mou, MouStatus, Protocol, ProtocolStatus, ProtocolTopic
from tests.browser.test_case_journey import sign_out
from tests.browser.test_coordinator_journey import sign_in
from tests.conftest import build_world

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the world must be committed; the serialized
    # rollback puts the seeded lookups (protocol topics among them) back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Victim-centered response MOU"


def open_governance(page, section: str) -> None:
    page.get_by_role("link", name="Governance", exact=True).click()
    nav = page.get_by_role("navigation", name="Governance sections")
    nav.get_by_role("link", name=section, exact=True).click()


def sign_as_supervisor(page, username: str, title: str) -> None:
    sign_in(page, username)
    open_governance(page, "MOUs")
    page.locator("#mou-table").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Sign", exact=True).click()
    page.get_by_label("Your title").fill(title)
    page.get_by_role("button", name="Sign MOU").click()


def test_mou_executed_by_both_supervisors_and_a_protocol_adopted(browser_page):
    world = build_world()
    today = timezone.localdate()
    protocol = services.create_protocol(
        by=world.coordinator,
        title="Victim identification and referral",
        topic=ProtocolTopic.objects.get(code="victim-identification-referral"),
        owner=world.le_supervisor_a,
        review_date=today + dt.timedelta(days=365),
        text="Screen every contact with the indicator tool; refer within 24 hours.",
    )
    page = browser_page

    # --- The coordinator drafts the MOU and circulates it. ---
    sign_in(page, "coordinator")
    open_governance(page, "MOUs")
    page.get_by_role("link", name="Draft an MOU").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#id_title_error")).to_contain_text("This field is required")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Purpose").fill("Identify victims together and deliver services.")
    page.get_by_label("Approving body").fill("Executive board")
    page.get_by_label("Effective date").fill(today.isoformat())
    page.get_by_label("End date").fill((today + dt.timedelta(days=730)).isoformat())
    page.get_by_label("Alpha City Police Department").check()
    page.get_by_label("Delta Survivor Services").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("#mou-status")).to_have_text("Draft")
    page.get_by_role("link", name="Edit commitments of Delta Survivor Services").click()
    page.get_by_label("Resources").fill("Two advocates on call")
    page.get_by_role("button", name="Save signatory").click()
    expect(page.locator("#signatories")).to_contain_text("Two advocates on call")
    page.get_by_role("button", name="Circulate for signature").click()
    expect(page.locator("#mou-status")).to_have_text("Circulating for signature")
    sign_out(page)

    # --- Both supervisors sign; the second signature executes it. ---
    sign_as_supervisor(page, "le_supervisor_a", "Chief of Police")
    expect(page.locator("#mou-status")).to_have_text("Circulating for signature")
    expect(page.locator("#signatories")).to_contain_text("Chief of Police")
    sign_out(page)
    sign_as_supervisor(page, "vsp_supervisor_a", "Executive Director")
    expect(page.get_by_role("status").filter(has_text="the MOU is executed")).to_be_visible()
    expect(page.locator("#mou-status")).to_have_text("Executed")
    mou = Mou.objects.get(title=TITLE)
    assert mou.status == MouStatus.EXECUTED
    assert mou.versions.get().signatures.count() == 2
    sign_out(page)

    # --- The coordinator records a decision adopting the protocol's version 1. ---
    sign_in(page, "coordinator")
    open_governance(page, "Protocols")
    page.locator("#protocol-table").get_by_role("link", name=protocol.title).click()
    expect(page.locator("#protocol-status")).to_have_text("Draft")
    page.get_by_role("link", name="Record a decision adopting version 1").click()
    expect(page.get_by_label("Adopts protocol version")).to_have_value(
        str(protocol.versions.get().pk)
    )
    page.get_by_label("Question").fill("Adopt the referral protocol?")
    page.get_by_label("Method").select_option(label="Majority vote")
    page.get_by_label("Outcome").fill("Adopted, two votes to none.")
    page.get_by_role("button", name="Record decision").click()
    # A majority vote needs its votes: the form says so and records nothing.
    expect(page.get_by_role("alert")).to_contain_text("records each agency's vote")
    assert not Decision.objects.exists()
    page.get_by_label("Alpha City Police Department").select_option(label="Yes")
    page.get_by_label("Delta Survivor Services").select_option(label="Yes")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adopt the referral protocol?")
    expect(page.locator("#decision")).to_contain_text("version 1")
    page.get_by_role("link", name=protocol.title).click()
    expect(page.locator("#protocol-status")).to_have_text("Adopted")
    expect(page.locator("#adopted-version")).to_contain_text(re.compile(r"Version 1, adopted"))
    assert Protocol.objects.get(pk=protocol.pk).status == ProtocolStatus.ADOPTED
