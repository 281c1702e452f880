"""Login, logout and failed-login events go to the audit trail."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from taskforce import audit
from taskforce.models import AuditAction, AuditOutcome


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is never stored; only the account id when the account exists.
    username = credentials.get("username") or ""
    account_id = (
        get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    )
    audit.record(
        AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.FAILURE,
        object_type="auth.user" if account_id else "",
        object_id=str(account_id or ""),
        request=request,
    )
