"""The audit trail: logins, failures, logouts; ids only; append-only."""

import pytest

from taskforce.models import AuditEvent
from tests.factories import PASSWORD


def test_login_success_and_logout_are_audited(world, client):
    response = client.post(
        "/accounts/login/",
        {"username": "investigator_a", "password": PASSWORD, "acknowledge": "on"},
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    actions = list(
        AuditEvent.objects.filter(user_id=world.investigator_a.pk)
        .order_by("id")
        .values_list("action", "outcome", "acting_agency_id")
    )
    assert actions == [("login", "success", world.le_a.pk), ("logout", "success", world.le_a.pk)]


def test_failed_login_is_audited_without_the_typed_username(world, client):
    response = client.post(
        "/accounts/login/",
        {"username": "investigator_a", "password": "wrong", "acknowledge": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="login_failed")
    assert event.outcome == "failure"
    assert event.object_id == str(world.investigator_a.pk)
    assert event.user_id is None
    assert event.source_ip == "203.0.113.7"
    assert "investigator_a" not in str(event.detail)


def test_failed_login_for_unknown_account_records_no_name(world, client):
    client.post("/accounts/login/", {"username": "Jane Doe", "password": "x", "acknowledge": "on"})
    event = AuditEvent.objects.get(action="login_failed")
    assert event.object_id == ""
    assert "Jane" not in str(event.detail)


def test_audit_rows_cannot_be_changed_or_deleted(world, client):
    client.post(
        "/accounts/login/", {"username": "advocate_a", "password": PASSWORD, "acknowledge": "on"}
    )
    event = AuditEvent.objects.get(action="login")
    event.action = "logout"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="logout")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login"
