"""API for investigations and prosecutions. Reads through selectors, writes through services."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from agencies.models import Agency, Language, Membership
from agencies.roles import Compartment, Discipline, JurisdictionLevel, roles_that_may
from cases import services
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Charge,
    CourtEvent,
    CourtEventType,
    DeconflictionHit,
    DeconflictionSystem,
    Disposition,
    Gender,
    Identifier,
    IdentifierKind,
    NibrsOffense,
    NoteType,
    Operation,
    OperationStatus,
    OperationType,
    Origin,
    PreOperationNotice,
    Prosecution,
    ProsecutionReferral,
    ProsecutorNote,
    RecruitmentMethod,
    Statute,
    Subject,
    SubjectRole,
    TraffickingType,
    UcrClearance,
    Venue,
)
from taskforce.api import CompartmentViewSet, VisibleRelatedField
from taskforce.drf import IdFilter

User = get_user_model()


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(
            slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
        )


def _created(viewset, obj, serializer_class, status=201):
    viewset.ensure_within_reach(obj)
    return Response(
        serializer_class(obj, context=viewset.get_serializer_context()).data, status=status
    )


class ProsecutionReferralSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    referred_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    prosecution = serializers.SerializerMethodField()

    class Meta:
        model = ProsecutionReferral
        fields = [
            "id",
            "case",
            "case_number",
            "office",
            "status",
            "message",
            "referred_by",
            "decided_at",
            "decline_reason",
            "prosecution",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_prosecution(self, referral) -> int | None:
        return getattr(getattr(referral, "prosecution", None), "pk", None)


class ProsecutionSerializer(serializers.ModelSerializer):
    lead_prosecutor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    office = serializers.PrimaryKeyRelatedField(source="owner_agency", read_only=True)

    class Meta:
        model = Prosecution
        fields = [
            "id",
            "case",
            "case_number",
            "office",
            "jurisdiction_level",
            "court_case_number",
            "lead_prosecutor",
            "status",
            "opened_on",
            "created_at",
        ]
        read_only_fields = fields


# --- cases ------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    venue = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recruitment_method = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_investigators = serializers.SerializerMethodField()
    participating_agencies = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "summary",
            "status",
            "origin",
            "trafficking_type",
            "trafficking_subtype",
            "confirmation_status",
            "venue",
            "recruitment_method",
            "jurisdiction_level",
            "jurisdiction",
            "opened_on",
            "closed_on",
            "closing_reason",
            "ucr_clearance",
            "owner_agency",
            "assigned_investigators",
            "participating_agencies",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # Lists prefetch these into plain lists (see CaseViewSet.queryset): building a related
    # manager per case costs more than the SQL at page size 100.
    def get_assigned_investigators(self, case) -> list[str]:
        people = getattr(case, "investigator_list", None)
        if people is None:
            people = case.assigned_investigators.only("id", "username")
        return [person.username for person in people]

    def get_participating_agencies(self, case) -> list[int]:
        agencies = getattr(case, "participating_list", None)
        if agencies is None:
            return list(case.participating_agencies.values_list("pk", flat=True))
        return [agency.pk for agency in agencies]


class CaseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)
    origin = serializers.ChoiceField(choices=Origin.choices)
    trafficking_type = serializers.ChoiceField(choices=TraffickingType.choices)
    trafficking_subtype = serializers.ChoiceField(
        choices=Case._meta.get_field("trafficking_subtype").choices,
        required=False,
        allow_blank=True,
    )
    confirmation_status = serializers.ChoiceField(
        choices=Case._meta.get_field("confirmation_status").choices, required=False
    )
    venue = serializers.SlugRelatedField(
        slug_field="code", queryset=Venue.objects.all(), required=False, allow_null=True
    )
    recruitment_method = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RecruitmentMethod.objects.all(),
        required=False,
        allow_null=True,
    )
    jurisdiction_level = serializers.ChoiceField(choices=JurisdictionLevel.choices)
    jurisdiction = serializers.CharField(max_length=120, required=False, allow_blank=True)
    ucr_clearance = serializers.ChoiceField(choices=UcrClearance.choices, required=False)
    assigned_investigators = UsernameField(many=True, required=False)


class CaseCreateSerializer(CaseWriteSerializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(discipline=Discipline.LAW_ENFORCEMENT),
        required=False,
        help_text="The lead agency; defaults to your law-enforcement agency.",
    )
    opened_on = serializers.DateField(required=False)


class CaseCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    ucr_clearance = serializers.ChoiceField(choices=UcrClearance.choices, required=False)
    closed_on = serializers.DateField(required=False)


class CaseShareSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(active=True))
    access = serializers.ChoiceField(
        choices=[("view", "View"), ("change", "Change")], default="view"
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CaseUnshareSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CaseReferSerializer(serializers.Serializer):
    office = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(discipline=Discipline.PROSECUTION, active=True)
    )
    message = serializers.CharField(required=False, allow_blank=True)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    trafficking_type = django_filters.ChoiceFilter(choices=TraffickingType.choices)
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    agency = IdFilter(field_name="owner_agency_id")
    assigned_to_me = django_filters.BooleanFilter(method="filter_assigned")

    class Meta:
        model = Case
        fields = ["status", "trafficking_type", "origin", "agency", "assigned_to_me"]

    def filter_assigned(self, queryset, name, value):
        if not value:
            return queryset
        through = Case.assigned_investigators.through
        return queryset.filter(
            pk__in=through.objects.filter(user_id=self.request.user.pk).values("case_id")
        )


def _fresh(case: Case) -> Case:
    """Forget the lists prefetched before a write changed them."""
    for attr in ("investigator_list", "participating_list"):
        case.__dict__.pop(attr, None)
    return case


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet):
    """Investigations (compartment investigative; owner: the lead law-enforcement agency)."""

    queryset = Case.objects.select_related("venue", "recruitment_method").prefetch_related(
        Prefetch(
            "assigned_investigators",
            queryset=User.objects.only("id", "username"),
            to_attr="investigator_list",
        ),
        Prefetch(
            "participating_agencies",
            queryset=Agency.objects.only("id"),
            to_attr="participating_list",
        ),
    )
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    search_fields = ["number", "title"]

    def get_serializer_class(self):
        return {
            "create": CaseCreateSerializer,
            "partial_update": CaseWriteSerializer,
            "close": CaseCloseSerializer,
            "share": CaseShareSerializer,
            "unshare": CaseUnshareSerializer,
            "refer": CaseReferSerializer,
        }.get(self.action, CaseSerializer)

    def _input(self, partial=False):
        serializer = self.get_serializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = self._input()
        agency = data.pop("agency", None)
        leads = list(
            Membership.objects.active()
            .filter(
                user=request.user,
                agency__discipline=Discipline.LAW_ENFORCEMENT,
                role__in=roles_that_may(Compartment.INVESTIGATIVE, "change"),
            )
            .select_related("agency")
        )
        if not leads:
            raise PermissionDenied("Only law-enforcement investigators and supervisors open cases.")
        if agency is None:
            if len(leads) > 1:
                raise ValidationError({"agency": "Choose the lead agency."})
            agency = leads[0].agency
        case = services.open_case(by=request.user, agency=agency, **data)
        return _created(self, case, CaseSerializer)

    @extend_schema(request=CaseWriteSerializer, responses=CaseSerializer)
    def partial_update(self, request, pk=None):
        case = self.get_object()
        case = services.update_case(case=case, by=request.user, **self._input(partial=True))
        return Response(CaseSerializer(_fresh(case)).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Open → active."""
        return Response(
            CaseSerializer(services.activate_case(case=self.get_object(), by=request.user)).data
        )

    @extend_schema(request=CaseCloseSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the case (a reason is required)."""
        case = services.close_case(case=self.get_object(), by=request.user, **self._input())
        return Response(CaseSerializer(_fresh(case)).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Closed → active."""
        return Response(
            CaseSerializer(services.reopen_case(case=self.get_object(), by=request.user)).data
        )

    @extend_schema(request=CaseShareSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """Share the case file with a co-investigating law-enforcement agency."""
        case = self.get_object()
        data = self._input()
        services.share_case(
            case=case,
            agency=data["agency"],
            access_level=data["access"],
            by=request.user,
            reason=data.get("reason", ""),
        )
        return Response(CaseSerializer(_fresh(case)).data)

    @extend_schema(request=CaseUnshareSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def unshare(self, request, pk=None):
        case = self.get_object()
        data = self._input()
        services.unshare_case(
            case=case, agency=data["agency"], by=request.user, reason=data.get("reason", "")
        )
        return Response(CaseSerializer(_fresh(case)).data)

    @extend_schema(request=CaseReferSerializer, responses={201: ProsecutionReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        """Refer the case for prosecution to a prosecutor office."""
        data = self._input()
        referral = services.refer_for_prosecution(
            case=self.get_object(),
            by=request.user,
            office=data["office"],
            message=data.get("message", ""),
        )
        return Response(ProsecutionReferralSerializer(referral).data, status=201)


# --- subjects and identifiers -----------------------------------------------------------------


class SubjectSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(Case)
    aliases = serializers.ListField(child=serializers.CharField(max_length=120), required=False)

    class Meta:
        model = Subject
        fields = [
            "id",
            "case",
            "role",
            "first_name",
            "last_name",
            "aliases",
            "date_of_birth",
            "gender",
            "country_of_origin",
            "arrest_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class SubjectUpdateSerializer(SubjectSerializer):
    # Declared fields ignore read_only_fields: a subject never moves to another case.
    case = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(SubjectSerializer.Meta):
        read_only_fields = [*SubjectSerializer.Meta.read_only_fields, "case"]


class SubjectFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    role = django_filters.ChoiceFilter(choices=SubjectRole.choices)

    class Meta:
        model = Subject
        fields = ["case", "role"]


class SubjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Suspects and offenders on a case."""

    queryset = Subject.objects.all()
    serializer_class = SubjectSerializer
    filterset_class = SubjectFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return SubjectUpdateSerializer
        return SubjectSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.add_subject(by=self.request.user, **data)
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_subject(
            subject=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class IdentifierSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(Case)
    subject = VisibleRelatedField(Subject, required=False, allow_null=True)
    kind = serializers.ChoiceField(
        choices=[c for c in IdentifierKind.choices if c[0] != IdentifierKind.PERSON]
    )

    class Meta:
        model = Identifier
        fields = ["id", "case", "subject", "kind", "value", "normalized", "created_at"]
        read_only_fields = ["id", "normalized", "created_at"]


class IdentifierFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    kind = django_filters.ChoiceFilter(choices=IdentifierKind.choices)

    class Meta:
        model = Identifier
        fields = ["case", "kind"]


class IdentifierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """Target identifiers (phone, email, address, business, handle, vehicle), deconflicted."""

    queryset = Identifier.objects.filter(retired=False)
    serializer_class = IdentifierSerializer
    filterset_class = IdentifierFilter

    def perform_create(self, serializer):
        serializer.instance = services.add_identifier(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)


# --- notes and operations ---------------------------------------------------------------------


class CaseNoteSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(Case)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "case",
            "author",
            "note_type",
            "body",
            "for_prosecution",
            "corrects",
            "editable_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "author",
            "corrects",
            "editable_until",
            "created_at",
            "updated_at",
        ]


class CaseNoteEditSerializer(serializers.Serializer):
    note_type = serializers.ChoiceField(choices=NoteType.choices, required=False)
    body = serializers.CharField(required=False)


class CorrectionSerializer(serializers.Serializer):
    body = serializers.CharField()


class ForProsecutionSerializer(serializers.Serializer):
    for_prosecution = serializers.BooleanField(default=True)


class CaseNoteFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    note_type = django_filters.ChoiceFilter(choices=NoteType.choices)
    for_prosecution = django_filters.BooleanFilter()

    class Meta:
        model = CaseNote
        fields = ["case", "note_type", "for_prosecution"]


class CaseNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """Investigative notes: the author edits within a short window, then adds corrections."""

    queryset = CaseNote.objects.select_related("author")
    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilter

    def get_serializer_class(self):
        return {
            "partial_update": CaseNoteEditSerializer,
            "correct": CorrectionSerializer,
            "mark_for_prosecution": ForProsecutionSerializer,
        }.get(self.action, CaseNoteSerializer)

    def perform_create(self, serializer):
        serializer.instance = services.add_note(by=self.request.user, **serializer.validated_data)
        self.ensure_within_reach(serializer.instance)

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=CaseNoteEditSerializer, responses=CaseNoteSerializer)
    def partial_update(self, request, pk=None):
        note = services.edit_note(note=self.get_object(), by=request.user, **self._input())
        return Response(CaseNoteSerializer(note, context=self.get_serializer_context()).data)

    @extend_schema(request=CorrectionSerializer, responses={201: CaseNoteSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Append a correction (the original note stays as it was)."""
        note = services.correct_note(
            note=self.get_object(), by=request.user, body=self._input()["body"]
        )
        return Response(
            CaseNoteSerializer(note, context=self.get_serializer_context()).data, status=201
        )

    @extend_schema(request=ForProsecutionSerializer, responses=CaseNoteSerializer)
    @action(detail=True, methods=["post"], url_path="mark-for-prosecution")
    def mark_for_prosecution(self, request, pk=None):
        note = services.mark_note_for_prosecution(
            note=self.get_object(), by=request.user, **self._input()
        )
        return Response(CaseNoteSerializer(note, context=self.get_serializer_context()).data)


class OperationSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(Case)
    operation_type = serializers.ChoiceField(choices=OperationType.choices)
    status = serializers.ChoiceField(choices=OperationStatus.choices, required=False)
    deconfliction_system = serializers.ChoiceField(
        choices=DeconflictionSystem.choices, required=False, allow_blank=True
    )

    class Meta:
        model = Operation
        fields = [
            "id",
            "case",
            "operation_type",
            "status",
            "starts_at",
            "ends_at",
            "location",
            "deconfliction_system",
            "deconfliction_event_number",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class OperationUpdateSerializer(OperationSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(OperationSerializer.Meta):
        read_only_fields = [*OperationSerializer.Meta.read_only_fields, "case"]


class PreOperationNoticeSerializer(serializers.ModelSerializer):
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(discipline=Discipline.VICTIM_SERVICES, active=True)
    )
    genders = serializers.ListField(
        child=serializers.ChoiceField(choices=Gender.choices), required=False
    )
    languages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Language.objects.all(), required=False
    )
    sending_agency = serializers.PrimaryKeyRelatedField(source="owner_agency", read_only=True)

    class Meta:
        model = PreOperationNotice
        # Only what the protocol lets a provider know: no case, no operation, no location.
        fields = [
            "id",
            "sending_agency",
            "provider",
            "window_starts",
            "window_ends",
            "expected_victims",
            "genders",
            "languages",
            "minors_expected",
            "created_at",
        ]
        read_only_fields = ["id", "sending_agency", "created_at"]


class OperationFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    status = django_filters.ChoiceFilter(choices=OperationStatus.choices)

    class Meta:
        model = Operation
        fields = ["case", "status"]


class OperationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Planned law-enforcement operations on a case."""

    queryset = Operation.objects.all()
    serializer_class = OperationSerializer
    filterset_class = OperationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {
            "partial_update": OperationUpdateSerializer,
            "notify_provider": PreOperationNoticeSerializer,
        }.get(self.action, OperationSerializer)

    def perform_create(self, serializer):
        serializer.instance = services.plan_operation(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_operation(
            operation=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=PreOperationNoticeSerializer, responses={201: PreOperationNoticeSerializer}
    )
    @action(detail=True, methods=["post"], url_path="notify-provider")
    def notify_provider(self, request, pk=None):
        """Send the pre-operation notice to a service provider (protocol items only)."""
        operation = self.get_object()
        serializer = PreOperationNoticeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        notice = services.send_pre_operation_notice(
            operation=operation, by=request.user, **serializer.validated_data
        )
        return Response(PreOperationNoticeSerializer(notice).data, status=201)


class PreOperationNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet
):
    """Pre-operation notices, as sent and as received by the service provider."""

    queryset = PreOperationNotice.objects.select_related("provider").prefetch_related("languages")
    serializer_class = PreOperationNoticeSerializer


# --- deconfliction ----------------------------------------------------------------------------


class OtherAgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "public_contact_name",
            "public_contact_email",
            "public_contact_phone",
            "phone",
        ]
        read_only_fields = fields


class DeconflictionHitSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    identifier_value = serializers.CharField(source="identifier.value", read_only=True)
    other_agency = OtherAgencySerializer(read_only=True)

    class Meta:
        model = DeconflictionHit
        # Our side of the match and the other agency's contact: never the other case.
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "identifier",
            "identifier_value",
            "other_agency",
            "acknowledged_at",
            "created_at",
        ]
        read_only_fields = fields


class DeconflictionHitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet):
    """Matches between our identifiers and another agency's (supervisors and assigned only)."""

    queryset = DeconflictionHit.objects.select_related("case", "identifier", "other_agency")
    serializer_class = DeconflictionHitSerializer
    decision_actions = frozenset({"acknowledge"})

    @extend_schema(request=None, responses=DeconflictionHitSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        hit = services.acknowledge_hit(hit=self.get_object(), by=request.user)
        return Response(DeconflictionHitSerializer(hit).data)


# --- prosecution ------------------------------------------------------------------------------


class AcceptReferralSerializer(serializers.Serializer):
    jurisdiction_level = serializers.ChoiceField(choices=JurisdictionLevel.choices, required=False)
    court_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    lead_prosecutor = UsernameField(required=False)


class DeclineReferralSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ProsecutionReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet
):
    """Referrals of cases for prosecution: the office accepts or declines; the lead withdraws."""

    queryset = ProsecutionReferral.objects.select_related("case", "referred_by", "prosecution")
    serializer_class = ProsecutionReferralSerializer
    decision_actions = frozenset({"accept", "decline"})

    def get_serializer_class(self):
        return {"accept": AcceptReferralSerializer, "decline": DeclineReferralSerializer}.get(
            self.action, ProsecutionReferralSerializer
        )

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=AcceptReferralSerializer, responses={201: ProsecutionSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        prosecution = services.accept_prosecution_referral(
            referral=self.get_object(), by=request.user, **self._input()
        )
        return Response(ProsecutionSerializer(prosecution).data, status=201)

    @extend_schema(request=DeclineReferralSerializer, responses=ProsecutionReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        referral = services.decline_prosecution_referral(
            referral=self.get_object(), by=request.user, reason=self._input()["reason"]
        )
        return Response(ProsecutionReferralSerializer(referral).data)

    @extend_schema(request=None, responses=ProsecutionReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        referral = services.withdraw_prosecution_referral(
            referral=self.get_object(), by=request.user
        )
        return Response(ProsecutionReferralSerializer(referral).data)


class ProsecutionFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    status = django_filters.ChoiceFilter(choices=Prosecution._meta.get_field("status").choices)

    class Meta:
        model = Prosecution
        fields = ["case", "status"]


class ProsecutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet):
    """Prosecutions (owner: the prosecutor office; shown to the case's agencies)."""

    queryset = Prosecution.objects.select_related("case", "lead_prosecutor")
    serializer_class = ProsecutionSerializer
    filterset_class = ProsecutionFilter


class ChargeSerializer(serializers.ModelSerializer):
    prosecution = VisibleRelatedField(Prosecution)
    subject = VisibleRelatedField(Subject)
    statute = serializers.SlugRelatedField(slug_field="citation", queryset=Statute.objects.all())
    nibrs_offense = serializers.SlugRelatedField(
        slug_field="code", queryset=NibrsOffense.objects.all(), required=False
    )
    disposition = serializers.ChoiceField(choices=Disposition.choices, required=False)

    class Meta:
        model = Charge
        fields = [
            "id",
            "prosecution",
            "subject",
            "statute",
            "nibrs_offense",
            "counts",
            "charged_on",
            "disposition",
            "disposition_on",
            "sentence",
            "restitution_ordered",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "counts": {"min_value": 1, "max_value": 999},
            "charged_on": {"required": False},
            "restitution_ordered": {"min_value": 0},
        }


class ChargeUpdateSerializer(ChargeSerializer):
    prosecution = serializers.PrimaryKeyRelatedField(read_only=True)
    subject = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ChargeSerializer.Meta):
        read_only_fields = [*ChargeSerializer.Meta.read_only_fields, "prosecution", "subject"]


class ChargeFilter(django_filters.FilterSet):
    prosecution = IdFilter(field_name="prosecution_id")
    subject = IdFilter(field_name="subject_id")
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices)

    class Meta:
        model = Charge
        fields = ["prosecution", "subject", "disposition"]


class ChargeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Charges: statute, NIBRS code, counts, disposition and sentence."""

    queryset = Charge.objects.select_related("statute", "nibrs_offense")
    serializer_class = ChargeSerializer
    filterset_class = ChargeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return ChargeUpdateSerializer if self.action == "partial_update" else ChargeSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_charge(by=self.request.user, **serializer.validated_data)
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_charge(
            charge=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class CourtEventSerializer(serializers.ModelSerializer):
    prosecution = VisibleRelatedField(Prosecution)
    event_type = serializers.ChoiceField(choices=CourtEventType.choices)

    class Meta:
        model = CourtEvent
        fields = [
            "id",
            "prosecution",
            "event_type",
            "scheduled_at",
            "court",
            "outcome",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class CourtEventUpdateSerializer(CourtEventSerializer):
    prosecution = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(CourtEventSerializer.Meta):
        read_only_fields = [*CourtEventSerializer.Meta.read_only_fields, "prosecution"]


class CourtEventFilter(django_filters.FilterSet):
    prosecution = IdFilter(field_name="prosecution_id")
    event_type = django_filters.ChoiceFilter(choices=CourtEventType.choices)

    class Meta:
        model = CourtEvent
        fields = ["prosecution", "event_type"]


class CourtEventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Court dates of a prosecution (shown to the case's law-enforcement agencies)."""

    queryset = CourtEvent.objects.all()
    serializer_class = CourtEventSerializer
    filterset_class = CourtEventFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return (
            CourtEventUpdateSerializer if self.action == "partial_update" else CourtEventSerializer
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("outcome", None)
        serializer.instance = services.schedule_court_event(by=self.request.user, **data)
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_court_event(
            event=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ProsecutorNoteSerializer(serializers.ModelSerializer):
    prosecution = VisibleRelatedField(Prosecution)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProsecutorNote
        fields = ["id", "prosecution", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ProsecutorNoteFilter(django_filters.FilterSet):
    prosecution = IdFilter(field_name="prosecution_id")

    class Meta:
        model = ProsecutorNote
        fields = ["prosecution"]


class ProsecutorNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """Prosecutor work product: never leaves the office."""

    queryset = ProsecutorNote.objects.select_related("author")
    serializer_class = ProsecutorNoteSerializer
    filterset_class = ProsecutorNoteFilter

    def perform_create(self, serializer):
        serializer.instance = services.add_prosecutor_note(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)


def register(router) -> None:
    router.register("cases", CaseViewSet, basename="case")
    router.register("subjects", SubjectViewSet, basename="subject")
    router.register("identifiers", IdentifierViewSet, basename="identifier")
    router.register("case-notes", CaseNoteViewSet, basename="case-note")
    router.register("operations", OperationViewSet, basename="operation")
    router.register(
        "pre-operation-notices", PreOperationNoticeViewSet, basename="pre-operation-notice"
    )
    router.register("deconfliction-hits", DeconflictionHitViewSet, basename="deconfliction-hit")
    router.register(
        "prosecution-referrals", ProsecutionReferralViewSet, basename="prosecution-referral"
    )
    router.register("prosecutions", ProsecutionViewSet, basename="prosecution")
    router.register("charges", ChargeViewSet, basename="charge")
    router.register("court-events", CourtEventViewSet, basename="court-event")
    router.register("prosecutor-notes", ProsecutorNoteViewSet, basename="prosecutor-note")
