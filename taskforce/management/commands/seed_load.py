"""Seed load data for the performance budgets (DESIGN §10): agencies, people, cases, victims.

    manage.py seed_load [--cases 100000] [--victims 200000] [--agencies 50] [--users 500]
                        [--seed 2026]

Victims default to two per case (200,000 at the budgets' 100,000 cases), with the referrals,
client records, services and releases of information of the service providers.

Fast by construction: rows go in with ``bulk_create`` in batches, every load user shares one
precomputed password hash (``LOAD_PASSWORD``), and no service, signal or audit row runs. Grants
are written straight into the grant tables with the reasons the services would give them.

It runs once per database: when load agencies already exist it changes nothing and says what
is there (it neither tops up nor resizes; load a fresh database for another size). Everything is
loaded in one transaction, so an interrupted run leaves no partial load behind.

The work is a list of stages (``STAGES``), each a function of the shared ``Load`` state, timed
and printed one by one; other apps extend the load by adding stages.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from agencies.models import Agency, Language, Membership, Population, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role
from cases import normalize
from cases.models import (
    Case,
    CaseGrant,
    CaseNote,
    CaseNumberSequence,
    CaseStatus,
    Charge,
    ChargeGrant,
    ConfirmationStatus,
    CourtEvent,
    CourtEventGrant,
    CourtEventType,
    DeconflictionHit,
    Disposition,
    Gender,
    Identifier,
    IdentifierKind,
    NibrsOffense,
    NoteType,
    Origin,
    Prosecution,
    ProsecutionGrant,
    ProsecutionReferral,
    ProsecutionReferralGrant,
    ProsecutionReferralStatus,
    RecruitmentMethod,
    Statute,
    Subject,
    SubjectRole,
    TraffickingSubtype,
    TraffickingType,
    UcrClearance,
    Venue,
)
from victims.models import (
    FOREIGN_NATIONAL,
    MINOR_AGE,
    Citizenship,
    Client,
    ClientStatus,
    Consent,
    ConsentGrant,
    ConsentItem,
    DeclineReason,
    ExitReason,
    IdentificationSource,
    RaceEthnicity,
    Referral,
    ReferralGrant,
    ReferralSource,
    ReferralStatus,
    RevocationMethod,
    ServiceRecord,
    ServiceStatus,
    SharingForm,
    SignerRole,
    Urgency,
    VictimWitness,
)
from victims.services import MAX_CONSENT_DAYS, age_on, response_window

User = get_user_model()

DEFAULT_LOAD_PASSWORD = "load-password-2026"  # noqa: S105 - load databases only
LOAD_AGENCY_PREFIX = "Load "
LOAD_CASE_PREFIX = "LOAD"
LOAD_USERNAME_PREFIX = "load"
SHARE_REASON = "load: co-investigation"
BATCH_SIZE = 5000
YEARS = 5

# Share of agencies per discipline (the rest are law enforcement) and share of people.
AGENCY_SHARE = {
    Discipline.PROSECUTION: 0.10,
    Discipline.VICTIM_SERVICES: 0.20,
    Discipline.COMMUNITY: 0.10,
}
PEOPLE_SHARE = {
    Discipline.LAW_ENFORCEMENT: 0.70,
    Discipline.PROSECUTION: 0.10,
    Discipline.VICTIM_SERVICES: 0.15,
    Discipline.COMMUNITY: 0.05,
}
# Roles every agency of a discipline has first, then how the rest of its people are spread.
ROLE_FLOOR = {
    Discipline.LAW_ENFORCEMENT: [Role.INVESTIGATOR, Role.LE_SUPERVISOR, Role.LE_VICTIM_SPECIALIST],
    Discipline.PROSECUTION: [Role.PROSECUTOR, Role.VICTIM_WITNESS_COORDINATOR],
    Discipline.VICTIM_SERVICES: [Role.ADVOCATE],
    Discipline.COMMUNITY: [Role.MEMBER],
}
ROLE_MIX = {
    Discipline.LAW_ENFORCEMENT: {
        Role.INVESTIGATOR: 75,
        Role.LE_SUPERVISOR: 12,
        Role.LE_VICTIM_SPECIALIST: 13,
    },
    Discipline.PROSECUTION: {Role.PROSECUTOR: 70, Role.VICTIM_WITNESS_COORDINATOR: 30},
    Discipline.VICTIM_SERVICES: {Role.ADVOCATE: 80, Role.VSP_SUPERVISOR: 20},
    Discipline.COMMUNITY: {Role.MEMBER: 1},
}
AGENCY_KINDS = {
    Discipline.LAW_ENFORCEMENT: [
        ("Police Department", JurisdictionLevel.LOCAL, 6),
        ("County Sheriff's Office", JurisdictionLevel.LOCAL, 2),
        ("State Police District", JurisdictionLevel.STATE, 1),
        ("Tribal Police", JurisdictionLevel.TRIBAL, 1),
        ("Federal Field Office", JurisdictionLevel.FEDERAL, 2),
    ],
    Discipline.PROSECUTION: [
        ("County District Attorney", JurisdictionLevel.LOCAL, 3),
        ("State Attorney General", JurisdictionLevel.STATE, 1),
        ("U.S. Attorney's Office", JurisdictionLevel.FEDERAL, 1),
    ],
    Discipline.VICTIM_SERVICES: [("Survivor Services", JurisdictionLevel.LOCAL, 1)],
    Discipline.COMMUNITY: [("Community Coalition", JurisdictionLevel.LOCAL, 1)],
}
TOWNS = [
    "Ashford", "Brookfield", "Carver", "Dalton", "Easton", "Fairview", "Glenwood", "Hartley",
    "Irvington", "Jasper", "Kingsley", "Linden", "Marlow", "Newbury", "Oakdale", "Preston",
    "Quincy", "Redford", "Salem", "Thornton", "Upton", "Vernon", "Weston", "Yardley",
]  # fmt: skip
FIRST_NAMES = [
    "Alex", "Maria", "James", "Aisha", "Wei", "Daniel", "Sofia", "Omar", "Grace", "Luis",
    "Hannah", "Tyrone", "Mei", "Carlos", "Fatima", "Ethan", "Priya", "Noah", "Elena", "Samuel",
]  # fmt: skip
LAST_NAMES = [
    "Garcia", "Smith", "Nguyen", "Johnson", "Patel", "Williams", "Kim", "Brown", "Lopez",
    "Davis", "Okafor", "Miller", "Chen", "Wilson", "Hernandez", "Moore", "Singh", "Taylor",
]  # fmt: skip
OPERATION_WORDS = [
    "Lantern", "Harbor", "Crossroads", "Nightfall", "Keystone", "Riverbend", "Ironwood",
    "Northstar", "Clearwater", "Sentinel", "Bluebird", "Granite", "Tailwind", "Meridian",
]  # fmt: skip
CONFIRMATION_STATUSES = ConfirmationStatus.values
NOTE_TYPES = NoteType.values
COURT_EVENT_TYPES = CourtEventType.values
AREA_CODES = ["217", "309", "312", "618", "630", "708", "773", "815", "847", "872"]


@dataclass(slots=True)
class LoadCase:
    """What later stages need to know about one loaded case (not the model, to keep memory low)."""

    id: int
    agency_id: int
    investigator_id: int
    opened_on: dt.date
    created_at: dt.datetime
    shared_with: int | None = None  # a co-investigating law-enforcement agency
    referred: bool = False
    subject_id: int = 0
    identifier_id: int = 0


@dataclass
class Load:
    """The shared state of one load run; each stage reads what earlier stages put here."""

    cases: int
    agencies: int
    users: int
    rng: random.Random
    victims: int = 0
    batch_size: int = BATCH_SIZE
    today: dt.date = field(default_factory=timezone.localdate)
    now: dt.datetime = field(default_factory=timezone.now)
    agencies_by_discipline: dict[str, list[Agency]] = field(default_factory=dict)
    case_weight: dict[int, float] = field(default_factory=dict)  # LE agency id -> share of cases
    staff: dict[int, dict[str, list[int]]] = field(default_factory=dict)  # agency -> role -> users
    loaded_cases: list[LoadCase] = field(default_factory=list)
    # Pairs of cases of two agencies that hold the same phone.
    duplicate_phones: list[tuple[LoadCase, LoadCase]] = field(default_factory=list)
    loaded_victims: list[LoadVictim] = field(default_factory=list)
    loaded_clients: list[LoadClient] = field(default_factory=list)

    @cached_property
    def federal_agencies(self) -> frozenset[int]:
        """Federal law-enforcement agencies (read once the agencies are loaded)."""
        return frozenset(
            a.pk
            for a in self.agencies_by_discipline.get(Discipline.LAW_ENFORCEMENT, [])
            if a.jurisdiction_level == JurisdictionLevel.FEDERAL
        )

    def agency(self, agency_id: int) -> Agency:
        return next(
            a for group in self.agencies_by_discipline.values() for a in group if a.pk == agency_id
        )

    def people(self, agency_id: int, *roles: str) -> list[int]:
        return [u for role in roles for u in self.staff[agency_id].get(role, [])]


# --- helpers ----------------------------------------------------------------------------------


def batched_create(model: type[models.Model], rows: Iterable[models.Model], size: int) -> list:
    """``bulk_create`` in batches of ``size``; returns the created objects (with their ids)."""
    created, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            created.extend(model.objects.bulk_create(batch, batch_size=size))
            batch = []
    if batch:
        created.extend(model.objects.bulk_create(batch, batch_size=size))
    return created


@contextmanager
def explicit_timestamps(*models_: type[models.Model]):
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` we set.

    Load records span five years, as a real task force's would; left to ``auto_now_add`` they
    would all be created "now", which hides how the newest-first list ordering behaves.
    """
    fields = [
        f
        for model in models_
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def spread(total: int, weights: list[float], minimum: int, what: str) -> list[int]:
    """Split ``total`` in proportion to ``weights``, each part at least ``minimum``."""
    if total < minimum * len(weights):
        raise CommandError(
            f"{total} {what} cannot give each of {len(weights)} agencies at least {minimum}: "
            f"raise --users or lower --agencies."
        )
    extra = total - minimum * len(weights)
    raw = [extra * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: extra - sum(parts)]:
        parts[i] += 1
    return [minimum + p for p in parts]


def weighted(rng: random.Random, mix: dict, k: int) -> list:
    return rng.choices(list(mix), weights=list(mix.values()), k=k)


def at(day: dt.date, seconds: int = 0) -> dt.datetime:
    """A moment in the working day of ``day`` (UTC), ``seconds`` after 14:00."""
    return dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def stamps(moment: dt.datetime, load: Load) -> dict[str, dt.datetime]:
    moment = min(moment, load.now)
    return {"created_at": moment, "updated_at": moment}


def permission(model: type[models.Model], codename: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        codename=codename,
    )


# --- stages -----------------------------------------------------------------------------------


def load_agencies(load: Load) -> int:
    """Agencies (about 60% law enforcement) and their guardian groups, groups first."""
    n = load.agencies
    counts = {d: max(1, round(n * share)) for d, share in AGENCY_SHARE.items()}
    counts[Discipline.LAW_ENFORCEMENT] = n - sum(counts.values())
    if counts[Discipline.LAW_ENFORCEMENT] < 2:
        raise CommandError("Use at least 5 agencies (two law-enforcement agencies share cases).")
    plan = []
    for discipline in (
        Discipline.LAW_ENFORCEMENT,
        Discipline.PROSECUTION,
        Discipline.VICTIM_SERVICES,
        Discipline.COMMUNITY,
    ):
        kinds = AGENCY_KINDS[discipline]
        for i in range(counts[discipline]):
            # Every kind appears once before weights decide (so each level has an agency).
            if i < len(kinds):
                label, level, _ = kinds[i]
            else:
                label, level, _ = load.rng.choices(kinds, weights=[k[2] for k in kinds])[0]
            plan.append((discipline, label, level))
    groups = Group.objects.bulk_create(
        [Group(name=f"agency:load:{i:03d}") for i in range(len(plan))]
    )
    agencies = []
    for i, ((discipline, label, level), group) in enumerate(zip(plan, groups, strict=True)):
        town = TOWNS[i % len(TOWNS)]
        agencies.append(
            Agency(
                name=f"{LOAD_AGENCY_PREFIX}{i + 1:02d} {town} {label}",
                discipline=discipline,
                jurisdiction_level=level,
                city=town,
                state="IL",
                phone=f"(555) 010-{i:04d}",
                public_contact_name=f"{town} {label} duty desk",
                public_contact_email=f"duty{i + 1:02d}@load.example.org",
                public_contact_phone=f"(555) 011-{i:04d}",
                group=group,
            )
        )
    agencies = Agency.objects.bulk_create(agencies)
    # The case-number prefix of a load agency is its acronym: LOAD<agency id>.
    for agency in agencies:
        agency.acronym = f"{LOAD_CASE_PREFIX}{agency.pk}"
    Agency.objects.bulk_update(agencies, ["acronym"])
    for agency in agencies:
        load.agencies_by_discipline.setdefault(agency.discipline, []).append(agency)
    # A skewed (Zipf) case load: a few large agencies, a long tail of small ones.
    le = load.agencies_by_discipline[Discipline.LAW_ENFORCEMENT]
    total = sum(1 / (k + 1) for k in range(len(le)))
    load.case_weight = {a.pk: (1 / (k + 1)) / total for k, a in enumerate(le)}
    return len(groups) + len(agencies)


def load_users(load: Load) -> int:
    """People, one membership in force each (roles of their agency's discipline), a few with an
    ended membership elsewhere, and each in their agency's group."""
    rng, password = load.rng, make_password(os.environ.get("LOAD_PASSWORD", DEFAULT_LOAD_PASSWORD))
    people = {d: round(load.users * share) for d, share in PEOPLE_SHARE.items()}
    people[Discipline.COMMUNITY] = load.users - sum(
        v for d, v in people.items() if d != Discipline.COMMUNITY
    )
    seats = []  # (agency, role)
    for discipline, agencies in load.agencies_by_discipline.items():
        weights = [load.case_weight.get(a.pk, 1.0) ** 0.5 for a in agencies]
        floor = ROLE_FLOOR[discipline]
        sizes = spread(people[discipline], weights, len(floor), f"{discipline} people")
        for agency, size in zip(agencies, sizes, strict=True):
            roles = [*floor, *weighted(rng, ROLE_MIX[discipline], size - len(floor))]
            seats.extend((agency, role) for role in roles)
    rng.shuffle(seats)
    users = batched_create(
        User,
        (
            User(
                username=f"{LOAD_USERNAME_PREFIX}{i:04d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{LOAD_USERNAME_PREFIX}{i:04d}@load.example.org",
                password=password,
                is_active=True,
            )
            for i in range(1, len(seats) + 1)
        ),
        load.batch_size,
    )
    memberships, in_groups = [], []
    for user, (agency, role) in zip(users, seats, strict=True):
        starts = load.today - dt.timedelta(days=rng.randint(30, YEARS * 365))
        memberships.append(Membership(user=user, agency=agency, role=role, starts=starts))
        in_groups.append(User.groups.through(user_id=user.pk, group_id=agency.group_id))
        load.staff.setdefault(agency.pk, defaultdict(list))[role].append(user.pk)
        # Some people moved here from another agency of the same discipline: that membership
        # has ended and grants nothing.
        others = [a for a in load.agencies_by_discipline[agency.discipline] if a.pk != agency.pk]
        if others and rng.random() < 0.03:
            memberships.append(
                Membership(
                    user=user,
                    agency=rng.choice(others),
                    role=role,
                    starts=starts - dt.timedelta(days=730),
                    ends=starts - dt.timedelta(days=1),
                )
            )
    batched_create(Membership, memberships, load.batch_size)
    batched_create(User.groups.through, in_groups, load.batch_size)
    return len(users) + len(memberships) + len(in_groups)


def load_cases(load: Load) -> int:
    """Cases over five years, owned by law-enforcement agencies in a skewed spread, each with
    one assigned investigator; case numbers LOAD<agency>-<year>-<seq> and their sequences."""
    rng, today = load.rng, load.today
    le_ids = list(load.case_weight)
    owners = rng.choices(le_ids, weights=list(load.case_weight.values()), k=load.cases)
    opened = sorted(
        (today - dt.timedelta(days=rng.randint(0, YEARS * 365)), rng.randint(0, 8 * 3600), owner)
        for owner in owners
    )  # oldest first, so ids grow with time as they would in use
    venues = list(Venue.objects.values_list("pk", flat=True))
    methods = list(RecruitmentMethod.objects.values_list("pk", flat=True))
    agencies = {a.pk: a for a in load.agencies_by_discipline[Discipline.LAW_ENFORCEMENT]}
    sequence: Counter = Counter()

    def cases():
        for opened_on, seconds, owner in opened:
            age = (today - opened_on).days
            sequence[(owner, opened_on.year)] += 1
            created = min(at(opened_on, seconds), load.now)
            load_case = LoadCase(
                id=0,
                agency_id=owner,
                investigator_id=rng.choice(
                    load.people(owner, Role.INVESTIGATOR) or load.people(owner, Role.LE_SUPERVISOR)
                ),
                opened_on=opened_on,
                created_at=created,
            )
            if rng.random() < 0.05:
                load_case.shared_with = rng.choice([a for a in le_ids if a != owner])
            load_case.referred = age >= 60 and rng.random() < 0.03
            load.loaded_cases.append(load_case)
            yield _case(load, load_case, age, agencies[owner], venues, methods, sequence)

    with explicit_timestamps(Case):
        created = batched_create(Case, cases(), load.batch_size)
    for case, load_case in zip(created, load.loaded_cases, strict=True):
        load_case.id = case.pk
    through = Case.assigned_investigators.through
    batched_create(
        through,
        (through(case_id=c.id, user_id=c.investigator_id) for c in load.loaded_cases),
        load.batch_size,
    )
    # Numbers taken here are never issued again by the services.
    CaseNumberSequence.objects.bulk_create(
        [
            CaseNumberSequence(prefix=agencies[owner].acronym, year=year, last=last)
            for (owner, year), last in sequence.items()
        ]
    )
    return len(created) * 2 + len(sequence)


def _case(load, load_case, age, agency, venues, methods, sequence) -> Case:
    """One case row, with a status and dates that fit its age."""
    rng = load.rng
    opened_on = load_case.opened_on
    if load_case.referred:
        status = CaseStatus.REFERRED
    elif age > 540:
        status = weighted(
            rng, {CaseStatus.CLOSED: 75, CaseStatus.ACTIVE: 15, CaseStatus.OPEN: 10}, 1
        )[0]
    elif age > 180:
        status = weighted(
            rng, {CaseStatus.CLOSED: 35, CaseStatus.ACTIVE: 45, CaseStatus.OPEN: 20}, 1
        )[0]
    else:
        status = weighted(
            rng, {CaseStatus.OPEN: 50, CaseStatus.ACTIVE: 45, CaseStatus.CLOSED: 5}, 1
        )[0]
    kind = weighted(
        rng,
        {
            TraffickingType.SEX: 60,
            TraffickingType.LABOR: 25,
            TraffickingType.BOTH: 8,
            TraffickingType.UNKNOWN: 7,
        },
        1,
    )[0]
    subtype = {
        TraffickingType.SEX: rng.choice(
            [TraffickingSubtype.ADULT_SEX, TraffickingSubtype.CHILD_SEX]
        ),
        TraffickingType.LABOR: rng.choice(
            [TraffickingSubtype.LABOR, TraffickingSubtype.FORCED_CRIMINALITY]
        ),
    }.get(kind, "")
    closed_on = closing_reason = None
    clearance = UcrClearance.NOT_CLEARED
    if status == CaseStatus.CLOSED:
        closed_on = opened_on + dt.timedelta(days=rng.randint(0, age))
        closing_reason = rng.choice(
            ["Investigation complete", "Insufficient evidence", "Victim declined to proceed"]
        )
        clearance = weighted(
            rng,
            {
                UcrClearance.ARREST: 40,
                UcrClearance.NOT_CLEARED: 45,
                UcrClearance.EXCEPTIONAL_DECLINED: 10,
                UcrClearance.EXCEPTIONAL_CUSTODY: 5,
            },
            1,
        )[0]
    last_activity = min(
        at(closed_on) if closed_on else at(opened_on + dt.timedelta(days=rng.randint(0, age))),
        load.now,
    )
    year = opened_on.year
    return Case(
        owner_agency_id=agency.pk,
        number=f"{agency.acronym}-{year}-{sequence[(agency.pk, year)]:05d}",
        title=f"Operation {rng.choice(OPERATION_WORDS)} ({rng.choice(TOWNS)})",
        summary="Load data: tips and advertisements linked to one location.",
        status=status,
        origin=weighted(rng, {Origin.REACTIVE: 65, Origin.PROACTIVE: 35}, 1)[0],
        trafficking_type=kind,
        trafficking_subtype=subtype,
        confirmation_status=rng.choice(CONFIRMATION_STATUSES),
        venue_id=rng.choice(venues) if venues and rng.random() < 0.85 else None,
        recruitment_method_id=rng.choice(methods) if methods and rng.random() < 0.6 else None,
        jurisdiction_level=agency.jurisdiction_level,
        jurisdiction=agency.city,
        opened_on=opened_on,
        closed_on=closed_on,
        closing_reason=closing_reason or "",
        ucr_clearance=clearance,
        last_activity_at=last_activity,
        created_at=load_case.created_at,
        updated_at=max(last_activity, load_case.created_at),
    )


def load_subjects(load: Load) -> int:
    """One subject per case."""
    rng = load.rng

    def subjects():
        for c in load.loaded_cases:
            yield Subject(
                case_id=c.id,
                owner_agency_id=c.agency_id,
                role=weighted(
                    rng,
                    {
                        SubjectRole.TRAFFICKER: 50,
                        SubjectRole.RECRUITER: 15,
                        SubjectRole.FACILITATOR: 15,
                        SubjectRole.PURCHASER: 10,
                        SubjectRole.CONTROLLER: 10,
                    },
                    1,
                )[0],
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                date_of_birth=dt.date(rng.randint(1960, 2002), rng.randint(1, 12), 1),
                gender=weighted(rng, {Gender.MALE: 75, Gender.FEMALE: 20, Gender.OTHER: 5}, 1)[0],
                country_of_origin=rng.choice(["US", "US", "US", "MX", "CN", "GT", "HN", "TH"]),
                **stamps(c.created_at + dt.timedelta(hours=2), load),
            )

    with explicit_timestamps(Subject):
        created = batched_create(Subject, subjects(), load.batch_size)
    for c, subject in zip(load.loaded_cases, created, strict=True):
        c.subject_id = subject.pk
    return len(created)


def load_notes(load: Load) -> int:
    """Two notes per case by its investigator; in one case of ten, one is for prosecution."""
    rng = load.rng

    def notes():
        for c in load.loaded_cases:
            for n in range(2):
                moment = min(c.created_at + dt.timedelta(days=n * rng.randint(1, 30)), load.now)
                yield CaseNote(
                    case_id=c.id,
                    owner_agency_id=c.agency_id,
                    author_id=c.investigator_id,
                    note_type=rng.choice(NOTE_TYPES),
                    body="Load data: interview summary and follow-up leads.",
                    for_prosecution=n == 1 and rng.random() < 0.10,
                    editable_until=moment + dt.timedelta(minutes=15),
                    **stamps(moment, load),
                )

    with explicit_timestamps(CaseNote):
        return len(batched_create(CaseNote, notes(), load.batch_size))


def load_identifiers(load: Load) -> int:
    """One phone per case, entered in assorted formats; about 1% repeat a phone already on
    another agency's case (those pairs become deconfliction hits)."""
    rng, cases = load.rng, load.loaded_cases
    numbers = rng.sample(range(10**7 * len(AREA_CODES)), len(cases))
    phones = [f"{AREA_CODES[n % len(AREA_CODES)]}{n // len(AREA_CODES):07d}" for n in numbers]
    # Pair distinct cases of different agencies; the second takes the first's phone.
    order = rng.sample(range(len(cases)), len(cases))
    wanted, pairs = round(len(cases) * 0.01), []
    for first, second in zip(order[0::2], order[1::2], strict=False):
        if len(pairs) >= wanted:
            break
        if cases[first].agency_id != cases[second].agency_id:
            phones[second] = phones[first]
            pairs.append((first, second))
    formats = ["({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "{a}.{b}.{c}"]

    def identifiers():
        for c, digits in zip(cases, phones, strict=True):
            value = rng.choice(formats).format(a=digits[:3], b=digits[3:6], c=digits[6:])
            yield Identifier(
                case_id=c.id,
                subject_id=c.subject_id or None,
                owner_agency_id=c.agency_id,
                kind=IdentifierKind.PHONE,
                value=value,
                normalized=normalize.phone(value),
                **stamps(c.created_at + dt.timedelta(hours=3), load),
            )

    with explicit_timestamps(Identifier):
        created = batched_create(Identifier, identifiers(), load.batch_size)
    for c, identifier in zip(cases, created, strict=True):
        c.identifier_id = identifier.pk
    load.duplicate_phones = [(cases[a], cases[b]) for a, b in pairs]
    return len(created)


def load_deconfliction_hits(load: Load) -> int:
    """A hit on each side of every repeated phone, as ``cases.services.deconflict`` records."""

    def hits():
        for first, second in load.duplicate_phones:
            moment = max(first.created_at, second.created_at) + dt.timedelta(hours=3)
            for mine, theirs in ((first, second), (second, first)):
                yield DeconflictionHit(
                    case_id=mine.id,
                    owner_agency_id=mine.agency_id,
                    identifier_id=mine.identifier_id,
                    other_identifier_id=theirs.identifier_id,
                    kind=IdentifierKind.PHONE,
                    other_agency_id=theirs.agency_id,
                    acknowledged_at=min(moment + dt.timedelta(days=2), load.now)
                    if load.rng.random() < 0.7
                    else None,
                    **stamps(moment, load),
                )

    with explicit_timestamps(DeconflictionHit):
        return len(batched_create(DeconflictionHit, hits(), load.batch_size))


def load_shares(load: Load) -> int:
    """About 5% of cases shared with a co-investigating agency: the whole file, by grant."""
    view_case, view_file = permission(Case, "view_case"), permission(Case, "view_case_file")
    groups = {a.pk: a.group_id for a in load.agencies_by_discipline[Discipline.LAW_ENFORCEMENT]}
    shared = [c for c in load.loaded_cases if c.shared_with]
    grants = (
        CaseGrant(
            group_id=groups[c.shared_with],
            permission=perm,
            content_object_id=c.id,
            reason=SHARE_REASON,
            granted_by_id=c.investigator_id,
        )
        for c in shared
        for perm in (view_case, view_file)
    )
    created = len(batched_create(CaseGrant, grants, load.batch_size))
    through = Case.participating_agencies.through
    batched_create(
        through, (through(case_id=c.id, agency_id=c.shared_with) for c in shared), load.batch_size
    )
    return created + len(shared)


def load_prosecutions(load: Load) -> int:
    """About 3% of cases referred and accepted: referral, prosecution, one charge and one court
    event, with the grants the services make (office sees the case core; the case's
    law-enforcement agencies see the prosecution, charge and court date)."""
    rng = load.rng
    referred = [c for c in load.loaded_cases if c.referred]
    offices = load.agencies_by_discipline[Discipline.PROSECUTION]
    federal = [o for o in offices if o.jurisdiction_level == JurisdictionLevel.FEDERAL]
    other = [o for o in offices if o.jurisdiction_level != JurisdictionLevel.FEDERAL] or offices
    groups = {a.pk: a.group_id for group in load.agencies_by_discipline.values() for a in group}
    statutes = list(Statute.objects.values_list("pk", "default_nibrs_id"))
    fallback_nibrs = NibrsOffense.objects.values_list("pk", flat=True).first()
    if referred and not (statutes and fallback_nibrs):
        raise CommandError("Statutes and NIBRS offenses are missing: run migrate first.")
    perms = {
        model: permission(model, f"view_{model._meta.model_name}")
        for model in (Case, ProsecutionReferral, Prosecution, Charge, CourtEvent)
    }

    plan = []  # (case, office, prosecutor, referred_at, decided_at)
    for c in referred:
        is_federal = load.agency(c.agency_id).jurisdiction_level == JurisdictionLevel.FEDERAL
        office = rng.choice(federal if is_federal and federal else other)
        referred_at = min(c.created_at + dt.timedelta(days=rng.randint(30, 300)), load.now)
        decided_at = min(referred_at + dt.timedelta(days=rng.randint(1, 14)), load.now)
        prosecutor = rng.choice(load.people(office.pk, Role.PROSECUTOR))
        plan.append((c, office, prosecutor, referred_at, decided_at))

    with explicit_timestamps(ProsecutionReferral, Prosecution, Charge, CourtEvent):
        referrals = batched_create(
            ProsecutionReferral,
            (
                ProsecutionReferral(
                    case_id=c.id,
                    owner_agency_id=c.agency_id,
                    office=office,
                    status=ProsecutionReferralStatus.ACCEPTED,
                    referred_by_id=c.investigator_id,
                    message="Load data: subject arrested; evidence summary attached.",
                    decided_by_id=prosecutor,
                    decided_at=decided_at,
                    **stamps(referred_at, load),
                )
                for c, office, prosecutor, referred_at, decided_at in plan
            ),
            load.batch_size,
        )
        prosecutions = batched_create(
            Prosecution,
            (
                Prosecution(
                    case_id=c.id,
                    referral=referral,
                    owner_agency=office,
                    jurisdiction_level=office.jurisdiction_level,
                    court_case_number=f"{office.acronym}-CR-{referral.pk:06d}",
                    lead_prosecutor_id=prosecutor,
                    opened_on=timezone.localtime(decided_at).date(),
                    **stamps(decided_at, load),
                )
                for (c, office, prosecutor, _, decided_at), referral in zip(
                    plan, referrals, strict=True
                )
            ),
            load.batch_size,
        )
        charges, events = [], []
        for (c, office, _, _, decided_at), prosecution in zip(plan, prosecutions, strict=True):
            statute, nibrs = rng.choice(statutes)
            charged_on = timezone.localtime(decided_at).date()
            pleaded = rng.random() < 0.4
            charges.append(
                Charge(
                    prosecution=prosecution,
                    owner_agency_id=office.pk,
                    subject_id=c.subject_id,
                    statute_id=statute,
                    nibrs_offense_id=nibrs or fallback_nibrs,
                    counts=rng.randint(1, 4),
                    charged_on=charged_on,
                    disposition=Disposition.PLEADED_GUILTY if pleaded else Disposition.PENDING,
                    disposition_on=min(charged_on + dt.timedelta(days=120), load.today)
                    if pleaded
                    else None,
                    **stamps(decided_at, load),
                )
            )
            # Half the court dates lie ahead, so calendars have something to show.
            scheduled = (
                load.now + dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 6))
                if rng.random() < 0.5
                else decided_at + dt.timedelta(days=rng.randint(7, 60))
            )
            events.append(
                CourtEvent(
                    prosecution=prosecution,
                    owner_agency_id=office.pk,
                    event_type=rng.choice(COURT_EVENT_TYPES),
                    scheduled_at=scheduled,
                    court=f"{load.agency(office.pk).city} County Circuit Court",
                    **stamps(decided_at, load),
                )
            )
        charges = batched_create(Charge, charges, load.batch_size)
        events = batched_create(CourtEvent, events, load.batch_size)

    def case_agencies(c: LoadCase) -> list[int]:
        return [c.agency_id, *([c.shared_with] if c.shared_with else [])]

    grants: list[tuple[type[models.Model], models.Model, int, str]] = []
    for (c, office, *_), referral, prosecution, charge, event in zip(
        plan, referrals, prosecutions, charges, events, strict=True
    ):
        grants.append((ProsecutionReferral, referral, office.pk, "referred for prosecution"))
        grants.append((Case, c.id, office.pk, "referred for prosecution"))
        for agency_id in case_agencies(c):
            grants.append((Prosecution, prosecution, agency_id, "case agency"))
            grants.append((Charge, charge, agency_id, "case agency"))
            grants.append((CourtEvent, event, agency_id, "case agency"))
    grant_tables = {
        Case: CaseGrant,
        ProsecutionReferral: ProsecutionReferralGrant,
        Prosecution: ProsecutionGrant,
        Charge: ChargeGrant,
        CourtEvent: CourtEventGrant,
    }
    for model, table in grant_tables.items():
        batched_create(
            table,
            (
                table(
                    group_id=groups[agency_id],
                    permission=perms[model],
                    content_object_id=obj if isinstance(obj, int) else obj.pk,
                    reason=reason,
                )
                for m, obj, agency_id, reason in grants
                if m is model
            ),
            load.batch_size,
        )
    return len(referrals) + len(prosecutions) + len(charges) + len(events) + len(grants)


