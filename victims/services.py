"""Every write to victims, clients, referrals, releases of information, services, immigration
relief and victim notifications.

Each function checks that the acting person may take the step (through the access layer and
their membership), validates, writes in one transaction, grants or revokes what the step
implies, and audits by id. ``by=None`` is the system itself (seeding, scheduled jobs).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Membership, ServiceType
from agencies.roles import Compartment, Discipline, JurisdictionLevel, Role, roles_that_may
from agencies.selectors import membership_in
from cases.models import Case, CourtEvent
from taskforce import access, audit
from taskforce import deadlines as clocks
from taskforce.errors import InvalidTransition
from taskforce.models import AuditAction, DeadlineKind
from taskforce.services import not_future
from victims import deadlines
from victims.models import (
    MINOR_AGE,
    Citizenship,
    Client,
    ClientNote,
    ClientStatus,
    Consent,
    ConsentItem,
    DeclineReason,
    Disability,
    ExitReason,
    IdentificationSource,
    ImmigrationRelief,
    NeedsAssessment,
    NotificationKind,
    NotificationMethod,
    PlanStatus,
    RaceEthnicity,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReliefKind,
    ReliefStatus,
    RevocationMethod,
    ServicePlan,
    ServiceRecord,
    ServiceStatus,
    SharingForm,
    SignerRole,
    Urgency,
    VictimNotification,
    VictimWitness,
)

# A release must be "reasonably time-limited" (28 CFR 90.4): at most a year per signature.
MAX_CONSENT_DAYS = 365
# How far back a paper release signed before it was entered may start.
CONSENT_BACKDATE_DAYS = 30
HHS_RFA_HOURS = 24
U_VISA_VALID_MONTHS = 6
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

PROFILE_FIELDS = (
    "given_name",
    "family_name",
    "alias",
    "date_of_birth",
    "estimated_age",
    "identified_on",
    "identification_source",
    "referral_source",
    "gender",
    "lgbtq",
    "race_ethnicity",
    "disabilities",
    "citizenship",
    "country_of_origin",
    "primary_language",
    "interpreter_needed",
    "trafficking_type",
    "phone",
    "email",
    "address",
    "safe_contact_notes",
    "a_number",
    "enrolled_on",
    "exited_on",
    "exit_reason",
)
CLIENT_FIELDS = (*PROFILE_FIELDS, "case_manager", "family_members_served")
VSP_ROLES = (Role.ADVOCATE, Role.VSP_SUPERVISOR)
VICTIM_WITNESS_STAFF = (Role.VICTIM_WITNESS_COORDINATOR, Role.PROSECUTOR)


# --- helpers ----------------------------------------------------------------------------------


def _require_member(by, agency: Agency, roles: Iterable[str], what: str) -> None:
    if by is not None and not membership_in(by, agency, roles):
        raise PermissionDenied(what)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's last day (Aug 31 + 6 -> Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _apply(obj, fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    for name, value in fields.items():
        setattr(obj, name, value)


def _choices_list(values, choices, field: str) -> list[str]:
    values = list(values or [])
    if any(v not in choices.values for v in values):
        raise ValidationError({field: "Choose from the listed values."})
    if len(set(values)) != len(values):
        raise ValidationError({field: "A value is listed twice."})
    if "not_reported" in values and len(values) > 1:
        raise ValidationError({field: "'Not reported' cannot be combined with other values."})
    return values


def _clean_profile(person) -> None:
    """Dates that cannot be, and the derived age (never typed)."""
    today = timezone.localdate()
    errors = {}
    if person.date_of_birth:
        if person.date_of_birth > today:
            errors["date_of_birth"] = "A date of birth cannot be in the future."
        elif person.date_of_birth < EARLIEST_BIRTH_DATE:
            errors["date_of_birth"] = "Enter a date of birth after 1900."
        if person.estimated_age is not None:
            errors["estimated_age"] = "Give a date of birth or an estimated age, not both."
    if person.estimated_age is not None and person.estimated_age > 120:
        errors["estimated_age"] = "An estimated age is between 0 and 120."
    if person.identified_on:
        if person.identified_on > today:
            errors["identified_on"] = "The identification date cannot be in the future."
        elif person.date_of_birth and person.identified_on < person.date_of_birth:
            errors["identified_on"] = "The identification date is before the date of birth."
    if person.enrolled_on and person.enrolled_on > today:
        errors["enrolled_on"] = "The enrollment date cannot be in the future."
    if person.exited_on:
        if not person.enrolled_on:
            errors["exited_on"] = "An exit needs an enrollment date."
        elif person.exited_on < person.enrolled_on:
            errors["exited_on"] = "The exit date is before the enrollment date."
        elif person.exited_on > today:
            errors["exited_on"] = "The exit date cannot be in the future."
        if not person.exit_reason:
            errors["exit_reason"] = "Give the reason for the exit."
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            errors["email"] = "Enter a valid email address."
    if errors:
        raise ValidationError(errors)
    person.race_ethnicity = _choices_list(person.race_ethnicity, RaceEthnicity, "race_ethnicity")
    person.disabilities = _choices_list(person.disabilities, Disability, "disabilities")
    if person.date_of_birth and person.identified_on:
        person.age_at_identification = age_on(person.date_of_birth, person.identified_on)
    else:
        person.age_at_identification = person.estimated_age
    person.is_minor = (
        person.age_at_identification is not None and person.age_at_identification < MINOR_AGE
    )
    try:
        person.full_clean(exclude=["owner_agency", "cases"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _visible_cases(by, cases) -> list[Case]:
    cases = list(cases or [])
    if by is None:
        return cases
    ids = {c.pk for c in cases}
    found = set(access.visible(by, Case.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    if found != ids:
        raise ValidationError({"cases": "Link only cases you can see."})
    return cases


# --- victim-witness records (law enforcement, prosecution) -----------------------------------


@transaction.atomic
def record_victim(*, agency: Agency, by, cases=(), **fields) -> VictimWitness:
    if agency.discipline not in (Discipline.LAW_ENFORCEMENT, Discipline.PROSECUTION):
        raise PermissionDenied("Victim-witness records are kept by law enforcement or prosecution.")
    _require_member(
        by,
        agency,
        roles_that_may(Compartment.VICTIM_WITNESS, "change"),
        "Only the agency's own staff record its victims.",
    )
    fields.pop("is_minor", None)
    fields.pop("age_at_identification", None)
    victim = VictimWitness(owner_agency=agency)
    _apply(victim, fields, PROFILE_FIELDS)
    _clean_profile(victim)
    linked = _visible_cases(by, cases)
    victim.save()
    victim.cases.set(linked)
    audit.record(AuditAction.CREATE, user=by, obj=victim)
    return victim


@transaction.atomic
def update_victim(*, victim: VictimWitness, by, cases=None, **fields) -> VictimWitness:
    access.require(by, victim)
    fields.pop("is_minor", None)
    fields.pop("age_at_identification", None)
    _apply(victim, fields, PROFILE_FIELDS)
    _clean_profile(victim)
    victim.save()
    if cases is not None:
        victim.cases.set(_visible_cases(by, cases))
    audit.record(
        AuditAction.CHANGE,
        user=by,
        obj=victim,
        detail={"fields": sorted(fields) + ["cases"] * (cases is not None)},
    )
    return victim


def _require_owner_member(by, obj, what: str) -> None:
    access.require(by, obj)
    _require_member(by, obj.owner_agency, roles_that_may(obj.compartment, "change"), what)


@transaction.atomic
def share_victim(*, victim: VictimWitness, agency: Agency, by, reason: str = "") -> VictimWitness:
    """The holding agency opens its record to a co-investigating or prosecuting agency."""
    _require_owner_member(by, victim, "Only the holding agency shares its victim record.")
    if agency.discipline not in (Discipline.LAW_ENFORCEMENT, Discipline.PROSECUTION):
        raise ValidationError(
            {"agency": "Share a victim-witness record only with law enforcement or a prosecutor."}
        )
    if not agency.active:
        raise ValidationError({"agency": "Share with an active agency."})
    access.grant(
        obj=victim,
        agency=agency,
        action="view",
        reason=reason or "victim-witness coordination",
        by=by,
    )
    return victim


@transaction.atomic
def unshare_victim(*, victim: VictimWitness, agency: Agency, by, reason: str = "") -> VictimWitness:
    _require_owner_member(by, victim, "Only the holding agency unshares its victim record.")
    access.revoke(obj=victim, agency=agency, reason=reason or "no longer needed", by=by)
    return victim


# --- client records (service providers) ------------------------------------------------------


def _clean_case_manager(client: Client) -> None:
    if client.case_manager_id and not membership_in(
        client.case_manager, client.owner_agency, VSP_ROLES
    ):
        raise ValidationError({"case_manager": "The case manager works for the provider."})


@transaction.atomic
def record_client(*, agency: Agency, by, **fields) -> Client:
    if agency.discipline != Discipline.VICTIM_SERVICES:
        raise PermissionDenied("Client records are kept by victim service providers.")
    _require_member(by, agency, VSP_ROLES, "Only the provider's own staff record its clients.")
    fields.pop("is_minor", None)
    fields.pop("age_at_identification", None)
    client = Client(owner_agency=agency)
    _apply(client, fields, CLIENT_FIELDS)
    _clean_profile(client)
    _clean_case_manager(client)
    client.status = ClientStatus.EXITED if client.exited_on else ClientStatus.ACTIVE
    client.save()
    audit.record(AuditAction.CREATE, user=by, obj=client)
    return client


@transaction.atomic
def update_client(*, client: Client, by, **fields) -> Client:
    access.require(by, client)
    fields.pop("is_minor", None)
    fields.pop("age_at_identification", None)
    _apply(client, fields, CLIENT_FIELDS)
    _clean_profile(client)
    _clean_case_manager(client)
    client.status = ClientStatus.EXITED if client.exited_on else ClientStatus.ACTIVE
    client.save()
    audit.record(AuditAction.CHANGE, user=by, obj=client, detail={"fields": sorted(fields)})
    return client


@transaction.atomic
def exit_client(*, client: Client, by, exited_on: dt.date, exit_reason: str) -> Client:
    access.require(by, client)
    if client.status == ClientStatus.EXITED:
        raise InvalidTransition("This client has already exited services.")
    if exit_reason not in ExitReason.values:
        raise ValidationError({"exit_reason": "Choose a reason for the exit."})
    if not client.enrolled_on:
        client.enrolled_on = client.identified_on
    client.exited_on, client.exit_reason = exited_on, exit_reason
    _clean_profile(client)
    client.status = ClientStatus.EXITED
    client.save()
    audit.record(AuditAction.CHANGE, user=by, obj=client, detail={"status": "exited"})
    return client


# --- referrals --------------------------------------------------------------------------------


def response_window(*, urgent: bool, minor: bool) -> dt.timedelta:
    """72 h, or 24 h when urgent or for a minor, unless the task force set its own windows."""
    return clocks.window(DeadlineKind.REFERRAL_RESPONSE, urgent=urgent or minor)


@transaction.atomic
def send_referral(
    *,
    from_agency: Agency,
    provider: Agency,
    by,
    services_requested: Iterable[ServiceType],
    urgency: str = Urgency.ROUTINE,
    victim: VictimWitness | None = None,
    shared_name: str = "",
    shared_age: int | None = None,
    shared_gender: str = "not_reported",
    shared_language=None,
    interpreter_needed: bool = False,
    trafficking_type: str = "unknown",
    foreign_national: bool | None = None,
    contact_instructions: str = "",
    situation: str = "",
) -> Referral:
    """Any member agency refers a victim to a provider, sharing only what it chooses."""
    _require_member(by, from_agency, list(Role.values), "Refer on behalf of your own agency.")
    if (
        provider.discipline != Discipline.VICTIM_SERVICES
        or not provider.active
        or provider.pk == from_agency.pk
    ):
        raise ValidationError({"provider": "Refer to another active victim service provider."})
    services = list(services_requested or [])
    if not services:
        raise ValidationError({"services_requested": "Choose at least one service."})
    if victim is not None:
        if victim.owner_agency_id != from_agency.pk:
            raise ValidationError({"victim": "Refer only your own agency's victim record."})
        access.require(by, victim, "view")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Choose routine or urgent."})
    if shared_age is not None and not 0 <= shared_age <= 120:
        raise ValidationError({"shared_age": "An age is between 0 and 120."})
    now = timezone.now()
    referral = Referral(
        owner_agency=from_agency,
        provider=provider,
        victim=victim,
        urgency=urgency,
        shared_name=(shared_name or "").strip(),
        shared_age=shared_age,
        is_minor=shared_age is not None and shared_age < MINOR_AGE,
        shared_gender=shared_gender,
        shared_language=shared_language,
        interpreter_needed=interpreter_needed,
        trafficking_type=trafficking_type,
        foreign_national=foreign_national,
        contact_instructions=(contact_instructions or "").strip(),
        situation=(situation or "").strip(),
        sent_by=by,
        sent_at=now,
    )
    referral.respond_by = now + response_window(
        urgent=urgency == Urgency.URGENT, minor=referral.is_minor
    )
    try:
        referral.full_clean(exclude=["owner_agency", "provider", "victim", "sent_by", "client"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    referral.save()
    referral.services_requested.set(services)
    access.grant(
        obj=referral, agency=provider, action="change", reason="referral to provider", by=by
    )
    deadlines.sync_referral(referral)
    audit.record(AuditAction.CREATE, user=by, obj=referral, detail={"provider_id": provider.pk})
    return referral


def _provider_side(referral: Referral, by) -> None:
    access.require(by, referral)
    _require_member(
        by, referral.provider, VSP_ROLES, "Only the receiving provider answers a referral."
    )


def _sender_side(referral: Referral, by) -> None:
    access.require(by, referral)
    _require_member(
        by,
        referral.owner_agency,
        list(Role.values),
        "Only the sending agency withdraws a referral.",
    )


def _expect(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise InvalidTransition(f"This referral is {referral.get_status_display().lower()}.")


def _source_of(agency: Agency) -> tuple[str, str]:
    """Identification and referral source of a client referred by ``agency``."""
    if agency.discipline == Discipline.LAW_ENFORCEMENT:
        federal = agency.jurisdiction_level == JurisdictionLevel.FEDERAL
        return (
            IdentificationSource.REACTIVE,
            ReferralSource.FEDERAL_LE if federal else ReferralSource.LOCAL_LE,
        )
    return {
        Discipline.PROSECUTION: (IdentificationSource.OTHER, ReferralSource.PROSECUTOR),
        Discipline.VICTIM_SERVICES: (IdentificationSource.PROVIDER, ReferralSource.NGO),
        Discipline.COMMUNITY: (IdentificationSource.OTHER, ReferralSource.NGO),
    }.get(agency.discipline, (IdentificationSource.OTHER, ReferralSource.OTHER))


@transaction.atomic
def accept_referral(*, referral: Referral, by) -> Referral:
    """The provider takes the person on: its own client record, prefilled from what was shared."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _provider_side(referral, by)
    _expect(referral, ReferralStatus.SENT)
    identification, source = _source_of(referral.owner_agency)
    today = timezone.localdate()
    client = Client(
        owner_agency=referral.provider,
        given_name=referral.shared_name,
        estimated_age=referral.shared_age,
        gender=referral.shared_gender,
        primary_language=referral.shared_language,
        interpreter_needed=referral.interpreter_needed,
        trafficking_type=referral.trafficking_type,
        citizenship=Citizenship.UNKNOWN,
        identified_on=min(timezone.localtime(referral.sent_at).date(), today),
        identification_source=identification,
        referral_source=source,
        safe_contact_notes=referral.contact_instructions[:250],
        enrolled_on=today,
        case_manager=by,
    )
    _clean_profile(client)
    client.save()
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_at, referral.responded_by, referral.client = timezone.now(), by, client
    referral.save()
    deadlines.sync_referral(referral)
    deadlines.tell_sender(referral)
    audit.record(AuditAction.CREATE, user=by, obj=client, detail={"referral_id": referral.pk})
    audit.record(AuditAction.CHANGE, user=by, obj=referral, detail={"status": referral.status})
    return referral


