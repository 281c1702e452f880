"""Journey through the real browser: the coordinator reads the dashboard, narrows it to labor
trafficking, and takes the fiscal year's report away as a spreadsheet a funder would accept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases import services as case_services
from cases.models import JurisdictionLevel
from taskforce.periods import Period
from tests.browser.test_coordinator_journey import sign_in
from tests.conftest import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def open_cases(world, n: int, kind: str) -> None:
    for i in range(n):
        case_services.open_case(
            by=world.users["investigator_a"],
            agency=world.agencies["le_a"],
            title=f"Journey case {i}",
            origin="proactive" if i % 2 else "reactive",
            trafficking_type=kind,
            jurisdiction_level=JurisdictionLevel.LOCAL,
        )


def test_coordinator_filters_the_dashboard_and_downloads_the_year(browser_page, tmp_path):
    world = build_world()
    open_cases(world, 7, "labor")
    open_cases(world, 6, "sex")
    year = Period.containing(timezone.localdate())
    page = browser_page

    sign_in(page, "coordinator")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Task force dashboard")).to_be_visible()
    chart = page.locator('canvas[data-chart="chart-cases_by_month_origin"]')
    expect(chart).to_have_attribute("data-drawn", "true")
    totals = page.locator("#table-cases_by_month_origin tfoot td").last
    expect(totals).to_have_text("13")

    page.get_by_label("Trafficking type", exact=True).select_option(
        label="Labor trafficking (including both)"
    )
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#report-scope")).to_contain_text("Labor trafficking")
    expect(page.locator("#table-cases_by_month_origin tfoot td").last).to_have_text("7")
    expect(chart).to_have_attribute("data-drawn", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-labor.png"), full_page=True)
    assert (ARTIFACTS / "dashboard-labor.png").stat().st_size > 10_000

    # The fiscal year's report, in one click from the dashboard, then its file.
    page.locator("#report-periods").get_by_role("link", name=year.key, exact=True).click()
    expect(page.get_by_role("heading", name="Task force report")).to_be_visible()
    expect(page.locator("#report-scope")).to_contain_text(year.label)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"task-force-report-{year.key.lower()}.xlsx"

    book = load_workbook(saved)
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if len(r) > 1}
    assert about["Period"] == year.label
    assert about["Trafficking type"] == "Labor trafficking (including both)"
    rows = list(book["Law enforcement and prosecution"].iter_rows(values_only=True))
    title = rows.index(next(r for r in rows if r[0] and r[0].startswith("Investigations opened")))
    header, labor = rows[title + 1], next(r for r in rows[title:] if r[0] == "Labor trafficking")
    assert labor[header.index("Total")] == 7
