"""Exports of records: an agency's own compartmented records as rows of a CSV or XLSX file.

What a user may export (``offered``):

* a dataset whose compartment one of their memberships in force holds by its role
  (``access.compartments_held``), and
* only from agencies of the discipline that keeps such records (cases are kept by law
  enforcement, client files by service providers...), where that membership is: an
  investigator is never offered client records, which no police department keeps.

Which rows (``rows``): ``access.visible(user, Model)`` narrowed to records **owned** by those
agencies. A record merely shared with the user's agency (a co-investigated case, a received
referral) is the owner's data and the owner's to export. Rows come in primary-key order (the
primary key's index), in one query whatever their number: every column is a field path read by
``values_list`` or a subquery annotation, choice codes are turned into their labels in Python.

What is left out:

* immigration status (8 U.S.C. 1367: citizenship, country of origin, A-number, and a referral's
  "foreign national" answer) unless ``victims.selectors.may_see_immigration(user)``; immigration
  relief records are not exported at all;
* contact details (phone, email, address, safe-contact notes, a referral's contact instructions)
  which may reveal where a victim is (VAWA: "anything revealing location"): a file leaves the
  access layer for good, so where to reach a person stays in the system;
* free-text narratives (case summary, referral situation, service description) and staff names:
  a file is a table of the record's facts, and people are named by record id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Aggregate, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.text import slugify

from agencies.models import VocaCategory
from agencies.roles import (
    PROTECTED_FROM_SERVICE_ACCOUNTS,
    Discipline,
    JurisdictionLevel,
    roles_that_may,
)
from cases.models import (
    Case,
    CaseStatus,
    Charge,
    ConfirmationStatus,
    Disposition,
    Gender,
    Origin,
    Prosecution,
    ProsecutionStatus,
    TraffickingSubtype,
    TraffickingType,
    UcrClearance,
)
from taskforce import access
from taskforce.periods import Period
from taskforce.reports import moment_bounds
from taskforce.spreadsheets import Sheet
from victims.models import (
    Citizenship,
    Client,
    ClientStatus,
    DeclineReason,
    Disability,
    ExitReason,
    IdentificationSource,
    RaceEthnicity,
    Referral,
    ReferralSource,
    ReferralStatus,
    ServiceRecord,
    ServiceStatus,
    Urgency,
    VictimWitness,
    YesNoNotReported,
)

LIST_SEPARATOR = "; "


class Joined(Aggregate):
    """The values of a group joined by ``; `` (``STRING_AGG`` on PostgreSQL, ``GROUP_CONCAT``
    on the embedded SQLite), for the numbers or names a record links to, in one query."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{LIST_SEPARATOR}' ORDER BY %(expressions)s)"
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template=f"%(function)s(%(expressions)s, '{LIST_SEPARATOR}')",
            **extra,
        )


# --- Cell values -------------------------------------------------------------------------------


def label_of(choices: type[models.TextChoices]) -> Callable[[object], object]:
    """A choice code as its label (an unknown code as itself, an empty one as an empty cell)."""
    labels = dict(choices.choices)
    return lambda code: labels.get(code, code) if code else None


def labels_of(choices: type[models.TextChoices]) -> Callable[[object], object]:
    """A list of choice codes (a multi-select) as their labels joined by ``; ``."""
    one = label_of(choices)
    return lambda codes: LIST_SEPARATOR.join(str(one(c)) for c in codes or ()) or None


def yes_no(value: object) -> object:
    return None if value is None else ("Yes" if value else "No")


def local(value: object) -> object:
    """A timestamp in the task force's time zone (files carry no time zone)."""
    return timezone.localtime(value) if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class Column:
    """One column: its heading, the field path (or annotation) read by ``values_list`` and how
    the value read becomes a cell."""

    label: str
    path: str
    convert: Callable[[object], object] | None = None
    immigration: bool = False  # 8 U.S.C. 1367: only for users who may see immigration status

    def cell(self, value: object) -> object:
        return self.convert(value) if self.convert else value