@transaction.atomic
def decline_referral(*, referral: Referral, by, reason: str, note: str = "") -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _provider_side(referral, by)
    _expect(referral, ReferralStatus.SENT)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choose the reason for declining."})
    if reason == DeclineReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": "Say why the referral is declined."})
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason, referral.decline_note = reason, (note or "").strip()[:300]
    referral.responded_at, referral.responded_by = timezone.now(), by
    referral.save()
    deadlines.sync_referral(referral)
    deadlines.tell_sender(referral)
    audit.record(AuditAction.CHANGE, user=by, obj=referral, detail={"status": referral.status})
    return referral


@transaction.atomic
def withdraw_referral(*, referral: Referral, by, reason: str = "") -> Referral:
    """The sender takes back an unanswered referral; the provider no longer sees it."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _sender_side(referral, by)
    _expect(referral, ReferralStatus.SENT)
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_reason = (reason or "").strip()[:300]
    referral.save()
    deadlines.sync_referral(referral)
    access.revoke(obj=referral, agency=referral.provider, reason="referral withdrawn", by=by)
    audit.record(AuditAction.CHANGE, user=by, obj=referral, detail={"status": referral.status})
    return referral


@transaction.atomic
def close_referral(*, referral: Referral, by, note: str = "") -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _provider_side(referral, by)
    _expect(referral, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
    referral.status = ReferralStatus.CLOSED
    referral.closed_at, referral.close_note = timezone.now(), (note or "").strip()[:300]
    referral.save()
    audit.record(AuditAction.CHANGE, user=by, obj=referral, detail={"status": referral.status})
    return referral


# --- releases of information ------------------------------------------------------------------


def _clean_consent(consent: Consent, client: Client) -> None:
    today = timezone.localdate()
    errors = {}
    if not consent.items:
        errors["items"] = "Choose at least one item to release."
    else:
        try:
            consent.items = _choices_list(consent.items, ConsentItem, "items")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not (consent.purpose or "").strip():
        errors["purpose"] = "Say what the information will be used for."
    if consent.sharing_form not in SharingForm.values:
        errors["sharing_form"] = "Choose how the information will be shared."
    if consent.starts_on and consent.expires_on:
        if consent.expires_on < consent.starts_on:
            errors["expires_on"] = "The release cannot expire before it starts."
        elif (consent.expires_on - consent.starts_on).days > MAX_CONSENT_DAYS:
            errors["expires_on"] = (
                f"A release lasts at most {MAX_CONSENT_DAYS} days; the client signs again to renew."
            )
        elif consent.expires_on < today:
            errors["expires_on"] = "The release has already expired."
        if consent.starts_on < today - dt.timedelta(days=CONSENT_BACKDATE_DAYS):
            errors["starts_on"] = (
                f"A release starts at most {CONSENT_BACKDATE_DAYS} days before it is recorded."
            )
    if not consent.voluntariness_explained:
        errors["voluntariness_explained"] = (
            "Tell the client that signing is voluntary and not a condition of service."
        )
    if not consent.right_to_revoke_explained:
        errors["right_to_revoke_explained"] = "Tell the client they may revoke at any time."
    if not (consent.signer_name or "").strip():
        errors["signer_name"] = "Who signed the release?"
    if client.is_minor:
        if consent.signer_role not in (SignerRole.MINOR_WITH_PARENT, SignerRole.MINOR_ALONE):
            errors["signer_role"] = (
                "A minor signs with one non-abusive parent or guardian, or alone where state law "
                "lets the minor receive services alone."
            )
        elif consent.signer_role == SignerRole.MINOR_WITH_PARENT:
            if not (consent.parent_name or "").strip():
                errors["parent_name"] = "Name the parent or guardian who signed with the minor."
            if not consent.signer_not_suspected_abuser:
                errors["signer_not_suspected_abuser"] = (
                    "A parent or guardian suspected of abuse can never consent."
                )
    elif consent.signer_role not in (SignerRole.CLIENT, SignerRole.LEGAL_GUARDIAN):
        errors["signer_role"] = "An adult client signs, or their court-appointed guardian."
    elif (
        consent.signer_role == SignerRole.LEGAL_GUARDIAN and not consent.signer_not_suspected_abuser
    ):
        errors["signer_not_suspected_abuser"] = "A guardian suspected of abuse can never consent."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_consent(
    *,
    client: Client,
    by,
    recipient: Agency,
    items: Iterable[str],
    purpose: str,
    sharing_form: str,
    starts_on: dt.date,
    expires_on: dt.date,
    signer_name: str,
    signer_role: str,
    parent_name: str = "",
    signer_not_suspected_abuser: bool = False,
    language=None,
    interpreter_used: bool = False,
    voluntariness_explained: bool = False,
    right_to_revoke_explained: bool = False,
) -> Consent:
    """A signed release: the recipient sees exactly these items of this client while it is live."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    access.require(by, client)
    _require_member(by, client.owner_agency, VSP_ROLES, "Only the provider records a release.")
    if not recipient.active or recipient.pk == client.owner_agency_id:
        raise ValidationError({"recipient": "Release to another active member agency."})
    consent = Consent(
        owner_agency_id=client.owner_agency_id,
        client=client,
        recipient=recipient,
        items=list(items or []),
        purpose=(purpose or "").strip(),
        sharing_form=sharing_form,
        starts_on=starts_on,
        expires_on=expires_on,
        signer_name=(signer_name or "").strip(),
        signer_role=signer_role,
        parent_name=(parent_name or "").strip(),
        signer_not_suspected_abuser=signer_not_suspected_abuser,
        language=language,
        interpreter_used=interpreter_used,
        voluntariness_explained=voluntariness_explained,
        right_to_revoke_explained=right_to_revoke_explained,
        recorded_by=by,
    )
    _clean_consent(consent, client)
    if Consent.objects.filter(
        client=client,
        recipient=recipient,
        revoked_at__isnull=True,
        expires_on__gte=timezone.localdate(),
    ).exists():
        raise ValidationError(
            {"recipient": "This client already has a release for that agency: revoke it first."}
        )
    consent.save()
    access.grant(
        obj=consent, agency=recipient, action="view", reason="release of information", by=by
    )
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=consent,
        detail={"recipient_id": recipient.pk, "items": consent.items},
    )
    deadlines.sync_consent(consent)
    return consent


