"""Browser forms of the shell: Bootstrap styling that follows the errors, and the audit filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from taskforce.models import AuditAction, AuditOutcome


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on every field that has an error.

    Errors may arrive after validation (a service refusing the input), so the marking happens
    in ``add_error``, which both validation and ``apply_validation_error`` go through. Django
    itself adds ``aria-invalid`` and points ``aria-describedby`` at ``<id>_error``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            if css not in existing.split():
                field.widget.attrs["class"] = f"{existing} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "").split()
                if "is-invalid" not in classes:
                    widget.attrs["class"] = " ".join([*classes, "is-invalid"])

    # A service's name for a field, when the form names it differently (model field -> form field).
    error_field_map: dict[str, str] = {}

    def apply_validation_error(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` next to the fields it names (others on top)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                name = self.error_field_map.get(name, name)
                target = name if name in self.fields else None
                for item in errors:
                    self.add_error(target, item)
        else:
            self.add_error(None, error)


User = get_user_model()


class AuditLogFilterForm(BootstrapFormMixin, forms.Form):
    user = forms.CharField(
        required=False,
        max_length=150,
        label="User (id or username)",
        help_text="The audit trail holds user ids; a username is looked up to its id.",
    )
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AuditOutcome.choices]
    )
    object_type = forms.CharField(
        required=False, max_length=100, label="Object type", help_text="e.g. agencies.agency"
    )
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_user(self) -> int | None:
        value = self.cleaned_data["user"].strip()
        if not value:
            return None
        # A user id fits a signed 64-bit column; anything longer is looked up as a username.
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
        user_id = User.objects.filter(username=value).values_list("pk", flat=True).first()
        if user_id is None:
            raise ValidationError("No user has that username.")
        return user_id

    def clean(self):
        cleaned = super().clean()
        start: dt.date | None = cleaned.get("date_from")
        end: dt.date | None = cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the range cannot be before its start.")
        return cleaned
