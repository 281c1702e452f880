"""The browser pages of investigations and prosecutions: who gets which page, what each tab
shows to whom, and that bad input and impossible steps change nothing."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Language
from cases import services
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Disposition,
    Identifier,
    Origin,
    ProsecutionReferral,
    ProsecutionReferralStatus,
    ProsecutorNote,
    Statute,
    Subject,
    TraffickingType,
)
from taskforce.models import AuditAction, AuditEvent

MARKED = "Ledger photographed at the Route 9 parlor"
UNMARKED = "Informant Bluebird says the manager moves cash on Fridays"
PROSECUTOR_NOTE = "Plea strategy: offer cooperation terms before the hearing"
OPERATION_SITE = "1200 Industrial Way"


def html(response) -> str:
    return response.content.decode()


def _no_inline_code(page: str) -> None:
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None


def open_case(world, title="Operation Lantern", by=None, agency=None, **extra):
    return services.open_case(
        by=by or world.investigator_a,
        agency=agency or world.le_a,
        title=title,
        origin=extra.pop("origin", Origin.PROACTIVE),
        trafficking_type=extra.pop("trafficking_type", TraffickingType.SEX),
        jurisdiction_level="local",
        **extra,
    )


@pytest.fixture
def file(world, case):
    """``case`` with a subject, a phone, a marked and an unmarked note, an operation with a
    notice, referred to the district attorney (pending)."""
    inv = world.investigator_a
    subject = services.add_subject(
        case=case,
        by=inv,
        role="controller",
        first_name="Victor",
        last_name="Kessler",
        aliases=["Mr. K"],
        date_of_birth=dt.date(1975, 3, 14),
    )
    phone = services.add_identifier(
        case=case, by=inv, kind="phone", value="(555) 201-3344", subject=subject
    )
    marked = services.add_note(
        case=case, by=inv, note_type="evidence_log", body=MARKED, for_prosecution=True
    )
    unmarked = services.add_note(case=case, by=inv, note_type="tip", body=UNMARKED)
    now = timezone.now()
    operation = services.plan_operation(
        case=case,
        by=inv,
        operation_type="search_warrant",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=3),
        location=OPERATION_SITE,
    )
    notice = services.send_pre_operation_notice(
        operation=operation,
        provider=world.vsp_a,
        by=inv,
        window_starts=operation.starts_at,
        window_ends=operation.ends_at,
        expected_victims=3,
        genders=["female"],
        languages=Language.objects.filter(code="es"),
        minors_expected=False,
    )
    referral = services.refer_for_prosecution(
        case=case, office=world.prosecution, by=inv, message="Ready for charging review."
    )
    case.refresh_from_db()
    return SimpleNamespace(
        case=case,
        subject=subject,
        phone=phone,
        marked=marked,
        unmarked=unmarked,
        operation=operation,
        notice=notice,
        referral=referral,
    )


@pytest.fixture
def prosecuted(world, file):
    """``file`` accepted by the district attorney, with a charge, a court date and a
    prosecutor note."""
    p = world.prosecutor
    prosecution = services.accept_prosecution_referral(referral=file.referral, by=p)
    charge = services.add_charge(
        prosecution=prosecution,
        by=p,
        subject=file.subject,
        statute=Statute.objects.get(citation="18 U.S.C. 1591"),
    )
    event = services.schedule_court_event(
        prosecution=prosecution,
        by=p,
        event_type="arraignment",
        # Noon today: always within this week's court calendar.
        scheduled_at=timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0),
        court="Dunmore County Court, Room 4",
    )
    note = services.add_prosecutor_note(prosecution=prosecution, by=p, body=PROSECUTOR_NOTE)
    file.prosecution, file.charge, file.event, file.prosecutor_note = (
        prosecution,
        charge,
        event,
        note,
    )
    return file


def detail(case, tab="summary") -> str:
    url = reverse("cases:detail", args=[case.pk])
    return f"{url}?tab={tab}"


def case_pages(f) -> list[tuple[str, str]]:
    """Every GET page of a case file and its records: (name, url)."""
    case = f.case
    pages = [
        (f"detail:{tab}", detail(case, tab))
        for tab in ("summary", "subjects", "notes", "operations", "prosecution", "hits")
    ]
    for name in (
        "edit",
        "close",
        "share",
        "unshare",
        "refer",
        "subject-create",
        "identifier-create",
        "note-create",
        "operation-create",
    ):
        pages.append((name, reverse(f"cases:{name}", args=[case.pk])))
    pages += [
        ("subject-edit", reverse("cases:subject-edit", args=[f.subject.pk])),
        ("note-edit", reverse("cases:note-edit", args=[f.marked.pk])),
        ("note-correct", reverse("cases:note-correct", args=[f.marked.pk])),
        ("operation-edit", reverse("cases:operation-edit", args=[f.operation.pk])),
        ("notice-create", reverse("cases:notice-create", args=[f.operation.pk])),
    ]
    return pages


def case_posts(f) -> list[tuple[str, str]]:
    """The one-button steps (POST) on a case file."""
    return [
        ("activate", reverse("cases:activate", args=[f.case.pk])),
        ("reopen", reverse("cases:reopen", args=[f.case.pk])),
        ("note-for-prosecution", reverse("cases:note-for-prosecution", args=[f.marked.pk])),
    ]


def prosecution_pages(f) -> list[tuple[str, str]]:
    return [
        ("referral-accept", reverse("cases:referral-accept", args=[f.referral.pk])),
        ("referral-decline", reverse("cases:referral-decline", args=[f.referral.pk])),
        ("charge-create", reverse("cases:charge-create", args=[f.prosecution.pk])),
        ("court-event-create", reverse("cases:court-event-create", args=[f.prosecution.pk])),
        (
            "prosecutor-note-create",
            reverse("cases:prosecutor-note-create", args=[f.prosecution.pk]),
        ),
        ("charge-edit", reverse("cases:charge-edit", args=[f.charge.pk])),
        ("court-event-edit", reverse("cases:court-event-edit", args=[f.event.pk])),
    ]


# --- Who gets which page -------------------------------------------------------------------------


def test_every_case_page_answers_the_investigator(world, browser_client, file):
    client = browser_client(world.investigator_a)
    for name, url in [
        ("list", reverse("cases:list")),
        ("create", reverse("cases:create")),
        ("prosecutions", reverse("cases:prosecutions")),
        ("court-calendar", reverse("cases:court-calendar")),
        *case_pages(file),
    ]:
        response = client.get(url)
        assert response.status_code == 200, name
        _no_inline_code(html(response))


def test_every_prosecution_page_answers_the_prosecutor(world, browser_client, prosecuted):
    client = browser_client(world.prosecutor)
    # Decisions on a referral already accepted answer 409 (tested below); a fresh one is 200.
    second = open_case(world, title="Second")
    fresh = services.refer_for_prosecution(
        case=second, office=world.prosecution, by=world.investigator_a
    )
    pages = [
        ("prosecutions", reverse("cases:prosecutions")),
        ("court-calendar", reverse("cases:court-calendar")),
        ("home", reverse("home")),
        *[(n, u) for n, u in case_pages(prosecuted) if n.startswith("detail:")],
        *[(n, u) for n, u in prosecution_pages(prosecuted) if not n.startswith("referral-")],
        ("referral-accept", reverse("cases:referral-accept", args=[fresh.pk])),
        ("referral-decline", reverse("cases:referral-decline", args=[fresh.pk])),
    ]
    for name, url in pages:
        response = client.get(url)
        assert response.status_code == 200, name
        _no_inline_code(html(response))


@pytest.mark.parametrize(
    "persona", ["advocate_a", "advocate_b", "community_member", "investigator_b", "outsider"]
)
def test_every_case_page_is_404_out_of_reach(world, browser_client, prosecuted, persona):
    client = browser_client(world.users[persona])
    pages = case_pages(prosecuted) + prosecution_pages(prosecuted)
    for name, url in pages:
        assert client.get(url).status_code == 404, name
    hit = _hit_for(world, prosecuted.case)
    for name, url in [
        *case_posts(prosecuted),
        ("hit-acknowledge", reverse("cases:hit-acknowledge", args=[hit.pk])),
        ("referral-withdraw", reverse("cases:referral-withdraw", args=[prosecuted.referral.pk])),
    ]:
        assert client.post(url).status_code == 404, name
    # Nothing changed on the way.
    assert Case.objects.get(pk=prosecuted.case.pk).status == CaseStatus.REFERRED
    assert CaseNote.objects.get(pk=prosecuted.marked.pk).for_prosecution is True
    assert DeconflictionHit.objects.filter(acknowledged_at__isnull=False).count() == 0


def _hit_for(world, case) -> DeconflictionHit:
    """A deconfliction hit on ``case``: the sheriff's case holds the same phone."""
    other = open_case(world, title="Beta county case", by=world.investigator_b, agency=world.le_b)
    services.add_identifier(case=other, by=world.investigator_b, kind="phone", value="5552013344")
    return DeconflictionHit.objects.get(case=case)


