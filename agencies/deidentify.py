"""Finds obvious personal identifiers in text meant to be de-identified (trend bulletins).

It looks for what identifies a person at a glance: phone numbers (U.S. and international
formats), email addresses, and dates that look like dates of birth. It is a guard against
slips, not a guarantee of anonymity: names, addresses and rare details still need a human eye,
which is why the form also says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# U.S.: (555) 201-3344, 555-201-3344, 555.201.3344, 555 201 3344, 5552013344, +1 555 201 3344.
US_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?!\d)"
)
# International: a leading + and country code, then groups of digits (8 to 15 digits in all).
INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?!\d)")
MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
# A date ends where no digit, slash or dash follows (a full stop may end the sentence).
NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-]|\.\d)")
TEXT_DATE = re.compile(
    rf"\b(?:({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\.?,?\s+(\d{{4}}))\b",
    re.IGNORECASE,
)
BIRTH_WORDS = re.compile(r"\b(?:dob|d\.o\.b\.?|born|birth\s*date|date\s+of\s+birth)\b", re.I)
# A full date at least this many years back is a birth date more often than an event a trend
# bulletin reports; anything after a birth word is one whatever its year.
BIRTH_DATE_MIN_AGE_YEARS = 10


@dataclass(frozen=True)
class Finding:
    kind: str  # "phone number", "email address", "date of birth"
    text: str

    def __str__(self) -> str:
        return f'{self.kind} "{self.text}"'


def _month_number(name: str) -> int:
    return MONTHS.split("|").index(name.lower()[:3]) + 1 if name else 0


def _full_year(year: str, today: dt.date) -> int:
    if len(year) == 4:
        return int(year)
    # Two-digit years: the most recent year with those digits that is not in the future.
    candidate = 2000 + int(year)
    return candidate if candidate <= today.year else candidate - 100


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates(text: str, today: dt.date):
    """Every real calendar date written in ``text``: (match span, text, date)."""
    for match in NUMERIC_DATE.finditer(text):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4], today)
        # U.S. month/day first; day/month when the first number cannot be a month.
        date = _valid_date(year, first, second) or _valid_date(year, second, first)
        if date:
            yield match.span(), match[0], date
    for match in ISO_DATE.finditer(text):
        date = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if date:
            yield match.span(), match[0], date
    for match in TEXT_DATE.finditer(text):
        if match[1]:
            month, day, year = _month_number(match[1]), int(match[2]), int(match[3])
        else:
            month, day, year = _month_number(match[5]), int(match[4]), int(match[6])
        date = _valid_date(year, month, day)
        if date:
            yield match.span(), match[0], date


def find_personal_identifiers(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """The obvious personal identifiers in ``text``, in the order they appear."""
    if not text:
        return []
    today = today or timezone.localdate()
    found: list[tuple[int, Finding]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(span) -> bool:
        return any(span[0] < end and start < span[1] for start, end in taken)

    for match in EMAIL.finditer(text):
        found.append((match.start(), Finding("email address", match[0])))
        taken.append(match.span())
    for span, written, date in _dates(text, today):
        if overlaps(span):
            continue
        before = text[max(0, span[0] - 30) : span[0]]
        old_enough = date.year <= today.year - BIRTH_DATE_MIN_AGE_YEARS
        if old_enough or BIRTH_WORDS.search(before):
            found.append((span[0], Finding("date of birth", written)))
        # A recent date is not an identifier, but it is not a phone number either.
        taken.append(span)
    for pattern in (US_PHONE, INTERNATIONAL_PHONE):
        for match in pattern.finditer(text):
            digits = sum(ch.isdigit() for ch in match[0])
            if overlaps(match.span()) or not 10 <= digits <= 15:
                continue
            found.append((match.start(), Finding("phone number", match[0].strip())))
            taken.append(match.span())
    return [finding for _, finding in sorted(found, key=lambda item: item[0])]
