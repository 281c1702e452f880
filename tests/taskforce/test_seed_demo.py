"""The demo task force: realistic, idempotent, and every demo user can sign in."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from agencies.models import Agency, Membership
from agencies.roles import Discipline
from taskforce.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD, USERS

DEMO_USERNAMES = [u[0] for u in USERS] + ["admin"]


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    counts = (Agency.objects.count(), Membership.objects.count(), get_user_model().objects.count())
    call_command("seed_demo")
    assert counts == (
        Agency.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
    )
    assert counts[0] == 10
    disciplines = set(Agency.objects.values_list("discipline", flat=True))
    assert disciplines == set(Discipline.values)


def test_every_demo_user_can_sign_in(db, client, monkeypatch, settings):
    """As under `make run`, which exempts the demo accounts from the second factor."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.MFA_EXEMPT_DEMO_USERS = True
    call_command("seed_demo")
    for username in DEMO_USERNAMES:
        response = client.post(
            "/accounts/login/",
            {"username": username, "password": DEFAULT_DEMO_PASSWORD, "acknowledge": "on"},
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username
        client.post("/accounts/logout/")


def test_without_the_exemption_demo_users_owe_a_second_factor(db, client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator", "password": DEFAULT_DEMO_PASSWORD, "acknowledge": "on"},
    )
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/").status_code == 302


def test_demo_password_comes_from_the_environment(db, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    call_command("seed_demo")
    assert client.login(username="fed_agent", password="another-demo-password")


def test_demo_coordinator_is_a_coordinator_and_admin_has_no_membership(db):
    call_command("seed_demo")
    assert Membership.objects.get(user__username="coordinator").is_coordinator
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and not admin.memberships.exists()
