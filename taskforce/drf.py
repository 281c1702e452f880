"""DRF settings-level pieces (permission, pagination, error handler).

Kept apart from ``taskforce.api`` because DRF imports them while loading its own views.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination

from agencies.selectors import is_member
from taskforce import signin
from taskforce.errors import InvalidTransition


class Conflict(exceptions.APIException):
    """A workflow transition that is not allowed from the record's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This action is not allowed in the record's current state."
    default_code = "conflict"


class PartnerOAuth2Authentication(OAuth2Authentication):
    """OAuth2 bearer tokens; a client-credentials token acts as its application's service account.

    django-oauth-toolkit stores client-credentials tokens without a user; the partner system
    acts through the service account its application was registered with (one agency).
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None and token.application_id:
            user = token.application.user
        return (user, token) if user is not None else None


class IdFilter(django_filters.NumberFilter):
    """A filter on a record id: a whole number in the database's range, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IsActiveMember(permissions.BasePermission):
    """Authenticated, active, and holding at least one membership in force."""

    message = "You need a membership in force in a task force agency."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_member(request.user))


class RecentlyAuthenticated(permissions.BasePermission):
    """A privileged action over a browser session needs a fresh password and code, as on the
    pages. A view lists such actions in ``reauthentication_actions``. Bearer tokens are not
    sessions: a partner system's token is itself at most an hour old."""

    message = (
        "Confirm your password and code again at /accounts/reauthenticate/ before this action."
    )

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) not in getattr(view, "reauthentication_actions", ()):
            return True
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        return signin.recently_authenticated(request)


class StableCursorPagination(CursorPagination):
    """Cursor pagination on an indexed, unique ordering (newest first by default)."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """DRF's handler, plus Django's validation and permission errors from services."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, InvalidTransition):
        exc = Conflict(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        exc = Conflict("The change conflicts with existing data.")
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    set_rollback()
    return response