# --- victims and services ---------------------------------------------------------------------

VICTIMS_PER_CASE = 2
REFERRAL_REASON = "referral to provider"
RELEASE_REASON = "release of information"
# Per provider, the newest referrals still waiting for an answer: an inbox, not a backlog.
OPEN_REFERRALS_MAX, OPEN_REFERRALS_SHARE = 40, 0.01
# Of the referrals answered or withdrawn, how they ended.
REFERRAL_OUTCOMES = {
    ReferralStatus.ACCEPTED: 50,
    ReferralStatus.CLOSED: 22,
    ReferralStatus.DECLINED: 18,
    ReferralStatus.WITHDRAWN: 10,
}
REFERRED_SHARE = 0.25  # victim records referred to a provider
WALK_IN_SHARE = 0.25  # clients who came on their own, per client from a referral
CONSENT_SHARE = 0.30  # clients who signed a release
CONSENT_STATES = {"live": 60, "expired": 25, "revoked": 15}
CONSENT_ITEM_SETS = [
    [ConsentItem.ENROLLMENT_STATUS],
    [ConsentItem.ENROLLMENT_STATUS, ConsentItem.SERVICES_RECEIVED],
    [ConsentItem.IDENTITY, ConsentItem.CONTACT_INFORMATION],
    [ConsentItem.ENROLLMENT_STATUS, ConsentItem.SERVICES_RECEIVED, ConsentItem.IDENTITY],
]


