"""The reminder engine under a real Celery worker: exactly once, through the configured broker.

Not eager mode. The scan and the emails travel through the broker the settings name (Redis when
REDIS_URL is set, as in CI; Celery's filesystem broker under var/test otherwise) and a worker
runs them with its own database connections: in a thread of this process, or, to be killed in
the middle of a task, as a process of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from taskforce import access, deadlines, tasks
from taskforce.celery import app
from taskforce.models import (
    ESCALATION_OFFSET,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    EmailStatus,
    Notification,
    NotificationKind,
    Reminder,
)
from tests.deadlines.helpers import send
from tests.deadlines.mail_backends import MAIL_DIR_ENV, MARKER
from victims import deadlines as victim_deadlines
from victims import services
from victims.models import Consent, ConsentGrant, ConsentItem, Referral, SharingForm, SignerRole

pytestmark = [
    pytest.mark.worker,
    # The workers use connections of their own, so the data must be committed; the serialized
    # rollback puts the seeded lookups (service types) back after each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
REMINDER_4H = 4 * 60


def wait_for(condition, timeout=30.0, interval=0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def empty_queue():
    """Nothing left in the broker by an earlier test, and nothing left behind for a later one
    (the scans of these tests queue real emails)."""
    app.control.purge()
    yield
    app.control.purge()


def in_thread_worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


def answer_due_in(referral: Referral, delta: dt.timedelta) -> Deadline:
    """Move the referral's answer time to ``now + delta``, as the clock passing would, and let
    the referral's own sync move its deadline (the worker's scan runs on the real clock)."""
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() + delta)
        referral.refresh_from_db()
        victim_deadlines.sync_referral(referral)
    return deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)


def no_email_pending() -> bool:
    return not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()


# --- 1. The whole chain through the broker -------------------------------------------------------


def test_worker_reminds_then_escalates_an_overdue_referral_and_emails_each(world, empty_queue):
    referral = send(world)
    label = f"Referral #{referral.pk}"
    answer_due_in(referral, dt.timedelta(hours=2))

    with in_thread_worker():
        tasks.send_due_reminders.delay()
        assert wait_for(lambda: Reminder.objects.count() == 2 and no_email_pending()), (
            "the worker did not send the 4-hour reminders and their emails within 30 s"
        )
        assert len(mail.outbox) == 2
        # The provider did not answer in time.
        deadline = answer_due_in(referral, -dt.timedelta(minutes=1))
        tasks.send_due_reminders.delay()
        assert wait_for(
            lambda: (
                Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.MISSED).exists()
                and Reminder.objects.count() == 4
                and no_email_pending()
                and len(mail.outbox) == 4
            )
        ), "the worker did not escalate the missed referral and email it within 30 s"

    sent = set(Reminder.objects.values_list("offset_minutes", "recipient__username"))
    assert sent == {
        (REMINDER_4H, "advocate_a"),
        (REMINDER_4H, "vsp_supervisor_a"),
        (ESCALATION_OFFSET, "vsp_supervisor_a"),
        (ESCALATION_OFFSET, "investigator_a"),
    }
    # One notification per reminder, each emailed once.
    assert Notification.objects.count() == 4
    assert set(Reminder.objects.values_list("notification", flat=True)) == set(
        Notification.objects.values_list("pk", flat=True)
    )
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {
        (EmailStatus.SENT, 1)
    }
    escalations = Notification.objects.filter(kind=NotificationKind.ESCALATION)
    assert {n.title for n in escalations} == {f"Missed: {label}: answer the referral"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notification.objects.values_list("recipient__email", flat=True)
    )
    missed = [m for m in mail.outbox if f"Missed: {label}" in m.subject]
    assert sorted(m.to[0] for m in missed) == sorted(
        [world.vsp_supervisor_a.email, world.investigator_a.email]
    )
    # Labels only; and the other provider hears nothing.
    assert not any("Ana" in m.subject or "Ana" in m.body for m in mail.outbox)
    assert not Notification.objects.filter(recipient=world.advocate_b).exists()


# --- 2. Two scans at once ---------------------------------------------------------------------


def test_two_concurrent_scans_send_each_reminder_once(world, empty_queue):
    referrals = [send(world, shared_name="") for _ in range(8)]
    # Three hours before the answers are due: the 4-hour reminder for each.
    now = referrals[0].respond_by - dt.timedelta(hours=3)
    start = threading.Barrier(2)
    results, errors, refused = [], [], []

    def scan():
        try:
            start.wait(timeout=10)
            for _ in range(50):
                try:
                    # Small batches, so the two scans keep claiming while the other works.
                    results.append(deadlines.send_due_reminders(now=now, batch=3))
                    break
                except OperationalError as error:
                    # SQLite has no row locks: it refuses a second writer outright. The scan
                    # fails, as a beat task would, and runs again (at the next tick; here now).
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    refused.append(error)
                    time.sleep(0.05)
        except BaseException as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2

    intake = {world.advocate_a.pk, world.vsp_supervisor_a.pk}
    expected = {(r.pk, REMINDER_4H, user) for r in referrals for user in intake}
    rows = list(
        Reminder.objects.values_list("deadline__source_id", "offset_minutes", "recipient_id")
    )
    assert len(rows) == len(set(rows)) == len(expected)
    assert set(rows) == expected
    if not refused:  # a refused scan may have committed a batch before it failed
        assert sum(results) == len(expected)
    # One notification each, for the right person.
    assert Notification.objects.count() == len(expected)
    assert all(
        r.notification.recipient_id == r.recipient_id
        for r in Reminder.objects.select_related("notification")
    )
    assert (
        Reminder.objects.values("notification").distinct().count() == Notification.objects.count()
    )
    # A later scan finds nothing new to send.
    assert deadlines.send_due_reminders(now=now + dt.timedelta(minutes=5)) == 0


# --- 3. A worker killed in the middle of sending -------------------------------------------------


def database_url() -> str:
    """The URL of the test database pytest-django made, for a worker in another process."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The fields after the command name, which may hold spaces: state, ppid, ...
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def in_group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == pgid:
            found.append(int(entry))
    return found


