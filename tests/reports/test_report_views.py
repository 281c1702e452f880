"""The report pages, downloads and ``reports/`` API: who may ask for what, the filters, the
files a funder receives, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases import services as case_services
from cases.models import JurisdictionLevel
from taskforce.models import AuditEvent
from tests.reports.test_victim_figures import client

PERIOD = "FY2026-Q2"  # January to March 2026
IN_PERIOD = dt.date(2026, 2, 10)


def open_cases(world, n, *, agency="le_a", kind="labor", origin="reactive", on=IN_PERIOD):
    user = world.users["investigator_a" if agency == "le_a" else "investigator_b"]
    for i in range(n):
        case_services.open_case(
            by=user,
            agency=world.agencies[agency],
            title=f"Case {i}",
            origin=origin,
            trafficking_type=kind,
            jurisdiction_level=JurisdictionLevel.LOCAL,
            opened_on=on,
        )


def table(report, key):
    return next(t for s in report["sections"] for t in s["tables"] if t["key"] == key)


def row(tbl, key):
    return next(r for r in tbl["rows"] if r["key"] == key)


def test_coordinator_reads_the_task_force_figures_suppressed(world, api):
    open_cases(world, 6, kind="labor")
    open_cases(world, 2, agency="le_b", kind="sex")
    open_cases(world, 5, agency="le_b", kind="both")
    api = api(world.users["coordinator"])
    report = api.get("/api/v1/reports/dashboard/", {"period": PERIOD}).json()
    assert report["suppression"] == {"applied": True, "threshold": 5}
    assert report["period"]["start"] == "2026-01-01" and report["period"]["end"] == "2026-03-31"
    by_type = table(report, "cases_by_month_type")
    february = row(by_type, "2026-02-01")
    columns = [c["key"] for c in by_type["columns"]]
    assert february["values"][columns.index("labor")] == 6
    assert february["values"][columns.index("sex")] is None  # 2 cases: suppressed
    assert february["suppressed"][columns.index("sex")] is True
    # ... and the 5 beside it, or the month's total would give the 2 away.
    assert february["values"][columns.index("both")] is None
    assert february["total"] == 13


def test_labor_filter_keeps_labor_and_both(world, api):
    open_cases(world, 6, kind="labor")
    open_cases(world, 5, kind="both")
    open_cases(world, 7, kind="sex")
    api = api(world.users["coordinator"])
    report = api.get(
        "/api/v1/reports/task-force/", {"period": PERIOD, "trafficking_type": "labor"}
    ).json()
    assert report["trafficking_type"] == "labor"
    dashboard = api.get(
        "/api/v1/reports/dashboard/", {"period": PERIOD, "trafficking_type": "labor"}
    ).json()
    assert table(dashboard, "cases_by_month_origin")["total"] == 11


def test_own_agency_figures_are_in_full_and_only_the_visible_ones(world, api):
    open_cases(world, 2, agency="le_a")
    open_cases(world, 3, agency="le_b")
    api = api(world.users["investigator_a"])
    le_a = world.agencies["le_a"].pk
    report = api.get("/api/v1/reports/dashboard/", {"period": PERIOD, "agency": le_a}).json()
    assert report["suppression"]["applied"] is False and report["agency"] == le_a
    assert table(report, "cases_by_month_origin")["total"] == 2


@pytest.mark.parametrize("persona", ["investigator_a", "advocate_a", "community_member"])
def test_only_coordinators_ask_for_another_agencys_figures(world, api, client, persona):
    other = world.agencies["le_b"].pk
    api = api(world.users[persona])
    response = api.get("/api/v1/reports/dashboard/", {"period": PERIOD, "agency": other})
    assert response.status_code == 400 and "agency" in response.json()
    client.force_login(world.users[persona])
    page = client.get("/reports/", {"period": PERIOD, "agency": other})
    assert page.status_code == 400
    assert b"Correct the filters" in page.content
    assert client.get("/reports/task-force/download/", {"agency": other}).status_code == 400


def test_coordinator_sees_another_agency_suppressed(world, api):
    open_cases(world, 3, agency="le_b")
    api = api(world.users["coordinator"])
    le_b = world.agencies["le_b"].pk
    report = api.get("/api/v1/reports/dashboard/", {"period": PERIOD, "agency": le_b}).json()
    assert report["suppression"]["applied"] is True
    assert table(report, "cases_by_month_origin")["total"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026"}, "period"),
        ({"period": "FY2026-Q9"}, "period"),
        ({"trafficking_type": "organs"}, "trafficking_type"),
        ({"agency": "x"}, "agency"),
        ({"agency": "999999"}, "agency"),
    ],
)
def test_bad_filters_say_which_and_why(world, api, params, field):
    api = api(world.users["coordinator"])
    response = api.get("/api/v1/reports/task-force/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_report_downloads_as_xlsx_a_funder_can_open(world, client):
    open_cases(world, 6, kind="labor")
    client.force_login(world.users["coordinator"])
    response = client.get("/reports/task-force/download/", {"period": PERIOD, "file": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="task-force-report-fy2026-q2.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "About"
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if len(r) > 1}
    assert about["Period"] == "FY2026 quarter 2 (1 Jan 2026 to 31 Mar 2026)"
    assert about["Agency"] == "The whole task force"
    cells = [c for r in book["Law enforcement and prosecution"].iter_rows(values_only=True)
             for c in r]  # fmt: skip
    assert 6 in cells


def test_the_report_downloads_as_csv(world, client):
    open_cases(world, 6, kind="labor")
    client.force_login(world.users["advocate_a"])
    response = client.get("/reports/task-force/download/", {"period": PERIOD, "file": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["About"]
    assert ["Law enforcement and prosecution"] in lines


def test_a_bad_file_format_is_refused(world, client):
    client.force_login(world.users["coordinator"])
    response = client.get("/reports/task-force/download/", {"file": "pdf"})
    assert response.status_code == 400
    assert b"file=csv or file=xlsx" in response.content


def test_pages_show_charts_with_their_tables(world, client):
    open_cases(world, 6)
    client.force_login(world.users["coordinator"])
    page = client.get("/reports/", {"period": PERIOD}).content.decode()
    assert 'data-chart="chart-cases_by_month_origin"' in page
    assert 'id="chart-cases_by_month_origin" type="application/json"' in page
    assert 'id="table-cases_by_month_origin"' in page
    assert "<script>" not in page  # no inline script (the charts read JSON data elements)
    report_page = client.get("/reports/task-force/", {"period": PERIOD}).content.decode()
    assert "Download XLSX" in report_page and "FY2026-Q2" in report_page
    fairness = client.get("/reports/nondiscrimination/").content.decode()
    assert 'id="table-figures_by_trafficking_type"' in fairness
    assert 'id="table-coverage_gaps"' in fairness


def _queries(api, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(path, {"period": "FY2026"}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/reports/dashboard/", "/api/v1/reports/task-force/",
     "/api/v1/reports/nondiscrimination/"],
)  # fmt: skip
def test_query_counts_do_not_grow_with_the_data(world, api, path):
    api = api(world.users["coordinator"])
    open_cases(world, 1)
    _queries(api, path)  # the first request also fills per-process caches (content types)
    few = _queries(api, path)
    open_cases(world, 20, kind="sex", origin="proactive", on=dt.date(2025, 11, 3))
    open_cases(world, 20, agency="le_b", kind="both")
    assert _queries(api, path) == few


def test_a_downloaded_report_is_on_the_audit_trail(world, client):
    client.force_login(world.users["coordinator"])
    before = AuditEvent.objects.count()
    client.get("/reports/task-force/download/", {"period": PERIOD, "file": "csv"})
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id) == (
        "export",
        "taskforce.report",
        "FY2026-Q2",
    )
    assert event.detail == {
        "report": "task_force",
        "format": "csv",
        "agency": None,
        "trafficking_type": "",
        "suppressed": True,
    }


AGENCY_OF = {
    "investigator_a": "le_a", "le_supervisor_a": "le_a", "le_victim_specialist_a": "le_a",
    "investigator_b": "le_b", "prosecutor": "prosecution", "vw_coordinator": "prosecution",
    "advocate_a": "vsp_a", "vsp_supervisor_a": "vsp_a", "advocate_b": "vsp_b",
    "community_member": "community", "coordinator": "office",
}  # fmt: skip


def column_sum(tbl, column) -> int:
    i = [c["key"] for c in tbl["columns"]].index(column)
    return sum(r["values"][i] or 0 for r in tbl["rows"])


@pytest.mark.parametrize("persona", list(AGENCY_OF))
def test_each_persona_sees_its_own_agencys_figures_and_the_task_forces(world, api, persona):
    """Own figures count only what the persona's agency holds and the access layer shows; the
    task force's figures are the same for everyone."""
    open_cases(world, 6)
    for i in range(6):
        client(world, given_name=f"Client {i}", enrolled_on=IN_PERIOD)
    api = api(world.users[persona])
    agency = world.agencies[AGENCY_OF[persona]]
    own = api.get("/api/v1/reports/dashboard/", {"period": PERIOD, "agency": agency.pk}).json()
    everyone = api.get("/api/v1/reports/dashboard/", {"period": PERIOD}).json()
    cases = 6 if AGENCY_OF[persona] == "le_a" else 0
    clients = 6 if AGENCY_OF[persona] == "vsp_a" else 0
    assert own["suppression"]["applied"] is False
    assert table(own, "cases_by_month_origin")["total"] == cases
    assert column_sum(table(own, "victims_identified_by_month"), "client") == clients
    assert table(everyone, "cases_by_month_origin")["total"] == 6
    assert column_sum(table(everyone, "victims_identified_by_month"), "client") == 6