def test_every_page_of_an_unreferred_case_is_404_to_the_prosecutor(world, browser_client):
    case = open_case(world, title="Not referred")
    subject = services.add_subject(case=case, by=world.investigator_a, role="recruiter")
    note = services.add_note(
        case=case, by=world.investigator_a, note_type="tip", body="x", for_prosecution=True
    )
    operation = services.plan_operation(
        case=case,
        by=world.investigator_a,
        operation_type="surveillance",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=1),
        location="x",
    )
    f = SimpleNamespace(case=case, subject=subject, marked=note, operation=operation)
    client = browser_client(world.prosecutor)
    for name, url in case_pages(f):
        assert client.get(url).status_code == 404, name
    for name, url in case_posts(f):
        assert client.post(url).status_code == 404, name


def test_prosecutor_may_see_but_not_change_the_case_file(world, browser_client, file):
    client = browser_client(world.prosecutor)
    for name in ("edit", "close", "share", "refer", "subject-create", "note-create"):
        assert client.get(reverse(f"cases:{name}", args=[file.case.pk])).status_code == 403, name
    assert client.post(reverse("cases:activate", args=[file.case.pk])).status_code == 403
    # And the investigator may not decide for the prosecutor office.
    inv = browser_client(world.investigator_a)
    assert inv.get(reverse("cases:referral-accept", args=[file.referral.pk])).status_code == 403


