"""Investigations and prosecutions: cases, subjects, identifiers, notes, operations,
deconfliction hits, referrals for prosecution, prosecutions, charges, court events.

Compartments: investigative (case and its file), prosecution (prosecution, charges, court
events, prosecutor notes). Child records carry their case's owner agency and are visible
wherever their case is, within the limits each model states (``access_parent``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.roles import Compartment, JurisdictionLevel
from taskforce.models import CompartmentedModel, GrantBase

# --- Enumerations fixed by federal reporting (BJS HTRS, UCR/NIBRS) ---------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "Active"
    REFERRED = "referred", "Referred for prosecution"
    CLOSED = "closed", "Closed"


class Origin(models.TextChoices):
    REACTIVE = "reactive", "Reactive"
    PROACTIVE = "proactive", "Proactive"


class TraffickingType(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"
    UNKNOWN = "unknown", "Unknown"


class TraffickingSubtype(models.TextChoices):
    ADULT_SEX = "adult_sex", "Adult sex trafficking"
    CHILD_SEX = "child_sex", "Child sex trafficking"
    LABOR = "labor", "Labor trafficking"
    FORCED_CRIMINALITY = "forced_criminality", "Forced criminality"


class ConfirmationStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed trafficking"
    CONFIRMED_NOT = "confirmed_not", "Confirmed not trafficking"
    OPEN = "open", "Open (undetermined)"


class UcrClearance(models.TextChoices):
    NOT_CLEARED = "not_cleared", "Not cleared"
    ARREST = "arrest", "Cleared by arrest"
    EXCEPTIONAL_DEATH = "exc_death", "Exceptional: death of offender"
    EXCEPTIONAL_DECLINED = "exc_declined", "Exceptional: prosecution declined"
    EXCEPTIONAL_EXTRADITION = "exc_extradition", "Exceptional: extradition denied"
    EXCEPTIONAL_CUSTODY = "exc_custody", "Exceptional: in custody elsewhere"
    EXCEPTIONAL_JUVENILE = "exc_juvenile", "Exceptional: juvenile, no custody"


class SubjectRole(models.TextChoices):
    TRAFFICKER = "trafficker", "Trafficker"
    RECRUITER = "recruiter", "Recruiter"
    FACILITATOR = "facilitator", "Facilitator"
    PURCHASER = "purchaser", "Purchaser / buyer"
    CONTROLLER = "controller", "Controller"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    TRANSGENDER = "transgender", "Transgender"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    NOT_REPORTED = "not_reported", "Not reported"


class IdentifierKind(models.TextChoices):
    PERSON = "person", "Person (name + date of birth)"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    ADDRESS = "address", "Address"
    BUSINESS = "business", "Business"
    HANDLE = "handle", "Online handle"
    VEHICLE = "vehicle", "Vehicle"


class NoteType(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    SURVEILLANCE = "surveillance", "Surveillance"
    TIP = "tip", "Tip"
    EVIDENCE_LOG = "evidence_log", "Evidence log"
    GENERAL = "general", "General"


class OperationType(models.TextChoices):
    BUY_BUST = "buy_bust", "Buy/bust"
    REVERSAL = "reversal", "Reversal"
    UNDERCOVER_MEETING = "undercover_meeting", "Undercover meeting"
    SEARCH_WARRANT = "search_warrant", "Search warrant"
    ARREST_WARRANT = "arrest_warrant", "Arrest warrant"
    SURVEILLANCE = "surveillance", "Surveillance"
    RAID_SWEEP = "raid_sweep", "Raid / sweep"


class DeconflictionSystem(models.TextChoices):
    RISSAFE = "rissafe", "RISSafe"
    CASE_EXPLORER = "case_explorer", "Case Explorer"
    SAFETNET = "safetnet", "SAFETNet"
    OTHER = "other", "Other"


class OperationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    CONDUCTED = "conducted", "Conducted"
    CANCELLED = "cancelled", "Cancelled"


class ProsecutionReferralStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ProsecutionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Disposition(models.TextChoices):
    PENDING = "pending", "Pending"
    DISMISSED = "dismissed", "Dismissed"
    PLEADED_GUILTY = "pleaded_guilty", "Pleaded guilty"
    CONVICTED = "convicted", "Convicted at trial"
    ACQUITTED = "acquitted", "Acquitted"


class CourtEventType(models.TextChoices):
    ARRAIGNMENT = "arraignment", "Arraignment"
    DETENTION_HEARING = "detention_hearing", "Detention hearing"
    PLEA_HEARING = "plea_hearing", "Plea hearing"
    MOTION_HEARING = "motion_hearing", "Motion hearing"
    TRIAL = "trial", "Trial"
    SENTENCING = "sentencing", "Sentencing"
    RESTITUTION_HEARING = "restitution_hearing", "Restitution hearing"


# --- Editable lookups (seeded; a task force adds its own) -------------------------------------


class Venue(models.Model):
    """Venue or industry where the trafficking took place."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecruitmentMethod(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NibrsOffense(models.Model):
    code = models.CharField(max_length=4, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Statute(models.Model):
    """A criminal statute (federal seeded; state statutes added per jurisdiction)."""

    citation = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    jurisdiction_level = models.CharField(max_length=10, choices=JurisdictionLevel.choices)
    default_nibrs = models.ForeignKey(
        NibrsOffense, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["citation"]

    def __str__(self) -> str:
        return f"{self.citation} - {self.title}"


class CaseNumberSequence(models.Model):
    """The last number issued per prefix and year; rows are locked while a number is taken."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


# --- Investigative compartment ---------------------------------------------------------------


class Case(CompartmentedModel):
    """An investigation. Owner: the lead law-enforcement agency."""

    compartment = Compartment.INVESTIGATIVE

    number = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    trafficking_type = models.CharField(max_length=10, choices=TraffickingType.choices)
    trafficking_subtype = models.CharField(
        max_length=20, choices=TraffickingSubtype.choices, blank=True
    )
    confirmation_status = models.CharField(
        max_length=15, choices=ConfirmationStatus.choices, default=ConfirmationStatus.SUSPECTED
    )
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT)
    recruitment_method = models.ForeignKey(
        RecruitmentMethod, null=True, blank=True, on_delete=models.PROTECT
    )
    jurisdiction_level = models.CharField(max_length=10, choices=JurisdictionLevel.choices)
    jurisdiction = models.CharField(max_length=120, blank=True, help_text="e.g. Dunmore County")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closing_reason = models.CharField(max_length=300, blank=True)
    ucr_clearance = models.CharField(
        max_length=20, choices=UcrClearance.choices, default=UcrClearance.NOT_CLEARED
    )
    assigned_investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases"
    )
    participating_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="participating_cases"
    )
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(CompartmentedModel.Meta):
        permissions = [
            # A co-investigating agency sees the whole file; a prosecutor office only the core.
            ("view_case_file", "View the whole case file (all notes and operations)"),
        ]
        indexes = [
            *CompartmentedModel.Meta.indexes,
            models.Index(fields=["owner_agency", "status"], name="case_owner_status"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseGrant(GrantBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseChild(CompartmentedModel):
    """A record of a case file: same owner agency as the case, visible wherever its case is."""

    compartment = Compartment.INVESTIGATIVE
    # (codename on the case, condition on this record): a grant on the case with that permission
    # opens the records matching the condition.
    access_parent = "case"
    parent_grants: tuple[tuple[str, Q], ...] = (("view_case", Q()),)

    class Meta(CompartmentedModel.Meta):
        abstract = True


class Subject(CaseChild):
    """A suspect or offender on a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="subjects")
    role = models.CharField(max_length=15, choices=SubjectRole.choices)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=15, choices=Gender.choices, blank=True)
    country_of_origin = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    arrest_date = models.DateField(null=True, blank=True)

    class Meta(CaseChild.Meta):
        pass

    def __str__(self) -> str:
        return f"Subject #{self.pk}"


