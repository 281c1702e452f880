"""The victim side at load scale (DESIGN §10): a provider's referral inbox, and a
law-enforcement agency's victim list and victim detail, each through the API and as a page.

Two restricted users, each with one membership:

* an advocate of the median provider (by referrals received): the API list of received
  referrals and the referrals page (open inbox first, then every referral), out of every
  agency's referrals;
* an investigator of the median law-enforcement agency (by victim records): the API victim list
  and detail, the victim list page and the victim detail page, out of 200,000 records.

Measured over HTTP against gunicorn (2 workers, DEBUG off; the API with an OAuth2 bearer token,
pages with a signed-in session), and in process for the SQL queries of each request and the
restricted list against the same list without the access filter (``baseline``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from agencies.roles import Discipline, Role
from taskforce import access
from taskforce.management.commands.seed_load import LOAD_USERNAME_PREFIX
from tests.benchmarks import harness
from tests.benchmarks.baseline import BASELINE_REFERRALS, BASELINE_VICTIMS
from tests.benchmarks.bench_cases import (
    DETAIL_P95_MS,
    LIST_P95_MS,
    LIST_QUERIES,
    RATIO,
    TRANSACTION_CONTROL,
    WARM_UP,
    FreshUserClient,
    next_path,
)
from tests.signin import SignedInClient as PageClient
from victims.models import Referral, ReferralStatus, VictimWitness

User = get_user_model()

SAMPLES = 120  # per measured line (the budgets ask for at least 100)
CURSOR_ROUNDS, CURSOR_DEPTH = 12, 5

INBOX_API = "/api/v1/referrals/?direction=received&page_size=50"
INBOX_PAGE = "/victims/referrals/"
VICTIMS_API = "/api/v1/victims/?page_size=50"
VICTIMS_PAGE = "/victims/"


def victim_api(pk: int) -> str:
    return f"/api/v1/victims/{pk}/"


def victim_page(pk: int) -> str:
    return f"/victims/{pk}/"


# --- who is measured --------------------------------------------------------------------------


def _single_member(agency_id: int, role: str):
    membership = (
        Membership.objects.active()
        .filter(agency_id=agency_id, role=role, user__username__startswith=LOAD_USERNAME_PREFIX)
        .annotate(held=Count("user__memberships"))
        .filter(held=1)
        .select_related("user", "agency")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        raise RuntimeError(f"No single-membership {role} in agency {agency_id}.")
    return membership.user, membership.agency


def _median(rows: list[tuple[int, int]]) -> tuple[int, int]:
    if not rows:
        raise RuntimeError("No load victims or referrals: run seed_load with --victims.")
    return rows[len(rows) // 2]


def restricted_advocate():
    """An advocate of the median provider by referrals received."""
    agency_id, received = _median(
        list(
            Referral.objects.values_list("provider")
            .annotate(n=Count("id"))
            .order_by("n", "provider")
        )
    )
    user, agency = _single_member(agency_id, Role.ADVOCATE)
    return user, agency, received


def restricted_investigator():
    """An investigator of the median law-enforcement agency by victim records."""
    agency_id, held = _median(
        list(
            VictimWitness.objects.filter(owner_agency__discipline=Discipline.LAW_ENFORCEMENT)
            .values_list("owner_agency")
            .annotate(n=Count("id"))
            .order_by("n", "owner_agency")
        )
    )
    user, agency = _single_member(agency_id, Role.INVESTIGATOR)
    return user, agency, held


def victim_ids(user, agency: Agency) -> list[int]:
    """Recent victim records of the user's agency (the ones a detective opens)."""
    ids = list(
        VictimWitness.objects.filter(owner_agency=agency)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:120]
    )
    seen = set(access.visible(user, VictimWitness).filter(pk__in=ids).values_list("pk", flat=True))
    if not ids or seen != set(ids):
        raise RuntimeError("The access filter hides victim records of the user's own agency.")
    return ids


# --- requests ---------------------------------------------------------------------------------


class Requests:
    """Sends requests (API with a bearer token, pages with a session cookie) and keeps the
    failures (any status but 200) for the exit status."""

    def __init__(self):
        self.errors: list[str] = []

    def check(self, path: str, status: int, body: bytes) -> bytes:
        if status != 200:
            self.errors.append(f"GET {path} -> {status}: {body[:200]!r}")
        return body

    def http(self, port: int, headers: dict, path: str) -> tuple[float, bytes]:
        ms, (status, body) = harness.timed(lambda: harness.http_get(port, path, headers))
        return ms, self.check(path, status, body)

    def client(self, client, path: str) -> tuple[float, bytes]:
        if isinstance(client, FreshUserClient):
            client.refresh_user()  # outside the timing and the query count
        ms, response = harness.timed(lambda: client.get(path, HTTP_ACCEPT="application/json"))
        return ms, self.check(path, response.status_code, response.content)

    def page(self, client: PageClient, path: str) -> tuple[float, bytes]:
        ms, response = harness.timed(lambda: client.get(path))
        return ms, self.check(path, response.status_code, response.content)

    def queries(self, send, path: str) -> int:
        """SQL queries of one request, not counting the request's BEGIN and COMMIT."""
        with CaptureQueriesContext(connection) as captured:
            send(path)
        return sum(
            not q["sql"].upper().startswith(TRANSACTION_CONTROL) for q in captured.captured_queries
        )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def session(cookie: str) -> dict:
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Accept": "text/html"}