def test_only_the_lead_agency_moves_shares_or_refers_a_joint_case(world, browser_client, case):
    services.share_case(
        case=case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    client = browser_client(world.investigator_b)
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 200
    for name in ("close", "share", "unshare", "refer"):
        assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 403, name
    assert client.post(reverse("cases:activate", args=[case.pk])).status_code == 403
    summary = html(client.get(detail(case)))
    assert reverse("cases:edit", args=[case.pk]) in summary
    assert reverse("cases:close", args=[case.pk]) not in summary
    assert reverse("cases:activate", args=[case.pk]) not in summary
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_case_pages_need_sign_in(client, file):
    for _, url in case_pages(file):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_reading_a_case_is_audited(world, browser_client, case):
    browser_client(world.investigator_a).get(detail(case))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", object_id=str(case.pk)
    ).exists()


# --- What each tab shows to whom ---------------------------------------------------------------


def test_summary_shows_the_case_and_its_allowed_steps(world, browser_client, case):
    services.share_case(case=case, agency=world.le_b, access_level="view", by=world.investigator_a)
    page = html(browser_client(world.investigator_a).get(detail(case)))
    assert case.number in page and "Operation Lantern" in page
    assert "Online ads linked to two massage parlors." in page
    assert "Beta County Sheriff" in page  # participating agency
    assert world.investigator_a.get_full_name() in page
    assert reverse("cases:activate", args=[case.pk]) in page
    assert reverse("cases:close", args=[case.pk]) in page
    # A case that is open is not reopened.
    assert reverse("cases:reopen", args=[case.pk]) not in page


def test_only_the_selected_tab_is_read(world, browser_client, file):
    client = browser_client(world.investigator_a)
    subjects = html(client.get(detail(file.case, "subjects")))
    assert "Kessler" in subjects and "(555) 201-3344" in subjects
    assert UNMARKED not in subjects and OPERATION_SITE not in subjects
    notes = html(client.get(detail(file.case, "notes")))
    assert MARKED in notes and UNMARKED in notes
    assert "Kessler" not in notes
    operations = html(client.get(detail(file.case, "operations")))
    assert OPERATION_SITE in operations and "Delta Survivor Services" in operations
    assert "Spanish" in operations and "Female" in operations
    assert MARKED not in operations


def test_prosecutor_sees_only_the_notes_marked_for_prosecution(world, browser_client, file):
    client = browser_client(world.prosecutor)
    notes = html(client.get(detail(file.case, "notes")))
    assert MARKED in notes
    assert UNMARKED not in notes
    # The case core and its subjects are theirs to see; the operations are not.
    assert "Kessler" in html(client.get(detail(file.case, "subjects")))
    operations = html(client.get(detail(file.case, "operations")))
    assert OPERATION_SITE not in operations
    assert "Delta Survivor Services" not in operations
    # No write buttons for a file they may only read.
    assert reverse("cases:note-create", args=[file.case.pk]) not in notes


def test_corrections_show_under_their_note_and_edit_only_for_the_author(
    world, browser_client, file
):
    services.correct_note(note=file.marked, by=world.le_supervisor_a, body="Ledger was blue.")
    edit_url = reverse("cases:note-edit", args=[file.marked.pk])
    author = html(browser_client(world.investigator_a).get(detail(file.case, "notes")))
    marked_card = author.split(f'id="note-{file.marked.pk}"')[1].split("</article>")[0]
    assert "Ledger was blue." in marked_card
    assert edit_url in author
    supervisor = html(browser_client(world.le_supervisor_a).get(detail(file.case, "notes")))
    assert edit_url not in supervisor
    # The window closes: no edit link for the author either, and the page says why.
    CaseNote.objects.filter(pk=file.marked.pk).update(
        editable_until=timezone.now() - dt.timedelta(minutes=1)
    )
    client = browser_client(world.investigator_a)
    assert edit_url not in html(client.get(detail(file.case, "notes")))
    response = client.get(edit_url)
    assert response.status_code == 409
    assert 'id="refusal-message"' in html(response)
    response = client.post(edit_url, {"note_type": "tip", "body": "Rewritten"})
    assert response.status_code == 409
    assert "add a correction instead" in html(response)
    assert CaseNote.objects.get(pk=file.marked.pk).body == MARKED


