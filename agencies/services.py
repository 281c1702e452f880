"""Every write to agencies and memberships.

Each agency has one guardian group; a user is in it exactly while they hold a membership in
force there. Only these services add or remove people from those groups.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model

from agencies.models import Agency, Membership
from agencies.roles import ROLES_BY_DISCIPLINE, SUPERVISOR_ROLES, Discipline, Role
from agencies.selectors import may_administer, may_manage_agency
from taskforce import audit
from taskforce.errors import InvalidTransition
from taskforce.models import AuditAction

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
    for field in ("role", "title", "starts", "ends", "is_coordinator"):
        if field in data:
            setattr(membership, field, data[field])
    _validate_membership(membership)
    membership.full_clean()
    membership.save()
    sync_agency_groups(user=membership.user)
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
