"""Partner systems: OAuth2 client credentials, one agency each, tokens that expire."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient

from agencies.models import Membership
from agencies.services import register_partner_application
from tests.isolation.models import Dossier

AccessToken = get_access_token_model()


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def partner(world):
    """A records system of le_a, registered by the task force."""
    application, secret = register_partner_application(
        agency=world.le_a, name="Alpha records bridge", by=world.coordinator
    )
    return application, secret


def obtain_token(application, secret) -> APIClient:
    client = APIClient()
    response = client.post(
        reverse("oauth-token"),
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(application.client_id, secret),
    )
    return response


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_partner_gets_a_token_and_acts_for_its_agency(world, partner):
    application, secret = partner
    response = obtain_token(application, secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert "refresh_token" not in body  # client credentials: ask again, never refresh

    me = bearer(body["access_token"]).get(reverse("api-me"))
    assert me.status_code == 200, me.content
    data = me.json()
    assert data["username"] == application.user.username
    assert data["is_coordinator"] is False
    [membership] = data["memberships"]
    assert membership["agency_id"] == world.le_a.pk
    assert membership["is_service_account"] is True
    assert membership["role"] == "investigator"


def test_token_lives_one_hour(world, partner):
    application, secret = partner
    token = obtain_token(application, secret).json()["access_token"]
    stored = AccessToken.objects.get(application=application)
    remaining = stored.expires - timezone.now()
    assert dt.timedelta(minutes=59) < remaining <= dt.timedelta(hours=1)

    AccessToken.objects.filter(pk=stored.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    response = bearer(token).get(reverse("api-me"))
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_wrong_secret_gets_401_and_no_token(world, partner):
    application, _ = partner
    response = obtain_token(application, "not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.filter(application=application).exists()


def test_secret_is_not_stored_in_clear(world, partner):
    application, secret = partner
    application.refresh_from_db()
    assert application.client_secret != secret


def test_other_grant_types_are_refused(world, partner):
    application, secret = partner
    response = APIClient().post(
        reverse("oauth-token"),
        "grant_type=password&username=investigator_a&password=correct-horse-battery",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(application.client_id, secret),
    )
    assert response.status_code in (400, 401)
    assert not AccessToken.objects.filter(application=application).exists()


def test_made_up_token_gets_401(world):
    assert bearer("made-up-token").get(reverse("api-me")).status_code == 401


def test_partner_sees_no_more_than_its_agency(world, partner):
    application, secret = partner
    client = bearer(obtain_token(application, secret).json()["access_token"])

    other = Membership.objects.get(user=world.investigator_b)
    assert client.get(reverse("membership-detail", kwargs={"pk": other.pk})).status_code == 404
    listed = client.get(reverse("membership-list"), {"page_size": 100}).json()["results"]
    assert {m["agency"] for m in listed} == {world.le_a.pk}

    theirs = Dossier.objects.create(owner_agency=world.le_b, title="Operation Tidewater")
    ours = Dossier.objects.create(owner_agency=world.le_a, title="Operation Lantern")
    assert client.get(reverse("dossier-detail", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("dossier-detail", kwargs={"pk": ours.pk})).status_code == 200
    titles = [d["title"] for d in client.get(reverse("dossier-list")).json()["results"]]
    assert titles == ["Operation Lantern"]

    # A partner system manages nothing: it cannot edit its own agency.
    response = client.patch(
        reverse("agency-detail", kwargs={"pk": world.le_a.pk}), {"phone": "1"}, format="json"
    )
    assert response.status_code == 403


def test_partner_loses_everything_when_its_membership_ends(world, partner):
    application, secret = partner
    client = bearer(obtain_token(application, secret).json()["access_token"])
    Membership.objects.filter(user=application.user).update(
        starts=timezone.localdate() - dt.timedelta(days=10),
        ends=timezone.localdate() - dt.timedelta(days=1),
    )
    assert client.get(reverse("api-me")).status_code == 403
    assert client.get(reverse("membership-list")).status_code == 403
