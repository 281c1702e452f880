"""Authorization-matrix rows of the sign-in steps, and the password-only persona.

``password_only`` is investigator_a's account with a session that has passed the password but
not the second factor. It must reach no data at all: every page sends it to the second step and
every API route answers it as it answers an anonymous caller. Its rows are made from the
anonymous rows of every route (``password_only_rows``), so a new route is covered by the same
rule as soon as its anonymous rows exist.
"""

from __future__ import annotations

from dataclasses import replace

from taskforce.models import AccountLock, SignInStep
from tests.access.api_matrix import ANONYMOUS, rows
from tests.access.matrix_types import Row

PASSWORD_ONLY = "password_only"
PASSWORD_ONLY_ACCOUNT = "investigator_a"
# The sign-in steps themselves, with rows of their own below.
SIGN_IN_ROUTES = ("login", "logout", "two-factor", "recovery-codes", "reauthenticate")

API_ROWS: list[Row] = []

PAGE_ROWS: list[Row] = [
    # The second step: an enrolment page for an account with no app yet.
    Row("two-factor", ANONYMOUS, 302),
    Row("two-factor", PASSWORD_ONLY, 200),
    # Once both steps are done, the page sends the person on.
    *rows("two-factor", ("investigator_a", "outsider"), 302),
    # Recovery codes are shown once, right after enrolment; otherwise the page sends on.
    Row("recovery-codes", ANONYMOUS, 302),
    *rows("recovery-codes", (PASSWORD_ONLY, "investigator_a"), 302),
    # Re-authentication: any signed-in account, after both steps.
    Row("reauthenticate", ANONYMOUS, 302),
    Row("reauthenticate", PASSWORD_ONLY, 302),
    *rows("reauthenticate", ("investigator_a", "coordinator", "outsider", "admin"), 200),
    # Account security: every signed-in account, its own sign-in only.
    Row("account-security", ANONYMOUS, 302),
    *rows("account-security", ("investigator_a", "advocate_a", "outsider", "admin"), 200),
    Row("account-recovery-codes-new", ANONYMOUS, 302, method="POST", data={}),
    *rows(
        "account-recovery-codes-new", ("investigator_a", "outsider"), 302, method="POST", data={}
    ),
    Row("account-recovery-codes-new", "investigator_a", 405),
    Row("login", PASSWORD_ONLY, 302),
    Row("logout", PASSWORD_ONLY, 302, method="POST"),
    # Locked accounts: supervisors (their agencies' people), coordinators and administrators.
    Row("account-locks", ANONYMOUS, 302),
    *rows("account-locks", ("le_supervisor_a", "vsp_supervisor_a", "coordinator", "admin"), 200),
    *rows("account-locks", ("investigator_a", "advocate_a", "outsider", "ended_member"), 404),
    # investigator_b's account (le_b) is locked: le_a's supervisor may not unlock it.
    Row("account-unlock", ANONYMOUS, 302, method="POST", target="lock_b", data={}),
    *rows(
        "account-unlock",
        ("investigator_a", "le_supervisor_a", "advocate_a", "outsider"),
        404,
        method="POST",
        target="lock_b",
        data={},
    ),
    *rows("account-unlock", ("coordinator", "admin"), 302, method="POST", target="lock_b", data={}),
    Row("account-unlock", "coordinator", 404, method="POST", target="missing", data={}),
]


def password_only_rows(api_rows: list[Row], page_rows: list[Row]) -> tuple[list, list]:
    """One password-only row per anonymous row: the same answer from the API (the session is
    not enough to be anyone), and a redirect to the second step from every page."""
    api = [replace(row, persona=PASSWORD_ONLY) for row in api_rows if row.persona == ANONYMOUS]
    pages = [
        replace(row, persona=PASSWORD_ONLY, expected=302)
        for row in page_rows
        if row.persona == ANONYMOUS and row.route not in SIGN_IN_ROUTES
    ]
    return api, pages


def build_targets(world) -> dict[str, int]:
    """A locked account in le_b."""
    lock = AccountLock.objects.create(user=world.investigator_b, step=SignInStep.PASSWORD)
    return {"lock_b": lock.pk}
