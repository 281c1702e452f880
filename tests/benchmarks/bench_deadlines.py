"""Deadlines and notifications of restricted users at load scale (DESIGN §10 and §6).

The two users of the victims benchmark, each with one membership: an investigator of the median
law-enforcement agency and an advocate of the median provider. A deadline is visible only to
those who may see its source record (``taskforce.deadlines.visible_condition``: one subquery per
source model), so every list below runs that filter over every agency's deadlines. Measured:

* over HTTP against gunicorn (2 workers, DEBUG off; the API with an OAuth2 bearer token, pages
  with a signed-in session): the deadline list (first page and the pages after it by cursor),
  the week's deadlines, a deadline's detail, the ``/deadlines/`` and ``/deadlines/week/`` pages
  and the notification list;
* in process: the SQL queries of each of those requests, and the restricted list against the
  same list without the visibility filter (``baseline.BaselineDeadlineViewSet``);
* the reminder scan (``send_due_reminders``): with nothing due, the steady state of every beat,
  which must read only due rows through the partial index ``deadline_scan``; and with a batch of
  due deadlines, moved into the past inside a transaction that is rolled back.

The load has no notifications: the measured users get some for the run, removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import os

from django.db import connection, transaction
from django.db.models import Min
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from taskforce import deadlines as clocks
from taskforce.deadline_api import deadline_url
from taskforce.management.commands.seed_load import explicit_timestamps
from taskforce.models import (
    Deadline,
    DeadlineStatus,
    EmailStatus,
    Notification,
    NotificationKind,
)
from tests.benchmarks import harness
from tests.benchmarks.baseline import BASELINE_DEADLINES
from tests.benchmarks.bench_cases import (
    DETAIL_P95_MS,
    LIST_P95_MS,
    LIST_QUERIES,
    RATIO,
    WARM_UP,
    FreshUserClient,
    next_path,
)
from tests.benchmarks.bench_victims import (
    SAMPLES,
    Requests,
    _token,
    bearer,
    follow,
    restricted_advocate,
    restricted_investigator,
    sample,
    session,
    signed_in,
)

DEADLINES_API = "/api/v1/deadlines/?page_size=50"
WEEK_API = "/api/v1/deadlines/?window=week&page_size=50"
DEADLINES_PAGE = "/deadlines/"
WEEK_PAGE = "/deadlines/week/"
NOTIFICATIONS_API = "/api/v1/notifications/?page_size=50"

NOTIFICATIONS_PER_USER = 300  # about three months of reminders for someone with open work
UNREAD = 100
DUE_BATCH = 500
SCAN_SAMPLES = 50
DUE_ROUNDS = 3


def deadline_api(pk: int) -> str:
    return f"/api/v1/deadlines/{pk}/"


# --- who is measured, and what they have ------------------------------------------------------


def deadline_ids(user) -> list[int]:
    """The user's soonest open deadlines (the ones their list links to)."""
    ids = list(
        clocks.deadlines_for(user)
        .filter(status=DeadlineStatus.OPEN)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:120]
    )
    if not ids:
        raise RuntimeError(f"{user.username} sees no open deadline: is the load's stage there?")
    return ids


def add_notifications(users, now: dt.datetime) -> list[int]:
    """``NOTIFICATIONS_PER_USER`` each over the last three months, the newest ``UNREAD`` unread,
    each about one of the deadlines the user may see (as the scan would have sent them)."""
    rows = []
    for user in users:
        seen = list(
            clocks.deadlines_for(user, Deadline.objects.select_related("source_type")).order_by(
                "-id"
            )[:NOTIFICATIONS_PER_USER]
        )
        links = {deadline.pk: deadline_url(deadline) for deadline in seen}
        for i in range(NOTIFICATIONS_PER_USER):
            deadline = seen[i % len(seen)] if seen else None
            created = now - dt.timedelta(minutes=431 * i + 7)
            escalation = i % 10 == 9
            title = deadline.title if deadline else "Open work"
            rows.append(
                Notification(
                    recipient=user,
                    kind=NotificationKind.ESCALATION if escalation else NotificationKind.REMINDER,
                    title=f"Missed: {title}" if escalation else f"{title}: due in 1 day",
                    url=links[deadline.pk] if deadline else "",
                    deadline=deadline,
                    created_at=created,
                    read_at=None if i < UNREAD else created + dt.timedelta(hours=2),
                    email_status=EmailStatus.SENT,
                    email_attempts=1,
                    email_sent_at=created,
                )
            )
    with explicit_timestamps(Notification):
        created = Notification.objects.bulk_create(rows, batch_size=500)
    return [n.pk for n in created]