def test_prosecutor_notes_never_reach_the_investigator(world, browser_client, prosecuted):
    investigator = html(
        browser_client(world.investigator_a).get(detail(prosecuted.case, "prosecution"))
    )
    assert "18 U.S.C. 1591" in investigator
    assert "Dunmore County Court, Room 4" in investigator
    assert PROSECUTOR_NOTE not in investigator
    assert "Prosecutor notes" not in investigator
    assert reverse("cases:charge-create", args=[prosecuted.prosecution.pk]) not in investigator
    prosecutor = html(browser_client(world.prosecutor).get(detail(prosecuted.case, "prosecution")))
    assert PROSECUTOR_NOTE in prosecutor
    assert reverse("cases:charge-create", args=[prosecuted.prosecution.pk]) in prosecutor


def test_hits_name_only_the_other_agency_and_its_contact(world, browser_client, file):
    agency_services.update_agency(
        agency=world.le_b,
        by=None,
        public_contact_name="Sgt. Dana Reyes",
        public_contact_email="deconfliction@bcso.example.org",
    )
    hit = _hit_for(world, file.case)
    client = browser_client(world.investigator_a)
    for url in (reverse("home"), detail(file.case, "hits")):
        page = html(client.get(url))
        assert "Beta County Sheriff" in page
        assert "Sgt. Dana Reyes" in page and "deconfliction@bcso.example.org" in page
        assert "Beta county case" not in page
        assert reverse("cases:hit-acknowledge", args=[hit.pk]) in page
    # A victim specialist of the same agency is neither assigned nor a supervisor.
    specialist = html(browser_client(world.le_victim_specialist_a).get(reverse("home")))
    assert "Sgt. Dana Reyes" not in specialist

    response = client.post(
        reverse("cases:hit-acknowledge", args=[hit.pk]), {"next": reverse("home")}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    hit.refresh_from_db()
    assert hit.acknowledged_at is not None
    # An address elsewhere is not followed.
    response = client.post(
        reverse("cases:hit-acknowledge", args=[hit.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == detail(file.case, "hits")


# --- Home sections ---------------------------------------------------------------------------


def test_investigator_home_lists_my_open_cases_newest_activity_first(world, browser_client):
    older = open_case(world, title="Older case")
    newer = open_case(world, title="Newer case")
    closed = open_case(world, title="Closed case")
    services.close_case(case=closed, by=world.investigator_a, reason="No trafficking")
    someone_elses = open_case(world, title="Supervisor's case", by=world.le_supervisor_a)
    Case.objects.filter(pk=older.pk).update(last_activity_at=timezone.now() - dt.timedelta(1))
    page = html(browser_client(world.investigator_a).get(reverse("home")))
    section = page.split('id="my-cases"')[1].split("</section>")[0]
    assert section.index(newer.number) < section.index(older.number)
    assert closed.number not in section
    assert someone_elses.number not in section
    assert f"{reverse('cases:list')}?mine=on" in section


def test_prosecutor_home_shows_referrals_prosecutions_and_this_weeks_court_dates(
    world, browser_client, prosecuted
):
    waiting = open_case(world, title="Awaiting the DA")
    referral = services.refer_for_prosecution(
        case=waiting, office=world.prosecution, by=world.investigator_a
    )
    page = html(browser_client(world.prosecutor).get(reverse("home")))
    mine = page.split('id="my-prosecutions"')[1].split("</section>")[0]
    assert prosecuted.case.number in mine
    pending = page.split('id="pending-referrals"')[1].split("</section>")[0]
    assert waiting.number in pending
    assert reverse("cases:referral-accept", args=[referral.pk]) in pending
    assert prosecuted.case.number not in pending  # already accepted
    calendar = page.split('id="court-calendar"')[1].split("</section>")[0]
    assert "Dunmore County Court, Room 4" in calendar
    # The victim-witness coordinator leads none: the office's prosecutions are shown.
    coordinator = html(browser_client(world.vw_coordinator).get(reverse("home")))
    assert "these are your office" in coordinator
    assert prosecuted.case.number in coordinator


# --- Lists -----------------------------------------------------------------------------------


def case_numbers(response) -> list[str]:
    return re.findall(
        r'<th scope="row" class="text-nowrap"><a href="/cases/\d+/">([^<]+)</a>', html(response)
    )


def test_case_list_search_and_filters(world, browser_client):
    lantern = open_case(world, title="Lantern", origin=Origin.PROACTIVE)
    harvest = open_case(
        world, title="Harvest", origin=Origin.REACTIVE, trafficking_type=TraffickingType.LABOR
    )
    services.activate_case(case=harvest, by=world.investigator_a)
    by_supervisor = open_case(world, title="Supervised", by=world.le_supervisor_a)
    sheriff = open_case(world, title="Sheriff's", by=world.investigator_b, agency=world.le_b)
    services.share_case(
        case=sheriff, agency=world.le_a, access_level="view", by=world.investigator_b
    )
    client = browser_client(world.investigator_a)
    url = reverse("cases:list")

    def numbers(params):
        return set(case_numbers(client.get(url, params)))

    everything = {lantern.number, harvest.number, by_supervisor.number, sheriff.number}
    assert numbers({}) == everything
    assert numbers({"q": "harv"}) == {harvest.number}
    assert numbers({"q": lantern.number}) == {lantern.number}
    assert numbers({"status": "active"}) == {harvest.number}
    assert numbers({"trafficking_type": "labor"}) == {harvest.number}
    assert numbers({"origin": "reactive"}) == {harvest.number}
    assert numbers({"agency": world.le_b.pk}) == {sheriff.number}
    assert numbers({"mine": "on"}) == {lantern.number, harvest.number}
    # The sheriff's own investigator sees only the sheriff's case.
    assert set(case_numbers(browser_client(world.investigator_b).get(url))) == {sheriff.number}
    # An advocate gets the page and no cases at all.
    response = browser_client(world.advocate_a).get(url)
    assert response.status_code == 200 and case_numbers(response) == []


def test_case_list_refuses_an_unknown_filter_next_to_the_field(world, browser_client, case):
    response = browser_client(world.investigator_a).get(reverse("cases:list"), {"status": "x"})
    assert response.status_code == 200
    assert 'id="id_status_error"' in html(response)
    assert case_numbers(response) == []


def test_case_list_paginates_and_its_query_count_does_not_grow(world, browser_client):
    client = browser_client(world.investigator_a)
    url = reverse("cases:list")
    open_case(world, title="Case 0")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert len(case_numbers(response)) == 1
    for n in range(1, 31):
        open_case(world, title=f"Case {n}")
    with CaptureQueriesContext(connection) as full:
        response = client.get(url)
    assert len(case_numbers(response)) == 25
    assert len(full.captured_queries) == len(one.captured_queries)
    second = client.get(url, {"page": 2})
    assert len(case_numbers(second)) == 6


def test_prosecution_list_and_court_calendar(world, browser_client, prosecuted):
    client = browser_client(world.prosecutor)
    page = html(client.get(reverse("cases:prosecutions"), {"mine": "on"}))
    assert prosecuted.case.number in page
    assert prosecuted.case.number not in html(
        client.get(reverse("cases:prosecutions"), {"q": "no such case"})
    )
    # The investigator sees the prosecution of their case; the sheriff does not.
    assert prosecuted.case.number in html(
        browser_client(world.investigator_a).get(reverse("cases:prosecutions"))
    )
    assert prosecuted.case.number not in html(
        browser_client(world.investigator_b).get(reverse("cases:prosecutions"))
    )

    day = timezone.localtime(prosecuted.event.scheduled_at).date()
    calendar = reverse("cases:court-calendar")
    page = html(client.get(calendar, {"week": day.isoformat()}))
    monday = day - dt.timedelta(days=day.weekday())
    assert f"week of {monday:%Y-%m-%d}" in page
    assert "Dunmore County Court, Room 4" in page
    assert f"week={monday - dt.timedelta(days=7):%Y-%m-%d}" in page
    assert f"week={monday + dt.timedelta(days=7):%Y-%m-%d}" in page
    later = html(client.get(calendar, {"week": (day + dt.timedelta(days=7)).isoformat()}))
    assert "Dunmore County Court, Room 4" not in later
    bad = client.get(calendar, {"week": "next tuesday"})
    assert bad.status_code == 200 and 'id="id_week_error"' in html(bad)
    # Only the people the court date is shown to.
    assert "Dunmore County Court" not in html(
        browser_client(world.investigator_b).get(calendar, {"week": day.isoformat()})
    )


# --- Writes ------------------------------------------------------------------------------------


def test_opening_a_case_with_bad_input_shows_the_errors_and_adds_nothing(world, browser_client):
    client = browser_client(world.investigator_a)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("cases:create"),
        {
            "title": "",
            "origin": "proactive",
            "trafficking_type": "sex",
            "confirmation_status": "suspected",
            "jurisdiction_level": "local",
            "opened_on": future,
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert 'id="id_title_error"' in page
    assert 'aria-invalid="true"' in page
    assert not Case.objects.exists()
    # The service refuses a future open date next to its field.
    response = client.post(
        reverse("cases:create"),
        {
            "title": "Future",
            "origin": "proactive",
            "trafficking_type": "sex",
            "confirmation_status": "suspected",
            "jurisdiction_level": "local",
            "opened_on": future,
        },
    )
    assert 'id="id_opened_on_error"' in html(response)
    assert "cannot be in the future" in html(response)
    assert not Case.objects.exists()


def test_opening_and_editing_a_case(world, browser_client):
    client = browser_client(world.investigator_a)
    response = client.post(
        reverse("cases:create"),
        {
            "title": "Harvest crew",
            "origin": "reactive",
            "trafficking_type": "labor",
            "confirmation_status": "suspected",
            "jurisdiction_level": "local",
            "jurisdiction": "Dunmore County",
        },
    )
    case = Case.objects.get(title="Harvest crew")
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.owner_agency == world.le_a
    assert list(case.assigned_investigators.all()) == [world.investigator_a]
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "title": "Harvest crew (orchards)",
            "origin": "reactive",
            "trafficking_type": "labor",
            "confirmation_status": "confirmed",
            "jurisdiction_level": "local",
            "ucr_clearance": "not_cleared",
            "assigned_investigators": [world.investigator_a.pk, world.le_supervisor_a.pk],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Harvest crew (orchards)"
    assert set(case.assigned_investigators.all()) == {world.investigator_a, world.le_supervisor_a}


def test_case_form_never_offers_an_outside_investigator(world, browser_client, case):
    client = browser_client(world.investigator_a)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "title": "Operation Lantern",
            "origin": "proactive",
            "trafficking_type": "sex",
            "confirmation_status": "suspected",
            "jurisdiction_level": "local",
            "ucr_clearance": "not_cleared",
            "assigned_investigators": [world.investigator_b.pk],
        },
    )
    assert 'id="id_assigned_investigators_error"' in html(response)
    assert list(case.assigned_investigators.all()) == [world.investigator_a]


def test_only_law_enforcement_may_open_cases(world, browser_client):
    for persona in ("le_victim_specialist_a", "prosecutor", "advocate_a", "community_member"):
        response = browser_client(world.users[persona]).get(reverse("cases:create"))
        assert response.status_code == 403, persona


def test_illegal_transition_answers_409_and_changes_nothing(world, browser_client, case):
    client = browser_client(world.investigator_a)
    response = client.post(reverse("cases:reopen", args=[case.pk]))
    assert response.status_code == 409
    assert "Only a closed case is reopened." in html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    # Closing, then closing again from the form page.
    response = client.post(
        reverse("cases:close", args=[case.pk]),
        {"reason": "Insufficient evidence", "ucr_clearance": "not_cleared"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closing_reason) == (CaseStatus.CLOSED, "Insufficient evidence")
    response = client.post(
        reverse("cases:close", args=[case.pk]),
        {"reason": "Again", "ucr_clearance": "arrest"},
    )
    assert response.status_code == 409
    assert "cannot become closed" in html(response)
    case.refresh_from_db()
    assert (case.closing_reason, case.ucr_clearance) == ("Insufficient evidence", "not_cleared")
    # A closed case is reopened, then activated no more.
    assert client.post(reverse("cases:reopen", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert client.post(reverse("cases:activate", args=[case.pk])).status_code == 409


def test_closing_needs_a_reason_next_to_the_field(world, browser_client, case):
    response = browser_client(world.investigator_a).post(
        reverse("cases:close", args=[case.pk]), {"reason": "  ", "ucr_clearance": "arrest"}
    )
    assert response.status_code == 200
    assert 'id="id_reason_error"' in html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_share_and_unshare(world, browser_client, case):
    client = browser_client(world.investigator_a)
    response = client.post(
        reverse("cases:share", args=[case.pk]),
        {"agency": world.prosecution.pk, "access": "view", "reason": "x"},
    )
    # Not a law-enforcement agency: not even offered.
    assert 'id="id_agency_error"' in html(response)
    response = client.post(
        reverse("cases:share", args=[case.pk]),
        {"agency": world.le_b.pk, "access": "view", "reason": "Joint investigation"},
    )
    assert response.status_code == 302
    assert browser_client(world.investigator_b).get(detail(case)).status_code == 200
    response = client.post(
        reverse("cases:unshare", args=[case.pk]), {"agency": world.le_b.pk, "reason": "Done"}
    )
    assert response.status_code == 302
    assert browser_client(world.investigator_b).get(detail(case)).status_code == 404


def test_subject_and_identifier_forms(world, browser_client, case):
    client = browser_client(world.investigator_a)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:subject-create", args=[case.pk]),
        {"role": "trafficker", "first_name": "Ray", "date_of_birth": tomorrow},
    )
    assert 'id="id_date_of_birth_error"' in html(response)
    assert not Subject.objects.exists()
    response = client.post(
        reverse("cases:subject-create", args=[case.pk]),
        {"role": "trafficker", "first_name": "Ray", "last_name": "Stone", "aliases": "R, Stoney"},
    )
    assert response.status_code == 302
    subject = Subject.objects.get()
    assert subject.aliases == ["R", "Stoney"]

    url = reverse("cases:identifier-create", args=[case.pk])
    assert f'<option value="{subject.pk}" selected>' in html(
        client.get(url, {"subject": subject.pk})
    )
    response = client.post(url, {"kind": "phone", "value": "12", "subject": subject.pk})
    assert 'id="id_value_error"' in html(response)
    assert not Identifier.objects.filter(kind="phone").exists()
    # A subject of another case is not a choice.
    other = open_case(world, title="Other")
    stranger = services.add_subject(case=other, by=world.investigator_a, role="recruiter")
    response = client.post(url, {"kind": "phone", "value": "555-201-3344", "subject": stranger.pk})
    assert 'id="id_subject_error"' in html(response)
    response = client.post(url, {"kind": "phone", "value": "555-201-3344", "subject": subject.pk})
    assert response.status_code == 302
    assert Identifier.objects.get(kind="phone").subject == subject


def test_notes_forms_and_marking_for_the_prosecutor(world, browser_client, case):
    client = browser_client(world.investigator_a)
    response = client.post(
        reverse("cases:note-create", args=[case.pk]), {"note_type": "tip", "body": ""}
    )
    assert 'id="id_body_error"' in html(response)
    assert not CaseNote.objects.exists()
    client.post(
        reverse("cases:note-create", args=[case.pk]),
        {"note_type": "interview", "body": "Witness statement"},
    )
    note = CaseNote.objects.get()
    assert note.for_prosecution is False
    response = client.post(
        reverse("cases:note-for-prosecution", args=[note.pk]), {"for_prosecution": "1"}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.for_prosecution is True
    response = client.post(
        reverse("cases:note-edit", args=[note.pk]),
        {"note_type": "interview", "body": "Witness statement, revised"},
    )
    assert response.status_code == 302
    client.post(reverse("cases:note-correct", args=[note.pk]), {"body": "Date was the 4th."})
    correction = CaseNote.objects.get(corrects=note)
    assert correction.body == "Date was the 4th." and correction.for_prosecution is True
    # Someone else's note is not theirs to edit.
    other = browser_client(world.le_supervisor_a)
    assert other.get(reverse("cases:note-edit", args=[note.pk])).status_code == 403


def test_operation_and_notice_forms(world, browser_client, case):
    client = browser_client(world.investigator_a)
    url = reverse("cases:operation-create", args=[case.pk])
    response = client.post(
        url,
        {
            "operation_type": "raid_sweep",
            "starts_at": "2030-05-01T22:00",
            "ends_at": "2030-05-01T21:00",
            "location": "Motel 9",
        },
    )
    assert 'id="id_ends_at_error"' in html(response)
    response = client.post(
        url,
        {
            "operation_type": "raid_sweep",
            "starts_at": "2030-05-01T22:00",
            "ends_at": "2030-05-02T02:00",
            "location": "Motel 9",
            "deconfliction_system": "rissafe",
            "deconfliction_event_number": "RS-1234",
        },
    )
    assert response.status_code == 302
    operation = case.operations.get()
    notice_url = reverse("cases:notice-create", args=[operation.pk])
    page = html(client.get(notice_url))
    assert 'value="2030-05-01T22:00"' in page  # the window defaults to the operation's
    spanish = Language.objects.get(code="es")
    response = client.post(
        notice_url,
        {
            "provider": world.vsp_b.pk,
            "window_starts": "2030-05-01T21:30",
            "window_ends": "2030-05-02T03:00",
            "expected_victims": "4",
            "genders": ["female", "male"],
            "languages": [spanish.pk],
            "minors_expected": "on",
        },
    )
    assert response.status_code == 302
    notice = operation.notices.get()
    assert (notice.provider, notice.expected_victims, notice.minors_expected) == (
        world.vsp_b,
        4,
        True,
    )
    assert notice.genders == ["female", "male"]
    # Notices go to victim service providers only.
    response = client.post(
        notice_url,
        {
            "provider": world.le_b.pk,
            "window_starts": "2030-05-01T21:30",
            "window_ends": "2030-05-02T03:00",
            "expected_victims": "4",
        },
    )
    assert 'id="id_provider_error"' in html(response)
    assert operation.notices.count() == 1


def test_referral_accept_and_decline(world, browser_client, file):
    client = browser_client(world.prosecutor)
    decline = reverse("cases:referral-decline", args=[file.referral.pk])
    response = client.post(decline, {"reason": ""})
    assert 'id="id_reason_error"' in html(response)
    assert ProsecutionReferral.objects.get().status == ProsecutionReferralStatus.PENDING
    accept = reverse("cases:referral-accept", args=[file.referral.pk])
    response = client.post(
        accept, {"lead_prosecutor": world.prosecutor.pk, "court_case_number": "CR-2030-17"}
    )
    assert response.status_code == 302
    prosecution = file.case.prosecutions.get()
    assert (prosecution.court_case_number, prosecution.lead_prosecutor) == (
        "CR-2030-17",
        world.prosecutor,
    )
    # Deciding again is not possible: 409 and nothing changes.
    for url in (accept, decline):
        response = client.get(url)
        assert response.status_code == 409
        assert "This referral is already accepted." in html(response)
    response = client.post(decline, {"reason": "Changed our mind"})
    assert response.status_code == 409
    assert "already accepted" in html(response)
    assert ProsecutionReferral.objects.get().status == ProsecutionReferralStatus.ACCEPTED


def test_refer_decline_and_withdraw(world, browser_client, case):
    client = browser_client(world.investigator_a)
    response = client.post(reverse("cases:refer", args=[case.pk]), {"office": world.vsp_a.pk})
    assert 'id="id_office_error"' in html(response)
    assert not ProsecutionReferral.objects.exists()
    client.post(reverse("cases:refer", args=[case.pk]), {"office": world.prosecution.pk})
    referral = ProsecutionReferral.objects.get()
    # Referring to the same office again is a conflict, shown on the form page.
    response = client.post(reverse("cases:refer", args=[case.pk]), {"office": world.prosecution.pk})
    assert response.status_code == 409
    assert ProsecutionReferral.objects.count() == 1
    response = client.post(reverse("cases:referral-withdraw", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ProsecutionReferralStatus.WITHDRAWN
    assert browser_client(world.prosecutor).get(detail(case)).status_code == 404


def test_charge_court_date_and_prosecutor_note_forms(world, browser_client, file):
    prosecution = services.accept_prosecution_referral(referral=file.referral, by=world.prosecutor)
    client = browser_client(world.prosecutor)
    url = reverse("cases:charge-create", args=[prosecution.pk])
    statute = Statute.objects.get(citation="18 U.S.C. 1589")
    response = client.post(url, {"subject": file.subject.pk, "statute": statute.pk, "counts": "0"})
    assert 'id="id_counts_error"' in html(response)
    assert not Charge.objects.exists()
    response = client.post(url, {"subject": file.subject.pk, "statute": statute.pk, "counts": "2"})
    assert response.status_code == 302
    charge = Charge.objects.get()
    assert (charge.nibrs_offense.code, charge.counts) == ("64B", 2)  # the statute's code

    edit = reverse("cases:charge-edit", args=[charge.pk])
    response = client.post(edit, {"disposition": Disposition.PLEADED_GUILTY})
    assert 'id="id_disposition_on_error"' in html(response)
    charge.refresh_from_db()
    assert charge.disposition == Disposition.PENDING
    today = timezone.localdate().isoformat()
    client.post(
        edit,
        {
            "disposition": Disposition.PLEADED_GUILTY,
            "disposition_on": today,
            "sentence": "8 years",
            "restitution_ordered": "12000.00",
        },
    )
    charge.refresh_from_db()
    assert (charge.disposition, charge.sentence) == (Disposition.PLEADED_GUILTY, "8 years")

    events = reverse("cases:court-event-create", args=[prosecution.pk])
    response = client.post(events, {"event_type": "trial", "scheduled_at": "", "court": "x"})
    assert 'id="id_scheduled_at_error"' in html(response)
    client.post(
        events,
        {"event_type": "trial", "scheduled_at": "2030-06-01T09:00", "court": "Federal Court 2"},
    )
    event = CourtEvent.objects.get()
    client.post(
        reverse("cases:court-event-edit", args=[event.pk]),
        {
            "event_type": "trial",
            "scheduled_at": "2030-06-02T09:00",
            "court": "Federal Court 2",
            "outcome": "Continued",
        },
    )
    event.refresh_from_db()
    assert event.outcome == "Continued"
    assert timezone.localtime(event.scheduled_at).day == 2

    client.post(
        reverse("cases:prosecutor-note-create", args=[prosecution.pk]), {"body": "Witness list"}
    )
    assert ProsecutorNote.objects.get().body == "Witness list"
    # The investigator reads charges and court dates but changes none of them.
    investigator = browser_client(world.investigator_a)
    assert investigator.get(edit).status_code == 403
    assert investigator.get(events).status_code == 403