@transaction.atomic
def revoke_consent(
    *, consent: Consent, by, method: str, note: str = "", revoked_at: dt.datetime | None = None
) -> Consent:
    """Revocation is effective at once, even when given orally; record when and how."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    access.require(by, consent)
    _require_member(by, consent.owner_agency, VSP_ROLES, "Only the provider revokes a release.")
    if consent.revoked_at:
        raise InvalidTransition("This release is already revoked.")
    if consent.expires_on < timezone.localdate():
        raise InvalidTransition("This release has already expired.")
    if method not in RevocationMethod.values:
        raise ValidationError({"method": "Say how the client revoked the release."})
    now = timezone.now()
    revoked_at = revoked_at or now
    if revoked_at > now:
        raise ValidationError({"revoked_at": "A revocation cannot be in the future."})
    consent.revoked_at, consent.revoked_by = revoked_at, by
    consent.revocation_method, consent.revocation_note = method, (note or "").strip()[:300]
    consent.save()
    access.revoke(obj=consent, agency=consent.recipient, reason="release revoked", by=by)
    deadlines.sync_consent(consent)
    return consent


@transaction.atomic
def expire_consents(*, today: dt.date | None = None) -> int:
    """Remove the grants of releases past expiry (the access check already refuses them)."""
    today = today or timezone.localdate()
    expired = Consent.objects.filter(expires_on__lt=today, consentgrant__isnull=False).distinct()
    count = 0
    for consent in expired.select_related("recipient"):
        remove_expired_grant(consent)
        count += 1
    return count


def remove_expired_grant(consent: Consent) -> int:
    """Remove a lapsed release's grant to its recipient (audited) and close its expiry clock.

    Run by the reminder scan when the release's expiry comes due, and by ``expire_consents``
    as the hourly catch-up. Returns grant rows removed (0 when they were already gone).
    """
    removed = 0
    if access.grants_on(consent).exists():
        removed = access.revoke(obj=consent, agency=consent.recipient, reason="release expired")
    clocks.close(kind=DeadlineKind.CONSENT_EXPIRY, source=consent)
    return removed


# --- services, needs, plans, notes ------------------------------------------------------------


def _clean_service(service: ServiceRecord) -> None:
    errors = {}
    not_future(service.started_on, "started_on")
    if service.ended_on:
        if service.ended_on < service.started_on:
            errors["ended_on"] = "A service cannot end before it starts."
        elif service.ended_on > timezone.localdate():
            errors["ended_on"] = "This date cannot be in the future."
    if (
        service.status in (ServiceStatus.COMPLETED, ServiceStatus.DISCONTINUED)
        and not service.ended_on
    ):
        errors["ended_on"] = "Give the date the service ended."
    if service.status in (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS) and service.ended_on:
        errors["status"] = "A service with an end date is completed or discontinued."
    if service.partner_id and service.partner.discipline == Discipline.LAW_ENFORCEMENT:
        errors["partner"] = "Services are delivered by providers, not law enforcement."
    if errors:
        raise ValidationError(errors)


SERVICE_FIELDS = (
    "service_type",
    "status",
    "started_on",
    "ended_on",
    "partner",
    "partner_name",
    "description",
)


@transaction.atomic
def record_service(*, client: Client, by, **fields) -> ServiceRecord:
    access.require(by, client)
    service = ServiceRecord(client=client, owner_agency_id=client.owner_agency_id, recorded_by=by)
    fields.setdefault("status", ServiceStatus.IN_PROGRESS)
    _apply(service, fields, SERVICE_FIELDS)
    if not service.service_type_id or not service.started_on:
        raise ValidationError(
            {
                name: "This field is required."
                for name in ("service_type", "started_on")
                if not getattr(service, name if name == "started_on" else "service_type_id")
            }
        )
    _clean_service(service)
    service.save()
    audit.record(AuditAction.CREATE, user=by, obj=service, detail={"client_id": client.pk})
    return service


@transaction.atomic
def update_service(*, service: ServiceRecord, by, **fields) -> ServiceRecord:
    access.require(by, service)
    _apply(service, fields, SERVICE_FIELDS)
    _clean_service(service)
    service.save()
    audit.record(AuditAction.CHANGE, user=by, obj=service, detail={"fields": sorted(fields)})
    return service


@transaction.atomic
def assess_needs(*, client: Client, by, assessed_on: dt.date, needs, summary: str = ""):
    access.require(by, client)
    not_future(assessed_on, "assessed_on")
    needs = list(needs or [])
    if not needs:
        raise ValidationError({"needs": "Choose at least one need."})
    assessment = NeedsAssessment.objects.create(
        client=client,
        owner_agency_id=client.owner_agency_id,
        assessed_on=assessed_on,
        summary=(summary or "").strip(),
        assessed_by=by,
    )
    assessment.needs.set(needs)
    audit.record(AuditAction.CREATE, user=by, obj=assessment, detail={"client_id": client.pk})
    return assessment


@transaction.atomic
def write_service_plan(
    *, client: Client, by, starts_on: dt.date, review_on: dt.date, goals: str
) -> ServicePlan:
    """A new plan; the client's previous active plan is superseded (kept, not deleted)."""
    access.require(by, client)
    if not (goals or "").strip():
        raise ValidationError({"goals": "Write the goals agreed with the client."})
    if review_on < starts_on:
        raise ValidationError({"review_on": "The review date is before the plan starts."})
    ServicePlan.objects.filter(client=client, status=PlanStatus.ACTIVE).update(
        status=PlanStatus.SUPERSEDED, updated_at=timezone.now()
    )
    plan = ServicePlan.objects.create(
        client=client,
        owner_agency_id=client.owner_agency_id,
        starts_on=starts_on,
        review_on=review_on,
        goals=goals.strip(),
        written_by=by,
    )
    audit.record(AuditAction.CREATE, user=by, obj=plan, detail={"client_id": client.pk})
    return plan


