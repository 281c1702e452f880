"""Journey through the real browser: an investigator builds a case and refers it, the district
attorney accepts it and charges it, and the investigator sees the charge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseNote, Charge, CourtEvent, Identifier, ProsecutionReferral
from tests.browser.test_coordinator_journey import sign_in
from tests.conftest import build_world

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the world must be committed; the serialized
    # rollback puts the seeded lookups (statutes, venues, languages) back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTE = "Victim interview: the manager kept the workers' passports in the office safe."


def sign_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def tab(page, name: str) -> None:
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name=name).click()


def test_case_from_investigation_to_charge(browser_page):
    build_world()
    page = browser_page

    # --- The investigator opens a case. ---
    sign_in(page, "investigator_a")
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_role("heading", name="Open a case")).to_be_visible()
    page.get_by_label("Title").fill("Route 9 massage parlors")
    page.get_by_label("Origin").select_option(label="Proactive")
    page.get_by_label("Trafficking type").select_option(label="Sex trafficking")
    page.get_by_label("Jurisdiction level").select_option(label="Local")
    page.get_by_role("button", name="Open case").click()
    case = Case.objects.get(title="Route 9 massage parlors")
    expect(page.get_by_role("status").filter(has_text=f"Opened case {case.number}")).to_be_visible()

    # It is the first of their cases on the home page; they open it from there.
    page.get_by_role("link", name="Home", exact=True).click()
    my_cases = page.locator("#my-cases")
    expect(my_cases).to_contain_text("Route 9 massage parlors")
    my_cases.get_by_role("link", name=case.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    expect(page.locator("#assigned-investigators")).to_contain_text(
        case.assigned_investigators.get().get_full_name()
    )

    # A subject, then a phone for that subject.
    tab(page, "Subjects")
    page.get_by_role("link", name="Add subject").click()
    page.get_by_label("Role").select_option(label="Controller")
    page.get_by_label("First name").fill("Victor")
    page.get_by_label("Last name").fill("Kessler")
    page.get_by_role("button", name="Add subject").click()
    expect(page.get_by_role("heading", name=re.compile("Kessler, Victor"))).to_be_visible()
    page.get_by_role("link", name="Add identifier to Kessler, Victor").click()
    expect(page.get_by_label("Subject")).to_have_value(str(case.subjects.get().pk))
    page.get_by_label("Kind").select_option(label="Phone")
    page.get_by_label("Value").fill("(555) 201-3344")
    page.get_by_role("button", name="Add identifier").click()
    subject_card = page.locator("article.tf-subject")
    expect(subject_card).to_contain_text("Phone: (555) 201-3344")
    assert Identifier.objects.get(kind="phone").normalized == "5552013344"

    # A note for the prosecutor.
    tab(page, "Notes")
    page.get_by_role("link", name="Add note").click()
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Interview")
    page.get_by_role("textbox", name="Note", exact=True).fill(NOTE)
    page.get_by_label("Share with the prosecutor").check()
    page.get_by_role("button", name="Add note").click()
    note = page.locator("article.tf-note").first
    expect(note).to_contain_text(NOTE)
    expect(note).to_contain_text("Shared with the prosecutor")
    assert CaseNote.objects.get().for_prosecution is True

    # Referral to the district attorney.
    tab(page, "Summary")
    page.get_by_role("link", name="Refer for prosecution").click()
    page.get_by_label("Prosecutor office").select_option(label="Gamma County District Attorney")
    page.get_by_label("Message").fill("Ready for a charging decision.")
    page.get_by_role("button", name="Refer case").click()
    expect(page.locator("#referral-table")).to_contain_text("Pending")
    sign_out(page)

    # --- The prosecutor accepts and charges. ---
    sign_in(page, "prosecutor")
    referrals = page.locator("#pending-referrals")
    expect(referrals).to_contain_text(case.number)
    referrals.get_by_role("link", name=f"Accept {case.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accept case")
    page.get_by_label("Court case number").fill("CR-2030-0117")
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("status").filter(has_text="Accepted case")).to_be_visible()
    assert ProsecutionReferral.objects.get().status == "accepted"

    # The marked note is theirs to read.
    tab(page, "Notes")
    expect(page.locator("article.tf-note")).to_contain_text(NOTE)
    tab(page, "Prosecution")
    page.get_by_role("link", name="Add charge").click()
    page.get_by_label("Subject").select_option(label="Kessler, Victor (controller)")
    page.get_by_label("Statute").select_option(
        label="18 U.S.C. 1591 (Sex trafficking of children or by force, fraud, or coercion)"
    )
    page.get_by_label("Counts").fill("2")
    page.get_by_role("button", name="Add charge").click()
    charges = page.locator("table.tf-charges")
    expect(charges).to_contain_text("18 U.S.C. 1591")
    expect(charges).to_contain_text("64A")
    assert Charge.objects.get().counts == 2

    page.get_by_role("link", name="Schedule court date").click()
    page.get_by_label("Event").select_option(label="Arraignment")
    page.get_by_label("Date and time").fill("2030-06-03T09:30")
    page.get_by_role("textbox", name="Court", exact=True).fill("Gamma County Courthouse, Room 2")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("table.tf-court-events")).to_contain_text("2030-06-03 09:30")
    assert CourtEvent.objects.count() == 1
    sign_out(page)

    # --- The investigator sees the charge and the court date on the case. ---
    sign_in(page, "investigator_a")
    page.locator("#my-cases").get_by_role("link", name=case.number).click()
    tab(page, "Prosecution")
    expect(page.locator("table.tf-charges")).to_contain_text("18 U.S.C. 1591")
    expect(page.locator("table.tf-court-events")).to_contain_text("Gamma County Courthouse, Room 2")
    # Read only, and nothing of the prosecutor office's own notes.
    expect(page.get_by_role("link", name="Add charge")).to_have_count(0)
    expect(page.get_by_text("Prosecutor notes")).to_have_count(0)
