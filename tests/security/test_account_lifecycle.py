"""Accounts unused for 90 days are disabled, and with them every session and token; a membership
that ends by date ends the person's sessions the day after."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, set_token_value
from rest_framework.test import APIClient

from agencies import services, tasks
from agencies.models import Membership
from taskforce.models import AuditAction, AuditEvent, UserSession
from tests.conftest import build_world
from tests.signin import SignedInClient

User = get_user_model()
AccessToken = get_access_token_model()

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def active(user) -> bool:
    return User.objects.get(pk=user.pk).is_active


@pytest.fixture
def grown_world(db):
    """The world as made on START, with a partner system; investigator_a signs in that day."""
    with time_machine.travel(START, tick=False):
        world = build_world()
        application, _ = services.register_partner_application(
            agency=world.le_a, name="Alpha records bridge", by=world.coordinator
        )
        User.objects.filter(pk=world.investigator_a.pk).update(last_login=timezone.now())
    world.partner = application
    return world


def test_89_days_idle_stays_active(grown_world):
    with time_machine.travel(START + dt.timedelta(days=89), tick=False):
        assert services.disable_inactive_accounts() == 0
    assert active(grown_world.investigator_a)
    assert active(grown_world.admin)


def test_91_days_idle_is_disabled_and_audited(grown_world):
    w = grown_world
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        # Someone who signed in yesterday is not touched.
        User.objects.filter(pk=w.prosecutor.pk).update(
            last_login=timezone.now() - dt.timedelta(days=1)
        )
        disabled = tasks.disable_inactive_accounts()

    assert not active(w.investigator_a)  # last signed in 91 days ago
    assert not active(w.outsider)  # never signed in; made 91 days ago
    assert not active(w.admin)  # superusers too
    assert active(w.prosecutor)
    service_account = w.partner.user
    assert active(service_account)  # partner systems never sign in
    assert disabled == len(w.users) - 1

    event = AuditEvent.objects.get(
        action=AuditAction.DISABLE, object_type="auth.user", object_id=str(w.investigator_a.pk)
    )
    assert event.user_id is None
    assert event.detail == {"reason": "inactive 90 days"}

    # Once disabled, the next night leaves them be (no second audit line).
    with time_machine.travel(START + dt.timedelta(days=92), tick=False):
        assert services.disable_inactive_accounts() == 0


def test_idle_counts_from_creation_when_never_signed_in(grown_world):
    with time_machine.travel(START + dt.timedelta(days=60), tick=False):
        newcomer = User.objects.create(username="newcomer")
    with time_machine.travel(START + dt.timedelta(days=149), tick=False):
        services.disable_inactive_accounts()
        assert active(newcomer)
    with time_machine.travel(START + dt.timedelta(days=151), tick=False):
        services.disable_inactive_accounts()
        assert not active(newcomer)


def test_a_disabled_account_loses_its_session_and_token_at_once(world):
    user = world.investigator_b
    browser = SignedInClient()
    browser.force_login(user)
    # Signing in stamps last_login; this account's last sign-in was 91 days ago.
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - dt.timedelta(days=91))

    application, _ = services.register_partner_application(
        agency=world.le_b, name="Beta records bridge", by=world.coordinator
    )
    token = AccessToken(
        user=user, application=application, scope="read write",
        expires=timezone.now() + dt.timedelta(hours=1),
    )  # fmt: skip
    raw = secrets.token_urlsafe(30)
    set_token_value(token, raw)
    token.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert browser.get(reverse("home")).status_code == 200
    assert api.get(reverse("api-me")).status_code == 200

    assert services.disable_inactive_accounts() >= 1

    page = browser.get(reverse("home"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert api.get(reverse("api-me")).status_code == 401
    assert not AccessToken.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()


def test_membership_ended_by_date_ends_sessions_the_day_after(world):
    user = world.investigator_a
    membership = Membership.objects.get(user=user)
    today = timezone.localdate()
    # Ended ahead of time by a coordinator; the sessions opened since are still in force.
    services.end_membership(membership=membership, by=world.le_supervisor_a, ends=today)
    browser = SignedInClient()
    browser.force_login(user)
    assert UserSession.objects.filter(user=user).exists()

    # The membership still holds on its last day: the job leaves the session alone.
    services.check_ended_memberships(today=today)
    assert UserSession.objects.filter(user=user).exists()

    # The day after, it grants nothing, and the session ends.
    services.check_ended_memberships(today=today + dt.timedelta(days=1))
    assert not UserSession.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.END_SESSIONS,
        object_id=str(user.pk),
        detail__reason="membership ended",
    ).exists()
