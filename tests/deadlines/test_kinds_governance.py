"""The governance clocks: MOU end dates, protocol reviews and objective targets. Every member in
force may see them; nobody else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from protocols import services
from protocols.models import Charter, MouStatus, ObjectiveStatus, ProtocolTopic
from taskforce import deadlines as clocks
from taskforce.models import DeadlineKind, DeadlineStatus, Reminder

DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def reminded(offset_days: int) -> set[str]:
    return set(
        Reminder.objects.filter(offset_minutes=offset_days * 24 * 60).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def mou(world):
    mou = services.create_mou(
        by=world.coordinator,
        title="Operating MOU",
        purpose="A coordinated response.",
        effective_date=today() - 100 * DAY,
        end_date=today() + 120 * DAY,
        signatories=[{"agency": world.le_a}, {"agency": world.vsp_a}],
    )
    services.circulate_mou(mou=mou, by=world.coordinator)
    assert clocks.deadline_of(DeadlineKind.MOU_END, mou) is None  # not in force yet
    services.sign_mou(mou=mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Lt.")
    services.sign_mou(mou=mou, by=world.vsp_supervisor_a, agency=world.vsp_a, signer_title="Dir.")
    mou.refresh_from_db()
    assert mou.status == MouStatus.EXECUTED
    return mou


def test_an_executed_mou_reminds_coordinators_and_signers_90_30_and_7_days_ahead(world, mou):
    deadline = clocks.deadline_of(DeadlineKind.MOU_END, mou)
    due = clocks.after(mou.end_date)
    assert deadline.status == DeadlineStatus.OPEN and deadline.due_at == due
    people = {"coordinator", "le_supervisor_a", "vsp_supervisor_a"}
    for days in (90, 30, 7):
        clocks.send_due_reminders(now=due - (days - 1) * DAY)
        assert reminded(days) == people
    # The end date passing lapses the MOU.
    clocks.send_due_reminders(now=due + dt.timedelta(minutes=1))
    deadline.refresh_from_db()
    mou.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    assert mou.status == MouStatus.EXPIRED


def test_renewing_moves_the_mou_clock_and_terminating_cancels_it(world, mou):
    services.renew_mou(
        mou=mou, by=world.coordinator, effective_date=today(), end_date=today() + 400 * DAY
    )
    deadline = clocks.deadline_of(DeadlineKind.MOU_END, mou)
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at == clocks.after(today() + 400 * DAY)
    services.terminate_mou(mou=mou, by=world.coordinator, reason="Replaced.")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.CANCELLED


def test_the_hourly_job_meets_the_clock_of_a_lapsed_mou(world, mou):
    assert services.expire_lapsed_mous(on=mou.end_date + 2 * DAY) == 1
    assert clocks.deadline_of(DeadlineKind.MOU_END, mou).status == DeadlineStatus.MET


def test_governance_deadlines_are_for_members_in_force_only(world, mou):
    for member in (world.advocate_b, world.community_member, world.investigator_b):
        assert clocks.deadlines_for(member).filter(kind=DeadlineKind.MOU_END).count() == 1
    for stranger in (world.outsider, world.admin, world.ended_member):
        assert not clocks.deadlines_for(stranger).exists()


def new_protocol(world, review_in=40):
    topic = ProtocolTopic.objects.first() or ProtocolTopic.objects.create(code="t", name="T")
    return services.create_protocol(
        by=world.coordinator,
        title="Media",
        topic=topic,
        owner=world.advocate_a,
        review_date=today() + review_in * DAY,
        text="Only the media contact speaks for the task force.",
    )


def test_a_protocol_review_reminds_its_owner_and_coordinators_and_moves_with_the_date(world):
    protocol = new_protocol(world)
    deadline = clocks.deadline_of(DeadlineKind.PROTOCOL_REVIEW, protocol)
    assert deadline.due_at == clocks.start_of(protocol.review_date)
    clocks.send_due_reminders(now=deadline.due_at - 29 * DAY)
    assert reminded(30) == {"advocate_a", "coordinator"}
    # Adopting the version is not a review: the clock stays where it was.
    services.record_decision(
        by=world.coordinator,
        question="Adopt?",
        method="consensus",
        outcome="Adopted.",
        decided_on=today(),
        adopted_protocol_version=protocol.versions.get(),
    )
    assert clocks.deadline_of(DeadlineKind.PROTOCOL_REVIEW, protocol).due_at == deadline.due_at
    services.update_protocol(
        protocol=protocol, by=world.advocate_a, review_date=today() + 365 * DAY
    )
    deadline.refresh_from_db()
    assert deadline.due_at == clocks.start_of(today() + 365 * DAY)
    services.retire_protocol(protocol=protocol, by=world.coordinator)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.CANCELLED


def new_objective(world, target_in=60):
    if not Charter.objects.exists():
        services.set_charter(by=world.coordinator, mission="End trafficking.", purpose="Together.")
    goal = services.add_goal(by=world.coordinator, title="Train responders")
    return services.add_objective(
        by=world.coordinator,
        goal=goal,
        title="Train patrol officers",
        owner=world.investigator_a,
        measure="Officers trained",
        target_value=Decimal(100),
        target_date=today() + target_in * DAY,
    )


def test_an_objective_target_reminds_owner_and_coordinators_then_is_met_when_achieved(world):
    objective = new_objective(world)
    deadline = clocks.deadline_of(DeadlineKind.OBJECTIVE_TARGET, objective)
    assert deadline.due_at == clocks.start_of(objective.target_date)
    clocks.send_due_reminders(now=deadline.due_at - 13 * DAY)
    assert reminded(14) == {"investigator_a", "coordinator"}
    services.update_objective(
        objective=objective, by=world.coordinator, target_date=today() + 90 * DAY
    )
    deadline.refresh_from_db()
    assert deadline.due_at == clocks.start_of(today() + 90 * DAY)
    services.update_objective(
        objective=objective, by=world.investigator_a, status=ObjectiveStatus.ACHIEVED
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_a_dropped_objective_cancels_and_a_missed_target_says_so(world):
    dropped, late = new_objective(world), new_objective(world, target_in=5)
    services.update_objective(objective=dropped, by=world.coordinator, status="dropped")
    assert clocks.deadline_of(DeadlineKind.OBJECTIVE_TARGET, dropped).status == "cancelled"
    due = clocks.deadline_of(DeadlineKind.OBJECTIVE_TARGET, late).due_at
    clocks.send_due_reminders(now=due + dt.timedelta(minutes=1))
    assert clocks.deadline_of(DeadlineKind.OBJECTIVE_TARGET, late).status == DeadlineStatus.MISSED
    assert reminded(0) == {"investigator_a", "coordinator"}
