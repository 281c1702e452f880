"""Figures of victims, clients, referrals and services (victims.figures) on a hand-built fiscal
year: new and continuing clients across quarters, demographics of new clients, services by VOCA
category, referral outcomes and time to response (median on odd and even counts), the
nondiscrimination view, suppression outside one's own agency and a constant number of queries.

FY2026 runs from 1 Oct 2025 to 30 Sep 2026; Q1 is Oct-Dec 2025, Q2 Jan-Mar 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Population, ServiceType
from cases import services as case_services
from cases.models import Origin, TraffickingType
from taskforce.periods import Period
from taskforce.reports import publish, scope_for
from victims import figures, services
from victims.models import (
    Citizenship,
    DeclineReason,
    ExitReason,
    IdentificationSource,
    Referral,
    ReferralSource,
    ServiceStatus,
    Urgency,
)

FY = Period.parse("FY2026")
Q1 = Period.parse("FY2026-Q1")
Q2 = Period.parse("FY2026-Q2")
ADULT = dt.date(1990, 1, 1)
D = dt.date


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def client(world, agency=None, by=None, **fields):
    fields.setdefault("given_name", "Ana")
    fields.setdefault("identification_source", IdentificationSource.PROVIDER)
    if "estimated_age" not in fields:
        fields.setdefault("date_of_birth", ADULT)
    fields.setdefault("identified_on", fields.get("enrolled_on"))
    exited_on = fields.pop("exited_on", None)
    if exited_on:
        fields.update(exited_on=exited_on, exit_reason=ExitReason.GOALS_MET)
    return services.record_client(agency=agency or world.vsp_a, by=by or world.advocate_a, **fields)


def service(world, person, code, started_on, ended_on=None, by=None):
    return services.record_service(
        client=person,
        by=by or world.advocate_a,
        service_type=ServiceType.objects.get(code=code),
        started_on=started_on,
        ended_on=ended_on,
        status=ServiceStatus.COMPLETED if ended_on else ServiceStatus.IN_PROGRESS,
    )


def victim(world, identified_on, **fields):
    fields.setdefault("given_name", "Marisol")
    fields.setdefault("identification_source", IdentificationSource.REACTIVE)
    return services.record_victim(
        agency=world.le_a, by=world.investigator_a, identified_on=identified_on, **fields
    )


def referral(world, sent_at, hours=None, answer="", urgency=Urgency.ROUTINE, **shared):
    """A referral from le_a to vsp_a sent at ``sent_at``, answered ``hours`` later."""
    shared.setdefault("shared_age", 30)
    made = services.send_referral(
        from_agency=world.le_a,
        provider=world.vsp_a,
        by=world.investigator_a,
        services_requested=[ServiceType.objects.get(code="case-management")],
        urgency=urgency,
        shared_name="R",
        **shared,
    )
    if answer == "accept":
        services.accept_referral(referral=made, by=world.advocate_a)
    elif answer == "decline":
        services.decline_referral(
            referral=made, by=world.advocate_a, reason=DeclineReason.NO_CAPACITY
        )
    elif answer == "withdraw":
        services.withdraw_referral(referral=made, by=world.investigator_a)
    # The services stamp the present moment; the fixture needs known moments in FY2026.
    Referral.objects.filter(pk=made.pk).update(
        sent_at=sent_at, responded_at=None if hours is None else sent_at + dt.timedelta(hours=hours)
    )
    return made


@pytest.fixture
def data(world):
    """Clients of vsp_a (c1-c7, c9) and vsp_b (c8), their services, le_a's victim records and
    le_a's referrals to vsp_a."""
    # fmt: off
    c = {}
    # Enrolled in Q1, still served: new in Q1 and in the year, continuing in Q2.
    c[1] = client(
        world, enrolled_on=D(2025, 11, 10), identified_on=D(2025, 11, 5), gender="female",
        citizenship=Citizenship.US_CITIZEN, trafficking_type="sex",
        referral_source=ReferralSource.LOCAL_LE, family_members_served=2,
    )
    # Enrolled in FY2025, still served: new in Q1, continuing in Q2.
    c[2] = client(
        world, enrolled_on=D(2025, 8, 15), identified_on=D(2025, 8, 1), gender="male",
        citizenship=Citizenship.FOREIGN_WITHOUT_STATUS, trafficking_type="labor",
        referral_source=ReferralSource.HOTLINE, family_members_served=1,
    )
    # New in Q2: a minor, an adult who exited in Q2, an adult of unknown citizenship.
    c[3] = client(
        world, enrolled_on=D(2026, 2, 3), identified_on=D(2026, 2, 1), estimated_age=16,
        gender="female", citizenship=Citizenship.FOREIGN_WITH_STATUS, trafficking_type="sex",
        referral_source=ReferralSource.NGO, race_ethnicity=["hispanic"],
    )
    c[4] = client(
        world, enrolled_on=D(2026, 1, 20), exited_on=D(2026, 3, 1), gender="female",
        citizenship=Citizenship.US_CITIZEN, trafficking_type="both",
        referral_source=ReferralSource.SELF, family_members_served=3,
        race_ethnicity=["white", "hispanic"],
    )
    c[9] = client(
        world, enrolled_on=D(2026, 3, 10), identified_on=D(2026, 3, 1), estimated_age=30,
        gender="non_binary", trafficking_type="unknown",
    )
    # Served in Q1 only; never enrolled (identified in Q2, no age); exited in FY2025.
    c[5] = client(
        world, enrolled_on=D(2025, 10, 5), exited_on=D(2025, 12, 20), gender="male",
        citizenship=Citizenship.US_CITIZEN, trafficking_type="labor",
    )
    c[6] = client(
        world, identified_on=D(2026, 2, 10), date_of_birth=None, trafficking_type="sex"
    )
    c[7] = client(world, enrolled_on=D(2025, 3, 1), exited_on=D(2025, 9, 15))
    # Another provider's client, enrolled in Q3.
    c[8] = client(
        world, agency=world.vsp_b, by=world.advocate_b, enrolled_on=D(2026, 4, 2),
        gender="female", trafficking_type="sex", family_members_served=4,
    )

    service(world, c[1], "case-management", D(2025, 11, 10))
    service(world, c[1], "housing-emergency-shelter", D(2025, 11, 10), D(2025, 12, 31))
    service(world, c[2], "case-management", D(2025, 8, 20))
    service(world, c[2], "legal-immigration", D(2026, 2, 1), D(2026, 2, 28))
    service(world, c[3], "housing-transitional", D(2026, 2, 3))
    service(world, c[3], "mental-health", D(2026, 2, 10))
    service(world, c[4], "housing-emergency-shelter", D(2026, 1, 20), D(2026, 3, 1))
    service(world, c[4], "case-management", D(2026, 1, 20), D(2026, 3, 1))
    service(world, c[4], "case-management", D(2026, 2, 1), D(2026, 2, 20))

    victim(world, D(2026, 1, 15), estimated_age=15, gender="female", trafficking_type="sex")
    victim(
        world, D(2026, 2, 20), date_of_birth=ADULT, gender="male", trafficking_type="labor",
        citizenship=Citizenship.FOREIGN_WITHOUT_STATUS,
    )
    victim(world, D(2025, 11, 1), date_of_birth=ADULT, trafficking_type="sex")

    # Answered: urgent 2, 10, 30 h (median 10, odd); routine 50, 60, 20 h (median 50);
    # all six: 2, 10, 20, 30, 50, 60 (median 25, even), four within 48 h.
    u = Urgency.URGENT
    referral(world, at(D(2026, 1, 10)), 2, "accept", u, trafficking_type="sex",
             shared_gender="female", foreign_national=True, shared_age=24)
    referral(world, at(D(2026, 1, 20)), 10, "decline", u, trafficking_type="labor",
             shared_gender="male", foreign_national=False, shared_age=16)
    referral(world, at(D(2026, 2, 5)), 30, "accept", u, trafficking_type="sex",
             shared_gender="female", shared_age=30)
    referral(world, at(D(2026, 2, 10)), 50, "accept", trafficking_type="both",
             shared_gender="female", foreign_national=False, shared_age=None)
    referral(world, at(D(2026, 3, 1)), 60, "decline", trafficking_type="unknown",
             shared_gender="male", foreign_national=True, shared_age=40)
    referral(world, at(D(2026, 3, 5)), 20, "accept", trafficking_type="labor",
             shared_gender="non_binary", shared_age=17)
    referral(world, at(D(2026, 3, 15)), trafficking_type="sex", shared_gender="female",
             foreign_national=True, shared_age=25)
    referral(world, at(D(2026, 3, 20)), answer="withdraw", trafficking_type="sex",
             shared_gender="female", foreign_national=False, shared_age=22)
    # fmt: on
    return c


