"""API base classes: the access layer applied once, for every action, in one place.

``CompartmentViewSet`` restricts its queryset through ``taskforce.access.visible`` before
anything else happens, so a record out of reach answers 404 to every verb; a visible record the
caller may not change answers 403; writes go through services and, once written, the record must
still be within the caller's reach or the transaction rolls back.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from agencies.selectors import active_memberships
from taskforce import access
from taskforce.drf import Conflict
from taskforce.models import IdempotencyRecord


class IdempotentReplay(Exception):
    """A control-flow signal: answer with the recorded response."""

    def __init__(self, record: IdempotencyRecord):
        self.record = record


class IdempotencyMixin:
    """Writes carrying an ``Idempotency-Key`` header run once per user and key.

    A repeat with the same key and the same request gets the first response again; the same key
    with a different request is a 409. Keys are kept for a day (see ``taskforce.tasks``).
    """

    idempotency_header = "Idempotency-Key"

    def _idempotency_fingerprint(self, request) -> str:
        digest = hashlib.sha256()
        digest.update(request.method.encode())
        digest.update(request.get_full_path().encode())
        digest.update(request.body or b"")
        return digest.hexdigest()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency = None
        key = request.headers.get(self.idempotency_header)
        if not key or request.method in permissions.SAFE_METHODS:
            return
        if len(key) > 255:
            raise exceptions.ValidationError({self.idempotency_header: "At most 255 characters."})
        fingerprint = self._idempotency_fingerprint(request)
        record = IdempotencyRecord.objects.filter(user_id=request.user.pk, key=key).first()
        if record is not None:
            if record.fingerprint != fingerprint:
                raise Conflict("This Idempotency-Key was already used for a different request.")
            raise IdempotentReplay(record)
        self._idempotency = (key, fingerprint)

    def handle_exception(self, exc):
        if isinstance(exc, IdempotentReplay):
            response = Response(exc.record.body, status=exc.record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        pending = getattr(self, "_idempotency", None)
        if pending and 200 <= response.status_code < 300:
            key, fingerprint = pending
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user_id=request.user.pk,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=response.status_code,
                        body=response.data,
                    )
            except IntegrityError:
                # A concurrent request with the same key won: undo this one's work.
                set_rollback()
                response = Response(
                    {"detail": "A request with this Idempotency-Key is already being processed."},
                    status=409,
                )
                response = super().finalize_response(request, response, *args, **kwargs)
        return response


class WriteActionsMixin:
    """Names the actions that change a record; others only read it.

    ``decision_actions`` are writes by someone who may only view the record (a prosecutor office
    accepting a referral): the object is fetched for view and the service checks the rest.
    """

    write_actions = frozenset({"update", "partial_update", "destroy"})
    decision_actions: frozenset[str] = frozenset()

    def is_write_action(self) -> bool:
        if self.action in self.decision_actions:
            return False
        return self.action in self.write_actions or (
            self.action not in {"list", "retrieve", "create", "metadata", None}
            and self.request.method not in permissions.SAFE_METHODS
        )


class BaseViewSet(IdempotencyMixin, WriteActionsMixin, viewsets.GenericViewSet):
    """Base of every viewset of the API."""


class CompartmentViewSet(BaseViewSet):
    """Base viewset of every compartmented resource.

    Subclasses set ``queryset`` (the unrestricted base), serializers and services. ``get_object``
    answers 404 outside the caller's reach and 403 for a visible record they may not change.
    """

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset(), "view")

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = access.get_visible(
            self.request.user,
            queryset,
            pk=lookup,
            action="change" if self.is_write_action() else "view",
            audit_read=self.action == "retrieve",
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def ensure_within_reach(self, obj) -> None:
        """After a write: a record the caller can no longer see means the write is undone."""
        if not access.can(self.request.user, obj, "view"):
            raise exceptions.PermissionDenied("The change would put the record out of your reach.")

    def perform_create(self, serializer):
        self.ensure_within_reach(serializer.save())

    def perform_update(self, serializer):
        self.ensure_within_reach(serializer.save())

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to a compartmented record, resolved only among those the caller may see.

    An invisible id is rejected exactly like an unknown one, so input never reveals existence;
    a visible record the caller may not change is left to the service, which answers 403.
    """

    def __init__(self, model, action="view", **kwargs):
        self.model, self.access_action = model, action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return access.visible(user, self.model._default_manager.all(), self.access_action)


class MeMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency_id = serializers.IntegerField()
    agency_name = serializers.CharField(source="agency.name")
    discipline = serializers.CharField(source="agency.discipline")
    role = serializers.CharField()
    title = serializers.CharField()
    is_coordinator = serializers.BooleanField()
    is_service_account = serializers.BooleanField()
    starts = serializers.DateField()
    ends = serializers.DateField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    is_coordinator = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    memberships = MeMembershipSerializer(many=True)


class MeView(APIView):
    """The signed-in user (or partner system), their memberships in force and their roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        memberships = list(active_memberships(request.user).select_related("agency"))
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_coordinator": any(m.is_coordinator for m in memberships),
            "roles": sorted({m.role for m in memberships}),
            "memberships": memberships,
        }
        return Response(MeSerializer(data).data)