@transaction.atomic
def complete_service_plan(*, plan: ServicePlan, by) -> ServicePlan:
    access.require(by, plan)
    if plan.status != PlanStatus.ACTIVE:
        raise InvalidTransition(f"This plan is {plan.get_status_display().lower()}.")
    plan.status = PlanStatus.COMPLETED
    plan.save()
    audit.record(AuditAction.CHANGE, user=by, obj=plan, detail={"status": plan.status})
    return plan


@transaction.atomic
def add_client_note(*, client: Client, by, body: str) -> ClientNote:
    access.require(by, client)
    if not (body or "").strip():
        raise ValidationError({"body": "A note cannot be empty."})
    note = ClientNote.objects.create(
        client=client, owner_agency_id=client.owner_agency_id, author=by, body=body.strip()
    )
    audit.record(AuditAction.CREATE, user=by, obj=note, detail={"client_id": client.pk})
    return note


@transaction.atomic
def correct_client_note(*, note: ClientNote, by, body: str) -> ClientNote:
    """Notes are never edited: a correction is appended and the original kept."""
    access.require(by, note)
    if by is not None and note.author_id != by.pk:
        raise PermissionDenied("Only the author corrects a note.")
    if not (body or "").strip():
        raise ValidationError({"body": "A correction cannot be empty."})
    correction = ClientNote.objects.create(
        client_id=note.client_id,
        owner_agency_id=note.owner_agency_id,
        author=by,
        body=body.strip(),
        corrects=note,
    )
    audit.record(AuditAction.CREATE, user=by, obj=correction, detail={"corrects_id": note.pk})
    return correction


