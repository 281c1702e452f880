"""Aggregate figures of victims, clients, referrals and services (DOMAIN §4, §5, §8), for
``taskforce.reports``. Each function takes a ``Scope`` and returns tables of counts or statistics
computed by the database; the scope decides whose records are counted and whether they are
suppressed.

Two holders count victims and never meet (``victims.models``): law enforcement and prosecution
hold victim-witness records, service providers hold client records. One person may be held by
both, so their counts stand side by side and are never added up.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from agencies.models import ServiceType, VocaCategory
from agencies.roles import Discipline
from cases.models import Gender, TraffickingType
from taskforce.periods import Period
from taskforce.reports import (
    Scope,
    Table,
    by_month,
    choices,
    count_list_members,
    month_rows,
    tally,
)
from victims.models import (
    FOREIGN_NATIONAL,
    Citizenship,
    Client,
    RaceEthnicity,
    Referral,
    ReferralSource,
    ReferralStatus,
    ServiceRecord,
    Urgency,
    VictimWitness,
)

CLIENTS = [("n", "Clients")]
HOLDERS = [
    ("victim_witness", "Held by law enforcement / prosecution"),
    ("client", "Clients of service providers"),
]
HOLDERS_NOTE = (
    "Victim-witness records and client records are kept apart: one person may be counted by "
    "both, so the two are never added up."
)
AGE_GROUPS = [("adult", "Adults"), ("minor", "Minors"), ("unknown", "Age unknown")]
OTHER_GENDERS = (Gender.TRANSGENDER, Gender.NON_BINARY, Gender.OTHER)
US_CITIZENS = (Citizenship.US_CITIZEN, Citizenship.LPR)
RESPONSE_WINDOW = dt.timedelta(hours=48)
HOUSING = VocaCategory.D


# --- Victims identified -----------------------------------------------------------------------


def victims_identified(scope: Scope):
    """Victim-witness records of law enforcement and prosecution identified in the period."""
    return scope.records(VictimWitness, type_field="trafficking_type").filter(
        scope.on_days("identified_on")
    )


def clients_identified(scope: Scope):
    """Client records of service providers whose person was identified in the period."""
    return scope.records(Client, type_field="trafficking_type").filter(
        scope.on_days("identified_on")
    )


def age_group(prefix: str = "") -> models.Case:
    """Adult, minor or unknown. Minority is derived from the age at identification; a record
    without any age is neither adult nor minor."""
    return models.Case(
        When(**{f"{prefix}age_at_identification__isnull": True}, then=Value("unknown")),
        When(**{f"{prefix}is_minor": True}, then=Value("minor")),
        default=Value("adult"),
        output_field=CharField(),
    )


# A person's dimensions (DOMAIN §4): key, title, field or expression, categories.
PROFILE_DIMENSIONS = [
    ("age", "adult or minor", age_group, AGE_GROUPS),
    ("gender", "gender", "gender", choices(Gender)),
    ("citizenship", "citizenship", "citizenship", choices(Citizenship)),
    ("trafficking_type", "trafficking type", "trafficking_type", choices(TraffickingType)),
]


def tally_dimension(qs, field) -> dict:
    """``{(category, "n"): n}`` over a field, or over an expression (``age_group``)."""
    if callable(field):
        return tally(qs.annotate(category=field()), "category")
    return tally(qs, field)


def identified_by_month(scope: Scope) -> Table:
    cells = {}
    for holder, qs in (
        ("victim_witness", victims_identified(scope)),
        ("client", clients_identified(scope)),
    ):
        counted = by_month(tally(qs.annotate(month=TruncMonth("identified_on")), "month"))
        cells.update({(month, holder): n for (month, _), n in counted.items()})
    return Table(
        "victims_identified_by_month",
        "Victims identified by month",
        month_rows(scope.period),
        HOLDERS,
        cells,
        totals="none",
        chart="line",
        note=HOLDERS_NOTE,
    )


def identified_populations(scope: Scope) -> list[Table]:
    """One table per dimension; each holder's row adds up to the victims it identified."""
    tables = []
    for key, title, field, categories in PROFILE_DIMENSIONS:
        cells = {}
        for holder, qs in (
            ("victim_witness", victims_identified(scope)),
            ("client", clients_identified(scope)),
        ):
            counted = tally_dimension(qs, field)
            cells.update({(holder, category): n for (category, _), n in counted.items()})
        tables.append(
            Table(
                f"victims_identified_{key}",
                f"Victims identified in the period by {title}",
                HOLDERS,
                categories,
                cells,
                totals="rows",
                chart="stacked",
                note=HOLDERS_NOTE,
            )
        )
    return tables


