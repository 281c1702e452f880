"""The deadlines, notifications and deadline-policies resources of the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.services import register_partner_application
from taskforce import deadlines
from taskforce.models import (
    AuditAction,
    AuditEvent,
    DeadlineKind,
    DeadlineStatus,
    NotificationKind,
    ReminderPolicy,
)
from tests.deadlines.helpers import send
from victims import services

LIST = reverse("deadline-list")
NOTIFICATIONS = reverse("notification-list")
POLICIES = reverse("deadline-policy-list")


def detail(deadline) -> str:
    return reverse("deadline-detail", kwargs={"pk": deadline.pk})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def move(deadline, due_at):
    """The source service's own way to move a clock: ``track`` on the same source."""
    return deadlines.track(
        kind=deadline.kind,
        source=deadline.source_type.get_object_for_this_type(pk=deadline.source_id),
        due_at=due_at,
        agency=deadline.owner_agency,
        title=deadline.title,
    )


# --- deadlines: visibility follows the source record ---------------------------------------------


def test_the_sender_and_the_provider_see_the_referral_deadline(world, api):
    referral = send(world)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    for user in (world.investigator_a, world.advocate_a, world.vsp_supervisor_a):
        assert ids(api(user).get(LIST)) == [deadline.pk]
        assert api(user).get(detail(deadline)).status_code == 200


@pytest.mark.parametrize(
    "persona", ["advocate_b", "investigator_b", "prosecutor", "community_member", "coordinator"]
)
def test_anyone_who_may_not_see_the_referral_gets_404_and_an_empty_list(world, api, persona):
    referral = send(world)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    client = api(world.users[persona])
    assert ids(client.get(LIST)) == []
    response = client.get(detail(deadline))
    assert response.status_code == 404
    assert str(referral.pk) not in response.content.decode()


def test_an_advocate_at_vsp_b_sees_only_vsp_b_referrals(world, api):
    to_a = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world))
    to_b = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world, world.vsp_b))
    client = api(world.advocate_b)
    assert ids(client.get(LIST)) == [to_b.pk]
    assert client.get(detail(to_a)).status_code == 404
    assert client.get(detail(to_b)).status_code == 200


def test_a_deadline_answers_with_its_source_agency_and_link(world, api):
    referral = send(world)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    body = api(world.investigator_a).get(detail(deadline)).json()
    assert body["kind"] == "referral_response"
    assert body["kind_display"] == "Referral response"
    assert body["status"] == "open"
    assert body["title"] == f"Referral #{referral.pk}: answer the referral"
    assert body["owner_agency"] == {"id": world.vsp_a.pk, "name": world.vsp_a.name}
    assert body["responsible_user"] is None
    assert body["source"] == {"type": "victims.referral", "id": referral.pk}
    assert body["url"] == reverse("victims:referral-detail", args=[referral.pk])
    assert dt.datetime.fromisoformat(body["due_at"]) == referral.respond_by
    assert body["closed_at"] is None and body["escalated_at"] is None


def test_a_partner_system_sees_its_agency_deadlines_through_the_same_rule(world, api):
    to_a = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world))
    to_b = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world, world.vsp_b))
    application, _ = register_partner_application(agency=world.vsp_a, name="Case bridge")
    client = api(application.user)
    assert ids(client.get(LIST)) == [to_a.pk]
    assert client.get(detail(to_b)).status_code == 404


def test_no_membership_or_no_credentials_is_refused(world, api):
    assert api(world.outsider).get(LIST).status_code == 403
    assert api(world.admin).get(LIST).status_code == 403
    assert api().get(LIST).status_code == 401


def test_deadlines_are_read_only(world, api):
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world))
    client = api(world.advocate_a)
    assert client.post(LIST, {}, format="json").status_code == 405
    assert client.patch(detail(deadline), {"status": "met"}, format="json").status_code == 405
    assert client.delete(detail(deadline)).status_code == 405
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN


# --- deadlines: order and filters ----------------------------------------------------------------


def test_soonest_first_and_cursor_pages(world, api):
    routine = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world))
    urgent = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world, urgency="urgent"))
    client = api(world.advocate_a)
    assert ids(client.get(LIST)) == [urgent.pk, routine.pk]
    first = client.get(LIST, {"page_size": 1}).json()
    assert [r["id"] for r in first["results"]] == [urgent.pk]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [routine.pk]
    assert second["next"] is None


def test_filters_by_status_kind_agency_and_due_time(world, api):
    open_a = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world))
    answered = send(world)
    services.accept_referral(referral=answered, by=world.advocate_a)
    met = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, answered)
    to_b = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world, world.vsp_b))
    client = api(world.investigator_a)
    assert set(ids(client.get(LIST))) == {open_a.pk, met.pk, to_b.pk}
    assert ids(client.get(LIST, {"status": "met"})) == [met.pk]
    assert set(ids(client.get(LIST, {"status": "open"}))) == {open_a.pk, to_b.pk}
    assert set(ids(client.get(LIST, {"kind": "referral_response"}))) == {
        open_a.pk,
        met.pk,
        to_b.pk,
    }
    assert ids(client.get(LIST, {"kind": "mou_end"})) == []
    assert ids(client.get(LIST, {"agency": world.vsp_b.pk})) == [to_b.pk]
    later = timezone.now() + dt.timedelta(days=10)
    move(to_b, later)
    cut = (timezone.now() + dt.timedelta(days=5)).isoformat()
    assert ids(client.get(LIST, {"due_after": cut})) == [to_b.pk]
    assert to_b.pk not in ids(client.get(LIST, {"due_before": cut}))


