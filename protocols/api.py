"""API of the task force's governance: charter, goals and objectives, MOUs, protocols, the
decision log, leadership terms, committees and meetings.

Every member in force reads (a partner system reads as its agency's service account); writes go
through ``protocols.services``, which let coordinators, named owners and, for signatures, an
agency's supervisors act. Unknown ids answer 404; a write by someone else, 403; a step the
record's state does not allow, 409.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agencies.models import Agency, Membership
from protocols import documents, selectors, services
from protocols.documents import serve as _serve
from protocols.models import (
    Charter,
    Committee,
    CommitteeMember,
    Decision,
    DecisionMethod,
    DecisionVote,
    Goal,
    LeadershipTerm,
    Meeting,
    MeetingAttendance,
    Mou,
    MouSignatory,
    MouSignature,
    MouStatus,
    MouVersion,
    Objective,
    ObjectiveStatus,
    ProgressEntry,
    Protocol,
    ProtocolStatus,
    ProtocolTopic,
    ProtocolVersion,
)
from taskforce import uploads
from taskforce.api import BaseViewSet
from taskforce.drf import IdFilter, StableCursorPagination
from taskforce.schema_hooks import SingleRecordSchema

User = get_user_model()


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ActiveAgencyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Agency.objects.filter(active=True)


# --- Base -------------------------------------------------------------------------------------


class GovernanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    """Reads for every member in force; ``coordinator_actions`` are refused (403) up front to
    anyone else, before their input is even looked at. Other writes are checked by services."""

    coordinator_actions: frozenset[str] = frozenset({"create"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in self.coordinator_actions and not selectors.may_coordinate(request.user):
            raise PermissionDenied("Only coordinators do this.")

    def created(self, obj, serializer_class=None):
        return Response((serializer_class or self.get_serializer_class())(obj).data, status=201)


# --- Charter, goals, objectives ----------------------------------------------------------------


class ObjectiveBriefSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "title", "owner", "status", "current_value", "target_value", "percent"]


class GoalSerializer(serializers.ModelSerializer):
    objectives = ObjectiveBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "title", "description", "position", "objectives", "created_at"]
        read_only_fields = ["id", "objectives", "created_at"]


class CharterSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Charter
        fields = ["mission", "purpose", "adopted_on", "updated_at", "goals"]
        read_only_fields = ["updated_at", "goals"]


class CharterViewSet(BaseViewSet):
    """The task force's charter: mission, purpose, and its goals with their objectives.

    ``GET`` reads it (empty until it is written); ``POST`` writes the mission and purpose
    (coordinators).
    """

    serializer_class = CharterSerializer
    pagination_class = None
    schema = SingleRecordSchema()

    def get_queryset(self):
        if not selectors.may_read(self.request.user):
            return Charter.objects.none()
        return Charter.objects.prefetch_related(
            Prefetch("goals", queryset=selectors.charter_goals(self.request.user))
        )

    @extend_schema(summary="The charter", responses=CharterSerializer)
    def list(self, request, *args, **kwargs):
        charter = self.get_queryset().first()
        if charter is None:
            # Not written yet: an empty charter, so the resource always exists for members.
            empty = {"mission": "", "purpose": "", "adopted_on": None, "updated_at": None}
            return Response({**empty, "goals": []})
        return Response(CharterSerializer(charter).data)

    @extend_schema(
        summary="Write the mission and purpose (coordinators)", responses={200: CharterSerializer}
    )
    def create(self, request, *args, **kwargs):
        if not selectors.may_coordinate(request.user):
            raise PermissionDenied("Only coordinators write the charter.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_charter(by=request.user, **serializer.validated_data)
        return Response(CharterSerializer(self.get_queryset().first()).data)


class PositionPagination(StableCursorPagination):
    ordering = ("position", "id")


class GoalViewSet(GovernanceViewSet):
    serializer_class = GoalSerializer
    pagination_class = PositionPagination
    coordinator_actions = frozenset({"create", "update", "partial_update"})

    def get_queryset(self):
        return selectors.charter_goals(self.request.user).order_by("position", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = services.add_goal(by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=goal.pk))

    def update(self, request, *args, **kwargs):
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        services.update_goal(goal=goal, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=goal.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class ProgressSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    recorded_on = serializers.DateField(required=False)

    class Meta:
        model = ProgressEntry
        fields = ["id", "recorded_on", "value", "note", "recorded_by", "created_at"]
        read_only_fields = ["id", "recorded_by", "created_at"]


class ObjectiveSerializer(serializers.ModelSerializer):
    owner = UsernameField()
    goal = serializers.PrimaryKeyRelatedField(queryset=Goal.objects.all())
    status = serializers.ChoiceField(choices=ObjectiveStatus.choices, required=False)
    progress = ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = [
            "id",
            "goal",
            "title",
            "owner",
            "measure",
            "baseline_value",
            "target_value",
            "target_date",
            "status",
            "current_value",
            "percent",
            "progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "current_value", "percent", "progress", "created_at"]


class ObjectiveFilter(django_filters.FilterSet):
    goal = IdFilter(field_name="goal_id")
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices)
    owner = django_filters.CharFilter(field_name="owner__username")

    class Meta:
        model = Objective
        fields = ["goal", "status", "owner"]


class ObjectiveViewSet(GovernanceViewSet):
    """Objectives of the charter's goals. Coordinators set them; owners report progress."""

    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    search_fields = ["title", "measure"]

    def get_serializer_class(self):
        return ProgressSerializer if self.action == "progress" else ObjectiveSerializer

    def get_queryset(self):
        return selectors.objectives(self.request.user).prefetch_related(
            Prefetch("progress", queryset=ProgressEntry.objects.select_related("recorded_by"))
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objective = services.add_objective(by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=objective.pk))

    def update(self, request, *args, **kwargs):
        objective = self.get_object()
        if not selectors.may_report_on(request.user, objective):
            raise PermissionDenied("Only its owner or a coordinator changes an objective.")
        serializer = self.get_serializer(
            objective, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.update_objective(objective=objective, by=request.user, **serializer.validated_data)
        return Response(ObjectiveSerializer(self.get_queryset().get(pk=objective.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=ProgressSerializer, responses={201: ObjectiveSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Record a measurement (the objective's owner or a coordinator)."""
        objective = self.get_object()
        if not selectors.may_report_on(request.user, objective):
            raise PermissionDenied("Only its owner or a coordinator reports progress.")
        serializer = ProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_progress(objective=objective, by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=objective.pk), ObjectiveSerializer)


# --- MOUs --------------------------------------------------------------------------------------


class SignatorySerializer(serializers.ModelSerializer):
    agency = ActiveAgencyField()
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = MouSignatory
        fields = ["agency", "agency_name", "roles", "responsibilities", "resources", "fiscal"]


class SignatureSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="signatory.agency_id", read_only=True)
    signer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = MouSignature
        fields = ["agency", "signer", "signer_title", "signed_on"]


class MouVersionSerializer(serializers.ModelSerializer):
    signatures = SignatureSerializer(many=True, read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = MouVersion
        fields = [
            "number",
            "effective_date",
            "end_date",
            "has_document",
            "document_name",
            "document_type",
            "document_size",
            "executed_on",
            "signatures",
            "created_at",
        ]

    def get_has_document(self, version) -> bool:
        return bool(version.document)


class MouSerializer(serializers.ModelSerializer):
    signatories = SignatorySerializer(many=True, required=False)
    versions = MouVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Mou
        fields = [
            "id",
            "title",
            "purpose",
            "approving_body",
            "effective_date",
            "end_date",
            "status",
            "version",
            "executed_on",
            "terminated_on",
            "termination_reason",
            "signatories",
            "versions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "version",
            "executed_on",
            "terminated_on",
            "termination_reason",
            "versions",
            "created_at",
            "updated_at",
        ]


class SignSerializer(serializers.Serializer):
    agency = ActiveAgencyField(help_text="The signatory agency signed for.")
    signer_title = serializers.CharField(max_length=120)
    signed_on = serializers.DateField(required=False)


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RenewSerializer(serializers.Serializer):
    effective_date = serializers.DateField()
    end_date = serializers.DateField()


class DocumentUploadSerializer(serializers.Serializer):
    document = serializers.FileField(
        help_text="PDF or DOCX, checked on its content.", validators=[uploads.validate_document]
    )


class MouFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MouStatus.choices)
    agency = IdFilter(field_name="signatories__agency_id", distinct=True)

    class Meta:
        model = Mou
        fields = ["status", "agency"]


VERSION_PARAMETER = OpenApiParameter(
    "version", int, description="Version number (the current one by default)."
)
BINARY = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, documents.DOCX): OpenApiTypes.BINARY,
}


class MouViewSet(GovernanceViewSet):
    """MOUs between member agencies: drafted, circulated, signed by every signatory agency
    (which executes them), renewed as a new version, or terminated."""

    serializer_class = MouSerializer
    filterset_class = MouFilter
    search_fields = ["title", "purpose"]
    coordinator_actions = frozenset(
        {"create", "update", "partial_update", "circulate", "terminate", "renew", "upload"}
    )

    def get_serializer_class(self):
        return {
            "sign": SignSerializer,
            "terminate": TerminateSerializer,
            "renew": RenewSerializer,
            "upload": DocumentUploadSerializer,
        }.get(self.action, MouSerializer)

    def get_queryset(self):
        return selectors.mou_with_parts(Mou.objects.all() if selectors.may_read(
            self.request.user) else Mou.objects.none())  # fmt: skip

    def _read(self, mou):
        return MouSerializer(self.get_queryset().get(pk=mou.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mou = services.create_mou(by=request.user, **serializer.validated_data)
        return Response(self._read(mou), status=201)

    def update(self, request, *args, **kwargs):
        mou = self.get_object()
        serializer = self.get_serializer(mou, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        services.update_mou(mou=mou, by=request.user, **serializer.validated_data)
        return Response(self._read(mou))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=MouSerializer)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        """Send a draft out for signature (at least two signatories, both dates set)."""
        mou = self.get_object()
        services.circulate_mou(mou=mou, by=request.user)
        return Response(self._read(mou))

    @extend_schema(request=SignSerializer, responses=MouSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign for a signatory agency (its supervisors or coordinators); the last signature
        executes the MOU."""
        mou = self.get_object()
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sign_mou(mou=mou, by=request.user, **serializer.validated_data)
        return Response(self._read(mou))

    @extend_schema(request=TerminateSerializer, responses=MouSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        mou = self.get_object()
        serializer = TerminateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.terminate_mou(mou=mou, by=request.user, **serializer.validated_data)
        return Response(self._read(mou))

    @extend_schema(request=RenewSerializer, responses=MouSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Start the next version of an executed or expired MOU, as a draft."""
        mou = self.get_object()
        serializer = RenewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.renew_mou(mou=mou, by=request.user, **serializer.validated_data)
        return Response(self._read(mou))

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer}, responses=MouSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request, pk=None):
        """Attach the document of the draft version (PDF or DOCX, size-limited)."""
        mou = self.get_object()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.upload_mou_document(
            mou=mou, by=request.user, upload=serializer.validated_data["document"]
        )
        return Response(self._read(mou))

    @extend_schema(parameters=[VERSION_PARAMETER], responses=BINARY)
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The document of a version (members only; never a public URL)."""
        mou = self.get_object()
        number = request.query_params.get("version") or str(mou.version)
        if not number.isdigit() or len(number) > 9:
            raise Http404
        version = MouVersion.objects.filter(mou=mou, number=int(number)).first()
        if version is None:
            raise Http404
        return _serve(version)


# --- Protocols ---------------------------------------------------------------------------------


class ProtocolVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = ProtocolVersion
        fields = [
            "id",
            "protocol",
            "number",
            "text",
            "changes",
            "has_document",
            "document_name",
            "document_type",
            "document_size",
            "adopted_on",
            "created_by",
            "created_at",
        ]

    def get_has_document(self, version) -> bool:
        return bool(version.document)


class NewProtocolVersionSerializer(serializers.Serializer):
    text = serializers.CharField()
    changes = serializers.CharField(max_length=500, required=False, allow_blank=True)
    document = serializers.FileField(
        required=False, help_text="PDF or DOCX, optional.", validators=[uploads.validate_document]
    )


class ProtocolSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(
        slug_field="code", queryset=ProtocolTopic.objects.filter(active=True)
    )
    owner = UsernameField()
    adopted_version_number = serializers.IntegerField(
        source="adopted_version.number", read_only=True, allow_null=True
    )
    text = serializers.CharField(write_only=True, help_text="The first version's text.")

    class Meta:
        model = Protocol
        fields = [
            "id",
            "title",
            "topic",
            "owner",
            "review_date",
            "status",
            "adopted_version",
            "adopted_version_number",
            "text",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "adopted_version", "created_at", "updated_at"]


class ProtocolUpdateSerializer(ProtocolSerializer):
    class Meta(ProtocolSerializer.Meta):
        fields = [f for f in ProtocolSerializer.Meta.fields if f != "text"]


class ProtocolFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(field_name="topic__code")
    status = django_filters.ChoiceFilter(choices=ProtocolStatus.choices)
    owner = django_filters.CharFilter(field_name="owner__username")

    class Meta:
        model = Protocol
        fields = ["topic", "status", "owner"]


class ProtocolViewSet(GovernanceViewSet):
    """Protocols: versioned procedures with an owner and a review date. A version is adopted
    only by recording a decision (``decisions``), never here."""

    filterset_class = ProtocolFilter
    search_fields = ["title"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ProtocolUpdateSerializer
        if self.action == "versions":
            return NewProtocolVersionSerializer
        return ProtocolSerializer

    def get_queryset(self):
        return selectors.protocols(self.request.user)

    def _check_owner(self, protocol):
        if not selectors.may_change_protocol(self.request.user, protocol):
            raise PermissionDenied("Only its owner or a coordinator changes a protocol.")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        protocol = services.create_protocol(by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=protocol.pk), ProtocolUpdateSerializer)

    def update(self, request, *args, **kwargs):
        protocol = self.get_object()
        self._check_owner(protocol)
        serializer = self.get_serializer(
            protocol, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.update_protocol(protocol=protocol, by=request.user, **serializer.validated_data)
        return Response(ProtocolUpdateSerializer(self.get_queryset().get(pk=protocol.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        request={
            "application/json": NewProtocolVersionSerializer,
            "multipart/form-data": NewProtocolVersionSerializer,
        },
        responses={201: ProtocolVersionSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def versions(self, request, pk=None):
        """Propose a new version (its owner or a coordinator); a decision adopts it."""
        protocol = self.get_object()
        self._check_owner(protocol)
        serializer = NewProtocolVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.add_protocol_version(
            protocol=protocol,
            by=request.user,
            text=data["text"],
            changes=data.get("changes", ""),
            upload=data.get("document"),
        )
        return self.created(version, ProtocolVersionSerializer)

    @extend_schema(request=None, responses=ProtocolUpdateSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        protocol = self.get_object()
        self._check_owner(protocol)
        services.retire_protocol(protocol=protocol, by=request.user)
        return Response(ProtocolUpdateSerializer(self.get_queryset().get(pk=protocol.pk)).data)


class ProtocolVersionFilter(django_filters.FilterSet):
    protocol = IdFilter(field_name="protocol_id")

    class Meta:
        model = ProtocolVersion
        fields = ["protocol"]


class ProtocolVersionViewSet(GovernanceViewSet):
    """Every version of every protocol (read only: new versions are proposed on the protocol)."""

    serializer_class = ProtocolVersionSerializer
    filterset_class = ProtocolVersionFilter
    coordinator_actions = frozenset()

    def get_queryset(self):
        return selectors.protocol_versions(self.request.user)

    @extend_schema(responses=BINARY)
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The version's document (members only; never a public URL)."""
        return _serve(self.get_object())


# --- Decisions ---------------------------------------------------------------------------------


class VoteSerializer(serializers.ModelSerializer):
    agency = ActiveAgencyField()

    class Meta:
        model = DecisionVote
        fields = ["agency", "vote"]


class DecisionSerializer(serializers.ModelSerializer):
    votes = VoteSerializer(many=True, required=False)
    method = serializers.ChoiceField(choices=DecisionMethod.choices)
    adopted_protocol_version = serializers.PrimaryKeyRelatedField(
        queryset=ProtocolVersion.objects.all(), required=False, allow_null=True
    )
    adopted_mou = serializers.PrimaryKeyRelatedField(
        queryset=Mou.objects.all(), required=False, allow_null=True
    )
    membership_change = serializers.PrimaryKeyRelatedField(
        queryset=Membership.objects.all(), required=False, allow_null=True
    )
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Decision.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The earlier decision this one replaces.",
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "question",
            "method",
            "outcome",
            "decided_on",
            "votes",
            "adopted_protocol_version",
            "adopted_mou",
            "membership_change",
            "supersedes",
            "superseded_by",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "superseded_by", "recorded_by", "created_at"]


class DecisionFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=DecisionMethod.choices)
    current = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull")

    class Meta:
        model = Decision
        fields = ["method", "current"]


class DecisionLogPagination(StableCursorPagination):
    ordering = ("-decided_on", "-id")


@extend_schema_view(
    update=extend_schema(summary="Refused: a recorded decision is never changed (409)"),
    partial_update=extend_schema(summary="Refused: a recorded decision is never changed (409)"),
)
class DecisionViewSet(GovernanceViewSet):
    """The decision log. A decision is recorded once and never changed; a new decision that
    ``supersedes`` it replaces it. Recording one may adopt a protocol version."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    pagination_class = DecisionLogPagination
    search_fields = ["question", "outcome"]
    coordinator_actions = frozenset({"create", "update", "partial_update"})

    def get_queryset(self):
        return selectors.decisions(self.request.user).order_by("-decided_on", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        votes = [(v["agency"], v["vote"]) for v in data.pop("votes", [])]
        decision = services.record_decision(by=request.user, votes=votes, **data)
        return self.created(self.get_queryset().get(pk=decision.pk))

    def update(self, request, *args, **kwargs):
        services.change_decision(decision=self.get_object(), by=request.user)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


# --- Leadership, committees, meetings ----------------------------------------------------------


class LeadershipTermSerializer(serializers.ModelSerializer):
    user = UsernameField(required=False, allow_null=True)
    agency = ActiveAgencyField(required=False, allow_null=True)
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = LeadershipTerm
        fields = [
            "id",
            "role",
            "user",
            "agency",
            "committee",
            "trafficking_type",
            "minor",
            "foreign_national",
            "starts",
            "ends",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class EndTermSerializer(serializers.Serializer):
    ends = serializers.DateField(required=False)


class LeadershipTermFilter(django_filters.FilterSet):
    role = django_filters.CharFilter()
    trafficking_type = django_filters.CharFilter()

    class Meta:
        model = LeadershipTerm
        fields = ["role", "trafficking_type", "minor", "foreign_national"]


class LeadershipTermViewSet(GovernanceViewSet):
    """Terms of leadership roles: chair, coordinator, typology leads (agencies), committee
    chairs, media contact, executive board. Ended, never deleted."""

    serializer_class = LeadershipTermSerializer
    filterset_class = LeadershipTermFilter
    coordinator_actions = frozenset({"create", "end"})

    def get_serializer_class(self):
        return EndTermSerializer if self.action == "end" else LeadershipTermSerializer

    def get_queryset(self):
        return selectors.leadership_terms(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        term = services.start_term(by=request.user, **data)
        return self.created(term, LeadershipTermSerializer)

    @extend_schema(request=EndTermSerializer, responses=LeadershipTermSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        term = self.get_object()
        serializer = EndTermSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = services.end_term(term=term, by=request.user, **serializer.validated_data)
        return Response(LeadershipTermSerializer(term).data)


class CommitteeMemberSerializer(serializers.ModelSerializer):
    user = UsernameField()
    agency = ActiveAgencyField(required=False, allow_null=True)
    starts = serializers.DateField(required=False)

    class Meta:
        model = CommitteeMember
        fields = ["id", "user", "agency", "voting", "starts", "ends"]
        read_only_fields = ["id", "ends"]


class CommitteeSerializer(serializers.ModelSerializer):
    members = CommitteeMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "name", "purpose", "active", "members", "created_at"]
        read_only_fields = ["id", "members", "created_at"]


class NamePagination(StableCursorPagination):
    ordering = ("name", "id")


class CommitteeViewSet(GovernanceViewSet):
    serializer_class = CommitteeSerializer
    pagination_class = NamePagination
    search_fields = ["name"]
    coordinator_actions = frozenset({"create", "update", "partial_update", "members"})

    def get_serializer_class(self):
        return CommitteeMemberSerializer if self.action == "members" else CommitteeSerializer

    def get_queryset(self):
        return selectors.committee_with_members(selectors.committees(self.request.user))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        committee = services.create_committee(by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=committee.pk))

    def update(self, request, *args, **kwargs):
        committee = self.get_object()
        serializer = self.get_serializer(
            committee, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.update_committee(committee=committee, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=committee.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=CommitteeMemberSerializer, responses={201: CommitteeSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add a member of the task force to the committee."""
        committee = self.get_object()
        serializer = CommitteeMemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_committee_member(
            committee=committee, by=request.user, **serializer.validated_data
        )
        return self.created(self.get_queryset().get(pk=committee.pk), CommitteeSerializer)


class AttendanceSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = MeetingAttendance
        fields = ["user", "agency"]


class MeetingSerializer(serializers.ModelSerializer):
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )
    attendance = AttendanceSerializer(many=True, read_only=True)
    minutes_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "title",
            "held_at",
            "location",
            "agenda",
            "minutes",
            "minutes_by",
            "attendance",
            "created_at",
        ]
        read_only_fields = ["id", "minutes", "minutes_by", "attendance", "created_at"]


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField()
    agenda = serializers.CharField(required=False, allow_blank=True)
    attendees = serializers.ListField(child=UsernameField(), required=False)