def stop_group(proc: subprocess.Popen) -> None:
    """Stop the worker and every process it started; nothing may be left behind."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    if in_group(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    wait_for(lambda: not in_group(proc.pid), timeout=10)


def test_a_worker_killed_while_emailing_redoes_the_task_and_sends_once(
    world, empty_queue, tmp_path
):
    if connection.vendor != "postgresql":
        # pytest-django keeps a SQLite test database in memory, out of another process's reach.
        if os.environ.get("CI"):
            pytest.fail("In CI the worker process test needs DATABASE_URL on PostgreSQL.")
        pytest.skip("a worker in another process needs the PostgreSQL test database")
    # Epsilon has one advocate and no supervisor: one reminder, one email.
    referral = send(world, provider=world.vsp_b)
    answer_due_in(referral, dt.timedelta(hours=2))
    mail_dir = tmp_path / "mail"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "TASKFORCE_TEST_EMAIL_BACKEND": "tests.deadlines.mail_backends.StallOnceBackend",
        MAIL_DIR_ENV: str(mail_dir),
    }
    argv = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "taskforce",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
        "--hostname",
        f"killed-{uuid.uuid4().hex[:8]}@%h",
    ]
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        tasks.send_due_reminders.delay()
        marker = mail_dir / MARKER
        assert wait_for(lambda: marker.exists() and marker.read_text(), timeout=120), (
            f"the worker never reached the email backend:\n{log_path.read_text()}"
        )
        sending = int(marker.read_text())
        # The process inside the email task is the worker's pool child, not the worker itself.
        assert sending in children_of(worker.pid), (sending, children_of(worker.pid))
        notification = Notification.objects.get()
        assert notification.email_status == EmailStatus.PENDING
        os.kill(sending, signal.SIGKILL)

        # acks_late + reject_on_worker_lost: the message goes back and a new child runs it.
        assert wait_for(
            lambda: Notification.objects.filter(email_status=EmailStatus.SENT).exists(),
            timeout=120,
        ), f"the task was not run again after its process was killed:\n{log_path.read_text()}"
        assert worker.poll() is None, "the worker itself died"
        assert sending not in children_of(worker.pid)
    finally:
        stop_group(worker)
    assert not in_group(worker.pid), "processes of the worker were left behind"

    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().recipient == world.advocate_b
    notification = Notification.objects.get()
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 2  # the killed attempt, and the one that sent
    delivered = sorted(mail_dir.glob("*.eml"))
    assert len(delivered) == 1, delivered
    assert not delivered[0].name.endswith(f"-{sending}.eml")
    text = delivered[0].read_text()
    assert world.advocate_b.email in text and f"Referral #{referral.pk}" in text


# --- 4. A mail server that is down ------------------------------------------------------------


@override_settings(
    EMAIL_BACKEND="tests.deadlines.mail_backends.DisconnectedBackend",
    NOTIFICATION_EMAIL_RETRY_DELAYS=(0.2, 0.2),
)
def test_email_retries_then_records_the_failure_and_the_notification_stays(world, empty_queue):
    referral = send(world, provider=world.vsp_b)
    answer_due_in(referral, dt.timedelta(hours=2))

    with in_thread_worker():
        tasks.send_due_reminders.delay()
        assert wait_for(
            lambda: Notification.objects.filter(email_status=EmailStatus.FAILED).exists()
        ), "the email task did not give up and record the failure within 30 s"

    notification = Notification.objects.get()
    assert notification.recipient == world.advocate_b
    assert notification.email_attempts == 3  # the first try and the two retries
    assert notification.email_error.startswith("SMTPServerDisconnected")
    assert notification.email_sent_at is None
    # The in-app side never depended on the email.
    assert notification.read_at is None
    assert Reminder.objects.get().notification == notification
    assert deadlines.unread_count(world.advocate_b) == 1
    assert mail.outbox == []


# --- 5. A release expires on schedule -----------------------------------------------------------


def test_the_scan_removes_an_expired_release_from_its_recipient(world, empty_queue):
    today = timezone.localdate()
    client = services.record_client(
        agency=world.vsp_a,
        by=world.advocate_a,
        given_name="Ana",
        identified_on=today - dt.timedelta(days=20),
        identification_source="provider",
        enrolled_on=today - dt.timedelta(days=10),
        date_of_birth=dt.date(1995, 6, 1),
    )
    consent = services.record_consent(
        client=client,
        by=world.advocate_a,
        recipient=world.prosecution,
        items=[ConsentItem.ENROLLMENT_STATUS],
        purpose="Court accompaniment planning",
        sharing_form=SharingForm.ELECTRONIC,
        starts_on=today - dt.timedelta(days=30),
        expires_on=today,
        signer_name="Ana",
        signer_role=SignerRole.CLIENT,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    assert access.visible(world.prosecutor, Consent).filter(pk=consent.pk).exists()
    deadline = deadlines.deadline_of(DeadlineKind.CONSENT_EXPIRY, consent)
    assert deadline is not None, "recording a release opens no expiry deadline"
    assert deadline.status == DeadlineStatus.OPEN
    # A day later: the release expired yesterday, and its deadline fell due.
    past = timezone.now() - dt.timedelta(minutes=1)
    Consent.objects.filter(pk=consent.pk).update(expires_on=today - dt.timedelta(days=1))
    Deadline.objects.filter(pk=deadline.pk).update(due_at=past, next_reminder_at=past)
    # The access check already refuses it; the grant row is what the scan takes away.
    assert not access.visible(world.prosecutor, Consent).filter(pk=consent.pk).exists()
    assert ConsentGrant.objects.filter(content_object=consent).exists()

    with in_thread_worker():
        tasks.send_due_reminders.delay()
        assert wait_for(lambda: not ConsentGrant.objects.filter(content_object=consent).exists()), (
            "the scan did not remove the expired release's grant within 30 s"
        )
        assert wait_for(
            lambda: not Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.OPEN).exists()
        )

    assert not access.grants_on(consent).exists()
    assert not access.visible(world.prosecutor, Consent).filter(pk=consent.pk).exists()
    # The provider keeps its own record.
    assert access.visible(world.advocate_a, Consent).filter(pk=consent.pk).exists()
