"""The reminder engine on the referral clock: offsets, escalation, exactly-once keys, email."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from taskforce import deadlines
from taskforce.models import (
    ESCALATION_OFFSET,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Notification,
    NotificationKind,
    Reminder,
)
from tests.deadlines.helpers import send
from victims import services


def test_sending_a_referral_opens_its_response_deadline(world):
    referral = send(world)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == referral.respond_by
    assert deadline.owner_agency == world.vsp_a
    assert deadline.next_reminder_at == referral.respond_by - dt.timedelta(hours=24)


def test_reminders_go_once_at_each_offset_then_the_miss_escalates(
    world, django_capture_on_commit_callbacks
):
    referral = send(world)
    due = referral.respond_by
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.send_due_reminders(now=due - dt.timedelta(hours=30)) == 0
        first = deadlines.send_due_reminders(now=due - dt.timedelta(hours=23))
        again = deadlines.send_due_reminders(now=due - dt.timedelta(hours=22))
    intake = {world.advocate_a.pk, world.vsp_supervisor_a.pk}
    assert first == len(intake) and again == 0
    assert (
        set(Reminder.objects.filter(offset_minutes=24 * 60).values_list("recipient", flat=True))
        == intake
    )
    deadlines.send_due_reminders(now=due - dt.timedelta(hours=3))
    assert Reminder.objects.filter(offset_minutes=4 * 60).count() == len(intake)
    deadlines.send_due_reminders(now=due + dt.timedelta(minutes=1))
    deadline = Deadline.objects.get()
    assert deadline.status == DeadlineStatus.MISSED
    escalated = set(
        Reminder.objects.filter(offset_minutes=ESCALATION_OFFSET).values_list(
            "recipient", flat=True
        )
    )
    assert escalated == {world.vsp_supervisor_a.pk, world.investigator_a.pk}
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 2
    # Nobody outside the referral hears of it.
    assert not Notification.objects.filter(recipient=world.advocate_b).exists()
    # The emails leave through their own task (run here in-process): labels only, no details.
    for notification in Notification.objects.all():
        deadlines.deliver_email(notification.pk)
    assert len(mail.outbox) == Notification.objects.count()
    assert all(f"Referral #{referral.pk}" in m.subject for m in mail.outbox)
    assert not any("Ana" in m.body or "Ana" in m.subject for m in mail.outbox)


def test_accepting_meets_the_deadline_and_tells_the_sender(world):
    referral = send(world)
    services.accept_referral(referral=referral, by=world.advocate_a)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    assert deadline.status == DeadlineStatus.MET
    assert Notification.objects.filter(recipient=world.investigator_a, kind="outcome").exists()
    assert deadlines.send_due_reminders(now=timezone.now() + dt.timedelta(days=5)) == 0


def test_withdrawing_cancels_and_the_provider_no_longer_sees_it(world):
    referral = send(world)
    services.withdraw_referral(referral=referral, by=world.investigator_a)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    assert deadline.status == DeadlineStatus.CANCELLED
    assert not deadlines.deadlines_for(world.advocate_a).exists()
    assert deadlines.deadlines_for(world.investigator_a).exists()
    assert not deadlines.deadlines_for(world.investigator_b).exists()


def test_a_missed_referral_stays_overdue_until_answered_late(world):
    referral = send(world)
    late = referral.respond_by + dt.timedelta(hours=2)
    deadlines.send_due_reminders(now=late)
    overdue = deadlines.in_window(deadlines.deadlines_for(world.advocate_a), "overdue", now=late)
    assert list(overdue.values_list("status", flat=True)) == [DeadlineStatus.MISSED]
    assert deadlines.open_counts(world.advocate_a, now=late)["overdue"] == 1

    services.accept_referral(referral=referral, by=world.advocate_a)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    assert deadline.status == DeadlineStatus.MET
    assert deadline.missed_at is not None and deadline.closed_at is not None  # late, on record
    assert not deadlines.in_window(
        deadlines.deadlines_for(world.advocate_a), "overdue", now=late
    ).exists()