def test_window_filters(world, api):
    now = timezone.now()
    overdue = move(
        deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world)),
        now - dt.timedelta(hours=2),
    )
    soon = move(
        deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world)),
        now + dt.timedelta(minutes=1),
    )
    in_five_days = move(
        deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world)),
        now + dt.timedelta(days=5),
    )
    far = move(
        deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, send(world)),
        now + dt.timedelta(days=30),
    )
    client = api(world.advocate_a)
    assert ids(client.get(LIST, {"window": "overdue"})) == [overdue.pk]
    assert ids(client.get(LIST, {"window": "today"})) in ([soon.pk], [])  # [] only at midnight
    week = ids(client.get(LIST, {"window": "week"}))
    assert in_five_days.pk in week and far.pk not in week and overdue.pk not in week


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "late"}, "status"),
        ({"kind": "birthday"}, "kind"),
        ({"agency": "vsp"}, "agency"),
        ({"agency": "0"}, "agency"),
        ({"due_before": "next tuesday"}, "due_before"),
        ({"due_after": "2026-13-45"}, "due_after"),
        ({"window": "month"}, "window"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(world, api, params, field):
    send(world)
    response = api(world.advocate_a).get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()


# --- notifications -------------------------------------------------------------------------------


def outcome_for_sender(world):
    """Accepting a referral tells its sender: one notification for investigator_a."""
    referral = send(world)
    services.accept_referral(referral=referral, by=world.advocate_a)
    return deadlines.notifications_for(world.investigator_a).get()


def test_the_sender_reads_the_outcome_notification(world, api):
    notification = outcome_for_sender(world)
    client = api(world.investigator_a)
    body = client.get(NOTIFICATIONS).json()["results"]
    assert [n["id"] for n in body] == [notification.pk]
    assert body[0]["kind"] == "outcome"
    assert body[0]["read_at"] is None
    assert body[0]["deadline"] is None
    assert body[0]["url"] == notification.url
    one = client.get(reverse("notification-detail", kwargs={"pk": notification.pk}))
    assert one.status_code == 200 and one.json()["title"] == notification.title


def test_someone_elses_notification_is_404_to_read_and_to_mark(world, api):
    notification = outcome_for_sender(world)
    client = api(world.le_supervisor_a)  # same agency, not the recipient
    assert client.get(NOTIFICATIONS).json()["results"] == []
    url = reverse("notification-detail", kwargs={"pk": notification.pk})
    assert client.get(url).status_code == 404
    read = reverse("notification-read", kwargs={"pk": notification.pk})
    assert client.post(read).status_code == 404
    assert client.post(reverse("notification-read-all")).json() == {"marked": 0}
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_read_then_all(world, api):
    first = outcome_for_sender(world)
    second = deadlines.notify(
        user=world.investigator_a, kind=NotificationKind.REMINDER, title="Referral #9: due soon"
    )
    third = deadlines.notify(
        user=world.investigator_a, kind=NotificationKind.REMINDER, title="Referral #10: due soon"
    )
    client = api(world.investigator_a)
    response = client.post(reverse("notification-read", kwargs={"pk": first.pk}))
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = [n["id"] for n in client.get(NOTIFICATIONS, {"unread": "true"}).json()["results"]]
    assert unread == [third.pk, second.pk]
    read = [n["id"] for n in client.get(NOTIFICATIONS, {"unread": "false"}).json()["results"]]
    assert read == [first.pk]
    reminders = client.get(NOTIFICATIONS, {"kind": "reminder"}).json()["results"]
    assert {n["id"] for n in reminders} == {second.pk, third.pk}
    assert client.post(reverse("notification-read-all")).json() == {"marked": 2}
    assert deadlines.unread_count(world.investigator_a) == 0


@pytest.mark.parametrize(
    ("params", "field"), [({"unread": "maybe"}, "unread"), ({"kind": "x"}, "kind")]
)
def test_bad_notification_filters_answer_400(world, api, params, field):
    response = api(world.investigator_a).get(NOTIFICATIONS, params)
    assert response.status_code == 400
    assert field in response.json()


# --- deadline policies ---------------------------------------------------------------------------


def policy_url(kind: str) -> str:
    return reverse("deadline-policy-detail", kwargs={"pk": kind})


def test_every_member_reads_every_kind_with_its_defaults(world, api):
    body = api(world.community_member).get(POLICIES).json()
    assert [row["kind"] for row in body] == list(deadlines.DEFAULT_POLICIES)
    referral = next(row for row in body if row["kind"] == "referral_response")
    assert referral == {
        "kind": "referral_response",
        "kind_display": "Referral response",
        "offsets_minutes": [1440, 240],
        "window_hours": 72,
        "urgent_window_hours": 24,
        "escalate": True,
        "customized": False,
    }
    one = api(world.advocate_b).get(policy_url("mou_end"))
    assert one.status_code == 200 and one.json()["offsets_minutes"] == [129600, 43200, 10080]
    assert api(world.advocate_b).get(policy_url("birthday")).status_code == 404
    assert api(world.outsider).get(POLICIES).status_code == 403


def test_a_coordinator_changes_a_policy_and_it_is_audited(world, api):
    referral = send(world)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    response = api(world.coordinator).patch(
        policy_url("referral_response"),
        {"offsets_minutes": [240, 2880], "window_hours": 48},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["offsets_minutes"] == [2880, 240]
    assert response.json()["window_hours"] == 48
    assert response.json()["urgent_window_hours"] == 24
    assert response.json()["customized"] is True
    assert deadlines.window(DeadlineKind.REFERRAL_RESPONSE) == dt.timedelta(hours=48)
    event = AuditEvent.objects.get(
        action=AuditAction.CHANGE, object_type="taskforce.reminderpolicy"
    )
    assert event.user_id == world.coordinator.pk
    assert event.detail["after"]["offsets_minutes"] == [2880, 240]
    # An open deadline is looked at again as soon as the earlier reminder is due.
    deadline.refresh_from_db()
    assert deadline.next_reminder_at == deadline.due_at - dt.timedelta(minutes=2880)
    listed = api(world.advocate_a).get(POLICIES).json()
    assert next(r for r in listed if r["kind"] == "referral_response")["window_hours"] == 48


@pytest.mark.parametrize("persona", ["vsp_supervisor_a", "le_supervisor_a", "advocate_a"])
def test_only_coordinators_change_policies(world, api, persona):
    response = api(world.users[persona]).patch(
        policy_url("referral_response"), {"window_hours": 96}, format="json"
    )
    assert response.status_code == 403
    assert not ReminderPolicy.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"offsets_minutes": [60, 60]}, "offsets_minutes"),
        ({"offsets_minutes": [1, 2, 3, 4, 5, 6, 7]}, "offsets_minutes"),
        ({"offsets_minutes": [-5]}, "offsets_minutes"),
        ({"offsets_minutes": [527041]}, "offsets_minutes"),
        ({"offsets_minutes": []}, "offsets_minutes"),
        ({"offsets_minutes": "1440"}, "offsets_minutes"),
        ({"window_hours": 0}, "window_hours"),
        ({"urgent_window_hours": -1}, "urgent_window_hours"),
        ({"escalate": "sometimes"}, "escalate"),
    ],
)
def test_bad_policy_input_answers_400_and_saves_nothing(world, api, data, field):
    response = api(world.coordinator).patch(policy_url("referral_response"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ReminderPolicy.objects.exists()
    assert not AuditEvent.objects.filter(object_type="taskforce.reminderpolicy").exists()


def test_the_service_refuses_what_the_api_would(world):
    with pytest.raises(ValidationError) as refused:
        deadlines.set_policy(by=world.coordinator, kind="referral_response", offsets_minutes=[5, 5])
    assert "offsets_minutes" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        deadlines.set_policy(by=world.coordinator, kind="birthday", escalate=False)
    assert "kind" in unknown.value.message_dict
    with pytest.raises(PermissionDenied):
        deadlines.set_policy(by=world.vsp_supervisor_a, kind="referral_response", escalate=False)
    assert not ReminderPolicy.objects.exists()


def test_a_year_ahead_and_six_reminders_are_the_limits(world, api):
    data = {"offsets_minutes": [527040, 10080, 1440, 240, 60, 0], "escalate": False}
    response = api(world.coordinator).patch(policy_url("mou_end"), data, format="json")
    assert response.status_code == 200, response.content
    assert deadlines.policy_for("mou_end").offsets_minutes == (527040, 10080, 1440, 240, 60, 0)
    assert deadlines.policy_for("mou_end").escalate is False
    assert api(world.coordinator).put(policy_url("mou_end"), data, format="json").status_code == 405
    unknown = api(world.coordinator).patch(policy_url("birthday"), data, format="json")
    assert unknown.status_code == 404


def test_a_form_encoded_change_leaves_out_what_it_does_not_name(world, api):
    response = api(world.coordinator).patch(
        policy_url("court_event"),
        "offsets_minutes=4320&offsets_minutes=60",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    policy = deadlines.policy_for("court_event")
    assert policy.offsets_minutes == (4320, 60)
    assert policy.escalate is deadlines.DEFAULT_POLICIES["court_event"].escalate


def test_an_empty_change_records_nothing(world, api):
    response = api(world.coordinator).patch(policy_url("court_event"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["customized"] is False
    assert not ReminderPolicy.objects.exists()
    assert not AuditEvent.objects.filter(object_type="taskforce.reminderpolicy").exists()