def own(world, user, agency, period=Q2, **kw):
    return scope_for(world.users[user], period=period, agency=world.agencies[agency], **kw)


def task_force(world, period=Q2, **kw):
    return scope_for(world.coordinator, period=period, **kw)


def table(tables, key):
    found = [t for t in tables if t.key == key]
    assert len(found) == 1, key
    return found[0]


def values(published) -> dict:
    """``{row: {column: value}}`` of a published table."""
    columns = [c["key"] for c in published["columns"]]
    return {r["key"]: dict(zip(columns, r["values"], strict=True)) for r in published["rows"]}


def column(published, name="n") -> dict:
    return {row: line[name] for row, line in values(published).items()}


def shown(tables, key, scope) -> dict:
    return values(publish(table(tables, key), scope))


# --- victim services: new and continuing ------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "new", "continuing", "family"),
    [(Q1, 3, 0, 3), (Q2, 3, 2, 6), (FY, 6, 0, 6)],
)
def test_new_and_continuing_clients_by_period(world, data, period, new, continuing, family):
    scope = own(world, "advocate_a", "vsp_a", period)
    tables = figures.victim_services_tables(scope)
    served = publish(table(tables, "clients_served"), scope)
    assert column(served) == {"new": new, "continuing": continuing}
    assert served["total"] == new + continuing
    assert column(publish(table(tables, "family_members_served"), scope)) == {
        "family_members": family
    }


