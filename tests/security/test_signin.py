"""Signing in through the real pages: the system-use notice, the second factor and its
enrolment, codes accepted once and only while fresh, the session clocks, re-authentication
before privileged actions, and sessions ended by a role change or a second-factor reset."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import services as agency_services
from agencies.roles import Role
from taskforce import mfa
from taskforce.models import AuditAction, AuditEvent, AuditOutcome
from tests.factories import PASSWORD
from tests.keys import PRODUCTION_KEYS
from tests.signin import app_code, enrol_app
from tests.taskforce.test_settings import run_probe

# A frozen moment after the world's memberships started (today), five seconds into a step.
START = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(second=5, microsecond=0)
LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"


def password_step(client: Client, user, *, acknowledge: bool = True, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if acknowledge:
        data["acknowledge"] = "on"
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def sign_in(client: Client, user) -> None:
    """Both steps, as a person does: password, then a code from the app."""
    device = enrol_app(user)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"code": app_code(device)})
    assert response.status_code == 302, response.content


def signed_in(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 200


# --- The password step and the system-use notice ----------------------------------------------


def test_the_notice_must_be_acknowledged(world):
    client = Client()
    page = client.get(LOGIN).content.decode()
    assert "Authorized use only." in page
    assert 'name="acknowledge"' in page
    response = password_step(client, world.investigator_a, acknowledge=False)
    assert response.status_code == 200
    assert "Acknowledge the system-use notice to sign in." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_password_alone_reaches_only_the_second_step(world):
    client = Client()
    enrol_app(world.investigator_a)
    response = password_step(client, world.investigator_a, next_url="/cases/")
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fcases%2F"
    for path in ("/", "/cases/", "/reports/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(TWO_FACTOR), path
    # The API sees no one: the session is not enough.
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/cases/").status_code in (401, 403)


# --- Enrolment, codes, recovery codes ---------------------------------------------------------


def test_first_sign_in_enrols_an_app_and_shows_recovery_codes_once(world):
    user = world.advocate_a
    client = Client()
    password_step(client, user)
    page = client.get(TWO_FACTOR).content.decode()
    assert 'id="totp-secret"' in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The page keeps the same secret across reloads until it is confirmed.
    client.get(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(TWO_FACTOR, {"code": "000000" if app_code(device) != "000000" else "1"})
    assert wrong.status_code == 400
    assert not signed_in(client)

    response = client.post(TWO_FACTOR, {"code": app_code(device)}, follow=True)
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    # The database keeps keyed hashes of them, never the codes.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    assert all(code in response.content.decode() for code in codes)
    # Shown once only.
    again = client.get(reverse("recovery-codes"))
    assert again.status_code == 302
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROL, object_id=str(user.pk)).exists()


def test_a_replayed_code_is_refused(world):
    user = world.investigator_a
    device = enrol_app(user)
    with time_machine.travel(START, tick=False):
        first = Client()
        password_step(first, user)
        code = app_code(device)
        assert first.post(TWO_FACTOR, {"code": code}).status_code == 302
        second = Client()
        password_step(second, user)
        response = second.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 400
    assert "used already" in response.content.decode()
    assert not signed_in(second)


@pytest.mark.parametrize(("steps_back", "accepted"), [(0, True), (1, True), (2, False)])
def test_no_code_older_than_the_current_step_plus_one(world, steps_back, accepted):
    user = world.investigator_a
    device = enrol_app(user)
    with time_machine.travel(START, tick=False) as clock:
        code = app_code(device)  # the code of the step of START
        clock.shift(dt.timedelta(seconds=30 * steps_back))
        client = Client()
        password_step(client, user)
        response = client.post(TWO_FACTOR, {"code": code})
    assert (response.status_code == 302) is accepted


def test_a_recovery_code_works_once(world):
    user = world.vsp_supervisor_a
    enrol_app(user)
    recovery = mfa.issue_recovery_codes(user)
    client = Client()
    password_step(client, user)
    assert client.post(TWO_FACTOR, {"code": recovery[0].upper()}).status_code == 302
    assert signed_in(client)
    again = Client()
    password_step(again, user)
    assert again.post(TWO_FACTOR, {"code": recovery[0]}).status_code == 400
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


# --- Session clocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(("idle_minutes", "still_in"), [(29, True), (31, False)])
def test_idle_timeout(world, idle_minutes, still_in):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, world.investigator_a)
        assert signed_in(client)
        clock.shift(dt.timedelta(minutes=idle_minutes))
        response = client.get("/cases/")
    if still_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session


def test_absolute_timeout_twelve_hours_even_when_active(world):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, world.investigator_a)
        for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/cases/").status_code == 200
        clock.shift(dt.timedelta(minutes=1))  # 12 h 1 min after signing in
        response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Re-authentication before privileged actions ----------------------------------------------


def test_membership_change_needs_a_fresh_password_and_code(world):
    coordinator = world.coordinator
    membership = world.investigator_a.memberships.get()
    edit = reverse("agencies:membership-edit", args=[membership.pk])
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, coordinator)
        assert client.get(edit).status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        response = client.get(edit)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reauthenticate"))
        wrong = client.post(
            response["Location"], {"password": "not-the-password", "code": "123456"}
        )
        assert wrong.status_code == 400
        device = TOTPDevice.objects.get(user=coordinator)
        right = client.post(response["Location"], {"password": PASSWORD, "code": app_code(device)})
        assert right.status_code == 302
        assert right["Location"] == edit
        assert client.get(edit).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.REAUTHENTICATE, user_id=coordinator.pk
    ).exists()


def test_api_membership_change_over_a_session_needs_reauthentication(world):
    membership = world.investigator_a.memberships.get()
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, world.coordinator)
        clock.shift(dt.timedelta(minutes=16))
        response = client.patch(
            f"/api/v1/memberships/{membership.pk}/",
            {"title": "Detective"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value
            if settings.CSRF_COOKIE_NAME in client.cookies
            else "",
        )
    assert response.status_code == 403
    assert "reauthenticate" in response.json()["detail"]
    membership.refresh_from_db()
    assert membership.title != "Detective"


def test_export_needs_reauthentication(world):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, world.investigator_a)
        clock.shift(dt.timedelta(minutes=16))
        response = client.get(reverse("reports:export-download", args=["cases"]) + "?file=csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauthenticate"))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- Sessions ended at once -------------------------------------------------------------------


def test_a_role_change_ends_the_persons_sessions(world):
    person = Client()
    sign_in(person, world.investigator_a)
    assert signed_in(person)
    membership = world.investigator_a.memberships.get()
    agency_services.update_membership(
        membership=membership, by=world.coordinator, role=Role.LE_SUPERVISOR
    )
    response = person.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_title_change_leaves_sessions_alone(world):
    person = Client()
    sign_in(person, world.investigator_a)
    membership = world.investigator_a.memberships.get()
    agency_services.update_membership(membership=membership, by=world.coordinator, title="Det.")
    assert signed_in(person)


def test_an_administrator_resets_a_second_factor(world):
    user = world.investigator_a
    person = Client()
    sign_in(person, user)
    mfa.issue_recovery_codes(user)
    mfa.reset(user, by=world.admin)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not signed_in(person)
    assert not Session.objects.filter(session_key=person.session.session_key).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_RESET, object_id=str(user.pk), user_id=world.admin.pk
    ).exists()
    # At the next sign-in the person enrols a new app.
    again = Client()
    password_step(again, user)
    assert 'id="totp-secret"' in again.get(TWO_FACTOR).content.decode()


def test_only_an_administrator_resets_a_second_factor(world):
    from django.core.exceptions import PermissionDenied

    enrol_app(world.investigator_a)
    with pytest.raises(PermissionDenied):
        mfa.reset(world.investigator_a, by=world.coordinator)
    assert TOTPDevice.objects.filter(user=world.investigator_a).exists()


def test_the_admin_action_resets_and_is_audited(world):
    enrol_app(world.investigator_a)
    admin_client = Client()
    sign_in(admin_client, world.admin)
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [world.investigator_a.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.investigator_a).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_RESET, outcome=AuditOutcome.SUCCESS, user_id=world.admin.pk
    ).exists()


# --- The demo exemption -----------------------------------------------------------------------


def test_demo_exemption_is_refused_with_debug_off():
    result = run_probe(DEBUG="0", SECRET_KEY="x" * 60, MFA_EXEMPT_DEMO_USERS="1", **PRODUCTION_KEYS)
    assert result.returncode != 0
    assert "MFA_EXEMPT_DEMO_USERS is only allowed with DEBUG on" in result.stderr


def test_demo_accounts_skip_the_second_factor_only_when_exempted(world, settings):
    from tests.factories import UserFactory

    demo = UserFactory(username="advocate")
    agency_services.add_membership(
        by=None, user=demo, agency=world.agencies["vsp_a"], role=Role.ADVOCATE
    )
    settings.MFA_EXEMPT_DEMO_USERS = True
    exempted = Client()
    assert password_step(exempted, demo)["Location"] == "/"
    assert signed_in(exempted)
    # A persona that is not a demo account still owes its code.
    other = Client()
    enrol_app(world.advocate_a)
    assert password_step(other, world.advocate_a)["Location"].startswith(TWO_FACTOR)
    settings.MFA_EXEMPT_DEMO_USERS = False
    plain = Client()
    assert password_step(plain, demo)["Location"].startswith(TWO_FACTOR)


def test_the_session_key_changes_when_the_second_factor_is_passed(world):
    user = world.investigator_a
    device = enrol_app(user)
    client = Client()
    password_step(client, user)
    before = client.session.session_key
    client.post(TWO_FACTOR, {"code": app_code(device)})
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert signed_in(client)


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("le_supervisor_a", True), ("coordinator", True), ("investigator_a", False)],
)
def test_home_links_to_locked_accounts_for_those_who_may_unlock(world, client, persona, shown):
    client.force_login(world.users[persona])
    page = client.get("/").content.decode()
    assert ('id="account-locks-link"' in page) is shown


# --- Lockout through the sign-in pages --------------------------------------------------------


def bad_password(client: Client, user):
    return client.post(
        LOGIN, {"username": user.username, "password": "not-the-password", "acknowledge": "on"}
    )


def test_four_bad_passwords_then_the_right_one_sign_in(world):
    user = world.investigator_a
    enrol_app(user)
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert bad_password(Client(), user).status_code == 200
        assert password_step(Client(), user).status_code == 302


def test_five_bad_passwords_lock_the_account_even_for_the_right_one(world):
    user = world.investigator_a
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            bad_password(Client(), user)
            clock.shift(dt.timedelta(minutes=3))
        fifth = bad_password(Client(), user)  # 12 minutes after the first
        assert fifth.status_code == 403
        assert "locked" in fifth.content.decode()
        right = Client()
        response = password_step(right, user)
    assert response.status_code == 403
    assert "_auth_user_id" not in right.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCK, object_id=str(user.pk)).exists()


def test_five_wrong_codes_lock_the_account_and_end_the_session(world):
    user = world.investigator_a
    device = enrol_app(user)
    client = Client()
    with time_machine.travel(START, tick=False):
        password_step(client, user)
        wrong = "000000" if app_code(device) != "000000" else "111111"
        for _ in range(4):
            assert client.post(TWO_FACTOR, {"code": wrong}).status_code == 400
        response = client.post(TWO_FACTOR, {"code": wrong})
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert "_auth_user_id" not in client.session
        again = Client()
        assert password_step(again, user).status_code == 403


def test_both_steps_are_on_the_audit_trail(world):
    user = world.investigator_a
    sign_in(Client(), user)
    steps = list(
        AuditEvent.objects.filter(user_id=user.pk, action=AuditAction.LOGIN)
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert steps == [{}, {"step": "otp"}]


def test_a_change_in_the_administration_needs_reauthentication(world):
    enrol_app(world.investigator_a)
    admin_client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(admin_client, world.admin)
        clock.shift(dt.timedelta(minutes=16))
        assert admin_client.get("/admin/auth/user/").status_code == 200  # reading is not a change
        response = admin_client.post(
            "/admin/auth/user/",
            {"action": "reset_second_factor", "_selected_action": [world.investigator_a.pk]},
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauthenticate"))
    assert TOTPDevice.objects.filter(user=world.investigator_a).exists()


# --- The person's own account security --------------------------------------------------------

SECURITY = "/accounts/security/"


def test_a_password_change_keeps_this_session_and_ends_the_others(world):
    user = world.advocate_a
    here, elsewhere = Client(), Client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    page = here.get(SECURITY).content.decode()
    assert "An authenticator app is set up" in page
    refused = here.post(
        SECURITY,
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )
    assert refused.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    new = "a-river-of-lanterns-at-dusk"
    changed = here.post(
        SECURITY, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(user.pk), detail__fields=["password"]
    ).exists()
    # The session under its new key is still known: a later disable ends it too.
    from taskforce.signin import disable_account

    disable_account(user, reason="test")
    assert not signed_in(here)


def test_a_breached_password_is_refused_on_the_security_page(world):
    user = world.advocate_a
    client = Client()
    sign_in(client, user)
    response = client.post(
        SECURITY,
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_new_recovery_codes_replace_the_old_ones(world):
    user = world.advocate_a
    client = Client()
    sign_in(client, user)
    old = mfa.issue_recovery_codes(user)
    response = client.post(reverse("account-recovery-codes-new"), follow=True)
    new = response.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not mfa.verify(user, old[0])
    assert mfa.verify(user, new[0])


def test_new_recovery_codes_need_reauthentication(world):
    user = world.advocate_a
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        old = mfa.issue_recovery_codes(user)
        clock.shift(dt.timedelta(minutes=16))
        response = client.post(
            reverse("account-recovery-codes-new"), HTTP_REFERER="http://testserver" + SECURITY
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauthenticate"))
    assert mfa.verify(user, old[1])