@dataclass(slots=True)
class LoadVictim:
    """What the referral stage needs of one loaded victim-witness record."""

    id: int
    agency_id: int
    created_at: dt.datetime
    given_name: str
    age: int | None
    gender: str
    language_id: int | None
    interpreter_needed: bool
    trafficking_type: str
    citizenship: str


@dataclass(slots=True)
class LoadClient:
    id: int
    agency_id: int
    enrolled_on: dt.date
    exited_on: dt.date | None
    minor: bool
    recipient_id: int  # the agency a release would name: the referring one, or an office
    service_type_id: int


def le_source(load: Load, agency_id: int) -> str:
    """How a provider's intake names a referral from a law-enforcement agency."""
    if agency_id in load.federal_agencies:
        return ReferralSource.FEDERAL_LE
    return ReferralSource.LOCAL_LE


def minor(age: int | None) -> bool:
    return age is not None and age < MINOR_AGE


def load_provider_capabilities(load: Load) -> int:
    """What each load provider offers, serves and speaks, so matching has something to rank."""
    rng = load.rng
    pools = [
        (
            Agency.services_offered.through,
            "servicetype_id",
            ServiceType.objects.filter(active=True),
            10,
        ),
        (Agency.populations_served.through, "population_id", Population.objects.all(), 7),
        (Agency.languages.through, "language_id", Language.objects.all(), 3),
    ]
    created = 0
    for through, column, lookups, k in pools:
        ids = list(lookups.values_list("pk", flat=True))
        rows = (
            through(agency_id=agency.pk, **{column: pk})
            for agency in load.agencies_by_discipline.get(Discipline.VICTIM_SERVICES, [])
            for pk in rng.sample(ids, min(k, len(ids)))
        )
        created += len(batched_create(through, rows, load.batch_size))
    return created