class SubjectGrant(GrantBase):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE)


class Identifier(CaseChild):
    """A target identifier on a case, stored as entered and in a normalized, indexed form."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="identifiers")
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="identifiers"
    )
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300)
    retired = models.BooleanField(default=False)

    class Meta(CaseChild.Meta):
        indexes = [
            *CompartmentedModel.Meta.indexes,
            # Deconfliction looks identifiers up by (kind, normalized) across all agencies.
            models.Index(fields=["kind", "normalized"], name="identifier_match"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class IdentifierGrant(GrantBase):
    content_object = models.ForeignKey(Identifier, on_delete=models.CASCADE)


class CaseNote(CaseChild):
    """An investigative note. Editable by its author for a short window, then corrected only."""

    parent_grants = (
        ("view_case_file", Q()),
        ("view_case", Q(for_prosecution=True)),
    )

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_type = models.CharField(max_length=15, choices=NoteType.choices)
    body = models.TextField()
    for_prosecution = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    editable_until = models.DateTimeField()

    class Meta(CaseChild.Meta):
        pass

    def __str__(self) -> str:
        return f"Note #{self.pk}"


class CaseNoteGrant(GrantBase):
    content_object = models.ForeignKey(CaseNote, on_delete=models.CASCADE)


class Operation(CaseChild):
    """A planned law-enforcement event on a case."""

    parent_grants = (("view_case_file", Q()),)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="operations")
    operation_type = models.CharField(max_length=20, choices=OperationType.choices)
    status = models.CharField(
        max_length=10, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300)
    deconfliction_system = models.CharField(
        max_length=15, choices=DeconflictionSystem.choices, blank=True
    )
    deconfliction_event_number = models.CharField(max_length=60, blank=True)

    class Meta(CaseChild.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="operation_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Operation #{self.pk}"


class OperationGrant(GrantBase):
    content_object = models.ForeignKey(Operation, on_delete=models.CASCADE)


class PreOperationNotice(CompartmentedModel):
    """What a service provider is told before an operation: only what the protocol allows.

    Owned by the case's agency, granted to the provider. It holds copies, not links, so
    nothing of the case or the operation can be reached from it.
    """

    compartment = Compartment.REFERRAL

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="notices")
    provider = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="pre_operation_notices"
    )
    window_starts = models.DateTimeField()
    window_ends = models.DateTimeField()
    expected_victims = models.PositiveSmallIntegerField()
    genders = models.JSONField(default=list, blank=True)
    languages = models.ManyToManyField("agencies.Language", blank=True)
    minors_expected = models.BooleanField(default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Pre-operation notice #{self.pk}"


class PreOperationNoticeGrant(GrantBase):
    content_object = models.ForeignKey(PreOperationNotice, on_delete=models.CASCADE)


class DeconflictionHit(CompartmentedModel):
    """One side of a match between identifiers on two agencies' cases.

    Each lead agency gets its own row, naming only the other agency and its public contact.
    Seen by the agency's supervisors and the case's assigned investigators.
    """

    compartment = Compartment.INVESTIGATIVE
    supervisors_and_assigned_only = True

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deconfliction_hits")
    identifier = models.ForeignKey(Identifier, on_delete=models.PROTECT, related_name="hits")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    other_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    # The other side's identifier, only to keep one hit per pair; never serialized.
    other_identifier = models.ForeignKey(Identifier, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta(CompartmentedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "other_identifier"], name="one_hit_per_identifier_pair"
            )
        ]

    def __str__(self) -> str:
        return f"Deconfliction hit #{self.pk}"


class DeconflictionHitGrant(GrantBase):
    content_object = models.ForeignKey(DeconflictionHit, on_delete=models.CASCADE)


class ProsecutionReferral(CompartmentedModel):
    """The lead agency refers a case to a prosecutor office, which accepts or declines."""

    compartment = Compartment.INVESTIGATIVE

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="prosecution_referrals")
    office = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="received_case_referrals"
    )
    status = models.CharField(
        max_length=10,
        choices=ProsecutionReferralStatus.choices,
        default=ProsecutionReferralStatus.PENDING,
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Prosecution referral #{self.pk}"


class ProsecutionReferralGrant(GrantBase):
    content_object = models.ForeignKey(ProsecutionReferral, on_delete=models.CASCADE)


# --- Prosecution compartment -----------------------------------------------------------------


class Prosecution(CompartmentedModel):
    """A prosecution of a referred case. Owner: the prosecutor office."""

    compartment = Compartment.PROSECUTION

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="prosecutions")
    referral = models.OneToOneField(
        ProsecutionReferral, on_delete=models.PROTECT, related_name="prosecution"
    )
    jurisdiction_level = models.CharField(max_length=10, choices=JurisdictionLevel.choices)
    court_case_number = models.CharField(max_length=60, blank=True)
    lead_prosecutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_prosecutions"
    )
    status = models.CharField(
        max_length=10, choices=ProsecutionStatus.choices, default=ProsecutionStatus.OPEN
    )
    opened_on = models.DateField()

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Prosecution #{self.pk}"


class ProsecutionGrant(GrantBase):
    content_object = models.ForeignKey(Prosecution, on_delete=models.CASCADE)


class Charge(CompartmentedModel):
    """A charge against a subject. Shown to the case's law-enforcement agencies by grant."""

    compartment = Compartment.PROSECUTION

    prosecution = models.ForeignKey(Prosecution, on_delete=models.PROTECT, related_name="charges")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="charges")
    statute = models.ForeignKey(Statute, on_delete=models.PROTECT)
    nibrs_offense = models.ForeignKey(NibrsOffense, on_delete=models.PROTECT)
    counts = models.PositiveSmallIntegerField(default=1)
    charged_on = models.DateField()
    disposition = models.CharField(
        max_length=15, choices=Disposition.choices, default=Disposition.PENDING
    )
    disposition_on = models.DateField(null=True, blank=True)
    sentence = models.CharField(max_length=300, blank=True)
    restitution_ordered = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta(CompartmentedModel.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(counts__gte=1), name="charge_at_least_one_count")
        ]

    def __str__(self) -> str:
        return f"Charge #{self.pk}"


class ChargeGrant(GrantBase):
    content_object = models.ForeignKey(Charge, on_delete=models.CASCADE)


class CourtEvent(CompartmentedModel):
    """A court date. Shown to the case's law-enforcement agencies by grant."""

    compartment = Compartment.PROSECUTION

    prosecution = models.ForeignKey(
        Prosecution, on_delete=models.PROTECT, related_name="court_events"
    )
    event_type = models.CharField(max_length=20, choices=CourtEventType.choices)
    scheduled_at = models.DateTimeField(db_index=True)
    court = models.CharField(max_length=200)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Court event #{self.pk}"


class CourtEventGrant(GrantBase):
    content_object = models.ForeignKey(CourtEvent, on_delete=models.CASCADE)


class ProsecutorNote(CompartmentedModel):
    """Work product of the prosecutor office. Never granted to anyone: it never leaves."""

    compartment = Compartment.PROSECUTION
    grantable = False

    prosecution = models.ForeignKey(Prosecution, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta(CompartmentedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"Prosecutor note #{self.pk}"


class ProsecutorNoteGrant(GrantBase):
    content_object = models.ForeignKey(ProsecutorNote, on_delete=models.CASCADE)
