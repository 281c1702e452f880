"""Law-enforcement and prosecution figures (``cases.figures``) on a hand-built data set of
FY2026-Q2 (1 January to 31 March 2026), with records on both sides of each boundary.

The data set, by agency (le_a unless said):

* cases opened in Q2: sex proactive 6 (1 Jan ... 31 Mar), sex reactive 3, labor reactive 5,
  both proactive 1; le_b: labor proactive 2, unknown reactive 1. Outside Q2: sex proactive on
  31 Dec and 1 Apr, labor reactive on 30 Sep 2025 (FY2025) and 1 Oct 2025 (FY2026-Q1);
* subjects recorded in Q2: traffickers s1, s2 (sex), t (labor); purchaser p (sex); recruiter r
  (labor); facilitator x3 (sex, on the case opened 31 Dec); le_b trafficker b (labor). Recorded
  outside: x1 (31 Dec 23:30), x2 (1 Apr 00:00:01), w (Oct 2025);
* arrests in Q2: s1 (31 Mar), t (1 Jan), b (1 Feb); outside: s2 (1 Apr), x1 (31 Dec);
* prosecutions opened in Q2: P_sex (state, 2 Jan), P_labor (federal, 31 Mar), le_b's P_b
  (federal, 1 Feb); outside: P_old (federal, 31 Dec), P_both (local, 1 Apr);
* charges filed in Q2: c1 s1 1591 (pleaded guilty 15 Mar, sentenced), c2 s1 1594 (dismissed
  15 Mar), c3 s2 1591 (convicted 31 Mar, sentenced), c4 s2 2421 (pending), c5 t 1589 (31 Mar,
  pending), c8 b 1589 (le_b, acquitted 1 Mar); outside: c6 r 1589 (1 Apr), c7 w 1590 (31 Dec,
  pleaded guilty 1 Jan).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Membership
from cases import figures, services
from cases.models import Disposition, Origin, Statute, TraffickingType
from taskforce import access
from taskforce.periods import Period
from taskforce.reports import publish, scope_for

Q2 = Period.parse("FY2026-Q2")
FY = Period.parse("FY2026")
D = dt.date
ZONE = ZoneInfo(settings.TIME_ZONE)
SEX, LABOR, BOTH, UNKNOWN = (t.value for t in TraffickingType)
REACTIVE, PROACTIVE = Origin.REACTIVE.value, Origin.PROACTIVE.value


def at(day: dt.date, time: dt.time = dt.time(12)):
    """Travel to a local moment: records are created as they were on that day."""
    return time_machine.travel(dt.datetime.combine(day, time, ZONE), tick=False)


def statute(number: str) -> Statute:
    return Statute.objects.get(citation=f"18 U.S.C. {number}")


class Data:
    """What the tests need to reach after building the data set."""


def _open(world, agency, day, kind, origin):
    by = world.investigator_a if agency == world.le_a else world.investigator_b
    return services.open_case(
        by=by,
        agency=agency,
        title="Case",
        origin=origin,
        trafficking_type=kind,
        jurisdiction_level="local",
        opened_on=day,
    )


def _subject(world, case, role, moment: dt.datetime):
    by = world.investigator_a if case.owner_agency == world.le_a else world.investigator_b
    with time_machine.travel(moment, tick=False):
        return services.add_subject(case=case, by=by, role=role)


def _arrested(world, subject, day):
    by = world.investigator_a if subject.owner_agency == world.le_a else world.investigator_b
    services.update_subject(subject=subject, by=by, arrest_date=day)


def _prosecute(world, case, day, level):
    by = world.investigator_a if case.owner_agency == world.le_a else world.investigator_b
    with at(day):
        referral = services.refer_for_prosecution(case=case, office=world.prosecution, by=by)
        return services.accept_prosecution_referral(
            referral=referral, by=world.prosecutor, jurisdiction_level=level
        )


def _charge(world, prosecution, subject, number, charged_on, **fields):
    return services.add_charge(
        prosecution=prosecution,
        by=world.prosecutor,
        subject=subject,
        statute=statute(number),
        charged_on=charged_on,
        **fields,
    )


def days_2026(*month_days) -> list[dt.date]:
    return [D(2026, month, day) for month, day in month_days]


def moment(day, hour, minute=0, second=0):
    return dt.datetime.combine(day, dt.time(hour, minute, second), ZONE)


@pytest.fixture
def data(world):
    # Everyone has been a member since 2024, so they acted in FY2026 (the fixture's memberships
    # start today).
    Membership.objects.filter(ends__isnull=True).update(starts=D(2024, 1, 1))
    le_a, le_b = world.le_a, world.le_b
    d = Data()
    sex_p = [
        _open(world, le_a, day, SEX, PROACTIVE)
        for day in days_2026((1, 1), (1, 15), (2, 1), (2, 15), (3, 1), (3, 31))
    ]
    for day in (D(2026, 1, 10), D(2026, 2, 10), D(2026, 3, 10)):
        _open(world, le_a, day, SEX, REACTIVE)
    labor_r = [
        _open(world, le_a, day, LABOR, REACTIVE)
        for day in days_2026((1, 20), (2, 20), (3, 20), (3, 21), (3, 22))
    ]
    both = _open(world, le_a, D(2026, 2, 5), BOTH, PROACTIVE)
    b_labor = [_open(world, le_b, day, LABOR, PROACTIVE) for day in (D(2026, 1, 5), D(2026, 2, 6))]
    _open(world, le_b, D(2026, 3, 3), UNKNOWN, REACTIVE)
    before = _open(world, le_a, D(2025, 12, 31), SEX, PROACTIVE)
    _open(world, le_a, D(2026, 4, 1), SEX, PROACTIVE)
    _open(world, le_a, D(2025, 9, 30), LABOR, REACTIVE)
    q1_labor = _open(world, le_a, D(2025, 10, 1), LABOR, REACTIVE)

    s1 = _subject(world, sex_p[0], "trafficker", moment(D(2026, 1, 1), 0, 0, 30))
    s2 = _subject(world, sex_p[0], "trafficker", moment(D(2026, 3, 31), 23, 59))
    _subject(world, sex_p[1], "purchaser", moment(D(2026, 1, 16), 12))
    t = _subject(world, labor_r[0], "trafficker", moment(D(2026, 1, 21), 12))
    r = _subject(world, labor_r[0], "recruiter", moment(D(2026, 2, 1), 12))
    x1 = _subject(world, before, "trafficker", moment(D(2025, 12, 31), 23, 30))
    _subject(world, before, "controller", moment(D(2026, 4, 1), 0, 0, 1))
    _subject(world, before, "facilitator", moment(D(2026, 2, 10), 12))
    w = _subject(world, q1_labor, "trafficker", moment(D(2025, 10, 2), 12))
    b = _subject(world, b_labor[0], "trafficker", moment(D(2026, 1, 6), 12))
    for subject, day in ((s1, D(2026, 3, 31)), (s2, D(2026, 4, 1)), (t, D(2026, 1, 1))):
        _arrested(world, subject, day)
    _arrested(world, x1, D(2025, 12, 31))
    _arrested(world, b, D(2026, 2, 1))

    p_sex = _prosecute(world, sex_p[0], D(2026, 1, 2), "state")
    p_old = _prosecute(world, q1_labor, D(2025, 12, 31), "federal")
    p_labor = _prosecute(world, labor_r[0], D(2026, 3, 31), "federal")
    _prosecute(world, both, D(2026, 4, 1), "local")
    p_b = _prosecute(world, b_labor[0], D(2026, 2, 1), "federal")

    pleaded, convicted = Disposition.PLEADED_GUILTY, Disposition.CONVICTED
    _charge(world, p_sex, s1, "1591", D(2026, 1, 20), disposition=pleaded,
            disposition_on=D(2026, 3, 15), sentence="120 months")  # fmt: skip
    _charge(world, p_sex, s1, "1594", D(2026, 1, 20), disposition=Disposition.DISMISSED,
            disposition_on=D(2026, 3, 15))  # fmt: skip
    _charge(world, p_sex, s2, "1591", D(2026, 2, 1), disposition=convicted,
            disposition_on=D(2026, 3, 31), sentence="Life")  # fmt: skip
    d.c4 = _charge(world, p_sex, s2, "2421", D(2026, 2, 1))
    _charge(world, p_labor, t, "1589", D(2026, 3, 31))
    _charge(world, p_labor, r, "1589", D(2026, 4, 1))
    _charge(world, p_old, w, "1590", D(2025, 12, 31), disposition=pleaded,
            disposition_on=D(2026, 1, 1))  # fmt: skip
    _charge(world, p_b, b, "1589", D(2026, 2, 2), disposition=Disposition.ACQUITTED,
            disposition_on=D(2026, 3, 1))  # fmt: skip
    # le_b co-investigates le_a's sex case: it now sees that case, its prosecution and charges.
    services.share_case(case=sex_p[0], agency=le_b, access_level="view", by=world.investigator_a)
    d.world = world
    return d


def published(table, scope) -> tuple[dict, dict]:
    """The table as published: ``{row key: values}`` and the whole publication."""
    out = publish(table, scope)
    return {row["key"]: row["values"] for row in out["rows"]}, out


def coordinator_scope(world, period=Q2, **extra):
    return scope_for(world.coordinator, period=period, **extra)


def own_scope(user, agency, period=Q2, **extra):
    scope = scope_for(user, period=period, agency=agency, **extra)
    assert scope.own
    return scope


# --- investigations ---------------------------------------------------------------------------


def test_cases_by_type_and_origin_in_full_for_the_own_agency(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    rows, out = published(figures.cases_by_type_and_origin(scope), scope)
    # columns: reactive, proactive
    assert rows == {SEX: [3, 6], LABOR: [5, 0], BOTH: [0, 1], UNKNOWN: [0, 0]}
    assert out["column_totals"] == [8, 7]
    assert out["total"] == 15
    assert out["suppressed"] is False


def test_task_force_wide_cases_are_suppressed_with_their_complements(data):
    world = data.world
    scope = coordinator_scope(world)
    table = figures.cases_by_type_and_origin(scope)
    # Raw: sex 3 reactive / 6 proactive, labor 5 / 2, both 0 / 1, unknown 1 / 0.
    assert table.cells[SEX, REACTIVE] == 3
    assert table.cells[LABOR, PROACTIVE] == 2
    rows, out = published(table, scope)
    # The 3 is hidden, and so is the 6 beside it: the row total 9 would give the 3 away.
    assert rows[SEX] == [None, None]
    assert rows[LABOR] == [None, None]
    assert rows[BOTH] == [0, None]
    assert rows[UNKNOWN] == [None, 0]
    assert [r["total"] for r in out["rows"]] == [9, 7, None, None]
    assert out["column_totals"] == [9, 9]
    assert out["total"] == 18
    assert out["suppressed"] is True


def test_fiscal_year_boundary_sep_30_vs_oct_1(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a, period=FY)
    table = figures.cases_by_type_and_origin(scope)
    # Labor reactive: five in Q2 and the one of 1 Oct 2025; not the one of 30 Sep 2025.
    assert table.cells[LABOR, REACTIVE] == 6
    # Sex proactive: six in Q2, 31 Dec and 1 Apr.
    assert table.cells[SEX, PROACTIVE] == 8


def test_the_labor_filter_includes_both(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a, trafficking_type="labor")
    rows, out = published(figures.cases_by_type_and_origin(scope), scope)
    assert rows == {SEX: [0, 0], LABOR: [5, 0], BOTH: [0, 1], UNKNOWN: [0, 0]}
    assert out["total"] == 6


def test_another_agencys_own_figures_never_include_le_a_cases(data):
    world = data.world
    scope = own_scope(world.investigator_b, world.le_b)
    rows, out = published(figures.cases_by_type_and_origin(scope), scope)
    assert rows == {SEX: [0, 0], LABOR: [0, 2], BOTH: [0, 0], UNKNOWN: [1, 0]}
    assert out["suppressed"] is False
    # le_b sees le_a's shared case, its prosecution and charges, but they are not le_b's.
    assert published(figures.charges_filed_by_disposition(scope), scope)[0] == {
        "pending": [0],
        "dismissed": [0],
        "pleaded_guilty": [0],
        "convicted": [0],
        "acquitted": [1],
    }
    assert published(figures.prosecutions_by_jurisdiction(scope), scope)[0]["federal"] == [1]


def test_a_non_coordinator_may_not_ask_for_another_agency(data):
    world = data.world
    with pytest.raises(ValidationError) as raised:
        scope_for(world.investigator_b, period=Q2, agency=world.le_a)
    assert "agency" in raised.value.message_dict
    # The coordinator may, and gets it suppressed.
    scope = scope_for(world.coordinator, period=Q2, agency=world.le_a)
    assert scope.suppressed
    rows, _ = published(figures.cases_by_type_and_origin(scope), scope)
    assert rows[SEX] == [None, None]


# --- suspects and arrests ---------------------------------------------------------------------


def test_suspects_identified_are_subjects_recorded_in_the_period(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    rows, out = published(figures.suspects_identified(scope), scope)
    # columns: sex, labor, both, unknown. x3 counts (recorded 10 Feb on a case of 31 Dec);
    # 31 Dec 23:30 and 1 Apr 00:00:01 do not; 1 Jan 00:00:30 and 31 Mar 23:59 do.
    assert rows == {
        "trafficker": [2, 1, 0, 0],
        "recruiter": [0, 1, 0, 0],
        "facilitator": [1, 0, 0, 0],
        "purchaser": [1, 0, 0, 0],
        "controller": [0, 0, 0, 0],
    }
    assert out["total"] == 6
    wide = figures.suspects_identified(coordinator_scope(world))
    assert wide.cells["trafficker", LABOR] == 2  # and le_b's b


def test_arrests_by_type_in_the_period(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    rows, out = published(figures.arrests(scope), scope)
    assert rows == {SEX: [1], LABOR: [1], BOTH: [0], UNKNOWN: [0]}
    wide_scope = coordinator_scope(world)
    wide = figures.arrests(wide_scope)
    assert wide.cells == {(SEX, "n"): 1, (LABOR, "n"): 2}
    rows, out = published(wide, wide_scope)
    assert rows[LABOR] == [None] and out["total"] is None  # 3 in all: suppressed


# --- prosecutions and charges -----------------------------------------------------------------


def test_prosecutions_opened_by_jurisdiction(data):
    world = data.world
    for user, agency, expected in (
        (world.investigator_a, world.le_a, {"state": 1, "federal": 1}),
        (world.prosecutor, world.prosecution, {"state": 1, "federal": 2}),
        (world.investigator_b, world.le_b, {"federal": 1}),
    ):
        table = figures.prosecutions_by_jurisdiction(own_scope(user, agency))
        assert {row: n for (row, _), n in table.cells.items()} == expected, agency
    wide = figures.prosecutions_by_jurisdiction(coordinator_scope(world))
    assert wide.cells == {("state", "n"): 1, ("federal", "n"): 2}


def test_charges_filed_and_disposed_in_the_period(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    filed, _ = published(figures.charges_filed_by_disposition(scope), scope)
    assert filed == {
        "pending": [2],
        "dismissed": [1],
        "pleaded_guilty": [1],
        "convicted": [1],
        "acquitted": [0],
    }
    disposed, out = published(figures.dispositions(scope), scope)
    # c7 was charged on 31 Dec but disposed on 1 Jan: its disposition is in the period.
    assert disposed == {"dismissed": [1], "pleaded_guilty": [2], "convicted": [1], "acquitted": [0]}
    assert out["total"] == 4
    wide_scope = coordinator_scope(world)
    wide, out = published(figures.dispositions(wide_scope), wide_scope)
    assert figures.dispositions(wide_scope).cells["acquitted", "n"] == 1
    assert wide == {
        "dismissed": [None],
        "pleaded_guilty": [None],
        "convicted": [None],
        "acquitted": [None],
    }
    assert out["total"] == 5


def test_charges_by_statute_and_nibrs_list_only_what_was_charged(data):
    world = data.world
    scope = coordinator_scope(world)
    by_statute = figures.charges_by_statute(scope)
    assert [label for _, label in by_statute.rows] == [
        "18 U.S.C. 1589 Forced labor",
        "18 U.S.C. 1591 Sex trafficking of children or by force, fraud, or coercion",
        "18 U.S.C. 1594 Attempt, conspiracy, forfeiture",
        "18 U.S.C. 2421 Transportation generally (Mann Act)",
    ]
    assert [by_statute.cells[row, "n"] for row, _ in by_statute.rows] == [2, 2, 1, 1]
    rows, out = published(by_statute, scope)
    assert all(values == [None] for values in rows.values())
    assert out["total"] == 6
    by_nibrs = figures.charges_by_nibrs(scope)
    assert [label.split()[0] for _, label in by_nibrs.rows] == ["40B", "64A", "64B"]
    assert [by_nibrs.cells[row, "n"] for row, _ in by_nibrs.rows] == [1, 2, 3]
    own = own_scope(world.investigator_a, world.le_a)
    rows, out = published(figures.charges_by_nibrs(own), own)
    assert list(rows.values()) == [[1], [2], [2]]


def test_convictions_count_defendants_and_sentences_only_count(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    rows, _ = published(figures.convictions(scope), scope)
    # s1 pleaded (c1; his dismissed c2 adds nothing), w pleaded (c7), s2 convicted at trial.
    assert rows == {"either": [3], "pleaded": [2], "tried": [1]}
    sentences = figures.sentences(scope)
    rows, _ = published(sentences, scope)
    assert rows == {"pleaded_guilty": [1], "convicted": [1]}
    text = repr(publish(sentences, scope))
    assert "120 months" not in text and "Life" not in text
    wide_scope = coordinator_scope(world)
    rows, _ = published(figures.convictions(wide_scope), wide_scope)
    assert rows == {"either": [None], "pleaded": [None], "tried": [None]}


def test_own_figures_count_only_what_the_access_layer_shows(data):
    world = data.world
    access.revoke(obj=data.c4, agency=world.le_a, reason="sealed", by=world.prosecutor)
    own = figures.charges_filed_by_disposition(own_scope(world.investigator_a, world.le_a))
    assert own.cells["pending", "n"] == 1  # c5 only: c4 is no longer shown to le_a
    wide = figures.charges_filed_by_disposition(coordinator_scope(world))
    assert wide.cells["pending", "n"] == 2


def test_the_tables_reach_the_dashboard_and_the_report(data):
    world = data.world
    scope = own_scope(world.investigator_a, world.le_a)
    assert [t.key for t in figures.prosecution_tables(scope)] == [
        "prosecutions_by_jurisdiction",
        "charges_filed_by_disposition",
        "dispositions",
    ]
    assert [t.key for t in figures.report_tables(scope)] == [
        "cases_by_type_origin",
        "suspects_identified",
        "arrests",
        "charges_by_statute",
        "charges_by_nibrs",
        "prosecutions_by_jurisdiction",
        "convictions",
        "dispositions",
        "sentences",
    ]


# --- query counts -----------------------------------------------------------------------------

TABLE_FUNCTIONS = [
    figures.cases_by_type_and_origin,
    figures.suspects_identified,
    figures.arrests,
    figures.prosecutions_by_jurisdiction,
    figures.charges_filed_by_disposition,
    figures.dispositions,
    figures.charges_by_statute,
    figures.charges_by_nibrs,
    figures.convictions,
    figures.sentences,
]


def _queries(function, scope) -> int:
    function(scope)  # warm: the user's membership is remembered after the first look
    with CaptureQueriesContext(connection) as captured:
        function(scope)
    return len(captured)


def _more_data(world):
    cases = [
        _open(world, world.le_a, D(2026, 2, day), kind, PROACTIVE)
        for day, kind in zip(range(1, 9), [SEX, LABOR, BOTH, UNKNOWN] * 2, strict=True)
    ]
    for number, case in zip(["1581", "1583", "1584", "1592", "2422", "2423"], cases, strict=False):
        subject = _subject(world, case, "controller", moment(D(2026, 2, 20), 12))
        _arrested(world, subject, D(2026, 2, 21))
        prosecution = _prosecute(world, case, D(2026, 2, 22), "tribal")
        _charge(world, prosecution, subject, number, D(2026, 2, 23),
                disposition=Disposition.CONVICTED, disposition_on=D(2026, 3, 1),
                sentence="Time served")  # fmt: skip


def test_query_counts_do_not_grow_with_the_data(data, django_assert_max_num_queries):
    world = data.world
    scopes = [
        coordinator_scope(world),
        own_scope(world.investigator_a, world.le_a, trafficking_type="labor"),
    ]
    before = {
        (f.__name__, i): _queries(f, scope)
        for f in TABLE_FUNCTIONS
        for i, scope in enumerate(scopes)
    }
    assert max(before.values()) <= 2
    _more_data(world)
    for f in TABLE_FUNCTIONS:
        for i, scope in enumerate(scopes):
            f(scope)
            with django_assert_max_num_queries(before[f.__name__, i]):
                f(scope)
    assert len(figures.charges_by_statute(scopes[0]).rows) == 10
