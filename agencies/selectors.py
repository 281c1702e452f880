"""Reads of agencies and memberships (governance: every active member reads the directory)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from agencies.models import (
    Agency,
    Language,
    Membership,
    OutreachEvent,
    Population,
    PopulationDimension,
    Training,
    TrainingAttendance,
    TrendBulletin,
)
from agencies.roles import SUPERVISOR_ROLES


def active_memberships(user) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user_id=user.pk)


def membership_in(user, agency, roles) -> Membership | None:
    """The user's membership in force in ``agency`` in one of ``roles``, if any."""
    return (
        Membership.objects.active().filter(user=user, agency=agency, role__in=list(roles)).first()
    )


def is_member(user) -> bool:
    """Holds a membership in force (remembered on the user object for the request)."""
    cached = getattr(user, "_is_member", None)
    if cached is None:
        cached = active_memberships(user).exists()
        if user is not None:
            user._is_member = cached
    return cached


def is_coordinator(user) -> bool:
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = active_memberships(user).filter(is_coordinator=True).exists()
        if user is not None:
            user._is_coordinator = cached
    return cached


def may_administer(user) -> bool:
    """Coordinators and system administrators manage the task force's agencies and people.

    (Administrators manage configuration only: the access layer gives them no records.)
    """
    return bool(user is not None and user.is_authenticated and user.is_superuser) or is_coordinator(
        user
    )


def may_manage_agency(user, agency: Agency) -> bool:
    """Coordinators and administrators manage every agency; supervisors their own agency."""
    return (
        may_administer(user)
        or active_memberships(user).filter(agency=agency, role__in=SUPERVISOR_ROLES).exists()
    )


def agency_directory(
    user,
    *,
    search: str = "",
    discipline: str = "",
    jurisdiction_level: str = "",
    service: str = "",
    population: str = "",
    language: str = "",
    include_inactive: bool = False,
) -> QuerySet[Agency]:
    """Agencies an active member may see, filtered the way the directory filters them."""
    if not is_member(user):
        return Agency.objects.none()
    qs = Agency.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(acronym__icontains=search) | Q(city__icontains=search)
        )
    if discipline:
        qs = qs.filter(discipline=discipline)
    if jurisdiction_level:
        qs = qs.filter(jurisdiction_level=jurisdiction_level)
    # Exists() rather than joins: one row per agency, whatever it offers.
    if service:
        qs = qs.filter(
            Exists(
                Agency.services_offered.through.objects.filter(
                    agency_id=OuterRef("pk"), servicetype__code=service
                )
            )
        )
    if population:
        qs = qs.filter(
            Exists(
                Agency.populations_served.through.objects.filter(
                    agency_id=OuterRef("pk"), population__code=population
                )
            )
        )
    if language:
        qs = qs.filter(
            Exists(
                Agency.languages.through.objects.filter(
                    agency_id=OuterRef("pk"), language__code=language
                )
            )
        )
    return qs


def visible_memberships(user) -> QuerySet[Membership]:
    """Coordinators see the whole roster; others see the memberships of their own agencies."""
    if not is_member(user):
        return Membership.objects.none()
    if is_coordinator(user):
        return Membership.objects.all()
    return Membership.objects.filter(agency__in=active_memberships(user).values("agency_id"))


# --- Training, outreach, trend bulletins and coverage ----------------------------------------
# Governance records: every active member reads them. Attendance is the exception: it is about
# people, so a member reads their own, an agency's supervisors their agency's, coordinators all.


def supervised_agency_ids(user) -> set[int]:
    """Agencies where ``user`` holds a supervisor's membership in force (remembered per request)."""
    cached = getattr(user, "_supervised_agency_ids", None)
    if cached is None:
        cached = set(
            active_memberships(user)
            .filter(role__in=SUPERVISOR_ROLES)
            .values_list("agency_id", flat=True)
        )
        if user is not None:
            user._supervised_agency_ids = cached
    return cached


def acting_agencies(user) -> QuerySet[Agency]:
    """The agencies a member acts for today, by name."""
    return Agency.objects.filter(
        pk__in=active_memberships(user).values("agency_id"), active=True
    ).order_by("name", "id")


def may_record_outreach(user, lead_agency: Agency | None = None) -> bool:
    """Coordinators record any outreach event; supervisors those their own agency leads."""
    if may_administer(user):
        return True
    supervised = supervised_agency_ids(user)
    if lead_agency is None:
        return bool(supervised)
    return lead_agency.pk in supervised