# --- immigration relief -----------------------------------------------------------------------

RELIEF_FIELDS = (
    "kind",
    "status",
    "certifying_agency",
    "discovered_at",
    "requested_on",
    "signed_on",
    "decided_on",
    "expires_on",
    "receipt_number",
    "notes",
)


def _clean_relief(relief: ImmigrationRelief) -> None:
    person = relief.victim or relief.client
    errors = {}
    if relief.kind not in ReliefKind.values:
        errors["kind"] = "Choose the kind of relief."
    if relief.status not in ReliefStatus.values:
        errors["status"] = "Choose a status."
    for name in ("requested_on", "signed_on", "decided_on"):
        value = getattr(relief, name)
        if value and value > timezone.localdate():
            errors[name] = "This date cannot be in the future."
    if relief.discovered_at and relief.discovered_at > timezone.now():
        errors["discovered_at"] = "This time cannot be in the future."
    if relief.expires_on and relief.requested_on and relief.expires_on < relief.requested_on:
        errors["expires_on"] = "Relief cannot expire before it was requested."
    if relief.signed_on and relief.requested_on and relief.signed_on < relief.requested_on:
        errors["signed_on"] = "It cannot be signed before it was requested."
    if relief.kind == ReliefKind.CONTINUED_PRESENCE:
        owner = relief.owner_agency
        if not (
            relief.victim_id
            and owner.discipline == Discipline.LAW_ENFORCEMENT
            and owner.jurisdiction_level == JurisdictionLevel.FEDERAL
        ):
            errors["kind"] = "Only federal law enforcement requests Continued Presence."
    if relief.kind == ReliefKind.HHS_REQUEST_FOR_ASSISTANCE:
        if not (person.is_minor and person.is_foreign_national):
            errors["kind"] = "A Request for Assistance is made for a foreign national minor."
        if not relief.discovered_at:
            errors["discovered_at"] = (
                "When was the minor discovered? HHS must hear within 24 hours."
            )
    if relief.certifying_agency_id and relief.certifying_agency.discipline not in (
        Discipline.LAW_ENFORCEMENT,
        Discipline.PROSECUTION,
        Discipline.GOVERNMENT_OTHER,
    ):
        errors["certifying_agency"] = (
            "Certifying agencies are law enforcement, prosecutors or government."
        )
    if errors:
        raise ValidationError(errors)
    relief.due_at = (
        relief.discovered_at + dt.timedelta(hours=HHS_RFA_HOURS)
        if relief.kind == ReliefKind.HHS_REQUEST_FOR_ASSISTANCE and relief.discovered_at
        else None
    )
    relief.file_by = (
        add_months(relief.signed_on, U_VISA_VALID_MONTHS)
        if relief.kind == ReliefKind.U_VISA_CERTIFICATION and relief.signed_on
        else None
    )