def _profile_columns() -> tuple[Column, ...]:
    """What an intake records about a person (victim-witness and client records alike)."""
    return (
        Column("Given name", "given_name"),
        Column("Family name", "family_name"),
        Column("Alias", "alias"),
        Column("Date of birth", "date_of_birth"),
        Column("Estimated age", "estimated_age"),
        Column("Age at identification", "age_at_identification"),
        Column("Minor", "is_minor", yes_no),
        Column("Identified on", "identified_on"),
        Column("Identification source", "identification_source", label_of(IdentificationSource)),
        Column("Referral source", "referral_source", label_of(ReferralSource)),
        Column("Gender", "gender", label_of(Gender)),
        Column("LGBTQ+", "lgbtq", label_of(YesNoNotReported)),
        Column("Race and ethnicity", "race_ethnicity", labels_of(RaceEthnicity)),
        Column("Disabilities", "disabilities", labels_of(Disability)),
        Column("Citizenship", "citizenship", label_of(Citizenship), immigration=True),
        Column("Country of origin", "country_of_origin", immigration=True),
        Column("A-number", "a_number", immigration=True),
        Column("Primary language", "primary_language__name"),
        Column("Interpreter needed", "interpreter_needed", yes_no),
        Column("Trafficking type", "trafficking_type", label_of(TraffickingType)),
        Column("Enrolled on", "enrolled_on"),
        Column("Exited on", "exited_on"),
        Column("Exit reason", "exit_reason", label_of(ExitReason)),
    )


# --- Datasets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """A kind of record that may be exported.

    ``disciplines``: the agencies that keep such records (the owner of every row is one).
    ``date_field``: the date (or timestamp) a period filter applies to.
    ``annotations``: subquery columns, built per user (a linked record's number is shown only
    when the user may see that record).
    """

    slug: str
    title: str
    model: type[models.Model]
    disciplines: frozenset[str]
    columns: tuple[Column, ...]
    date_field: str
    description: str
    annotations: Callable[[object], dict[str, models.Expression]] = field(default=lambda user: {})

    @property
    def compartment(self) -> str:
        return self.model.compartment

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def columns_for(self, immigration: bool) -> list[Column]:
        return [c for c in self.columns if immigration or not c.immigration]

    @property
    def has_immigration_columns(self) -> bool:
        return any(c.immigration for c in self.columns)


def _victim_case_numbers(user) -> dict[str, models.Expression]:
    """The numbers of a victim record's cases, among the cases the user may see."""
    through = VictimWitness.cases.through
    linked = (
        through.objects.filter(
            victimwitness_id=OuterRef("pk"),
            case_id__in=access.visible(user, Case.objects.all()).values("pk"),
        )
        .order_by()
        .values("victimwitness_id")
        .annotate(numbers=Joined("case__number"))
        .values("numbers")
    )
    return {"case_numbers": Subquery(linked)}


def _services_requested(user) -> dict[str, models.Expression]:
    """The kinds of service a referral asks for (a lookup, not compartmented)."""
    through = Referral.services_requested.through
    requested = (
        through.objects.filter(referral_id=OuterRef("pk"))
        .order_by()
        .values("referral_id")
        .annotate(names=Joined("servicetype__name"))
        .values("names")
    )
    return {"services_requested_names": Subquery(requested)}


def _service_partner(user) -> dict[str, models.Expression]:
    """A partner of the task force by name, otherwise the name typed for an outside one."""
    return {"partner_shown": Coalesce("partner__name", NullIf("partner_name", models.Value("")))}


