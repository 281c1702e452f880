"""Training, outreach, partner and MOU figures (``agencies.figures``, ``protocols.figures``) on a
hand-built data set around FY2026-Q2 (1 January to 31 March 2026).

Governance records are read in full by every member: these tables are never suppressed, so a
1 or a 3 is published as it is, for the task force as for one agency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import figures as agency_figures
from agencies import services as agency_services
from agencies.models import Membership, TrainingTopic
from agencies.roles import Discipline, Role
from protocols import figures as mou_figures
from protocols import services as mou_services
from taskforce.periods import Period
from taskforce.reports import publish, scope_for
from tests.factories import make_agency, make_member

Q2 = Period.parse("FY2026-Q2")
D = dt.date
ZONE = ZoneInfo(settings.TIME_ZONE)
LE, PROSECUTION, VSP, COMMUNITY, GOVERNMENT = Discipline.values


def topic(code: str) -> TrainingTopic:
    return TrainingTopic.objects.get(code=code)


def published(table, scope) -> tuple[dict, dict]:
    out = publish(table, scope)
    return {row["key"]: row["values"] for row in out["rows"]}, out


class Data:
    pass


def _training(world, code, held_on, audience, host, attendees=(), external=()):
    training = agency_services.create_training(
        by=world.coordinator,
        title="Training",
        topic=topic(code),
        audience_disciplines=audience,
        held_on=held_on,
        hours=Decimal("4"),
        host_agency=host,
    )
    for user in attendees:
        agency_services.record_attendance(training=training, by=world.coordinator, attendee=user)
    for name, agency in external:
        agency_services.record_attendance(
            training=training, by=world.coordinator, external_name=name, agency=agency
        )
    return training


def _outreach(world, audience, held_on, reach, lead, agencies=()):
    return agency_services.create_outreach_event(
        by=world.coordinator,
        title="Outreach",
        audience=audience,
        held_on=held_on,
        estimated_reach=reach,
        lead_agency=lead,
        agencies=list(agencies),
    )


def _activity(world):
    """Trainings and outreach. In Q2: T1 sex (1 Jan, le_a, for LE and VSP; 4 attendances),
    T2 sex (31 Mar, office, for LE; 2), T3 labor (10 Feb, vsp_a, for VSP and community; 3).
    Outside: 31 Dec and 1 Apr. Outreach in Q2: schools 1 Jan (120, le_a with vsp_a), schools
    31 Mar (80, community), hospitality 14 Feb (45, vsp_a with le_a); outside: 31 Dec, 1 Apr."""
    w = world
    _training(w, "sex-trafficking", D(2026, 1, 1), [LE, VSP], w.le_a,
              [w.investigator_a, w.le_supervisor_a, w.advocate_a],
              [("Pat Visitor", w.community)])  # fmt: skip
    _training(w, "sex-trafficking", D(2026, 3, 31), [LE], w.office,
              [w.investigator_b, w.prosecutor])  # fmt: skip
    _training(w, "labor-trafficking", D(2026, 2, 10), [VSP, COMMUNITY], w.vsp_a,
              [w.advocate_b, w.vsp_supervisor_a, w.community_member])  # fmt: skip
    _training(w, "sex-trafficking", D(2025, 12, 31), [LE], w.le_a, [w.investigator_a])
    _training(w, "labor-trafficking", D(2026, 4, 1), [LE], w.le_a, [w.le_victim_specialist_a])
    _outreach(w, "schools", D(2026, 1, 1), 120, w.le_a, [w.vsp_a])
    _outreach(w, "schools", D(2026, 3, 31), 80, w.community)
    _outreach(w, "hospitality", D(2026, 2, 14), 45, w.vsp_a, [w.le_a])
    _outreach(w, "schools", D(2025, 12, 31), 1000, w.le_a)
    _outreach(w, "youth", D(2026, 4, 1), 500, w.le_a)


def _partners(world):
    """Beside the world's seven agencies (members since 2024): an agency whose first member
    starts on 1 Apr, one whose only member left on 31 Dec, one whose member left on 1 Jan, an
    inactive agency with a member, and an agency with no member at all."""
    late = make_agency("Late Police")
    make_member("late_member", late, Role.INVESTIGATOR, starts=D(2026, 4, 1))
    gone = make_agency("Gone Shelter", Discipline.VICTIM_SERVICES)
    make_member("gone_member", gone, Role.ADVOCATE, starts=D(2024, 1, 1), ends=D(2025, 12, 31))
    brief = make_agency("Brief Coalition", Discipline.COMMUNITY)
    make_member("brief_member", brief, Role.MEMBER, starts=D(2024, 1, 1), ends=D(2026, 1, 1))
    closed = make_agency("Closed Police")
    make_member("closed_member", closed, Role.INVESTIGATOR, starts=D(2024, 1, 1))
    agency_services.update_agency(agency=closed, by=world.coordinator, active=False)
    make_agency("Empty Office", Discipline.GOVERNMENT_OTHER)


def _mou(world, signatories, effective, end, signed_on=None):
    """An MOU drafted, and executed on ``signed_on`` when given (each signatory signs)."""
    mou = mou_services.create_mou(
        by=world.coordinator,
        title="MOU",
        purpose="Working together.",
        effective_date=effective,
        end_date=end,
        signatories=[{"agency": a} for a, _ in signatories],
    )
    if signed_on is not None:
        mou_services.circulate_mou(mou=mou, by=world.coordinator)
        for agency, signer in signatories:
            mou_services.sign_mou(
                mou=mou, by=signer, agency=agency, signer_title="Director", signed_on=signed_on
            )
    return mou


def _mous(world, d):
    """On 31 Mar 2026: M1 in force, ends 29 Jun (day 90: expiring); M2 ends 30 Jun (day 91:
    not expiring, and between vsp_a and vsp_b); M3 starts 1 Apr; M4 terminated 1 Apr (in force
    on 31 Mar); M5 terminated 31 Mar (not); M6 never signed; M7 in force, ends 31 May and is
    being renewed; M8 circulating; M9 effective 1 Jan but executed only on 2 Apr; M10 in force
    until Sep 2027."""
    w = world
    vsp_b_chief = make_member(
        "vsp_supervisor_b", w.vsp_b, Role.VSP_SUPERVISOR, starts=D(2024, 1, 1)
    )
    le_vsp = [(w.le_a, w.le_supervisor_a), (w.vsp_a, w.vsp_supervisor_a)]
    vsps = [(w.vsp_a, w.vsp_supervisor_a), (w.vsp_b, vsp_b_chief)]
    _mou(w, le_vsp, D(2025, 7, 1), D(2026, 6, 29), D(2025, 6, 20))
    _mou(w, vsps, D(2025, 7, 1), D(2026, 6, 30), D(2025, 6, 20))
    _mou(w, le_vsp, D(2026, 4, 1), D(2027, 2, 25), D(2026, 3, 15))
    m4 = _mou(w, le_vsp, D(2025, 1, 1), D(2027, 12, 31), D(2024, 12, 15))
    mou_services.terminate_mou(mou=m4, by=w.coordinator, reason="Replaced", on=D(2026, 4, 1))
    m5 = _mou(w, le_vsp, D(2025, 1, 1), D(2027, 12, 31), D(2024, 12, 15))
    mou_services.terminate_mou(mou=m5, by=w.coordinator, reason="Replaced", on=D(2026, 3, 31))
    _mou(w, le_vsp, D(2025, 1, 1), D(2027, 12, 31))
    m7 = _mou(w, le_vsp, D(2025, 1, 15), D(2026, 5, 31), D(2025, 1, 10))
    mou_services.renew_mou(
        mou=m7, by=w.coordinator, effective_date=D(2026, 6, 1), end_date=D(2028, 5, 31)
    )
    m8 = _mou(w, le_vsp, D(2025, 1, 1), D(2027, 12, 31))
    mou_services.circulate_mou(mou=m8, by=w.coordinator)
    mou_services.sign_mou(
        mou=m8, by=w.le_supervisor_a, agency=w.le_a, signer_title="Chief", signed_on=D(2025, 1, 2)
    )
    _mou(w, le_vsp, D(2026, 1, 1), D(2027, 12, 31), D(2026, 4, 2))
    _mou(w, le_vsp, D(2025, 10, 1), D(2027, 9, 30), D(2025, 9, 30))
    # The hourly job ran on 27 Nov 2026: M1 and M2 have lapsed since.
    assert mou_services.expire_lapsed_mous(on=D(2026, 11, 27)) == 2


@pytest.fixture
def data(world):
    Membership.objects.filter(ends__isnull=True).update(starts=D(2024, 1, 1))
    d = Data()
    d.world = world
    _activity(world)
    _partners(world)
    _mous(world, d)
    return d


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def wide(world, period=Q2):
    return scope_for(world.coordinator, period=period)


def own_le_a(world, period=Q2):
    scope = scope_for(world.investigator_a, period=period, agency=world.le_a)
    assert scope.own
    return scope


# --- trainings --------------------------------------------------------------------------------


def test_trainings_by_topic_with_attendees(data):
    world = data.world
    scope = wide(world)
    table = agency_figures.trainings_by_topic(scope)
    assert [label for _, label in table.rows] == ["Labor trafficking", "Sex trafficking"]
    rows, out = published(table, scope)
    # columns: trainings, attendees; published as they are (governance), 31 Mar in, 1 Apr out.
    assert list(rows.values()) == [[1, 3], [2, 6]]
    assert out["suppressed"] is False
    scope = own_le_a(world)
    rows, _ = published(agency_figures.trainings_by_topic(scope), scope)
    assert list(rows.values()) == [[1, 4]]  # le_a hosted T1 only in Q2


def test_trainings_by_intended_audience(data):
    scope = wide(data.world)
    rows, _ = published(agency_figures.trainings_by_audience(scope), scope)
    assert rows == {LE: [2], PROSECUTION: [0], VSP: [2], COMMUNITY: [1], GOVERNMENT: [0]}


def test_attendance_by_discipline_of_the_attendees_agency(data):
    world = data.world
    scope = wide(world)
    rows, out = published(agency_figures.attendance_by_discipline(scope), scope)
    assert rows == {LE: [3], PROSECUTION: [1], VSP: [3], COMMUNITY: [2], GOVERNMENT: [0]}
    assert out["total"] == 9 and out["suppressed"] is False
    scope = own_le_a(world)
    rows, _ = published(agency_figures.attendance_by_discipline(scope), scope)
    assert rows == {LE: [2], PROSECUTION: [0], VSP: [1], COMMUNITY: [1], GOVERNMENT: [0]}


# --- outreach and partners --------------------------------------------------------------------


def test_outreach_by_audience_with_reach(data):
    world = data.world
    scope = wide(world)
    rows, _ = published(agency_figures.outreach_by_audience(scope), scope)
    assert rows["schools"] == [2, 200]
    assert rows["hospitality"] == [1, 45]
    assert rows["youth"] == [0, 0]
    assert sum(v[0] for v in rows.values()) == 3
    scope = own_le_a(world)
    rows, _ = published(agency_figures.outreach_by_audience(scope), scope)
    # le_a led the first schools event and took part in the hospitality one.
    assert rows["schools"] == [1, 120]
    assert rows["hospitality"] == [1, 45]


def test_active_partners_had_a_membership_in_force_during_the_period(data):
    world = data.world
    scope = wide(world)
    rows, out = published(agency_figures.active_partners(scope), scope)
    # The world's seven and Brief Coalition (member until 1 Jan).
    assert rows == {LE: [2], PROSECUTION: [1], VSP: [2], COMMUNITY: [2], GOVERNMENT: [1]}
    assert out["total"] == 8
    rows, _ = published(agency_figures.active_partners(own_le_a(world)), own_le_a(world))
    assert rows[LE] == [1] and sum(v[0] for v in rows.values()) == 1


def test_a_non_coordinator_may_not_ask_for_another_agencys_activity(data):
    world = data.world
    with pytest.raises(ValidationError):
        scope_for(world.investigator_b, period=Q2, agency=world.le_a)
    scope = scope_for(world.coordinator, period=Q2, agency=world.le_a)
    assert scope.suppressed
    rows, out = published(agency_figures.trainings_by_topic(scope), scope)
    assert list(rows.values()) == [[1, 4]]  # governance: in full even so
    assert out["suppressed"] is False


# --- MOUs -------------------------------------------------------------------------------------


def test_mous_in_force_at_the_end_of_a_past_period(data):
    world = data.world
    scope = wide(world)
    table = mou_figures.mous_by_status(scope)
    assert table.title == "MOUs in force on Mar 31, 2026"
    rows, out = published(table, scope)
    # columns: draft, circulating, executed, expired, terminated (status today)
    assert rows == {"in_force": [1, 0, 1, 2, 1], "expiring": [1, 0, 0, 1, 0]}
    assert [r["total"] for r in out["rows"]] == [5, 2]
    assert out["suppressed"] is False
    scope = own_le_a(world)
    rows, _ = published(mou_figures.mous_by_status(scope), scope)
    assert rows == {"in_force": [1, 0, 1, 1, 1], "expiring": [1, 0, 0, 1, 0]}  # not M2


def test_mous_in_force_by_discipline(data):
    scope = wide(data.world)
    rows, _ = published(mou_figures.mous_by_discipline(scope), scope)
    assert rows == {LE: [4], PROSECUTION: [0], VSP: [5], COMMUNITY: [0], GOVERNMENT: [0]}


def test_mous_in_force_today_while_the_period_runs(data):
    scope = wide(data.world, period=Period.parse("FY2027-Q1"))
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, tzinfo=ZONE), tick=False):
        table = mou_figures.mous_by_status(scope)
    assert table.title == "MOUs in force on Nov 27, 2026"
    rows, _ = published(table, scope)
    # M3 (ends 25 Feb 2027, day 90: expiring), M9 (executed 2 Apr) and M10; M7's renewal is
    # not signed, so it lapsed on 31 May.
    assert rows == {"in_force": [0, 0, 3, 0, 0], "expiring": [0, 0, 1, 0, 0]}


def test_the_tables_reach_the_dashboard_and_the_report(data):
    scope = wide(data.world)
    assert [t.key for t in agency_figures.activity_tables(scope)] == [
        "trainings_by_topic",
        "attendance_by_discipline",
        "outreach_by_audience",
    ]
    assert [t.key for t in agency_figures.report_tables(scope)] == [
        "trainings_by_topic",
        "trainings_by_audience",
        "attendance_by_discipline",
        "outreach_by_audience",
        "active_partners",
    ]
    assert [t.key for t in mou_figures.mou_tables(scope)] == [
        "mous_in_force",
        "mous_by_discipline",
    ]
    assert all(not t.people for t in mou_figures.mou_tables(scope))


# --- query counts -----------------------------------------------------------------------------

TABLE_FUNCTIONS = [
    agency_figures.trainings_by_topic,
    agency_figures.trainings_by_audience,
    agency_figures.attendance_by_discipline,
    agency_figures.outreach_by_audience,
    agency_figures.active_partners,
    mou_figures.mous_by_status,
    mou_figures.mous_by_discipline,
]


def _queries(function, scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(scope)
    return len(captured)


def _more_data(world):
    codes = ["labor-trafficking", "minor-victims", "deconfliction", "onboarding"]
    for i, code in enumerate(codes):
        guests = [(f"Guest {i}", world.vsp_b)]
        attendees = [world.investigator_a, world.prosecutor]
        _training(world, code, D(2026, 2, 1 + i), [LE, PROSECUTION], world.le_a, attendees, guests)
        _outreach(world, "youth", D(2026, 2, 1 + i), 10, world.le_a, [world.community])
    other = make_agency("Another Police")
    make_member("another_member", other, Role.INVESTIGATOR, starts=D(2024, 1, 1))
    le_vsp = [(world.le_a, world.le_supervisor_a), (world.vsp_a, world.vsp_supervisor_a)]
    for _ in range(3):
        _mou(world, le_vsp, D(2025, 1, 1), D(2026, 5, 1), D(2024, 12, 1))


def test_query_counts_do_not_grow_with_the_data(data, django_assert_max_num_queries):
    world = data.world
    scopes = [wide(world), own_le_a(world)]
    before = {
        (f.__name__, i): _queries(f, s) for f in TABLE_FUNCTIONS for i, s in enumerate(scopes)
    }
    assert max(before.values()) == 1
    _more_data(world)
    for f in TABLE_FUNCTIONS:
        for i, scope in enumerate(scopes):
            with django_assert_max_num_queries(before[f.__name__, i]):
                f(scope)
    assert len(agency_figures.trainings_by_topic(scopes[0]).rows) == 5