def load_victims(load: Load) -> int:
    """Victim-witness records of the law-enforcement agencies, about two per case, each linked to
    a case of its agency and identified when the case was opened or soon after. Age and minority
    are derived as the services derive them, from the birth date or the estimated age."""
    rng, today = load.rng, load.today
    if not load.victims:
        return 0
    languages = list(Language.objects.order_by("pk").values_list("code", "pk"))
    english = next((pk for code, pk in languages if code == "en"), None)
    others = [pk for code, pk in languages if code != "en"]
    if load.loaded_cases:
        picks = [rng.choice(load.loaded_cases) for _ in range(load.victims)]
        plan = [(c.agency_id, c.id, c.opened_on) for c in picks]
    else:
        owners = rng.choices(
            list(load.case_weight), list(load.case_weight.values()), k=load.victims
        )
        plan = [(a, None, today - dt.timedelta(days=rng.randint(0, YEARS * 365))) for a in owners]
    dated = sorted(
        (
            min(opened_on + dt.timedelta(days=rng.randint(0, 30)), today),
            rng.randint(0, 8 * 3600),
            agency_id,
            case_id,
        )
        for agency_id, case_id, opened_on in plan
    )  # oldest first: ids grow with time
    links = []

    def victims():
        for identified_on, seconds, agency_id, case_id in dated:
            age_kind = rng.random()
            born = estimated = age = None
            years = rng.randint(12, 17) if rng.random() < 0.25 else rng.randint(18, 55)
            if age_kind < 0.6:
                born = identified_on - dt.timedelta(days=years * 365 + rng.randint(0, 364))
                age = age_on(born, identified_on)
            elif age_kind < 0.9:
                estimated = age = years
            language = english if rng.random() < 0.6 or not others else rng.choice(others)
            citizenship = weighted(
                rng,
                {
                    Citizenship.US_CITIZEN: 50,
                    Citizenship.LPR: 5,
                    Citizenship.FOREIGN_WITH_STATUS: 10,
                    Citizenship.FOREIGN_WITHOUT_STATUS: 20,
                    Citizenship.UNKNOWN: 15,
                },
                1,
            )[0]
            created = min(at(identified_on, seconds), load.now)
            victim = LoadVictim(
                id=0,
                agency_id=agency_id,
                created_at=created,
                given_name=rng.choice(FIRST_NAMES),
                age=age,
                gender=weighted(
                    rng,
                    {
                        Gender.FEMALE: 68,
                        Gender.MALE: 25,
                        Gender.TRANSGENDER: 3,
                        Gender.NON_BINARY: 2,
                        Gender.NOT_REPORTED: 2,
                    },
                    1,
                )[0],
                language_id=language,
                interpreter_needed=language != english and rng.random() < 0.7,
                trafficking_type=weighted(
                    rng,
                    {
                        TraffickingType.SEX: 60,
                        TraffickingType.LABOR: 28,
                        TraffickingType.BOTH: 6,
                        TraffickingType.UNKNOWN: 6,
                    },
                    1,
                )[0],
                citizenship=citizenship,
            )
            load.loaded_victims.append(victim)
            links.append(case_id)
            yield VictimWitness(
                owner_agency_id=agency_id,
                given_name=victim.given_name,
                family_name=rng.choice(LAST_NAMES),
                date_of_birth=born,
                estimated_age=estimated,
                age_at_identification=age,
                is_minor=minor(age),
                identified_on=identified_on,
                identification_source=weighted(
                    rng,
                    {
                        IdentificationSource.REACTIVE: 45,
                        IdentificationSource.PROACTIVE: 30,
                        IdentificationSource.HOTLINE: 15,
                        IdentificationSource.OTHER: 10,
                    },
                    1,
                )[0],
                referral_source=le_source(load, agency_id),
                gender=victim.gender,
                race_ethnicity=[rng.choice(RaceEthnicity.values)],
                citizenship=citizenship,
                country_of_origin=""
                if citizenship in (Citizenship.US_CITIZEN, Citizenship.UNKNOWN)
                else rng.choice(["MX", "GT", "HN", "CN", "TH", "PH", "NG", "UA"]),
                primary_language_id=language,
                interpreter_needed=victim.interpreter_needed,
                trafficking_type=victim.trafficking_type,
                phone=f"(555) 02{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}"
                if rng.random() < 0.5
                else "",
                **stamps(created, load),
            )

    with explicit_timestamps(VictimWitness):
        created = batched_create(VictimWitness, victims(), load.batch_size)
    for victim, row in zip(load.loaded_victims, created, strict=True):
        victim.id = row.pk
    through = VictimWitness.cases.through
    batched_create(
        through,
        (
            through(victimwitness_id=v.id, case_id=case_id)
            for v, case_id in zip(load.loaded_victims, links, strict=True)
            if case_id
        ),
        load.batch_size,
    )
    return len(created) + sum(1 for c in links if c)


