"""Every write to agencies and memberships.

Each agency has one guardian group; a user is in it exactly while they hold a membership in
force there. Only these services add or remove people from those groups.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_application_model

from agencies import deadlines
from agencies.deidentify import find_personal_identifiers
from agencies.models import (
    Agency,
    BulletinStatus,
    Membership,
    OutreachEvent,
    Training,
    TrainingAttendance,
    TrendBulletin,
)
from agencies.roles import ROLES_BY_DISCIPLINE, SUPERVISOR_ROLES, Discipline, Role
from agencies.selectors import (
    acting_agencies,
    may_administer,
    may_manage_agency,
    may_record_outreach,
)
from taskforce import audit, signin
from taskforce.errors import InvalidTransition
from taskforce.models import AuditAction, Deadline, DeadlineKind, DeadlineStatus

User = get_user_model()

AGENCY_FIELDS = (
    "name",
    "acronym",
    "discipline",
    "jurisdiction_level",
    "street",
    "city",
    "state",
    "postal_code",
    "phone",
    "public_contact_name",
    "public_contact_email",
    "public_contact_phone",
    "active",
    "hours",
    "after_hours_contact",
)
CAPABILITY_FIELDS = ("services_offered", "populations_served", "languages")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _group_name(agency_name: str) -> str:
    return f"agency:{secrets.token_hex(6)}:{agency_name}"[:150]


def _apply(agency: Agency, data: dict) -> None:
    for field in AGENCY_FIELDS:
        if field in data:
            setattr(agency, field, data[field])
    if agency.state:
        agency.state = agency.state.upper()
    agency.full_clean(exclude=["group"])


@transaction.atomic
def create_agency(*, by, **data) -> Agency:
    """A coordinator adds a member agency (and its guardian group)."""
    _require(by is None or may_administer(by), "Only coordinators add agencies.")
    agency = Agency(group=Group(name=""))
    _apply(agency, data)
    agency.group = Group.objects.create(name=_group_name(agency.name))
    agency.save()
    _set_capabilities(agency, data)
    audit.record(AuditAction.CREATE, user=by, obj=agency)
    return agency


@transaction.atomic
def update_agency(*, agency: Agency, by, **data) -> Agency:
    """Coordinators edit any agency; an agency's supervisors edit their own agency's profile."""
    _require(by is None or may_manage_agency(by, agency), "You may not edit this agency.")
    if "discipline" in data and data["discipline"] != agency.discipline:
        _require(by is None or may_administer(by), "Only coordinators change a discipline.")
        if agency.memberships.exists():
            raise ValidationError(
                {"discipline": "An agency with members cannot change discipline."}
            )
    if "active" in data and data["active"] != agency.active:
        _require(by is None or may_administer(by), "Only coordinators deactivate agencies.")
    changed = [f for f in AGENCY_FIELDS + CAPABILITY_FIELDS if f in data]
    _apply(agency, data)
    agency.save()
    _set_capabilities(agency, data)
    audit.record(AuditAction.CHANGE, user=by, obj=agency, detail={"fields": changed})
    return agency


def _set_capabilities(agency: Agency, data: dict) -> None:
    for field in CAPABILITY_FIELDS:
        if field in data and data[field] is not None:
            getattr(agency, field).set(data[field])


def _validate_membership(membership: Membership) -> None:
    allowed = ROLES_BY_DISCIPLINE[membership.agency.discipline]
    if membership.role not in allowed:
        names = ", ".join(sorted(Role(r).label for r in allowed))
        raise ValidationError(
            {"role": f"A {membership.agency.get_discipline_display()} agency's roles are: {names}."}
        )
    if membership.ends and membership.ends < membership.starts:
        raise ValidationError({"ends": "A membership cannot end before it starts."})
    overlapping = Membership.objects.filter(user=membership.user, agency=membership.agency).exclude(
        pk=membership.pk
    )
    for other in overlapping:
        if other.starts <= (membership.ends or dt.date.max) and membership.starts <= (
            other.ends or dt.date.max
        ):
            raise ValidationError(
                {"starts": "This person already has a membership in this agency for that period."}
            )


def _may_manage_members(by, agency: Agency, *, coordinator_flag: bool) -> None:
    if by is None:
        return
    _require(may_manage_agency(by, agency), "You may not manage this agency's members.")
    _require(not coordinator_flag or may_administer(by), "Only coordinators appoint coordinators.")


@transaction.atomic
def add_membership(
    *,
    by,
    user,
    agency: Agency,
    role: str,
    title: str = "",
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    is_coordinator: bool = False,
    is_service_account: bool = False,
) -> Membership:
    _may_manage_members(by, agency, coordinator_flag=is_coordinator)
    membership = Membership(
        user=user,
        agency=agency,
        role=role,
        title=title,
        starts=starts or timezone.localdate(),
        ends=ends,
        is_coordinator=is_coordinator,
        is_service_account=is_service_account,
    )
    _validate_membership(membership)
    membership.full_clean()
    membership.save()
    sync_agency_groups(user=user)
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=membership,
        detail={"agency_id": agency.pk, "member_id": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def update_membership(*, membership: Membership, by, **data) -> Membership:
    if "is_coordinator" in data and data["is_coordinator"] != membership.is_coordinator:
        _may_manage_members(by, membership.agency, coordinator_flag=True)
    else:
        _may_manage_members(by, membership.agency, coordinator_flag=False)
    access_fields = ("role", "starts", "ends", "is_coordinator")
    changes_access = any(
        field in data and data[field] != getattr(membership, field) for field in access_fields
    )
    for field in ("role", "title", "starts", "ends", "is_coordinator"):
        if field in data:
            setattr(membership, field, data[field])
    _validate_membership(membership)
    membership.full_clean()
    membership.save()
    sync_agency_groups(user=membership.user)
    if changes_access:
        # What the person may see has changed: every open session and token starts again.
        signin.end_sessions(membership.user, reason="membership changed", by=by)
    if "ends" in data:
        deadlines.sync_membership(membership)
    audit.record(
        AuditAction.CHANGE,
        user=by,
        obj=membership,
        detail={"fields": sorted(data), "role": membership.role},
    )
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by, ends: dt.date | None = None) -> Membership:
    """End a membership (today by default). It grants nothing from the day after."""
    today = timezone.localdate()
    if membership.ends is not None and membership.ends < today:
        raise InvalidTransition("This membership has already ended.")
    ends = ends or today
    if ends < membership.starts:
        raise ValidationError({"ends": "A membership cannot end before it starts."})
    return update_membership(membership=membership, by=by, ends=ends)


def check_ended_memberships(*, today: dt.date | None = None) -> int:
    """Daily catch-up for memberships that end by date (set ahead of time): those that ended
    yesterday or today get their open-work deadline if the person left work behind, and those
    whose deadline was missed are met once the work has been handed over."""
    today = today or timezone.localdate()
    still_held = Deadline.objects.filter(
        kind=DeadlineKind.MEMBERSHIP_OPEN_WORK, status=DeadlineStatus.MISSED
    ).values("source_id")
    ended = Membership.objects.filter(
        Q(ends__range=(today - dt.timedelta(days=1), today)) | Q(pk__in=still_held)
    )
    count = 0
    for membership in ended.select_related("agency", "user").order_by("pk"):
        deadlines.sync_membership(membership)
        if membership.ends == today - dt.timedelta(days=1):
            # A membership ended by date grants nothing from today on: the sessions and tokens
            # opened under it end now (once, on the first day after its end), so that no page
            # left open or token outlives the access.
            signin.end_sessions(membership.user, reason="membership ended")
        count += 1
    return count


# CJIS account management (AC-2(3)): an interactive account unused this long is disabled.
INACTIVE_ACCOUNT_DAYS = 90


def disable_inactive_accounts(*, now: dt.datetime | None = None) -> int:
    """Disable every interactive account not signed in for ``INACTIVE_ACCOUNT_DAYS`` (counted
    from its creation if it never signed in). Returns how many were disabled.

    Superusers and staff are included: a dormant administrator account is the likeliest to be
    taken over. Partner systems' service accounts never sign in (their tokens expire within
    the hour and are asked for again) and are left alone.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=INACTIVE_ACCOUNT_DAYS)
    service_accounts = Membership.objects.filter(is_service_account=True).values("user_id")
    idle = (
        User.objects.filter(is_active=True)
        .exclude(pk__in=service_accounts)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    count = 0
    for user in idle.iterator():
        signin.disable_account(user, by=None, reason="inactive 90 days")
        count += 1
    return count


def sync_agency_groups(*, user) -> int:
    """Put ``user`` in exactly the groups of the agencies where they hold a membership in force.

    Returns how many groups changed. The access layer itself reads memberships, so an ended
    membership grants nothing even before this runs; the groups serve guardian's own checks.
    """
    current = set(
        Membership.objects.active().filter(user=user).values_list("agency__group_id", flat=True)
    )
    held = set(user.groups.filter(agency__isnull=False).values_list("pk", flat=True))
    if held - current:
        user.groups.remove(*(held - current))
    if current - held:
        user.groups.add(*(current - held))
    return len(held ^ current)


def sync_all_agency_groups() -> int:
    """Daily catch-up for memberships that started or ended by date. Returns groups changed."""
    people = User.objects.filter(memberships__isnull=False).distinct().order_by("pk")
    return sum(sync_agency_groups(user=user) for user in people.iterator())


DEFAULT_SERVICE_ROLE = {
    Discipline.LAW_ENFORCEMENT: Role.INVESTIGATOR,
    Discipline.PROSECUTION: Role.PROSECUTOR,
    Discipline.VICTIM_SERVICES: Role.ADVOCATE,
    Discipline.COMMUNITY: Role.MEMBER,
    Discipline.GOVERNMENT_OTHER: Role.MEMBER,
}


@transaction.atomic
def register_partner_application(*, agency: Agency, name: str, by=None, role: str | None = None):
    """Register a partner system for one agency.

    It gets a service account with one membership in that agency, and an OAuth2 application
    (client credentials) acting as that account. Returns ``(application, client_secret)``; the
    secret is shown once and stored hashed.
    """
    _require(by is None or may_administer(by), "Only coordinators register partner systems.")
    role = role or DEFAULT_SERVICE_ROLE[agency.discipline]
    if role in SUPERVISOR_ROLES:
        raise ValidationError({"role": "A partner system cannot act as a supervisor."})
    account = User.objects.create(
        username=f"svc-{secrets.token_hex(6)}", first_name=name[:150], is_active=True
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    add_membership(
        by=None,
        user=account,
        agency=agency,
        role=role,
        title=f"Partner system: {name}"[:120],
        is_service_account=True,
    )
    Application = get_application_model()
    secret = secrets.token_urlsafe(40)
    application = Application.objects.create(
        name=name,
        user=account,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=application,
        detail={"agency_id": agency.pk, "service_account_id": account.pk},
    )
    return application, secret


# --- Training ---------------------------------------------------------------------------------
# Trainings and their attendance are the coordinators' to record (the task force's evidence of
# training law-enforcement and victim-service personnel).

TRAINING_FIELDS = (
    "title",
    "topic",
    "description",
    "audience_disciplines",
    "held_on",
    "hours",
    "location",
    "trainers",
    "host_agency",
)


def _check_disciplines(codes) -> list[str]:
    codes = list(dict.fromkeys(codes or []))
    unknown = [c for c in codes if c not in Discipline.values]
    if unknown:
        raise ValidationError(
            {"audience_disciplines": f"Not a discipline: {', '.join(map(str, unknown))}."}
        )
    return codes


def _apply_training(training: Training, data: dict) -> None:
    for field in TRAINING_FIELDS:
        if field in data:
            setattr(training, field, data[field])
    training.audience_disciplines = _check_disciplines(training.audience_disciplines)
    # Fields first (this also turns input into field values, hours into a Decimal), so the
    # checks below name the field; the table's constraints last.
    training.full_clean(validate_constraints=False)
    if training.hours is not None and training.hours <= 0:
        raise ValidationError({"hours": "A training lasts more than zero hours."})
    if training.topic_id and not training.topic.active and "topic" in data:
        raise ValidationError({"topic": "This topic is retired; choose another."})
    if training.host_agency_id and not training.host_agency.active and "host_agency" in data:
        raise ValidationError({"host_agency": "This agency is no longer a member agency."})
    training.validate_constraints()


@transaction.atomic
def create_training(*, by, **data) -> Training:
    _require(by is None or may_administer(by), "Only coordinators record trainings.")
    training = Training(created_by=by if by is not None and by.is_authenticated else None)
    _apply_training(training, data)
    training.save()
    audit.record(AuditAction.CREATE, user=by, obj=training)
    return training


@transaction.atomic
def update_training(*, training: Training, by, **data) -> Training:
    _require(by is None or may_administer(by), "Only coordinators edit trainings.")
    _apply_training(training, data)
    if "hours" in data and training.attendance.filter(hours_credited__gt=training.hours).exists():
        raise ValidationError(
            {"hours": "Some attendees are credited with more hours than this; correct them first."}
        )
    training.save()
    audit.record(AuditAction.CHANGE, user=by, obj=training, detail={"fields": sorted(data)})
    return training


def _attendance_agency(*, attendee, agency: Agency | None, on: dt.date) -> Agency:
    """The agency a member attended for: one where they were a member on the day, or are now
    (people often train shortly before their membership is recorded)."""
    today = timezone.localdate()
    held = Membership.objects.filter(user=attendee).filter(
        Q(starts__lte=on) & (Q(ends__isnull=True) | Q(ends__gte=on))
        | Q(starts__lte=today) & (Q(ends__isnull=True) | Q(ends__gte=today))
    )
    if agency is None:
        membership = held.select_related("agency").order_by("agency__name", "id").first()
        if membership is None:
            raise ValidationError(
                {"agency": "This person holds no membership; name the agency they attended for."}
            )
        return membership.agency
    if not held.filter(agency=agency).exists():
        raise ValidationError(
            {"agency": f"{attendee.get_username()} is not a member of {agency.name}."}
        )
    return agency


@transaction.atomic
def record_attendance(
    *,
    training: Training,
    by,
    attendee=None,
    external_name: str = "",
    agency: Agency | None = None,
    hours_credited: Decimal | None = None,
) -> TrainingAttendance:
    """Record that a member (or someone named, for an agency) attended, with the hours credited.

    Hours default to the training's length and can never exceed it.
    """
    _require(by is None or may_administer(by), "Only coordinators record attendance.")
    external_name = (external_name or "").strip()
    if attendee is None and not external_name:
        raise ValidationError({"attendee": "Name a member, or write the attendee's name."})
    if attendee is not None and external_name:
        raise ValidationError({"external_name": "Name a member or write a name, not both."})
    if attendee is not None:
        agency = _attendance_agency(attendee=attendee, agency=agency, on=training.held_on)
        if training.attendance.filter(attendee=attendee).exists():
            raise ValidationError(
                {"attendee": f"{attendee.get_username()} is already recorded at this training."}
            )
    elif agency is None:
        raise ValidationError({"agency": "Name the agency this person attended for."})
    hours = training.hours if hours_credited is None else hours_credited
    _check_hours(training, hours)
    attendance = TrainingAttendance(
        training=training,
        attendee=attendee,
        external_name=external_name,
        agency=agency,
        hours_credited=hours,
        recorded_by=by if by is not None and by.is_authenticated else None,
    )
    attendance.full_clean()
    attendance.save()
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=attendance,
        detail={"training_id": training.pk, "agency_id": agency.pk},
    )
    return attendance


def _check_hours(training: Training, hours) -> None:
    if hours is None or hours < 0:
        raise ValidationError({"hours_credited": "Hours credited cannot be negative."})
    if hours > training.hours:
        raise ValidationError({"hours_credited": f"At most the training's {training.hours} hours."})


@transaction.atomic
def update_attendance(
    *, attendance: TrainingAttendance, by, hours_credited: Decimal
) -> TrainingAttendance:
    """Correct the hours credited (a person who left early)."""
    _require(by is None or may_administer(by), "Only coordinators correct attendance.")
    _check_hours(attendance.training, hours_credited)
    attendance.hours_credited = hours_credited
    attendance.save(update_fields=["hours_credited", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=attendance, detail={"fields": ["hours_credited"]})
    return attendance


@transaction.atomic
def remove_attendance(*, attendance: TrainingAttendance, by) -> None:
    """Take back an attendance recorded by mistake (the audit trail keeps that it was)."""
    _require(by is None or may_administer(by), "Only coordinators correct attendance.")
    audit.record(
        AuditAction.CHANGE,
        user=by,
        obj=attendance,
        detail={"removed": True, "training_id": attendance.training_id},
    )
    attendance.delete()


# --- Outreach ---------------------------------------------------------------------------------

OUTREACH_FIELDS = (
    "title",
    "audience",
    "held_on",
    "location",
    "estimated_reach",
    "materials",
    "description",
    "lead_agency",
)


def _apply_outreach(event: OutreachEvent, data: dict) -> None:
    for field in OUTREACH_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    event.full_clean()
    if event.estimated_reach is not None and event.estimated_reach < 0:
        raise ValidationError({"estimated_reach": "Reach cannot be negative."})
    if "lead_agency" in data and event.lead_agency_id and not event.lead_agency.active:
        raise ValidationError({"lead_agency": "This agency is no longer a member agency."})


def _set_outreach_relations(event: OutreachEvent, data: dict) -> None:
    if data.get("languages") is not None:
        event.languages.set(data["languages"])
    if data.get("agencies") is not None or "lead_agency" in data:
        involved = set(data["agencies"]) if data.get("agencies") is not None else None
        if involved is None:
            involved = set(event.agencies.all())
        involved.add(event.lead_agency)  # the lead is always among the agencies involved
        event.agencies.set(involved)


@transaction.atomic
def create_outreach_event(*, by, **data) -> OutreachEvent:
    """Coordinators record any outreach event; supervisors those their own agency led."""
    lead = data.get("lead_agency")
    _require(
        by is None or may_record_outreach(by, lead),
        "Only coordinators, or the lead agency's supervisors, record outreach events.",
    )
    event = OutreachEvent(created_by=by if by is not None and by.is_authenticated else None)
    _apply_outreach(event, data)
    event.save()
    _set_outreach_relations(event, {**data, "lead_agency": event.lead_agency})
    audit.record(AuditAction.CREATE, user=by, obj=event)
    return event


@transaction.atomic
def update_outreach_event(*, event: OutreachEvent, by, **data) -> OutreachEvent:
    if by is not None:
        _require(
            may_record_outreach(by, event.lead_agency),
            "Only coordinators, or the lead agency's supervisors, edit this event.",
        )
        if "lead_agency" in data:
            _require(
                may_record_outreach(by, data["lead_agency"]),
                "You may not hand this event to another agency.",
            )
    _apply_outreach(event, data)
    event.save()
    _set_outreach_relations(event, data)
    audit.record(AuditAction.CHANGE, user=by, obj=event, detail={"fields": sorted(data)})
    return event


# --- Trend bulletins --------------------------------------------------------------------------

BULLETIN_FIELDS = ("kind", "title", "body", "venue", "recruitment_method")


def check_deidentified(data: dict, fields=("title", "body")) -> None:
    """Refuse text carrying obvious personal identifiers, naming each one found."""
    errors = {}
    for field in fields:
        findings = find_personal_identifiers(data.get(field) or "")
        if findings:
            listed = "; ".join(str(f) for f in findings)
            errors[field] = (
                f"Remove personal identifiers before sharing: {listed}. "
                "Bulletins describe trends, never people."
            )
    if errors:
        raise ValidationError(errors)


def _apply_bulletin(bulletin: TrendBulletin, data: dict) -> None:
    values = {
        field: value.strip() if isinstance(value, str) else value
        for field, value in data.items()
        if field in BULLETIN_FIELDS
    }
    # Checked before anything is set: a refused text never reaches the instance.
    check_deidentified(
        {field: values.get(field, getattr(bulletin, field)) for field in ("title", "body")}
    )
    for field, value in values.items():
        setattr(bulletin, field, value)
    bulletin.full_clean()


@transaction.atomic
def share_trend_bulletin(*, by, agency: Agency | None = None, **data) -> TrendBulletin:
    """Any active member shares a de-identified bulletin, for one of their agencies."""
    mine = acting_agencies(by)
    if agency is None:
        agency = mine.first()
        _require(agency is not None, "Only active members share bulletins.")
    elif not mine.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "You can only share for an agency you act for."})
    bulletin = TrendBulletin(author=by, author_agency=agency)
    _apply_bulletin(bulletin, data)
    bulletin.save()
    audit.record(AuditAction.CREATE, user=by, obj=bulletin)
    return bulletin


