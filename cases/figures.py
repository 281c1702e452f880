"""Aggregate figures of investigations and prosecutions (DOMAIN §8, law enforcement), for
``taskforce.reports``. Each function takes a ``Scope`` and returns tables of counts computed by
the database; the scope decides whose records are counted and whether they are suppressed."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from agencies.roles import Discipline, JurisdictionLevel
from cases.models import (
    Case,
    CaseStatus,
    Charge,
    ConfirmationStatus,
    Disposition,
    Origin,
    Prosecution,
    Subject,
    SubjectRole,
    TraffickingType,
)
from taskforce.reports import Scope, Table, by_month, choices, month_rows, tally


def cases_opened(scope: Scope):
    """Cases opened in the period, of the scope's agencies and trafficking type."""
    return scope.records(Case, type_field="trafficking_type").filter(scope.on_days("opened_on"))


def cases_by_month_and_origin(scope: Scope) -> Table:
    cells = by_month(
        tally(cases_opened(scope).annotate(month=TruncMonth("opened_on")), "month", "origin")
    )
    return Table(
        "cases_by_month_origin",
        "Cases opened by month, reactive and proactive",
        month_rows(scope.period),
        choices(Origin),
        cells,
        chart="stacked",
    )


def cases_by_month_and_type(scope: Scope) -> Table:
    cells = by_month(
        tally(
            cases_opened(scope).annotate(month=TruncMonth("opened_on")),
            "month",
            "trafficking_type",
        )
    )
    return Table(
        "cases_by_month_type",
        "Cases opened by month and trafficking type",
        month_rows(scope.period),
        choices(TraffickingType),
        cells,
        chart="stacked",
    )


def case_status(scope: Scope) -> Table:
    return Table(
        "case_status",
        "Cases opened in the period: status by confirmation",
        choices(CaseStatus),
        choices(ConfirmationStatus),
        tally(cases_opened(scope), "status", "confirmation_status"),
        chart="stacked",
    )


def dashboard_tables(scope: Scope) -> list[Table]:
    return [cases_by_month_and_origin(scope), cases_by_month_and_type(scope), case_status(scope)]


# --- Law enforcement (DOMAIN §8): investigations, suspects, arrests ---------------------------


def cases_by_type_and_origin(scope: Scope) -> Table:
    return Table(
        "cases_by_type_origin",
        "Investigations opened, by trafficking type, reactive and proactive",
        choices(TraffickingType),
        choices(Origin),
        tally(cases_opened(scope), "trafficking_type", "origin"),
        chart="stacked",
    )


def subjects(scope: Scope):
    """Suspects and offenders on the scope's cases (every subject role is a suspect's)."""
    return scope.records(Subject, type_field="case__trafficking_type")


def suspects_identified(scope: Scope) -> Table:
    return Table(
        "suspects_identified",
        "Suspects identified, by role and trafficking type",
        choices(SubjectRole),
        choices(TraffickingType),
        tally(
            subjects(scope).filter(scope.at_moments("created_at")), "role", "case__trafficking_type"
        ),
        chart="stacked",
        note="Subjects recorded on a case during the period, whenever the case was opened: a "
        "suspect is identified when entered, often after the case opens, and a past period's "
        "figure does not change when suspects are added to its cases later. Every subject "
        "role (trafficker, recruiter, facilitator, purchaser, controller) is a suspect's.",
    )


def arrests(scope: Scope) -> Table:
    return Table(
        "arrests",
        "Suspects arrested, by trafficking type of the case",
        choices(TraffickingType),
        [("n", "Arrested")],
        tally(subjects(scope).filter(scope.on_days("arrest_date")), "case__trafficking_type"),
        note="Subjects whose arrest date falls in the period.",
    )


# --- Prosecution (DOMAIN §3, §8): prosecutions, charges, dispositions --------------------------


def _prosecution_path(scope: Scope, to_prosecution: str = "") -> str:
    """The field naming the agency whose prosecution figures these are: a prosecutor office's
    own prosecutions, or a law-enforcement agency's cases' prosecutions."""
    if scope.agency is None or scope.agency.discipline == Discipline.PROSECUTION:
        return f"{to_prosecution}owner_agency"
    return f"{to_prosecution}case__owner_agency"


def prosecutions(scope: Scope):
    return scope.records(
        Prosecution,
        agency_field=_prosecution_path(scope),
        type_field="case__trafficking_type",
    )


def charges(scope: Scope):
    return scope.records(
        Charge,
        agency_field=_prosecution_path(scope, "prosecution__"),
        type_field="prosecution__case__trafficking_type",
    )


