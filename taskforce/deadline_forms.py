"""Browser forms of the deadline and notification pages (filters only: GET, never a 500)."""

from __future__ import annotations

import datetime as dt

from django import forms

from taskforce.forms import BootstrapFormMixin
from taskforce.models import DeadlineKind, NotificationKind


class DeadlineFilterForm(BootstrapFormMixin, forms.Form):
    """One of the user's own agencies (the per-agency view) and a kind of deadline."""

    agency = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Responsible agency"
    )
    kind = forms.ChoiceField(required=False, label="Kind")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", "Any agency (all you may see)"),
            *((a.pk, a.name) for a in agencies),
        ]
        self.fields["kind"].choices = [("", "All kinds"), *DeadlineKind.choices]


# The calendar's range: far enough for any clock, short of the calendar's own edges.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class WeekForm(forms.Form):
    """The week to show, by any day in it; the view turns a bad date into this week."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_start(self) -> dt.date | None:
        day = self.cleaned_data["start"]
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(f"Choose a date from {FIRST_YEAR} to {LAST_YEAR}.")
        return day - dt.timedelta(days=day.weekday()) if day else None


class NotificationFilterForm(BootstrapFormMixin, forms.Form):
    show = forms.ChoiceField(
        required=False,
        choices=[("all", "All notifications"), ("unread", "Unread only")],
        label="Show",
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "All kinds"), *NotificationKind.choices], label="Kind"
    )


class DigestPreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(required=False, label="Send me the daily deadline email")
