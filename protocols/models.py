"""The task force's governance: charter, MOUs, protocols, the decision log and leadership.

Governance compartment: every member in force reads all of it; coordinators (and the people a
record names as its owner) write, always through ``protocols.services``. Nothing here belongs to
one agency, so none of it is row-level compartmented.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q

from taskforce.errors import InvalidTransition

USER = settings.AUTH_USER_MODEL


class GovernanceStorage(FileSystemStorage):
    """Uploaded governance documents: under the media root in var/, never under static/, and
    with no public URL: they are served only through member-only views. The location follows
    ``MEDIA_ROOT`` at the time of use (tests move it)."""

    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "governance")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def governance_storage() -> FileSystemStorage:
    return GovernanceStorage()


def _recent(name: str) -> models.Index:
    return models.Index(fields=["-created_at", "-id"], name=f"{name}_recent")


# --- Lookups ---------------------------------------------------------------------------------


class ProtocolTopic(models.Model):
    """What a protocol is about (editable lookup, seeded from the typical protocols)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Charter ---------------------------------------------------------------------------------


class Charter(models.Model):
    """The task force's mission and purpose. One per task force (``key`` is always 1)."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    mission = models.TextField()
    purpose = models.TextField()
    adopted_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(key=1), name="charter_single_row")]

    def __str__(self) -> str:
        return "Task force charter"


class Goal(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["position", "id"]), _recent("goal")]

    def __str__(self) -> str:
        return self.title


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Objective(models.Model):
    """A measurable objective of a goal, with the person answerable for it."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=200, help_text="What is counted, e.g. officers trained.")
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED
    )
    # The latest progress entry's value, kept by the service that records progress.
    current_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [_recent("objective"), models.Index(fields=["goal", "id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        """Progress from the baseline toward the target, 0-100."""
        span = self.target_value - self.baseline_value
        if span == 0:
            return 100 if self.current_value >= self.target_value else 0
        done = (self.current_value - self.baseline_value) / span * 100
        return int(max(0, min(100, done)))


class ProgressEntry(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="progress")
    recorded_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["objective", "-recorded_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.objective} on {self.recorded_on}"


# --- MOUs ------------------------------------------------------------------------------------


class MouStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CIRCULATING = "circulating", "Circulating for signature"
    EXECUTED = "executed", "Executed"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Mou(models.Model):
    """A memorandum of understanding between two or more member agencies."""

    title = models.CharField(max_length=200)
    purpose = models.TextField()
    approving_body = models.CharField(
        max_length=200, blank=True, help_text="e.g. the executive board"
    )
    effective_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=MouStatus.choices, default=MouStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="The version now in play.")
    executed_on = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "MOU"
        ordering = ["-created_at", "-id"]
        indexes = [_recent("mou"), models.Index(fields=["status", "-created_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(end_date__gte=models.F("effective_date")),
                name="mou_ends_after_effective",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MouSignatory(models.Model):
    """A signatory agency and what it commits to, within its normal capacity."""

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="signatories")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    roles = models.TextField(blank=True)
    responsibilities = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    fiscal = models.TextField(blank=True, help_text="Fiscal responsibilities, if any.")

    class Meta:
        ordering = ["mou", "id"]
        constraints = [models.UniqueConstraint(fields=["mou", "agency"], name="mou_signatory_once")]

    def __str__(self) -> str:
        return f"{self.agency} on {self.mou}"


class MouVersion(models.Model):
    """One version of an MOU's text, with its document once uploaded."""

    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    document = models.FileField(storage=governance_storage, upload_to="mous/", blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    executed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mou", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "number"], name="mou_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.mou} v{self.number}"


class MouSignature(models.Model):
    """A signatory agency's signature on one version, by someone who may sign for it."""

    version = models.ForeignKey(MouVersion, on_delete=models.PROTECT, related_name="signatures")
    signatory = models.ForeignKey(MouSignatory, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(max_length=120)
    signed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "signatory"], name="mou_signature_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signatory.agency} signed v{self.version.number}"


# --- Protocols -------------------------------------------------------------------------------


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADOPTED = "adopted", "Adopted"
    RETIRED = "retired", "Retired"


class Protocol(models.Model):
    """A versioned procedure. A version is adopted only by a recorded decision."""

    title = models.CharField(max_length=200)
    topic = models.ForeignKey(ProtocolTopic, on_delete=models.PROTECT, related_name="protocols")
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    review_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    adopted_version = models.ForeignKey(
        "ProtocolVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [_recent("protocol"), models.Index(fields=["review_date", "id"])]

    def __str__(self) -> str:
        return self.title


class ProtocolVersion(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    changes = models.CharField(max_length=500, blank=True, help_text="What changed and why.")
    document = models.FileField(storage=governance_storage, upload_to="protocols/", blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    adopted_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["protocol", "-number"]
        indexes = [_recent("protocolversion")]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "number"], name="protocol_version_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol} v{self.number}"


# --- Decisions -------------------------------------------------------------------------------


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    MAJORITY_VOTE = "majority_vote", "Majority vote"
    EXECUTIVE_BOARD = "executive_board", "Executive board"


class Vote(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    ABSTAIN = "abstain", "Abstain"


class Decision(models.Model):
    """One entry of the decision log. Recorded once, never edited: only superseded."""

    question = models.CharField(max_length=500)
    method = models.CharField(max_length=20, choices=DecisionMethod.choices)
    outcome = models.TextField()
    decided_on = models.DateField()
    adopted_protocol_version = models.ForeignKey(
        ProtocolVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    adopted_mou = models.ForeignKey(
        Mou, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    membership_change = models.ForeignKey(
        "agencies.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["-decided_on", "-id"], name="decision_log")]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs):
        # The decision log is append-only: a recorded decision is never saved again. The one
        # change it ever sees (being superseded) is a single guarded UPDATE in the service.
        if not self._state.adding:
            raise InvalidTransition(
                "A recorded decision cannot be changed; record a new decision that supersedes it."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvalidTransition("A recorded decision cannot be deleted.")


class DecisionVote(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="votes")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "agency"], name="one_vote_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.vote}"


# --- Leadership ------------------------------------------------------------------------------


class LeadershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    COORDINATOR = "coordinator", "Coordinator"
    LEAD_LAW_ENFORCEMENT = "lead_law_enforcement", "Lead law-enforcement agency"
    LEAD_SERVICE_PROVIDER = "lead_service_provider", "Lead service provider"
    COMMITTEE_CHAIR = "committee_chair", "Committee chair"
    MEDIA_CONTACT = "media_contact", "Media contact"
    EXECUTIVE_BOARD = "executive_board", "Executive board member"


# Roles held by an agency for one victim typology; the others are held by a person.
TYPOLOGY_ROLES = frozenset(
    {LeadershipRole.LEAD_LAW_ENFORCEMENT, LeadershipRole.LEAD_SERVICE_PROVIDER}
)


class TypologyTraffickingType(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"


class Committee(models.Model):
    name = models.CharField(max_length=120, unique=True)
    purpose = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"]), _recent("committee")]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    voting = models.BooleanField(default=True)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["committee", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user", "starts"], name="committee_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.committee}"


class LeadershipTerm(models.Model):
    """Who holds a leadership role, for a term. Typology leads are agencies; others people."""

    role = models.CharField(max_length=30, choices=LeadershipRole.choices)
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="chairs"
    )
    # The victim typology a lead agency answers for (typology roles only).
    trafficking_type = models.CharField(
        max_length=10, choices=TypologyTraffickingType.choices, blank=True
    )
    minor = models.BooleanField(null=True, blank=True)
    foreign_national = models.BooleanField(null=True, blank=True)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            _recent("leadershipterm"),
            models.Index(fields=["role", "trafficking_type", "minor", "foreign_national"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.get_role_display()

    @property
    def typology_label(self) -> str:
        if self.role not in TYPOLOGY_ROLES:
            return ""
        return " · ".join(
            [
                self.get_trafficking_type_display(),
                "Minors" if self.minor else "Adults",
                "Foreign nationals" if self.foreign_national else "U.S. citizens",
            ]
        )


class Meeting(models.Model):
    """A meeting of the whole task force (no committee) or of one committee."""

    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    held_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    minutes_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["-held_at", "-id"], name="meeting_recent")]

    def __str__(self) -> str:
        return self.title


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attended_once")]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"