_LAW_ENFORCEMENT = frozenset({Discipline.LAW_ENFORCEMENT})
_PROSECUTION = frozenset({Discipline.PROSECUTION})
_VICTIM_SERVICES = frozenset({Discipline.VICTIM_SERVICES})

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        slug="cases",
        title="Cases",
        model=Case,
        disciplines=_LAW_ENFORCEMENT,
        date_field="opened_on",
        description="Investigations your agency leads: number, title, status, type, "
        "jurisdiction and dates.",
        columns=(
            Column("ID", "pk"),
            Column("Agency", "owner_agency__name"),
            Column("Number", "number"),
            Column("Title", "title"),
            Column("Status", "status", label_of(CaseStatus)),
            Column("Origin", "origin", label_of(Origin)),
            Column("Trafficking type", "trafficking_type", label_of(TraffickingType)),
            Column("Trafficking subtype", "trafficking_subtype", label_of(TraffickingSubtype)),
            Column("Confirmation", "confirmation_status", label_of(ConfirmationStatus)),
            Column("Venue", "venue__name"),
            Column("Recruitment method", "recruitment_method__name"),
            Column("Jurisdiction level", "jurisdiction_level", label_of(JurisdictionLevel)),
            Column("Jurisdiction", "jurisdiction"),
            Column("Opened on", "opened_on"),
            Column("Closed on", "closed_on"),
            Column("Closing reason", "closing_reason"),
            Column("UCR clearance", "ucr_clearance", label_of(UcrClearance)),
        ),
    ),
    Dataset(
        slug="victims",
        title="Victim-witness records",
        model=VictimWitness,
        disciplines=_LAW_ENFORCEMENT | _PROSECUTION,
        date_field="identified_on",
        description="The victims and witnesses your agency holds, with their cases.",
        columns=(
            Column("ID", "pk"),
            Column("Agency", "owner_agency__name"),
            *_profile_columns(),
            Column("Cases", "case_numbers"),
        ),
        annotations=_victim_case_numbers,
    ),
    Dataset(
        slug="clients",
        title="Clients",
        model=Client,
        disciplines=_VICTIM_SERVICES,
        date_field="identified_on",
        description="Your agency's client records: intake, enrollment and exit.",
        columns=(
            Column("ID", "pk"),
            Column("Agency", "owner_agency__name"),
            Column("Status", "status", label_of(ClientStatus)),
            *_profile_columns(),
            Column("Family members served", "family_members_served"),
        ),
    ),
    Dataset(
        slug="services",
        title="Services",
        model=ServiceRecord,
        disciplines=_VICTIM_SERVICES,
        date_field="started_on",
        description="The services your clients receive, by VOCA category.",
        columns=(
            Column("ID", "pk"),
            Column("Agency", "owner_agency__name"),
            Column("Client ID", "client_id"),
            Column("Service", "service_type__name"),
            Column("VOCA category", "service_type__voca_category", label_of(VocaCategory)),
            Column("Status", "status", label_of(ServiceStatus)),
            Column("Started on", "started_on"),
            Column("Ended on", "ended_on"),
            Column("Delivered by", "partner_shown"),
        ),
        annotations=_service_partner,
    ),
    Dataset(
        slug="referrals",
        title="Referrals sent",
        model=Referral,
        disciplines=frozenset(Discipline.values),
        date_field="sent_at",
        description="Referrals your agency sent to service providers, with their outcome.",
        columns=(
            Column("ID", "pk"),
            Column("From agency", "owner_agency__name"),
            Column("Provider", "provider__name"),
            Column("Urgency", "urgency", label_of(Urgency)),
            Column("Status", "status", label_of(ReferralStatus)),
            Column("Services requested", "services_requested_names"),
            Column("Shared name", "shared_name"),
            Column("Shared age", "shared_age"),
            Column("Minor", "is_minor", yes_no),
            Column("Shared gender", "shared_gender", label_of(Gender)),
            Column("Shared language", "shared_language__name"),
            Column("Interpreter needed", "interpreter_needed", yes_no),
            Column("Trafficking type", "trafficking_type", label_of(TraffickingType)),
            Column("Foreign national", "foreign_national", yes_no, immigration=True),
            Column("Sent at", "sent_at", local),
            Column("Respond by", "respond_by", local),
            Column("Responded at", "responded_at", local),
            Column("Decline reason", "decline_reason", label_of(DeclineReason)),
            Column("Closed at", "closed_at", local),
        ),
        annotations=_services_requested,
    ),
    Dataset(
        slug="prosecutions",
        title="Prosecutions",
        model=Prosecution,
        disciplines=_PROSECUTION,
        date_field="opened_on",
        description="Prosecutions your office conducts, with the case each came from.",
        columns=(
            Column("ID", "pk"),
            Column("Office", "owner_agency__name"),
            Column("Case number", "case__number"),
            Column("Court case number", "court_case_number"),
            Column("Jurisdiction level", "jurisdiction_level", label_of(JurisdictionLevel)),
            Column("Status", "status", label_of(ProsecutionStatus)),
            Column("Opened on", "opened_on"),
        ),
    ),
    Dataset(
        slug="charges",
        title="Charges",
        model=Charge,
        disciplines=_PROSECUTION,
        date_field="charged_on",
        description="Charges your office filed: statute, NIBRS offense, disposition, sentence.",
        columns=(
            Column("ID", "pk"),
            Column("Office", "owner_agency__name"),
            Column("Prosecution ID", "prosecution_id"),
            Column("Case number", "prosecution__case__number"),
            Column("Subject ID", "subject_id"),
            Column("Statute", "statute__citation"),
            Column("NIBRS offense", "nibrs_offense__code"),
            Column("Counts", "counts"),
            Column("Charged on", "charged_on"),
            Column("Disposition", "disposition", label_of(Disposition)),
            Column("Disposition on", "disposition_on"),
            Column("Sentence", "sentence"),
            Column("Restitution ordered", "restitution_ordered"),
        ),
    ),
)
BY_SLUG = {d.slug: d for d in DATASETS}


