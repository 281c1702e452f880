"""Browser forms for victims, clients, referrals, releases of information and relief.

The forms only shape and check input; ``victims.services`` makes every change and may still
refuse it (its ``ValidationError`` lands next to the field it names). Choices of compartmented
records (cases linked to a victim, court dates) come from the access layer, so a form never
offers, nor accepts, a record the user may not see. Age and minority are never typed: the
services derive them from the date of birth or the estimated age.
"""

from __future__ import annotations

from django import forms

from agencies.models import Agency, Language, ServiceType
from agencies.roles import Discipline
from cases.forms import _any, date_input, datetime_input
from cases.models import Gender, TraffickingType
from taskforce.forms import BootstrapFormMixin
from victims.models import (
    Citizenship,
    ClientStatus,
    ConsentItem,
    DeclineReason,
    Disability,
    ExitReason,
    IdentificationSource,
    NotificationKind,
    NotificationMethod,
    RaceEthnicity,
    ReferralSource,
    ReferralStatus,
    ReliefKind,
    ReliefStatus,
    RevocationMethod,
    ServiceStatus,
    SharingForm,
    SignerRole,
    Urgency,
    YesNoNotReported,
)

MINOR_CHOICES = [("", "Adults and minors"), ("yes", "Minors only"), ("no", "Adults only")]
DIRECTION_CHOICES = [("", "Received and sent"), ("received", "Received"), ("sent", "Sent")]
TRI_STATE = [("", "Unknown"), ("yes", "Yes"), ("no", "No")]


