"""Victims and the services they receive: victim-witness records, client records, referrals,
releases of information (consents), services, needs, plans, notes, immigration relief and
victim notifications.

The same person may appear twice, and the two records never meet: a law-enforcement or
prosecution agency holds a *victim-witness record* (compartment victim_witness), a service
provider holds its own *client record* (compartment services). What flows from law enforcement
to a provider travels in a *referral* that carries only what the sender chose to share; what
flows back needs a *consent* (a release of information, VAWA 34 U.S.C. 12291(b)(2)) naming one
recipient and specific items, live between its start and expiry and until revoked.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agencies.roles import Compartment
from cases.models import Gender, TraffickingType
from taskforce.crypto import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    NameIndexField,
)
from taskforce.models import CompartmentedModel, GrantBase

MINOR_AGE = 18

# --- Enumerations (OVC TIMS / HHS OTIP intake) ----------------------------------------------


class IdentificationSource(models.TextChoices):
    REACTIVE = "reactive", "Reactive investigation"
    PROACTIVE = "proactive", "Proactive investigation"
    HOTLINE = "hotline", "Hotline"
    SELF = "self", "Self-identified"
    PROVIDER = "provider", "Service provider"
    HEALTH_CARE = "health_care", "Health care"
    SCHOOL = "school", "School"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    OTHER = "other", "Other"


class ReferralSource(models.TextChoices):
    FEDERAL_LE = "federal_le", "Federal law enforcement"
    LOCAL_LE = "local_le", "State, local or tribal law enforcement"
    PROSECUTOR = "prosecutor", "Prosecutor / victim-witness"
    HOTLINE = "hotline", "National Human Trafficking Hotline"
    NGO = "ngo", "NGO / community provider"
    HEALTH_CARE = "health_care", "Health care"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    SCHOOL = "school", "School"
    FAITH_BASED = "faith_based", "Faith-based organization"
    LEGAL_SERVICES = "legal_services", "Legal services"
    HHS = "hhs", "HHS"
    SELF = "self", "Self"
    FAMILY_FRIEND = "family_friend", "Family / friend"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class YesNoNotReported(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_REPORTED = "not_reported", "Not reported"


class RaceEthnicity(models.TextChoices):
    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    HISPANIC = "hispanic", "Hispanic or Latino"
    MIDDLE_EASTERN = "middle_eastern", "Middle Eastern or North African"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    OTHER = "other", "Other"
    NOT_REPORTED = "not_reported", "Not reported"


class Disability(models.TextChoices):
    HEARING = "hearing", "Hearing"
    VISION = "vision", "Vision"
    COGNITIVE = "cognitive", "Cognitive"
    MOBILITY = "mobility", "Mobility"
    SELF_CARE = "self_care", "Self-care"
    INDEPENDENT_LIVING = "independent_living", "Independent living"
    NOT_REPORTED = "not_reported", "Not reported"


class Citizenship(models.TextChoices):
    US_CITIZEN = "us_citizen", "U.S. citizen"
    LPR = "lpr", "Lawful permanent resident"
    FOREIGN_WITH_STATUS = "foreign_with_status", "Foreign national with status"
    FOREIGN_WITHOUT_STATUS = "foreign_without_status", "Foreign national without status"
    UNKNOWN = "unknown", "Unknown"


FOREIGN_NATIONAL = (Citizenship.FOREIGN_WITH_STATUS, Citizenship.FOREIGN_WITHOUT_STATUS)


class ExitReason(models.TextChoices):
    GOALS_MET = "goals_met", "Service goals met"
    DECLINED = "declined", "Client declined further services"
    LOST_CONTACT = "lost_contact", "Lost contact"
    MOVED = "moved", "Moved out of the service area"
    TRANSFERRED = "transferred", "Transferred to another provider"
    REPATRIATED = "repatriated", "Repatriated"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


# --- The person: one profile, two separate holders ----------------------------------------


class VictimProfile(CompartmentedModel):
    """What an intake records about a person (DOMAIN §4). Age and minority are derived by the
    services from the date of birth or the estimated age at identification, never typed.

    Names, date of birth, contact details and the A-number are encrypted at rest
    (``taskforce.crypto``): the database can neither search nor sort them. Names are found
    through ``name_index`` (exact whole words); counts by age use the stored, non-identifying
    ``age_at_identification`` and ``is_minor``."""

    given_name = EncryptedCharField(max_length=80, blank=True)
    family_name = EncryptedCharField(max_length=80, blank=True)
    alias = EncryptedCharField(max_length=80, blank=True, help_text="Name the person goes by.")
    # Keyed hashes of the words of the three names, the only way to search them.
    name_index = NameIndexField(sources=("given_name", "family_name", "alias"))
    date_of_birth = EncryptedDateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is unknown: age at identification."
    )
    age_at_identification = models.PositiveSmallIntegerField(null=True, editable=False)
    is_minor = models.BooleanField(default=False, editable=False)
    identified_on = models.DateField()
    identification_source = models.CharField(max_length=20, choices=IdentificationSource.choices)
    referral_source = models.CharField(
        max_length=20, choices=ReferralSource.choices, default=ReferralSource.UNKNOWN
    )
    gender = models.CharField(max_length=15, choices=Gender.choices, default=Gender.NOT_REPORTED)
    lgbtq = models.CharField(
        "LGBTQ+",
        max_length=15,
        choices=YesNoNotReported.choices,
        default=YesNoNotReported.NOT_REPORTED,
    )
    race_ethnicity = models.JSONField(default=list, blank=True)
    disabilities = models.JSONField(default=list, blank=True)
    citizenship = models.CharField(
        max_length=25, choices=Citizenship.choices, default=Citizenship.UNKNOWN
    )
    country_of_origin = models.CharField(max_length=80, blank=True)
    primary_language = models.ForeignKey(
        "agencies.Language", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interpreter_needed = models.BooleanField(default=False)
    trafficking_type = models.CharField(
        max_length=10, choices=TraffickingType.choices, default=TraffickingType.UNKNOWN
    )
    # Contact details: how to reach the person safely.
    phone = EncryptedCharField(max_length=32, blank=True)
    email = EncryptedEmailField(blank=True)
    address = EncryptedCharField(max_length=250, blank=True)
    safe_contact_notes = EncryptedCharField(max_length=250, blank=True)
    # Protected immigration identifier (8 U.S.C. 1367).
    a_number = EncryptedCharField("A-number", max_length=12, blank=True)
    enrolled_on = models.DateField(null=True, blank=True)
    exited_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=15, choices=ExitReason.choices, blank=True)

    class Meta(CompartmentedModel.Meta):
        abstract = True

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return full or self.alias or f"#{self.pk}"

    @property
    def is_foreign_national(self) -> bool:
        return self.citizenship in FOREIGN_NATIONAL

    @property
    def enrollment_status(self) -> str:
        if self.exited_on:
            return "exited"
        return "enrolled" if self.enrolled_on else "not_enrolled"


def _profile_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(exited_on__isnull=True)
            | Q(enrolled_on__isnull=False, exited_on__gte=models.F("enrolled_on")),
            name=f"{prefix}_exit_after_enrollment",
        ),
    ]


class VictimWitness(VictimProfile):
    """A victim-witness record held by a law-enforcement or prosecution agency."""

    compartment = Compartment.VICTIM_WITNESS

    cases = models.ManyToManyField("cases.Case", blank=True, related_name="victims")

    class Meta(VictimProfile.Meta):
        verbose_name = "victim-witness record"
        constraints = _profile_constraints("victimwitness")
        indexes = [
            *CompartmentedModel.Meta.indexes,
            models.Index(fields=["owner_agency", "-identified_on"], name="victim_owner_identified"),
        ]

    def __str__(self) -> str:
        return f"Victim #{self.pk}"


class VictimWitnessGrant(GrantBase):
    content_object = models.ForeignKey(VictimWitness, on_delete=models.CASCADE)


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXITED = "exited", "Exited"


class Client(VictimProfile):
    """A service provider's client record. Never shared: only a live consent releases items."""

    compartment = Compartment.SERVICES
    grantable = False

    status = models.CharField(
        max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    family_members_served = models.PositiveSmallIntegerField(
        default=0, help_text="Eligible family members served, counted apart from the client."
    )

    class Meta(VictimProfile.Meta):
        constraints = _profile_constraints("client")
        indexes = [
            *CompartmentedModel.Meta.indexes,
            models.Index(fields=["owner_agency", "status"], name="client_owner_status"),
        ]

    def __str__(self) -> str:
        return f"Client #{self.pk}"


class ClientGrant(GrantBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


# --- Referrals ------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "No capacity"
    NOT_OFFERED = "not_offered", "Services requested are not offered"
    OUTSIDE_AREA = "outside_area", "Outside the service area"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    CLIENT_DECLINED = "client_declined", "The person declined services"
    DUPLICATE = "duplicate", "Duplicate referral"
    OTHER = "other", "Other"


class Referral(CompartmentedModel):
    """A referral of a victim to a service provider for chosen services.

    Owned by the sending agency and granted to the receiving provider. It holds copies of only
    what the sender chose to share; the sender's victim record is never reachable from it.
    """

    compartment = Compartment.REFERRAL

    provider = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    victim = models.ForeignKey(
        VictimWitness,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The sender's own record (never shown to the provider).",
    )
    services_requested = models.ManyToManyField("agencies.ServiceType", related_name="+")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # What the sender chose to share.
    shared_name = EncryptedCharField(max_length=80, blank=True)
    shared_age = models.PositiveSmallIntegerField(null=True, blank=True)
    is_minor = models.BooleanField(default=False, editable=False)
    shared_gender = models.CharField(
        max_length=15, choices=Gender.choices, default=Gender.NOT_REPORTED
    )
    shared_language = models.ForeignKey(
        "agencies.Language", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interpreter_needed = models.BooleanField(default=False)
    trafficking_type = models.CharField(
        max_length=10, choices=TraffickingType.choices, default=TraffickingType.UNKNOWN
    )
    foreign_national = models.BooleanField(null=True, blank=True)
    contact_instructions = EncryptedCharField(
        max_length=250, blank=True, help_text="How the provider may safely reach the person."
    )
    situation = models.TextField(blank=True, help_text="What the provider needs to know.")
    # Workflow.
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField(editable=False)
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.CharField(max_length=300, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    close_note = models.CharField(max_length=300, blank=True)
    client = models.OneToOneField(
        Client,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_referral",
        editable=False,
    )

    class Meta(CompartmentedModel.Meta):
        indexes = [
            *CompartmentedModel.Meta.indexes,
            # The provider's inbox: open referrals, oldest deadline first.
            models.Index(fields=["provider", "status", "respond_by"], name="referral_inbox"),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.respond_by < timezone.now()


class ReferralGrant(GrantBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


# --- Releases of information -----------------------------------------------------------------


class ConsentItem(models.TextChoices):
    """What a release may open, item by item. Each maps to fields the release view shows."""

    IDENTITY = "identity", "Name and date of birth"
    CONTACT_INFORMATION = "contact_information", "Contact information"
    ENROLLMENT_STATUS = "enrollment_status", "Enrollment status"
    SERVICES_RECEIVED = "services_received", "Services received"
    IMMIGRATION_RELIEF_STATUS = "immigration_relief_status", "Immigration relief status"


class SharingForm(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written copy"
    ELECTRONIC = "electronic", "Electronic (through this system)"


class SignerRole(models.TextChoices):
    CLIENT = "client", "The client (adult)"
    MINOR_WITH_PARENT = "minor_with_parent", "The minor and one non-abusive parent or guardian"
    MINOR_ALONE = "minor_alone", "The minor alone (state law lets the minor receive services)"
    LEGAL_GUARDIAN = "legal_guardian", "Court-appointed legal guardian"


class RevocationMethod(models.TextChoices):
    ORAL = "oral", "Orally"
    WRITTEN = "written", "In writing"
    ELECTRONIC = "electronic", "Electronically"


class Consent(CompartmentedModel):
    """A release of information: one client, one recipient agency, named items, a time limit.

    Owned by the releasing provider. Its grant to the recipient counts only while the release is
    live (``grant_condition``), so revocation and expiry close access at once, before any job
    removes the grant row.
    """

    compartment = Compartment.SERVICES

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    recipient = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="consents_received"
    )
    items = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    sharing_form = models.CharField(max_length=12, choices=SharingForm.choices)
    starts_on = models.DateField()
    expires_on = models.DateField()
    # The signer is the client or a parent: names, encrypted at rest like the client's own.
    signer_name = EncryptedCharField(max_length=120)
    signer_role = models.CharField(max_length=20, choices=SignerRole.choices)
    parent_name = EncryptedCharField(
        max_length=120, blank=True, help_text="Non-abusive parent or guardian signing with a minor."
    )
    signer_not_suspected_abuser = models.BooleanField(default=False)
    language = models.ForeignKey(
        "agencies.Language", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    interpreter_used = models.BooleanField(default=False)
    voluntariness_explained = models.BooleanField(default=False)
    right_to_revoke_explained = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    revocation_method = models.CharField(
        max_length=12, choices=RevocationMethod.choices, blank=True
    )
    revocation_note = models.CharField(max_length=300, blank=True)

    class Meta(CompartmentedModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("starts_on")),
                name="consent_expires_after_start",
            ),
        ]
        indexes = [
            *CompartmentedModel.Meta.indexes,
            models.Index(fields=["client", "recipient"], name="consent_client_recipient"),
        ]

    def __str__(self) -> str:
        return f"Release #{self.pk}"

    @staticmethod
    def live_q(on: dt.date | None = None) -> Q:
        on = on or timezone.localdate()
        return Q(revoked_at__isnull=True, starts_on__lte=on, expires_on__gte=on)

    # Grants to the recipient count only while this holds (read by ``taskforce.access``).
    grant_condition = live_q

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if self.revoked_at:
            return "revoked"
        if self.expires_on < today:
            return "expired"
        if self.starts_on > today:
            return "pending"
        return "live"

    def covers(self, item: str) -> bool:
        return item in self.items


class ConsentGrant(GrantBase):
    content_object = models.ForeignKey(Consent, on_delete=models.CASCADE)


# --- Services, needs, plans, notes (provider only) ----------------------------------------


class ClientChild(CompartmentedModel):
    """A record of a client file: same owner as the client, never shared."""

    compartment = Compartment.SERVICES
    grantable = False

    class Meta(CompartmentedModel.Meta):
        abstract = True


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DISCONTINUED = "discontinued", "Discontinued"


class ServiceRecord(ClientChild):
    """A service a client receives, in-house or from a partner, by category (VOCA A-E)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="services")
    service_type = models.ForeignKey(
        "agencies.ServiceType", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.IN_PROGRESS
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    partner = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the provider delivers the service itself.",
    )
    partner_name = models.CharField(
        max_length=120, blank=True, help_text="A partner outside the task force."
    )
    description = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(ClientChild.Meta):
        verbose_name = "service"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="service_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Service #{self.pk}"


class ServiceRecordGrant(GrantBase):
    content_object = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE)


class NeedsAssessment(ClientChild):
    """What the client needs, as assessed at intake or later."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    needs = models.ManyToManyField("agencies.ServiceType", related_name="+")
    summary = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(ClientChild.Meta):
        pass

    def __str__(self) -> str:
        return f"Needs assessment #{self.pk}"


class NeedsAssessmentGrant(GrantBase):
    content_object = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE)


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    SUPERSEDED = "superseded", "Superseded"


class ServicePlan(ClientChild):
    """The client's service plan: goals agreed with the client, reviewed on a date."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="plans")
    starts_on = models.DateField()
    review_on = models.DateField()
    goals = models.TextField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(ClientChild.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=models.F("starts_on")),
                name="plan_review_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Service plan #{self.pk}"


class ServicePlanGrant(GrantBase):
    content_object = models.ForeignKey(ServicePlan, on_delete=models.CASCADE)


class ClientNote(ClientChild):
    """A case manager's note. Never released, not even by consent."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta(ClientChild.Meta):
        pass

    def __str__(self) -> str:
        return f"Client note #{self.pk}"


class ClientNoteGrant(GrantBase):
    content_object = models.ForeignKey(ClientNote, on_delete=models.CASCADE)


# --- Immigration relief (8 U.S.C. 1367) -----------------------------------------------------


class ReliefKind(models.TextChoices):
    CONTINUED_PRESENCE = "continued_presence", "Continued Presence"
    T_VISA_DECLARATION = "t_visa_declaration", "T visa declaration (I-914 Supplement B)"
    U_VISA_CERTIFICATION = "u_visa_certification", "U visa certification (I-918 Supplement B)"
    HHS_REQUEST_FOR_ASSISTANCE = "hhs_rfa", "HHS Request for Assistance (minor)"
    HHS_INTERIM_LETTER = "hhs_interim_letter", "HHS interim assistance letter"
    HHS_ELIGIBILITY_LETTER = "hhs_eligibility_letter", "HHS eligibility letter (minor)"
    HHS_CERTIFICATION = "hhs_certification", "HHS certification letter (adult)"


class ReliefStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SUBMITTED = "submitted", "Submitted"
    GRANTED = "granted", "Granted / signed / issued"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ImmigrationRelief(CompartmentedModel):
    """One immigration relief process for a victim (law-enforcement side) or a client (provider
    side). Protected: kept out of partner-API responses unless a consent item covers it."""

    compartment = Compartment.IMMIGRATION

    victim = models.ForeignKey(
        VictimWitness, null=True, blank=True, on_delete=models.PROTECT, related_name="relief"
    )
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="relief"
    )
    kind = models.CharField(max_length=25, choices=ReliefKind.choices)
    status = models.CharField(
        max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.REQUESTED
    )
    certifying_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency asked to request, sign or certify.",
    )
    discovered_at = models.DateTimeField(
        null=True, blank=True, help_text="When a foreign national minor was discovered."
    )
    requested_on = models.DateField()
    signed_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # Computed by the services from the clocks of DOMAIN §6.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    file_by = models.DateField(null=True, blank=True, editable=False)
    # A USCIS receipt number identifies the person's application (8 U.S.C. 1367).
    receipt_number = EncryptedCharField(max_length=20, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(CompartmentedModel.Meta):
        verbose_name_plural = "immigration relief"
        constraints = [
            models.CheckConstraint(
                condition=Q(victim__isnull=False, client__isnull=True)
                | Q(victim__isnull=True, client__isnull=False),
                name="relief_for_victim_or_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Immigration relief #{self.pk}"


class ImmigrationReliefGrant(GrantBase):
    content_object = models.ForeignKey(ImmigrationRelief, on_delete=models.CASCADE)


# --- Victim rights (CVRA, 18 U.S.C. 3771) --------------------------------------------------


class NotificationKind(models.TextChoices):
    NOTIFICATION = "notification", "Notification of a proceeding or event"
    RIGHTS_ADVISEMENT = "rights_advisement", "Advisement of rights"


class NotificationMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    AUTOMATED = "automated", "Automated notification system"
    THROUGH_ADVOCATE = "through_advocate", "Through the victim's advocate"


class VictimNotification(CompartmentedModel):
    """A notification or rights advisement given to a victim, logged by victim-witness staff."""

    compartment = Compartment.VICTIM_WITNESS

    victim = models.ForeignKey(
        VictimWitness, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    event = models.CharField(max_length=200, help_text="e.g. Arraignment on 3 March, rights.")
    court_event = models.ForeignKey(
        "cases.CourtEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=NotificationMethod.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Victim notification #{self.pk}"


class VictimNotificationGrant(GrantBase):
    content_object = models.ForeignKey(VictimNotification, on_delete=models.CASCADE)
