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