def tri_state(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def tri_state_value(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class ServiceTypeChoiceField(forms.ModelMultipleChoiceField):
    """Services as checkboxes; ``groups`` arranges them by VOCA category for the template."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


def service_groups(bound_field) -> list[tuple[str, list]]:
    """The checkbox options of a service field, grouped under their VOCA category."""
    from agencies.models import VocaCategory

    categories = dict(ServiceType.objects.filter(active=True).values_list("pk", "voca_category"))
    grouped: dict[str, list] = {}
    for option in bound_field:
        value = getattr(option.data["value"], "value", option.data["value"])
        grouped.setdefault(categories.get(value, ""), []).append(option)
    return [(label, grouped[code]) for code, label in VocaCategory.choices if code in grouped]


def active_services():
    return ServiceType.objects.filter(active=True).order_by("voca_category", "name")


# --- Lists ------------------------------------------------------------------------------------


class VictimFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="A whole name or alias (e.g. Rosa), or the record number.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    trafficking_type = forms.ChoiceField(
        required=False, label="Trafficking type", choices=_any("Any type", TraffickingType.choices)
    )
    minor = forms.ChoiceField(required=False, label="Age", choices=MINOR_CHOICES)


class ClientFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="A whole name or alias (e.g. Rosa), or the record number.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(required=False, choices=_any("Any status", ClientStatus.choices))
    minor = forms.ChoiceField(required=False, label="Age", choices=MINOR_CHOICES)


class ReferralFilterForm(BootstrapFormMixin, forms.Form):
    direction = forms.ChoiceField(required=False, label="Direction", choices=DIRECTION_CHOICES)
    status = forms.ChoiceField(required=False, choices=_any("Any status", ReferralStatus.choices))


# --- Victim and client profiles ---------------------------------------------------------------

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
    "a_number",
    "primary_language",
    "interpreter_needed",
    "trafficking_type",
    "phone",
    "email",
    "address",
    "safe_contact_notes",
    "enrolled_on",
)
# Protected by 8 U.S.C. 1367: shown and accepted only for people who may see immigration data.
IMMIGRATION_FIELDS = ("citizenship", "country_of_origin", "a_number")


class ProfileForm(BootstrapFormMixin, forms.Form):
    """What an intake records about a person (victim-witness record or client record)."""

    given_name = forms.CharField(max_length=80, required=False, label="Given name")
    family_name = forms.CharField(max_length=80, required=False, label="Family name")
    alias = forms.CharField(max_length=80, required=False, help_text="Name the person goes by.")
    date_of_birth = forms.DateField(required=False, label="Date of birth", widget=date_input())
    estimated_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label="Estimated age",
        help_text="Only when the date of birth is unknown: the age at identification. "
        "Whether the person is a minor is worked out from these, never typed.",
    )
    identified_on = forms.DateField(label="Identified on", widget=date_input())
    identification_source = forms.ChoiceField(
        label="How identified", choices=_any("Choose a source", IdentificationSource.choices)
    )
    referral_source = forms.ChoiceField(
        label="Referral source", choices=ReferralSource.choices, initial=ReferralSource.UNKNOWN
    )
    gender = forms.ChoiceField(choices=Gender.choices, initial=Gender.NOT_REPORTED)
    lgbtq = forms.ChoiceField(
        label="LGBTQ+", choices=YesNoNotReported.choices, initial=YesNoNotReported.NOT_REPORTED
    )
    race_ethnicity = forms.MultipleChoiceField(
        required=False,
        label="Race and ethnicity",
        choices=RaceEthnicity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    disabilities = forms.MultipleChoiceField(
        required=False, choices=Disability.choices, widget=forms.CheckboxSelectMultiple
    )
    citizenship = forms.ChoiceField(choices=Citizenship.choices, initial=Citizenship.UNKNOWN)
    country_of_origin = forms.CharField(max_length=80, required=False, label="Country of origin")
    a_number = forms.CharField(max_length=12, required=False, label="A-number")
    primary_language = forms.ModelChoiceField(
        queryset=Language.objects.none(),
        required=False,
        label="Primary language",
        empty_label="Not recorded",
    )
    interpreter_needed = forms.BooleanField(required=False, label="Interpreter needed")
    trafficking_type = forms.ChoiceField(
        label="Trafficking type", choices=TraffickingType.choices, initial=TraffickingType.UNKNOWN
    )
    phone = forms.CharField(max_length=32, required=False)
    email = forms.CharField(max_length=254, required=False, label="Email")
    address = forms.CharField(max_length=250, required=False)
    safe_contact_notes = forms.CharField(
        max_length=250,
        required=False,
        label="Safe contact notes",
        help_text="When and how the person may be reached safely.",
    )
    enrolled_on = forms.DateField(required=False, label="Enrolled on", widget=date_input())

    def __init__(self, *args, record=None, immigration: bool = True, **kwargs):
        if record is not None:
            initial = {name: getattr(record, name) for name in PROFILE_FIELDS}
            initial["primary_language"] = record.primary_language_id
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["primary_language"].queryset = Language.objects.order_by("name")
        if not immigration:
            for name in IMMIGRATION_FIELDS:
                del self.fields[name]


class VictimForm(ProfileForm):
    """A victim-witness record: the profile, the holding agency (when there is a choice) and the
    cases it belongs to (by number, among the cases the user may see)."""

    agency = forms.ChoiceField(label="Holding agency")
    case_numbers = forms.CharField(
        max_length=600,
        required=False,
        label="Case numbers",
        help_text="Separate case numbers with commas, e.g. ACPD-2024-0001.",
    )

    field_order = ["agency"]
    error_field_map = {"cases": "case_numbers"}

    def __init__(self, *args, agencies=(), cases=None, record=None, **kwargs):
        """``agencies``: where the user may record a victim (creating); ``cases``: the
        queryset of cases the user may see, which case numbers resolve against."""
        if record is not None:
            numbers = (
                cases.filter(victims=record).order_by("number").values_list("number", flat=True)
            )
            kwargs["initial"] = {"case_numbers": ", ".join(numbers), **kwargs.get("initial", {})}
        super().__init__(*args, record=record, **kwargs)
        self._cases = cases
        agencies = list(agencies)
        if record is None and len(agencies) > 1:
            self.fields["agency"].choices = _any(
                "Choose the agency", [(str(a.pk), a.name) for a in agencies]
            )
        else:
            del self.fields["agency"]
        self._agencies = {str(a.pk): a for a in agencies}

    def clean_agency(self):
        return self._agencies[self.cleaned_data["agency"]]

    def clean_case_numbers(self):
        # Case numbers are written in capitals (ACPD-2024-0001); accept any case as typed.
        numbers = {n.strip().upper() for n in self.cleaned_data["case_numbers"].split(",")}
        numbers.discard("")
        found = {c.number.upper(): c for c in self._cases.filter(number__in=numbers)}
        missing = sorted(numbers - set(found))
        if missing:
            raise forms.ValidationError(f"No case you may see has the number {', '.join(missing)}.")
        return list(found.values())


class ClientForm(ProfileForm):
    family_members_served = forms.IntegerField(
        min_value=0,
        max_value=99,
        initial=0,
        label="Family members served",
        help_text="Eligible family members served, counted apart from the client.",
    )
    agency = forms.ChoiceField(label="Provider")
    field_order = ["agency"]

    def __init__(self, *args, agencies=(), record=None, **kwargs):
        if record is not None:
            kwargs["initial"] = {
                "family_members_served": record.family_members_served,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, record=record, **kwargs)
        agencies = list(agencies)
        if record is None and len(agencies) > 1:
            self.fields["agency"].choices = _any(
                "Choose the provider", [(str(a.pk), a.name) for a in agencies]
            )
        else:
            del self.fields["agency"]
        self._agencies = {str(a.pk): a for a in agencies}

    def clean_agency(self):
        return self._agencies[self.cleaned_data["agency"]]


class ExitForm(BootstrapFormMixin, forms.Form):
    exited_on = forms.DateField(label="Exited on", widget=date_input())
    exit_reason = forms.ChoiceField(
        label="Reason", choices=_any("Choose a reason", ExitReason.choices)
    )


# --- Referrals --------------------------------------------------------------------------------


class ReferralForm(BootstrapFormMixin, forms.Form):
    """A referral to a provider: the services asked for and only what the sender chooses to
    share about the person."""

    agency = forms.ChoiceField(label="Referring agency")
    provider = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Service provider", empty_label="Choose a provider"
    )
    services_requested = ServiceTypeChoiceField(
        queryset=ServiceType.objects.none(), label="Services requested"
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        help_text="The provider answers within 72 hours, or 24 hours when urgent or for a minor.",
    )
    shared_name = forms.CharField(
        max_length=80,
        required=False,
        label="Name to share",
        help_text="A first name or alias the person agreed to share; leave empty to share none.",
    )
    shared_age = forms.IntegerField(required=False, min_value=0, max_value=120, label="Age (years)")
    shared_gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, initial=Gender.NOT_REPORTED
    )
    shared_language = forms.ModelChoiceField(
        queryset=Language.objects.none(),
        required=False,
        label="Language",
        empty_label="Not shared",
    )
    interpreter_needed = forms.BooleanField(required=False, label="Interpreter needed")
    trafficking_type = forms.ChoiceField(
        label="Trafficking type", choices=TraffickingType.choices, initial=TraffickingType.UNKNOWN
    )
    foreign_national = forms.ChoiceField(
        required=False, label="Foreign national", choices=TRI_STATE
    )
    contact_instructions = forms.CharField(
        max_length=250,
        required=False,
        label="Contact instructions",
        help_text="How the provider may safely reach the person.",
    )
    situation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the provider needs to know. Share no more than the referral needs.",
    )

    field_order = ["agency"]

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        own = [a.pk for a in agencies]
        self.fields["provider"].queryset = (
            Agency.objects.filter(discipline=Discipline.VICTIM_SERVICES, active=True)
            .exclude(pk__in=own if len(agencies) == 1 else [])
            .order_by("name")
        )
        self.fields["services_requested"].queryset = active_services()
        self.fields["shared_language"].queryset = Language.objects.order_by("name")
        if len(agencies) > 1:
            self.fields["agency"].choices = _any(
                "Choose the agency", [(str(a.pk), a.name) for a in agencies]
            )
        else:
            del self.fields["agency"]
        self._agencies = {str(a.pk): a for a in agencies}

    def clean_agency(self):
        return self._agencies[self.cleaned_data["agency"]]

    def clean_foreign_national(self):
        return tri_state(self.cleaned_data["foreign_national"])


class SuggestionForm(forms.Form):
    """The needs the matching reads from the referral form while it is filled in (lenient:
    a value that does not parse is simply left out of the ranking)."""

    services_requested = forms.ModelMultipleChoiceField(
        queryset=ServiceType.objects.none(), required=False
    )
    shared_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    shared_gender = forms.ChoiceField(required=False, choices=_any("", Gender.choices))
    shared_language = forms.ModelChoiceField(queryset=Language.objects.none(), required=False)
    trafficking_type = forms.ChoiceField(required=False, choices=_any("", TraffickingType.choices))
    foreign_national = forms.ChoiceField(required=False, choices=TRI_STATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services_requested"].queryset = active_services()
        self.fields["shared_language"].queryset = Language.objects.all()

    def needs(self) -> dict:
        """Keyword arguments of ``suggest_providers`` from whatever parsed."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        age = data.get("shared_age")
        gender = data.get("shared_gender") or ""
        trafficking_type = data.get("trafficking_type") or ""
        return {
            "services": list(data.get("services_requested") or ()),
            "minor": None if age is None else age < 18,
            "gender": "" if gender == Gender.NOT_REPORTED else gender,
            "trafficking_type": ""
            if trafficking_type == TraffickingType.UNKNOWN
            else trafficking_type,
            "foreign_national": tri_state(data.get("foreign_national") or ""),
            "language": data.get("shared_language"),
        }


class DeclineReferralForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Reason for declining", choices=_any("Choose a reason", DeclineReason.choices)
    )
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawReferralForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason for withdrawing",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseReferralForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        max_length=300,
        required=False,
        label="Closing note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The referring agency sees that the referral is closed, not this note's "
        "reasons for the person's services.",
    )


