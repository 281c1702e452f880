"""The access layer seen from outside: the API and the browser answer alike, and are audited."""

import pytest

from agencies import services
from agencies.roles import Role
from taskforce import access
from taskforce.models import AuditEvent
from tests.isolation.models import Dossier


@pytest.fixture
def dossier(world):
    return Dossier.objects.create(owner_agency=world.le_a, title="Operation Lantern")


def test_owner_reads_through_api_and_the_read_is_audited(world, api, dossier):
    response = api(world.investigator_a).get(f"/api/v1/test/dossiers/{dossier.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Operation Lantern"
    event = AuditEvent.objects.get(action="view", object_id=str(dossier.pk))
    assert event.user_id == world.investigator_a.pk
    assert event.acting_agency_id == world.le_a.pk
    assert event.object_type == "isolation.dossier"
    assert event.outcome == "success"


def test_invisible_record_is_404_in_api_and_browser_alike(world, api, browser_client, dossier):
    api_response = api(world.investigator_b).get(f"/api/v1/test/dossiers/{dossier.pk}/")
    missing = api(world.investigator_b).get("/api/v1/test/dossiers/999999/")
    assert api_response.status_code == missing.status_code == 404
    assert api_response.json() == missing.json()

    page = browser_client(world.investigator_b).get(f"/test/dossiers/{dossier.pk}/")
    assert page.status_code == 404
    assert b"Operation Lantern" not in page.content


def test_refused_reads_stay_in_the_audit_trail(world, api, browser_client, dossier):
    api(world.investigator_b).get(f"/api/v1/test/dossiers/{dossier.pk}/")
    browser_client(world.advocate_a).get(f"/test/dossiers/{dossier.pk}/")
    denied = AuditEvent.objects.filter(
        action="view", object_id=str(dossier.pk), outcome="denied"
    ).order_by("id")
    assert [e.user_id for e in denied] == [world.investigator_b.pk, world.advocate_a.pk]
    assert all(e.detail == {} for e in denied)


def test_list_shows_only_visible_records(world, api, dossier):
    Dossier.objects.create(owner_agency=world.le_b, title="Other agency's")
    titles = [
        d["title"]
        for d in api(world.investigator_a).get("/api/v1/test/dossiers/").json()["results"]
    ]
    assert titles == ["Operation Lantern"]


def test_superuser_gets_no_bypass(world, api, browser_client, dossier):
    # Without a membership the API refuses outright; with one, the superuser flag widens nothing.
    assert api(world.admin).get(f"/api/v1/test/dossiers/{dossier.pk}/").status_code == 403
    services.add_membership(by=None, user=world.admin, agency=world.community, role=Role.MEMBER)
    assert api(world.admin).get(f"/api/v1/test/dossiers/{dossier.pk}/").status_code == 404
    assert not access.visible(world.admin, Dossier).exists()
    assert browser_client(world.admin).get(f"/test/dossiers/{dossier.pk}/").status_code == 404


def test_visible_but_not_changeable_is_403_and_changes_nothing(world, api, dossier):
    access.grant(obj=dossier, agency=world.le_b, action="view", reason="co-investigation", by=None)
    client = api(world.investigator_b)
    assert client.get(f"/api/v1/test/dossiers/{dossier.pk}/").status_code == 200
    response = client.patch(f"/api/v1/test/dossiers/{dossier.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.title == "Operation Lantern"


def test_change_grant_allows_change(world, api, dossier):
    access.grant(obj=dossier, agency=world.le_b, action="change", reason="co-investigation")
    response = api(world.investigator_b).patch(
        f"/api/v1/test/dossiers/{dossier.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.title == "Renamed"


def test_ended_membership_sees_nothing(world, api, dossier):
    assert api(world.ended_member).get(f"/api/v1/test/dossiers/{dossier.pk}/").status_code == 403
    assert not access.visible(world.ended_member, Dossier).exists()