def trainings(
    user,
    *,
    search: str = "",
    topic: str = "",
    discipline: str = "",
    held_from=None,
    held_to=None,
) -> QuerySet[Training]:
    """Trainings with their attendance totals (counts only: who attended is per person)."""
    if not is_member(user):
        return Training.objects.none()
    qs = Training.objects.select_related("topic", "host_agency").annotate(
        attendee_count=Count("attendance"),
        hours_credited_total=Coalesce(
            Sum("attendance__hours_credited"), Value(Decimal("0")), output_field=DecimalField()
        ),
    )
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(trainers__icontains=search)
            | Q(location__icontains=search)
        )
    if topic:
        qs = qs.filter(topic__code=topic)
    if discipline:
        # Discipline codes are stored as a JSON list; a quoted code matches one whole element.
        qs = qs.filter(audience_disciplines__icontains=f'"{discipline}"')
    if held_from:
        qs = qs.filter(held_on__gte=held_from)
    if held_to:
        qs = qs.filter(held_on__lte=held_to)
    return qs


def visible_attendance(user) -> QuerySet[TrainingAttendance]:
    """Coordinators read all attendance; supervisors their agencies'; everyone their own."""
    if not is_member(user):
        return TrainingAttendance.objects.none()
    qs = TrainingAttendance.objects.select_related("training__topic", "attendee", "agency")
    if may_administer(user):
        return qs
    supervised = supervised_agency_ids(user)
    members_supervised = Membership.objects.active().filter(agency_id__in=supervised)
    return qs.filter(
        Q(attendee_id=user.pk)
        | Q(agency_id__in=supervised)
        | Q(attendee_id__in=members_supervised.values("user_id"))
    )


def may_see_training_history(viewer, person) -> bool:
    """A member reads their own history; coordinators anyone's; supervisors their members'."""
    if not is_member(viewer):
        return False
    if viewer.pk == person.pk or may_administer(viewer):
        return True
    supervised = supervised_agency_ids(viewer)
    return (
        bool(supervised)
        and Membership.objects.active().filter(user=person, agency_id__in=supervised).exists()
    )


def training_history(person) -> QuerySet[TrainingAttendance]:
    """Everything ``person`` attended, newest first (callers check ``may_see_training_history``)."""
    return (
        TrainingAttendance.objects.filter(attendee=person)
        .select_related("training__topic", "agency")
        .order_by("-training__held_on", "-training_id", "-id")
    )


def training_totals(person) -> dict:
    """How many trainings and hours ``person`` has been credited with."""
    totals = TrainingAttendance.objects.filter(attendee=person).aggregate(
        trainings=Count("training", distinct=True), hours=Sum("hours_credited")
    )
    return {"trainings": totals["trainings"] or 0, "hours": totals["hours"] or Decimal("0")}


def outreach_events(
    user,
    *,
    search: str = "",
    audience: str = "",
    language: str = "",
    agency: int | None = None,
    held_from=None,
    held_to=None,
) -> QuerySet[OutreachEvent]:
    if not is_member(user):
        return OutreachEvent.objects.none()
    qs = OutreachEvent.objects.select_related("lead_agency")
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(location__icontains=search)
            | Q(materials__icontains=search)
        )
    if audience:
        qs = qs.filter(audience=audience)
    if language:
        qs = qs.filter(
            Exists(
                OutreachEvent.languages.through.objects.filter(
                    outreachevent_id=OuterRef("pk"), language__code=language
                )
            )
        )
    if agency:
        qs = qs.filter(
            Q(lead_agency_id=agency)
            | Exists(
                OutreachEvent.agencies.through.objects.filter(
                    outreachevent_id=OuterRef("pk"), agency_id=agency
                )
            )
        )
    if held_from:
        qs = qs.filter(held_on__gte=held_from)
    if held_to:
        qs = qs.filter(held_on__lte=held_to)
    return qs


