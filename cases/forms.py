"""Browser forms for investigations and prosecutions.

The forms only shape and check input; the services in ``cases.services`` make every change and
may still refuse it (their ``ValidationError`` is put back next to the field it names). Choices
of compartmented records (subjects of a case) come from the access layer, so a form never
offers, nor accepts, a record the user may not see.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator

from agencies.models import Agency, Language, Membership
from agencies.roles import Discipline, JurisdictionLevel, Role
from cases.models import (
    CaseStatus,
    ConfirmationStatus,
    CourtEventType,
    DeconflictionSystem,
    Disposition,
    Gender,
    IdentifierKind,
    NibrsOffense,
    NoteType,
    OperationStatus,
    OperationType,
    Origin,
    ProsecutionStatus,
    RecruitmentMethod,
    Statute,
    SubjectRole,
    TraffickingSubtype,
    TraffickingType,
    UcrClearance,
    Venue,
)
from taskforce.forms import BootstrapFormMixin

User = get_user_model()

LAW_ENFORCEMENT_ROLES = (Role.INVESTIGATOR, Role.LE_SUPERVISOR, Role.LE_VICTIM_SPECIALIST)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return subject_label(obj)


def subject_label(subject) -> str:
    name = ", ".join(p for p in (subject.last_name, subject.first_name) if p)
    return f"{name or 'Unnamed subject'} ({subject.get_role_display().lower()})"


# --- Lists ------------------------------------------------------------------------------------


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    """The case list's search box and filters (a GET form: every filter is in the URL)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Case number or title.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(required=False, choices=_any("Any status", CaseStatus.choices))
    trafficking_type = forms.ChoiceField(
        required=False,
        label="Trafficking type",
        choices=_any("Any type", TraffickingType.choices),
    )
    origin = forms.ChoiceField(required=False, choices=_any("Any origin", Origin.choices))
    agency = forms.ChoiceField(required=False, label="Lead agency")
    mine = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _any(
            "Any agency",
            [
                (str(pk), name)
                for pk, name in Agency.objects.filter(discipline=Discipline.LAW_ENFORCEMENT)
                .order_by("name")
                .values_list("pk", "name")
            ],
        )


class ProsecutionFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Case number, case title or court case number.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        required=False, choices=_any("Any status", ProsecutionStatus.choices)
    )
    mine = forms.BooleanField(required=False, label="I am the lead prosecutor")


class CourtCalendarForm(BootstrapFormMixin, forms.Form):
    week = forms.DateField(required=False, label="Week containing", widget=date_input())

    def clean_week(self) -> dt.date | None:
        day = self.cleaned_data["week"]
        return day - dt.timedelta(days=day.weekday()) if day else None


# --- Cases ------------------------------------------------------------------------------------


class CaseForm(BootstrapFormMixin, forms.Form):
    """A case's facts. Opening adds the lead agency (when there is a choice) and the open date;
    editing adds the assigned investigators."""

    agency = forms.ChoiceField(label="Lead agency")
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    origin = forms.ChoiceField(choices=_any("Choose an origin", Origin.choices))
    trafficking_type = forms.ChoiceField(
        label="Trafficking type", choices=_any("Choose a type", TraffickingType.choices)
    )
    trafficking_subtype = forms.ChoiceField(
        required=False,
        label="Sub-type",
        choices=_any("Not set", TraffickingSubtype.choices),
    )
    confirmation_status = forms.ChoiceField(
        label="Confirmation status",
        choices=ConfirmationStatus.choices,
        initial=ConfirmationStatus.SUSPECTED,
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.all(),
        required=False,
        label="Venue or industry",
        empty_label="Not set",
    )
    recruitment_method = forms.ModelChoiceField(
        queryset=RecruitmentMethod.objects.all(),
        required=False,
        label="Recruitment method",
        empty_label="Not set",
    )
    jurisdiction_level = forms.ChoiceField(
        label="Jurisdiction level", choices=_any("Choose a level", JurisdictionLevel.choices)
    )
    jurisdiction = forms.CharField(max_length=120, required=False, help_text="e.g. Dunmore County")
    opened_on = forms.DateField(
        required=False, label="Opened on", widget=date_input(), help_text="Today if left empty."
    )
    ucr_clearance = forms.ChoiceField(
        label="UCR clearance", choices=UcrClearance.choices, initial=UcrClearance.NOT_CLEARED
    )
    assigned_investigators = PeopleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assigned investigators",
        help_text="Law-enforcement members of the lead and participating agencies.",
    )

    def __init__(self, *args, agencies=None, case=None, **kwargs):
        """``agencies``: the law-enforcement agencies the user may open a case for (opening);
        ``case``: the case being edited."""
        if case is not None:
            initial = {
                "title": case.title,
                "summary": case.summary,
                "origin": case.origin,
                "trafficking_type": case.trafficking_type,
                "trafficking_subtype": case.trafficking_subtype,
                "confirmation_status": case.confirmation_status,
                "venue": case.venue_id,
                "recruitment_method": case.recruitment_method_id,
                "jurisdiction_level": case.jurisdiction_level,
                "jurisdiction": case.jurisdiction,
                "ucr_clearance": case.ucr_clearance,
                "assigned_investigators": list(
                    case.assigned_investigators.values_list("pk", flat=True)
                ),
            }
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if case is None:
            agencies = list(agencies or [])
            del self.fields["assigned_investigators"]
            del self.fields["ucr_clearance"]
            if len(agencies) > 1:
                self.fields["agency"].choices = _any(
                    "Choose the lead agency", [(str(a.pk), a.name) for a in agencies]
                )
            else:
                del self.fields["agency"]
            self._agencies = {str(a.pk): a for a in agencies}
        else:
            del self.fields["agency"]
            del self.fields["opened_on"]
            agency_ids = [
                case.owner_agency_id,
                *case.participating_agencies.values_list("pk", flat=True),
            ]
            self.fields["assigned_investigators"].queryset = (
                User.objects.filter(
                    memberships__in=Membership.objects.active().filter(
                        agency_id__in=agency_ids, role__in=LAW_ENFORCEMENT_ROLES
                    )
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )

    def clean_agency(self):
        return self._agencies[self.cleaned_data["agency"]]


class CloseCaseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Reason for closing",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ucr_clearance = forms.ChoiceField(label="UCR clearance", choices=UcrClearance.choices)
    closed_on = forms.DateField(
        required=False, label="Closed on", widget=date_input(), help_text="Today if left empty."
    )


class ShareCaseForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Co-investigating agency",
        empty_label="Choose an agency",
    )
    access = forms.ChoiceField(
        label="Access",
        choices=[("view", "View the case file"), ("change", "View and change the case file")],
        widget=forms.RadioSelect,
        initial="view",
    )
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="Why this agency needs the file (kept with the grant).",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.filter(discipline=Discipline.LAW_ENFORCEMENT, active=True)
            .exclude(pk=case.owner_agency_id)
            .order_by("name")
        )


class UnshareCaseForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Agency", empty_label="Choose an agency"
    )
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = case.participating_agencies.order_by("name")


# --- Subjects and identifiers -----------------------------------------------------------------


country_code = RegexValidator(r"^[A-Za-z]{2}$", "Use the two-letter ISO 3166 code, e.g. MX.")


class SubjectForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(choices=_any("Choose a role", SubjectRole.choices))
    first_name = forms.CharField(max_length=80, required=False, label="First name")
    last_name = forms.CharField(max_length=80, required=False, label="Last name")
    aliases = forms.CharField(
        max_length=600, required=False, help_text="Separate aliases with commas."
    )
    date_of_birth = forms.DateField(required=False, label="Date of birth", widget=date_input())
    gender = forms.ChoiceField(required=False, choices=_any("Not recorded", Gender.choices))
    country_of_origin = forms.CharField(
        max_length=2,
        required=False,
        label="Country of origin",
        validators=[country_code],
        help_text="Two-letter ISO 3166 code.",
    )
    arrest_date = forms.DateField(required=False, label="Arrest date", widget=date_input())

    def __init__(self, *args, subject=None, **kwargs):
        if subject is not None:
            initial = {
                "role": subject.role,
                "first_name": subject.first_name,
                "last_name": subject.last_name,
                "aliases": ", ".join(subject.aliases),
                "date_of_birth": subject.date_of_birth,
                "gender": subject.gender,
                "country_of_origin": subject.country_of_origin,
                "arrest_date": subject.arrest_date,
            }
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]

    def clean_country_of_origin(self) -> str:
        return self.cleaned_data["country_of_origin"].upper()


class IdentifierForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=_any(
            "Choose a kind",
            [(k.value, k.label) for k in IdentifierKind if k != IdentifierKind.PERSON],
        ),
        help_text="A person is identified through a subject's name and date of birth.",
    )
    value = forms.CharField(max_length=300)
    subject = SubjectChoiceField(
        queryset=None,
        required=False,
        empty_label="The case as a whole",
        help_text="The subject this identifier belongs to, if any.",
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects


# --- Notes ------------------------------------------------------------------------------------


class NoteForm(BootstrapFormMixin, forms.Form):
    note_type = forms.ChoiceField(label="Type", choices=_any("Choose a type", NoteType.choices))
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 6}))
    for_prosecution = forms.BooleanField(
        required=False,
        label="Share with the prosecutor",
        help_text="A prosecutor office the case is referred to sees only the notes marked so.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["for_prosecution"]


class CorrectionForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Correction",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The original note stays as it was; the correction is shown under it.",
    )


# --- Operations -------------------------------------------------------------------------------