# --- Who may export what -----------------------------------------------------------------------


def own_agencies(user, dataset: Dataset, memberships: Sequence) -> list:
    """The agencies whose ``dataset`` records ``user`` exports: those where a membership in
    force holds the dataset's compartment by its role and whose discipline keeps such records.
    ``memberships``: the user's memberships in force with their agencies (no query here)."""
    if dataset.compartment not in access.compartments_held(user, memberships):
        return []
    roles = roles_that_may(dataset.compartment, "view")
    protected = dataset.compartment in PROTECTED_FROM_SERVICE_ACCOUNTS
    agencies = {
        m.agency_id: m.agency
        for m in memberships
        if m.role in roles
        and m.agency.discipline in dataset.disciplines
        and not (protected and m.is_service_account)
    }
    return sorted(agencies.values(), key=lambda a: a.pk)


def offered(user, memberships: Sequence) -> list[tuple[Dataset, list]]:
    """The datasets ``user`` may export, each with the agencies whose records it holds."""
    found = []
    for dataset in DATASETS:
        agencies = own_agencies(user, dataset, memberships)
        if agencies:
            found.append((dataset, agencies))
    return found


# --- Rows --------------------------------------------------------------------------------------


def period_q(dataset: Dataset, period: Period) -> Q:
    """The records whose date (or timestamp, in the task force's days) falls in ``period``."""
    name = dataset.date_field
    if isinstance(dataset.model._meta.get_field(name), models.DateTimeField):
        start, end = moment_bounds(period.start, period.end)
        return Q(**{f"{name}__gte": start, f"{name}__lt": end})
    return Q(**{f"{name}__gte": period.start, f"{name}__lte": period.end})


def records(user, dataset: Dataset, agencies: Sequence, period: Period | None = None):
    """The queryset of ``dataset`` records owned by ``agencies`` that the access layer shows
    ``user``, oldest record first (primary key order)."""
    qs = access.visible(user, dataset.model._default_manager.all()).filter(
        owner_agency__in=[a.pk for a in agencies]
    )
    if period is not None:
        qs = qs.filter(period_q(dataset, period))
    return qs.order_by("pk")


def rows(
    user, dataset: Dataset, agencies: Sequence, *, immigration: bool, period: Period | None = None
) -> tuple[list[Column], list[list[object]]]:
    """The columns and the rows of a file, read in one query."""
    columns = dataset.columns_for(immigration)
    qs = records(user, dataset, agencies, period).annotate(**dataset.annotations(user))
    values = qs.values_list(*(c.path for c in columns))
    return columns, [
        [column.cell(v) for column, v in zip(columns, row, strict=True)] for row in values
    ]


def sheet(
    user, dataset: Dataset, agencies: Sequence, *, immigration: bool, period: Period | None = None
) -> tuple[Sheet, int]:
    """The dataset as one sheet (heading row, then one row per record) and its row count.
    ``immigration``: whether the user may see immigration status (``may_see_immigration``)."""
    columns, body = rows(user, dataset, agencies, immigration=immigration, period=period)
    return Sheet(dataset.title, [[c.label for c in columns], *body]), len(body)


def filename(dataset: Dataset, agencies: Sequence, day: dt.date, period: Period | None) -> str:
    """``acpd-cases-2026-11-27``: whose, what, when (and the period when one was chosen)."""
    whose = "-".join(slugify(a.acronym or f"agency-{a.pk}") for a in agencies)
    parts = [whose, dataset.slug]
    if period is not None:
        parts.append(period.key.lower())
    parts.append(day.isoformat())
    return "-".join(parts)