@transaction.atomic
def update_trend_bulletin(*, bulletin: TrendBulletin, by, **data) -> TrendBulletin:
    """Its author corrects a bulletin while it is active."""
    _require(by is not None and bulletin.author_id == by.pk, "Only its author edits a bulletin.")
    if bulletin.status != BulletinStatus.ACTIVE:
        raise InvalidTransition("An archived bulletin is no longer edited.")
    _apply_bulletin(bulletin, data)
    bulletin.save()
    audit.record(AuditAction.CHANGE, user=by, obj=bulletin, detail={"fields": sorted(data)})
    return bulletin


@transaction.atomic
def archive_trend_bulletin(*, bulletin: TrendBulletin, by) -> TrendBulletin:
    """Coordinators archive a bulletin that is stale or wrong; it is kept, never deleted."""
    _require(by is None or may_administer(by), "Only coordinators archive bulletins.")
    bulletin = TrendBulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status == BulletinStatus.ARCHIVED:
        raise InvalidTransition("This bulletin is already archived.")
    bulletin.status = BulletinStatus.ARCHIVED
    bulletin.archived_at = timezone.now()
    bulletin.archived_by = by if by is not None and by.is_authenticated else None
    bulletin.save(update_fields=["status", "archived_at", "archived_by", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=bulletin, detail={"status": bulletin.status})
    return bulletin