def signed_in(user) -> tuple[PageClient, str]:
    """A browser session for ``user`` (a test client signed in, and its session cookie)."""
    client = PageClient()
    client.force_login(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def sample(send, paths: list[str], row: harness.Row, n: int = SAMPLES) -> harness.Row:
    for i in range(WARM_UP):
        send(paths[i % len(paths)])
    row.times_ms = [send(paths[i % len(paths)])[0] for i in range(n)]
    return row


def follow(send, first: str, first_row: harness.Row, next_row: harness.Row) -> None:
    """First pages, then the pages after them by ``next`` (the cursor)."""
    for _ in range(CURSOR_ROUNDS):
        ms, body = send(first)
        first_row.times_ms.append(ms)
        for _ in range(CURSOR_DEPTH):
            path = next_path(body)
            if path is None:
                break
            ms, body = send(path)
            next_row.times_ms.append(ms)


# --- measurements -----------------------------------------------------------------------------


def over_http(port, advocate_auth, investigator_auth, ids, requests) -> list[harness.Row]:
    (api_token, advocate_cookie), (le_token, le_cookie) = advocate_auth, investigator_auth

    def api(token):
        return lambda path: requests.http(port, bearer(token), path)

    def page(cookie):
        return lambda path: requests.http(port, session(cookie), path)

    inbox_first = harness.Row(
        "inbox: HTTP API received, first page (50)", p95_budget_ms=LIST_P95_MS
    )
    inbox_next = harness.Row("inbox: HTTP API received, next pages 2-6", p95_budget_ms=LIST_P95_MS)
    sample(api(api_token), [INBOX_API], inbox_first, SAMPLES - CURSOR_ROUNDS)
    follow(api(api_token), INBOX_API, inbox_first, inbox_next)
    rows = [
        inbox_first,
        inbox_next,
        sample(
            page(advocate_cookie),
            [INBOX_PAGE],
            harness.Row("inbox: HTTP page /victims/referrals/", p95_budget_ms=LIST_P95_MS),
        ),
    ]
    victims_first = harness.Row(
        "victims: HTTP API list, first page (50)", p95_budget_ms=LIST_P95_MS
    )
    victims_next = harness.Row("victims: HTTP API list, next pages 2-6", p95_budget_ms=LIST_P95_MS)
    sample(api(le_token), [VICTIMS_API], victims_first, SAMPLES - CURSOR_ROUNDS)
    follow(api(le_token), VICTIMS_API, victims_first, victims_next)
    rows += [
        victims_first,
        victims_next,
        sample(
            api(le_token),
            [victim_api(pk) for pk in ids],
            harness.Row("victims: HTTP API detail", p95_budget_ms=DETAIL_P95_MS),
        ),
        sample(
            page(le_cookie),
            [VICTIMS_PAGE],
            harness.Row("victims: HTTP page /victims/", p95_budget_ms=LIST_P95_MS),
        ),
        sample(
            page(le_cookie),
            [f"{VICTIMS_PAGE}?page={n}" for n in range(2, 7)],
            harness.Row("victims: HTTP page /victims/?page=2-6", p95_budget_ms=LIST_P95_MS),
        ),
        sample(
            page(le_cookie),
            [victim_page(pk) for pk in ids],
            harness.Row("victims: HTTP page victim detail", p95_budget_ms=DETAIL_P95_MS),
        ),
    ]
    return rows


def in_process(advocate, investigator, tokens, ids, requests, http_rows):
    """Queries of each measured request, and restricted vs. baseline list timings."""
    rows, ratios = [], []
    with override_settings(ROOT_URLCONF="tests.benchmarks.baseline"):
        by_name = {row.endpoint: row for row in http_rows}
        advocate_bearer, le_bearer = APIClient(), APIClient()
        advocate_bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")
        le_bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[1]}")
        advocate_page, _ = signed_in(advocate)
        le_page, _ = signed_in(investigator)

        # The HTTP lines get the queries of the very same request (OAuth2 or session included).
        def api_queries(client, path):
            return requests.queries(lambda p: requests.client(client, p), path)

        def page_queries(client, path):
            return requests.queries(lambda p: requests.page(client, p), path)

        def second_page(client, path):
            return next_path(requests.client(client, path)[1])

        counts = {
            "inbox: HTTP API received, first page (50)": api_queries(advocate_bearer, INBOX_API),
            "inbox: HTTP API received, next pages 2-6": api_queries(
                advocate_bearer, second_page(advocate_bearer, INBOX_API)
            ),
            "inbox: HTTP page /victims/referrals/": page_queries(advocate_page, INBOX_PAGE),
            "victims: HTTP API list, first page (50)": api_queries(le_bearer, VICTIMS_API),
            "victims: HTTP API list, next pages 2-6": api_queries(
                le_bearer, second_page(le_bearer, VICTIMS_API)
            ),
            "victims: HTTP API detail": api_queries(le_bearer, victim_api(ids[0])),
            "victims: HTTP page /victims/": page_queries(le_page, VICTIMS_PAGE),
            "victims: HTTP page /victims/?page=2-6": page_queries(
                le_page, f"{VICTIMS_PAGE}?page=3"
            ),
            "victims: HTTP page victim detail": page_queries(le_page, victim_page(ids[0])),
        }
        for name, queries in counts.items():
            row = by_name[name]
            row.queries = queries
            if "detail" not in name:
                row.query_budget = LIST_QUERIES

        for who, user, path, baseline_path in (
            ("inbox", advocate, INBOX_API, f"{BASELINE_REFERRALS}?direction=received&page_size=50"),
            ("victims", investigator, VICTIMS_API, f"{BASELINE_VICTIMS}?page_size=50"),
        ):
            forced = FreshUserClient(user.pk)

            def send(p, forced=forced):
                return requests.client(forced, p)

            restricted = harness.Row(
                f"{who}: in-process list, restricted (50)",
                queries=requests.queries(send, path),
                p95_budget_ms=LIST_P95_MS,
                query_budget=LIST_QUERIES,
            )
            baseline = harness.Row(
                f"{who}: in-process list, baseline without access filter",
                queries=requests.queries(send, baseline_path),
            )
            for _ in range(WARM_UP):
                send(path)
                send(baseline_path)
            for _ in range(SAMPLES):  # interleaved, so drift hits both alike
                restricted.times_ms.append(send(path)[0])
                baseline.times_ms.append(send(baseline_path)[0])
            rows += [restricted, baseline]
            for size in (10, 100):
                sized = path.replace("page_size=50", f"page_size={size}")
                row = harness.Row(
                    f"{who}: in-process list, restricted ({size})",
                    queries=requests.queries(send, sized),
                    p95_budget_ms=LIST_P95_MS,
                    query_budget=LIST_QUERIES,
                )
                row.times_ms = [send(sized)[0] for _ in range(SAMPLES // 3)]
                rows.append(row)
            ratios.append(
                (
                    f"{who}: list restricted / baseline (p50, p95)",
                    restricted.p50 / baseline.p50,
                    restricted.p95 / baseline.p95,
                    RATIO,
                )
            )
    return rows, ratios


def explain(advocate, investigator) -> None:
    """The plans of the two restricted first pages (BENCH_EXPLAIN=1)."""
    from victims import selectors

    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    inbox = selectors.referrals_for(advocate, direction="received").order_by("-created_at", "-id")
    victims = access.visible(investigator, VictimWitness.objects.all()).order_by(
        "-created_at", "-id"
    )
    open_inbox = selectors.open_inbox(advocate)
    for name, qs in (("inbox", inbox), ("open inbox", open_inbox), ("victims", victims)):
        print(f"Plan of the restricted {name} first page:")
        print(qs[:51].explain(**options))
        print()


def _token(user) -> AccessToken:
    return AccessToken.objects.create(
        user=user,
        token=f"bench-{secrets.token_urlsafe(32)}",
        expires=timezone.now() + dt.timedelta(hours=2),
        scope="read write",
    )


def main() -> int:
    harness.ensure_load(harness.bench_cases())
    harness.collect_static()
    advocate, provider, received = restricted_advocate()
    investigator, le_agency, held = restricted_investigator()
    ids = victim_ids(investigator, le_agency)
    open_count = Referral.objects.filter(provider=provider, status=ReferralStatus.SENT).count()
    print(
        f"\nVictims benchmark on {connection.vendor}: {VictimWitness.objects.count():,} victim "
        f"records, {Referral.objects.count():,} referrals in {Agency.objects.count()} agencies.\n"
        f"Advocate {advocate.username} at {provider.name}: {received:,} referrals received, "
        f"{open_count} waiting. Investigator {investigator.username} at {le_agency.name}: "
        f"{held:,} victim records, sees {access.visible(investigator, VictimWitness).count():,}. "
        "Load average: "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} CPUs.",
        flush=True,
    )
    if os.environ.get("BENCH_EXPLAIN"):
        explain(advocate, investigator)
    tokens = [_token(advocate), _token(investigator)]
    advocate_page, advocate_cookie = signed_in(advocate)
    le_page, le_cookie = signed_in(investigator)
    requests = Requests()
    try:
        with harness.gunicorn(workers=2) as port:
            http_rows = over_http(
                port,
                (tokens[0].token, advocate_cookie),
                (tokens[1].token, le_cookie),
                ids,
                requests,
            )
        rows, ratios = in_process(
            advocate, investigator, [t.token for t in tokens], ids, requests, http_rows
        )
    finally:
        for token in tokens:
            token.delete()
        advocate_page.logout()
        le_page.logout()
    harness.print_table([*http_rows, *rows], ratios)
    print(
        "queries: SQL queries of one request, besides the BEGIN and COMMIT around it (API: with "
        "the OAuth2 token lookups; pages: with the session and user lookups).\n"
    )
    return harness.exit_status(requests.errors)
