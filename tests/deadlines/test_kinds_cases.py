"""The clocks of investigations and prosecutions, and the notice of a deconfliction hit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, IdentifierKind
from taskforce import deadlines as clocks
from taskforce.models import (
    DeadlineKind,
    DeadlineStatus,
    Notification,
    NotificationKind,
    Reminder,
)

DAY = dt.timedelta(days=1)


def open_case(world, agency=None, by=None, **over):
    return services.open_case(
        by=by or world.investigator_a,
        agency=agency or world.le_a,
        title=over.pop("title", "Operation Lantern"),
        origin="proactive",
        trafficking_type="sex",
        jurisdiction_level="local",
        **over,
    )


def reminded(offset_minutes: int) -> set[str]:
    return set(
        Reminder.objects.filter(offset_minutes=offset_minutes).values_list(
            "recipient__username", flat=True
        )
    )


# --- Case inactivity --------------------------------------------------------------------------


def test_opening_a_case_starts_its_inactivity_clock_and_activity_restarts_it(world):
    case = open_case(world)
    deadline = clocks.deadline_of(DeadlineKind.CASE_INACTIVITY, case)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == case.last_activity_at + 30 * DAY
    first_due = deadline.due_at
    services.add_note(
        case=case, by=world.investigator_a, body="Surveillance on Route 9.", note_type="general"
    )
    deadline.refresh_from_db()
    case.refresh_from_db()
    assert deadline.due_at == case.last_activity_at + 30 * DAY > first_due
    assert deadline.next_reminder_at == deadline.due_at


def test_an_idle_case_reminds_its_investigators_then_escalates_to_the_supervisor(world):
    case = open_case(world)
    due = clocks.deadline_of(DeadlineKind.CASE_INACTIVITY, case).due_at
    assert clocks.send_due_reminders(now=due - DAY) == 0
    clocks.send_due_reminders(now=due + dt.timedelta(minutes=1))
    deadline = clocks.deadline_of(DeadlineKind.CASE_INACTIVITY, case)
    assert deadline.status == DeadlineStatus.MISSED
    assert reminded(0) == {"investigator_a"}
    assert reminded(-1) == {"le_supervisor_a"}
    # New activity starts a fresh clock.
    services.add_note(case=case, by=world.investigator_a, body="Back on it.", note_type="general")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN and deadline.due_at > due


def test_closing_cancels_the_clock_and_reopening_opens_it_again(world):
    case = open_case(world)
    services.close_case(case=case, by=world.investigator_a, reason="Not trafficking.")
    deadline = clocks.deadline_of(DeadlineKind.CASE_INACTIVITY, case)
    assert deadline.status == DeadlineStatus.CANCELLED
    # Activity on a closed case does not revive it; reopening does.
    services.reopen_case(case=case, by=world.investigator_a)
    deadline.refresh_from_db()
    case.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == case.last_activity_at + 30 * DAY


def test_only_those_who_see_the_case_see_its_inactivity_deadline(world):
    open_case(world)
    assert clocks.deadlines_for(world.investigator_a).count() == 1
    for outsider in (world.investigator_b, world.advocate_a, world.prosecutor, world.coordinator):
        assert not clocks.deadlines_for(outsider).exists()


# --- Court events -----------------------------------------------------------------------------


@pytest.fixture
def prosecution(world):
    case = open_case(world)
    referral = services.refer_for_prosecution(
        case=case, office=world.prosecution, by=world.investigator_a
    )
    return services.accept_prosecution_referral(referral=referral, by=world.prosecutor)


def schedule(world, prosecution, when):
    return services.schedule_court_event(
        prosecution=prosecution,
        by=world.prosecutor,
        event_type="trial",
        scheduled_at=when,
        court="Gamma County Circuit Court",
    )


def test_a_court_date_reminds_prosecution_and_case_agents_7_and_1_days_ahead(world, prosecution):
    event = schedule(world, prosecution, timezone.now() + 20 * DAY)
    deadline = clocks.deadline_of(DeadlineKind.COURT_EVENT, event)
    assert deadline.due_at == event.scheduled_at
    assert deadline.title == f"Court event #{event.pk}: trial"
    assert clocks.send_due_reminders(now=event.scheduled_at - 8 * DAY) == 0
    clocks.send_due_reminders(now=event.scheduled_at - 6 * DAY)
    people = {"prosecutor", "vw_coordinator", "investigator_a"}
    assert reminded(7 * 24 * 60) == people
    clocks.send_due_reminders(now=event.scheduled_at - dt.timedelta(hours=20))
    assert reminded(24 * 60) == people
    # The date arriving is the event taking place.
    clocks.send_due_reminders(now=event.scheduled_at + dt.timedelta(minutes=1))
    assert clocks.deadline_of(DeadlineKind.COURT_EVENT, event).status == DeadlineStatus.MET


def test_moving_a_court_date_moves_its_deadline_and_an_outcome_meets_it(world, prosecution):
    event = schedule(world, prosecution, timezone.now() + 20 * DAY)
    later = event.scheduled_at + 14 * DAY
    services.update_court_event(event=event, by=world.prosecutor, scheduled_at=later)
    deadline = clocks.deadline_of(DeadlineKind.COURT_EVENT, event)
    assert deadline.due_at == later and deadline.next_reminder_at == later - 7 * DAY
    services.update_court_event(event=event, by=world.prosecutor, outcome="Continued by consent.")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_an_advocate_never_learns_of_a_court_date_through_a_deadline(world, prosecution):
    event = schedule(world, prosecution, timezone.now() + 3 * DAY)
    clocks.send_due_reminders(now=event.scheduled_at - dt.timedelta(hours=2))
    for outsider in (world.advocate_a, world.advocate_b, world.investigator_b, world.coordinator):
        assert not clocks.deadlines_for(outsider).filter(kind=DeadlineKind.COURT_EVENT).exists()
        assert not Notification.objects.filter(recipient=outsider).exists()
    assert clocks.deadlines_for(world.vw_coordinator).filter(kind=DeadlineKind.COURT_EVENT)


# --- Deconfliction ----------------------------------------------------------------------------


def test_each_side_hears_of_its_own_hit_and_nothing_of_the_other(world):
    mine = open_case(world, title="Alpha phones")
    theirs = open_case(world, agency=world.le_b, by=world.investigator_b, title="Beta phones")
    services.add_identifier(
        case=mine, by=world.investigator_a, kind=IdentifierKind.PHONE, value="(555) 201-7788"
    )
    services.add_identifier(
        case=theirs, by=world.investigator_b, kind=IdentifierKind.PHONE, value="555.201.7788"
    )
    notices = Notification.objects.filter(kind=NotificationKind.DECONFLICTION)
    by_user = {n.recipient.username: n for n in notices}
    assert set(by_user) == {"investigator_a", "le_supervisor_a", "investigator_b"}
    for username, case, other in (
        ("investigator_a", mine, theirs),
        ("le_supervisor_a", mine, theirs),
        ("investigator_b", theirs, mine),
    ):
        notice = by_user[username]
        assert notice.title == f"Deconfliction hit on case {case.number}"
        assert notice.url == f"/cases/{case.pk}/"
        other_agency = other.owner_agency
        for secret in (other.number, other.title, "7788", other_agency.name, other_agency.acronym):
            assert secret not in notice.title
    assert not notices.filter(recipient=world.le_victim_specialist_a).exists()
    assert Case.objects.count() == 2