@transaction.atomic
def record_relief(
    *,
    by,
    kind: str,
    requested_on: dt.date,
    victim: VictimWitness | None = None,
    client: Client | None = None,
    **fields,
) -> ImmigrationRelief:
    if (victim is None) == (client is None):
        raise ValidationError({"victim": "Record relief for one victim record or one client."})
    person = victim or client
    access.require(by, person)
    if by is not None and not (
        Membership.objects.active()
        .filter(
            user=by,
            agency_id=person.owner_agency_id,
            role__in=roles_that_may(Compartment.IMMIGRATION, "change"),
            is_service_account=False,  # partner systems never hold immigration records
        )
        .exists()
    ):
        raise PermissionDenied("Only the holding agency's staff record immigration relief.")
    relief = ImmigrationRelief(
        victim=victim,
        client=client,
        owner_agency_id=person.owner_agency_id,
        kind=kind,
        requested_on=requested_on,
        recorded_by=by,
    )
    _apply(relief, fields, RELIEF_FIELDS)
    relief.owner_agency = person.owner_agency
    _clean_relief(relief)
    relief.save()
    deadlines.sync_relief(relief)
    audit.record(AuditAction.CREATE, user=by, obj=relief, detail={"kind": relief.kind})
    return relief


@transaction.atomic
def update_relief(*, relief: ImmigrationRelief, by, **fields) -> ImmigrationRelief:
    access.require(by, relief)
    _apply(relief, fields, RELIEF_FIELDS)
    _clean_relief(relief)
    relief.save()
    deadlines.sync_relief(relief)
    audit.record(AuditAction.CHANGE, user=by, obj=relief, detail={"fields": sorted(fields)})
    return relief