def prosecutions_by_jurisdiction(scope: Scope) -> Table:
    return Table(
        "prosecutions_by_jurisdiction",
        "Prosecutions opened, by jurisdiction",
        choices(JurisdictionLevel),
        [("n", "Prosecutions")],
        tally(prosecutions(scope).filter(scope.on_days("opened_on")), "jurisdiction_level"),
    )


def charges_filed_by_disposition(scope: Scope) -> Table:
    return Table(
        "charges_filed_by_disposition",
        "Charges filed, by disposition to date",
        choices(Disposition),
        [("n", "Charges")],
        tally(charges(scope).filter(scope.on_days("charged_on")), "disposition"),
        note="Charges filed in the period, with their disposition as recorded today.",
    )


DECIDED = choices(Disposition, leave_out=[Disposition.PENDING])
GUILTY = (Disposition.PLEADED_GUILTY, Disposition.CONVICTED)


def dispositions(scope: Scope) -> Table:
    return Table(
        "dispositions",
        "Charges disposed, by disposition",
        DECIDED,
        [("n", "Charges")],
        tally(charges(scope).filter(scope.on_days("disposition_on")), "disposition"),
        note="Charges whose disposition date falls in the period.",
    )


def charges_by_reference(
    scope: Scope, field: str, label_fields: tuple[str, str], key: str, title: str, noun: str
) -> Table:
    """Charges filed in the period by a reference row (statute, NIBRS offense) with its labels,
    in one query: only the references that occur become rows."""
    code, name = (f"{field}__{f}" for f in label_fields)
    found = (
        charges(scope)
        .filter(scope.on_days("charged_on"))
        .order_by(code)
        .values(field, code, name)
        .annotate(n=Count("pk"))
    )
    return Table(
        key,
        title,
        [(r[field], f"{r[code]} {r[name]}") for r in found],
        [("n", "Charges")],
        {(r[field], "n"): r["n"] for r in found},
        note=f"Charges filed in the period; {noun} appears once it is charged.",
    )


def charges_by_statute(scope: Scope) -> Table:
    return charges_by_reference(
        scope, "statute", ("citation", "title"), "charges_by_statute",
        "Charges filed, by statute", "a statute",
    )  # fmt: skip


def charges_by_nibrs(scope: Scope) -> Table:
    return charges_by_reference(
        scope, "nibrs_offense", ("code", "name"), "charges_by_nibrs",
        "Charges filed, by NIBRS offense", "an offense",
    )  # fmt: skip


def convictions(scope: Scope) -> Table:
    """Defendants, not charges: one defendant convicted on three charges is one conviction."""
    disposed = charges(scope).filter(scope.on_days("disposition_on"))

    def defendants(*outcomes) -> Count:
        return Count("subject", distinct=True, filter=Q(disposition__in=outcomes))

    found = disposed.aggregate(
        pleaded=defendants(Disposition.PLEADED_GUILTY),
        tried=defendants(Disposition.CONVICTED),
        either=defendants(*GUILTY),
    )
    return Table(
        "convictions",
        "Defendants convicted",
        [
            ("either", "Convicted (by plea or at trial)"),
            ("pleaded", Disposition.PLEADED_GUILTY.label),
            ("tried", Disposition.CONVICTED.label),
        ],
        [("n", "Defendants")],
        {(key, "n"): n for key, n in found.items()},
        totals="none",
        note="Distinct defendants with a charge disposed by a guilty plea or a conviction at "
        "trial in the period. A defendant who pleaded to one charge and was convicted at trial "
        "on another counts in both of those rows, once in the first.",
    )


def sentences(scope: Scope) -> Table:
    """Only a count: the sentence is free text and is never published."""
    sentenced = charges(scope).filter(scope.on_days("disposition_on")).exclude(sentence="")
    return Table(
        "sentences",
        "Charges with a sentence, by disposition",
        [(value, label) for value, label in DECIDED if value in GUILTY],
        [("n", "Charges sentenced")],
        tally(sentenced.filter(disposition__in=GUILTY), "disposition"),
        note="Charges disposed in the period with a sentence recorded.",
    )


def prosecution_tables(scope: Scope) -> list[Table]:
    return [
        prosecutions_by_jurisdiction(scope),
        charges_filed_by_disposition(scope),
        dispositions(scope),
    ]


def report_tables(scope: Scope) -> list[Table]:
    return [
        cases_by_type_and_origin(scope),
        suspects_identified(scope),
        arrests(scope),
        charges_by_statute(scope),
        charges_by_nibrs(scope),
        prosecutions_by_jurisdiction(scope),
        convictions(scope),
        dispositions(scope),
        sentences(scope),
    ]
