"""Browser forms of the governance pages. They shape and check input; ``protocols.services``
makes every change and may still refuse it (its errors are put back next to the field)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from agencies.models import Agency
from protocols.models import (
    Committee,
    Decision,
    DecisionMethod,
    LeadershipRole,
    Mou,
    MouStatus,
    ObjectiveStatus,
    ProtocolStatus,
    ProtocolTopic,
    ProtocolVersion,
    TypologyTraffickingType,
    Vote,
)
from taskforce import uploads
from taskforce.forms import BootstrapFormMixin

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"})


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class UsernameField(forms.CharField):
    """A person by user name (only active users)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("help_text", "Their user name.")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = User.objects.filter(username=value.strip(), is_active=True).first()
        if user is None:
            raise ValidationError("No active user has that user name.")
        return user


def _agencies():
    return Agency.objects.filter(active=True).order_by("name")


class SearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False, max_length=100, label="Search", widget=forms.TextInput({"type": "search"})
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()


# --- Charter ---------------------------------------------------------------------------------


class CharterForm(BootstrapFormMixin, forms.Form):
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    adopted_on = forms.DateField(required=False, label="Adopted on", widget=DATE)


class GoalForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(min_value=0, max_value=1000, initial=0, label="Order")


class ObjectiveForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    owner = UsernameField(help_text="The member answerable for it (their user name).")
    measure = forms.CharField(max_length=200, help_text="What is counted, e.g. officers trained.")
    baseline_value = forms.DecimalField(max_digits=12, decimal_places=2, initial=0)
    target_value = forms.DecimalField(max_digits=12, decimal_places=2)
    target_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=ObjectiveStatus.choices)


class ProgressForm(BootstrapFormMixin, forms.Form):
    value = forms.DecimalField(max_digits=12, decimal_places=2, label="Value now")
    recorded_on = forms.DateField(required=False, label="As of", widget=DATE)
    note = forms.CharField(required=False, max_length=500)


# --- MOUs ------------------------------------------------------------------------------------


class MouFilterForm(SearchForm):
    status = forms.ChoiceField(required=False, choices=_any("Any status", MouStatus.choices))


class MouForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    approving_body = forms.CharField(max_length=200, required=False, label="Approving body")
    effective_date = forms.DateField(required=False, label="Effective date", widget=DATE)
    end_date = forms.DateField(required=False, label="End date", widget=DATE)
    signatories = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Signatory agencies",
        help_text="Each agency's commitments are written on the MOU's page.",
    )

    def __init__(self, *args, with_signatories: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_signatories:
            self.fields["signatories"].queryset = _agencies()
        else:
            del self.fields["signatories"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("effective_date"), cleaned.get("end_date")
        if starts and ends and ends < starts:
            self.add_error("end_date", "An MOU cannot end before it starts.")
        return cleaned


class SignatoryForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    roles = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsibilities = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resources = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    fiscal = forms.CharField(
        required=False, label="Fiscal responsibilities", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()


class SignForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Signing for")
    signer_title = forms.CharField(max_length=120, label="Your title")
    signed_on = forms.DateField(required=False, label="Date signed", widget=DATE)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class TerminateForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(BootstrapFormMixin, forms.Form):
    effective_date = forms.DateField(label="New effective date", widget=DATE)
    end_date = forms.DateField(label="New end date", widget=DATE)


class DocumentForm(BootstrapFormMixin, forms.Form):
    document = forms.FileField(
        help_text="PDF or Word (DOCX).", validators=[uploads.validate_document]
    )


# --- Protocols -------------------------------------------------------------------------------


class ProtocolFilterForm(SearchForm):
    topic = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=_any("Any status", ProtocolStatus.choices))
    due = forms.BooleanField(required=False, label="Due for review")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _any(
            "Any topic", ProtocolTopic.objects.order_by("name").values_list("code", "name")
        )


class ProtocolForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    topic = forms.ModelChoiceField(queryset=ProtocolTopic.objects.none())
    owner = UsernameField(help_text="The member who keeps it current (their user name).")
    review_date = forms.DateField(label="Review date", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = ProtocolTopic.objects.filter(active=True)


class NewProtocolForm(ProtocolForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    upload = forms.FileField(
        required=False,
        label="Document",
        help_text="PDF or DOCX, optional.",
        validators=[uploads.validate_document],
    )


class ProtocolVersionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))
    changes = forms.CharField(max_length=500, required=False, label="What changed and why")
    upload = forms.FileField(
        required=False,
        label="Document",
        help_text="PDF or DOCX, optional.",
        validators=[uploads.validate_document],
    )


# --- Decisions -------------------------------------------------------------------------------


class DecisionFilterForm(SearchForm):
    method = forms.ChoiceField(required=False, choices=_any("Any method", DecisionMethod.choices))
    current = forms.BooleanField(required=False, label="Only decisions in force")


class DecisionForm(BootstrapFormMixin, forms.Form):
    question = forms.CharField(max_length=500)
    method = forms.ChoiceField(choices=_any("Choose a method", DecisionMethod.choices))
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label="Decided on", widget=DATE)
    adopted_protocol_version = forms.ModelChoiceField(
        queryset=ProtocolVersion.objects.none(),
        required=False,
        label="Adopts protocol version",
    )
    adopted_mou = forms.ModelChoiceField(
        queryset=Mou.objects.none(), required=False, label="Adopts MOU"
    )
    supersedes = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="Supersedes decision"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = (
            ProtocolVersion.objects.exclude(protocol__status=ProtocolStatus.RETIRED)
            .filter(adopted_on__isnull=True)
            .select_related("protocol")
            .order_by("protocol__title", "-number")
        )
        self.fields["adopted_protocol_version"].queryset = versions
        self.fields["adopted_protocol_version"].label_from_instance = lambda v: (
            f"{v.protocol.title} — version {v.number}"
        )
        self.fields["adopted_mou"].queryset = Mou.objects.exclude(
            status=MouStatus.TERMINATED
        ).order_by("title")
        self.fields["supersedes"].queryset = Decision.objects.filter(
            superseded_by__isnull=True
        ).order_by("-decided_on", "-id")
        self.agencies = list(_agencies())
        for agency in self.agencies:
            self.fields[f"vote_{agency.pk}"] = forms.ChoiceField(
                required=False,
                label=agency.name,
                choices=_any("Did not vote", Vote.choices),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def vote_fields(self):
        return [self[f"vote_{agency.pk}"] for agency in self.agencies]

    def main_fields(self):
        return [f for f in self if not f.name.startswith("vote_")]

    def votes(self) -> list[tuple[Agency, str]]:
        return [
            (agency, self.cleaned_data[f"vote_{agency.pk}"])
            for agency in self.agencies
            if self.cleaned_data.get(f"vote_{agency.pk}")
        ]


# --- Leadership ------------------------------------------------------------------------------

YES_NO = [("", "Choose"), ("no", "No"), ("yes", "Yes")]


class TermForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(choices=_any("Choose a role", LeadershipRole.choices))
    user = UsernameField(required=False, label="Person", help_text="For roles held by a person.")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, help_text="For the typology leads."
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), required=False, help_text="For committee chairs."
    )
    trafficking_type = forms.ChoiceField(
        required=False,
        label="Trafficking type",
        choices=_any("—", TypologyTraffickingType.choices),
    )
    minor = forms.ChoiceField(required=False, label="Minors", choices=YES_NO)
    foreign_national = forms.ChoiceField(required=False, label="Foreign nationals", choices=YES_NO)
    starts = forms.DateField(widget=DATE)
    ends = forms.DateField(required=False, widget=DATE)

    error_field_map = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()
        self.fields["committee"].queryset = Committee.objects.filter(active=True)

    def _flag(self, name):
        value = self.cleaned_data.get(name)
        return None if not value else value == "yes"

    def clean(self):
        cleaned = super().clean()
        cleaned["minor"] = self._flag("minor")
        cleaned["foreign_national"] = self._flag("foreign_national")
        if cleaned.get("starts") and cleaned.get("ends") and cleaned["ends"] < cleaned["starts"]:
            self.add_error("ends", "A term cannot end before it starts.")
        return cleaned


class CommitteeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommitteeMemberForm(BootstrapFormMixin, forms.Form):
    user = UsernameField(label="Person")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        help_text="For someone in several agencies: the one they sit for.",
    )
    voting = forms.BooleanField(required=False, initial=True, label="Voting member")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()


class MeetingFilterForm(SearchForm):
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), required=False, empty_label="Any committee"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.all()


class MeetingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    held_at = forms.DateTimeField(
        label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), required=False, empty_label="Whole task force"
    )
    location = forms.CharField(max_length=200, required=False)
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(active=True)


class MinutesForm(BootstrapFormMixin, forms.Form):
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    attendees = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="User names of those present, separated by commas or new lines.",
    )

    def clean_attendees(self):
        names = [n.strip() for n in self.cleaned_data["attendees"].replace(",", "\n").split()]
        names = [n for n in names if n]
        users = list(User.objects.filter(username__in=names, is_active=True))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise ValidationError(f"No active user has the user name: {', '.join(unknown)}.")
        return users
