"""Federal fiscal-year periods: named the way task forces say them, bounded to the day."""

import datetime as dt

import pytest

from taskforce.periods import Period, fiscal_year_of, offered


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 9, 30), 2026),
        (dt.date(2026, 10, 1), 2027),
        (dt.date(2027, 1, 1), 2027),
        (dt.date(2027, 9, 30), 2027),
    ],
)
def test_the_fiscal_year_is_named_after_the_year_it_ends(day, year):
    assert fiscal_year_of(day) == year


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("FY2027", dt.date(2026, 10, 1), dt.date(2027, 9, 30)),
        ("FY2027-H1", dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
        ("FY2027-H2", dt.date(2027, 4, 1), dt.date(2027, 9, 30)),
        ("FY2027-Q1", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("fy2027-q2", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        ("FY2024-Q2", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("FY2027-Q4", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
    ],
)
def test_periods_are_bounded_to_the_day(key, start, end):
    period = Period.parse(key)
    assert (period.start, period.end) == (start, end)
    assert period.key == key.upper()
    assert period.months[0] == start and len(period.months) == period.length_in_months
    assert Period.containing(start, period.kind) == period
    assert Period.containing(end, period.kind) == period


@pytest.mark.parametrize("key", ["", "2027", "FY27", "FY2027-Q5", "FY2027-H3", "FY2027-Q0",
                                 "FY1999", "FY2027-M1", "FY2027 Q1"])  # fmt: skip
def test_a_bad_period_says_how_to_name_one(key):
    with pytest.raises(ValueError, match=r"FY|Fiscal years|halves"):
        Period.parse(key)


def test_previous_crosses_the_fiscal_year():
    assert Period.parse("FY2027-Q1").previous() == Period.parse("FY2026-Q4")
    assert Period.parse("FY2027-H1").previous() == Period.parse("FY2026-H2")
    assert Period.parse("FY2027").previous() == Period.parse("FY2026")
    assert Period.parse("FY2027-Q3").previous() == Period.parse("FY2027-Q2")


def test_offered_periods_have_begun_newest_first():
    periods = offered(dt.date(2026, 11, 27), years=2)
    keys = [p.key for p in periods]
    assert keys[:3] == ["FY2027", "FY2027-H1", "FY2027-Q1"]
    assert "FY2027-Q2" not in keys and "FY2027-H2" not in keys
    assert keys[3:] == ["FY2026", "FY2026-H1", "FY2026-H2", *(f"FY2026-Q{n}" for n in range(1, 5))]
    assert Period.parse("FY2027-Q1").label == "FY2027 quarter 1 (1 Oct 2026 to 31 Dec 2026)"
