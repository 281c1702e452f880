"""Record exports: an agency's own records as CSV and XLSX, through the access layer, audited,
with immigration status only for roles that cover it (8 U.S.C. 1367)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import ServiceType
from agencies.roles import Role
from cases import services as case_services
from cases.models import Case, JurisdictionLevel, Statute
from taskforce.models import AuditAction, AuditEvent, AuditOutcome
from tests.factories import make_member
from tests.signin import SignedInClient as HttpClient
from victims import services as victim_services
from victims.models import Client, VictimWitness

FORMULA_TITLE = '=HYPERLINK("http://evil.example","open me")'
IMMIGRATION_HEADINGS = ["Citizenship", "Country of origin", "A-number"]
TODAY = dt.date(2026, 2, 10)


def url(dataset: str, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/reports/exports/{dataset}/" + (f"?{params}" if params else "")


def login(user) -> HttpClient:
    client = HttpClient()
    if user is not None:
        client.force_login(user)
    return client


def get(user, path: str):
    return login(user).get(path)


def csv_rows(response) -> list[list[str]]:
    """The CSV as rows; the first row is the sheet's title."""
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response, title: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [title]
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def exports_audited() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id"))


def open_case(world, agency: str, title: str, opened_on: dt.date = TODAY) -> Case:
    user = world.investigator_a if agency == "le_a" else world.investigator_b
    return case_services.open_case(
        by=user,
        agency=world.agencies[agency],
        title=title,
        origin="proactive",
        trafficking_type="labor",
        jurisdiction_level=JurisdictionLevel.LOCAL,
        opened_on=opened_on,
    )


@pytest.fixture
def cases(world):
    """Two cases of le_a (one titled like a formula), one of le_b shared with le_a as a
    co-investigating agency, and one of le_b alone."""
    own = [open_case(world, "le_a", "Harbor nails"), open_case(world, "le_a", FORMULA_TITLE)]
    shared = open_case(world, "le_b", "Shared orchard")
    case_services.share_case(
        case=shared, agency=world.le_a, access_level="view", by=world.investigator_b
    )
    other = open_case(world, "le_b", "Beta only")
    return {"own": own, "shared": shared, "other": other}


def record_client(world, agency: str, given_name: str) -> Client:
    by = world.advocate_a if agency == "vsp_a" else world.advocate_b
    return victim_services.record_client(
        agency=world.agencies[agency],
        by=by,
        given_name=given_name,
        identified_on=TODAY,
        identification_source="hotline",
        citizenship="foreign_without_status",
        country_of_origin="Honduras",
        a_number="A123456789",
        gender="female",
        race_ethnicity=["hispanic", "other"],
    )


@pytest.fixture
def clients(world):
    return {
        "a": record_client(world, "vsp_a", "Marisol"),
        "b": record_client(world, "vsp_b", "Ines"),
    }


# --- cases -------------------------------------------------------------------------------------


