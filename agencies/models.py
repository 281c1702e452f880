"""Member agencies, what each can do for victims, and the people who act for them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agencies.roles import Discipline, JurisdictionLevel, Role


class VocaCategory(models.TextChoices):
    A = "A", "A. Information & referral"
    B = "B", "B. Personal advocacy / accompaniment"
    C = "C", "C. Emotional support or safety services"
    D = "D", "D. Shelter / housing services"
    E = "E", "E. Criminal / civil justice system assistance"


class ServiceType(models.Model):
    """A kind of service a provider offers (editable lookup, seeded from the unified list)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    voca_category = models.CharField(max_length=1, choices=VocaCategory.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A language (ISO 639 code) an agency can work in without an interpreter."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PopulationDimension(models.TextChoices):
    AGE = "age", "Age"
    TRAFFICKING_TYPE = "trafficking_type", "Trafficking type"
    CITIZENSHIP = "citizenship", "Citizenship"
    GENDER = "gender", "Gender"


class Population(models.Model):
    """A victim population an agency serves, along one dimension (adults, labor, men, ...)."""

    dimension = models.CharField(max_length=20, choices=PopulationDimension.choices)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["dimension", "name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A member agency of the task force. Governance compartment: every active member reads."""

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=20, blank=True)
    discipline = models.CharField(max_length=20, choices=Discipline.choices)
    jurisdiction_level = models.CharField(max_length=10, choices=JurisdictionLevel.choices)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code.")
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    public_contact_name = models.CharField(max_length=120, blank=True)
    public_contact_email = models.EmailField(blank=True)
    public_contact_phone = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)
    # Capabilities, used by the directory and by referral matching.
    services_offered = models.ManyToManyField(ServiceType, blank=True, related_name="agencies")
    populations_served = models.ManyToManyField(Population, blank=True, related_name="agencies")
    languages = models.ManyToManyField(Language, blank=True, related_name="agencies")
    hours = models.CharField(max_length=200, blank=True, help_text="e.g. Mon-Fri 8:00-17:00")
    after_hours_contact = models.CharField(max_length=200, blank=True)
    # The agency's guardian group: grants to the agency are group object permissions on it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agencies"
        indexes = [models.Index(fields=["discipline", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        parts = [self.street, self.city, " ".join(p for p in (self.state, self.postal_code) if p)]
        return ", ".join(p for p in parts if p)


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        """Memberships in force on a date (today by default). Ended memberships grant nothing."""
        on = on or timezone.localdate()
        return self.filter(
            Q(ends__isnull=True) | Q(ends__gte=on),
            starts__lte=on,
            agency__active=True,
            user__is_active=True,
        )


class Membership(models.Model):
    """A person acting for an agency in one role, for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    title = models.CharField(max_length=120, blank=True)
    is_coordinator = models.BooleanField(
        default=False, help_text="Task force coordinator (can be held with any role)."
    )
    is_service_account = models.BooleanField(
        default=False, help_text="The account a partner system acts through."
    )
    starts = models.DateField(default=timezone.localdate)
    ends = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "user__username", "id"]
        indexes = [
            models.Index(fields=["user", "starts", "ends"]),
            models.Index(fields=["agency", "role"]),
            models.Index(fields=["-created_at", "-id"], name="membership_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.agency}"

    def is_active_on(self, day) -> bool:
        return self.starts <= day and (self.ends is None or self.ends >= day)


# --- Training, outreach and shared trends (governance: every active member reads) -------------


class TrainingTopic(models.Model):
    """What a training teaches (editable lookup, seeded with the field's usual topics)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    """A training event of the task force: law-enforcement and victim-service personnel above all.

    ``audience_disciplines`` holds discipline codes (``agencies.roles.Discipline``): a training is
    meant for one or several of them.
    """

    title = models.CharField(max_length=200)
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="trainings")
    description = models.TextField(blank=True)
    audience_disciplines = models.JSONField(default=list, blank=True)
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    location = models.CharField(max_length=200, blank=True)
    trainers = models.CharField(
        max_length=300, blank=True, help_text="Names and affiliations of the trainers."
    )
    host_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="trainings_hosted"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["-held_on", "-id"], name="training_recent"),
            models.Index(fields=["topic", "held_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def get_audience_disciplines_display(self) -> list[str]:
        labels = dict(Discipline.choices)
        return [labels.get(code, code) for code in self.audience_disciplines]


class TrainingAttendance(models.Model):
    """One person's attendance at a training, for one agency, with the hours credited.

    A member is named by their user; someone without an account (a new hire, a partner from
    outside the task force) by name. The agency is the one they attended for.
    """

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_attendance",
    )
    external_name = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="training_attendance")
    hours_credited = models.DecimalField(max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "training attendance"
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="trainingattendance_recent"),
            models.Index(fields=["attendee", "training"]),
            models.Index(fields=["agency", "training"]),
        ]
        constraints = [
            # A member or a name, never both and never neither.
            models.CheckConstraint(
                condition=(Q(attendee__isnull=False) & Q(external_name=""))
                | (Q(attendee__isnull=True) & ~Q(external_name="")),
                name="attendance_member_or_name",
            ),
            models.UniqueConstraint(
                fields=["training", "attendee"],
                condition=Q(attendee__isnull=False),
                name="attendance_once_per_member",
            ),
            models.CheckConstraint(
                condition=Q(hours_credited__gte=0), name="attendance_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_name} at {self.training_id}"

    @property
    def attendee_name(self) -> str:
        if self.attendee_id is None:
            return self.external_name
        full = self.attendee.get_full_name()
        return full or self.attendee.get_username()


class OutreachAudience(models.TextChoices):
    SCHOOLS = "schools", "Schools"
    HEALTH_CARE = "health_care", "Health care"
    BUSINESSES = "businesses", "Businesses"
    HOSPITALITY = "hospitality", "Hospitality (hotels, restaurants)"
    TRANSPORTATION = "transportation", "Transportation"
    AGRICULTURE = "agriculture", "Agriculture and farm labor"
    FAITH_COMMUNITIES = "faith_communities", "Faith communities"
    IMMIGRANT_COMMUNITIES = "immigrant_communities", "Immigrant communities"
    YOUTH = "youth", "Youth"
    SOCIAL_SERVICES = "social_services", "Social services"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    GENERAL_PUBLIC = "general_public", "General public"
    OTHER = "other", "Other"


class OutreachEvent(models.Model):
    """A community awareness event: who it reached, in which languages, with what materials.

    ``lead_agency`` ran it; ``agencies`` are every member agency involved (the lead included).
    """

    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=32, choices=OutreachAudience.choices)
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    estimated_reach = models.PositiveIntegerField(
        help_text="About how many people the event reached."
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="outreach_events")
    materials = models.TextField(
        blank=True, help_text="Materials handed out or presented (cards, posters, curricula)."
    )
    description = models.TextField(blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="outreach_events_led"
    )
    agencies = models.ManyToManyField(Agency, blank=True, related_name="outreach_events")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["-held_on", "-id"], name="outreachevent_recent"),
            models.Index(fields=["audience", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class BulletinKind(models.TextChoices):
    NEW_VENUE = "new_venue", "New venue"
    RECRUITMENT_METHOD = "recruitment_method", "Recruitment method"
    INDICATOR = "indicator", "Indicator"
    OTHER = "other", "Other"


class BulletinStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class TrendBulletin(models.Model):
    """A de-identified post about a trend members see: a new venue, a recruitment method, an
    indicator. It never names a person: the services refuse obvious personal identifiers."""

    kind = models.CharField(max_length=24, choices=BulletinKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    venue = models.ForeignKey(
        "cases.Venue", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recruitment_method = models.ForeignKey(
        "cases.RecruitmentMethod",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.ACTIVE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trend_bulletins"
    )
    author_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="trend_bulletins"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="trendbulletin_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="trendbulletin_status"),
        ]

    def __str__(self) -> str:
        return self.title
