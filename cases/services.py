"""Every write to investigations and prosecutions.

Each function checks that the acting person may do it (through the access layer), validates,
writes in one transaction, grants or revokes what the step implies, and audits by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import COMPARTMENT_ROLES, Compartment, Discipline, Role
from agencies.selectors import membership_in
from cases import deadlines, normalize
from cases.models import (
    Case,
    CaseNote,
    CaseNumberSequence,
    CaseStatus,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Disposition,
    Identifier,
    IdentifierKind,
    Operation,
    PreOperationNotice,
    Prosecution,
    ProsecutionReferral,
    ProsecutionReferralStatus,
    ProsecutorNote,
    Statute,
    Subject,
)
from taskforce import access, audit
from taskforce.errors import InvalidTransition
from taskforce.models import AuditAction
from taskforce.services import not_future

NOTE_EDIT_WINDOW = dt.timedelta(minutes=15)

# The case state machine: status -> statuses it may move to.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ACTIVE, CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.REFERRED: frozenset({CaseStatus.ACTIVE, CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.ACTIVE}),  # reopen
}

CASE_FIELDS = (
    "title",
    "summary",
    "origin",
    "trafficking_type",
    "trafficking_subtype",
    "confirmation_status",
    "venue",
    "recruitment_method",
    "jurisdiction_level",
    "jurisdiction",
    "ucr_clearance",
)


# --- helpers ----------------------------------------------------------------------------------


def _touch(case: Case) -> None:
    """Record activity on the case, which restarts its inactivity clock."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_activity_at=now)
    case.last_activity_at = now
    deadlines.case_active(case, now)


def _require_lead(by, case: Case, action: str) -> None:
    """Steps that only the lead agency takes (status, sharing, referral): 403 otherwise."""
    access.require(by, case)
    if by is not None and not membership_in(
        by, case.owner_agency, [Role.INVESTIGATOR, Role.LE_SUPERVISOR]
    ):
        raise PermissionDenied(f"Only the lead agency {action}.")


def _move(case: Case, to: str) -> None:
    if to not in CASE_TRANSITIONS[case.status]:
        raise InvalidTransition(
            f"A case that is {case.get_status_display().lower()} cannot become "
            f"{CaseStatus(to).label.lower()}."
        )
    case.status = to


def next_case_number(*, prefix: str, year: int) -> str:
    """``<prefix>-<year>-<seq>``: the row lock makes numbers unique and never reused."""
    CaseNumberSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last = F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db(fields=["last"])
    return f"{prefix}-{year}-{sequence.last:05d}"


def case_prefix(agency: Agency) -> str:
    return (agency.acronym or f"A{agency.pk}").upper().replace(" ", "")


# --- cases ------------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    by,
    agency: Agency,
    title: str,
    origin: str,
    trafficking_type: str,
    jurisdiction_level: str,
    opened_on: dt.date | None = None,
    assigned_investigators: Iterable = (),
    **fields,
) -> Case:
    """A law-enforcement investigator or supervisor opens a case for their own agency."""
    if agency.discipline != Discipline.LAW_ENFORCEMENT:
        raise ValidationError({"agency": "Cases are opened by law-enforcement agencies."})
    if by is not None and not membership_in(
        by, agency, COMPARTMENT_ROLES[Compartment.INVESTIGATIVE][1]
    ):
        raise PermissionDenied("Only this agency's investigators and supervisors open cases.")
    opened_on = opened_on or timezone.localdate()
    not_future(opened_on, "opened_on")
    case = Case(
        owner_agency=agency,
        title=title,
        origin=origin,
        trafficking_type=trafficking_type,
        jurisdiction_level=jurisdiction_level,
        opened_on=opened_on,
        number="pending",
    )
    for field in CASE_FIELDS:
        if field in fields:
            setattr(case, field, fields[field])
    case.full_clean(exclude=["number"])
    case.number = next_case_number(prefix=case_prefix(agency), year=opened_on.year)
    case.save()
    investigators = list(assigned_investigators) or ([by] if by is not None else [])
    _set_investigators(case, investigators)
    deadlines.sync_case(case)
    audit.record(AuditAction.CREATE, user=by, obj=case)
    return case


