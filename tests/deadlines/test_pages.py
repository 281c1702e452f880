"""The deadline pages, the week view, the notifications page, the header badge, the home panel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.home import week_start
from taskforce import deadlines
from taskforce.models import DeadlineKind, NotificationKind, NotificationPreference
from tests.deadlines.helpers import send
from victims import services

DEADLINES = reverse("deadlines")
WEEK = reverse("deadlines-week")
NOTIFICATIONS = reverse("notifications")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def referral_deadline(world, due_at=None, provider=None):
    referral = send(world, provider)
    deadline = deadlines.deadline_of(DeadlineKind.REFERRAL_RESPONSE, referral)
    if due_at is not None:
        deadline = deadlines.track(
            kind=deadline.kind,
            source=referral,
            due_at=due_at,
            agency=deadline.owner_agency,
            title=deadline.title,
        )
    return deadline


def section(page: str, key: str) -> str:
    """The HTML of one section of /deadlines/."""
    match = re.search(rf'<section[^>]*id="deadlines-{key}".*?</section>', page, re.S)
    assert match, key
    return match.group(0)


def day_cell(page: str, day: dt.date) -> str:
    match = re.search(rf'<td id="day-{day.isoformat()}".*?</td>', page, re.S)
    assert match, day
    return match.group(0)


def no_inline_code(page: str) -> None:
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None


# --- /deadlines/ ---------------------------------------------------------------------------------


def test_open_deadlines_fall_into_overdue_this_week_and_later(world, browser_client):
    now = timezone.now()
    overdue = referral_deadline(world, now - dt.timedelta(hours=3))
    this_week = referral_deadline(world)  # due in 72 hours
    later = referral_deadline(world, now + dt.timedelta(days=30))
    page = html(browser_client(world.advocate_a).get(DEADLINES))
    assert f'id="deadline-{overdue.pk}"' in section(page, "overdue")
    assert f'id="deadline-{this_week.pk}"' in section(page, "week")
    assert f'id="deadline-{later.pk}"' in section(page, "later")
    assert f'id="deadline-{later.pk}"' not in section(page, "week")
    row = re.search(rf'<tr id="deadline-{overdue.pk}">.*?</tr>', page, re.S).group(0)
    assert f'href="{reverse("victims:referral-detail", args=[overdue.source_id])}"' in row
    assert "Referral response" in row and world.vsp_a.name in row
    assert "overdue" in row and ">Open</span>" in row
    no_inline_code(page)


def test_the_page_shows_only_what_the_user_may_see(world, browser_client):
    to_a = referral_deadline(world)
    to_b = referral_deadline(world, provider=world.vsp_b)
    page = html(browser_client(world.advocate_b).get(DEADLINES))
    assert f'id="deadline-{to_b.pk}"' in page
    assert f'id="deadline-{to_a.pk}"' not in page
    sender = html(browser_client(world.investigator_a).get(DEADLINES))
    assert f'id="deadline-{to_a.pk}"' in sender and f'id="deadline-{to_b.pk}"' in sender


def test_filter_by_agency_and_kind(world, browser_client):
    to_a = referral_deadline(world)
    to_b = referral_deadline(world, provider=world.vsp_b)
    client = browser_client(world.investigator_a)
    own = html(client.get(DEADLINES, {"agency": world.le_a.pk}))
    assert f'id="deadline-{to_a.pk}"' not in own and f'id="deadline-{to_b.pk}"' not in own
    kind = html(client.get(DEADLINES, {"kind": "referral_response"}))
    assert f'id="deadline-{to_a.pk}"' in kind
    assert f'id="deadline-{to_a.pk}"' not in html(client.get(DEADLINES, {"kind": "mou_end"}))
    # An agency that is not one of the user's is an error next to the field, not a filter.
    other = html(client.get(DEADLINES, {"agency": world.vsp_a.pk}))
    assert 'id="id_agency_error"' in other
    assert f'id="deadline-{to_a.pk}"' not in other
    provider = html(browser_client(world.advocate_a).get(DEADLINES, {"agency": world.vsp_a.pk}))
    assert f'id="deadline-{to_a.pk}"' in provider


def test_no_membership_is_refused_and_anonymous_sent_to_login(world, browser_client, client):
    assert browser_client(world.outsider).get(DEADLINES).status_code == 403
    response = client.get(DEADLINES)
    assert response.status_code == 302 and reverse("login") in response.url


# --- /deadlines/week/ ----------------------------------------------------------------------------


def test_the_week_view_places_a_deadline_on_its_day(world, browser_client):
    monday = week_start(timezone.localdate()) + dt.timedelta(days=14)
    wednesday = monday + dt.timedelta(days=2)
    due = timezone.make_aware(dt.datetime.combine(wednesday, dt.time(10, 30)))
    deadline = referral_deadline(world, due)
    page = html(browser_client(world.advocate_a).get(WEEK, {"start": wednesday.isoformat()}))
    assert f"Week of {monday.isoformat()}" in page
    assert f'id="week-deadline-{deadline.pk}"' in day_cell(page, wednesday)
    for other in (monday, monday + dt.timedelta(days=6)):
        assert f'id="week-deadline-{deadline.pk}"' not in day_cell(page, other)
    assert f"start={(monday - dt.timedelta(days=7)).isoformat()}" in page
    assert f"start={(monday + dt.timedelta(days=7)).isoformat()}" in page
    # Someone who may not see the referral does not find it in that week.
    other = html(browser_client(world.advocate_b).get(WEEK, {"start": wednesday.isoformat()}))
    assert f'id="week-deadline-{deadline.pk}"' not in other
    no_inline_code(page)


def test_the_week_view_shows_court_dates_to_those_who_may_see_them(world, browser_client):
    case = case_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Harbor Street",
        origin="proactive",
        trafficking_type="sex",
        jurisdiction_level="local",
    )
    referral = case_services.refer_for_prosecution(
        case=case, office=world.prosecution, by=world.investigator_a
    )
    prosecution = case_services.accept_prosecution_referral(referral=referral, by=world.prosecutor)
    friday = week_start(timezone.localdate()) + dt.timedelta(days=11)
    event = case_services.schedule_court_event(
        prosecution=prosecution,
        by=world.prosecutor,
        event_type="arraignment",
        scheduled_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(9, 0))),
        court="Circuit Court, Room 2",
    )
    page = html(browser_client(world.prosecutor).get(WEEK, {"start": friday.isoformat()}))
    assert f'id="week-court-event-{event.pk}"' in day_cell(page, friday)
    hidden = html(browser_client(world.advocate_a).get(WEEK, {"start": friday.isoformat()}))
    assert f'id="week-court-event-{event.pk}"' not in hidden
    assert "Circuit Court, Room 2" not in hidden


@pytest.mark.parametrize("start", ["next week", "2026-02-30", "0001-01-01", "99999-01-01"])
def test_a_bad_start_shows_this_week_with_a_message(world, browser_client, start):
    page = html(browser_client(world.investigator_a).get(WEEK, {"start": start}))
    monday = week_start(timezone.localdate())
    assert f"Week of {monday.isoformat()}" in page
    assert "showing this week instead" in page


def test_the_week_view_defaults_to_this_week(world, browser_client):
    page = html(browser_client(world.community_member).get(WEEK))
    monday = week_start(timezone.localdate())
    assert f"Week of {monday.isoformat()}" in page
    assert "showing this week instead" not in page


# --- /notifications/ -----------------------------------------------------------------------------


def outcome_for_sender(world):
    referral = send(world)
    services.accept_referral(referral=referral, by=world.advocate_a)
    return deadlines.notifications_for(world.investigator_a).get()


def badge(page: str) -> str:
    match = re.search(
        r'<a id="notifications-badge"[^>]*href="/notifications/"[^>]*>Notifications '
        r'<span class="badge[^"]*">(\d+)<span class="visually-hidden"> unread</span></span></a>',
        page,
    )
    assert match, "no notifications badge"
    return match.group(1)


def test_the_badge_counts_unread_notifications(world, browser_client):
    client = browser_client(world.investigator_a)
    assert badge(html(client.get(reverse("home")))) == "0"
    notification = outcome_for_sender(world)
    deadlines.notify(user=world.investigator_a, kind=NotificationKind.REMINDER, title="Due soon")
    assert badge(html(client.get(reverse("home")))) == "2"
    deadlines.mark_read(user=world.investigator_a, ids=[notification.pk])
    assert badge(html(client.get(DEADLINES))) == "1"
    # Someone else's notifications are not counted.
    assert badge(html(browser_client(world.le_supervisor_a).get(reverse("home")))) == "0"


def test_notifications_list_filters_and_marks_read(world, browser_client):
    outcome = outcome_for_sender(world)
    reminder = deadlines.notify(
        user=world.investigator_a, kind=NotificationKind.REMINDER, title="Referral #77: due soon"
    )
    client = browser_client(world.investigator_a)
    page = html(client.get(NOTIFICATIONS))
    assert page.index(f'id="notification-{reminder.pk}"') < page.index(
        f'id="notification-{outcome.pk}"'
    )
    assert f'href="{outcome.url}"' in page
    no_inline_code(page)
    response = client.post(
        reverse("notifications-mark-read", args=[outcome.pk]), {"next": NOTIFICATIONS}
    )
    assert response.status_code == 302 and response.url == NOTIFICATIONS
    outcome.refresh_from_db()
    assert outcome.read_at is not None
    unread = html(client.get(NOTIFICATIONS, {"show": "unread"}))
    assert f'id="notification-{reminder.pk}"' in unread
    assert f'id="notification-{outcome.pk}"' not in unread
    by_kind = html(client.get(NOTIFICATIONS, {"kind": "outcome"}))
    assert f'id="notification-{outcome.pk}"' in by_kind
    assert f'id="notification-{reminder.pk}"' not in by_kind
    assert client.post(reverse("notifications-mark-all-read")).status_code == 302
    assert deadlines.unread_count(world.investigator_a) == 0


def test_someone_elses_notification_cannot_be_marked(world, browser_client):
    notification = outcome_for_sender(world)
    client = browser_client(world.le_supervisor_a)
    assert f'id="notification-{notification.pk}"' not in html(client.get(NOTIFICATIONS))
    url = reverse("notifications-mark-read", args=[notification.pk])
    assert client.post(url).status_code == 404
    client.post(reverse("notifications-mark-all-read"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_never_redirects_off_site(world, browser_client):
    notification = outcome_for_sender(world)
    client = browser_client(world.investigator_a)
    url = reverse("notifications-mark-read", args=[notification.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == NOTIFICATIONS


def test_the_daily_digest_can_be_turned_off_and_on(world, browser_client):
    client = browser_client(world.advocate_a)
    page = html(client.get(NOTIFICATIONS))
    assert re.search(r'name="daily_digest" id="id_daily_digest" checked', page)
    assert client.post(reverse("notifications-preferences"), {}).status_code == 302
    assert NotificationPreference.objects.get(user=world.advocate_a).daily_digest is False
    page = html(client.get(NOTIFICATIONS))
    assert not re.search(r'name="daily_digest" id="id_daily_digest" checked', page)
    client.post(reverse("notifications-preferences"), {"daily_digest": "on"})
    assert NotificationPreference.objects.get(user=world.advocate_a).daily_digest is True


def test_the_notification_forms_take_posts_only(world, browser_client):
    client = browser_client(world.advocate_a)
    assert client.get(reverse("notifications-mark-all-read")).status_code == 405
    assert client.get(reverse("notifications-preferences")).status_code == 405


# --- the home page's panel -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["coordinator", "investigator_a", "prosecutor", "advocate_a", "community_member"],
)
def test_every_role_home_has_one_deadlines_panel(world, browser_client, persona):
    page = html(browser_client(world.users[persona]).get(reverse("home")))
    assert page.count('id="home-deadlines"') == 1
    assert page.count(">Deadlines</h2>") == 1
    assert f'href="{DEADLINES}"' in page


def test_the_home_panel_counts_and_lists_the_soonest(world, browser_client):
    now = timezone.now()
    overdue = referral_deadline(world, now - dt.timedelta(hours=1))
    week = [referral_deadline(world) for _ in range(5)]
    page = html(browser_client(world.advocate_a).get(reverse("home")))
    panel = re.search(r'<section[^>]*id="home-deadlines".*?</section>', page, re.S).group(0)
    counts = re.findall(
        r'<span class="badge[^"]*">(\d+)</span> (overdue|due today|due this)', panel
    )
    assert {label: int(n) for n, label in counts} == {
        "overdue": 1,
        "due today": 0,
        "due this": 5,
    }
    listed = re.findall(r'id="home-deadline-(\d+)"', panel)
    assert [int(pk) for pk in listed] == [overdue.pk, *(d.pk for d in week[:4])]
    none = html(browser_client(world.advocate_b).get(reverse("home")))
    assert "No open deadlines on the records you may see." in none


POLICIES = reverse("deadline-policies")


def policy_edit(kind=DeadlineKind.REFERRAL_RESPONSE) -> str:
    return reverse("deadline-policy-edit", args=[kind])


def test_every_member_reads_the_policies_and_only_coordinators_may_change_them(
    world, browser_client
):
    page = html(browser_client(world.advocate_a).get(POLICIES))
    assert (
        "Referral response" in page and "1d, 4h" in page and "72 h (24 h urgent or minor)" in page
    )
    assert policy_edit() not in page
    assert browser_client(world.advocate_a).get(policy_edit()).status_code == 403
    assert policy_edit() in html(browser_client(world.coordinator).get(POLICIES))


def test_a_coordinator_changes_the_referral_clock_and_new_referrals_follow_it(
    world, browser_client
):
    client = browser_client(world.coordinator)
    response = client.post(
        policy_edit(),
        {"offsets": "2d, 6h", "window_hours": "48", "urgent_window_hours": "12", "escalate": "on"},
    )
    assert response.status_code == 302
    policy = deadlines.policy_for(DeadlineKind.REFERRAL_RESPONSE)
    assert policy.offsets_minutes == (2 * 24 * 60, 6 * 60)
    assert (policy.window_hours, policy.urgent_window_hours, policy.escalate) == (48, 12, True)
    referral = send(world)
    assert referral.respond_by - referral.sent_at == dt.timedelta(hours=48)
    assert "changed" in html(client.get(POLICIES))


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"offsets": "soon"}, "is not a number"),
        ({"offsets": "1d, 1d"}, "Each reminder time once"),
        ({"offsets": "400d"}, "Each between 0 and"),
        ({"offsets": "1d", "window_hours": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_policy_input_says_why_and_saves_nothing(world, browser_client, data, field_error):
    response = browser_client(world.coordinator).post(policy_edit(), data)
    assert response.status_code == 200
    assert field_error in html(response)
    assert (
        deadlines.policy_for(DeadlineKind.REFERRAL_RESPONSE)
        == deadlines.DEFAULT_POLICIES[DeadlineKind.REFERRAL_RESPONSE]
    )


def test_an_unknown_kind_is_not_found(world, browser_client):
    assert browser_client(world.coordinator).get(policy_edit("no_such_kind")).status_code == 404