class MeetingFilter(django_filters.FilterSet):
    committee = IdFilter(field_name="committee_id")

    class Meta:
        model = Meeting
        fields = ["committee"]


class MeetingPagination(StableCursorPagination):
    ordering = ("-held_at", "-id")


class MeetingViewSet(GovernanceViewSet):
    """Meetings of the task force or of a committee: agenda, minutes and attendance."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    pagination_class = MeetingPagination
    search_fields = ["title", "agenda"]
    coordinator_actions = frozenset({"create", "minutes"})

    def get_serializer_class(self):
        return MinutesSerializer if self.action == "minutes" else MeetingSerializer

    def get_queryset(self):
        return Meeting.objects.none() if not selectors.may_read(self.request.user) else (
            Meeting.objects.select_related("minutes_by").prefetch_related(
                Prefetch("attendance", queryset=MeetingAttendance.objects.select_related("user"))
            ).order_by("-held_at", "-id")
        )  # fmt: skip

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.schedule_meeting(by=request.user, **serializer.validated_data)
        return self.created(self.get_queryset().get(pk=meeting.pk), MeetingSerializer)

    @extend_schema(request=MinutesSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        """Keep the minutes and attendance of a meeting that has taken place."""
        meeting = self.get_object()
        serializer = MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_minutes(meeting=meeting, by=request.user, **serializer.validated_data)
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data)


def register(router) -> None:
    router.register("charter", CharterViewSet, basename="charter")
    router.register("goals", GoalViewSet, basename="goal")
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("mous", MouViewSet, basename="mou")
    router.register("protocols", ProtocolViewSet, basename="protocol")
    router.register("protocol-versions", ProtocolVersionViewSet, basename="protocol-version")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("leadership-terms", LeadershipTermViewSet, basename="leadership-term")
    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("meetings", MeetingViewSet, basename="meeting")