def _set_investigators(case: Case, users: Iterable) -> None:
    users = list(users)
    agencies = [case.owner_agency_id, *case.participating_agencies.values_list("pk", flat=True)]
    allowed = set(
        Membership.objects.active()
        .filter(
            user__in=users,
            agency_id__in=agencies,
            role__in=[Role.INVESTIGATOR, Role.LE_SUPERVISOR, Role.LE_VICTIM_SPECIALIST],
        )
        .values_list("user_id", flat=True)
    )
    refused = [u.pk for u in users if u.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "assigned_investigators": "Only law-enforcement members of the case's agencies "
                "can be assigned."
            }
        )
    case.assigned_investigators.set(users)


@transaction.atomic
def update_case(*, case: Case, by, assigned_investigators=None, **fields) -> Case:
    """Edit a case's facts (not its status: that moves only through the transitions)."""
    access.require(by, case)
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition("A closed case is reopened before it is edited.")
    changed = [f for f in CASE_FIELDS if f in fields]
    for field in changed:
        setattr(case, field, fields[field])
    case.full_clean()
    case.save()
    if assigned_investigators is not None:
        _set_investigators(case, assigned_investigators)
        changed.append("assigned_investigators")
    _touch(case)
    audit.record(AuditAction.CHANGE, user=by, obj=case, detail={"fields": changed})
    return case


@transaction.atomic
def activate_case(*, case: Case, by) -> Case:
    """Open → active. (A closed case comes back by ``reopen_case``; a referred one returns to
    active when its last referral is declined or withdrawn.)"""
    _require_lead(by, case, "moves its case's status")
    if case.status != CaseStatus.OPEN:
        raise InvalidTransition("Only an open case is activated.")
    _move(case, CaseStatus.ACTIVE)
    case.save(update_fields=["status", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=case, detail={"status": case.status})
    return case


@transaction.atomic
def close_case(
    *, case: Case, by, reason: str, ucr_clearance: str | None = None, closed_on=None
) -> Case:
    _require_lead(by, case, "closes its case")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Closing a case needs a reason."})
    closed_on = closed_on or timezone.localdate()
    not_future(closed_on, "closed_on")
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": "A case cannot close before it opened."})
    _move(case, CaseStatus.CLOSED)
    case.closing_reason = reason.strip()[:300]
    case.closed_on = closed_on
    if ucr_clearance:
        case.ucr_clearance = ucr_clearance
    case.full_clean()
    case.save()
    deadlines.sync_case(case)
    audit.record(AuditAction.CHANGE, user=by, obj=case, detail={"status": case.status})
    return case


@transaction.atomic
def reopen_case(*, case: Case, by) -> Case:
    _require_lead(by, case, "reopens its case")
    if case.status != CaseStatus.CLOSED:
        raise InvalidTransition("Only a closed case is reopened.")
    _move(case, CaseStatus.ACTIVE)
    case.closed_on = None
    case.save(update_fields=["status", "closed_on", "updated_at"])
    _touch(case)
    deadlines.sync_case(case)  # the closed case's clock was cancelled: open a fresh one
    audit.record(AuditAction.CHANGE, user=by, obj=case, detail={"status": case.status})
    return case


# --- sharing ----------------------------------------------------------------------------------

SHARE_REASON = "co-investigating agency"


@transaction.atomic
def share_case(*, case: Case, agency: Agency, access_level: str, by, reason: str = "") -> Case:
    """The lead agency opens the whole case file to a co-investigating law-enforcement agency."""
    _require_lead(by, case, "shares its case")
    if agency.discipline != Discipline.LAW_ENFORCEMENT or not agency.active:
        raise ValidationError({"agency": "A case is shared with an active law-enforcement agency."})
    if agency.pk == case.owner_agency_id:
        raise ValidationError({"agency": "The lead agency already holds its case."})
    if access_level not in ("view", "change"):
        raise ValidationError({"access": "Choose view or change."})
    why = (reason or SHARE_REASON).strip()
    if access.grants_on(case).filter(group_id=agency.group_id).exists():
        access.revoke(obj=case, agency=agency, reason="share replaced", by=by)
    access.grant(
        obj=case,
        agency=agency,
        action=access_level,
        reason=why,
        by=by,
        extra_permissions=("view_case_file",),
    )
    case.participating_agencies.add(agency)
    # The case's law-enforcement agencies see its charges and court dates.
    for record in _prosecution_records(case):
        access.grant(obj=record, agency=agency, action="view", reason="case agency", by=by)
    _touch(case)
    return case


@transaction.atomic
def unshare_case(*, case: Case, agency: Agency, by, reason: str = "") -> Case:
    _require_lead(by, case, "unshares its case")
    if not case.participating_agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "The case is not shared with this agency."})
    why = (reason or "share ended").strip()
    access.revoke(obj=case, agency=agency, reason=why, by=by)
    for record in _prosecution_records(case):
        access.revoke(obj=record, agency=agency, reason=why, by=by)
    case.participating_agencies.remove(agency)
    case.assigned_investigators.remove(
        *case.assigned_investigators.filter(memberships__agency=agency).exclude(
            memberships__agency=case.owner_agency
        )
    )
    return case


