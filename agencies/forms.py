"""Browser forms for the agency directory, agency profiles and memberships.

The forms only shape and check input; the services in ``agencies.services`` make every change
and may still refuse it (their ``ValidationError`` is put back next to the field it names).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from agencies.models import (
    Agency,
    BulletinKind,
    Language,
    OutreachAudience,
    OutreachEvent,
    Population,
    PopulationDimension,
    ServiceType,
    Training,
    TrainingTopic,
    TrendBulletin,
    VocaCategory,
)
from agencies.roles import ROLES_BY_DISCIPLINE, Discipline, JurisdictionLevel, Role
from agencies.services import AGENCY_FIELDS
from cases.models import RecruitmentMethod, Venue
from taskforce.forms import BootstrapFormMixin

User = get_user_model()

SORT_CHOICES = [("name", "Name (A to Z)"), ("-name", "Name (Z to A)")]


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    """The directory's search box and filters (a GET form: every filter is in the URL)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Name, acronym or city.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    discipline = forms.ChoiceField(
        required=False, choices=_any("Any discipline", Discipline.choices)
    )
    jurisdiction_level = forms.ChoiceField(
        required=False,
        label="Jurisdiction level",
        choices=_any("Any level", JurisdictionLevel.choices),
    )
    service = forms.ChoiceField(required=False, label="Service offered")
    population = forms.ChoiceField(required=False, label="Population served")
    language = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _any(
            "Any service",
            ServiceType.objects.filter(active=True).order_by("name").values_list("code", "name"),
        )
        self.fields["population"].choices = _any(
            "Any population",
            Population.objects.order_by("dimension", "name").values_list("code", "name"),
        )
        self.fields["language"].choices = _any(
            "Any language", Language.objects.order_by("name").values_list("code", "name")
        )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "name"


class CapabilityChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


state_code = RegexValidator(r"^[A-Za-z]{2}$", "Use the two-letter state code, e.g. TX.")


