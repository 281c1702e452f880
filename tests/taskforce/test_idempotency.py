"""Idempotency-Key: a repeated partner write returns the first result and changes nothing."""

import datetime as dt

from django.utils import timezone

from agencies.models import Agency
from taskforce.models import IdempotencyRecord
from taskforce.services import purge_idempotency_records

NEW_AGENCY = {
    "name": "Kappa Shelter",
    "discipline": "victim_services",
    "jurisdiction_level": "local",
}


def test_repeated_key_replays_the_first_response(world, api):
    client = api(world.coordinator)
    first = client.post("/api/v1/agencies/", NEW_AGENCY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/agencies/", NEW_AGENCY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Agency.objects.filter(name="Kappa Shelter").count() == 1


def test_same_key_for_a_different_request_is_a_conflict(world, api):
    client = api(world.coordinator)
    client.post("/api/v1/agencies/", NEW_AGENCY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = {**NEW_AGENCY, "name": "Lambda Shelter"}
    response = client.post("/api/v1/agencies/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert not Agency.objects.filter(name="Lambda Shelter").exists()


def test_keys_belong_to_one_caller_and_failures_are_not_remembered(world, api):
    bad = api(world.coordinator).post(
        "/api/v1/agencies/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    refused = api(world.investigator_a).post(
        "/api/v1/agencies/", NEW_AGENCY, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert refused.status_code == 403


def test_old_keys_are_purged(world, api):
    api(world.coordinator).post(
        "/api/v1/agencies/", NEW_AGENCY, format="json", HTTP_IDEMPOTENCY_KEY="k-4"
    )
    assert purge_idempotency_records() == 0
    assert purge_idempotency_records(now=timezone.now() + dt.timedelta(hours=25)) == 1