# --- Services, needs, plans, notes --------------------------------------------------------------


class ServiceForm(BootstrapFormMixin, forms.Form):
    service_type = forms.ModelChoiceField(
        queryset=ServiceType.objects.none(), label="Service", empty_label="Choose a service"
    )
    status = forms.ChoiceField(choices=ServiceStatus.choices, initial=ServiceStatus.IN_PROGRESS)
    started_on = forms.DateField(label="Started on", widget=date_input())
    ended_on = forms.DateField(
        required=False,
        label="Ended on",
        widget=date_input(),
        help_text="Needed when the service is completed or discontinued.",
    )
    partner = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Partner agency",
        empty_label="Delivered in-house",
    )
    partner_name = forms.CharField(
        max_length=120,
        required=False,
        label="Partner outside the task force",
    )
    description = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = active_services()
        partners = Agency.objects.filter(active=True).order_by("name")
        if provider is not None:
            partners = partners.exclude(pk=provider.pk)
        self.fields["partner"].queryset = partners


class AssessmentForm(BootstrapFormMixin, forms.Form):
    assessed_on = forms.DateField(label="Assessed on", widget=date_input())
    needs = ServiceTypeChoiceField(queryset=ServiceType.objects.none(), label="Needs")
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = active_services()


class PlanForm(BootstrapFormMixin, forms.Form):
    starts_on = forms.DateField(label="Starts on", widget=date_input())
    review_on = forms.DateField(label="Review on", widget=date_input())
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Goals agreed with the client. The current plan, if any, is superseded.",
    )

    def clean(self):
        cleaned = super().clean()
        starts, review = cleaned.get("starts_on"), cleaned.get("review_on")
        if starts and review and review < starts:
            self.add_error("review_on", "The review is on or after the start.")
        return cleaned


class ClientNoteForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Case notes stay with your agency: no release of information ever opens them.",
    )


# --- Releases of information --------------------------------------------------------------------


class ConsentForm(BootstrapFormMixin, forms.Form):
    """A release of information, as signed: who receives what, why, and until when."""

    recipient = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Recipient agency", empty_label="Choose an agency"
    )
    items = forms.MultipleChoiceField(
        choices=ConsentItem.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Items released",
        help_text="The recipient sees exactly these items of this client, nothing else.",
    )
    purpose = forms.CharField(max_length=300)
    sharing_form = forms.ChoiceField(
        label="Form of sharing", choices=_any("Choose a form", SharingForm.choices)
    )
    starts_on = forms.DateField(label="Starts on", widget=date_input())
    expires_on = forms.DateField(
        label="Expires on", widget=date_input(), help_text="At most a year after the start."
    )
    signer_name = forms.CharField(max_length=120, label="Signed by")
    signer_role = forms.ChoiceField(
        label="Signer", choices=_any("Choose who signed", SignerRole.choices)
    )
    parent_name = forms.CharField(
        max_length=120,
        required=False,
        label="Parent or guardian",
        help_text="The non-abusive parent or guardian signing with a minor.",
    )
    signer_not_suspected_abuser = forms.BooleanField(
        required=False,
        label="The parent or guardian is not suspected of abusing or trafficking the person",
    )
    language = forms.ModelChoiceField(
        queryset=Language.objects.none(),
        required=False,
        label="Language of the release",
        empty_label="Not recorded",
    )
    interpreter_used = forms.BooleanField(required=False, label="An interpreter was used")
    voluntariness_explained = forms.BooleanField(
        required=False,
        label="It was explained that signing is voluntary and services do not depend on it",
    )
    right_to_revoke_explained = forms.BooleanField(
        required=False, label="It was explained that the release may be revoked at any time"
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (
            Agency.objects.filter(active=True).exclude(pk=provider.pk).order_by("name")
        )
        self.fields["language"].queryset = Language.objects.order_by("name")


class ConsentPreviewForm(forms.Form):
    """The consent form's fields the summary panel reads (lenient: what parses is shown)."""

    recipient = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False)
    items = forms.MultipleChoiceField(choices=ConsentItem.choices, required=False)
    starts_on = forms.DateField(required=False)
    expires_on = forms.DateField(required=False)

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Agency.objects.filter(active=True).exclude(
            pk=provider.pk
        )

    def summary(self) -> dict:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        labels = dict(ConsentItem.choices)
        return {
            "recipient": data.get("recipient"),
            "items": [labels[i] for i in data.get("items") or ()],
            "starts_on": data.get("starts_on"),
            "expires_on": data.get("expires_on"),
        }