# --- requests ---------------------------------------------------------------------------------


def over_http(port, who: dict, requests) -> list[harness.Row]:
    """``who``: name -> (bearer token, session cookie, detail ids)."""
    rows = []
    for name, (token, cookie, ids) in who.items():

        def api(path, token=token):
            return requests.http(port, bearer(token), path)

        def page(path, cookie=cookie):
            return requests.http(port, session(cookie), path)

        for label, first in (("list", DEADLINES_API), ("week", WEEK_API)):
            first_row = harness.Row(
                f"{name}: HTTP API {label}, first page (50)", p95_budget_ms=LIST_P95_MS
            )
            next_row = harness.Row(
                f"{name}: HTTP API {label}, next pages 2-6", p95_budget_ms=LIST_P95_MS
            )
            sample(api, [first], first_row, SAMPLES - 12)
            follow(api, first, first_row, next_row)
            rows += [first_row, next_row]
        rows += [
            sample(
                api,
                [deadline_api(pk) for pk in ids],
                harness.Row(f"{name}: HTTP API deadline detail", p95_budget_ms=DETAIL_P95_MS),
            ),
            sample(
                page,
                [DEADLINES_PAGE],
                harness.Row(f"{name}: HTTP page /deadlines/", p95_budget_ms=LIST_P95_MS),
            ),
            sample(
                page,
                [WEEK_PAGE],
                harness.Row(f"{name}: HTTP page /deadlines/week/", p95_budget_ms=LIST_P95_MS),
            ),
            sample(
                api,
                [NOTIFICATIONS_API],
                harness.Row(f"{name}: HTTP API notifications (50)", p95_budget_ms=LIST_P95_MS),
            ),
        ]
    return rows


def in_process(users: dict, tokens: dict, ids: dict, requests, http_rows):
    """Queries of each measured request, and restricted vs. baseline list timings."""
    rows, ratios = [], []
    by_name = {row.endpoint: row for row in http_rows}
    with override_settings(ROOT_URLCONF="tests.benchmarks.baseline"):
        for name, user in users.items():
            api = APIClient()
            api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[name]}")
            page, _ = signed_in(user)

            def api_queries(path, api=api):
                return requests.queries(lambda p: requests.client(api, p), path)

            def page_queries(path, page=page):
                return requests.queries(lambda p: requests.page(page, p), path)

            def second(path, api=api):
                return next_path(requests.client(api, path)[1])

            counts = {
                "API list, first page (50)": api_queries(DEADLINES_API),
                "API list, next pages 2-6": second(DEADLINES_API),
                "API week, first page (50)": api_queries(WEEK_API),
                "API week, next pages 2-6": second(WEEK_API),
                "API deadline detail": api_queries(deadline_api(ids[name][0])),
                "page /deadlines/": page_queries(DEADLINES_PAGE),
                "page /deadlines/week/": page_queries(WEEK_PAGE),
                "API notifications (50)": api_queries(NOTIFICATIONS_API),
            }
            for label, queries in counts.items():
                if "next pages" in label:  # the cursor's path: count that very request
                    queries = api_queries(queries) if queries else None
                row = by_name[f"{name}: HTTP {label}"]
                row.queries = queries
                if "detail" not in label:
                    row.query_budget = LIST_QUERIES
            page.logout()

            found, ratio = compare_with_baseline(name, user, requests)
            rows += found
            ratios.append(ratio)
    return rows, ratios