def test_demographics_are_of_new_clients(world, data):
    scope = own(world, "advocate_a", "vsp_a")
    tables = figures.victim_services_tables(scope)

    def counts(key):
        return {k: v for k, v in column(publish(table(tables, key), scope)).items() if v}

    assert counts("new_clients_age") == {"adult": 2, "minor": 1}
    assert counts("new_clients_gender") == {"female": 2, "non_binary": 1}
    assert counts("new_clients_citizenship") == {
        "us_citizen": 1,
        "foreign_with_status": 1,
        "unknown": 1,
    }
    assert counts("new_clients_trafficking_type") == {"sex": 1, "both": 1, "unknown": 1}
    assert counts("new_clients_referral_source") == {"ngo": 1, "self": 1, "unknown": 1}
    assert counts("new_clients_race_ethnicity") == {"hispanic": 2, "white": 1, "not_recorded": 1}


def test_services_count_distinct_clients_by_category_and_type(world, data):
    scope = own(world, "advocate_a", "vsp_a")
    tables = figures.service_tables(scope)
    by_category = column(publish(table(tables, "services_by_voca_category"), scope))
    assert by_category == {"A": 0, "B": 3, "C": 1, "D": 2, "E": 1}
    by_type = column(publish(table(tables, "services_by_type"), scope))
    assert {k: v for k, v in by_type.items() if v} == {
        "case-management": 3,  # c4's two records count once; c1, c2 ongoing
        "legal-immigration": 1,
        "housing-transitional": 1,
        "mental-health": 1,
        "housing-emergency-shelter": 1,  # c1's ended in December
    }
    assert len(by_type) == ServiceType.objects.filter(active=True).count()
    # The report's victim-services section reuses the same tables.
    keys = [t.key for t in figures.victim_services_tables(scope)]
    assert {"services_by_voca_category", "services_by_type"} <= set(keys)
    assert len(keys) == len(set(keys))


# --- victims identified -----------------------------------------------------------------------


