"""API of deadlines, notifications and the task force's reminder policies.

A deadline is listed only when the caller may see its source record (``deadlines_for``): any
other id answers 404, exactly as if it did not exist. Notifications are the caller's own. Every
member reads the reminder policies; only coordinators change them.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.selectors import is_coordinator
from taskforce import deadlines
from taskforce.api import BaseViewSet
from taskforce.drf import IdFilter, StableCursorPagination
from taskforce.models import (
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Notification,
    NotificationKind,
    ReminderPolicy,
)

# --- Deadlines ----------------------------------------------------------------------------------


class DeadlineAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DeadlineSourceSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The source record's kind, as app_label.model.")
    id = serializers.IntegerField()


class DeadlineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    owner_agency = DeadlineAgencySerializer(read_only=True)
    responsible_user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    source = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "due_at",
            "title",
            "owner_agency",
            "responsible_user",
            "source",
            "url",
            "created_at",
            "closed_at",
            "missed_at",
            "escalated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DeadlineSourceSerializer)
    def get_source(self, deadline) -> dict:
        content_type = deadline.source_type
        return {"type": f"{content_type.app_label}.{content_type.model}", "id": deadline.source_id}

    def get_url(self, deadline) -> str:
        """The page of the source record (a path of this site)."""
        return deadline_url(deadline)


def deadline_url(deadline) -> str:
    kinds = deadlines.registered_kinds()
    return kinds[deadline.kind].url(deadline) if deadline.kind in kinds else ""


class DeadlineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeadlineStatus.choices)
    kind = django_filters.ChoiceFilter(choices=DeadlineKind.choices)
    agency = IdFilter(field_name="owner_agency_id", label="Responsible agency id")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    window = django_filters.ChoiceFilter(
        choices=[
            ("overdue", "Open and past due"),
            ("today", "Open and due by the end of today"),
            ("week", "Open and due from now to seven days after today"),
        ],
        method="filter_window",
    )

    class Meta:
        model = Deadline
        fields = ["status", "kind", "agency", "due_before", "due_after", "window"]

    def filter_window(self, queryset, name, value):
        return deadlines.in_window(queryset, value)


class DueOrderPagination(StableCursorPagination):
    """Soonest first, on the ``deadline_due`` index."""

    ordering = ("due_at", "id")


class DeadlineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    """The deadlines whose source record the caller may see, soonest first."""

    queryset = Deadline.objects.select_related("owner_agency", "source_type")
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    pagination_class = DueOrderPagination

    def get_queryset(self):
        return deadlines.deadlines_for(self.request.user, super().get_queryset())


# --- Notifications --------------------------------------------------------------------------------


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not a silently ignored filter."""

    widget = forms.TextInput  # passes the text through, where the select would drop it

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise DjangoValidationError("Enter true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread only")
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationSerializer(serializers.ModelSerializer):
    deadline = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "url", "deadline", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    """The caller's own notifications, newest first. Anyone else's answers 404."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return deadlines.notifications_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read (again: no change)."""
        notification = self.get_object()
        deadlines.mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        """Mark every unread notification of the caller read."""
        return Response({"marked": deadlines.mark_read(user=request.user)})


# --- Reminder policies ----------------------------------------------------------------------------


class DeadlinePolicySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeadlineKind.choices, read_only=True)
    kind_display = serializers.CharField(read_only=True)
    offsets_minutes = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Minutes before the due time at which reminders go, latest last.",
    )
    window_hours = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The response window, where the kind has one."
    )
    urgent_window_hours = serializers.IntegerField(read_only=True, allow_null=True)
    escalate = serializers.BooleanField(read_only=True, help_text="Tell supervisors when missed.")
    customized = serializers.BooleanField(
        read_only=True, help_text="False while the defaults apply."
    )


class DeadlinePolicyUpdateSerializer(serializers.Serializer):
    offsets_minutes = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=deadlines.MAX_OFFSET_MINUTES),
        min_length=1,
        max_length=deadlines.MAX_OFFSETS,
        required=False,
        help_text="Distinct minutes before the due time, at most a year ahead.",
    )
    window_hours = serializers.IntegerField(
        min_value=1, max_value=deadlines.MAX_WINDOW_HOURS, allow_null=True, required=False
    )
    urgent_window_hours = serializers.IntegerField(
        min_value=1, max_value=deadlines.MAX_WINDOW_HOURS, allow_null=True, required=False
    )
    escalate = serializers.BooleanField(required=False)

    def validate_offsets_minutes(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each reminder time once.")
        return value


def policy_rows() -> list[dict]:
    """Every kind with the policy in force: the task force's row, else the default."""
    customized = set(ReminderPolicy.objects.values_list("kind", flat=True))
    labels = dict(DeadlineKind.choices)
    return [
        {
            "kind": kind,
            "kind_display": labels[kind],
            "offsets_minutes": list(policy.offsets_minutes),
            "window_hours": policy.window_hours,
            "urgent_window_hours": policy.urgent_window_hours,
            "escalate": policy.escalate,
            "customized": kind in customized,
        }
        for kind, policy in deadlines.all_policies().items()
    ]


# The policies are looked up by kind (``/deadline-policies/referral_response/``), not by row id.
KIND_PARAMETER = OpenApiParameter(
    name="id",
    type=str,
    location=OpenApiParameter.PATH,
    enum=DeadlineKind.values,
    description="The kind of deadline.",
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[KIND_PARAMETER]),
    partial_update=extend_schema(
        parameters=[KIND_PARAMETER],
        request=DeadlinePolicyUpdateSerializer,
        responses=DeadlinePolicySerializer,
        summary="Change a kind's reminder policy (coordinators)",
    ),
)
class DeadlinePolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    """The reminder policy of every kind of deadline, by kind. Coordinators change them."""

    queryset = ReminderPolicy.objects.all()
    serializer_class = DeadlinePolicySerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "kind"
    lookup_url_kwarg = "pk"

    def get_serializer_class(self):
        if self.action == "partial_update":
            return DeadlinePolicyUpdateSerializer
        return DeadlinePolicySerializer

    def _row(self, kind: str) -> dict:
        for row in policy_rows():
            if row["kind"] == kind:
                return row
        raise exceptions.NotFound()

    def list(self, request, *args, **kwargs):
        return Response(DeadlinePolicySerializer(policy_rows(), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(DeadlinePolicySerializer(self._row(kwargs["pk"])).data)

    def partial_update(self, request, *args, **kwargs):
        kind = kwargs["pk"]
        if kind not in deadlines.DEFAULT_POLICIES:
            raise exceptions.NotFound()
        # Refused up front, before the input of someone who could never submit it is read.
        if not is_coordinator(request.user):
            raise exceptions.PermissionDenied("Only coordinators change the reminder policies.")
        # Partial: a form-encoded body leaves out what it does not change (a missing checkbox
        # is not a false one).
        serializer = DeadlinePolicyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        deadlines.set_policy(by=request.user, kind=kind, **serializer.validated_data)
        return Response(DeadlinePolicySerializer(self._row(kind)).data)


def register(router) -> None:
    router.register("deadlines", DeadlineViewSet, basename="deadline")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("deadline-policies", DeadlinePolicyViewSet, basename="deadline-policy")
