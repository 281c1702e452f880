"""Journey through the real browser: a referral goes unanswered. The provider's intake hears of it
before it is due, its supervisor and the sender hear of the miss, in the system and by email, and
nobody else hears anything."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from taskforce import deadlines
from taskforce.celery import app
from taskforce.models import EmailStatus, Notification
from tests.browser.test_case_journey import sign_out
from tests.browser.test_coordinator_journey import sign_in
from tests.browser.test_victim_journey import refreshed, status_message, typed
from tests.conftest import build_world
from victims.models import Referral

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the world must be committed; the serialized
    # rollback puts the seeded lookups (service types) back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHELTER = "Housing: emergency shelter"


@pytest.fixture
def email_queue():
    """The emails are delivered in this process below; the messages their commits queued for
    a worker are taken out of the broker again, so no later worker finds them."""
    yield
    app.control.purge()


def unread(page, count: int) -> None:
    """The header's count of unread notifications (read out as "N unread")."""
    expect(page.locator("#notifications-badge .badge")).to_have_text(re.compile(rf"^\s*{count}\b"))


def test_an_unanswered_referral_reminds_then_escalates(browser_page, email_queue):
    world = build_world()
    page = browser_page

    # --- The investigator refers someone to Delta. ---
    sign_in(page, "investigator_a")
    page.goto("/victims/referrals/new/")
    expect(page.get_by_role("heading", name="Refer to a provider")).to_be_visible()
    refreshed(page, page.get_by_label(SHELTER).check)
    provider = page.get_by_label("Service provider")
    refreshed(page, lambda: provider.select_option(label="Delta Survivor Services"))
    refreshed(page, typed(page.get_by_label("Name to share"), "Maria"))
    page.get_by_role("button", name="Send referral").click()
    expect(status_message(page, "Sent the referral to Delta Survivor Services")).to_be_visible()
    referral = Referral.objects.get()
    label = f"Referral #{referral.pk}"
    sign_out(page)

    # --- The clock runs: three hours before the answer is due, then a minute past it. The
    # scans run here with that time; each email is delivered as the worker would. ---
    assert deadlines.send_due_reminders(now=referral.respond_by - dt.timedelta(hours=3)) == 2
    assert deadlines.send_due_reminders(now=referral.respond_by + dt.timedelta(minutes=1)) == 2
    for pk in Notification.objects.filter(email_status=EmailStatus.PENDING).values_list(
        "pk", flat=True
    ):
        assert deadlines.deliver_email(pk) == EmailStatus.SENT

    # --- The advocate sees the reminder. ---
    sign_in(page, "advocate_a")
    unread(page, 1)
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(f"{label}: answer the referral: due in 4 hours")
    expect(page.locator("main")).not_to_contain_text("Missed")
    sign_out(page)

    # --- The provider's supervisor sees the reminder and the escalation. ---
    sign_in(page, "vsp_supervisor_a")
    unread(page, 2)
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(f"Missed: {label}")
    expect(page.locator("main")).to_contain_text(f"{label}: answer the referral: due in 4 hours")
    sign_out(page)

    # --- The escalation went by email too: labels only. ---
    missed = [m for m in mail.outbox if f"Missed: {label}" in m.subject]
    assert sorted(m.to[0] for m in missed) == sorted(
        [world.vsp_supervisor_a.email, world.investigator_a.email]
    )
    assert len(mail.outbox) == 4
    assert not any("Maria" in m.subject or "Maria" in m.body for m in mail.outbox)

    # --- An advocate at the other provider hears nothing and sees nothing. ---
    sign_in(page, "advocate_b")
    unread(page, 0)
    page.goto("/notifications/")
    expect(page.locator("main")).not_to_contain_text(label)
    assert page.goto(f"/victims/referrals/{referral.pk}/").status == 404
    assert not Notification.objects.filter(recipient=world.advocate_b).exists()