def trend_bulletins(
    user,
    *,
    search: str = "",
    kind: str = "",
    status: str = "",
    venue: str = "",
    recruitment_method: str = "",
) -> QuerySet[TrendBulletin]:
    if not is_member(user):
        return TrendBulletin.objects.none()
    qs = TrendBulletin.objects.select_related(
        "author", "author_agency", "venue", "recruitment_method"
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(body__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if venue:
        qs = qs.filter(venue__code=venue)
    if recruitment_method:
        qs = qs.filter(recruitment_method__code=recruitment_method)
    return qs


# --- Coverage matrix ----------------------------------------------------------------------------

# The typology dimensions of the matrix, in the order a row names them.
TYPOLOGY_DIMENSIONS = (
    PopulationDimension.AGE,
    PopulationDimension.TRAFFICKING_TYPE,
    PopulationDimension.CITIZENSHIP,
)


@dataclass(frozen=True)
class CoverageAgency:
    id: int
    name: str
    acronym: str
    discipline: str


@dataclass
class CoverageCell:
    """One population: a typology, a gender and a language, and the agencies that serve it."""

    age: Population
    trafficking_type: Population
    citizenship: Population
    gender: Population
    language: Language | None  # None: in any language
    agencies: list[CoverageAgency]

    @property
    def gap(self) -> bool:
        return not self.agencies


@dataclass
class CoverageRow:
    """A victim typology (age x trafficking type x citizenship) with one cell per gender."""

    age: Population
    trafficking_type: Population
    citizenship: Population
    cells: list[CoverageCell]

    @property
    def label(self) -> str:
        return f"{self.age.name}, {self.trafficking_type.name}, {self.citizenship.name}"


@dataclass
class CoverageMatrix:
    ages: list[Population]
    trafficking_types: list[Population]
    citizenships: list[Population]
    genders: list[Population]
    languages: list[Language]
    agencies: list[CoverageAgency]
    language: Language | None  # the language the rows are for (None: any language)
    rows: list[CoverageRow]  # typology x gender, for ``language``
    cells: list[CoverageCell]  # every population x every language
    languages_without_agency: list[Language]

    @property
    def gaps(self) -> list[CoverageCell]:
        return [cell for row in self.rows for cell in row.cells if cell.gap]

    @property
    def language_gaps(self) -> list[CoverageCell]:
        return [cell for cell in self.cells if cell.gap]


def coverage_matrix(
    user=None, *, discipline: str = "", language: str = "", check_member: bool = True
) -> CoverageMatrix:
    """Which active member agencies can serve which population, and the gaps none covers.

    An agency serves a population when it declared a population on every dimension of it
    (age, trafficking type, citizenship, gender) and, for a language, works in that language.
    An agency that declared nothing on a dimension covers nothing there: an undeclared
    capability is not counted as coverage, so it shows up as a gap to be checked.

    Five queries whatever the number of agencies: the agencies, their populations, their
    languages, the population lookup and the language lookup; the rest is set arithmetic.
    """
    if check_member and not is_member(user):
        raise PermissionDenied("You need a membership in force in a task force agency.")
    agency_qs = Agency.objects.filter(active=True)
    if discipline:
        agency_qs = agency_qs.filter(discipline=discipline)
    agencies = [
        CoverageAgency(a.pk, a.name, a.acronym, a.discipline)
        for a in agency_qs.order_by("name", "id").only("name", "acronym", "discipline")
    ]
    ids = [a.id for a in agencies]
    serves: dict[int, set[int]] = {}
    for agency_id, population_id in Agency.populations_served.through.objects.filter(
        agency_id__in=ids
    ).values_list("agency_id", "population_id"):
        serves.setdefault(population_id, set()).add(agency_id)
    speaks: dict[int, set[int]] = {}
    for agency_id, language_id in Agency.languages.through.objects.filter(
        agency_id__in=ids
    ).values_list("agency_id", "language_id"):
        speaks.setdefault(language_id, set()).add(agency_id)

    by_dimension: dict[str, list[Population]] = {d: [] for d in PopulationDimension.values}
    for population in Population.objects.order_by("dimension", "name", "id"):
        by_dimension[population.dimension].append(population)
    languages = list(Language.objects.order_by("name", "id"))
    chosen = next((lang for lang in languages if lang.code == language), None)

    def covering(*populations: Population, lang: Language | None) -> list[CoverageAgency]:
        found = set(ids)
        for population in populations:
            found &= serves.get(population.pk, set())
        if lang is not None:
            found &= speaks.get(lang.pk, set())
        return [a for a in agencies if a.id in found]

    def cell(age, kind, citizenship, gender, lang) -> CoverageCell:
        return CoverageCell(
            age,
            kind,
            citizenship,
            gender,
            lang,
            covering(age, kind, citizenship, gender, lang=lang),
        )

    typologies = [
        (age, kind, citizenship)
        for age in by_dimension[PopulationDimension.AGE]
        for kind in by_dimension[PopulationDimension.TRAFFICKING_TYPE]
        for citizenship in by_dimension[PopulationDimension.CITIZENSHIP]
    ]
    genders = by_dimension[PopulationDimension.GENDER]
    rows = [
        CoverageRow(
            age, kind, citizenship, [cell(age, kind, citizenship, g, chosen) for g in genders]
        )
        for age, kind, citizenship in typologies
    ]
    cells = [
        cell(age, kind, citizenship, gender, lang)
        for lang in ([chosen] if chosen else languages)
        for age, kind, citizenship in typologies
        for gender in genders
    ]
    return CoverageMatrix(
        ages=by_dimension[PopulationDimension.AGE],
        trafficking_types=by_dimension[PopulationDimension.TRAFFICKING_TYPE],
        citizenships=by_dimension[PopulationDimension.CITIZENSHIP],
        genders=genders,
        languages=languages,
        agencies=agencies,
        language=chosen,
        rows=rows,
        cells=cells,
        languages_without_agency=[lang for lang in languages if not speaks.get(lang.pk)],
    )