def identified_tables(scope: Scope) -> list[Table]:
    return [identified_by_month(scope), *identified_populations(scope)]


# --- Referrals --------------------------------------------------------------------------------


def referral_agency_field(scope: Scope) -> str:
    """A service provider's own figures are the referrals it received; any other agency's are
    the referrals it sent (the sender owns a referral)."""
    if scope.agency is not None and scope.agency.discipline == Discipline.VICTIM_SERVICES:
        return "provider"
    return "owner_agency"


def referrals_sent(scope: Scope):
    """Referrals sent in the period (by the agency, or to it for a provider)."""
    return scope.records(
        Referral, agency_field=referral_agency_field(scope), type_field="trafficking_type"
    ).filter(scope.at_moments("sent_at"))


# Outcome of a referral. A closed referral keeps its answer: accepting makes a client record,
# declining needs a reason, so both are read from those fields rather than from the status.
ACCEPTED = Q(client__isnull=False)
DECLINED = ~Q(decline_reason="")
OUTCOMES = [
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("awaiting", "Awaiting a response"),
    ("withdrawn", "Withdrawn"),
]


def outcome() -> models.Case:
    return models.Case(
        When(ACCEPTED, then=Value("accepted")),
        When(DECLINED, then=Value("declined")),
        When(status=ReferralStatus.SENT, then=Value("awaiting")),
        default=Value("withdrawn"),
        output_field=CharField(),
    )


def referrals_by_month(scope: Scope) -> Table:
    qs = referrals_sent(scope).annotate(month=TruncMonth("sent_at"), outcome=outcome())
    return Table(
        "referrals_by_month",
        "Referrals sent by month, by outcome",
        month_rows(scope.period),
        OUTCOMES,
        by_month(tally(qs, "month", "outcome")),
        chart="stacked",
        note="A provider's own figures are the referrals it received.",
    )


RESPONSE_ROWS = [("all", "All referrals"), ("urgent", "Urgent"), ("routine", "Routine")]
RESPONSE_GROUPS = {
    "all": None,
    "urgent": Q(urgency=Urgency.URGENT),
    "routine": Q(urgency=Urgency.ROUTINE),
}


def answered(scope: Scope):
    """Referrals sent in the period and answered (accepted or declined), with their wait."""
    return (
        referrals_sent(scope)
        .filter(responded_at__isnull=False)
        .annotate(wait=F("responded_at") - F("sent_at"))
    )


