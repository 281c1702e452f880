"""Authorization-matrix rows of the aggregate reports (see ``test_matrix``).

Every member in force reads the task force's figures (counts only, small cells suppressed), and
partner systems read them through the API; no response names a victim, a client or a referred
person of the matrix world, whoever asks. Asking for another agency's figures is refused to
everyone but coordinators (tests/reports/test_report_views.py: that needs a query string).
"""

from __future__ import annotations

from tests.access.api_matrix import ACTIVE, refused, rows
from tests.access.deadlines_matrix import page_refused
from tests.access.matrix_types import Row
from tests.access.victims_matrix import (
    CLIENT_A_NAME,
    CLIENT_B_NAME,
    PARTNER_LE_A,
    PARTNER_VSP_A,
    SHARED_NAME,
    VICTIM_A_NAME,
    VICTIM_SHARED_NAME,
)

NAMES = (VICTIM_A_NAME, VICTIM_SHARED_NAME, CLIENT_A_NAME, CLIENT_B_NAME, SHARED_NAME)
REPORT_APIS = ("report-dashboard-api", "report-task-force-api", "report-nondiscrimination-api")
REPORT_PAGES = ("reports:dashboard", "reports:task-force", "reports:nondiscrimination")

API_ROWS: list[Row] = [
    row
    for route in REPORT_APIS
    for row in (
        *rows(route, ACTIVE, 200, absent=NAMES),
        *rows(route, (PARTNER_LE_A, PARTNER_VSP_A), 200, absent=NAMES),
        *refused(route),
        # Read-only.
        *rows(route, ("coordinator", "advocate_a"), 405, method="POST", data={}),
    )
]

# Record exports: an agency's own records, of the kinds its people keep.
LAW_ENFORCEMENT = ("investigator_a", "le_supervisor_a", "le_victim_specialist_a", "investigator_b")
PROVIDERS = ("advocate_a", "vsp_supervisor_a", "advocate_b")
NOT_LAW_ENFORCEMENT = tuple(p for p in ACTIVE if p not in LAW_ENFORCEMENT)
NOT_PROVIDERS = tuple(p for p in ACTIVE if p not in PROVIDERS)

PAGE_ROWS: list[Row] = [
    *rows("reports:exports", ACTIVE, 200),
    *page_refused("reports:exports"),
    *rows("reports:export-download", LAW_ENFORCEMENT, 200, target="export_cases?file=csv"),
    *rows("reports:export-download", NOT_LAW_ENFORCEMENT, 404, target="export_cases?file=csv"),
    *rows("reports:export-download", PROVIDERS, 200, target="export_clients?file=xlsx"),
    *rows(
        "reports:export-download",
        NOT_PROVIDERS,
        404,
        target="export_clients?file=xlsx",
        absent=(CLIENT_A_NAME, CLIENT_B_NAME),
    ),
    *rows("reports:export-download", ("investigator_a",), 400, target="export_cases?file=pdf"),
    *rows("reports:export-download", ACTIVE, 404, target="export_unknown?file=csv"),
    *page_refused("reports:export-download", target="export_cases?file=csv"),
    *(
        row
        for route in (*REPORT_PAGES, "reports:task-force-download")
        for row in (*rows(route, ACTIVE, 200, absent=NAMES), *page_refused(route))
    ),
    *rows("reports:task-force-download", ("coordinator",), 405, method="POST", data={}),
]


def build_targets(world) -> dict:
    """Export targets are dataset slugs, the download route's natural key."""
    return {"export_cases": "cases", "export_clients": "clients", "export_unknown": "nothing"}