class RevokeConsentForm(BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(
        label="How the client revoked it",
        choices=RevocationMethod.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- Immigration relief -------------------------------------------------------------------------

RELIEF_FIELDS = (
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


class ReliefForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=_any("Choose a kind", ReliefKind.choices))
    status = forms.ChoiceField(choices=ReliefStatus.choices, initial=ReliefStatus.REQUESTED)
    certifying_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Certifying agency",
        empty_label="Not set",
        help_text="The agency asked to request, sign or certify.",
    )
    discovered_at = forms.DateTimeField(
        required=False,
        label="Minor discovered at",
        widget=datetime_input(),
        help_text="For an HHS Request for Assistance: due 24 hours after discovery.",
    )
    requested_on = forms.DateField(label="Requested on", widget=date_input())
    signed_on = forms.DateField(
        required=False,
        label="Signed on",
        widget=date_input(),
        help_text="A U visa certification must be filed within six months of signing.",
    )
    decided_on = forms.DateField(required=False, label="Decided on", widget=date_input())
    expires_on = forms.DateField(required=False, label="Expires on", widget=date_input())
    receipt_number = forms.CharField(max_length=20, required=False, label="Receipt number")
    notes = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, relief=None, **kwargs):
        if relief is not None:
            initial = {name: getattr(relief, name) for name in RELIEF_FIELDS}
            initial["certifying_agency"] = relief.certifying_agency_id
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["certifying_agency"].queryset = Agency.objects.filter(
            active=True,
            discipline__in=[Discipline.LAW_ENFORCEMENT, Discipline.PROSECUTION,
                            Discipline.GOVERNMENT_OTHER],
        ).order_by("name")  # fmt: skip
        if relief is not None:
            del self.fields["kind"]


# --- Victim notifications (CVRA) ----------------------------------------------------------------


class CourtEventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            f"{obj.get_event_type_display()} · {obj.scheduled_at:%Y-%m-%d %H:%M} · "
            f"{obj.prosecution.case.number}"
        )


class NotificationForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=_any("Choose a kind", NotificationKind.choices))
    event = forms.CharField(max_length=200, help_text="e.g. Arraignment on 3 March; rights.")
    court_event = CourtEventChoiceField(
        queryset=None, required=False, label="Court date", empty_label="None"
    )
    given_on = forms.DateField(label="Given on", widget=date_input())
    method = forms.ChoiceField(
        label="Method", choices=_any("Choose a method", NotificationMethod.choices)
    )
    notes = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, court_events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court_event"].queryset = court_events
