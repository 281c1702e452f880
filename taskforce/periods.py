"""Reporting periods of the federal fiscal year (October 1 to September 30).

Task forces report by quarter, half year and fiscal year (DOMAIN §8); fiscal year 2027 runs from
1 October 2026 to 30 September 2027. A period is named by a key that reads the way people say
it: ``FY2027`` (the year), ``FY2027-H1`` (October to March), ``FY2027-Q3`` (April to June).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_KEY = re.compile(r"^FY(?P<year>\d{4})(?:-(?P<kind>[HQ])(?P<number>\d))?$")
FIRST_MONTH = 10  # October
OLDEST_FISCAL_YEAR = 2000
YEARS_OFFERED = 5


def fiscal_year_of(day: dt.date) -> int:
    """The federal fiscal year a day falls in: it is named after the year in which it ends."""
    return day.year + 1 if day.month >= FIRST_MONTH else day.year


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A fiscal year (``kind`` "FY"), one of its halves ("H", 1-2) or quarters ("Q", 1-4)."""

    fiscal_year: int
    kind: str = "FY"
    number: int = 0

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period a key names; ValueError with the reason otherwise."""
        match = _KEY.match((key or "").strip().upper())
        if not match:
            raise ValueError(
                "Name a fiscal year, half or quarter, for example FY2027, FY2027-H1 or FY2027-Q2."
            )
        year = int(match["year"])
        if not OLDEST_FISCAL_YEAR <= year <= 2100:
            raise ValueError(f"Fiscal years from {OLDEST_FISCAL_YEAR} to 2100 only.")
        kind = match["kind"] or "FY"
        number = int(match["number"] or 0)
        if (kind == "H" and not 1 <= number <= 2) or (kind == "Q" and not 1 <= number <= 4):
            raise ValueError("A fiscal year has halves 1-2 and quarters 1-4.")
        return cls(year, kind, number)

    @classmethod
    def containing(cls, day: dt.date, kind: str = "FY") -> Period:
        year = fiscal_year_of(day)
        months_in = (day.month - FIRST_MONTH) % 12
        number = {"FY": 0, "H": months_in // 6 + 1, "Q": months_in // 3 + 1}[kind]
        return cls(year, kind, number)

    @property
    def key(self) -> str:
        return f"FY{self.fiscal_year}" + (f"-{self.kind}{self.number}" if self.number else "")

    @property
    def fiscal_year_start(self) -> dt.date:
        return dt.date(self.fiscal_year - 1, FIRST_MONTH, 1)

    @property
    def length_in_months(self) -> int:
        return {"FY": 12, "H": 6, "Q": 3}[self.kind]

    @property
    def start(self) -> dt.date:
        offset = (self.number - 1) * self.length_in_months if self.number else 0
        return _add_months(self.fiscal_year_start, offset)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return _add_months(self.start, self.length_in_months) - dt.timedelta(days=1)

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month of the period."""
        return [_add_months(self.start, i) for i in range(self.length_in_months)]

    @property
    def label(self) -> str:
        name = {"FY": "", "H": " half ", "Q": " quarter "}[self.kind]
        head = f"FY{self.fiscal_year}{name}{self.number or ''}"
        return f"{head} ({_day(self.start)} to {_day(self.end)})"

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.number > 1:
            return Period(self.fiscal_year, self.kind, self.number - 1)
        last = {"FY": 0, "H": 2, "Q": 4}[self.kind]
        return Period(self.fiscal_year - 1, self.kind, last)

    def __str__(self) -> str:
        return self.key


def offered(today: dt.date, years: int = YEARS_OFFERED) -> list[Period]:
    """The periods a person picks from: the current fiscal year and the ones before it, each
    followed by its halves and quarters, the newest first; periods that have not begun are left
    out."""
    current = fiscal_year_of(today)
    periods = []
    for year in range(current, current - years, -1):
        periods.append(Period(year))
        periods += [Period(year, "H", n) for n in (1, 2)]
        periods += [Period(year, "Q", n) for n in (1, 2, 3, 4)]
    return [p for p in periods if p.start <= today]
