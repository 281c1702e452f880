"""The audit trail's integrity: it fails closed, it is append-only down to the database, and
only the retention job removes events, and only those past a year.

Failures are real database failures (a trigger that refuses new audit rows), never mocks. The
append-only triggers exist on PostgreSQL; in the embedded SQLite mode the model is the guard,
and the same tests assert that instead.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services as cases_services
from cases.models import Case
from taskforce import audit, tasks
from taskforce.models import AuditAction, AuditEvent, AuditOutcome

NEW_CASE = {
    "origin": "proactive",
    "trafficking_type": "sex",
    "jurisdiction_level": "local",
    "venue": "illicit-massage",
}


@pytest.fixture
def case(world):
    """A case of le_a, assigned to investigator_a."""
    return cases_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Operation Lantern",
        origin="proactive",
        trafficking_type="sex",
        jurisdiction_level="local",
    )


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def refuse_new_audit_events() -> None:
    """From here on the database refuses every new audit row, as a full disk or a revoked grant
    would. Created inside the test's transaction, so it goes when the test ends."""
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute(
                "CREATE FUNCTION refuse_audit_insert() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'audit store unavailable'; END; $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_audit_insert BEFORE INSERT ON taskforce_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION refuse_audit_insert()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_audit_insert BEFORE INSERT ON taskforce_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"
            )


def an_event(**kwargs) -> AuditEvent:
    return audit.record(AuditAction.VIEW, object_type="cases.case", object_id="1", **kwargs)


# --- failing closed ----------------------------------------------------------------------------


def test_api_write_fails_and_leaves_nothing_when_its_audit_cannot_be_written(world, api):
    investigator = api(world.investigator_a)
    investigator.raise_request_exception = False
    created = investigator.post("/api/v1/cases/", {**NEW_CASE, "title": "Lantern"}, format="json")
    assert created.status_code == 201
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.case", object_id=str(created.json()["id"])
    ).exists()

    refuse_new_audit_events()
    response = investigator.post("/api/v1/cases/", {**NEW_CASE, "title": "Beacon"}, format="json")

    assert response.status_code == 500
    assert not Case.objects.filter(title="Beacon").exists()


def test_page_write_fails_and_leaves_nothing_when_its_audit_cannot_be_written(
    world, browser_client
):
    page = browser_client(world.investigator_a)
    page.raise_request_exception = False
    form = {
        "origin": "reactive",
        "trafficking_type": "labor",
        "confirmation_status": "suspected",
        "jurisdiction_level": "local",
    }
    created = page.post(reverse("cases:create"), {**form, "title": "Lantern"})
    assert created.status_code == 302
    assert Case.objects.filter(title="Lantern").exists()

    refuse_new_audit_events()
    response = page.post(reverse("cases:create"), {**form, "title": "Beacon"})

    assert response.status_code == 500
    assert not Case.objects.filter(title="Beacon").exists()


def test_page_read_is_not_shown_when_its_audit_cannot_be_written(world, browser_client, case):
    page = browser_client(world.investigator_a)
    page.raise_request_exception = False
    assert page.get(reverse("cases:detail", args=[case.pk])).status_code == 200

    refuse_new_audit_events()
    response = page.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 500
    assert case.title.encode() not in response.content


def test_refusal_that_cannot_be_recorded_answers_500_not_the_refusal(world, api, case):
    outsider = api(world.investigator_b)
    outsider.raise_request_exception = False
    assert outsider.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), outcome=AuditOutcome.DENIED
    ).exists()

    refuse_new_audit_events()

    assert outsider.get(f"/api/v1/cases/{case.pk}/").status_code == 500


def test_audit_write_failure_is_not_mistaken_for_a_conflict(world):
    """An IntegrityError is answered 409 by the API; an audit failure must stay a failure."""
    refuse_new_audit_events()
    with pytest.raises(audit.AuditWriteError) as error, transaction.atomic():
        an_event(user=world.investigator_a)
    assert not isinstance(error.value, DatabaseError)
    assert isinstance(error.value.__cause__, DatabaseError)


# --- append-only -------------------------------------------------------------------------------


def test_audit_event_cannot_be_changed(world):
    event = an_event(user=world.investigator_a)
    if on_postgresql():
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE taskforce_auditevent SET action = %s WHERE id = %s",
                [AuditAction.LOGOUT, event.pk],
            )
    else:
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGOUT)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_audit_event_younger_than_a_year_cannot_be_deleted(world):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=364), tick=False):
        recent = an_event(user=world.investigator_a)
    fresh = an_event(user=world.investigator_a)
    for event in (recent, fresh):
        if on_postgresql():
            with pytest.raises(DatabaseError, match="younger than 365 days"), transaction.atomic():
                # Even the retention job's own way of deleting is refused for young rows.
                AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
        else:
            with pytest.raises(PermissionError):
                event.delete()
            with pytest.raises(PermissionError):
                AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk__in=[recent.pk, fresh.pk]).count() == 2


def test_audit_event_past_a_year_is_deletable_by_the_database_only(world):
    old_at = timezone.now() - dt.timedelta(days=366)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO taskforce_auditevent (at, action, outcome, object_type, object_id, detail)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [old_at, AuditAction.VIEW, AuditOutcome.SUCCESS, "cases.case", "1", "{}"],
        )
    old = AuditEvent.objects.order_by("-id").first()
    assert old.at == old_at
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM taskforce_auditevent WHERE id = %s", [old.pk])
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
    else:
        # No database guard in the embedded mode: the model refuses whatever the age.
        with pytest.raises(PermissionError):
            old.delete()
        assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_audit_trail_cannot_be_emptied(world):
    event = an_event(user=world.investigator_a)
    if on_postgresql():
        with (
            pytest.raises(DatabaseError, match="TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("TRUNCATE taskforce_auditevent")
    else:
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- retention ---------------------------------------------------------------------------------


def test_retention_job_deletes_only_events_past_the_retention_period(world):
    # The database's own clock judges the second guard, so the frozen clock is today.
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=366), tick=False):
        expired = an_event(user=world.investigator_a)
    with time_machine.travel(now - dt.timedelta(days=364), tick=False):
        kept = an_event(user=world.investigator_a)

    with time_machine.travel(now, tick=False):
        deleted = tasks.purge_expired_audit_events()

    assert deleted == 1
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.PURGE)
    assert purge.user_id is None
    assert purge.object_type == "taskforce.auditevent"
    assert purge.detail == {
        "count": 1,
        "cutoff": (now - dt.timedelta(days=365)).isoformat(),
        "retention_days": 365,
    }


def test_retention_longer_than_a_year_keeps_older_events(world, settings):
    settings.AUDIT_RETENTION_DAYS = 400
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=399), tick=False):
        kept = an_event(user=world.investigator_a)
    with time_machine.travel(now, tick=False):
        assert audit.purge_expired() == 0
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_retention_shorter_than_a_year_is_refused(world, settings):
    settings.AUDIT_RETENTION_DAYS = 364
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=364, hours=1), tick=False):
        kept = an_event(user=world.investigator_a)
    with pytest.raises(ImproperlyConfigured, match="at least 365"):
        audit.purge_expired()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PURGE).exists()
