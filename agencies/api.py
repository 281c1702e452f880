"""API for the agency directory and memberships."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from agencies import selectors, services
from agencies.models import (
    Agency,
    BulletinKind,
    BulletinStatus,
    Language,
    Membership,
    OutreachAudience,
    OutreachEvent,
    Population,
    ServiceType,
    Training,
    TrainingAttendance,
    TrainingTopic,
    TrendBulletin,
)
from agencies.roles import Discipline, JurisdictionLevel, Role
from cases.models import RecruitmentMethod, Venue
from taskforce.api import BaseViewSet
from taskforce.drf import IdFilter, StableCursorPagination
from taskforce.schema_hooks import SingleRecordSchema

User = get_user_model()


class AgencySerializer(serializers.ModelSerializer):
    services_offered = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=ServiceType.objects.all(), required=False
    )
    populations_served = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Population.objects.all(), required=False
    )
    languages = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Language.objects.all(), required=False
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "acronym",
            "discipline",
            "jurisdiction_level",
            "street",
            "city",
            "state",
            "postal_code",
            "phone",
            "public_contact_name",
            "public_contact_email",
            "public_contact_phone",
            "active",
            "services_offered",
            "populations_served",
            "languages",
            "hours",
            "after_hours_contact",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class AgencyFilter(django_filters.FilterSet):
    discipline = django_filters.ChoiceFilter(choices=Discipline.choices)
    jurisdiction_level = django_filters.ChoiceFilter(choices=JurisdictionLevel.choices)
    service = django_filters.CharFilter(field_name="services_offered__code", distinct=True)
    population = django_filters.CharFilter(field_name="populations_served__code", distinct=True)
    language = django_filters.CharFilter(field_name="languages__code", distinct=True)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Agency
        fields = ["discipline", "jurisdiction_level", "service", "population", "language", "active"]


class NameCursorPagination(StableCursorPagination):
    ordering = ("name", "id")


@extend_schema_view(
    list=extend_schema(summary="Member agencies (directory)"),
    retrieve=extend_schema(summary="One member agency"),
    create=extend_schema(summary="Add a member agency (coordinators)"),
    update=extend_schema(summary="Edit an agency (coordinators, or its own supervisors)"),
    partial_update=extend_schema(summary="Edit part of an agency"),
)
class AgencyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """Governance compartment: every active member reads; coordinators and supervisors write.

    Agencies are never deleted: set ``active`` to false instead.
    """

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    search_fields = ["name", "acronym", "city"]
    pagination_class = NameCursorPagination

    def get_queryset(self):
        # Inactive agencies are the coordinators' business; to others they do not exist.
        include_inactive = selectors.may_administer(self.request.user)
        return (
            selectors.agency_directory(self.request.user, include_inactive=include_inactive)
            .prefetch_related("services_offered", "populations_served", "languages")
            .order_by("name", "id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = services.create_agency(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(agency).data, status=201)

    def update(self, request, *args, **kwargs):
        agency = self.get_object()
        if not selectors.may_manage_agency(request.user, agency):
            raise PermissionDenied("You may not edit this agency.")
        serializer = self.get_serializer(
            agency, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        agency = services.update_agency(agency=agency, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(agency).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "agency",
            "role",
            "title",
            "is_coordinator",
            "is_service_account",
            "starts",
            "ends",
            "in_force",
            "created_at",
        ]
        read_only_fields = ["id", "is_service_account", "created_at", "in_force"]

    def get_in_force(self, membership: Membership) -> bool:
        from django.utils import timezone

        return membership.is_active_on(timezone.localdate())


class MembershipUpdateSerializer(MembershipSerializer):
    # Declared fields ignore read_only_fields: a membership never moves to another person
    # or agency.
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agency = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(MembershipSerializer.Meta):
        read_only_fields = [*MembershipSerializer.Meta.read_only_fields, "user", "agency"]


class EndMembershipSerializer(serializers.Serializer):
    ends = serializers.DateField(required=False)


class MembershipFilter(django_filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    user = django_filters.CharFilter(field_name="user__username")

    class Meta:
        model = Membership
        fields = ["agency", "role", "user"]


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """Coordinators see and manage the whole roster; supervisors manage their own agency's."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    reauthentication_actions = ("create", "update", "partial_update", "end")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MembershipUpdateSerializer
        if self.action == "end":
            return EndMembershipSerializer
        return MembershipSerializer

    def get_queryset(self):
        return selectors.visible_memberships(self.request.user).select_related("user", "agency")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.add_membership(by=request.user, **serializer.validated_data)
        return Response(MembershipSerializer(membership).data, status=201)

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = self.get_serializer(
            membership, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        membership = services.update_membership(
            membership=membership, by=request.user, **serializer.validated_data
        )
        return Response(MembershipSerializer(membership).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=EndMembershipSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a membership (today by default); it grants nothing after its end date."""
        membership = self.get_object()
        serializer = EndMembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.end_membership(
            membership=membership, by=request.user, ends=serializer.validated_data.get("ends")
        )
        return Response(MembershipSerializer(membership).data)


# --- Training, outreach, trend bulletins and coverage ----------------------------------------
# Governance records: every active member reads (a partner system reads as its agency's
# service account); coordinators record trainings and outreach, supervisors also their own
# agency's outreach; any member shares a trend bulletin, its author edits it, coordinators
# archive it. Nothing here is hard-deleted except an attendance recorded by mistake.


def _coordinators_only(request, message: str) -> None:
    """Refuse early, before validating input a non-coordinator could never submit."""
    if not selectors.may_administer(request.user):
        raise PermissionDenied(message)


class TrainingSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="code", queryset=TrainingTopic.objects.all())
    audience_disciplines = serializers.ListField(
        child=serializers.ChoiceField(choices=Discipline.choices), required=False
    )
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.25"))
    host_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    attendee_count = serializers.IntegerField(read_only=True)
    hours_credited_total = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "topic",
            "description",
            "audience_disciplines",
            "held_on",
            "hours",
            "location",
            "trainers",
            "host_agency",
            "attendee_count",
            "hours_credited_total",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class TrainingFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(field_name="topic__code")
    discipline = django_filters.ChoiceFilter(
        choices=Discipline.choices, method="filter_discipline", label="Audience discipline"
    )
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")
    host_agency = IdFilter(field_name="host_agency_id")

    class Meta:
        model = Training
        fields = ["topic", "discipline", "held_from", "held_to", "host_agency"]

    def filter_discipline(self, queryset, name, value):
        return queryset.filter(audience_disciplines__icontains=f'"{value}"')


class HeldOnCursorPagination(StableCursorPagination):
    ordering = ("-held_on", "-id")


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    training = serializers.PrimaryKeyRelatedField(queryset=Training.objects.all())
    attendee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    attendee_name = serializers.CharField(read_only=True)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    hours_credited = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), required=False
    )
    training_title = serializers.CharField(source="training.title", read_only=True)
    training_held_on = serializers.DateField(source="training.held_on", read_only=True)
    training_topic = serializers.CharField(source="training.topic.code", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = [
            "id",
            "training",
            "training_title",
            "training_held_on",
            "training_topic",
            "attendee",
            "attendee_name",
            "external_name",
            "agency",
            "hours_credited",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # The service says "already recorded" itself, and an outside guest has no attendee.
        validators = []


class TrainingAttendanceUpdateSerializer(serializers.ModelSerializer):
    hours_credited = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0")
    )

    class Meta:
        model = TrainingAttendance
        fields = ["hours_credited"]


class TrainingAttendanceFilter(django_filters.FilterSet):
    training = IdFilter(field_name="training_id")
    agency = IdFilter(field_name="agency_id")
    user = django_filters.CharFilter(field_name="attendee__username")

    class Meta:
        model = TrainingAttendance
        fields = ["training", "agency", "user"]


@extend_schema_view(
    list=extend_schema(summary="Trainings, with attendance totals"),
    retrieve=extend_schema(summary="One training"),
    create=extend_schema(summary="Record a training (coordinators)"),
    update=extend_schema(summary="Edit a training (coordinators)"),
    partial_update=extend_schema(summary="Edit part of a training (coordinators)"),
)
class TrainingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """Training events of the task force. Every active member reads; coordinators write."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    search_fields = ["title", "trainers", "location"]
    pagination_class = HeldOnCursorPagination

    def get_queryset(self):
        return selectors.trainings(self.request.user).order_by("-held_on", "-id")

    def _reloaded(self, training: Training) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=training.pk)).data

    def create(self, request, *args, **kwargs):
        _coordinators_only(request, "Only coordinators record trainings.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        training = services.create_training(by=request.user, **serializer.validated_data)
        return Response(self._reloaded(training), status=201)

    def update(self, request, *args, **kwargs):
        training = self.get_object()
        _coordinators_only(request, "Only coordinators edit trainings.")
        serializer = self.get_serializer(
            training, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        training = services.update_training(
            training=training, by=request.user, **serializer.validated_data
        )
        return Response(self._reloaded(training))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class TrainingHistorySerializer(serializers.Serializer):
    user = serializers.IntegerField(source="person.pk")
    username = serializers.CharField(source="person.username")
    name = serializers.CharField(source="person.get_full_name")
    trainings = serializers.IntegerField(source="totals.trainings")
    hours = serializers.DecimalField(max_digits=9, decimal_places=2, source="totals.hours")
    attendance = TrainingAttendanceSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Your own training history",
        responses=TrainingHistorySerializer,
        operation_id="training_history_own",
    ),
    retrieve=extend_schema(
        summary="A member's training history (by user id)", responses=TrainingHistorySerializer
    ),
)
class TrainingHistoryViewSet(BaseViewSet):
    """Everything a person attended, newest training first, with their totals.

    A member reads their own history; their agency's supervisors and the coordinators read
    theirs; anyone else gets a 403, and an unknown user id a 404.
    """

    serializer_class = TrainingHistorySerializer
    pagination_class = None
    filter_backends = []
    schema = SingleRecordSchema()  # the list route is the caller's own history: one document

    def get_queryset(self):
        return User.objects.filter(is_active=True)

    def _history(self, person) -> Response:
        data = {
            "person": person,
            "totals": selectors.training_totals(person),
            "attendance": list(selectors.training_history(person).select_related("attendee")),
        }
        return Response(TrainingHistorySerializer(data).data)

    def list(self, request):
        return self._history(request.user)

    def retrieve(self, request, pk=None):
        person = self.get_object()
        if not selectors.may_see_training_history(request.user, person):
            raise PermissionDenied("You may not read this person's training history.")
        return self._history(person)


