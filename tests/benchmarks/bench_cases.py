"""Case list and case detail for a restricted investigator at load scale (DESIGN §10).

The user is a load investigator with one law-enforcement membership in a mid-sized agency: they
see their agency's cases and the few shared with it, out of every agency's. Measured:

* over HTTP against gunicorn (2 workers, DEBUG off), with an OAuth2 bearer token: the first list
  page, the pages after it (following ``next``), and case detail;
* in process (DRF's APIClient, ``force_authenticate``): SQL queries per request, and the list
  page timed with and without the access filter (``baseline.BaselineCaseViewSet``), so the ratio
  compares like with like.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from agencies.roles import Role
from cases.models import Case, CaseGrant
from taskforce import access
from taskforce.management.commands.seed_load import LOAD_CASE_PREFIX, LOAD_USERNAME_PREFIX
from tests.benchmarks import harness
from tests.benchmarks.baseline import BASELINE_LIST

User = get_user_model()

LIST = "/api/v1/cases/?page_size=50"
SAMPLES = 150  # per measured line (the budgets ask for at least 100)
WARM_UP = 10
CURSOR_ROUNDS, CURSOR_DEPTH = 20, 5  # 20 times: first page, then 5 pages following `next`

LIST_P95_MS, DETAIL_P95_MS, LIST_QUERIES, RATIO = 150, 100, 6, 2.0
# ATOMIC_REQUESTS wraps every request in one transaction; Django logs its BEGIN and COMMIT.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def detail(pk: int) -> str:
    return f"/api/v1/cases/{pk}/"


def next_path(body: bytes) -> str | None:
    link = json.loads(body).get("next")
    if not link:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def restricted_investigator() -> tuple:
    """A load investigator with a single membership, in the median agency by case count."""
    sizes = list(
        Case.objects.filter(number__startswith=LOAD_CASE_PREFIX)
        .values_list("owner_agency")
        .annotate(n=Count("id"))
        .order_by("n", "owner_agency")
    )
    agency_id, agency_cases = sizes[len(sizes) // 2]
    membership = (
        Membership.objects.active()
        .filter(
            agency_id=agency_id,
            role=Role.INVESTIGATOR,
            user__username__startswith=LOAD_USERNAME_PREFIX,
        )
        .annotate(held=Count("user__memberships"))
        .filter(held=1)
        .select_related("user", "agency")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        raise RuntimeError(f"No single-membership investigator in agency {agency_id}.")
    return membership.user, membership.agency, agency_cases


def detail_ids(user, agency: Agency) -> list[int]:
    """Cases the user may see: recent ones of the agency, and some shared with it."""
    own = list(
        Case.objects.filter(owner_agency=agency)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:120]
    )
    shared = list(
        CaseGrant.objects.filter(group_id=agency.group_id, permission__codename="view_case")
        .order_by("-content_object_id")
        .values_list("content_object_id", flat=True)[:30]
    )
    ids = own + shared
    seen = set(access.visible(user, Case).filter(pk__in=ids).values_list("pk", flat=True))
    if seen != set(ids):
        raise RuntimeError("The access filter hides cases of the user's own agency or shares.")
    return ids


class FreshUserClient(APIClient):
    """``force_authenticate`` with a fresh user object per request, as each real request loads
    its user: nothing remembered on the object (``is_member``) carries over between requests."""

    def __init__(self, user_id: int):
        super().__init__()
        self.user_id = user_id

    def refresh_user(self) -> None:
        self.force_authenticate(User.objects.get(pk=self.user_id))


class Requests:
    """Sends requests, keeps the failures (any status but 200) for the exit status."""

    def __init__(self):
        self.errors: list[str] = []

    def check(self, path: str, status: int, body: bytes) -> bytes:
        if status != 200:
            self.errors.append(f"GET {path} -> {status}: {body[:200]!r}")
        return body

    def http(self, port: int, token: str, path: str) -> tuple[float, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        ms, (status, body) = harness.timed(lambda: harness.http_get(port, path, headers))
        return ms, self.check(path, status, body)

    def client(self, client: APIClient, path: str) -> tuple[float, bytes]:
        if isinstance(client, FreshUserClient):
            client.refresh_user()  # outside the timing and the query count
        ms, response = harness.timed(lambda: client.get(path, HTTP_ACCEPT="application/json"))
        return ms, self.check(path, response.status_code, response.content)

    def queries(self, client: APIClient, path: str) -> int:
        """SQL queries of one request, not counting the request's BEGIN and COMMIT."""
        with CaptureQueriesContext(connection) as captured:
            self.client(client, path)
        return sum(
            not q["sql"].upper().startswith(TRANSACTION_CONTROL) for q in captured.captured_queries
        )