def compare_with_baseline(name: str, user, requests):
    """The restricted list (50, then 10 and 100) and the same list without the filter, the two
    interleaved so that drift hits both alike."""
    forced = FreshUserClient(user.pk)

    def send(path):
        return requests.client(forced, path)

    baseline_path = f"{BASELINE_DEADLINES}?page_size=50"
    restricted = harness.Row(
        f"{name}: in-process list, restricted (50)",
        queries=requests.queries(send, DEADLINES_API),
        p95_budget_ms=LIST_P95_MS,
        query_budget=LIST_QUERIES,
    )
    baseline = harness.Row(
        f"{name}: in-process list, baseline without visibility",
        queries=requests.queries(send, baseline_path),
    )
    for _ in range(WARM_UP):
        send(DEADLINES_API)
        send(baseline_path)
    for _ in range(SAMPLES):
        restricted.times_ms.append(send(DEADLINES_API)[0])
        baseline.times_ms.append(send(baseline_path)[0])
    rows = [restricted, baseline]
    for size in (10, 100):
        sized = DEADLINES_API.replace("page_size=50", f"page_size={size}")
        row = harness.Row(
            f"{name}: in-process list, restricted ({size})",
            queries=requests.queries(send, sized),
            p95_budget_ms=LIST_P95_MS,
            query_budget=LIST_QUERIES,
        )
        row.times_ms = [send(sized)[0] for _ in range(SAMPLES // 3)]
        rows.append(row)
    ratio = (
        f"{name}: list restricted / baseline (p50, p95)",
        restricted.p50 / baseline.p50,
        restricted.p95 / baseline.p95,
        RATIO,
    )
    return rows, ratio


# --- the reminder scan ------------------------------------------------------------------------


def quiet_moment() -> tuple[dt.datetime, int]:
    """A moment at which no deadline is due yet, and how many are due now.

    In service the scan keeps the due rows drained: each beat finds none, or a few. The load
    opens its clocks as the services would have, without a scan having run, so many are
    already due; scanning at the moment just before the first of them reads the index as a
    drained one would be read, without changing the load.
    """
    now = timezone.now()
    pending = Deadline.objects.filter(status=DeadlineStatus.OPEN, next_reminder_at__isnull=False)
    due_now = pending.filter(next_reminder_at__lte=now).count()
    if not due_now:
        return now, 0
    first = pending.aggregate(first=Min("next_reminder_at"))["first"]
    return first - dt.timedelta(seconds=1), due_now


def claim_plan(at: dt.datetime) -> str:
    """The plan of the scan's claim (the query of ``send_due_reminders``)."""
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    with transaction.atomic():
        claim = (
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(
                status=DeadlineStatus.OPEN,
                next_reminder_at__lte=at,
                kind__in=list(clocks.registered_kinds()),
            )
            .order_by("next_reminder_at", "id")[:200]
        )
        plan = claim.explain(**options)
        transaction.set_rollback(True)
    return plan


def move_into_the_past(at: dt.datetime) -> int:
    """``DUE_BATCH`` open deadlines spread over the table become due at ``at``: half of them
    due in two hours (a reminder), half of them just past due (missed, escalated)."""
    ids = list(
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    chosen = ids[:: max(1, len(ids) // DUE_BATCH)][:DUE_BATCH]
    soon, past = chosen[::2], chosen[1::2]
    Deadline.objects.filter(pk__in=soon).update(
        due_at=at + dt.timedelta(hours=2), next_reminder_at=at - dt.timedelta(minutes=1)
    )
    Deadline.objects.filter(pk__in=past).update(
        due_at=at - dt.timedelta(hours=1), next_reminder_at=at - dt.timedelta(hours=1)
    )
    return len(chosen)


def scan() -> tuple[list[harness.Row], list[str]]:
    """Time the scan with nothing due, then with a batch due. Everything it writes is rolled
    back: the load stays as the other benchmarks measure it."""
    quiet, due_now = quiet_moment()
    notes = []
    if due_now:
        notes.append(
            f"The load holds {due_now:,} deadlines due now that no scan has drained; the scan "
            f"is timed at {quiet:%Y-%m-%d %H:%M:%S} UTC, just before the first of them."
        )
    plan = claim_plan(quiet)
    through_index = "deadline_scan" in plan
    notes.append(
        "Claim with nothing due: "
        + ("through the partial index deadline_scan." if through_index else "NOT through the ")
        + ("" if through_index else "partial index deadline_scan. Plan:\n" + plan)
    )

    idle = harness.Row("scan: send_due_reminders, nothing due")
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            sent = clocks.send_due_reminders(now=quiet)
        idle.queries = _statements(captured)
        for _ in range(WARM_UP):
            clocks.send_due_reminders(now=quiet)
        for _ in range(SCAN_SAMPLES):
            ms, sent = harness.timed(lambda: clocks.send_due_reminders(now=quiet))
            idle.times_ms.append(ms)
            if sent:
                notes.append(f"The idle scan sent {sent} reminders: something was due.")
        transaction.set_rollback(True)

    batch = harness.Row(f"scan: send_due_reminders, {DUE_BATCH} due")
    for round_ in range(DUE_ROUNDS + 1):
        with transaction.atomic():
            moved = move_into_the_past(quiet)
            if round_ == 0:  # the queries, once, outside the timed rounds
                with CaptureQueriesContext(connection) as captured:
                    sent = clocks.send_due_reminders(now=quiet)
                batch.queries = _statements(captured)
                notes.append(
                    f"Due batch: {moved} deadlines, {sent} reminders and escalations sent, "
                    f"{batch.queries / max(moved, 1):.1f} queries a deadline; rolled back."
                )
            else:
                ms, sent = harness.timed(lambda: clocks.send_due_reminders(now=quiet))
                batch.times_ms.append(ms)
            transaction.set_rollback(True)
    return [idle, batch], notes


def _statements(captured) -> int:
    return sum(
        not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK"))
        for q in captured.captured_queries
    )


# --- the run ----------------------------------------------------------------------------------


def explain(users: dict) -> None:
    """The plans of the restricted first pages (BENCH_EXPLAIN=1)."""
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    for name, user in users.items():
        qs = clocks.deadlines_for(user).order_by("due_at", "id")
        print(f"Plan of the {name}'s first page of deadlines:")
        print(qs[:51].explain(**options))
        print()


def main() -> int:
    harness.ensure_load(harness.bench_cases())
    harness.collect_static()
    advocate, provider, _ = restricted_advocate()
    investigator, le_agency, _ = restricted_investigator()
    users = {"investigator": investigator, "advocate": advocate}
    ids = {name: deadline_ids(user) for name, user in users.items()}
    total = Deadline.objects.count()
    open_total = Deadline.objects.filter(status=DeadlineStatus.OPEN).count()
    seen = {name: clocks.deadlines_for(user).count() for name, user in users.items()}
    print(
        f"\nDeadlines benchmark on {connection.vendor}: {total:,} deadlines ({open_total:,} "
        f"open) in {Agency.objects.count()} agencies.\n"
        f"Investigator {investigator.username} at {le_agency.name} sees {seen['investigator']:,}; "
        f"advocate {advocate.username} at {provider.name} sees {seen['advocate']:,}. "
        f"{NOTIFICATIONS_PER_USER} notifications each for the run. Load average: "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} CPUs.",
        flush=True,
    )
    if os.environ.get("BENCH_EXPLAIN"):
        explain(users)
    tokens = {name: _token(user) for name, user in users.items()}
    sessions = {name: signed_in(user) for name, user in users.items()}
    notifications = add_notifications(users.values(), timezone.now())
    requests = Requests()
    try:
        with harness.gunicorn(workers=2) as port:
            http_rows = over_http(
                port,
                {name: (tokens[name].token, sessions[name][1], ids[name]) for name in users},
                requests,
            )
        rows, ratios = in_process(
            users, {name: t.token for name, t in tokens.items()}, ids, requests, http_rows
        )
        scan_rows, notes = scan()
    finally:
        Notification.objects.filter(pk__in=notifications).delete()
        for token in tokens.values():
            token.delete()
        for client, _ in sessions.values():
            client.logout()
    empty = [row.endpoint for row in http_rows if not row.times_ms]
    harness.print_table([row for row in [*http_rows, *rows, *scan_rows] if row.times_ms], ratios)
    print(
        "queries: SQL queries of one request, besides the BEGIN and COMMIT around it (API: with "
        "the OAuth2 token lookups; pages: with the session and user lookups); of one whole scan "
        "for the scan lines."
    )
    for line in empty:
        print(f"{line}: no second page (the first holds them all).")
    for note in notes:
        print(note)
    print()
    return harness.exit_status(requests.errors)