def load_referrals(load: Load) -> int:
    """About a quarter of the victims referred to a provider, in every state: each provider's
    newest referrals wait in its inbox (some overdue), the rest were accepted (with the client
    record the acceptance makes, some closed and exited since), declined, closed or withdrawn.
    Grants as the services leave them: change to the provider, none once withdrawn."""
    rng, now = load.rng, load.now
    providers = load.agencies_by_discipline.get(Discipline.VICTIM_SERVICES, [])
    if not providers or not load.loaded_victims:
        return 0
    weights = [1 / (k + 1) ** 0.5 for k in range(len(providers))]
    service_types = list(ServiceType.objects.filter(active=True).values_list("pk", flat=True))
    referred = [v for v in load.loaded_victims if rng.random() < REFERRED_SHARE]
    plan = []  # [victim, provider, sent_at, status]
    for victim in referred:
        provider = rng.choices(providers, weights=weights)[0]
        sent_at = min(victim.created_at + dt.timedelta(hours=rng.randint(1, 72)), now)
        plan.append([victim, provider, sent_at, None])
    by_provider = defaultdict(list)
    for item in plan:
        by_provider[item[1].pk].append(item)
    for items in by_provider.values():
        items.sort(key=lambda item: item[2], reverse=True)
        open_n = min(OPEN_REFERRALS_MAX, max(3, round(len(items) * OPEN_REFERRALS_SHARE)))
        for item in items[:open_n]:
            # Waiting for an answer: sent in the last five days, so some are past their deadline.
            item[2] = max(item[0].created_at, now - dt.timedelta(minutes=rng.randint(5, 5 * 1440)))
            item[3] = ReferralStatus.SENT
        for item in items[open_n:]:
            item[3] = weighted(rng, REFERRAL_OUTCOMES, 1)[0]
    plan.sort(key=lambda item: item[2])  # ids grow with time

    staff, details = {}, []
    for victim, provider, sent_at, status in plan:
        sender = rng.choice(
            load.people(victim.agency_id, Role.INVESTIGATOR, Role.LE_VICTIM_SPECIALIST)
            or load.people(victim.agency_id, Role.LE_SUPERVISOR)
        )
        advocate = rng.choice(
            staff.setdefault(
                provider.pk,
                load.people(provider.pk, Role.ADVOCATE, Role.VSP_SUPERVISOR),
            )
        )
        answered = min(sent_at + dt.timedelta(hours=rng.randint(2, 60)), now)
        # A closed referral was mostly accepted first (it has a client); some were declined.
        closed_after_accept = status == ReferralStatus.CLOSED and rng.random() < 0.8
        details.append((sender, advocate, answered, closed_after_accept))

    # Clients made by the acceptances, then the referrals that point at them.
    accepted = [
        i
        for i, (_, _, _, status) in enumerate(plan)
        if status == ReferralStatus.ACCEPTED or details[i][3]
    ]
    clients = {}  # plan index -> client row

    def referral_clients():
        for i in accepted:
            victim, provider, sent_at, status = plan[i]
            _, advocate, answered, _ = details[i]
            enrolled = timezone.localtime(answered).date()
            exited = None
            if status == ReferralStatus.CLOSED:
                exited = min(enrolled + dt.timedelta(days=rng.randint(30, 400)), load.today)
            client = _client(
                load,
                provider.pk,
                advocate,
                victim.given_name,
                victim.age,
                victim,
                identified_on=timezone.localtime(sent_at).date(),
                # As the acceptance records a law-enforcement referral.
                identification_source=IdentificationSource.REACTIVE,
                referral_source=le_source(load, victim.agency_id),
                enrolled=enrolled,
                exited=exited,
                created=answered,
            )
            clients[i] = client
            yield client

    with explicit_timestamps(Client, Referral):
        batched_create(Client, referral_clients(), load.batch_size)
        referrals = batched_create(
            Referral,
            (_referral(load, i, plan[i], details[i], clients.get(i)) for i in range(len(plan))),
            load.batch_size,
        )
    through = Referral.services_requested.through
    requested = {}
    links = []
    for i, referral in enumerate(referrals):
        wanted = rng.sample(service_types, min(len(service_types), rng.randint(1, 3)))
        requested[i] = wanted[0]
        links.extend(through(referral_id=referral.pk, servicetype_id=s) for s in wanted)
    batched_create(through, links, load.batch_size)
    view, change = permission(Referral, "view_referral"), permission(Referral, "change_referral")
    grants = batched_create(
        ReferralGrant,
        (
            ReferralGrant(
                group_id=provider.group_id,
                permission=perm,
                content_object_id=referral.pk,
                reason=REFERRAL_REASON,
                granted_by_id=details[i][0],
            )
            for i, (referral, (_, provider, _, status)) in enumerate(
                zip(referrals, plan, strict=True)
            )
            if status != ReferralStatus.WITHDRAWN
            for perm in (view, change)
        ),
        load.batch_size,
    )
    for i, client in clients.items():
        victim, provider, _, _ = plan[i]
        load.loaded_clients.append(
            LoadClient(
                id=client.pk,
                agency_id=provider.pk,
                enrolled_on=client.enrolled_on,
                exited_on=client.exited_on,
                minor=client.is_minor,
                recipient_id=victim.agency_id,
                service_type_id=requested[i],
            )
        )
    return len(clients) + len(referrals) + len(links) + len(grants)


