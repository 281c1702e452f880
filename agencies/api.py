"""API for the agency directory and memberships."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from agencies import selectors, services
from agencies.models import Agency, Language, Membership, Population, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role
from taskforce.api import BaseViewSet
from taskforce.drf import IdFilter, StableCursorPagination

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