def test_investigator_exports_own_agency_cases_as_csv(world, cases):
    response = get(world.investigator_a, url("cases", file="csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="acpd-cases-{timezone.localdate().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["Cases"]
    header = rows[1]
    assert header[:6] == ["ID", "Agency", "Number", "Title", "Status", "Origin"]
    body = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    own = cases["own"]
    assert [r["Number"] for r in body] == [c.number for c in own]
    # The shared case and le_b's own case are le_b's data, not le_a's.
    assert cases["shared"].number not in response.content.decode()
    assert cases["other"].number not in response.content.decode()
    assert body[0] == {
        **body[0],
        "ID": str(own[0].pk),
        "Agency": "Alpha City Police Department",
        "Title": "Harbor nails",
        "Status": "Open",
        "Origin": "Proactive",
        "Trafficking type": "Labor trafficking",
        "Confirmation": "Suspected",
        "Jurisdiction level": "Local",
        "Opened on": "2026-02-10",
        "Closed on": "",
        "UCR clearance": "Not cleared",
    }
    # A title a spreadsheet would run as a formula is written as text.
    assert body[1]["Title"] == "'" + FORMULA_TITLE


def test_investigator_exports_own_agency_cases_as_xlsx(world, cases):
    response = get(world.investigator_a, url("cases", file="xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response, "Cases")
    header = rows[0]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["Number"] for r in body] == [c.number for c in cases["own"]]
    assert body[0]["Opened on"] == dt.datetime(2026, 2, 10)  # a real date cell
    assert body[0]["Closed on"] is None
    formula = load_workbook(io.BytesIO(response.content))["Cases"].cell(row=3, column=4)
    assert formula.data_type == "s"
    assert formula.value == "'" + FORMULA_TITLE


def test_each_download_writes_one_export_audit_row_without_names(world, cases):
    get(world.investigator_a, url("cases", file="csv"))
    get(world.investigator_a, url("cases", file="xlsx"))

    events = exports_audited()
    assert len(events) == 2
    first = events[0]
    assert first.user_id == world.investigator_a.pk
    assert first.acting_agency_id == world.le_a.pk
    assert first.object_type == "cases.case"
    assert first.outcome == AuditOutcome.SUCCESS
    assert first.detail == {
        "dataset": "cases",
        "format": "csv",
        "rows": 2,
        "agency_ids": [world.le_a.pk],
        "period": "",
        "immigration_fields": False,
    }
    assert events[1].detail["format"] == "xlsx"
    text = json.dumps([first.object_id, first.detail, events[1].detail])
    for name in ("Harbor", "HYPERLINK", "Alpha", world.investigator_a.last_name):
        assert name not in text
    for case in cases["own"]:
        assert case.number not in text


def test_period_filter_keeps_the_cases_opened_in_it(world):
    inside = open_case(world, "le_a", "In the quarter", opened_on=dt.date(2026, 1, 5))
    open_case(world, "le_a", "Before the quarter", opened_on=dt.date(2025, 12, 31))

    response = get(world.investigator_a, url("cases", file="csv", period="FY2026-Q2"))

    assert response.status_code == 200
    assert "acpd-cases-fy2026-q2-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r[2] for r in rows[2:]] == [inside.number]
    assert exports_audited()[0].detail["period"] == "FY2026-Q2"


def test_a_bad_period_is_refused_with_its_reason(world, cases):
    response = get(world.investigator_a, url("cases", file="csv", period="FY26"))

    assert response.status_code == 400
    assert response.content.decode().startswith("period: Name a fiscal year")
    assert exports_audited() == []


# --- who gets what -----------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["cases", "victims", "prosecutions", "charges"])
def test_an_advocate_never_gets_law_enforcement_or_prosecution_records(world, cases, dataset):
    response = get(world.advocate_a, url(dataset, file="csv"))

    assert response.status_code == 404
    [event] = exports_audited()
    assert event.outcome == AuditOutcome.DENIED
    assert event.detail == {"dataset": dataset}


def test_an_investigator_gets_no_client_records(world, clients):
    assert get(world.investigator_a, url("clients", file="csv")).status_code == 404


def test_an_unknown_dataset_is_404(world):
    assert get(world.investigator_a, url("relief", file="csv")).status_code == 404


def test_advocate_exports_own_provider_clients_with_immigration_status(world, clients):
    response = get(world.advocate_a, url("clients", file="csv"))

    assert response.status_code == 200
    assert "dss-clients-" in response["Content-Disposition"]
    rows = csv_rows(response)
    header = rows[1]
    assert all(h in header for h in IMMIGRATION_HEADINGS)
    [row] = [dict(zip(header, r, strict=True)) for r in rows[2:]]
    assert row["ID"] == str(clients["a"].pk)
    assert row["Given name"] == "Marisol"
    assert row["Citizenship"] == "Foreign national without status"
    assert row["Country of origin"] == "Honduras"
    assert row["A-number"] == "A123456789"
    assert row["Race and ethnicity"] == "Hispanic or Latino; Other"
    assert row["Identification source"] == "Hotline"
    assert "Ines" not in response.content.decode()  # vsp_b's client
    # Contact details never leave the system in a file.
    assert not {"Phone", "Email", "Address", "Safe contact notes"} & set(header)
    assert exports_audited()[0].detail["immigration_fields"] is True


def test_immigration_status_left_out_for_a_role_that_does_not_cover_it(world, clients):
    """A partner system's service account holds client records but never immigration status."""
    account = make_member("dss-partner", world.vsp_a, Role.ADVOCATE, is_service_account=True)

    response = get(account, url("clients", file="xlsx"))

    assert response.status_code == 200
    rows = xlsx_rows(response, "Clients")
    header = rows[0]
    assert not set(IMMIGRATION_HEADINGS) & set(header)
    assert "Given name" in header
    assert len(rows) == 2
    cells = {str(v) for row in rows for v in row}
    assert not {"Honduras", "A123456789", "Foreign national without status"} & cells
    assert exports_audited()[0].detail["immigration_fields"] is False

    page = get(account, "/reports/exports/").content.decode()
    assert "is left out: your role does not cover it" in page


def test_referral_foreign_national_only_for_roles_covering_immigration(world):
    shelter = ServiceType.objects.get(code="housing-emergency-shelter")
    for user, agency in (
        (world.investigator_a, world.le_a),
        (world.community_member, world.community),
    ):
        victim_services.send_referral(
            from_agency=agency,
            provider=world.vsp_a,
            by=user,
            services_requested=[shelter, ServiceType.objects.get(code="medical")],
            foreign_national=True,
            shared_age=16,
        )

    le = csv_rows(get(world.investigator_a, url("referrals", file="csv")))
    community = csv_rows(get(world.community_member, url("referrals", file="csv")))

    le_row = dict(zip(le[1], le[2], strict=True))
    assert le_row["Foreign national"] == "Yes"
    assert le_row["Minor"] == "Yes"
    assert le_row["From agency"] == "Alpha City Police Department"
    assert le_row["Services requested"] == "Housing: emergency shelter; Medical care"
    assert len(le) == 3  # only le_a's referral
    assert "Foreign national" not in community[1]
    assert len(community) == 3
    assert dict(zip(community[1], community[2], strict=True))["From agency"] == (
        "Zeta Community Coalition"
    )


def test_prosecutor_exports_office_prosecutions_and_charges(world, cases):
    case = cases["own"][0]
    subject = case_services.add_subject(case=case, by=world.investigator_a, role="trafficker")
    referral = case_services.refer_for_prosecution(
        case=case, office=world.prosecution, by=world.investigator_a
    )
    prosecution = case_services.accept_prosecution_referral(
        referral=referral, by=world.prosecutor, court_case_number="CR-26-0042"
    )
    charge = case_services.add_charge(
        prosecution=prosecution,
        by=world.prosecutor,
        subject=subject,
        statute=Statute.objects.get(citation="18 U.S.C. 1589"),
        counts=2,
    )

    prosecutions = csv_rows(get(world.prosecutor, url("prosecutions", file="csv")))
    charges = csv_rows(get(world.prosecutor, url("charges", file="csv")))

    row = dict(zip(prosecutions[1], prosecutions[2], strict=True))
    assert row["Case number"] == case.number
    assert row["Court case number"] == "CR-26-0042"
    assert row["Office"] == "Gamma County District Attorney"
    [line] = [dict(zip(charges[1], r, strict=True)) for r in charges[2:]]
    assert line["ID"] == str(charge.pk)
    assert line["Subject ID"] == str(subject.pk)
    assert line["Statute"] == "18 U.S.C. 1589"
    assert line["Counts"] == "2"
    assert line["Disposition"] == "Pending"
    # The case's police department sees the charge by grant: it is the office's to export.
    assert get(world.investigator_a, url("charges", file="csv")).status_code == 404


def test_victim_records_show_only_case_numbers_the_user_may_see(world, cases):
    own, shared = cases["own"][0], cases["shared"]
    victim = victim_services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        cases=[own, shared],
        given_name="Ana",
        identified_on=TODAY,
        identification_source="reactive",
    )
    case_services.unshare_case(case=shared, agency=world.le_a, by=world.investigator_b)

    rows = csv_rows(get(world.investigator_a, url("victims", file="csv")))

    [row] = [dict(zip(rows[1], r, strict=True)) for r in rows[2:]]
    assert row["ID"] == str(victim.pk)
    assert row["Cases"] == own.number
    assert VictimWitness.objects.get(pk=victim.pk).cases.count() == 2


# --- the page ----------------------------------------------------------------------------------


def test_page_lists_the_datasets_offered_to_the_user(world):
    page = get(world.investigator_a, "/reports/exports/")

    assert page.status_code == 200
    html = page.content.decode()
    for slug in ("cases", "victims", "referrals"):
        assert f'href="/reports/exports/{slug}/?file=csv"' in html
        assert f'href="/reports/exports/{slug}/?file=xlsx"' in html
    for slug in ("clients", "services", "prosecutions", "charges"):
        assert f"/reports/exports/{slug}/" not in html
    assert "foreign national) is included: your role covers it" in html
    assert "your own agency&#x27;s records" in html or "your own agency's records" in html

    advocate = get(world.advocate_a, "/reports/exports/?period=FY2026-Q2").content.decode()
    assert 'href="/reports/exports/clients/?file=csv&amp;period=FY2026-Q2"' in advocate
    assert "/reports/exports/cases/" not in advocate


def test_page_with_a_bad_period_says_why(world):
    page = get(world.investigator_a, "/reports/exports/?period=soon")

    assert page.status_code == 400
    assert "period: Name a fiscal year" in page.content.decode()


# --- bad requests and strangers ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["?file=pdf", "", "?file="])
def test_bad_file_parameter_is_400_and_not_audited(world, cases, query):
    response = get(world.investigator_a, f"/reports/exports/cases/{query}")

    assert response.status_code == 400
    assert response.content.decode() == "file: choose file=csv or file=xlsx."
    assert exports_audited() == []


def test_only_get(world, cases):
    client = HttpClient()
    client.force_login(world.investigator_a)
    assert client.post(url("cases", file="csv")).status_code == 405
    assert exports_audited() == []


@pytest.mark.parametrize("path", ["/reports/exports/", "/reports/exports/cases/?file=csv"])
def test_anonymous_is_sent_to_login(world, path):
    response = get(None, path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", ["outsider", "ended_member"])
@pytest.mark.parametrize("path", ["/reports/exports/", "/reports/exports/cases/?file=csv"])
def test_no_membership_in_force_is_403(world, cases, persona, path):
    assert get(world.users[persona], path).status_code == 403
    assert exports_audited() == []


# --- query budget ------------------------------------------------------------------------------


def _count_queries(client: HttpClient, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_case_export_queries_do_not_grow_with_rows(
    world, django_assert_max_num_queries, file_format
):
    open_case(world, "le_a", "First")
    path = url("cases", file=file_format)
    client = login(world.investigator_a)
    budget = _count_queries(client, path)
    assert budget <= 12
    for i in range(15):
        open_case(world, "le_a", f"More {i}")

    with django_assert_max_num_queries(budget):
        response = client.get(path)
    assert exports_audited()[-1].detail["rows"] == 16
    assert response.status_code == 200


def test_victim_and_referral_exports_queries_do_not_grow_with_rows(
    world, cases, django_assert_max_num_queries
):
    shelter = ServiceType.objects.get(code="housing-emergency-shelter")

    def add(n):
        for i in range(n):
            victim = victim_services.record_victim(
                agency=world.le_a,
                by=world.investigator_a,
                cases=cases["own"],
                identified_on=TODAY,
                identification_source="reactive",
                citizenship="lpr",
                estimated_age=20 + i,
            )
            victim_services.send_referral(
                from_agency=world.le_a,
                provider=world.vsp_a,
                by=world.investigator_a,
                victim=victim,
                services_requested=[shelter],
            )

    add(1)
    client = login(world.investigator_a)
    budgets = {d: _count_queries(client, url(d, file="csv")) for d in ("victims", "referrals")}
    add(12)
    for dataset, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            response = client.get(url(dataset, file="csv"))
        assert len(csv_rows(response)) == 2 + 13
