"""Account lockout after repeated failed sign-in steps, throttling of an address that keeps
failing, unlocking by the people responsible for the account, and the same rules at the OAuth2
token endpoint of partner systems."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient

from agencies.services import register_partner_application
from taskforce import lockout
from taskforce.models import (
    AccountLock,
    AuditAction,
    AuditEvent,
    AuditOutcome,
    SignInFailure,
    SignInStep,
)
from tests.signin import SignedInClient

AccessToken = get_access_token_model()

START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
HOME_IP = "198.51.100.10"
GUESSER_IP = "203.0.113.7"


def fail(user, *, step=SignInStep.PASSWORD, ip=HOME_IP, username=None) -> bool:
    return lockout.failed(username=username or user.username, user=user, source_ip=ip, step=step)


def lock(user) -> AccountLock:
    for _ in range(5):
        fail(user)
    return AccountLock.objects.get(user=user, unlocked_at=None)


def refusal(user, ip=HOME_IP) -> int | None:
    """The status ``check`` refuses with, or None when the attempt may go ahead."""
    try:
        lockout.check(user=user, source_ip=ip, step=SignInStep.PASSWORD)
    except lockout.SignInRefused as refused:
        assert refused.message
        return refused.status
    return None


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


# --- Counting failures per account -------------------------------------------------------------


def test_four_failures_then_a_success_do_not_lock(world):
    user = world.investigator_a
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            assert fail(user) is False
        lockout.succeeded(user=user)
        for _ in range(4):
            clock.shift(dt.timedelta(minutes=1))
            assert fail(user) is False
    assert not AccountLock.objects.filter(user=user).exists()
    assert refusal(user) is None


def test_five_failures_within_fifteen_minutes_lock(world):
    user = world.investigator_a
    with time_machine.travel(START, tick=False) as clock:
        # Password and one-time-code failures count together.
        steps = [SignInStep.PASSWORD, SignInStep.OTP] * 2
        for step in steps:
            assert fail(user, step=step) is False
            clock.shift(dt.timedelta(minutes=3, seconds=30))
        assert fail(user, step=SignInStep.OTP) is True

    locked = AccountLock.objects.get(user=user)
    assert locked.unlocked_at is None and locked.step == SignInStep.OTP
    [event] = events(AuditAction.LOCK)
    assert event.object_type == "auth.user" and event.object_id == str(user.pk)
    assert user.username not in str(event.detail)
    assert events(
        AuditAction.END_SESSIONS, object_id=str(user.pk), detail__reason="locked"
    ).exists()
    # Further failures while locked change nothing and lock nothing twice.
    assert fail(user) is True
    assert AccountLock.objects.filter(user=user).count() == 1
    assert events(AuditAction.LOCK).count() == 1


def test_five_failures_spread_over_sixteen_minutes_do_not_lock(world):
    user = world.investigator_a
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            assert fail(user) is False
            clock.shift(dt.timedelta(minutes=4))
        # The first failure is now 16 minutes old: four count, not five.
        assert fail(user) is False
    assert not AccountLock.objects.filter(user=user).exists()


def test_locked_account_is_refused_even_with_the_right_password(world):
    user = world.investigator_a
    lock(user)
    assert refusal(user) == 403
    # The refusal comes before the password is checked, from any address.
    assert refusal(user, ip="192.0.2.44") == 403
    assert refusal(world.le_supervisor_a) is None


def test_lock_ends_the_accounts_browser_sessions(world):
    client = signed_in(world.investigator_a)
    assert client.get(reverse("account-locks")).status_code == 404  # signed in, may unlock no one
    lock(world.investigator_a)
    assert client.get(reverse("account-locks")).status_code == 302  # back to the sign-in page


def test_lock_ends_the_accounts_tokens(world):
    application, _ = register_partner_application(
        agency=world.le_a, name="Alpha records bridge", by=world.coordinator
    )
    account = application.user
    AccessToken.objects.create(
        user=None,
        application=application,
        token="issued-before-the-lock",
        expires=START + dt.timedelta(days=1000),
        scope="read",
    )
    for _ in range(5):
        fail(account, step=SignInStep.TOKEN, username=application.client_id)
    assert not AccessToken.objects.filter(application=application).exists()


# --- Throttling an address ---------------------------------------------------------------------


def test_address_throttled_after_twenty_failures_over_many_usernames(world):
    targets = [world.investigator_a, world.le_supervisor_a, world.prosecutor, world.advocate_a]
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            for user in targets:
                fail(user, ip=GUESSER_IP)
            clock.shift(dt.timedelta(minutes=1))
        for n in range(4):  # names that are no account at all count for the address too
            lockout.failed(
                username=f"nobody{n}", user=None, source_ip=GUESSER_IP, step=SignInStep.PASSWORD
            )
        assert SignInFailure.objects.filter(source_ip=GUESSER_IP).count() == 20

        # No account reached its own limit, so none is locked ...
        assert not AccountLock.objects.exists()
        for user in targets:
            assert refusal(user, ip=HOME_IP) is None
        # ... but the address is refused, whoever it names, existing or not.
        assert refusal(world.investigator_b, ip=GUESSER_IP) == 429
        assert refusal(None, ip=GUESSER_IP) == 429

        clock.shift(dt.timedelta(minutes=15))
        assert refusal(world.investigator_b, ip=GUESSER_IP) is None


def test_nineteen_failures_from_an_address_are_not_yet_throttled(world):
    with time_machine.travel(START, tick=False):
        for n in range(19):
            lockout.failed(
                username=f"nobody{n}", user=None, source_ip=GUESSER_IP, step=SignInStep.PASSWORD
            )
        assert refusal(None, ip=GUESSER_IP) is None


def test_throttled_address_outranks_a_lock(world):
    """From a throttled address a locked account looks like any other: nothing is given away."""
    lock(world.investigator_a)
    for n in range(20):
        lockout.failed(
            username=f"nobody{n}", user=None, source_ip=GUESSER_IP, step=SignInStep.PASSWORD
        )
    assert refusal(world.investigator_a, ip=GUESSER_IP) == 429


# --- Unlocking ---------------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = SignedInClient()
    client.force_login(user)
    return client


def test_supervisor_of_the_agency_unlocks_over_the_pages(world):
    user, supervisor = world.investigator_a, world.le_supervisor_a
    locked = lock(user)
    other = lock(world.investigator_b)
    client = signed_in(supervisor)

    page = client.get(reverse("account-locks"))
    assert page.status_code == 200
    assert f'id="lock-{locked.pk}"' in page.text
    assert f'id="lock-{other.pk}"' not in page.text  # another agency's member

    response = client.post(reverse("account-unlock", kwargs={"pk": locked.pk}))
    assert response.status_code == 302
    locked.refresh_from_db()
    assert locked.unlocked_at is not None and locked.unlocked_by == supervisor
    assert not SignInFailure.objects.filter(user=user).exists()
    assert refusal(user) is None
    [event] = events(AuditAction.UNLOCK)
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.user_id == supervisor.pk and event.object_id == str(user.pk)

    # The count started again: one more failure does not lock again.
    assert fail(user) is False
    assert f'id="lock-{locked.pk}"' not in client.get(reverse("account-locks")).text


def test_member_of_another_agency_cannot_unlock(world):
    user, stranger = world.investigator_a, world.investigator_b
    locked = lock(user)
    client = signed_in(stranger)

    assert client.get(reverse("account-locks")).status_code == 404
    assert client.post(reverse("account-unlock", kwargs={"pk": locked.pk})).status_code == 404
    locked.refresh_from_db()
    assert locked.unlocked_at is None
    [event] = events(AuditAction.UNLOCK)
    assert event.outcome == AuditOutcome.DENIED
    assert event.user_id == stranger.pk and event.object_id == str(user.pk)

    with pytest.raises(PermissionDenied):
        lockout.unlock(user=user, by=stranger)
    assert events(AuditAction.UNLOCK, outcome=AuditOutcome.DENIED).count() == 2
    assert refusal(user) == 403


def test_supervisor_cannot_unlock_another_agencys_member(world):
    locked = lock(world.investigator_b)
    response = signed_in(world.le_supervisor_a).post(
        reverse("account-unlock", kwargs={"pk": locked.pk})
    )
    assert response.status_code == 404
    assert AccountLock.objects.get(pk=locked.pk).unlocked_at is None


def test_coordinator_and_administrator_reach_every_lock(world):
    a, b = lock(world.investigator_a), lock(world.investigator_b)
    for person in (world.coordinator, world.admin):
        assert set(lockout.locked_accounts(person)) == {a, b}
    assert list(lockout.locked_accounts(world.le_supervisor_a)) == [a]
    assert not lockout.locked_accounts(world.investigator_b).exists()
    assert not lockout.locked_accounts(world.outsider).exists()

    response = signed_in(world.admin).post(reverse("account-unlock", kwargs={"pk": b.pk}))
    assert response.status_code == 302
    lockout.unlock(user=world.investigator_a, by=world.coordinator)
    assert not AccountLock.objects.filter(unlocked_at=None).exists()


def test_unlock_pages_need_a_signed_in_user(world):
    locked = lock(world.investigator_a)
    client = Client()
    assert client.get(reverse("account-locks")).status_code == 302
    assert client.post(reverse("account-unlock", kwargs={"pk": locked.pk})).status_code == 302
    assert AccountLock.objects.get(pk=locked.pk).unlocked_at is None


def test_old_failures_are_purged(world):
    with time_machine.travel(START, tick=False) as clock:
        fail(world.investigator_a)
        clock.shift(dt.timedelta(days=30, minutes=1))
        fail(world.investigator_b)
        assert lockout.purge_failures() == 1
    assert list(SignInFailure.objects.values_list("user_id", flat=True)) == [
        world.investigator_b.pk
    ]


# --- The OAuth2 token endpoint -----------------------------------------------------------------


@pytest.fixture
def partner(world):
    return register_partner_application(
        agency=world.le_a, name="Alpha records bridge", by=world.coordinator
    )


def request_token(application, secret, ip="192.0.2.80"):
    credentials = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    return APIClient().post(
        reverse("oauth-token"),
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
        REMOTE_ADDR=ip,
    )


def test_five_bad_secrets_lock_the_partner_out(world, partner):
    application, secret = partner
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            response = request_token(application, "not-the-secret")
            assert response.status_code == 401
            assert response.json()["error"] == "invalid_client"
        assert AccountLock.objects.filter(user=application.user, unlocked_at=None).exists()
        assert (
            SignInFailure.objects.filter(user=application.user, step=SignInStep.TOKEN).count() == 5
        )

        refused = request_token(application, secret)
        assert refused.status_code == 403
        assert refused.json()["error"] == "invalid_client"
        assert refused["Cache-Control"] == "no-store"
        assert not AccessToken.objects.filter(application=application).exists()

        # The agency's supervisor unlocks the service account; the right secret works again.
        lockout.unlock(user=application.user, by=world.le_supervisor_a)
        assert request_token(application, secret).status_code == 200
    failures = events(AuditAction.LOGIN_FAILED, object_id=str(application.user.pk))
    assert failures.filter(outcome=AuditOutcome.FAILURE).count() == 5
    assert failures.filter(outcome=AuditOutcome.DENIED).count() == 1


def test_right_secret_resets_the_count(world, partner):
    application, secret = partner
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert request_token(application, "not-the-secret").status_code == 401
        assert request_token(application, secret).status_code == 200
        assert not SignInFailure.objects.filter(user=application.user).exists()
        for _ in range(4):
            assert request_token(application, "not-the-secret").status_code == 401
        assert request_token(application, secret).status_code == 200
    assert not AccountLock.objects.exists()


def test_unknown_client_ids_count_against_the_address(world, partner):
    application, secret = partner
    with time_machine.travel(START, tick=False):
        for n in range(20):
            forged = type(application)(client_id=f"forged-{n}")
            assert request_token(forged, "guess", ip=GUESSER_IP).status_code == 401
        refused = request_token(application, secret, ip=GUESSER_IP)
        assert refused.status_code == 429
        assert refused.json()["error"] == "invalid_client"
        assert int(refused["Retry-After"]) > 0
        # The partner itself is not locked: from its own address it still gets a token.
        assert request_token(application, secret).status_code == 200
