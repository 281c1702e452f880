"""What every benchmark shares: a production-like environment, the load data, a gunicorn server,
timing and the results table.

The benchmarks run against the database of ``DATABASE_URL`` (PostgreSQL: the real measurement)
or, without it, against a SQLite file of their own under ``var/bench/`` (never the demo's).
"""

from __future__ import annotations

import http.client
import math
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.keys import PRODUCTION_KEYS

BASE_DIR = Path(__file__).resolve().parents[2]


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))


def bench_cases() -> int:
    """How many load cases to measure with: the budgets' 100,000 on PostgreSQL."""
    default = "100000" if on_postgres() else "5000"
    return int(os.environ.get("BENCH_CASES", default))


def bench_victims(cases: int) -> int:
    """How many load victim records: the budgets' 200,000 at 100,000 cases (two per case)."""
    return int(os.environ.get("BENCH_VICTIMS", 2 * cases))


def configure() -> None:
    """Production settings (DEBUG off) for this process and the server it starts."""
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("TASKFORCE_VAR_DIR", str(BASE_DIR / "var" / "bench"))
        Path(os.environ["TASKFORCE_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    for name, value in PRODUCTION_KEYS.items():
        os.environ.setdefault(name, value)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="taskforce.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        # The bench sends a few hundred requests a minute as one user: no throttling.
        API_USER_RATE="1000000/minute",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def ensure_load(cases: int) -> None:
    """Migrate, and load the load data unless it is already there (it is reused across runs)."""
    from django.core.management import call_command

    from cases.models import Case
    from taskforce.management.commands.seed_load import LOAD_CASE_PREFIX, load_present
    from victims.models import VictimWitness

    victims = bench_victims(cases)
    call_command("migrate", interactive=False, verbosity=0)
    if not load_present():
        print(f"Loading {cases:,} cases and {victims:,} victims (seed_load) ...", flush=True)
        call_command("seed_load", cases=cases, victims=victims)
        return
    present = Case.objects.filter(number__startswith=LOAD_CASE_PREFIX).count()
    present_victims = VictimWitness.objects.count()
    if (present, present_victims) != (cases, victims):
        print(
            f"Note: the database holds {present:,} load cases and {present_victims:,} victims, "
            f"not {cases:,} and {victims:,}; measuring with those (load a fresh database to "
            "change the size).",
            flush=True,
        )


def collect_static() -> None:
    """Pages name their assets through the manifest storage, which DEBUG off requires."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2, timeout: float = 60.0):
    """Serve the app with gunicorn on a free local port; yields the port."""
    port = free_port()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                str(bindir / "gunicorn"),
                "taskforce.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            stdout=log,
            stderr=log,
        )
        try:
            _wait_until_serving(proc, port, timeout, log)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_serving(proc, port: int, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited:\n{log.read().decode(errors='replace')}")
        try:
            status, _ = http_get(port, "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status in (200, 503):
            return
    raise RuntimeError("gunicorn did not answer /healthz in time")


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync workers close each one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def timed(call) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    began = time.perf_counter()
    result = call()
    return (time.perf_counter() - began) * 1000, result


@dataclass
class Row:
    endpoint: str
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    p95_budget_ms: float | None = None
    query_budget: int | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    def verdict(self) -> str:
        ok = (self.p95_budget_ms is None or self.p95 <= self.p95_budget_ms) and (
            self.query_budget is None or (self.queries or 0) <= self.query_budget
        )
        return "PASS" if ok else "FAIL"

    def budget(self) -> str:
        parts = []
        if self.p95_budget_ms is not None:
            parts.append(f"p95 <= {self.p95_budget_ms:g} ms")
        if self.query_budget is not None:
            parts.append(f"<= {self.query_budget} queries")
        return ", ".join(parts) or "-"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def print_table(rows: list[Row], ratios: list[tuple[str, float, float, float]]) -> None:
    """Rows of timings, then ratios (name, p50 ratio, p95 ratio, budget)."""
    print()
    header = f"{'endpoint':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}  budget"
    print(header)
    print("-" * (len(header) + 28))
    for row in rows:
        queries = "-" if row.queries is None else str(row.queries)
        print(
            f"{row.endpoint:<52} {len(row.times_ms):>4} {row.p50:>8.1f} {row.p95:>8.1f} "
            f"{queries:>7}  {row.budget():<34} {row.verdict()}"
        )
    for name, p50_ratio, p95_ratio, budget in ratios:
        # Judged on the medians: a p95 ratio mostly measures two unrelated outliers.
        verdict = "PASS" if p50_ratio <= budget else "FAIL"
        print(
            f"{name:<52} {'':>4} {p50_ratio:>7.2f}x {p95_ratio:>7.2f}x {'':>7}  "
            f"{f'p50 <= {budget:g}x':<34} {verdict}"
        )
    print()


def exit_status(errors: list[str]) -> int:
    """A benchmark's exit status: 1 if any request failed (the first 20 are printed)."""
    if not errors:
        return 0
    print(f"{len(errors)} request(s) failed:")
    for error in errors[:20]:
        print(f"  {error}")
    return 1