def test_victims_identified_by_month_and_holder(world, data):
    provider = own(world, "advocate_a", "vsp_a")
    police = own(world, "investigator_a", "le_a")
    jan, feb, mar = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)
    by_month = shown(figures.identified_tables(provider), "victims_identified_by_month", provider)
    assert {k: (v["victim_witness"], v["client"]) for k, v in by_month.items()} == {
        str(jan): (0, 1),
        str(feb): (0, 2),
        str(mar): (0, 1),
    }
    # Law enforcement's own figures never count a provider's clients.
    by_month = shown(figures.identified_tables(police), "victims_identified_by_month", police)
    assert {k: (v["victim_witness"], v["client"]) for k, v in by_month.items()} == {
        str(jan): (1, 0),
        str(feb): (1, 0),
        str(mar): (0, 0),
    }
    age = shown(figures.identified_tables(provider), "victims_identified_age", provider)
    assert age["client"] == {"adult": 2, "minor": 1, "unknown": 1}
    assert age["victim_witness"] == {"adult": 0, "minor": 0, "unknown": 0}
    police_tables = figures.identified_tables(police)
    assert shown(police_tables, "victims_identified_age", police)["victim_witness"] == {
        "adult": 1,
        "minor": 1,
        "unknown": 0,
    }
    citizenship = shown(police_tables, "victims_identified_citizenship", police)
    assert citizenship["victim_witness"]["foreign_without_status"] == 1
    assert citizenship["victim_witness"]["unknown"] == 1
    assert sum(citizenship["client"].values()) == 0


def test_an_investigators_own_figures_never_count_client_records(world, data):
    scope = own(world, "investigator_a", "le_a", FY)
    for tables in (figures.victim_services_tables(scope), figures.service_tables(scope)):
        for t in tables:
            if t.people:
                assert not any(t.cells.values()), t.key


# --- referrals --------------------------------------------------------------------------------


def test_referrals_by_month_and_outcome(world, data):
    sender = own(world, "investigator_a", "le_a")
    by_month = shown(figures.referral_tables(sender), "referrals_by_month", sender)
    assert by_month == {
        "2026-01-01": {"accepted": 1, "declined": 1, "awaiting": 0, "withdrawn": 0},
        "2026-02-01": {"accepted": 2, "declined": 0, "awaiting": 0, "withdrawn": 0},
        "2026-03-01": {"accepted": 1, "declined": 1, "awaiting": 1, "withdrawn": 1},
    }
    # The provider's own figures are the referrals it received (a withdrawn one is closed to it).
    provider = own(world, "advocate_a", "vsp_a")
    received = shown(figures.referral_tables(provider), "referrals_by_month", provider)
    assert received["2026-03-01"] == {"accepted": 1, "declined": 1, "awaiting": 1, "withdrawn": 0}
    # Another provider neither sent nor received any.
    other = own(world, "advocate_b", "vsp_b")
    published = publish(table(figures.referral_tables(other), "referrals_by_month"), other)
    assert published["total"] == 0


def test_time_to_response_median_and_share_within_48_hours(world, data):
    scope = own(world, "advocate_a", "vsp_a")
    tables = figures.referral_tables(scope)
    median = table(tables, "referral_response_hours")
    assert median.basis == {("all", "median"): 6, ("urgent", "median"): 3, ("routine", "median"): 3}
    assert column(publish(median, scope), "median") == {
        "all": 25.0,  # even count: (20 + 30) / 2
        "urgent": 10.0,  # odd count: 2, 10, 30
        "routine": 50.0,
    }
    share = publish(table(tables, "referral_response_within_48h"), scope)
    assert column(share, "within_48h") == {"all": 66.7, "urgent": 100.0, "routine": 33.3}
    # Task-force-wide, a statistic resting on fewer than five referrals is suppressed.
    wide = task_force(world)
    median = publish(table(figures.referral_tables(wide), "referral_response_hours"), wide)
    assert column(median, "median") == {"all": 25.0, "urgent": None, "routine": None}


def test_no_answered_referral_gives_no_statistic(world, data):
    scope = own(world, "advocate_a", "vsp_a", Q1)
    published = publish(table(figures.referral_tables(scope), "referral_response_hours"), scope)
    assert column(published, "median") == {"all": None, "urgent": None, "routine": None}
    assert published["suppressed"] is False


