"""The sign-in steps: password (with the system-use notice), second factor or its enrolment,
recovery codes shown once, and re-authentication before privileged actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from taskforce import audit, lockout, mfa, signin
from taskforce.models import AuditAction, AuditOutcome, SignInStep
from taskforce.signin import reauthentication_required
from taskforce.signin_forms import CodeForm, ReauthenticationForm, SignInForm

RECOVERY_CODES_SESSION_KEY = "tf_new_recovery_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        signin.password_step_done(self.request)
        next_url = self.get_success_url()
        if mfa.exempt(user):
            signin.second_factor_done(self.request)
            return redirect(next_url)
        return redirect(_with_next("two-factor", next_url))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refusal is not None:
            response.status_code = form.refusal.status
        return response


def _refused(request, step: str, *, template: str, context: dict):
    """The answer when the lockout rules refuse this attempt before any check, else None."""
    try:
        lockout.check(user=request.user, source_ip=audit.client_ip(request), step=step)
    except lockout.SignInRefused as refused:
        context["form"].add_error(None, refused.message)
        return render(request, template, context, status=refused.status)
    return None


def _wrong(request, step: str, **detail):
    """A wrong password or code in a signed-in session: audited and counted. The one that locks
    the account signs the session out, and the answer is then the sign-in page; else None."""
    user = request.user
    audit.record(
        AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.FAILURE,
        object_type="auth.user",
        object_id=str(user.pk),
        detail={"step": step, **detail},
    )
    if lockout.failed(
        username=user.username, user=user, source_ip=audit.client_ip(request), step=step
    ):
        logout(request)
        messages.error(request, lockout.LOCKED_MESSAGE)
        return redirect("login")
    return None


def _code_page(request, *, template: str, context: dict, verify, on_success):
    """A page asking for a code. A POSTed code goes through the lockout rules, then
    ``verify(code)``; a right one completes the second step and answers ``on_success(result)``.
    The fifth wrong one in the window locks the account and signs the session out."""
    form = context["form"]
    if request.method == "POST" and form.is_valid():
        user = request.user
        refused = _refused(request, SignInStep.OTP, template=template, context=context)
        if refused is not None:
            return refused
        result = verify(form.cleaned_data["code"])
        if result:
            lockout.succeeded(user=user)
            signin.second_factor_done(request)
            # The password step wrote its own LOGIN row; this one says the sign-in completed.
            audit.record(AuditAction.LOGIN, user=user, detail={"step": SignInStep.OTP})
            return on_success(result)
        locked = _wrong(request, SignInStep.OTP)
        if locked is not None:
            return locked
        form.add_error("code", "That code is not right, or it has been used already.")
    return render(request, template, context, status=400 if form.errors else 200)


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor(request):
    """The second sign-in step: a code from the app, or enrolment of one on first sign-in."""
    next_url = _next_url(request)
    if signin.is_verified(request):
        return redirect(next_url)
    if mfa.confirmed_app(request.user) is None:
        return _enrol(request, next_url)
    return _code_page(
        request,
        template="registration/two_factor.html",
        context={"form": CodeForm(request.POST or None), "next": next_url, "signing_in": True},
        verify=lambda code: mfa.verify(request.user, code),
        on_success=lambda _: redirect(next_url),
    )


def _enrol(request, next_url: str):
    """First sign-in: the app is added from the QR code or the key, and confirmed by its first
    code; the recovery codes are shown next, once."""
    device = mfa.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "The six-digit code the app shows after you add the account."

    def show_recovery_codes(codes):
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect(_with_next("recovery-codes", next_url))

    return _code_page(
        request,
        template="registration/two_factor_enrol.html",
        context={
            "form": form,
            "next": next_url,
            "signing_in": True,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_for_display(device),
        },
        verify=lambda code: mfa.confirm_enrolment(request.user, device, code),
        on_success=show_recovery_codes,
    )


@never_cache
@login_required
def recovery_codes(request):
    """The new recovery codes, shown once: reloading the page does not show them again."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    next_url = _next_url(request)
    if not codes:
        return redirect(next_url)
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "next": next_url, "signing_in": True},
    )


@sensitive_post_parameters("password", "code")
@never_cache
@login_required
def reauthenticate(request):
    """Password and code again, before a privileged action (membership and role changes,
    sharing a client's or a victim's record, exports)."""
    next_url = _next_url(request)
    needs_code = not mfa.exempt(request.user)
    form = ReauthenticationForm(request.POST or None, needs_code=needs_code)
    template = "registration/reauthenticate.html"
    context = {"form": form, "next": next_url}
    if request.method == "POST" and form.is_valid():
        user = request.user
        refused = _refused(request, SignInStep.PASSWORD, template=template, context=context)
        if refused is not None:
            return refused
        step = SignInStep.PASSWORD
        proven = user.check_password(form.cleaned_data["password"])
        if proven and needs_code:
            step = SignInStep.OTP
            proven = mfa.verify(user, form.cleaned_data["code"])
        if proven:
            lockout.succeeded(user=user)
            signin.reauthenticated(request)
            audit.record(
                AuditAction.REAUTHENTICATE, object_type="auth.user", object_id=str(user.pk)
            )
            return redirect(next_url)
        locked = _wrong(request, step, reauthentication=True)
        if locked is not None:
            return locked
        form.add_error(None, "The password or the code is not right.")
    return render(request, template, context, status=400 if form.errors else 200)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
def account_security(request):
    """The person's own sign-in: change the password (the current one first), see the second
    factor, and get new recovery codes."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # This session goes on (under a new key); every other session of the account ends.
        old_key = request.session.session_key
        update_session_auth_hash(request, form.user)
        signin.track_session(request, old_key=old_key)
        signin.end_sessions(form.user, reason="password changed", by=form.user, keep=request)
        audit.record(
            AuditAction.CHANGE,
            object_type="auth.user",
            object_id=str(form.user.pk),
            detail={"fields": ["password"]},
        )
        messages.success(request, "Your password has been changed.")
        return redirect("account-security")
    context = {
        "form": form,
        "app": mfa.confirmed_app(request.user),
        "recovery_codes_left": mfa.recovery_codes_left(request.user),
        "exempt": mfa.exempt(request.user),
    }
    return render(
        request, "registration/account_security.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
@reauthentication_required
def new_recovery_codes(request):
    """New recovery codes; those left stop working at once."""
    request.session[RECOVERY_CODES_SESSION_KEY] = mfa.issue_recovery_codes(request.user)
    audit.record(
        AuditAction.MFA_ENROL,
        object_type="auth.user",
        object_id=str(request.user.pk),
        detail={"recovery_codes": "replaced"},
    )
    return redirect(_with_next("recovery-codes", reverse("account-security")))