class AgencyForm(BootstrapFormMixin, forms.Form):
    """An agency's profile and capabilities. ``active`` is only on the edit form."""

    name = forms.CharField(max_length=200)
    acronym = forms.CharField(max_length=20, required=False)
    discipline = forms.ChoiceField(choices=_any("Choose a discipline", Discipline.choices))
    jurisdiction_level = forms.ChoiceField(
        label="Jurisdiction level", choices=_any("Choose a level", JurisdictionLevel.choices)
    )
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(
        max_length=2, required=False, validators=[state_code], help_text="Two-letter state code."
    )
    postal_code = forms.CharField(max_length=10, required=False, label="Postal code")
    phone = forms.CharField(max_length=32, required=False, label="Main phone")
    public_contact_name = forms.CharField(max_length=120, required=False, label="Contact name")
    public_contact_email = forms.EmailField(required=False, label="Contact email")
    public_contact_phone = forms.CharField(max_length=32, required=False, label="Contact phone")
    hours = forms.CharField(max_length=200, required=False, help_text="e.g. Mon-Fri 8:00-17:00")
    after_hours_contact = forms.CharField(
        max_length=200, required=False, label="After-hours contact"
    )
    active = forms.BooleanField(
        required=False,
        label="Active member agency",
        help_text="An inactive agency is hidden from the directory and its memberships grant "
        "nothing.",
    )
    services_offered = CapabilityChoiceField(
        queryset=ServiceType.objects.none(), required=False, label="Services offered"
    )
    populations_served = CapabilityChoiceField(
        queryset=Population.objects.none(), required=False, label="Populations served"
    )
    languages = CapabilityChoiceField(
        queryset=Language.objects.none(),
        required=False,
        label="Languages",
        help_text="Languages staff work in without an interpreter.",
    )

    def __init__(self, *args, agency: Agency | None = None, coordinator: bool = True, **kwargs):
        if agency is not None:
            initial = {field: getattr(agency, field) for field in AGENCY_FIELDS}
            initial["services_offered"] = list(agency.services_offered.values_list("pk", flat=True))
            initial["populations_served"] = list(
                agency.populations_served.values_list("pk", flat=True)
            )
            initial["languages"] = list(agency.languages.values_list("pk", flat=True))
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        offered = initial["services_offered"] if agency is not None else []
        # Retired service types stay on the agencies that already offer them.
        self.fields["services_offered"].queryset = ServiceType.objects.filter(
            Q(active=True) | Q(pk__in=offered)
        ).order_by("voca_category", "name")
        self.fields["populations_served"].queryset = Population.objects.order_by(
            "dimension", "name"
        )
        self.fields["languages"].queryset = Language.objects.order_by("name")
        if agency is None:
            del self.fields["active"]
        if not coordinator:
            # Discipline and membership of the task force are the coordinators' to change.
            for name in ("discipline", "active"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_state(self) -> str:
        return self.cleaned_data["state"].upper()

    def _groups(self, name: str, key, labels) -> list[tuple[str, list]]:
        grouped = defaultdict(list)
        for option in self[name].subwidgets:
            grouped[key(option.data["value"].instance)].append(option)
        return [(label, grouped[value]) for value, label in labels if grouped[value]]

    def service_groups(self):
        """Service checkboxes grouped by VOCA category."""
        return self._groups("services_offered", lambda s: s.voca_category, VocaCategory.choices)

    def population_groups(self):
        return self._groups(
            "populations_served", lambda p: p.dimension, PopulationDimension.choices
        )


class _MembershipFields(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField()
    title = forms.CharField(max_length=120, required=False)
    starts = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for an open-ended membership. It grants nothing after this day.",
    )
    is_coordinator = forms.BooleanField(
        required=False,
        label="Task force coordinator",
        help_text="Coordinators manage agencies and memberships and read the audit log.",
    )

    def __init__(self, *args, agency: Agency, may_appoint_coordinators: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_DISCIPLINE[agency.discipline]
        self.fields["role"].choices = _any(
            "Choose a role", [(r.value, r.label) for r in Role if r.value in allowed]
        )
        if not may_appoint_coordinators:
            del self.fields["is_coordinator"]

    def clean(self):
        cleaned = super().clean()
        starts: dt.date | None = cleaned.get("starts")
        ends: dt.date | None = cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", "A membership cannot end before it starts.")
        return cleaned


class MembershipCreateForm(_MembershipFields):
    """Add an existing user to an agency in one role."""

    error_field_map = {"user": "username"}

    username = forms.CharField(max_length=150, help_text="The person's existing user name.")

    field_order = ["username", "role", "title", "starts", "ends", "is_coordinator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts"].initial = timezone.localdate

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError("No active user has that user name.")
        return user


class MembershipEditForm(_MembershipFields):
    """Change a membership's role, title, period or coordinator flag."""


# --- Training, outreach, trend bulletins and coverage ----------------------------------------


class _DateRangeMixin:
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("held_from"), cleaned.get("held_to")
        if start and end and end < start:
            self.add_error("held_to", "The end of the range cannot be before its start.")
        return cleaned


def _date_field(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(
        required=required, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class TrainingFilterForm(_DateRangeMixin, BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Title, trainers or location.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.ChoiceField(required=False)
    discipline = forms.ChoiceField(
        required=False,
        label="Audience",
        choices=_any("Any audience", Discipline.choices),
    )
    held_from = _date_field("Held from")
    held_to = _date_field("Held to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _any(
            "Any topic", TrainingTopic.objects.order_by("name").values_list("code", "name")
        )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()


TRAINING_INITIAL = ("title", "audience_disciplines", "held_on", "hours", "location", "trainers")
TRAINING_INITIAL += ("description",)
OUTREACH_INITIAL = ("title", "audience", "held_on", "location", "estimated_reach", "materials")
OUTREACH_INITIAL += ("description",)


class TrainingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    topic = forms.ModelChoiceField(queryset=TrainingTopic.objects.none(), empty_label="Choose")
    audience_disciplines = forms.MultipleChoiceField(
        required=False,
        choices=Discipline.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Audience disciplines",
    )
    held_on = _date_field("Date", required=True)
    hours = forms.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.25"))
    location = forms.CharField(max_length=200, required=False)
    trainers = forms.CharField(
        max_length=300, required=False, help_text="Names and affiliations of the trainers."
    )
    host_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="Host agency"
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, training: Training | None = None, **kwargs):
        if training is not None:
            initial = {field: getattr(training, field) for field in TRAINING_INITIAL}
            initial |= {"topic": training.topic_id, "host_agency": training.host_agency_id}
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        current_topic = training.topic_id if training else None
        self.fields["topic"].queryset = TrainingTopic.objects.filter(
            Q(active=True) | Q(pk=current_topic)
        ).order_by("name")
        self.fields["host_agency"].queryset = Agency.objects.filter(active=True).order_by("name")

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()


class AttendanceForm(BootstrapFormMixin, forms.Form):
    """One attendee: a member by user name, or anyone by name with their agency."""

    error_field_map = {"attendee": "username"}

    username = forms.CharField(
        max_length=150,
        required=False,
        label="Member's user name",
        help_text="Leave empty for someone without an account, and write their name below.",
    )
    external_name = forms.CharField(max_length=150, required=False, label="Or the attendee's name")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        help_text="The agency they attended for (a member's own agency by default).",
    )
    hours_credited = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        label="Hours credited",
        help_text="The training's full length by default.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError("No active user has that user name.")
        return user

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("username") and not cleaned.get("external_name"):
            self.add_error("username", "Name a member, or write the attendee's name.")
        return cleaned


class OutreachFilterForm(_DateRangeMixin, BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Title, location or materials.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    audience = forms.ChoiceField(
        required=False, choices=_any("Any audience", OutreachAudience.choices)
    )
    language = forms.ChoiceField(required=False)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="Any agency"
    )
    held_from = _date_field("Held from")
    held_to = _date_field("Held to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _any(
            "Any language", Language.objects.order_by("name").values_list("code", "name")
        )
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()


class OutreachForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    audience = forms.ChoiceField(choices=_any("Choose an audience", OutreachAudience.choices))
    held_on = _date_field("Date", required=True)
    location = forms.CharField(max_length=200, required=False)
    estimated_reach = forms.IntegerField(
        min_value=0, label="Estimated reach", help_text="About how many people it reached."
    )
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Lead agency")
    agencies = CapabilityChoiceField(
        queryset=Agency.objects.none(), required=False, label="Other agencies involved"
    )
    languages = CapabilityChoiceField(queryset=Language.objects.none(), required=False)
    materials = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Materials handed out or presented (cards, posters, curricula).",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, event: OutreachEvent | None = None, lead_choices=None, **kwargs):
        if event is not None:
            initial = {field: getattr(event, field) for field in OUTREACH_INITIAL}
            initial |= {
                "lead_agency": event.lead_agency_id,
                "agencies": [a.pk for a in event.agencies.all()],
                "languages": [lang.pk for lang in event.languages.all()],
            }
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        active = Agency.objects.filter(active=True).order_by("name")
        # Supervisors choose among the agencies they supervise; coordinators among all.
        self.fields["lead_agency"].queryset = lead_choices if lead_choices is not None else active
        self.fields["agencies"].queryset = active
        self.fields["languages"].queryset = Language.objects.order_by("name")

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()


class BulletinFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Title or text.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(required=False, choices=_any("Any kind", BulletinKind.choices))
    status = forms.ChoiceField(
        required=False,
        choices=[("active", "Active"), ("archived", "Archived"), ("all", "Active and archived")],
    )
    venue = forms.ChoiceField(required=False)
    recruitment_method = forms.ChoiceField(required=False, label="Recruitment method")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = _any(
            "Any venue", Venue.objects.order_by("name").values_list("code", "name")
        )
        self.fields["recruitment_method"].choices = _any(
            "Any method", RecruitmentMethod.objects.order_by("name").values_list("code", "name")
        )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()

    def clean_status(self) -> str:
        status = self.cleaned_data["status"] or "active"
        return "" if status == "all" else status


DEIDENTIFY_WARNING = (
    "Share trends, never people. Do not write names, phone numbers, email addresses, dates of "
    "birth, addresses, case numbers or anything else that could identify a victim, a witness or "
    "a suspect. Obvious identifiers are refused; the rest is up to you."
)


class BulletinForm(BootstrapFormMixin, forms.Form):
    error_field_map = {"agency": "author_agency"}

    kind = forms.ChoiceField(choices=_any("Choose a kind", BulletinKind.choices))
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label="What members should know"
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), required=False, empty_label="None"
    )
    recruitment_method = forms.ModelChoiceField(
        queryset=RecruitmentMethod.objects.none(),
        required=False,
        empty_label="None",
        label="Recruitment method",
    )
    author_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Shared for", empty_label=None
    )

    def __init__(self, *args, bulletin: TrendBulletin | None = None, agencies=None, **kwargs):
        if bulletin is not None:
            kwargs["initial"] = {
                "kind": bulletin.kind,
                "title": bulletin.title,
                "body": bulletin.body,
                "venue": bulletin.venue_id,
                "recruitment_method": bulletin.recruitment_method_id,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.order_by("name")
        self.fields["recruitment_method"].queryset = RecruitmentMethod.objects.order_by("name")
        if bulletin is not None or agencies is None:
            del self.fields["author_agency"]  # a bulletin never moves to another agency
        else:
            self.fields["author_agency"].queryset = agencies


class CoverageFilterForm(BootstrapFormMixin, forms.Form):
    discipline = forms.ChoiceField(
        required=False, choices=_any("Every discipline", Discipline.choices)
    )
    language = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _any(
            "Any language", Language.objects.order_by("name").values_list("code", "name")
        )