def _prosecution_records(case: Case):
    yield from Prosecution.objects.filter(case=case)
    yield from Charge.objects.filter(prosecution__case=case)
    yield from CourtEvent.objects.filter(prosecution__case=case)


def case_agencies(case: Case) -> list[Agency]:
    """The case's law-enforcement agencies: the lead and those it shares with."""
    return [case.owner_agency, *case.participating_agencies.all()]


# --- subjects and identifiers -----------------------------------------------------------------

SUBJECT_FIELDS = (
    "role",
    "first_name",
    "last_name",
    "aliases",
    "date_of_birth",
    "gender",
    "country_of_origin",
    "arrest_date",
)


def _clean_subject(subject: Subject) -> None:
    not_future(subject.date_of_birth, "date_of_birth")
    not_future(subject.arrest_date, "arrest_date")
    if not isinstance(subject.aliases, list) or not all(
        isinstance(a, str) for a in subject.aliases
    ):
        raise ValidationError({"aliases": "Aliases are a list of names."})
    subject.aliases = [a.strip()[:120] for a in subject.aliases if a.strip()]
    subject.country_of_origin = (subject.country_of_origin or "").upper()
    subject.full_clean()


@transaction.atomic
def add_subject(*, case: Case, by, **fields) -> Subject:
    access.require(by, case)
    subject = Subject(case=case, owner_agency_id=case.owner_agency_id)
    for field in SUBJECT_FIELDS:
        if field in fields:
            setattr(subject, field, fields[field])
    _clean_subject(subject)
    subject.save()
    _sync_person_identifier(subject, by)
    _touch(case)
    audit.record(AuditAction.CREATE, user=by, obj=subject, detail={"case_id": case.pk})
    return subject


@transaction.atomic
def update_subject(*, subject: Subject, by, **fields) -> Subject:
    access.require(by, subject)
    changed = [f for f in SUBJECT_FIELDS if f in fields]
    for field in changed:
        setattr(subject, field, fields[field])
    _clean_subject(subject)
    subject.save()
    _sync_person_identifier(subject, by)
    _touch(subject.case)
    audit.record(AuditAction.CHANGE, user=by, obj=subject, detail={"fields": changed})
    return subject


def _sync_person_identifier(subject: Subject, by) -> None:
    """A subject with a full name and a date of birth is itself a deconfliction target."""
    current = subject.identifiers.filter(kind=IdentifierKind.PERSON, retired=False).first()
    if not (subject.first_name and subject.last_name and subject.date_of_birth):
        if current:
            current.retired = True
            current.save(update_fields=["retired", "updated_at"])
        return
    key = normalize.person(subject.first_name, subject.last_name, subject.date_of_birth)
    if current and current.normalized == key:
        return
    if current:
        current.retired = True
        current.save(update_fields=["retired", "updated_at"])
    _record_identifier(
        case=subject.case,
        subject=subject,
        kind=IdentifierKind.PERSON,
        value=f"{subject.last_name}, {subject.first_name} ({subject.date_of_birth:%Y-%m-%d})",
        normalized=key,
    )


