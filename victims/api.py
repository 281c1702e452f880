"""API for victims, clients, referrals, releases of information, services, immigration relief and
victim notifications. Reads go through the access layer (``CompartmentViewSet``) and the
selectors; every write is one service call.

Some answers depend on who asks, and the serializers say so in one place each:

* the referral's sender never gets the provider's ``client`` (nor its ``close_note``), the
  provider never gets the sender's ``victim`` record;
* a release's recipient gets the release (the covered items of that one client) and the terms of
  the consent, never the signer's name or the client's record id;
* immigration-protected fields (8 U.S.C. 1367) are left out for anyone who may not see
  immigration matters, and always for a partner system calling with an OAuth2 token.

drf-spectacular lists every read-only field of a response as required; the fields some callers
do not get are therefore declared as plain (optional) fields on serializers that only answer.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from oauth2_provider.models import AbstractAccessToken
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from agencies.models import Agency, Language, Membership, ServiceType
from agencies.roles import Compartment, Discipline, roles_that_may
from agencies.selectors import active_memberships
from cases.models import Case, CourtEvent, Gender, TraffickingType
from taskforce import access
from taskforce.api import CompartmentViewSet, VisibleRelatedField
from taskforce.drf import IdFilter
from victims import selectors, services
from victims.models import (
    Client,
    ClientNote,
    ClientStatus,
    Consent,
    ConsentItem,
    DeclineReason,
    Disability,
    ExitReason,
    ImmigrationRelief,
    NeedsAssessment,
    PlanStatus,
    RaceEthnicity,
    Referral,
    ReferralStatus,
    ReliefKind,
    ReliefStatus,
    RevocationMethod,
    ServicePlan,
    ServiceRecord,
    ServiceStatus,
    VictimNotification,
    VictimWitness,
)

User = get_user_model()

# Immigration-protected fields of a victim or client record (8 U.S.C. 1367).
PROTECTED_FIELDS = ("citizenship", "country_of_origin", "a_number")


# --- who is asking (worked out once per request, not once per row) ---------------------------


def sees_immigration(request) -> bool:
    """May the caller see immigration-protected fields? Never a partner system's token."""
    if request is None:
        return False
    known = getattr(request, "_victims_sees_immigration", None)
    if known is None:
        by_partner = isinstance(getattr(request, "auth", None), AbstractAccessToken)
        known = not by_partner and selectors.may_see_immigration(request.user)
        request._victims_sees_immigration = known
    return known


def acting_agency_ids(request) -> frozenset[int]:
    """The agencies the caller acts for today (which side of a referral or release they are)."""
    if request is None:
        return frozenset()
    known = getattr(request, "_victims_agency_ids", None)
    if known is None:
        known = frozenset(active_memberships(request.user).values_list("agency_id", flat=True))
        request._victims_agency_ids = known
    return known


def _answer(viewset, obj, serializer_class, status=200):
    return Response(
        serializer_class(obj, context=viewset.get_serializer_context()).data, status=status
    )


def _home_agency(user, disciplines, compartment: str, field: str, refusal: str) -> Agency:
    """The one agency of ``disciplines`` where ``user`` may change ``compartment`` records."""
    agencies = [
        m.agency
        for m in Membership.objects.active()
        .filter(
            user=user,
            agency__discipline__in=disciplines,
            role__in=roles_that_may(compartment, "change"),
        )
        .select_related("agency")
    ]
    if not agencies:
        raise PermissionDenied(refusal)
    if len(agencies) > 1:
        raise ValidationError({field: "Choose the agency you act for."})
    return agencies[0]


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(
            slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
        )


class LanguageField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="code", queryset=Language.objects.all(), **kwargs)


class ServiceCodesField(serializers.ListField):
    """Service types by code, looked up in one query however many are named."""

    child = serializers.SlugField(max_length=64)

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        found = {s.code: s for s in ServiceType.objects.filter(code__in=codes)}
        unknown = sorted(set(codes) - set(found))
        if unknown:
            raise ValidationError(f"Unknown service types: {', '.join(unknown)}.")
        return [found[code] for code in dict.fromkeys(codes)]

    def to_representation(self, data):
        return [service.code for service in data.all()]


class ShareSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- victim-witness and client records -------------------------------------------------------

PROFILE_FIELDS = [
    "given_name",
    "family_name",
    "alias",
    "date_of_birth",
    "estimated_age",
    "age_at_identification",
    "is_minor",
    "identified_on",
    "identification_source",
    "referral_source",
    "gender",
    "lgbtq",
    "race_ethnicity",
    "disabilities",
    "citizenship",
    "country_of_origin",
    "primary_language",
    "interpreter_needed",
    "trafficking_type",
    "phone",
    "email",
    "address",
    "safe_contact_notes",
    "a_number",
    "enrolled_on",
    "exited_on",
    "exit_reason",
]


class ProfileSerializer(serializers.ModelSerializer):
    """What an intake records about a person. ``age_at_identification`` and ``is_minor`` are
    derived by the services (never typed: any value sent is ignored)."""

    owner_agency = serializers.PrimaryKeyRelatedField(read_only=True)
    race_ethnicity = serializers.ListField(
        child=serializers.ChoiceField(choices=RaceEthnicity.choices), required=False
    )
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices), required=False
    )
    primary_language = LanguageField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not sees_immigration(self.context.get("request")):
            for name in PROTECTED_FIELDS:
                data.pop(name, None)
        return data

    def validate(self, attrs):
        # Whoever may not read the protected fields does not write them either.
        if not sees_immigration(self.context.get("request")):
            for name in PROTECTED_FIELDS:
                attrs.pop(name, None)
        return attrs


class VictimSerializer(ProfileSerializer):
    cases = VisibleRelatedField(Case, many=True, required=False)

    class Meta:
        model = VictimWitness
        fields = ["id", "owner_agency", "cases", *PROFILE_FIELDS, "created_at", "updated_at"]
        read_only_fields = [
            "id",
            "owner_agency",
            "age_at_identification",
            "is_minor",
            "created_at",
            "updated_at",
        ]


class VictimCreateSerializer(VictimSerializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        write_only=True,
        help_text="The holding agency; defaults to your law-enforcement or prosecution agency.",
    )

    class Meta(VictimSerializer.Meta):
        fields = [*VictimSerializer.Meta.fields, "agency"]


class ProfileSearchFilter(SearchFilter):
    """``?search=``: whole words of a name, or a record number.

    Names are encrypted at rest, so the database cannot run ``icontains`` on them; the search
    matches the blind index of whole words instead (``selectors.profile_search``)."""

    search_description = (
        "Whole words of the given name, family name or alias (exact words, any case or accent; "
        "a part of a word matches nothing), or the record number."
    )

    def filter_queryset(self, request, queryset, view):
        return selectors.profile_search(queryset, request.query_params.get(self.search_param, ""))


class VictimFilter(django_filters.FilterSet):
    trafficking_type = django_filters.ChoiceFilter(choices=TraffickingType.choices)
    minor = django_filters.BooleanFilter(field_name="is_minor")
    case = IdFilter(field_name="cases")
    agency = IdFilter(field_name="owner_agency_id")

    class Meta:
        model = VictimWitness
        fields = ["trafficking_type", "minor", "case", "agency"]


class VictimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Victim-witness records of law enforcement and prosecution (compartment victim_witness)."""

    queryset = VictimWitness.objects.select_related("primary_language")
    serializer_class = VictimSerializer
    # Sharing opens the record to another agency.
    reauthentication_actions = ("share",)
    filterset_class = VictimFilter
    filter_backends = [DjangoFilterBackend, ProfileSearchFilter]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Only the linked cases the caller may see: one query for the whole page.
        cases = access.visible(self.request.user, Case.objects.only("id").order_by())
        return super().get_queryset().prefetch_related(Prefetch("cases", queryset=cases))

    def get_serializer_class(self):
        return {
            "create": VictimCreateSerializer,
            "share": ShareSerializer,
            "unshare": ShareSerializer,
        }.get(self.action, VictimSerializer)

    def _reloaded(self, victim):
        return self.get_queryset().get(pk=victim.pk)

    @extend_schema(request=VictimCreateSerializer, responses={201: VictimSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("agency", None) or _home_agency(
            request.user,
            (Discipline.LAW_ENFORCEMENT, Discipline.PROSECUTION),
            Compartment.VICTIM_WITNESS,
            "agency",
            "Victim-witness records are kept by law enforcement or prosecution.",
        )
        victim = services.record_victim(agency=agency, by=request.user, **data)
        self.ensure_within_reach(victim)
        return _answer(self, self._reloaded(victim), VictimSerializer, status=201)

    @extend_schema(request=VictimSerializer, responses=VictimSerializer)
    def partial_update(self, request, pk=None):
        victim = self.get_object()
        serializer = self.get_serializer(victim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_victim(victim=victim, by=request.user, **serializer.validated_data)
        return _answer(self, self._reloaded(victim), VictimSerializer)

    @extend_schema(request=ShareSerializer, responses=VictimSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """Open the record (view) to a co-investigating or prosecuting agency."""
        victim = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.share_victim(victim=victim, by=request.user, **serializer.validated_data)
        return _answer(self, self._reloaded(victim), VictimSerializer)

    @extend_schema(request=ShareSerializer, responses=VictimSerializer)
    @action(detail=True, methods=["post"])
    def unshare(self, request, pk=None):
        victim = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.unshare_victim(victim=victim, by=request.user, **serializer.validated_data)
        return _answer(self, self._reloaded(victim), VictimSerializer)


class ClientSerializer(ProfileSerializer):
    case_manager = UsernameField(required=False, allow_null=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "owner_agency",
            "status",
            *PROFILE_FIELDS,
            "case_manager",
            "family_members_served",
            "created_at",
            "updated_at",
        ]
        # A client leaves services through the ``exit`` action, never by editing the dates.
        read_only_fields = [
            "id",
            "owner_agency",
            "status",
            "age_at_identification",
            "is_minor",
            "exited_on",
            "exit_reason",
            "created_at",
            "updated_at",
        ]


class ClientCreateSerializer(ClientSerializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        write_only=True,
        help_text="The provider; defaults to your victim service provider.",
    )

    class Meta(ClientSerializer.Meta):
        fields = [*ClientSerializer.Meta.fields, "agency"]


class ClientExitSerializer(serializers.Serializer):
    exited_on = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices)


class ClientFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)
    minor = django_filters.BooleanFilter(field_name="is_minor")

    class Meta:
        model = Client
        fields = ["status", "minor"]


class ClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """A provider's client records (compartment services; never shared)."""

    queryset = Client.objects.select_related("primary_language", "case_manager")
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    filter_backends = [DjangoFilterBackend, ProfileSearchFilter]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {"create": ClientCreateSerializer, "exit": ClientExitSerializer}.get(
            self.action, ClientSerializer
        )

    @extend_schema(request=ClientCreateSerializer, responses={201: ClientSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("agency", None) or _home_agency(
            request.user,
            (Discipline.VICTIM_SERVICES,),
            Compartment.SERVICES,
            "agency",
            "Client records are kept by victim service providers.",
        )
        client = services.record_client(agency=agency, by=request.user, **data)
        self.ensure_within_reach(client)
        return _answer(self, client, ClientSerializer, status=201)

    @extend_schema(request=ClientSerializer, responses=ClientSerializer)
    def partial_update(self, request, pk=None):
        client = self.get_object()
        serializer = self.get_serializer(client, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        client = services.update_client(client=client, by=request.user, **serializer.validated_data)
        return _answer(self, client, ClientSerializer)

    @extend_schema(request=ClientExitSerializer, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request, pk=None):
        """The client leaves services (once)."""
        client = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = services.exit_client(client=client, by=request.user, **serializer.validated_data)
        return _answer(self, client, ClientSerializer)


# --- referrals ----------------------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    from_agency = serializers.PrimaryKeyRelatedField(source="owner_agency", read_only=True)
    services_requested = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    shared_language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    responded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    # Shown to one side only (see the module docstring).
    victim = serializers.IntegerField(
        source="victim_id", required=False, allow_null=True, help_text="Sender only."
    )
    client = serializers.IntegerField(
        source="client_id", required=False, allow_null=True, help_text="Provider only."
    )
    close_note = serializers.CharField(required=False, help_text="Provider only.")

    class Meta:
        model = Referral
        fields = [
            "id",
            "from_agency",
            "provider",
            "victim",
            "client",
            "services_requested",
            "urgency",
            "shared_name",
            "shared_age",
            "is_minor",
            "shared_gender",
            "shared_language",
            "interpreter_needed",
            "trafficking_type",
            "foreign_national",
            "contact_instructions",
            "situation",
            "status",
            "sent_by",
            "sent_at",
            "respond_by",
            "is_overdue",
            "responded_at",
            "responded_by",
            "decline_reason",
            "decline_note",
            "withdrawn_reason",
            "closed_at",
            "close_note",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("victim", "client", "close_note")]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.owner_agency_id in acting_agency_ids(self.context.get("request")):
            # The sender learns the outcome, nothing of the provider's file.
            data.pop("client", None)
            data.pop("close_note", None)
        else:
            data.pop("victim", None)
        return data


class ReferralCreateSerializer(serializers.ModelSerializer):
    from_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        help_text="The sending agency; defaults to the one you act for.",
    )
    provider = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    services_requested = ServiceCodesField()
    victim = VisibleRelatedField(
        VictimWitness,
        required=False,
        allow_null=True,
        help_text="Your agency's own record of the person (never shown to the provider).",
    )
    shared_language = LanguageField()
    shared_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True
    )

    class Meta:
        model = Referral
        fields = [
            "from_agency",
            "provider",
            "services_requested",
            "urgency",
            "victim",
            "shared_name",
            "shared_age",
            "shared_gender",
            "shared_language",
            "interpreter_needed",
            "trafficking_type",
            "foreign_national",
            "contact_instructions",
            "situation",
        ]


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SuggestionQuerySerializer(serializers.Serializer):
    services = ServiceCodesField(required=False)
    minor = serializers.BooleanField(required=False, allow_null=True, default=None)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    trafficking_type = serializers.ChoiceField(
        choices=TraffickingType.choices, required=False, allow_blank=True
    )
    foreign_national = serializers.BooleanField(required=False, allow_null=True, default=None)
    language = LanguageField()
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


def _codes(values) -> list[str]:
    return [getattr(value, "code", value) for value in values]


class SuggestionSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency.pk")
    agency_name = serializers.CharField(source="agency.name")
    score = serializers.IntegerField()
    matched_services = serializers.SerializerMethodField()
    missing_services = serializers.SerializerMethodField()
    reasons = serializers.ListField(child=serializers.CharField())

    def get_matched_services(self, suggestion) -> list[str]:
        return _codes(suggestion.matched_services)

    def get_missing_services(self, suggestion) -> list[str]:
        return _codes(suggestion.missing_services)


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    direction = django_filters.ChoiceFilter(
        choices=[("sent", "Sent by my agencies"), ("received", "Received by my agencies")],
        method="filter_direction",
    )
    provider = IdFilter(field_name="provider_id")

    class Meta:
        model = Referral
        fields = ["status", "direction", "provider"]

    def filter_direction(self, queryset, name, value):
        mine = active_memberships(self.request.user).values("agency_id")
        if value == "sent":
            return queryset.filter(owner_agency_id__in=mine)
        return queryset.filter(provider_id__in=mine)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet):
    """Referrals of victims to service providers: the provider accepts, declines and closes; the
    sender may withdraw while unanswered."""

    queryset = Referral.objects.select_related(
        "shared_language", "sent_by", "responded_by"
    ).prefetch_related(
        Prefetch("services_requested", queryset=ServiceType.objects.only("id", "code"))
    )
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    def get_serializer_class(self):
        return {
            "create": ReferralCreateSerializer,
            "decline": DeclineSerializer,
            "withdraw": WithdrawSerializer,
            "close": CloseSerializer,
            "suggestions": SuggestionQuerySerializer,
        }.get(self.action, ReferralSerializer)

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request):
        data = self._input()
        sender = data.pop("from_agency", None)
        if sender is None:
            agencies = list(acting_agency_ids(request))
            if len(agencies) > 1:
                raise ValidationError({"from_agency": "Choose the agency you refer for."})
            sender = Agency.objects.get(pk=agencies[0])
        referral = services.send_referral(from_agency=sender, by=request.user, **data)
        self.ensure_within_reach(referral)
        return _answer(self, referral, ReferralSerializer, status=201)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The provider takes the person on: a client record is made from what was shared."""
        referral = services.accept_referral(referral=self.get_object(), by=request.user)
        return _answer(self, referral, ReferralSerializer)

    @extend_schema(request=DeclineSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        referral = self.get_object()
        referral = services.decline_referral(referral=referral, by=request.user, **self._input())
        return _answer(self, referral, ReferralSerializer)

    @extend_schema(request=WithdrawSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The sender takes back an unanswered referral."""
        referral = self.get_object()
        referral = services.withdraw_referral(referral=referral, by=request.user, **self._input())
        return _answer(self, referral, ReferralSerializer)

    @extend_schema(request=CloseSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        referral = self.get_object()
        referral = services.close_referral(referral=referral, by=request.user, **self._input())
        return _answer(self, referral, ReferralSerializer)

    @extend_schema(
        parameters=[SuggestionQuerySerializer], responses=SuggestionSerializer(many=True)
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def suggestions(self, request):
        """Service providers ranked by how well they fit the person's needs, best first."""
        query = SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        params["services"] = params.get("services") or ()
        params["gender"] = params.get("gender") or ""
        params["trafficking_type"] = params.get("trafficking_type") or ""
        found = selectors.suggest_providers(**params)
        return Response(SuggestionSerializer(found, many=True).data)


# --- releases of information --------------------------------------------------------------------


class IdentityReleaseSerializer(serializers.Serializer):
    given_name = serializers.CharField(required=False)
    family_name = serializers.CharField(required=False)
    alias = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)


class ContactReleaseSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    safe_contact_notes = serializers.CharField(required=False)


class EnrollmentReleaseSerializer(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="enrolled, exited or not_enrolled")
    enrolled_on = serializers.DateField(required=False, allow_null=True)
    exited_on = serializers.DateField(required=False, allow_null=True)


class ServiceReleaseSerializer(serializers.Serializer):
    service_type = serializers.CharField(required=False)
    voca_category = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


class ReliefReleaseSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    requested_on = serializers.DateField(required=False, allow_null=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class ReleaseSerializer(serializers.Serializer):
    """The items a release covers, each present only when covered."""

    identity = IdentityReleaseSerializer(required=False)
    contact_information = ContactReleaseSerializer(required=False)
    enrollment_status = EnrollmentReleaseSerializer(required=False)
    services_received = ServiceReleaseSerializer(many=True, required=False)
    immigration_relief_status = ReliefReleaseSerializer(many=True, required=False)


# What the recipient of a release never gets: who signed, and the provider's record ids.
CONSENT_OWNER_ONLY = (
    "client",
    "signer_name",
    "parent_name",
    "recorded_by",
    "revoked_by",
    "revocation_note",
)


class ConsentSerializer(serializers.ModelSerializer):
    provider = serializers.PrimaryKeyRelatedField(source="owner_agency", read_only=True)
    items = serializers.ListField(child=serializers.ChoiceField(choices=ConsentItem.choices))
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = serializers.CharField(read_only=True)
    # The releasing provider's own record of the signature; not for the recipient.
    client = serializers.IntegerField(source="client_id", required=False, help_text="Owner only.")
    signer_name = serializers.CharField(required=False, help_text="Owner only.")
    parent_name = serializers.CharField(required=False, help_text="Owner only.")
    recorded_by = serializers.CharField(
        source="recorded_by.username", required=False, help_text="Owner only."
    )
    revoked_by = serializers.CharField(
        source="revoked_by.username", required=False, allow_null=True, help_text="Owner only."
    )
    revocation_note = serializers.CharField(required=False, help_text="Owner only.")
    release = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "provider",
            "client",
            "recipient",
            "items",
            "purpose",
            "sharing_form",
            "starts_on",
            "expires_on",
            "state",
            "signer_name",
            "signer_role",
            "parent_name",
            "signer_not_suspected_abuser",
            "language",
            "interpreter_used",
            "voluntariness_explained",
            "right_to_revoke_explained",
            "recorded_by",
            "revoked_at",
            "revoked_by",
            "revocation_method",
            "revocation_note",
            "created_at",
            "release",
        ]
        read_only_fields = [f for f in fields if f not in ("items", *CONSENT_OWNER_ONLY)]

    def is_owner(self, consent) -> bool:
        return consent.owner_agency_id in acting_agency_ids(self.context.get("request"))

    @extend_schema_field(ReleaseSerializer)
    def get_release(self, consent):
        # A list hands over the releases of its whole page, built at once (``releases_for``).
        releases = self.context.get("releases")
        if releases is not None:
            return releases.get(consent.pk, {})
        request = self.context.get("request")
        return selectors.release_for(getattr(request, "user", None), consent)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.is_owner(instance):
            for name in CONSENT_OWNER_ONLY:
                data.pop(name, None)
        return data


class ConsentCreateSerializer(serializers.ModelSerializer):
    client = VisibleRelatedField(Client)
    recipient = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    items = serializers.ListField(child=serializers.ChoiceField(choices=ConsentItem.choices))
    language = LanguageField()

    class Meta:
        model = Consent
        fields = [
            "client",
            "recipient",
            "items",
            "purpose",
            "sharing_form",
            "starts_on",
            "expires_on",
            "signer_name",
            "signer_role",
            "parent_name",
            "signer_not_suspected_abuser",
            "language",
            "interpreter_used",
            "voluntariness_explained",
            "right_to_revoke_explained",
        ]


class ConsentRevokeSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=RevocationMethod.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    revoked_at = serializers.DateTimeField(
        required=False, help_text="When the client revoked; defaults to now."
    )


class ConsentFilter(django_filters.FilterSet):
    client = IdFilter(field_name="client_id")
    recipient = IdFilter(field_name="recipient_id")

    class Meta:
        model = Consent
        fields = ["client", "recipient"]


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompartmentViewSet):
    """Releases of information: the provider records and revokes them; the recipient reads the
    release while it is live, with the released items inline."""

    # The release is built from the client's record (read, never shown as such).
    queryset = Consent.objects.select_related("client", "language", "recorded_by", "revoked_by")
    serializer_class = ConsentSerializer
    filterset_class = ConsentFilter
    # A release opens the client's record to another agency.
    reauthentication_actions = ("create",)

    def get_serializer_class(self):
        return {
            "create": ConsentCreateSerializer,
            "revoke": ConsentRevokeSerializer,
        }.get(self.action, ConsentSerializer)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "releases": selectors.releases_for(request.user, page),
        }
        return self.get_paginated_response(ConsentSerializer(page, many=True, context=context).data)

    @extend_schema(request=ConsentCreateSerializer, responses={201: ConsentSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.record_consent(by=request.user, **serializer.validated_data)
        self.ensure_within_reach(consent)
        return _answer(self, consent, ConsentSerializer, status=201)

    @extend_schema(request=ConsentRevokeSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revocation is effective at once; say when and how the client revoked."""
        consent = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.revoke_consent(
            consent=consent, by=request.user, **serializer.validated_data
        )
        return _answer(self, consent, ConsentSerializer)


# --- services, needs, plans, notes (the provider's own file) ---------------------------------


class ClientChildFilter(django_filters.FilterSet):
    client = IdFilter(field_name="client_id")


class ServiceRecordSerializer(serializers.ModelSerializer):
    client = VisibleRelatedField(Client)
    service_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceType.objects.all()
    )
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "client",
            "service_type",
            "status",
            "started_on",
            "ended_on",
            "partner",
            "partner_name",
            "description",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "recorded_by", "created_at", "updated_at"]


class ServiceRecordUpdateSerializer(ServiceRecordSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)


class ServiceRecordFilter(ClientChildFilter):
    status = django_filters.ChoiceFilter(choices=ServiceStatus.choices)
    service_type = django_filters.CharFilter(field_name="service_type__code")

    class Meta:
        model = ServiceRecord
        fields = ["client", "status", "service_type"]


class ServiceRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Services a client receives, in-house or from a partner (VOCA categories A-E)."""

    queryset = ServiceRecord.objects.select_related("service_type", "recorded_by")
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return ServiceRecordUpdateSerializer
        return ServiceRecordSerializer

    def perform_create(self, serializer):
        serializer.instance = services.record_service(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_service(
            service=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class NeedsAssessmentSerializer(serializers.ModelSerializer):
    client = VisibleRelatedField(Client)
    needs = ServiceCodesField()
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = NeedsAssessment
        fields = ["id", "client", "assessed_on", "needs", "summary", "assessed_by", "created_at"]
        read_only_fields = ["id", "assessed_by", "created_at"]


class NeedsAssessmentFilter(ClientChildFilter):
    class Meta:
        model = NeedsAssessment
        fields = ["client"]


class NeedsAssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """What a client needs, as assessed at intake or later."""

    queryset = NeedsAssessment.objects.select_related("assessed_by").prefetch_related(
        Prefetch("needs", queryset=ServiceType.objects.only("id", "code"))
    )
    serializer_class = NeedsAssessmentSerializer
    filterset_class = NeedsAssessmentFilter

    def perform_create(self, serializer):
        serializer.instance = services.assess_needs(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)


class ServicePlanSerializer(serializers.ModelSerializer):
    client = VisibleRelatedField(Client)
    written_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "client",
            "starts_on",
            "review_on",
            "goals",
            "status",
            "written_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "written_by", "created_at", "updated_at"]


class ServicePlanFilter(ClientChildFilter):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = ServicePlan
        fields = ["client", "status"]


class ServicePlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """Service plans: a new plan supersedes the client's active one; a plan is completed."""

    queryset = ServicePlan.objects.select_related("written_by")
    serializer_class = ServicePlanSerializer
    filterset_class = ServicePlanFilter

    def perform_create(self, serializer):
        serializer.instance = services.write_service_plan(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)

    @extend_schema(request=None, responses=ServicePlanSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        plan = services.complete_service_plan(plan=self.get_object(), by=request.user)
        return _answer(self, plan, ServicePlanSerializer)


class ClientNoteSerializer(serializers.ModelSerializer):
    client = VisibleRelatedField(Client)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ClientNote
        fields = ["id", "client", "author", "body", "corrects", "created_at"]
        read_only_fields = ["id", "author", "corrects", "created_at"]


class ClientNoteCorrectionSerializer(serializers.Serializer):
    body = serializers.CharField()


class ClientNoteFilter(ClientChildFilter):
    class Meta:
        model = ClientNote
        fields = ["client"]


class ClientNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """A case manager's notes: never edited (the author appends corrections), never released."""

    queryset = ClientNote.objects.select_related("author")
    serializer_class = ClientNoteSerializer
    filterset_class = ClientNoteFilter

    def get_serializer_class(self):
        if self.action == "correct":
            return ClientNoteCorrectionSerializer
        return ClientNoteSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_client_note(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)

    @extend_schema(request=ClientNoteCorrectionSerializer, responses={201: ClientNoteSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Append a correction (the original note stays as it was)."""
        note = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.correct_client_note(
            note=note, by=request.user, body=serializer.validated_data["body"]
        )
        return _answer(self, correction, ClientNoteSerializer, status=201)


# --- immigration relief -----------------------------------------------------------------------


class ImmigrationReliefSerializer(serializers.ModelSerializer):
    victim = VisibleRelatedField(VictimWitness, required=False, allow_null=True)
    client = VisibleRelatedField(Client, required=False, allow_null=True)
    certifying_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ImmigrationRelief
        fields = [
            "id",
            "owner_agency",
            "victim",
            "client",
            "kind",
            "status",
            "certifying_agency",
            "discovered_at",
            "requested_on",
            "signed_on",
            "decided_on",
            "expires_on",
            "due_at",
            "file_by",
            "receipt_number",
            "notes",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "owner_agency",
            "due_at",
            "file_by",
            "recorded_by",
            "created_at",
            "updated_at",
        ]


class ImmigrationReliefUpdateSerializer(ImmigrationReliefSerializer):
    victim = serializers.PrimaryKeyRelatedField(read_only=True)
    client = serializers.PrimaryKeyRelatedField(read_only=True)


class ImmigrationReliefFilter(django_filters.FilterSet):
    victim = IdFilter(field_name="victim_id")
    client = IdFilter(field_name="client_id")
    kind = django_filters.ChoiceFilter(choices=ReliefKind.choices)
    status = django_filters.ChoiceFilter(choices=ReliefStatus.choices)

    class Meta:
        model = ImmigrationRelief
        fields = ["victim", "client", "kind", "status"]


class ImmigrationReliefViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompartmentViewSet,
):
    """Immigration relief (protected, 8 U.S.C. 1367): never reaches a partner system."""

    queryset = ImmigrationRelief.objects.select_related("recorded_by")
    serializer_class = ImmigrationReliefSerializer
    reauthentication_actions = ("share",)
    filterset_class = ImmigrationReliefFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {
            "partial_update": ImmigrationReliefUpdateSerializer,
            "share": ShareSerializer,
        }.get(self.action, ImmigrationReliefSerializer)

    def perform_create(self, serializer):
        serializer.instance = services.record_relief(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.update_relief(
            relief=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ShareSerializer, responses=ImmigrationReliefSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """Tell another agency where the request stands (view)."""
        relief = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        relief = services.share_relief(relief=relief, by=request.user, **serializer.validated_data)
        return _answer(self, relief, ImmigrationReliefSerializer)


# --- victim notifications (CVRA) ----------------------------------------------------------------


class VictimNotificationSerializer(serializers.ModelSerializer):
    victim = VisibleRelatedField(VictimWitness)
    court_event = VisibleRelatedField(CourtEvent, required=False, allow_null=True)
    given_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = VictimNotification
        fields = [
            "id",
            "owner_agency",
            "victim",
            "kind",
            "event",
            "court_event",
            "given_on",
            "method",
            "given_by",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "owner_agency", "given_by", "created_at"]


class VictimNotificationFilter(django_filters.FilterSet):
    victim = IdFilter(field_name="victim_id")

    class Meta:
        model = VictimNotification
        fields = ["victim"]


class VictimNotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CompartmentViewSet
):
    """Notifications and rights advisements given to victims, logged by victim-witness staff."""

    queryset = VictimNotification.objects.select_related("given_by")
    serializer_class = VictimNotificationSerializer
    filterset_class = VictimNotificationFilter

    def perform_create(self, serializer):
        serializer.instance = services.log_victim_notification(
            by=self.request.user, **serializer.validated_data
        )
        self.ensure_within_reach(serializer.instance)


def register(router) -> None:
    router.register("victims", VictimViewSet, basename="victim")
    router.register("clients", ClientViewSet, basename="client")
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("consents", ConsentViewSet, basename="consent")
    router.register("services", ServiceRecordViewSet, basename="service")
    router.register("needs-assessments", NeedsAssessmentViewSet, basename="needs-assessment")
    router.register("service-plans", ServicePlanViewSet, basename="service-plan")
    router.register("client-notes", ClientNoteViewSet, basename="client-note")
    router.register("immigration-relief", ImmigrationReliefViewSet, basename="immigration-relief")
    router.register(
        "victim-notifications", VictimNotificationViewSet, basename="victim-notification"
    )