# --- suppression and who may ask --------------------------------------------------------------


def test_task_force_figures_suppress_small_cells_own_figures_do_not(world, data):
    wide = task_force(world)
    published = publish(table(figures.victim_services_tables(wide), "clients_served"), wide)
    assert column(published) == {"new": None, "continuing": None}  # 3 and 2
    assert published["total"] == 5
    mine = own(world, "advocate_a", "vsp_a")
    published = publish(table(figures.victim_services_tables(mine), "clients_served"), mine)
    assert column(published) == {"new": 3, "continuing": 2}
    # The coordinator may look at vsp_a's figures, suppressed like the task force's.
    theirs = scope_for(world.coordinator, period=Q2, agency=world.vsp_a)
    published = publish(table(figures.victim_services_tables(theirs), "clients_served"), theirs)
    assert column(published) == {"new": None, "continuing": None}
    # The whole task force over the year counts vsp_b's client too.
    year = task_force(world, FY)
    published = publish(table(figures.victim_services_tables(year), "clients_served"), year)
    assert column(published) == {"new": 7, "continuing": 0}


@pytest.mark.parametrize("user", ["advocate_b", "investigator_a"])
def test_another_agencys_figures_are_refused(world, data, user):
    with pytest.raises(ValidationError) as excinfo:
        scope_for(world.users[user], period=Q2, agency=world.vsp_a)
    assert "agency" in excinfo.value.error_dict


# --- nondiscrimination view -------------------------------------------------------------------


def test_figures_side_by_side_by_trafficking_type(world, data):
    scope = own(world, "advocate_a", "vsp_a")
    by_type = shown(figures.by_trafficking_type(scope), "figures_by_trafficking_type", scope)
    assert by_type == {
        "victims_identified": {"sex": 0, "labor": 0, "both": 0, "unknown": 0},
        "clients_served": {"sex": 2, "labor": 1, "both": 1, "unknown": 1},
        "new_clients": {"sex": 1, "labor": 0, "both": 1, "unknown": 1},
        "housing_clients": {"sex": 1, "labor": 0, "both": 1, "unknown": 0},
        "referrals_sent": {"sex": 3, "labor": 2, "both": 1, "unknown": 1},
        "referrals_accepted": {"sex": 2, "labor": 1, "both": 1, "unknown": 0},
        "referrals_declined": {"sex": 0, "labor": 1, "both": 0, "unknown": 1},
        "investigations_opened": {"sex": 0, "labor": 0, "both": 0, "unknown": 0},
    }
    # The scope's type filter still applies: sex counts the cases of both types too.
    sex = own(world, "advocate_a", "vsp_a", trafficking_type="sex")
    by_type = shown(figures.by_trafficking_type(sex), "figures_by_trafficking_type", sex)
    assert by_type["clients_served"] == {"sex": 2, "labor": 0, "both": 1, "unknown": 0}


def test_investigations_opened_count_in_the_type_view(world, data):
    case_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Operation Kiln",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.LABOR,
        jurisdiction_level="local",
        opened_on=D(2026, 2, 2),
    )
    scope = own(world, "investigator_a", "le_a")
    by_type = shown(figures.by_trafficking_type(scope), "figures_by_trafficking_type", scope)
    assert by_type["investigations_opened"] == {"sex": 0, "labor": 1, "both": 0, "unknown": 0}
    assert by_type["victims_identified"] == {"sex": 1, "labor": 1, "both": 0, "unknown": 0}
    assert by_type["referrals_sent"] == {"sex": 4, "labor": 2, "both": 1, "unknown": 1}
    assert by_type["clients_served"] == {"sex": 0, "labor": 0, "both": 0, "unknown": 0}


