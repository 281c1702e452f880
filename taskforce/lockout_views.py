"""Pages of locked accounts: who is locked, and unlocking them.

Only people who may unlock someone (administrators, coordinators, supervisors) see these pages;
for anyone else they do not exist (404), as a record out of reach does not.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agencies.models import Membership
from taskforce import audit, lockout
from taskforce.models import AccountLock, AuditAction, AuditOutcome


@require_GET
@login_required
def locked_list(request):
    if not lockout.may_unlock_anyone(request.user):
        raise Http404("No such page.")
    locks = lockout.locked_accounts(request.user).prefetch_related(
        Prefetch(
            "user__memberships",
            queryset=Membership.objects.active().select_related("agency"),
            to_attr="memberships_in_force",
        )
    )
    return render(request, "taskforce/account_locks.html", {"locks": locks})


@require_POST
@login_required
def unlock_account(request, pk: int):
    lock = AccountLock.objects.filter(pk=pk, unlocked_at=None).select_related("user").first()
    if lock is None:
        audit.record(
            AuditAction.UNLOCK,
            user=request.user,
            object_type="taskforce.accountlock",
            object_id=str(pk),
            outcome=AuditOutcome.DENIED,
            request=request,
            survive_rollback=True,
        )
        raise Http404("No such locked account.")
    try:
        lockout.unlock(user=lock.user, by=request.user)
    except PermissionDenied:
        # The service has audited the refusal; the lock is out of reach, so it does not exist.
        raise Http404("No such locked account.") from None
    messages.success(request, f"Unlocked {lock.user.get_full_name() or lock.user.username}.")
    return redirect("account-locks")