@transaction.atomic
def add_identifier(*, case: Case, by, kind: str, value: str, subject: Subject | None = None):
    access.require(by, case)
    if kind == IdentifierKind.PERSON or kind not in IdentifierKind.values:
        raise ValidationError(
            {
                "kind": "Choose phone, email, address, business, online handle or vehicle "
                "(a person is identified through a subject's name and date of birth)."
            }
        )
    if subject is not None and subject.case_id != case.pk:
        raise ValidationError({"subject": "The subject belongs to another case."})
    value = (value or "").strip()
    key = normalize.normalize(kind, value)
    if not key or (kind == IdentifierKind.PHONE and len(key) < 7):
        raise ValidationError(
            {"value": f"This is not a usable {IdentifierKind(kind).label.lower()}."}
        )
    identifier = _record_identifier(
        case=case, subject=subject, kind=kind, value=value, normalized=key
    )
    _touch(case)
    audit.record(AuditAction.CREATE, user=by, obj=identifier, detail={"case_id": case.pk})
    return identifier


def _record_identifier(*, case, subject, kind, value, normalized) -> Identifier:
    identifier = Identifier.objects.create(
        case=case,
        subject=subject,
        owner_agency_id=case.owner_agency_id,
        kind=kind,
        value=value[:300],
        normalized=normalized[:300],
    )
    deconflict(identifier)
    return identifier


def deconflict(identifier: Identifier) -> list[DeconflictionHit]:
    """Match one identifier against every other agency's live identifiers (indexed lookup).

    Each match yields a hit on both sides, naming only the other agency. This reads across
    agencies by design and returns nothing of the other case to the caller.
    """
    matches = (
        Identifier.objects.filter(
            kind=identifier.kind, normalized=identifier.normalized, retired=False
        )
        .exclude(owner_agency_id=identifier.owner_agency_id)
        .select_related("case")
    )
    hits = []
    for other in matches:
        for mine, theirs in ((identifier, other), (other, identifier)):
            try:
                with transaction.atomic():
                    hit, created = DeconflictionHit.objects.get_or_create(
                        identifier=mine,
                        other_identifier=theirs,
                        defaults={
                            "owner_agency_id": mine.owner_agency_id,
                            "case_id": mine.case_id,
                            "kind": mine.kind,
                            "other_agency_id": theirs.owner_agency_id,
                        },
                    )
            except IntegrityError:
                continue  # a concurrent match recorded it first
            if created:
                hits.append(hit)
                audit.record(
                    AuditAction.CREATE,
                    obj=hit,
                    detail={"case_id": mine.case_id, "other_agency_id": theirs.owner_agency_id},
                )
    deadlines.tell_of_hits(hits)
    return hits


@transaction.atomic
def acknowledge_hit(*, hit: DeconflictionHit, by) -> DeconflictionHit:
    access.get_visible(by, DeconflictionHit, pk=hit.pk, audit_read=False)
    if hit.acknowledged_at is None:
        hit.acknowledged_at = timezone.now()
        hit.save(update_fields=["acknowledged_at", "updated_at"])
        audit.record(AuditAction.CHANGE, user=by, obj=hit, detail={"acknowledged": True})
    return hit


# --- notes ------------------------------------------------------------------------------------


@transaction.atomic
def add_note(
    *, case: Case, by, note_type: str, body: str, for_prosecution: bool = False
) -> CaseNote:
    access.require(by, case)
    note = CaseNote(
        case=case,
        owner_agency_id=case.owner_agency_id,
        author=by,
        note_type=note_type,
        body=(body or "").strip(),
        for_prosecution=for_prosecution,
        editable_until=timezone.now() + NOTE_EDIT_WINDOW,
    )
    note.full_clean()
    note.save()
    _touch(case)
    audit.record(AuditAction.CREATE, user=by, obj=note, detail={"case_id": case.pk})
    return note


@transaction.atomic
def edit_note(*, note: CaseNote, by, body: str | None = None, note_type: str | None = None):
    """Only the author, and only within the edit window; after it, add a correction."""
    access.require(by, note)
    if note.author_id != by.pk:
        raise PermissionDenied("Only the note's author edits it.")
    if timezone.now() > note.editable_until:
        raise InvalidTransition("The edit window has closed: add a correction instead.")
    if body is not None:
        note.body = body.strip()
    if note_type is not None:
        note.note_type = note_type
    note.full_clean()
    note.save()
    audit.record(AuditAction.CHANGE, user=by, obj=note, detail={"fields": ["body"]})
    return note