def _client(load, agency_id, advocate, given_name, age, victim, *, enrolled, exited, created,
            **fields) -> Client:  # fmt: skip
    rng = load.rng
    return Client(
        owner_agency_id=agency_id,
        given_name=given_name,
        family_name=rng.choice(LAST_NAMES) if rng.random() < 0.7 else "",
        estimated_age=age,
        age_at_identification=age,
        is_minor=minor(age),
        gender=victim.gender,
        primary_language_id=victim.language_id,
        interpreter_needed=victim.interpreter_needed,
        trafficking_type=victim.trafficking_type,
        # The provider's intake asks again; most answer.
        citizenship=victim.citizenship if rng.random() < 0.8 else Citizenship.UNKNOWN,
        enrolled_on=enrolled,
        exited_on=exited,
        exit_reason=rng.choice(ExitReason.values) if exited else "",
        status=ClientStatus.EXITED if exited else ClientStatus.ACTIVE,
        case_manager_id=advocate,
        **fields,
        **stamps(created, load),
    )


def _referral(load, i, plan_item, detail, client) -> Referral:
    rng = load.rng
    victim, provider, sent_at, status = plan_item
    sender, advocate, answered, closed_after_accept = detail
    urgent = rng.random() < 0.15
    shared_age = victim.age if rng.random() < 0.9 else None
    answered_by_provider = status in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.CLOSED,
    )
    declined = status == ReferralStatus.DECLINED or (
        status == ReferralStatus.CLOSED and not closed_after_accept
    )
    closed_at = None
    if status == ReferralStatus.CLOSED:
        closed_at = min(answered + dt.timedelta(days=rng.randint(1, 400)), load.now)
    touched = closed_at or (answered if status != ReferralStatus.SENT else sent_at)
    return Referral(
        owner_agency_id=victim.agency_id,
        provider_id=provider.pk,
        victim_id=victim.id,
        urgency=Urgency.URGENT if urgent else Urgency.ROUTINE,
        shared_name=victim.given_name,
        shared_age=shared_age,
        is_minor=minor(shared_age),
        shared_gender=victim.gender,
        shared_language_id=victim.language_id,
        interpreter_needed=victim.interpreter_needed,
        trafficking_type=victim.trafficking_type,
        foreign_national=None
        if victim.citizenship == Citizenship.UNKNOWN
        else victim.citizenship in FOREIGN_NATIONAL,
        contact_instructions="Through the detective; do not call the listed phone.",
        situation="Load data: identified during an investigation; needs shelter and advocacy.",
        status=status,
        sent_by_id=sender,
        sent_at=sent_at,
        respond_by=sent_at + response_window(urgent=urgent, minor=minor(shared_age)),
        responded_at=answered if answered_by_provider else None,
        responded_by_id=advocate if answered_by_provider else None,
        decline_reason=rng.choice(DeclineReason.values) if declined else "",
        withdrawn_reason="Victim relocated out of state."
        if status == ReferralStatus.WITHDRAWN
        else "",
        closed_at=closed_at,
        close_note="Services ended." if closed_at else "",
        client=client,
        created_at=sent_at,
        updated_at=max(touched, sent_at),
    )


