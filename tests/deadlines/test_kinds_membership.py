"""A membership that ends with open work: the agency's supervisors reassign it by the end date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies import services
from agencies.models import Membership
from agencies.roles import Role
from cases import services as case_services
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus, Notification, NotificationKind, Reminder
from tests.factories import make_member

DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def open_case(world, by):
    return case_services.open_case(
        by=by,
        agency=world.le_a,
        title="Operation Lantern",
        origin="proactive",
        trafficking_type="sex",
        jurisdiction_level="local",
    )


def membership_of(user) -> Membership:
    return user.memberships.get()


def test_leaving_with_an_assigned_case_opens_a_deadline_for_the_supervisors(world):
    case = open_case(world, world.investigator_a)
    membership = services.end_membership(
        membership=membership_of(world.investigator_a), by=world.le_supervisor_a
    )
    deadline = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == clocks.after(today())
    assert deadline.title == f"Membership #{membership.pk} ended with open work: reassign"
    told = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT)
    assert set(told.values_list("recipient__username", flat=True)) == {"le_supervisor_a"}
    # Reassigned before the end date: met.
    case_services.update_case(
        case=case, by=world.le_supervisor_a, assigned_investigators=[world.le_supervisor_a]
    )
    clocks.send_due_reminders(now=deadline.due_at + dt.timedelta(minutes=1))
    assert clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership).status == "met"


def test_work_still_open_at_the_end_date_is_missed_and_goes_to_the_coordinators(world):
    open_case(world, world.investigator_a)
    membership = services.end_membership(
        membership=membership_of(world.investigator_a), by=world.le_supervisor_a
    )
    due = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership).due_at
    clocks.send_due_reminders(now=due + dt.timedelta(minutes=1))
    deadline = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership)
    assert deadline.status == DeadlineStatus.MISSED
    escalated = Reminder.objects.filter(offset_minutes=-1)
    assert set(escalated.values_list("recipient__username", flat=True)) == {"coordinator"}


def test_only_the_agencys_supervisors_and_coordinators_see_it(world):
    open_case(world, world.investigator_a)
    services.end_membership(membership=membership_of(world.investigator_a), by=None)
    for sees in (world.le_supervisor_a, world.coordinator):
        assert clocks.deadlines_for(sees).filter(kind=DeadlineKind.MEMBERSHIP_OPEN_WORK).exists()
    for stranger in (
        world.le_victim_specialist_a,
        world.investigator_b,
        world.advocate_a,
        world.vsp_supervisor_a,
        world.investigator_a,
    ):
        assert (
            not clocks.deadlines_for(stranger)
            .filter(kind=DeadlineKind.MEMBERSHIP_OPEN_WORK)
            .exists()
        )


def test_no_open_work_no_deadline_and_a_reinstated_membership_cancels_it(world):
    services.end_membership(membership=membership_of(world.vw_coordinator), by=None)
    assert not clocks.deadlines_for(world.coordinator).exists()
    open_case(world, world.investigator_a)
    membership = services.update_membership(
        membership=membership_of(world.investigator_a), by=None, ends=today() + 10 * DAY
    )
    deadline = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership)
    assert deadline.due_at == clocks.after(today() + 10 * DAY)
    services.update_membership(membership=membership, by=None, ends=None)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.CANCELLED


def test_an_office_without_supervisors_hands_the_work_to_the_coordinators(world):
    from agencies.models import ServiceType
    from victims import services as victim_services

    victim_services.send_referral(
        from_agency=world.prosecution,
        provider=world.vsp_a,
        by=world.prosecutor,
        services_requested=[ServiceType.objects.get(code="housing-emergency-shelter")],
        shared_age=30,
    )
    services.end_membership(membership=membership_of(world.prosecutor), by=None)
    told = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT)
    assert set(told.values_list("recipient__username", flat=True)) == {"coordinator"}


def test_the_daily_check_catches_memberships_that_ended_by_date(world):
    leaving = make_member("leaving", world.le_a, Role.INVESTIGATOR, ends=today())
    open_case(world, leaving)
    membership = membership_of(leaving)
    assert clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership) is None
    assert services.check_ended_memberships(today=today()) >= 1
    deadline = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership)
    assert deadline.status == DeadlineStatus.OPEN
    # Running again changes nothing and tells nobody twice.
    services.check_ended_memberships(today=today())
    assert Notification.objects.filter(kind=NotificationKind.ASSIGNMENT).count() == 1


def test_a_missed_handover_is_met_by_the_daily_check_once_the_work_is_handed_over(world):
    case = open_case(world, world.investigator_a)
    membership = services.end_membership(
        membership=membership_of(world.investigator_a), by=world.le_supervisor_a
    )
    deadline = clocks.deadline_of(DeadlineKind.MEMBERSHIP_OPEN_WORK, membership)
    clocks.send_due_reminders(now=deadline.due_at + dt.timedelta(minutes=1))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MISSED
    later = today() + 5 * DAY
    services.check_ended_memberships(today=later)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MISSED  # the case is still theirs

    case_services.update_case(
        case=case, by=world.le_supervisor_a, assigned_investigators=[world.le_supervisor_a]
    )
    services.check_ended_memberships(today=later)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and deadline.missed_at is not None
