"""Journeys through the real browser: a coordinator adds an agency, an investigator meets a
page out of reach."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from agencies import services
from agencies.models import Agency
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.signin import app_code, enrol_app

User = get_user_model()

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the world must be committed; the serialized
    # rollback puts the seeded lookups (services, populations, languages) back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, username: str) -> None:
    """Both steps: password with the notice acknowledged, then the code of the person's app."""
    device = enrol_app(User.objects.get(username=username))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#system-use-notice")).to_contain_text("Authorized use only.")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("I have read the notice above").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter your code")
    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_coordinator_adds_an_agency_after_fixing_an_error(browser_page):
    build_world()
    page = browser_page
    sign_in(page, "coordinator")
    expect(page.get_by_role("heading", name="Coordinator dashboard")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    expect(page.get_by_role("heading", name="Agency directory")).to_be_visible()
    page.get_by_role("link", name="Add agency").click()
    expect(page.get_by_role("heading", name="Add agency")).to_be_visible()

    # First attempt: everything but the name.
    page.get_by_label("Discipline").select_option(label="Victim services")
    page.get_by_label("Jurisdiction level").select_option(label="Local")
    page.get_by_label("City").fill("Riverton")
    page.get_by_label("Legal: immigration").check()
    page.get_by_label("Spanish").check()
    page.get_by_role("button", name="Add agency").click()

    name = page.get_by_role("textbox", name=re.compile(r"^Name\b"))
    expect(name).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\bid_name_error\b"))
    expect(page.locator("#id_name_error")).to_have_text("This field is required.")
    expect(page.locator("#id_name_error")).to_be_visible()
    # What was entered is kept, and nothing was added.
    expect(page.get_by_label("Legal: immigration")).to_be_checked()
    expect(page.get_by_label("City")).to_have_value("Riverton")
    assert not Agency.objects.filter(city="Riverton").exists()

    name.fill("Kappa Refugee Services")
    page.get_by_role("button", name="Add agency").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kappa Refugee Services")
    expect(page.get_by_role("status").filter(has_text="Added Kappa")).to_be_visible()

    agency = Agency.objects.get(name="Kappa Refugee Services")
    assert list(agency.languages.values_list("code", flat=True)) == ["es"]
    assert list(agency.services_offered.values_list("code", flat=True)) == ["legal-immigration"]

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Agencies").click()
    page.get_by_label("Search").fill("Kappa")
    page.get_by_role("button", name="Search").click()
    table = page.locator("#directory-table")
    expect(table.get_by_role("link", name="Kappa Refugee Services")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).not_to_contain_text("Alpha City Police Department")
    expect(page).to_have_url(re.compile(r"q=Kappa"))

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_investigator_sees_own_home_and_not_an_inactive_agency(browser_page):
    world = build_world()
    services.update_agency(agency=world.community, by=None, active=False)
    page = browser_page

    sign_in(page, "investigator_a")
    # The first Tab reaches the skip link, which then shows on screen and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    expect(page.get_by_role("heading", name="Deadlines")).to_be_visible()
    expect(page.locator("#acting-as")).to_contain_text("Alpha City Police Department")
    expect(page.locator("#notifications-badge .badge")).to_have_text(re.compile(r"^0 unread$"))
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)

    response = page.goto(f"/agencies/{world.community.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Zeta Community Coalition")