def test_no_report_or_report_file_holds_an_identifying_value(world, api, client_login):
    """Names, birth dates, phone numbers and case titles never reach a figure or its file."""
    secrets = ["Quintessa", "Zabrowski", "1987-04-23", "555-0142", "Operation Nightjar"]
    client(world, given_name="Quintessa", family_name="Zabrowski",
           date_of_birth=dt.date(1987, 4, 23), phone="555-0142", enrolled_on=IN_PERIOD)  # fmt: skip
    case_services.open_case(
        by=world.users["investigator_a"], agency=world.agencies["le_a"],
        title="Operation Nightjar", origin="reactive", trafficking_type="labor",
        jurisdiction_level=JurisdictionLevel.LOCAL, opened_on=IN_PERIOD,
    )  # fmt: skip
    for persona, agency in (
        ("coordinator", None),
        ("advocate_a", "vsp_a"),
        ("investigator_a", "le_a"),
    ):
        params = {"period": PERIOD}
        if agency:
            params["agency"] = world.agencies[agency].pk
        reader = api(world.users[persona])
        bodies = [reader.get(f"/api/v1/reports/{name}/", params).content
                  for name in ("dashboard", "task-force", "nondiscrimination")]  # fmt: skip
        browser = client_login(world.users[persona])
        for file_format in ("csv", "xlsx"):
            response = browser.get("/reports/task-force/download/", {**params, "file": file_format})
            assert response.status_code == 200
            bodies.append(_file_text(response.content, file_format))
        for body in bodies:
            text = body.decode() if isinstance(body, bytes) else body
            assert not [s for s in secrets if s in text], persona


def _file_text(content: bytes, file_format: str) -> str:
    if file_format == "csv":
        return content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.fixture
def client_login():
    from tests.signin import SignedInClient as Client

    def make(user):
        browser = Client()
        browser.force_login(user)
        return browser

    return make
