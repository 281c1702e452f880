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


UNITS = {"d": 24 * 60, "h": 60, "m": 1}


def offsets_text(minutes) -> str:
    """Minutes before the due time as people write them: "7d, 1d, 4h"."""
    parts = []
    for value in minutes:
        unit = next(u for u, size in UNITS.items() if value % size == 0)
        parts.append(f"{value // UNITS[unit]}{unit}" if value else "0")
    return ", ".join(parts)


class PolicyForm(BootstrapFormMixin, forms.Form):
    """A coordinator's clock for one kind: the reminders, the windows, and escalation."""

    offsets = forms.CharField(
        label="Remind before the due time",
        help_text="Comma separated, in days (d), hours (h) or minutes (m): e.g. 7d, 1d, 4h. "
        "0 reminds at the due time.",
    )
    window_hours = forms.IntegerField(
        required=False, min_value=1, label="Response window (hours)", help_text="Blank: default."
    )
    urgent_window_hours = forms.IntegerField(
        required=False,
        min_value=1,
        label="Urgent or minor response window (hours)",
        help_text="Blank: default.",
    )
    escalate = forms.BooleanField(required=False, label="Tell supervisors when missed")

    error_field_map = {"offsets_minutes": "offsets"}

    def __init__(self, *args, has_window: bool, has_urgent_window: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_window:
            del self.fields["window_hours"]
        if not has_urgent_window:
            del self.fields["urgent_window_hours"]

    def clean_offsets(self) -> list[int]:
        minutes = []
        for part in (p.strip().lower() for p in self.cleaned_data["offsets"].split(",")):
            if not part:
                continue
            number, unit = (part[:-1], part[-1]) if part[-1] in UNITS else (part, "m")
            if not number.isdigit():
                raise forms.ValidationError(f"“{part}” is not a number of d, h or m.")
            minutes.append(int(number) * UNITS[unit])
        return minutes

    def changes(self) -> dict:
        data = {"offsets_minutes": self.cleaned_data["offsets"]}
        data["escalate"] = self.cleaned_data["escalate"]
        for field in ("window_hours", "urgent_window_hours"):
            if field in self.fields:
                data[field] = self.cleaned_data[field]
        return data
