"""Normalized forms of target identifiers, so that the same phone, address or handle entered
two different ways by two agencies still matches in deconfliction."""

from __future__ import annotations

import re
import unicodedata

_ADDRESS_WORDS = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "HIGHWAY": "HWY",
    "APARTMENT": "APT",
    "SUITE": "STE",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}
_BUSINESS_SUFFIXES = {"LLC", "INC", "CORP", "CORPORATION", "CO", "LTD", "COMPANY", "LP", "PLLC"}


def _fold(text: str) -> str:
    """Strip accents and case: 'José' and 'JOSE' are one name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+", _fold(text))


def phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]  # North American numbers with the country code
    return digits


def email(value: str) -> str:
    return value.strip().lower()


def address(value: str) -> str:
    return " ".join(_ADDRESS_WORDS.get(w, w) for w in _words(value))


def business(value: str) -> str:
    words = [w for w in _words(value.replace("&", " AND ")) if w not in _BUSINESS_SUFFIXES]
    return " ".join(words)


def handle(value: str) -> str:
    return value.strip().lstrip("@").lower()


def vehicle(value: str) -> str:
    return "".join(_words(value))


def person(first_name: str, last_name: str, date_of_birth) -> str:
    return f"{''.join(_words(last_name))}|{''.join(_words(first_name))}|{date_of_birth:%Y-%m-%d}"


NORMALIZERS = {
    "phone": phone,
    "email": email,
    "address": address,
    "business": business,
    "handle": handle,
    "vehicle": vehicle,
}


def normalize(kind: str, value: str) -> str:
    """The matching key of an identifier (person identifiers are built by ``person``)."""
    return NORMALIZERS[kind](value)
