"""The OAuth2 token endpoint of partner systems, with the sign-in lockout and throttling.

A partner system signs in with its client secret, so a wrong secret counts against its service
account and its address like a wrong password, and a locked service account gets no token even
with the right secret until a supervisor of its agency or a coordinator unlocks it.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import unquote_plus

from django.http import JsonResponse
from oauth2_provider import views as oauth_views
from oauth2_provider.models import get_application_model

from taskforce import audit, lockout
from taskforce.models import AuditAction, AuditOutcome, SignInStep

# RFC 6749 §5.2: token responses are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def client_id_of(request) -> str:
    """The client id the request claims, from HTTP Basic (RFC 6749 §2.3.1) or the body."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")


def service_account_of(client_id: str):
    """The account a registered application acts as, or None for an unknown client id."""
    if not client_id:
        return None
    application = (
        get_application_model().objects.filter(client_id=client_id).select_related("user").first()
    )
    return application.user if application is not None else None


def _error(response) -> str:
    try:
        return json.loads(response.content).get("error", "")
    except (ValueError, AttributeError):
        return ""


class TokenView(oauth_views.TokenView):
    def post(self, request, *args, **kwargs):
        client_id = client_id_of(request)
        account = service_account_of(client_id)
        source_ip = audit.client_ip(request)
        try:
            lockout.check(user=account, source_ip=source_ip, step=SignInStep.TOKEN)
        except lockout.SignInRefused as refused:
            audit.record(
                AuditAction.LOGIN_FAILED,
                outcome=AuditOutcome.DENIED,
                object_type="auth.user" if account else "",
                object_id=str(account.pk) if account else "",
                detail={"step": SignInStep.TOKEN, "refused": refused.status},
                request=request,
            )
            response = JsonResponse(
                {"error": "invalid_client", "error_description": refused.message},
                status=refused.status,
                headers=NO_STORE,
            )
            if refused.retry_after:
                response["Retry-After"] = str(refused.retry_after)
            return response

        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            if account is not None:
                lockout.succeeded(user=account)
        elif response.status_code in (400, 401) and _error(response) == "invalid_client":
            audit.record(
                AuditAction.LOGIN_FAILED,
                outcome=AuditOutcome.FAILURE,
                object_type="auth.user" if account else "",
                object_id=str(account.pk) if account else "",
                detail={"step": SignInStep.TOKEN},
                request=request,
            )
            lockout.failed(
                username=client_id,
                user=account,
                source_ip=source_ip,
                step=SignInStep.TOKEN,
            )
        return response
