"""Victims' identifying values stay out of the logs and the error pages: a request that fails
while it holds them logs the failure and answers the generic error page, never the values."""

from __future__ import annotations

import logging

from django.urls import reverse

from tests.security.test_audit_integrity import refuse_new_audit_events
from tests.security.test_encryption import IDENTITY, today
from victims.models import Client

VALUES = [str(v) for v in IDENTITY.values()]


def new_client_payload() -> dict:
    return {
        **{key: str(value) for key, value in IDENTITY.items()},
        "citizenship": "lpr",
        "identified_on": today().isoformat(),
        "identification_source": "hotline",
    }


def test_a_failed_request_logs_and_shows_no_identifying_value(world, api, caplog):
    caplog.set_level(logging.DEBUG)
    advocate = api(world.advocate_a)
    advocate.raise_request_exception = False
    before = Client.objects.count()
    refuse_new_audit_events()
    response = advocate.post(reverse("client-list"), new_client_payload(), format="json")
    assert response.status_code == 500
    assert Client.objects.count() == before
    body = response.content.decode()
    # The failure itself is logged (an operator must see it), without what was typed.
    assert "Internal Server Error" in caplog.text
    for value in VALUES:
        assert value not in body, value
        assert value not in caplog.text, value


def test_a_successful_request_logs_no_identifying_value(world, api, caplog):
    caplog.set_level(logging.DEBUG)
    advocate = api(world.advocate_a)
    created = advocate.post(reverse("client-list"), new_client_payload(), format="json")
    assert created.status_code == 201, created.content
    assert advocate.get(reverse("client-detail", args=[created.json()["id"]])).status_code == 200
    for value in VALUES:
        assert value not in caplog.text, value
