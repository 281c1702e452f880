"""The filters of the dashboard, the report and the nondiscrimination view, for pages and API
alike: a period, an agency (one's own, or any for a coordinator) and a trafficking type."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency
from agencies.selectors import active_memberships, is_coordinator
from taskforce.forms import BootstrapFormMixin
from taskforce.periods import Period, offered
from taskforce.reports import TRAFFICKING_TYPE_LABELS, Scope, scope_for


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(
        required=False,
        label="Period",
        help_text="Federal fiscal year (October to September), half or quarter.",
    )
    agency = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Agency")
    trafficking_type = forms.ChoiceField(required=False, label="Trafficking type")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.default_period = Period.containing(today)
        self.periods = offered(today)
        period_field = self.fields["period"]
        period_field.widget = forms.Select(choices=[(p.key, p.label) for p in self.periods])
        period_field.widget.attrs["class"] = "form-select"
        if is_coordinator(user):
            agencies = Agency.objects.filter(active=True).order_by("name")
            everyone = "The whole task force"
        else:
            agencies = Agency.objects.filter(
                pk__in=active_memberships(user).values("agency_id")
            ).order_by("name")
            everyone = "The whole task force (small counts suppressed)"
        self.fields["agency"].choices = [
            ("", everyone),
            *agencies.values_list("pk", "name"),
        ]
        self.fields["trafficking_type"].choices = [
            ("", "All types"),
            *TRAFFICKING_TYPE_LABELS.items(),
        ]

    def clean_period(self) -> Period:
        key = self.cleaned_data["period"]
        if not key:
            return self.default_period
        try:
            return Period.parse(key)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def scope(self) -> Scope | None:
        """The scope asked for, or None with the reasons on the form."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        agency = None
        if data["agency"] is not None:
            agency = Agency.objects.filter(pk=data["agency"]).first()
        try:
            return scope_for(
                self.user,
                period=data["period"],
                agency=agency,
                trafficking_type=data["trafficking_type"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
            return None