@extend_schema_view(
    list=extend_schema(summary="Training attendance you may read"),
    retrieve=extend_schema(summary="One attendance record"),
    create=extend_schema(summary="Record an attendance (coordinators)"),
    partial_update=extend_schema(summary="Correct the hours credited (coordinators)"),
    destroy=extend_schema(summary="Remove an attendance recorded by mistake (coordinators)"),
)
class TrainingAttendanceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """Attendance per person and agency. Coordinators read all; supervisors their agency's;
    every member their own. Anything else answers 404."""

    serializer_class = TrainingAttendanceSerializer
    filterset_class = TrainingAttendanceFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return TrainingAttendanceUpdateSerializer
        return TrainingAttendanceSerializer

    def get_queryset(self):
        return selectors.visible_attendance(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        _coordinators_only(request, "Only coordinators record attendance.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        training = data.pop("training")
        attendance = services.record_attendance(training=training, by=request.user, **data)
        return Response(TrainingAttendanceSerializer(attendance).data, status=201)

    @extend_schema(
        request=TrainingAttendanceUpdateSerializer, responses=TrainingAttendanceSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        attendance = self.get_object()
        _coordinators_only(request, "Only coordinators correct attendance.")
        serializer = self.get_serializer(attendance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "hours_credited" in serializer.validated_data:
            attendance = services.update_attendance(
                attendance=attendance,
                by=request.user,
                hours_credited=serializer.validated_data["hours_credited"],
            )
        return Response(TrainingAttendanceSerializer(attendance).data)

    def destroy(self, request, *args, **kwargs):
        attendance = self.get_object()
        services.remove_attendance(attendance=attendance, by=request.user)
        return Response(status=204)


class OutreachEventSerializer(serializers.ModelSerializer):
    audience = serializers.ChoiceField(choices=OutreachAudience.choices)
    languages = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Language.objects.all(), required=False
    )
    lead_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    agencies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Agency.objects.all(), required=False
    )

    class Meta:
        model = OutreachEvent
        fields = [
            "id",
            "title",
            "audience",
            "held_on",
            "location",
            "estimated_reach",
            "languages",
            "materials",
            "description",
            "lead_agency",
            "agencies",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class OutreachEventFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(choices=OutreachAudience.choices)
    language = django_filters.CharFilter(method="filter_language")
    agency = IdFilter(method="filter_agency", label="Lead or involved agency")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = OutreachEvent
        fields = ["audience", "language", "agency", "held_from", "held_to"]

    def filter_language(self, queryset, name, value):
        return queryset.filter(
            pk__in=OutreachEvent.languages.through.objects.filter(language__code=value).values(
                "outreachevent_id"
            )
        )

    def filter_agency(self, queryset, name, value):
        involved = OutreachEvent.agencies.through.objects.filter(agency_id=value)
        return queryset.filter(
            Q(lead_agency_id=value) | Q(pk__in=involved.values("outreachevent_id"))
        )


@extend_schema_view(
    list=extend_schema(summary="Outreach and awareness events"),
    retrieve=extend_schema(summary="One outreach event"),
    create=extend_schema(summary="Record an outreach event (coordinators, lead supervisors)"),
    update=extend_schema(summary="Edit an outreach event"),
    partial_update=extend_schema(summary="Edit part of an outreach event"),
)
class OutreachEventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """Community awareness events. Every active member reads; coordinators record any event,
    an agency's supervisors the events their agency leads."""

    serializer_class = OutreachEventSerializer
    filterset_class = OutreachEventFilter
    search_fields = ["title", "location", "materials"]
    pagination_class = HeldOnCursorPagination

    def get_queryset(self):
        return (
            selectors.outreach_events(self.request.user)
            .prefetch_related("languages", "agencies")
            .order_by("-held_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        if not selectors.may_record_outreach(request.user):
            raise PermissionDenied("Only coordinators and supervisors record outreach events.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.create_outreach_event(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(event).data, status=201)

    def update(self, request, *args, **kwargs):
        event = self.get_object()
        if not selectors.may_record_outreach(request.user, event.lead_agency):
            raise PermissionDenied("You may not edit this outreach event.")
        serializer = self.get_serializer(
            event, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        event = services.update_outreach_event(
            event=event, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class TrendBulletinSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=BulletinKind.choices)
    venue = serializers.SlugRelatedField(
        slug_field="code", queryset=Venue.objects.all(), required=False, allow_null=True
    )
    recruitment_method = serializers.SlugRelatedField(
        slug_field="code", queryset=RecruitmentMethod.objects.all(), required=False, allow_null=True
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    author_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        help_text="The agency you share for (your first agency by default).",
    )

    class Meta:
        model = TrendBulletin
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "venue",
            "recruitment_method",
            "status",
            "author",
            "author_agency",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "archived_at", "created_at", "updated_at"]


class TrendBulletinUpdateSerializer(TrendBulletinSerializer):
    # Declared fields ignore read_only_fields: a bulletin never moves to another agency.
    author_agency = serializers.PrimaryKeyRelatedField(read_only=True)


class TrendBulletinFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=BulletinKind.choices)
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices)
    venue = django_filters.CharFilter(field_name="venue__code")
    recruitment_method = django_filters.CharFilter(field_name="recruitment_method__code")
    author_agency = IdFilter(field_name="author_agency_id")

    class Meta:
        model = TrendBulletin
        fields = ["kind", "status", "venue", "recruitment_method", "author_agency"]


@extend_schema_view(
    list=extend_schema(summary="Trend bulletins (de-identified)"),
    retrieve=extend_schema(summary="One trend bulletin"),
    create=extend_schema(summary="Share a trend bulletin (any active member)"),
    update=extend_schema(summary="Edit a bulletin (its author)"),
    partial_update=extend_schema(summary="Edit part of a bulletin (its author)"),
)
class TrendBulletinViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BaseViewSet,
):
    """De-identified trends any member shares. Text carrying a phone number, an email address
    or a date that looks like a date of birth is refused with a 400 naming what was found."""

    serializer_class = TrendBulletinSerializer
    filterset_class = TrendBulletinFilter
    search_fields = ["title", "body"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return TrendBulletinUpdateSerializer
        if self.action == "archive":
            return None
        return TrendBulletinSerializer

    def get_queryset(self):
        return selectors.trend_bulletins(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("author_agency", None)
        bulletin = services.share_trend_bulletin(by=request.user, agency=agency, **data)
        return Response(TrendBulletinSerializer(bulletin).data, status=201)

    def update(self, request, *args, **kwargs):
        bulletin = self.get_object()
        if bulletin.author_id != request.user.pk:
            raise PermissionDenied("Only its author edits a bulletin.")
        serializer = self.get_serializer(
            bulletin, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        bulletin = services.update_trend_bulletin(
            bulletin=bulletin, by=request.user, **serializer.validated_data
        )
        return Response(TrendBulletinSerializer(bulletin).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=TrendBulletinSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive a bulletin (coordinators); archiving an archived one is a 409."""
        bulletin = self.get_object()
        bulletin = services.archive_trend_bulletin(bulletin=bulletin, by=request.user)
        return Response(TrendBulletinSerializer(bulletin).data)


class CoverageQuerySerializer(serializers.Serializer):
    discipline = serializers.ChoiceField(choices=Discipline.choices, required=False)
    language = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), required=False
    )


class CoverageAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField()
    discipline = serializers.CharField()


class CoverageCellSerializer(serializers.Serializer):
    age = serializers.CharField(source="age.code")
    trafficking_type = serializers.CharField(source="trafficking_type.code")
    citizenship = serializers.CharField(source="citizenship.code")
    gender = serializers.CharField(source="gender.code")
    language = serializers.CharField(source="language.code", allow_null=True, default=None)
    agencies = serializers.SerializerMethodField()
    gap = serializers.BooleanField()

    def get_agencies(self, cell) -> list[int]:
        return [agency.id for agency in cell.agencies]


class CoverageDimensionsSerializer(serializers.Serializer):
    age = serializers.ListField(child=serializers.CharField())
    trafficking_type = serializers.ListField(child=serializers.CharField())
    citizenship = serializers.ListField(child=serializers.CharField())
    gender = serializers.ListField(child=serializers.CharField())
    language = serializers.ListField(child=serializers.CharField())


class CoverageSerializer(serializers.Serializer):
    discipline = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_null=True)
    dimensions = CoverageDimensionsSerializer()
    agencies = CoverageAgencySerializer(many=True)
    rows = CoverageCellSerializer(
        many=True,
        help_text="Every typology x gender, in ``language`` (or in any language when none).",
    )
    gaps = serializers.IntegerField(help_text="How many of ``rows`` no agency covers.")
    cells = CoverageCellSerializer(
        many=True, help_text="Every typology x gender x language (only ``language`` if given)."
    )
    language_gaps = serializers.IntegerField(help_text="How many of ``cells`` no agency covers.")
    languages_without_agency = serializers.ListField(child=serializers.CharField())


def coverage_payload(matrix: selectors.CoverageMatrix, discipline: str) -> dict:
    """The matrix in the API's shape (also what a dashboard reads)."""
    codes = lambda items: [item.code for item in items]  # noqa: E731
    return {
        "discipline": discipline,
        "language": matrix.language.code if matrix.language else None,
        "dimensions": {
            "age": codes(matrix.ages),
            "trafficking_type": codes(matrix.trafficking_types),
            "citizenship": codes(matrix.citizenships),
            "gender": codes(matrix.genders),
            "language": codes(matrix.languages),
        },
        "agencies": matrix.agencies,
        "rows": [cell for row in matrix.rows for cell in row.cells],
        "gaps": len(matrix.gaps),
        "cells": matrix.cells,
        "language_gaps": len(matrix.language_gaps),
        "languages_without_agency": codes(matrix.languages_without_agency),
    }


class CoverageViewSet(BaseViewSet):
    """The coverage matrix: which active member agencies can serve which population (age x
    trafficking type x citizenship x gender x language), with the gaps no agency covers."""

    pagination_class = None
    filter_backends = []
    serializer_class = CoverageSerializer
    schema = SingleRecordSchema()

    @extend_schema(
        summary="Coverage matrix of victim populations, with the gaps",
        parameters=[CoverageQuerySerializer],
        responses=CoverageSerializer,
    )
    def list(self, request):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        discipline = query.validated_data.get("discipline", "")
        language = query.validated_data.get("language")
        matrix = selectors.coverage_matrix(
            request.user, discipline=discipline, language=language.code if language else ""
        )
        return Response(CoverageSerializer(coverage_payload(matrix, discipline)).data)


def register_community(router) -> None:
    """Training, outreach, trend bulletins and coverage (the agencies and memberships
    resources are registered by the project's URL map)."""
    router.register("trainings", TrainingViewSet, basename="training")
    router.register(
        "training-attendance", TrainingAttendanceViewSet, basename="training-attendance"
    )
    router.register("outreach-events", OutreachEventViewSet, basename="outreach-event")
    router.register("trend-bulletins", TrendBulletinViewSet, basename="trend-bulletin")
    router.register("training-history", TrainingHistoryViewSet, basename="training-history")
    router.register("coverage", CoverageViewSet, basename="coverage")