def load_walk_in_clients(load: Load) -> int:
    """Clients who reached a provider on their own (hotline, self, community)."""
    rng, today = load.rng, load.today
    providers = load.agencies_by_discipline.get(Discipline.VICTIM_SERVICES, [])
    offices = load.agencies_by_discipline.get(Discipline.PROSECUTION, [])
    if not providers or not load.loaded_victims:
        return 0
    count = round(len(load.loaded_clients) * WALK_IN_SHARE)
    service_types = list(ServiceType.objects.filter(active=True).values_list("pk", flat=True))
    # Borrow the profile mix of the victim records (not the people: a walk-in is someone else).
    profiles = rng.sample(load.loaded_victims, min(count, len(load.loaded_victims)))
    plan = sorted(
        (
            today - dt.timedelta(days=rng.randint(0, YEARS * 365)),
            rng.randint(0, 8 * 3600),
            rng.choice(providers).pk,
            profile,
        )
        for profile in profiles
    )
    made = []

    def clients():
        for enrolled, seconds, agency_id, profile in plan:
            advocate = rng.choice(load.people(agency_id, Role.ADVOCATE, Role.VSP_SUPERVISOR))
            exited = None
            if (today - enrolled).days > 200 and rng.random() < 0.6:
                exited = enrolled + dt.timedelta(days=rng.randint(30, 200))
            client = _client(
                load,
                agency_id,
                advocate,
                rng.choice(FIRST_NAMES),
                profile.age,
                profile,
                identified_on=enrolled,
                identification_source=weighted(
                    rng,
                    {
                        IdentificationSource.HOTLINE: 35,
                        IdentificationSource.SELF: 35,
                        IdentificationSource.HEALTH_CARE: 15,
                        IdentificationSource.SCHOOL: 15,
                    },
                    1,
                )[0],
                referral_source=rng.choice(
                    [ReferralSource.HOTLINE, ReferralSource.SELF, ReferralSource.NGO]
                ),
                enrolled=enrolled,
                exited=exited,
                created=at(enrolled, seconds),
            )
            made.append(client)
            yield client

    with explicit_timestamps(Client):
        batched_create(Client, clients(), load.batch_size)
    for client in made:
        load.loaded_clients.append(
            LoadClient(
                id=client.pk,
                agency_id=client.owner_agency_id,
                enrolled_on=client.enrolled_on,
                exited_on=client.exited_on,
                minor=client.is_minor,
                recipient_id=rng.choice(offices).pk if offices else 0,
                service_type_id=rng.choice(service_types),
            )
        )
    return len(made)


def load_client_services(load: Load) -> int:
    """One service per client, from enrollment: ended with the client's exit."""

    def records():
        for c in load.loaded_clients:
            yield ServiceRecord(
                owner_agency_id=c.agency_id,
                client_id=c.id,
                service_type_id=c.service_type_id,
                status=ServiceStatus.COMPLETED if c.exited_on else ServiceStatus.IN_PROGRESS,
                started_on=c.enrolled_on,
                ended_on=c.exited_on,
                recorded_by_id=load.rng.choice(
                    load.people(c.agency_id, Role.ADVOCATE, Role.VSP_SUPERVISOR)
                ),
                **stamps(at(c.enrolled_on, 3600), load),
            )

    with explicit_timestamps(ServiceRecord):
        return len(batched_create(ServiceRecord, records(), load.batch_size))