@transaction.atomic
def share_relief(
    *, relief: ImmigrationRelief, agency: Agency, by, reason: str = ""
) -> ImmigrationRelief:
    """Law enforcement tells the provider where a request stands (no release needed that way)."""
    _require_owner_member(by, relief, "Only the holding agency shares its relief record.")
    if not agency.active or agency.discipline not in (
        Discipline.LAW_ENFORCEMENT,
        Discipline.PROSECUTION,
        Discipline.VICTIM_SERVICES,
    ):
        raise ValidationError(
            {"agency": "Share with an active LE, prosecution or provider agency."}
        )
    if relief.client_id:
        raise ValidationError(
            {"agency": "A provider releases client information only through a signed release."}
        )
    access.grant(
        obj=relief,
        agency=agency,
        action="view",
        reason=reason or "immigration relief coordination",
        by=by,
    )
    return relief


# --- victim notifications (CVRA) --------------------------------------------------------------


@transaction.atomic
def log_victim_notification(
    *,
    victim: VictimWitness,
    by,
    kind: str,
    event: str,
    given_on: dt.date,
    method: str,
    court_event: CourtEvent | None = None,
    notes: str = "",
) -> VictimNotification:
    """The prosecution's victim-witness staff log each notification and rights advisement."""
    access.require(by, victim, "view")
    membership = (
        Membership.objects.active()
        .filter(
            user=by,
            role__in=VICTIM_WITNESS_STAFF,
            agency__discipline=Discipline.PROSECUTION,
        )
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise PermissionDenied(
            "Victim notifications are logged by prosecution victim-witness staff."
        )
    errors = {}
    if kind not in NotificationKind.values:
        errors["kind"] = "Choose notification or rights advisement."
    if method not in NotificationMethod.values:
        errors["method"] = "Say how the victim was told."
    if not (event or "").strip():
        errors["event"] = "Say what the victim was told about."
    if given_on and given_on > timezone.localdate():
        errors["given_on"] = "This date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    if court_event is not None:
        access.require(by, court_event, "view")
    notification = VictimNotification.objects.create(
        victim=victim,
        owner_agency=membership.agency,
        kind=kind,
        event=event.strip()[:200],
        court_event=court_event,
        given_on=given_on,
        method=method,
        given_by=by,
        notes=(notes or "").strip()[:300],
    )
    audit.record(AuditAction.CREATE, user=by, obj=notification, detail={"victim_id": victim.pk})
    return notification
