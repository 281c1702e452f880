"""The dashboard and the fiscal-year report at load scale (issue budget: each under 1 s at
100,000 cases and 200,000 victims on PostgreSQL).

Three readers: a coordinator (task-force-wide figures, every agency's records counted and
suppressed), and the investigator and advocate of the other benchmarks, each asking for their
own agency's figures (counted through the access layer, in full). Measured over HTTP against
gunicorn (API with an OAuth2 bearer token, pages and the XLSX download with a session), and in
process: the SQL queries of each request. The coordinator is a membership added for the run in
the load's first agency and removed afterwards.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from django.db import connection
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import Role
from taskforce.periods import Period
from tests.benchmarks import harness
from tests.benchmarks.bench_victims import (
    Requests,
    _token,
    bearer,
    restricted_advocate,
    restricted_investigator,
    sample,
    session,
    signed_in,
)

REPORT_P95_MS = 1000
REPORT_SAMPLES = 12


def coordinator():
    """A coordinator for the run: the first agency's first user, made coordinator."""
    membership = Membership.objects.active().filter(is_service_account=False).order_by("id").first()
    added = Membership.objects.create(
        user=membership.user,
        agency=membership.agency,
        role=Role.MEMBER,
        is_coordinator=True,
        title="Benchmark coordinator",
    )
    return membership.user, added


def paths(agency: Agency | None, period: Period) -> dict[str, str]:
    query = {"period": period.key}
    if agency is not None:
        query["agency"] = str(agency.pk)
    q = urlencode(query)
    return {
        "API dashboard": f"/api/v1/reports/dashboard/?{q}",
        "API FY report": f"/api/v1/reports/task-force/?{q}",
        "page /reports/": f"/reports/?{q}",
        "page FY report": f"/reports/task-force/?{q}",
        "FY report XLSX": f"/reports/task-force/download/?{q}&file=xlsx",
    }


def main() -> int:
    harness.ensure_load(harness.bench_cases())
    harness.collect_static()
    # The last whole fiscal year: a full year of the load's cases, victims and services.
    period = Period.containing(timezone.localdate()).previous()
    boss, added = coordinator()
    advocate, provider, _ = restricted_advocate()
    investigator, le_agency, _ = restricted_investigator()
    readers = {
        "coordinator (task force)": (boss, None),
        "investigator (own agency)": (investigator, le_agency),
        "advocate (own agency)": (advocate, provider),
    }
    print(
        f"\nReports benchmark on {connection.vendor}, period {period.label}: "
        f"{Agency.objects.count()} agencies. Load average: "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} CPUs.",
        flush=True,
    )
    tokens = {name: _token(user) for name, (user, _) in readers.items()}
    sessions = {name: signed_in(user) for name, (user, _) in readers.items()}
    requests = Requests()
    rows = []
    try:
        with harness.gunicorn(workers=2) as port:
            for name, (_, agency) in readers.items():
                for label, path in paths(agency, period).items():
                    if label.startswith("API"):
                        headers = bearer(tokens[name].token)
                    else:
                        headers = session(sessions[name][1])

                    def send(p, headers=headers):
                        return requests.http(port, headers, p)

                    rows.append(
                        sample(
                            send,
                            [path],
                            harness.Row(f"{name}: {label}", p95_budget_ms=REPORT_P95_MS),
                            REPORT_SAMPLES,
                        )
                    )
        by_name = {row.endpoint: row for row in rows}
        for name, (_, agency) in readers.items():
            client = sessions[name][0]
            for label, path in paths(agency, period).items():
                by_name[f"{name}: {label}"].queries = requests.queries(
                    lambda p, client=client: requests.page(client, p), path
                )
    finally:
        for token in tokens.values():
            token.delete()
        for client, _ in sessions.values():
            client.logout()
        added.delete()
    harness.print_table(rows, [])
    print(
        "queries: SQL queries of one request in process (the API through a session here), "
        "besides BEGIN and COMMIT.\n"
    )
    return harness.exit_status(requests.errors)