@transaction.atomic
def correct_note(*, note: CaseNote, by, body: str) -> CaseNote:
    """Append a correction to a note; the original stays as it was."""
    access.require(by, note)
    correction = add_note(
        case=note.case,
        by=by,
        note_type=note.note_type,
        body=body,
        for_prosecution=note.for_prosecution,
    )
    correction.corrects = note
    correction.save(update_fields=["corrects", "updated_at"])
    return correction


@transaction.atomic
def mark_note_for_prosecution(*, note: CaseNote, by, for_prosecution: bool = True) -> CaseNote:
    access.require(by, note)
    _require_lead(by, note.case, "chooses what the prosecutor sees")
    note.for_prosecution = for_prosecution
    note.save(update_fields=["for_prosecution", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=note, detail={"for_prosecution": for_prosecution})
    return note


# --- operations -------------------------------------------------------------------------------

OPERATION_FIELDS = (
    "operation_type",
    "status",
    "starts_at",
    "ends_at",
    "location",
    "deconfliction_system",
    "deconfliction_event_number",
)


def _clean_operation(operation: Operation) -> None:
    if operation.starts_at and operation.ends_at and operation.ends_at <= operation.starts_at:
        raise ValidationError({"ends_at": "An operation ends after it starts."})
    operation.full_clean()


@transaction.atomic
def plan_operation(*, case: Case, by, **fields) -> Operation:
    access.require(by, case)
    operation = Operation(case=case, owner_agency_id=case.owner_agency_id)
    for field in OPERATION_FIELDS:
        if field in fields:
            setattr(operation, field, fields[field])
    _clean_operation(operation)
    operation.save()
    _touch(case)
    audit.record(AuditAction.CREATE, user=by, obj=operation, detail={"case_id": case.pk})
    return operation


@transaction.atomic
def update_operation(*, operation: Operation, by, **fields) -> Operation:
    access.require(by, operation)
    changed = [f for f in OPERATION_FIELDS if f in fields]
    for field in changed:
        setattr(operation, field, fields[field])
    _clean_operation(operation)
    operation.save()
    _touch(operation.case)
    audit.record(AuditAction.CHANGE, user=by, obj=operation, detail={"fields": changed})
    return operation


@transaction.atomic
def send_pre_operation_notice(
    *,
    operation: Operation,
    provider: Agency,
    by,
    window_starts: dt.datetime,
    window_ends: dt.datetime,
    expected_victims: int,
    genders: Iterable[str] = (),
    languages: Iterable = (),
    minors_expected: bool = False,
) -> PreOperationNotice:
    """Tell a service provider what the protocol allows, and nothing else of the case."""
    from cases.models import Gender

    access.require(by, operation)
    if provider.discipline != Discipline.VICTIM_SERVICES or not provider.active:
        raise ValidationError({"provider": "Notices go to an active victim service provider."})
    if window_ends <= window_starts:
        raise ValidationError({"window_ends": "The window ends after it starts."})
    genders = list(dict.fromkeys(genders))
    unknown = [g for g in genders if g not in Gender.values]
    if unknown:
        raise ValidationError({"genders": f"Unknown gender values: {', '.join(unknown)}."})
    if expected_victims is None or expected_victims < 0:
        raise ValidationError({"expected_victims": "Give an expected number (0 or more)."})
    notice = PreOperationNotice.objects.create(
        operation=operation,
        owner_agency_id=operation.owner_agency_id,
        provider=provider,
        window_starts=window_starts,
        window_ends=window_ends,
        expected_victims=expected_victims,
        genders=genders,
        minors_expected=minors_expected,
        sent_by=by,
    )
    notice.languages.set(list(languages))
    access.grant(obj=notice, agency=provider, action="view", reason="pre-operation notice", by=by)
    audit.record(AuditAction.CREATE, user=by, obj=notice, detail={"provider_id": provider.pk})
    return notice


# --- prosecution ------------------------------------------------------------------------------

PROSECUTION_ROLES = (Role.PROSECUTOR, Role.VICTIM_WITNESS_COORDINATOR)


@transaction.atomic
def refer_for_prosecution(
    *, case: Case, office: Agency, by, message: str = ""
) -> ProsecutionReferral:
    """The lead agency refers its case to a prosecutor office: the office sees the case core,
    its subjects and the notes marked for prosecution."""
    _require_lead(by, case, "refers its case")
    if office.discipline != Discipline.PROSECUTION or not office.active:
        raise ValidationError({"office": "Refer to an active prosecutor office."})
    if ProsecutionReferral.objects.filter(
        case=case,
        office=office,
        status__in=[ProsecutionReferralStatus.PENDING, ProsecutionReferralStatus.ACCEPTED],
    ).exists():
        raise InvalidTransition("This case is already referred to that office.")
    _move(case, CaseStatus.REFERRED)
    case.save(update_fields=["status", "updated_at"])
    referral = ProsecutionReferral.objects.create(
        case=case,
        office=office,
        owner_agency_id=case.owner_agency_id,
        referred_by=by,
        message=(message or "").strip(),
    )
    access.grant(
        obj=referral, agency=office, action="view", reason="referred for prosecution", by=by
    )
    access.grant(obj=case, agency=office, action="view", reason="referred for prosecution", by=by)
    _touch(case)
    audit.record(AuditAction.CREATE, user=by, obj=referral, detail={"office_id": office.pk})
    return referral


def _decide(referral: ProsecutionReferral, by) -> None:
    access.get_visible(by, ProsecutionReferral, pk=referral.pk, audit_read=False)
    if not membership_in(by, referral.office, PROSECUTION_ROLES):
        raise PermissionDenied("Only the receiving office decides on a referral.")
    if referral.status != ProsecutionReferralStatus.PENDING:
        raise InvalidTransition(
            f"This referral is already {referral.get_status_display().lower()}."
        )


@transaction.atomic
def accept_prosecution_referral(
    *,
    referral: ProsecutionReferral,
    by,
    jurisdiction_level: str | None = None,
    court_case_number: str = "",
    lead_prosecutor=None,
) -> Prosecution:
    _decide(referral, by)
    lead = lead_prosecutor or by
    if not membership_in(lead, referral.office, [Role.PROSECUTOR]):
        raise ValidationError(
            {"lead_prosecutor": "The lead prosecutor is a prosecutor of the office."}
        )
    referral.status = ProsecutionReferralStatus.ACCEPTED
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.save()
    prosecution = Prosecution(
        case=referral.case,
        referral=referral,
        owner_agency=referral.office,
        jurisdiction_level=jurisdiction_level or referral.office.jurisdiction_level,
        court_case_number=court_case_number,
        lead_prosecutor=lead,
        opened_on=timezone.localdate(),
    )
    prosecution.full_clean()
    prosecution.save()
    _grant_to_case_agencies(prosecution, by)
    audit.record(AuditAction.CREATE, user=by, obj=prosecution, detail={"case_id": referral.case_id})
    return prosecution


@transaction.atomic
def decline_prosecution_referral(
    *, referral: ProsecutionReferral, by, reason: str
) -> ProsecutionReferral:
    _decide(referral, by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Declining needs a reason."})
    referral.status = ProsecutionReferralStatus.DECLINED
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.decline_reason = reason.strip()[:300]
    referral.save()
    _end_referral_access(referral, by, "prosecution declined")
    return referral


@transaction.atomic
def withdraw_prosecution_referral(*, referral: ProsecutionReferral, by) -> ProsecutionReferral:
    access.require(by, referral)
    if referral.status != ProsecutionReferralStatus.PENDING:
        raise InvalidTransition(
            f"This referral is already {referral.get_status_display().lower()}."
        )
    referral.status = ProsecutionReferralStatus.WITHDRAWN
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.save()
    _end_referral_access(referral, by, "referral withdrawn")
    return referral


def _end_referral_access(referral: ProsecutionReferral, by, reason: str) -> None:
    """The office keeps the referral itself (it saw it), but no longer the case."""
    access.revoke(obj=referral.case, agency=referral.office, reason=reason, by=by)
    case = referral.case
    still_referred = ProsecutionReferral.objects.filter(
        case=case,
        status__in=[ProsecutionReferralStatus.PENDING, ProsecutionReferralStatus.ACCEPTED],
    ).exists()
    if case.status == CaseStatus.REFERRED and not still_referred:
        _move(case, CaseStatus.ACTIVE)
        case.save(update_fields=["status", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=referral, detail={"status": referral.status})


def _grant_to_case_agencies(record, by) -> None:
    for agency in case_agencies(_case_of(record)):
        access.grant(obj=record, agency=agency, action="view", reason="case agency", by=by)


def _case_of(record) -> Case:
    return record.case if isinstance(record, Prosecution) else record.prosecution.case


CHARGE_FIELDS = (
    "statute",
    "nibrs_offense",
    "counts",
    "charged_on",
    "disposition",
    "disposition_on",
    "sentence",
    "restitution_ordered",
)


def _clean_charge(charge: Charge) -> None:
    not_future(charge.charged_on, "charged_on")
    not_future(charge.disposition_on, "disposition_on")
    if charge.disposition != Disposition.PENDING and not charge.disposition_on:
        raise ValidationError({"disposition_on": "A disposition needs its date."})
    if charge.disposition_on and charge.charged_on and charge.disposition_on < charge.charged_on:
        raise ValidationError({"disposition_on": "A disposition cannot precede the charge."})
    if charge.restitution_ordered is not None and charge.restitution_ordered < 0:
        raise ValidationError({"restitution_ordered": "Restitution cannot be negative."})
    charge.full_clean()


@transaction.atomic
def add_charge(*, prosecution: Prosecution, by, subject: Subject, statute: Statute, **fields):
    access.require(by, prosecution)
    if subject.case_id != prosecution.case_id:
        raise ValidationError({"subject": "The subject is not on this prosecution's case."})
    charge = Charge(
        prosecution=prosecution,
        owner_agency_id=prosecution.owner_agency_id,
        subject=subject,
        statute=statute,
        nibrs_offense=fields.pop("nibrs_offense", None) or statute.default_nibrs,
        charged_on=fields.pop("charged_on", None) or timezone.localdate(),
    )
    for field in CHARGE_FIELDS:
        if field in fields:
            setattr(charge, field, fields[field])
    if charge.nibrs_offense_id is None:
        raise ValidationError({"nibrs_offense": "Choose the NIBRS offense code."})
    _clean_charge(charge)
    charge.save()
    _grant_to_case_agencies(charge, by)
    audit.record(AuditAction.CREATE, user=by, obj=charge, detail={"prosecution_id": prosecution.pk})
    return charge


@transaction.atomic
def update_charge(*, charge: Charge, by, **fields) -> Charge:
    access.require(by, charge)
    changed = [f for f in CHARGE_FIELDS if f in fields]
    for field in changed:
        setattr(charge, field, fields[field])
    _clean_charge(charge)
    charge.save()
    audit.record(AuditAction.CHANGE, user=by, obj=charge, detail={"fields": changed})
    return charge


@transaction.atomic
def schedule_court_event(
    *, prosecution: Prosecution, by, event_type: str, scheduled_at: dt.datetime, court: str
) -> CourtEvent:
    access.require(by, prosecution)
    event = CourtEvent(
        prosecution=prosecution,
        owner_agency_id=prosecution.owner_agency_id,
        event_type=event_type,
        scheduled_at=scheduled_at,
        court=court,
    )
    event.full_clean()
    event.save()
    _grant_to_case_agencies(event, by)
    deadlines.sync_court_event(event)
    audit.record(AuditAction.CREATE, user=by, obj=event, detail={"prosecution_id": prosecution.pk})
    return event


@transaction.atomic
def update_court_event(*, event: CourtEvent, by, **fields) -> CourtEvent:
    access.require(by, event)
    changed = [f for f in ("event_type", "scheduled_at", "court", "outcome") if f in fields]
    for field in changed:
        setattr(event, field, fields[field])
    event.full_clean()
    event.save()
    deadlines.sync_court_event(event)
    audit.record(AuditAction.CHANGE, user=by, obj=event, detail={"fields": changed})
    return event


@transaction.atomic
def add_prosecutor_note(*, prosecution: Prosecution, by, body: str) -> ProsecutorNote:
    access.require(by, prosecution)
    note = ProsecutorNote(
        prosecution=prosecution,
        owner_agency_id=prosecution.owner_agency_id,
        author=by,
        body=(body or "").strip(),
    )
    note.full_clean()
    note.save()
    audit.record(AuditAction.CREATE, user=by, obj=note, detail={"prosecution_id": prosecution.pk})
    return note