class OperationForm(BootstrapFormMixin, forms.Form):
    operation_type = forms.ChoiceField(
        label="Type", choices=_any("Choose a type", OperationType.choices)
    )
    status = forms.ChoiceField(choices=OperationStatus.choices, initial=OperationStatus.PLANNED)
    starts_at = forms.DateTimeField(label="Starts", widget=datetime_input())
    ends_at = forms.DateTimeField(label="Ends", widget=datetime_input())
    location = forms.CharField(max_length=300)
    deconfliction_system = forms.ChoiceField(
        required=False,
        label="Deconfliction system",
        choices=_any("None", DeconflictionSystem.choices),
    )
    deconfliction_event_number = forms.CharField(
        max_length=60, required=False, label="Deconfliction event number"
    )

    def __init__(self, *args, operation=None, **kwargs):
        if operation is not None:
            initial = {
                f: getattr(operation, f)
                for f in (
                    "operation_type",
                    "status",
                    "starts_at",
                    "ends_at",
                    "location",
                    "deconfliction_system",
                    "deconfliction_event_number",
                )
            }
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if operation is None:
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "An operation ends after it starts.")
        return cleaned


class GenderChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class NoticeForm(BootstrapFormMixin, forms.Form):
    """What the protocol lets a provider know before an operation, and nothing else."""

    provider = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Service provider",
        empty_label="Choose a provider",
    )
    window_starts = forms.DateTimeField(label="Window starts", widget=datetime_input())
    window_ends = forms.DateTimeField(label="Window ends", widget=datetime_input())
    expected_victims = forms.IntegerField(
        min_value=0, max_value=1000, label="Expected number of victims"
    )
    genders = GenderChoiceField(required=False, choices=Gender.choices, label="Genders expected")
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Languages expected",
    )
    minors_expected = forms.BooleanField(required=False, label="Minors expected")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Agency.objects.filter(
            discipline=Discipline.VICTIM_SERVICES, active=True
        ).order_by("name")
        self.fields["languages"].queryset = Language.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("window_starts"), cleaned.get("window_ends")
        if starts and ends and ends <= starts:
            self.add_error("window_ends", "The window ends after it starts.")
        return cleaned


# --- Prosecution ------------------------------------------------------------------------------


class ReferForm(BootstrapFormMixin, forms.Form):
    office = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Prosecutor office",
        empty_label="Choose an office",
    )
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the office should know first. The office sees the case summary, its "
        "subjects and the notes marked for the prosecutor.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Agency.objects.filter(
            discipline=Discipline.PROSECUTION, active=True
        ).order_by("name")


class AcceptReferralForm(BootstrapFormMixin, forms.Form):
    lead_prosecutor = PersonChoiceField(
        queryset=User.objects.none(), label="Lead prosecutor", empty_label="Choose a prosecutor"
    )
    jurisdiction_level = forms.ChoiceField(
        required=False,
        label="Jurisdiction",
        choices=_any("The office's own", JurisdictionLevel.choices),
    )
    court_case_number = forms.CharField(max_length=60, required=False, label="Court case number")

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_prosecutor"].queryset = (
            User.objects.filter(
                memberships__in=Membership.objects.active().filter(
                    agency=office, role=Role.PROSECUTOR
                )
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class DeclineReferralForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=300, label="Reason for declining", widget=forms.Textarea(attrs={"rows": 3})
    )


class StatuteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.citation} ({obj.title})"


class ChargeForm(BootstrapFormMixin, forms.Form):
    subject = SubjectChoiceField(queryset=None, empty_label="Choose a subject")
    statute = StatuteChoiceField(queryset=Statute.objects.none(), empty_label="Choose a statute")
    nibrs_offense = forms.ModelChoiceField(
        queryset=NibrsOffense.objects.none(),
        required=False,
        label="NIBRS offense",
        empty_label="The statute's usual code",
    )
    counts = forms.IntegerField(min_value=1, max_value=999, initial=1)
    charged_on = forms.DateField(
        required=False, label="Charge date", widget=date_input(), help_text="Today if left empty."
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects
        self.fields["statute"].queryset = Statute.objects.order_by("citation")
        self.fields["nibrs_offense"].queryset = NibrsOffense.objects.order_by("code")


class ChargeDispositionForm(BootstrapFormMixin, forms.Form):
    disposition = forms.ChoiceField(choices=Disposition.choices)
    disposition_on = forms.DateField(required=False, label="Disposition date", widget=date_input())
    sentence = forms.CharField(max_length=300, required=False)
    restitution_ordered = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Restitution ordered (USD)",
    )

    def __init__(self, *args, charge, **kwargs):
        initial = {
            f: getattr(charge, f)
            for f in ("disposition", "disposition_on", "sentence", "restitution_ordered")
        }
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class CourtEventForm(BootstrapFormMixin, forms.Form):
    event_type = forms.ChoiceField(
        label="Event", choices=_any("Choose an event", CourtEventType.choices)
    )
    scheduled_at = forms.DateTimeField(label="Date and time", widget=datetime_input())
    court = forms.CharField(max_length=200, help_text="Court and courtroom.")
    outcome = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, event=None, **kwargs):
        if event is not None:
            initial = {f: getattr(event, f) for f in ("event_type", "scheduled_at", "court")}
            initial["outcome"] = event.outcome
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if event is None:
            del self.fields["outcome"]


class ProsecutorNoteForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Work product of your office: it is never shown outside it.",
    )
