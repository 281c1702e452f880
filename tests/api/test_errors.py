"""Error shapes: bad input is a 400 naming the field and changes nothing; unknown or invisible is
a 404; visible but not allowed is a 403; no input at all makes a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership
from taskforce.models import AuditEvent
from tests.isolation.models import Dossier


def agency_url(pk) -> str:
    return f"/api/v1/agencies/{pk}/"


def membership_url(pk, end: bool = False) -> str:
    return f"/api/v1/memberships/{pk}/" + ("end/" if end else "")


# --- 400 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Kappa Shelter", "discipline": "bogus", "jurisdiction_level": "local"},
         "discipline"),
        ({"discipline": "victim_services", "jurisdiction_level": "local"}, "name"),
        ({"name": "", "discipline": "victim_services", "jurisdiction_level": "local"}, "name"),
        ({"name": "Kappa Shelter", "discipline": "victim_services", "jurisdiction_level": "moon"},
         "jurisdiction_level"),
        ({"name": "Kappa Shelter", "discipline": "victim_services", "jurisdiction_level": "local",
          "public_contact_email": "not-an-email"}, "public_contact_email"),
        ({"name": "Kappa Shelter", "discipline": "victim_services", "jurisdiction_level": "local",
          "services_offered": ["no-such-service"]}, "services_offered"),
        ({"name": "Kappa Shelter", "discipline": "victim_services", "jurisdiction_level": "local",
          "state": "Texas"}, "state"),
        # The same name as a member agency already has.
        ({"name": "Beta County Sheriff", "discipline": "law_enforcement",
          "jurisdiction_level": "local"}, "name"),
    ],
)  # fmt: skip
def test_bad_agency_input_is_400_with_the_field_and_creates_nothing(world, api, data, field):
    before = Agency.objects.count()
    events = AuditEvent.objects.count()
    response = api(world.coordinator).post("/api/v1/agencies/", data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert isinstance(body[field], list)
    assert all(isinstance(message, str) and message for message in body[field])
    assert Agency.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_malformed_json_is_400(world, api):
    response = api(world.coordinator).post(
        "/api/v1/agencies/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_bad_partial_update_changes_nothing(world, api):
    response = api(world.le_supervisor_a).patch(
        agency_url(world.le_a.pk), {"phone": "555-0100", "state": "Texas"}, format="json"
    )
    assert response.status_code == 400
    assert "state" in response.json()
    world.le_a.refresh_from_db()
    assert world.le_a.phone == ""


def test_membership_ending_before_it_starts_is_400_and_changes_nothing(world, api):
    membership = Membership.objects.get(user=world.investigator_a)
    before = (membership.starts, membership.ends, membership.role)
    client = api(world.le_supervisor_a)
    day_before = (membership.starts - dt.timedelta(days=1)).isoformat()

    response = client.patch(membership_url(membership.pk), {"ends": day_before}, format="json")
    assert response.status_code == 400, response.content
    assert "ends" in response.json()

    response = client.post(membership_url(membership.pk, end=True), {"ends": day_before})
    assert response.status_code == 400, response.content
    assert "ends" in response.json()

    membership.refresh_from_db()
    assert (membership.starts, membership.ends, membership.role) == before


def test_new_membership_ending_before_it_starts_is_400_and_creates_nothing(world, api):
    before = Membership.objects.count()
    today = timezone.localdate()
    response = api(world.coordinator).post(
        "/api/v1/memberships/",
        {
            "user": "outsider",
            "agency": world.le_b.pk,
            "role": "investigator",
            "starts": today.isoformat(),
            "ends": (today - dt.timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "ends" in response.json()
    assert Membership.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"user": "outsider", "agency": "@le_b", "role": "advocate"}, "role"),
        ({"user": "nobody-by-that-name", "agency": "@le_b", "role": "investigator"}, "user"),
        ({"user": "outsider", "agency": 987654321, "role": "investigator"}, "agency"),
        ({"user": "outsider", "agency": "@le_b", "role": "sheriff"}, "role"),
        ({"user": "investigator_b", "agency": "@le_b", "role": "investigator"}, "starts"),
    ],
)
def test_bad_membership_input_is_400_with_the_field(world, api, data, field):
    data = {k: world.agencies[v[1:]].pk if str(v).startswith("@") else v for k, v in data.items()}
    before = Membership.objects.count()
    response = api(world.coordinator).post("/api/v1/memberships/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Membership.objects.count() == before


# --- 404 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/987654321/",
        "/api/v1/agencies/abc/",
        "/api/v1/agencies/1.5/",
        "/api/v1/agencies/99999999999999999999999999/",
        "/api/v1/agencies/-1/",
        "/api/v1/memberships/987654321/",
        "/api/v1/memberships/abc/",
        "/api/v1/memberships/99999999999999999999999999/",
        "/api/v1/test/dossiers/abc/",
        "/api/v1/test/dossiers/99999999999999999999999999/",
    ],
)
def test_unknown_or_malformed_id_is_404_with_detail(world, api, url):
    response = api(world.coordinator).get(url)
    assert response.status_code == 404, response.content
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999999"])
def test_malformed_id_on_writes_is_404(world, api, pk):
    client = api(world.coordinator)
    assert client.patch(membership_url(pk), {"title": "x"}, format="json").status_code == 404
    assert client.post(membership_url(pk, end=True), {}, format="json").status_code == 404
    assert client.patch(agency_url(pk), {"phone": "1"}, format="json").status_code == 404


def test_invisible_record_is_the_same_404_as_a_missing_one(world, api):
    dossier = Dossier.objects.create(owner_agency=world.le_a, title="Operation Lantern")
    client = api(world.investigator_b)
    invisible = client.get(f"/api/v1/test/dossiers/{dossier.pk}/")
    missing = client.get("/api/v1/test/dossiers/987654321/")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json()
    assert "Lantern" not in invisible.content.decode()

    other = Membership.objects.get(user=world.investigator_b)
    hidden = api(world.investigator_a).get(membership_url(other.pk))
    assert hidden.status_code == 404
    assert hidden.json() == api(world.investigator_a).get(membership_url(987654321)).json()


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "garbage"},
        {"cursor": "bz1hYmM"},  # base64 of "o=abc": an offset that is not a number
    ],
)
def test_invalid_cursor_is_404_not_500(world, api, query):
    for url in ("/api/v1/agencies/", "/api/v1/memberships/", "/api/v1/test/dossiers/"):
        response = api(world.coordinator).get(url, query)
        assert response.status_code == 404, (url, response.content)
        assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/agencies/", {"page_size": "lots"}),
        ("/api/v1/agencies/", {"page_size": "-3"}),
        ("/api/v1/agencies/", {"page_size": "100000"}),
        ("/api/v1/agencies/", {"discipline": "bogus"}),
        ("/api/v1/agencies/", {"active": "perhaps"}),
        ("/api/v1/agencies/", {"search": "\x00"}),
        ("/api/v1/memberships/", {"agency": "abc"}),
        ("/api/v1/memberships/", {"agency": "1e300"}),
        ("/api/v1/memberships/", {"agency": "99999999999999999999999"}),
        ("/api/v1/memberships/", {"role": "sheriff"}),
    ],
)
def test_odd_query_parameters_are_never_a_500(world, api, url, query):
    response = api(world.coordinator).get(url, query)
    assert response.status_code in (200, 400), (response.status_code, response.content)
    if response.status_code == 400:
        assert response.json()


# --- 403 ------------------------------------------------------------------------------------


def test_visible_but_not_allowed_is_403_with_detail_and_changes_nothing(world, api):
    response = api(world.investigator_a).patch(
        agency_url(world.le_a.pk), {"phone": "555-0199"}, format="json"
    )
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]
    world.le_a.refresh_from_db()
    assert world.le_a.phone == ""


def test_read_only_grant_is_403_on_change(world, api):
    from taskforce import access

    dossier = Dossier.objects.create(owner_agency=world.le_a, title="Operation Lantern")
    access.grant(obj=dossier, agency=world.le_b, action="view", reason="co-investigation")
    response = api(world.investigator_b).patch(
        reverse("dossier-detail", kwargs={"pk": dossier.pk}), {"title": "x"}, format="json"
    )
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]
    dossier.refresh_from_db()
    assert dossier.title == "Operation Lantern"


def test_unsupported_method_is_405(world, api):
    response = api(world.coordinator).delete(agency_url(world.le_a.pk))
    assert response.status_code == 405
    assert Agency.objects.filter(pk=world.le_a.pk).exists()