def load_consents(load: Load) -> int:
    """Releases of information signed by about a third of the clients, to the referring agency
    or a prosecution office: live, expired or revoked. Only a live release keeps its grant
    (revocation removes it at once; the expiry job removes the others)."""
    rng, today, now = load.rng, load.today, load.now
    groups = {a.pk: a.group_id for group in load.agencies_by_discipline.values() for a in group}
    view = permission(Consent, "view_consent")
    plan = []
    for c in load.loaded_clients:
        if not c.recipient_id or rng.random() >= CONSENT_SHARE:
            continue
        state = weighted(rng, CONSENT_STATES, 1)[0]
        last = c.exited_on or today
        if state != "live" and (last - c.enrolled_on).days < 2:
            state = "live" if not c.exited_on else None
        if state is None:
            continue
        if state == "live":
            if c.exited_on:
                continue  # an exited client signs nothing new
            starts = max(c.enrolled_on, today - dt.timedelta(days=rng.randint(0, 300)))
            low = max((today - starts).days, 0)
            expires = starts + dt.timedelta(days=rng.randint(low, MAX_CONSENT_DAYS))
            revoked = None
        else:
            window = (last - c.enrolled_on).days
            starts = c.enrolled_on + dt.timedelta(days=rng.randint(0, window - 2))
            expires = starts + dt.timedelta(
                days=rng.randint(0, min(MAX_CONSENT_DAYS, (today - starts).days - 1))
            )
            revoked = None
            if state == "revoked":
                expires = starts + dt.timedelta(days=MAX_CONSENT_DAYS)
                revoked = at(starts + dt.timedelta(days=rng.randint(0, (last - starts).days)))
                revoked = min(revoked, now)
        plan.append((c, state, starts, expires, revoked))
    plan.sort(key=lambda p: p[2])

    def consents():
        for c, _state, starts, expires, revoked in plan:
            advocate = rng.choice(load.people(c.agency_id, Role.ADVOCATE, Role.VSP_SUPERVISOR))
            yield Consent(
                owner_agency_id=c.agency_id,
                client_id=c.id,
                recipient_id=c.recipient_id,
                items=rng.choice(CONSENT_ITEM_SETS),
                purpose="Coordinate services with the investigation and the prosecution.",
                sharing_form=rng.choice(SharingForm.values),
                starts_on=starts,
                expires_on=expires,
                signer_name="Load signer",
                signer_role=SignerRole.MINOR_WITH_PARENT if c.minor else SignerRole.CLIENT,
                parent_name="Load parent" if c.minor else "",
                signer_not_suspected_abuser=c.minor,
                voluntariness_explained=True,
                right_to_revoke_explained=True,
                recorded_by_id=advocate,
                revoked_at=revoked,
                revoked_by_id=advocate if revoked else None,
                revocation_method=rng.choice(RevocationMethod.values) if revoked else "",
                **stamps(at(starts), load),
            )

    with explicit_timestamps(Consent):
        created = batched_create(Consent, consents(), load.batch_size)
    grants = batched_create(
        ConsentGrant,
        (
            ConsentGrant(
                group_id=groups[c.recipient_id],
                permission=view,
                content_object_id=consent.pk,
                reason=RELEASE_REASON,
                granted_by_id=consent.recorded_by_id,
            )
            for consent, (c, state, *_) in zip(created, plan, strict=True)
            if state == "live"
        ),
        load.batch_size,
    )
    return len(created) + len(grants)


def load_deadlines(load: Load) -> int:
    """The deadlines the services would have opened for the load's records: the response to
    each referral waiting for an answer, each court date (met once past) and the inactivity
    clock of each case still open. Same titles and due times as the ``sync_*`` functions."""
    from django.contrib.contenttypes.models import ContentType

    from taskforce import deadlines as clocks
    from taskforce.models import Deadline, DeadlineKind, DeadlineStatus

    now, policies = load.now, clocks.all_policies()
    ours = {"owner_agency__name__startswith": LOAD_AGENCY_PREFIX}

    def row(kind, model, source_id, due_at, agency_id, title, status=DeadlineStatus.OPEN):
        offsets = [o for o in policies[kind].offsets_minutes if o >= 0]
        is_open = status == DeadlineStatus.OPEN
        return Deadline(
            kind=kind,
            source_type=ContentType.objects.get_for_model(model),
            source_id=source_id,
            status=status,
            due_at=due_at,
            owner_agency_id=agency_id,
            title=title,
            next_reminder_at=due_at - dt.timedelta(minutes=max(offsets, default=0))
            if is_open
            else None,
            closed_at=None if is_open else due_at,
        )

    inactive_after = dt.timedelta(hours=policies[DeadlineKind.CASE_INACTIVITY].window_hours)
    event_types = dict(CourtEventType.choices)

    def deadlines():
        referrals = Referral.objects.filter(status=ReferralStatus.SENT, **ours).values_list(
            "pk", "respond_by", "provider_id"
        )
        for pk, respond_by, provider_id in referrals.iterator():
            yield row(
                DeadlineKind.REFERRAL_RESPONSE,
                Referral,
                pk,
                respond_by,
                provider_id,
                f"Referral #{pk}: answer the referral",
            )
        events = CourtEvent.objects.filter(**ours).values_list(
            "pk", "scheduled_at", "owner_agency_id", "event_type"
        )
        for pk, scheduled_at, agency_id, event_type in events.iterator():
            yield row(
                DeadlineKind.COURT_EVENT,
                CourtEvent,
                pk,
                scheduled_at,
                agency_id,
                f"Court event #{pk}: {event_types[event_type].lower()}",
                DeadlineStatus.OPEN if scheduled_at > now else DeadlineStatus.MET,
            )
        cases = (
            Case.objects.filter(number__startswith=LOAD_CASE_PREFIX)
            .exclude(status=CaseStatus.CLOSED)
            .values_list("pk", "number", "last_activity_at", "owner_agency_id")
        )
        for pk, number, last_activity_at, agency_id in cases.iterator():
            yield row(
                DeadlineKind.CASE_INACTIVITY,
                Case,
                pk,
                last_activity_at + inactive_after,
                agency_id,
                f"Case {number}: no recent activity",
            )

    return len(batched_create(Deadline, deadlines(), load.batch_size))


STAGES: list[tuple[str, Callable[[Load], int]]] = [
    ("agencies", load_agencies),
    ("users", load_users),
    ("cases", load_cases),
    ("subjects", load_subjects),
    ("notes", load_notes),
    ("identifiers", load_identifiers),
    ("deconfliction hits", load_deconfliction_hits),
    ("shares", load_shares),
    ("prosecutions", load_prosecutions),
    ("provider capabilities", load_provider_capabilities),
    ("victims", load_victims),
    ("referrals", load_referrals),
    ("walk-in clients", load_walk_in_clients),
    ("client services", load_client_services),
    ("consents", load_consents),
    ("deadlines", load_deadlines),
]


def load_present() -> bool:
    return Agency.objects.filter(
        name__startswith=LOAD_AGENCY_PREFIX, acronym__startswith=LOAD_CASE_PREFIX
    ).exists()


class Command(BaseCommand):
    help = (
        "Seed load data (agencies, users, cases, victims) for the performance budgets. Runs once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument(
            "--victims",
            type=int,
            default=None,
            help=f"Victim-witness records (default: {VICTIMS_PER_CASE} per case).",
        )
        parser.add_argument("--agencies", type=int, default=50)
        parser.add_argument("--users", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable).")

    def handle(self, *args, cases, agencies, users, seed, victims=None, **options):
        if victims is None:
            victims = cases * VICTIMS_PER_CASE
        if cases < 0 or victims < 0 or agencies < 1 or users < 1:
            raise CommandError("--cases and --victims must be >= 0, --agencies and --users >= 1.")
        if load_present():
            self.stdout.write(
                "Load data is already present "
                f"({Agency.objects.filter(name__startswith=LOAD_AGENCY_PREFIX).count()} agencies, "
                f"{Case.objects.filter(number__startswith=LOAD_CASE_PREFIX).count()} cases, "
                f"{VictimWitness.objects.count()} victim records); "
                "nothing done. Load a fresh database for another size."
            )
            return
        load = Load(
            cases=cases, agencies=agencies, users=users, victims=victims, rng=random.Random(seed)
        )
        started = time.perf_counter()
        with transaction.atomic():
            for name, stage in STAGES:
                self._timed(name, stage, load)
        self._timed("analyze", lambda _: self._analyze(), load)
        self.stdout.write(f"{'total':<20} {time.perf_counter() - started:>18.1f} s")

    def _timed(self, name: str, stage: Callable[[Load], int], load: Load) -> None:
        began = time.perf_counter()
        rows = stage(load)
        self.stdout.write(f"{name:<20} {rows:>9,} rows {time.perf_counter() - began:>6.1f} s")
        self.stdout.flush()

    @staticmethod
    def _analyze() -> int:
        # Fresh planner statistics, so the first queries on the load see its real sizes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return 0