def over_http(port: int, token: str, ids: list[int], requests: Requests) -> list[harness.Row]:
    for i in range(WARM_UP):
        requests.http(port, token, LIST)
        requests.http(port, token, detail(ids[i % len(ids)]))
    first = harness.Row("HTTP list, first page (page_size=50)", p95_budget_ms=LIST_P95_MS)
    following = harness.Row("HTTP list, next pages 2-6 (cursor)", p95_budget_ms=LIST_P95_MS)
    details = harness.Row("HTTP detail", p95_budget_ms=DETAIL_P95_MS)
    for _ in range(SAMPLES - CURSOR_ROUNDS):
        first.times_ms.append(requests.http(port, token, LIST)[0])
    for _ in range(CURSOR_ROUNDS):
        ms, body = requests.http(port, token, LIST)
        first.times_ms.append(ms)
        for _ in range(CURSOR_DEPTH):
            path = next_path(body)
            if path is None:
                break
            ms, body = requests.http(port, token, path)
            following.times_ms.append(ms)
    for i in range(SAMPLES):
        details.times_ms.append(requests.http(port, token, detail(ids[i % len(ids)]))[0])
    return [first, following, details]


def in_process(user, token: str, ids: list[int], requests: Requests, http_rows: list[harness.Row]):
    """Queries per request, and restricted vs. baseline list timings, through APIClient."""
    with override_settings(ROOT_URLCONF="tests.benchmarks.baseline"):
        forced = FreshUserClient(user.pk)
        bearer = APIClient()
        bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

        # The HTTP lines get the queries of the very same request (OAuth2 included).
        first, following, details = http_rows
        first.queries = requests.queries(bearer, LIST)
        page_two = next_path(requests.client(bearer, LIST)[1])
        following.queries = requests.queries(bearer, page_two) if page_two else None
        details.queries = requests.queries(bearer, detail(ids[0]))
        for row in (first, following):
            row.query_budget = LIST_QUERIES

        baseline_list = f"{BASELINE_LIST}?page_size=50"
        restricted = harness.Row(
            "in-process list, restricted (page_size=50)",
            queries=requests.queries(forced, LIST),
            p95_budget_ms=LIST_P95_MS,
            query_budget=LIST_QUERIES,
        )
        baseline = harness.Row(
            "in-process list, baseline without access filter",
            queries=requests.queries(forced, baseline_list),
        )
        for _ in range(WARM_UP):
            requests.client(forced, LIST)
            requests.client(forced, baseline_list)
        for _ in range(SAMPLES):  # interleaved, so drift hits both alike
            restricted.times_ms.append(requests.client(forced, LIST)[0])
            baseline.times_ms.append(requests.client(forced, baseline_list)[0])

        rows = [restricted, baseline]
        for size in (10, 100):
            path = f"/api/v1/cases/?page_size={size}"
            row = harness.Row(
                f"in-process list, restricted (page_size={size})",
                queries=requests.queries(forced, path),
                p95_budget_ms=LIST_P95_MS,
                query_budget=LIST_QUERIES,
            )
            row.times_ms = [requests.client(forced, path)[0] for _ in range(SAMPLES // 3)]
            rows.append(row)
        in_detail = harness.Row(
            "in-process detail",
            queries=requests.queries(forced, detail(ids[0])),
            p95_budget_ms=DETAIL_P95_MS,
        )
        in_detail.times_ms = [
            requests.client(forced, detail(ids[i % len(ids)]))[0] for i in range(SAMPLES)
        ]
        rows.append(in_detail)
    ratio = (
        "list restricted / baseline (p50, p95)",
        restricted.p50 / baseline.p50,
        restricted.p95 / baseline.p95,
        RATIO,
    )
    return rows, [ratio]


def explain(user) -> None:
    """The restricted first page's plan (BENCH_EXPLAIN=1)."""
    qs = access.visible(user, Case.objects.all()).order_by("-created_at", "-id")[:51]
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    print("Plan of the restricted list's first page:")
    print(qs.explain(**options))
    print()


def main() -> int:
    harness.ensure_load(harness.bench_cases())
    user, agency, agency_cases = restricted_investigator()
    ids = detail_ids(user, agency)
    total = Case.objects.count()
    print(
        f"\nCases benchmark on {connection.vendor}: {total:,} cases in "
        f"{Agency.objects.count()} agencies. User {user.username}: investigator at "
        f"{agency.name} ({agency_cases:,} cases), sees "
        f"{access.visible(user, Case).count():,} cases. Load average: "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} CPUs.",
        flush=True,
    )
    if os.environ.get("BENCH_EXPLAIN"):
        explain(user)
    token = AccessToken.objects.create(
        user=user,
        token=f"bench-{secrets.token_urlsafe(32)}",
        expires=timezone.now() + dt.timedelta(hours=2),
        scope="read write",
    )
    requests = Requests()
    try:
        with harness.gunicorn(workers=2) as port:
            http_rows = over_http(port, token.token, ids, requests)
        rows, ratios = in_process(user, token.token, ids, requests, http_rows)
    finally:
        token.delete()
    harness.print_table([*http_rows, *rows], ratios)
    print("queries: SQL queries of one request, besides the BEGIN and COMMIT around it.\n")
    return harness.exit_status(requests.errors)