def median_wait(qs, n: int) -> dt.timedelta | None:
    """The median of ``wait`` over ``n`` records: the database orders them and returns only the
    middle one (odd ``n``) or two (even ``n``), on PostgreSQL and SQLite alike."""
    if not n:
        return None
    middle = list(
        qs.order_by("wait", "pk").values_list("wait", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    return sum(middle, dt.timedelta()) / len(middle)


def response_time_tables(scope: Scope) -> list[Table]:
    """Median hours from sending to the provider's answer, and the share answered within 48
    hours, for all, urgent and routine referrals. Each cell rests on its answered referrals."""
    qs = answered(scope)
    within = Q(wait__lte=RESPONSE_WINDOW)
    counts = qs.aggregate(
        **{f"n_{key}": Count("pk", filter=q) for key, q in RESPONSE_GROUPS.items()},
        **{
            f"w_{key}": Count("pk", filter=within if q is None else q & within)
            for key, q in RESPONSE_GROUPS.items()
        },
    )
    medians, shares, basis = {}, {}, {}
    for key, q in RESPONSE_GROUPS.items():
        n = counts[f"n_{key}"]
        basis[key] = n
        median = median_wait(qs if q is None else qs.filter(q), n)
        if median is not None:
            medians[key, "median"] = median.total_seconds() / 3600
            shares[key, "within_48h"] = 100 * counts[f"w_{key}"] / n
    return [
        Table(
            "referral_response_hours",
            "Time to response: median hours from referral to answer",
            RESPONSE_ROWS,
            [("median", "Median hours")],
            medians,
            totals="none",
            basis={(key, "median"): n for key, n in basis.items()},
            unit="hours",
            chart="",
            note="Referrals sent in the period and accepted or declined.",
        ),
        Table(
            "referral_response_within_48h",
            "Time to response: share answered within 48 hours",
            RESPONSE_ROWS,
            [("within_48h", "Answered within 48 hours")],
            shares,
            totals="none",
            basis={(key, "within_48h"): n for key, n in basis.items()},
            unit="percent",
            chart="",
            note="Of the referrals sent in the period and accepted or declined.",
        ),
    ]


def referral_tables(scope: Scope) -> list[Table]:
    return [referrals_by_month(scope), *response_time_tables(scope)]


# --- Services ---------------------------------------------------------------------------------


def services_in_period(scope: Scope):
    """Service records running at some time in the period."""
    period = scope.period
    return scope.records(ServiceRecord, type_field="client__trafficking_type").filter(
        Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    )


SEVERAL_ROWS_NOTE = "Clients receiving services in the period; a client counts under each service."


def services_by_category(scope: Scope) -> Table:
    return Table(
        "services_by_voca_category",
        "Clients receiving services, by VOCA category",
        choices(VocaCategory),
        CLIENTS,
        tally(services_in_period(scope), "service_type__voca_category", distinct="client"),
        totals="none",
        note=SEVERAL_ROWS_NOTE,
    )


def services_by_type(scope: Scope) -> Table:
    """Every active service type (and any retired one still delivered), under its category."""
    cells = tally(services_in_period(scope), "service_type__code", distinct="client")
    delivered = [code for code, _ in cells]
    types = (
        ServiceType.objects.filter(Q(active=True) | Q(code__in=delivered))
        .order_by("voca_category", "name")
        .values_list("code", "voca_category", "name")
    )
    return Table(
        "services_by_type",
        "Clients receiving services, by service (grouped by VOCA category)",
        [(code, f"{category}. {name}") for code, category, name in types],
        CLIENTS,
        cells,
        totals="none",
        chart="",
        note=SEVERAL_ROWS_NOTE,
    )


def service_tables(scope: Scope) -> list[Table]:
    return [services_by_category(scope), services_by_type(scope)]


# --- Victim services (funder report) ----------------------------------------------------------


def clients_served(scope: Scope):
    """Clients enrolled at some time in the period (a client never enrolled is not served)."""
    period = scope.period
    return scope.records(Client, type_field="trafficking_type").filter(
        Q(enrolled_on__isnull=False, enrolled_on__lte=period.end)
        & (Q(exited_on__isnull=True) | Q(exited_on__gte=period.start))
    )


def served_earlier_in_year(period: Period) -> Q | None:
    """Clients also served in the same fiscal year before the period: they are continuing.
    None when the period opens the fiscal year (Q1, H1, the year): everyone served is new."""
    if period.start <= period.fiscal_year_start:
        return None
    return Q(enrolled_on__lt=period.start) & (
        Q(exited_on__isnull=True) | Q(exited_on__gte=period.fiscal_year_start)
    )


def new_clients(scope: Scope):
    """Clients served in the period and not earlier in the same fiscal year (DOMAIN §4)."""
    earlier = served_earlier_in_year(scope.period)
    qs = clients_served(scope)
    return qs if earlier is None else qs.exclude(earlier)


def new_or_continuing(period: Period) -> models.Case | Value:
    earlier = served_earlier_in_year(period)
    if earlier is None:
        return Value("new", output_field=CharField())
    return models.Case(
        When(earlier, then=Value("continuing")), default=Value("new"), output_field=CharField()
    )


def clients_served_table(scope: Scope) -> Table:
    qs = clients_served(scope).annotate(kind=new_or_continuing(scope.period))
    return Table(
        "clients_served",
        "Clients served: new and continuing",
        [("new", "New clients"), ("continuing", "Continuing clients")],
        CLIENTS,
        tally(qs, "kind"),
        note="A client is new the first time they are served in a federal fiscal year.",
    )


def new_client_demographics(scope: Scope) -> list[Table]:
    qs = new_clients(scope)
    tables = [
        Table(
            f"new_clients_{key}",
            f"New clients by {title}",
            categories,
            CLIENTS,
            tally_dimension(qs, field),
        )
        for key, title, field, categories in PROFILE_DIMENSIONS
    ]
    tables.append(new_clients_by_race(scope))
    tables.append(
        Table(
            "new_clients_referral_source",
            "New clients by referral source",
            choices(ReferralSource),
            CLIENTS,
            tally(qs, "referral_source"),
        )
    )
    return tables


def new_clients_by_race(scope: Scope) -> Table:
    """Race and ethnicity are a multi-select list: a client counts under each value named."""
    qs = new_clients(scope)
    found = count_list_members(qs, "race_ethnicity", RaceEthnicity.values)
    found["not_recorded"] = qs.filter(race_ethnicity=[]).count()
    rows = [*choices(RaceEthnicity), ("not_recorded", "Not recorded")]
    return Table(
        "new_clients_race_ethnicity",
        "New clients by race and ethnicity",
        rows,
        CLIENTS,
        {(value, "n"): found[value] for value, _ in rows},
        totals="none",
        note="A client may name several races or ethnicities and counts under each.",
    )


def family_members_table(scope: Scope) -> Table:
    total = clients_served(scope).aggregate(n=Coalesce(Sum("family_members_served"), 0))["n"]
    return Table(
        "family_members_served",
        "Eligible family members served",
        [("family_members", "Family members of clients served")],
        [("n", "People")],
        {("family_members", "n"): total},
        totals="none",
        note="Counted apart from the clients themselves.",
    )


def victim_services_tables(scope: Scope) -> list[Table]:
    return [
        clients_served_table(scope),
        *new_client_demographics(scope),
        *service_tables(scope),
        family_members_table(scope),
    ]


# --- Nondiscrimination view -------------------------------------------------------------------


def housing_services(scope: Scope):
    return services_in_period(scope).filter(service_type__voca_category=HOUSING)


def compared_figures(scope: Scope) -> list[tuple[str, str, object, str, str]]:
    """The figures compared side by side: key, label, records, the record's kind (profile,
    referral or service, for its population fields) and what is counted (distinct clients for
    services)."""
    sent = referrals_sent(scope)
    return [
        ("victims_identified", "Victims identified by law enforcement / prosecution",
         victims_identified(scope), "profile", ""),
        ("clients_served", "Clients served", clients_served(scope), "profile", ""),
        ("new_clients", "New clients", new_clients(scope), "profile", ""),
        ("housing_clients", "Clients receiving shelter / housing services",
         housing_services(scope), "service", "client"),
        ("referrals_sent", "Referrals sent", sent, "referral", ""),
        ("referrals_accepted", "Referrals accepted", sent.filter(ACCEPTED), "referral", ""),
        ("referrals_declined", "Referrals declined", sent.filter(DECLINED), "referral", ""),
    ]  # fmt: skip


def by_trafficking_type(scope: Scope) -> list[Table]:
    from cases.figures import cases_opened

    rows = [
        *compared_figures(scope),
        ("investigations_opened", "Investigations opened", cases_opened(scope), "case", ""),
    ]
    cells = {}
    for key, _, qs, kind, distinct in rows:
        field = "client__trafficking_type" if kind == "service" else "trafficking_type"
        counted = tally(qs, field, distinct=distinct)
        cells.update({(key, value): n for (value, _), n in counted.items()})
    return [
        Table(
            "figures_by_trafficking_type",
            "The same figures by trafficking type",
            [(key, label) for key, label, *_ in rows],
            choices(TraffickingType),
            cells,
            totals="rows",
            chart="stacked",
            note="Each row adds up to the figure for every type; victim records and client "
            "records may count the same person.",
        )
    ]


POPULATIONS = [
    ("adult", "Adults"),
    ("minor", "Minors"),
    ("female", "Female"),
    ("male", "Male"),
    ("gender_other", "Transgender, non-binary or other gender"),
    ("us_citizen", "U.S. citizens and permanent residents"),
    ("foreign_national", "Foreign nationals"),
]


def population_filters(kind: str) -> dict[str, Q]:
    """Each population as a condition on a victim record, a client record (``profile``), a
    service's client (``service``) or what a referral shared (``referral``)."""
    if kind == "referral":
        return {
            "adult": Q(shared_age__isnull=False, is_minor=False),
            "minor": Q(is_minor=True),
            "female": Q(shared_gender=Gender.FEMALE),
            "male": Q(shared_gender=Gender.MALE),
            "gender_other": Q(shared_gender__in=OTHER_GENDERS),
            "us_citizen": Q(foreign_national=False),
            "foreign_national": Q(foreign_national=True),
        }
    p = "client__" if kind == "service" else ""
    return {
        "adult": Q(**{f"{p}age_at_identification__isnull": False, f"{p}is_minor": False}),
        "minor": Q(**{f"{p}is_minor": True}),
        "female": Q(**{f"{p}gender": Gender.FEMALE}),
        "male": Q(**{f"{p}gender": Gender.MALE}),
        "gender_other": Q(**{f"{p}gender__in": OTHER_GENDERS}),
        "us_citizen": Q(**{f"{p}citizenship__in": US_CITIZENS}),
        "foreign_national": Q(**{f"{p}citizenship__in": FOREIGN_NATIONAL}),
    }


def count_populations(qs, kind: str, distinct: str = "") -> dict[str, int]:
    """Every population of one figure in one query (conditional counts)."""
    found = qs.aggregate(
        **{
            f"n_{key}": Count(distinct or "pk", distinct=bool(distinct), filter=q)
            for key, q in population_filters(kind).items()
        }
    )
    return {key: found[f"n_{key}"] for key, _ in POPULATIONS}


def figures_by_population(scope: Scope) -> Table:
    rows = compared_figures(scope)
    cells = {}
    for key, _, qs, kind, distinct in rows:
        counted = count_populations(qs, kind, distinct)
        cells.update({(key, population): n for population, n in counted.items()})
    return Table(
        "figures_by_population",
        "The same figures by victim population",
        [(key, label) for key, label, *_ in rows],
        POPULATIONS,
        cells,
        totals="none",
        chart="",
        note="Populations overlap (an adult woman counts as adult and as female) and records "
        "without the detail count in none, so nothing adds up.",
    )


COVERAGE_TYPES = {"sex": {"sex-trafficking"}, "labor": {"labor-trafficking"}}


def coverage_table(scope: Scope) -> Table:
    """How many active member agencies can serve each population (coverage matrix, DOMAIN
    §8); a 0 is a gap. Agency capabilities are governance records: not suppressed."""
    from agencies.selectors import coverage_matrix

    matrix = coverage_matrix(scope.user)
    kinds = COVERAGE_TYPES.get(scope.trafficking_type)
    lines = [r for r in matrix.rows if kinds is None or r.trafficking_type.code in kinds]

    def key(line) -> str:
        return f"{line.age.code}/{line.trafficking_type.code}/{line.citizenship.code}"

    return Table(
        "coverage_gaps",
        "Member agencies able to serve each population (0 = a gap)",
        [(key(line), line.label) for line in lines],
        [(gender.code, gender.name) for gender in matrix.genders],
        {
            (key(line), cell.gender.code): len(cell.agencies)
            for line in lines
            for cell in line.cells
        },
        totals="none",
        people=False,
        chart="",
        note="Active member agencies that declared every dimension of the population, whatever "
        "the period and agency chosen; a 0 marks a population no agency has declared it serves.",
    )


def by_population(scope: Scope) -> list[Table]:
    return [figures_by_population(scope), coverage_table(scope)]
