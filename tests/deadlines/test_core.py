"""The core of the clocks: task force policies, the daily digest, reading and the email path."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from taskforce import deadlines
from taskforce.models import (
    DeadlineKind,
    DigestSent,
    EmailStatus,
    Notification,
    NotificationKind,
    ReminderPolicy,
)
from tests.deadlines.helpers import send


def test_a_task_force_policy_changes_the_response_window_and_the_offsets(world):
    ReminderPolicy.objects.create(
        kind=DeadlineKind.REFERRAL_RESPONSE,
        offsets_minutes=[120, 600],
        window_hours=48,
        urgent_window_hours=12,
    )
    routine = send(world)
    urgent = send(world, urgency="urgent")
    assert routine.respond_by - routine.sent_at == dt.timedelta(hours=48)
    assert urgent.respond_by - urgent.sent_at == dt.timedelta(hours=12)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, routine)
    # The scan first looks at the earliest offset, 10 hours before.
    assert deadline.next_reminder_at == routine.respond_by - dt.timedelta(hours=10)


def test_defaults_apply_without_a_policy_row(world):
    policy = deadlines.policy_for(DeadlineKind.COURT_EVENT)
    assert policy.offsets_minutes == (7 * 24 * 60, 24 * 60)
    assert deadlines.window(DeadlineKind.REFERRAL_RESPONSE) == dt.timedelta(hours=72)
    assert deadlines.window(DeadlineKind.REFERRAL_RESPONSE, urgent=True) == dt.timedelta(hours=24)


def test_a_deadline_created_late_gets_only_the_latest_offset(world):
    referral = send(world, urgency="urgent")  # 24 h window: the 24 h offset has just passed
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        deadlines.send_due_reminders()
        assert set(Notification.objects.values_list("title", flat=True)) == {
            f"Referral #{referral.pk}: answer the referral: due in 1 day"
        }
    with time_machine.travel(referral.respond_by - dt.timedelta(hours=3)):
        deadlines.send_due_reminders()
    assert Notification.objects.filter(title__endswith="due in 4 hours").count() == 2


def test_a_moved_deadline_is_reminded_again(world):
    referral = send(world)
    due = referral.respond_by
    deadlines.send_due_reminders(now=due - dt.timedelta(hours=20))
    assert Notification.objects.count() == 2
    deadlines.track(
        kind=DeadlineKind.REFERRAL_RESPONSE,
        source=referral,
        due_at=due + dt.timedelta(days=2),
        agency=world.vsp_a,
        title=f"Referral #{referral.pk}: answer the referral",
    )
    deadlines.send_due_reminders(now=due + dt.timedelta(days=1, hours=4))
    assert Notification.objects.count() == 4


def test_mark_read_touches_only_the_callers_notifications(world):
    mine = deadlines.notify(user=world.advocate_a, kind=NotificationKind.OUTCOME, title="x")
    theirs = deadlines.notify(user=world.advocate_b, kind=NotificationKind.OUTCOME, title="y")
    assert deadlines.unread_count(world.advocate_a) == 1
    assert deadlines.mark_read(user=world.advocate_a, ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert deadlines.unread_count(world.advocate_a) == 0


def test_an_email_is_sent_once_however_often_the_task_runs(world):
    notification = deadlines.notify(user=world.advocate_a, kind=NotificationKind.OUTCOME, title="z")
    assert deadlines.deliver_email(notification.pk) == EmailStatus.SENT
    assert deadlines.deliver_email(notification.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_a_person_without_an_address_gets_the_notification_and_no_email(world):
    world.advocate_a.email = ""
    world.advocate_a.save()
    notification = deadlines.notify(user=world.advocate_a, kind=NotificationKind.OUTCOME, title="z")
    assert notification.email_status == EmailStatus.SKIPPED
    assert deadlines.deliver_email(notification.pk) == EmailStatus.SKIPPED
    assert mail.outbox == []


@pytest.fixture
def overdue(world):
    referral = send(world)
    deadlines.send_due_reminders(now=referral.respond_by + dt.timedelta(minutes=1))
    return referral


def test_the_daily_digest_holds_counts_only_and_goes_once_a_day(world, overdue):
    mail.outbox.clear()
    # Noon, so that an hour later is the same day wherever in the day the suite runs.
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    first = deadlines.send_daily_digests(now=now)
    again = deadlines.send_daily_digests(now=now + dt.timedelta(hours=1))
    recipients = {m.to[0] for m in mail.outbox}
    assert first == len(mail.outbox) and again == 0
    assert world.advocate_a.email in recipients
    assert world.investigator_b.email not in recipients  # nothing of theirs
    body = next(m.body for m in mail.outbox if m.to == [world.vsp_supervisor_a.email])
    assert "Missed in the last day: 1" in body
    assert "Unread notifications: 1" in body  # the escalation
    assert f"#{overdue.pk}" not in body
    assert DigestSent.objects.filter(user=world.advocate_a).count() == 1


def test_the_daily_digest_can_be_turned_off(world, overdue):
    deadlines.set_daily_digest(user=world.advocate_a, enabled=False)
    mail.outbox.clear()
    deadlines.send_daily_digests()
    assert world.advocate_a.email not in {m.to[0] for m in mail.outbox}