def test_figures_side_by_side_by_population(world, data):
    scope = own(world, "advocate_a", "vsp_a")
    by_population = shown(figures.by_population(scope), "figures_by_population", scope)
    keys = ["adult", "minor", "female", "male", "gender_other", "us_citizen", "foreign_national"]

    def line(*numbers):
        return dict(zip(keys, numbers, strict=True))

    assert by_population["clients_served"] == line(4, 1, 3, 1, 1, 2, 2)
    assert by_population["new_clients"] == line(2, 1, 2, 0, 1, 1, 1)
    assert by_population["housing_clients"] == line(1, 1, 2, 0, 0, 1, 1)
    assert by_population["referrals_sent"] == line(4, 2, 4, 2, 1, 2, 3)
    assert by_population["referrals_accepted"] == line(2, 1, 3, 0, 1, 1, 1)
    assert by_population["referrals_declined"] == line(1, 1, 0, 2, 0, 1, 1)
    assert by_population["victims_identified"] == line(0, 0, 0, 0, 0, 0, 0)


def test_coverage_gaps_are_governance_figures(world, data):
    def population(code):
        return Population.objects.get(code=code)

    agency_services.update_agency(
        agency=world.vsp_a,
        by=None,
        populations_served=[
            population(code)
            for code in ("adults", "sex-trafficking", "us-citizens", "female", "male")
        ],
    )
    wide = task_force(world)
    coverage = publish(table(figures.by_population(wide), "coverage_gaps"), wide)
    cells = values(coverage)
    assert len(cells) == 8  # adults/minors x sex/labor x foreign/U.S.
    served = "adults/sex-trafficking/us-citizens"
    assert cells[served] == {"female": 1, "male": 1, "non-binary": 0, "transgender": 0}
    assert all(set(v.values()) == {0} for k, v in cells.items() if k != served)
    assert coverage["suppressed"] is False  # a 1 is not a person: not suppressed
    labor = task_force(world, trafficking_type="labor")
    rows = values(publish(table(figures.by_population(labor), "coverage_gaps"), labor))
    assert len(rows) == 4 and all("labor-trafficking" in k for k in rows)


# --- a constant number of queries -------------------------------------------------------------

TABLE_FUNCTIONS = [
    figures.identified_tables,
    figures.referral_tables,
    figures.service_tables,
    figures.victim_services_tables,
    figures.by_trafficking_type,
    figures.by_population,
]


def more_data(world):
    for i in range(6):
        person = client(
            world,
            enrolled_on=D(2026, 1, 5 + i),
            estimated_age=14 + i * 3,
            gender="male",
            citizenship=Citizenship.LPR,
            trafficking_type="labor",
            race_ethnicity=["asian"],
        )
        service(world, person, "housing-short-term", D(2026, 1, 6 + i))
        service(world, person, "information-referral", D(2026, 1, 6 + i), D(2026, 1, 20))
        victim(world, D(2026, 2, 1 + i), estimated_age=20 + i, trafficking_type="both")
        referral(world, at(D(2026, 2, 1 + i)), 5 + i, "accept", Urgency.URGENT)
        referral(world, at(D(2026, 3, 1 + i)), 70 + i, "decline")


@pytest.mark.parametrize("tables", TABLE_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("who", ["coordinator", "advocate_a"])
def test_queries_do_not_grow_with_the_data(world, data, tables, who, django_assert_max_num_queries):
    def scope():
        # A fresh user each time, as each request loads its own (nothing memoised carries over).
        user = type(world.users[who]).objects.get(pk=world.users[who].pk)
        agency = world.vsp_a if who == "advocate_a" else None
        return scope_for(user, period=Q2, agency=agency)

    first = scope()
    with CaptureQueriesContext(connection) as baseline:
        tables(first)
    more_data(world)
    again = scope()
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        published = [publish(t, again) for t in tables(again)]
    assert published


@pytest.mark.parametrize(("who", "agency"), [("coordinator", None), ("advocate_a", "vsp_a")])
def test_the_nondiscrimination_view_publishes(world, data, who, agency):
    from taskforce.reports import nondiscrimination

    scope = scope_for(world.users[who], period=Q2, agency=agency and world.agencies[agency])
    report = nondiscrimination(scope).as_json()
    keys = [t["key"] for section in report["sections"] for t in section["tables"]]
    assert keys == ["figures_by_trafficking_type", "figures_by_population", "coverage_gaps"]
    assert report["suppression"]["applied"] is (agency is None)
