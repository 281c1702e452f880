"""Authorization-matrix rows and targets of deadlines, notifications and reminder policies (see
``test_matrix``).

A deadline is seen by whoever may see its source record, and by no one else (404). A
notification is its recipient's alone (404 to everyone else, whatever their role). Every member
reads the reminder policies; only coordinators change them.

Targets: ``deadline_to_vsp_a`` and ``deadline_to_vsp_b`` (the open referral-response deadlines
of the victims section's referrals from le_a to vsp_a and to vsp_b), ``notification_investigator_a``
(a reminder for investigator_a), ``policy_referral`` (the referral-response kind) and
``policy_unknown`` (a kind that does not exist).
"""

from __future__ import annotations

from taskforce import deadlines
from taskforce.models import Deadline, DeadlineKind, DeadlineStatus, NotificationKind
from tests.access.api_matrix import (
    ACTIVE,
    ANONYMOUS,
    COORDINATORS,
    LE_A,
    NO_MEMBERSHIP,
    NON_COORDINATORS,
    refused,
    rows,
)
from tests.access.matrix_types import Row
from tests.access.victims_matrix import PARTNER_LE_A, PARTNER_VSP_A

# Who may see each referral, and so its deadline (the victims section's ``SEES``).
SEES_TO_VSP_A = (*LE_A, "advocate_a", "vsp_supervisor_a")
SEES_TO_VSP_B = (*LE_A, "advocate_b")
NOT_TO_VSP_A = tuple(p for p in ACTIVE if p not in SEES_TO_VSP_A)
NOT_TO_VSP_B = tuple(p for p in ACTIVE if p not in SEES_TO_VSP_B)
NOT_RECIPIENT = tuple(p for p in ACTIVE if p != "investigator_a")
REMINDER_TITLE = "Referral #0: the matrix reminder"
POLICY_CHANGE = {"window_hours": 96, "offsets_minutes": [2880, 240]}

API_ROWS: list[Row] = [
    # --- deadlines: visibility follows the source record ---------------------------------------
    *rows("deadline-list", ACTIVE, 200),
    *rows("deadline-list", (PARTNER_LE_A, PARTNER_VSP_A), 200),
    *refused("deadline-list"),
    *rows("deadline-detail", SEES_TO_VSP_A, 200, target="deadline_to_vsp_a"),
    *rows("deadline-detail", NOT_TO_VSP_A, 404, target="deadline_to_vsp_a",
          absent=("Referral #",)),
    *rows("deadline-detail", SEES_TO_VSP_B, 200, target="deadline_to_vsp_b"),
    *rows("deadline-detail", NOT_TO_VSP_B, 404, target="deadline_to_vsp_b",
          absent=("Referral #",)),
    Row("deadline-detail", PARTNER_VSP_A, 200, target="deadline_to_vsp_a"),
    Row("deadline-detail", PARTNER_VSP_A, 404, target="deadline_to_vsp_b"),
    *rows("deadline-detail", ("investigator_a", "coordinator"), 404, target="missing"),
    *refused("deadline-detail", target="deadline_to_vsp_a"),
    # Read-only: the source services open, move and close deadlines.
    *rows("deadline-list", ("advocate_a", "coordinator"), 405, method="POST", data={}),
    *rows("deadline-detail", ("advocate_a",), 405, method="PATCH", target="deadline_to_vsp_a",
          data={"status": "met"}),
    *rows("deadline-detail", ("advocate_a",), 405, method="DELETE", target="deadline_to_vsp_a"),
    # --- notifications: the recipient's own -----------------------------------------------------
    *rows("notification-list", ACTIVE, 200),
    *rows("notification-list", NOT_RECIPIENT, 200, absent=(REMINDER_TITLE,)),
    Row("notification-list", PARTNER_VSP_A, 200, absent=(REMINDER_TITLE,)),
    *refused("notification-list"),
    Row("notification-detail", "investigator_a", 200, target="notification_investigator_a"),
    *rows("notification-detail", NOT_RECIPIENT, 404, target="notification_investigator_a",
          absent=(REMINDER_TITLE,)),
    *rows("notification-detail", ("investigator_a",), 404, target="missing"),
    *refused("notification-detail", target="notification_investigator_a"),
    Row("notification-read", "investigator_a", 200, "POST", "notification_investigator_a", {}),
    *rows("notification-read", NOT_RECIPIENT, 404, method="POST",
          target="notification_investigator_a", data={}),
    *refused("notification-read", method="POST", target="notification_investigator_a", data={}),
    *rows("notification-read", ("investigator_a",), 405, target="notification_investigator_a"),
    *rows("notification-read-all", ACTIVE, 200, method="POST", data={}),
    *refused("notification-read-all", method="POST", data={}),
    *rows("notification-read-all", ("investigator_a",), 405),
    *rows("notification-detail", ("investigator_a",), 405, method="DELETE",
          target="notification_investigator_a"),
    # --- reminder policies: every member reads, coordinators change -----------------------------
    *rows("deadline-policy-list", ACTIVE, 200),
    *refused("deadline-policy-list"),
    *rows("deadline-policy-detail", ACTIVE, 200, target="policy_referral"),
    *rows("deadline-policy-detail", ("advocate_a", "coordinator"), 404, target="policy_unknown"),
    *refused("deadline-policy-detail", target="policy_referral"),
    *rows("deadline-policy-detail", COORDINATORS, 200, method="PATCH", target="policy_referral",
          data=POLICY_CHANGE),
    *rows("deadline-policy-detail", NON_COORDINATORS, 403, method="PATCH",
          target="policy_referral", data=POLICY_CHANGE),
    Row("deadline-policy-detail", PARTNER_VSP_A, 403, "PATCH", "policy_referral", POLICY_CHANGE),
    # Repeated reminder times, a zero window: 400, nothing saved.
    Row("deadline-policy-detail", "coordinator", 400, "PATCH", "policy_referral",
        {"offsets_minutes": [60, 60]}),
    Row("deadline-policy-detail", "coordinator", 400, "PATCH", "policy_referral",
        {"window_hours": 0}),
    Row("deadline-policy-detail", "coordinator", 404, "PATCH", "policy_unknown", POLICY_CHANGE),
    *refused("deadline-policy-detail", method="PATCH", target="policy_referral",
             data=POLICY_CHANGE),
    *rows("deadline-policy-detail", COORDINATORS, 405, method="PUT", target="policy_referral",
          data=POLICY_CHANGE),
    *rows("deadline-policy-detail", COORDINATORS, 405, method="DELETE",
          target="policy_referral"),
    *rows("deadline-policy-list", COORDINATORS, 405, method="POST", data=POLICY_CHANGE),
]  # fmt: skip


# ============================================================================================
# Pages
# ============================================================================================


POLICY_FORM = {"offsets": "2d, 6h", "window_hours": "48", "urgent_window_hours": "12",
               "escalate": "on"}  # fmt: skip


def page_refused(route, **kwargs) -> list[Row]:
    """No membership in force: 403; no session: sent to the login page."""
    return [*rows(route, NO_MEMBERSHIP, 403, **kwargs), Row(route, ANONYMOUS, 302, **kwargs)]


PAGE_ROWS: list[Row] = [
    *rows("deadlines", ACTIVE, 200),
    *page_refused("deadlines"),
    *rows("deadlines-week", ACTIVE, 200),
    *page_refused("deadlines-week"),
    *rows("notifications", ACTIVE, 200),
    *rows("notifications", NOT_RECIPIENT, 200, absent=(REMINDER_TITLE,)),
    *page_refused("notifications"),
    Row("notifications-mark-read", "investigator_a", 302, "POST", "notification_investigator_a",
        {}),
    *rows("notifications-mark-read", NOT_RECIPIENT, 404, method="POST",
          target="notification_investigator_a", data={}),
    *rows("notifications-mark-read", ("investigator_a",), 405,
          target="notification_investigator_a"),
    *page_refused("notifications-mark-read", method="POST", target="notification_investigator_a",
                  data={}),
    *rows("notifications-mark-all-read", ACTIVE, 302, method="POST", data={}),
    *rows("notifications-mark-all-read", ("advocate_a",), 405),
    *page_refused("notifications-mark-all-read", method="POST", data={}),
    *rows("deadline-policies", ACTIVE, 200),
    *page_refused("deadline-policies"),
    *rows("deadline-policy-edit", COORDINATORS, 200, target="policy_referral"),
    *rows("deadline-policy-edit", NON_COORDINATORS, 403, target="policy_referral"),
    *rows("deadline-policy-edit", COORDINATORS, 302, method="POST", target="policy_referral",
          data=POLICY_FORM),
    *rows("deadline-policy-edit", NON_COORDINATORS, 403, method="POST", target="policy_referral",
          data=POLICY_FORM),
    # Bad input shows the form again with the error, and saves nothing.
    Row("deadline-policy-edit", "coordinator", 200, "POST", "policy_referral",
        {"offsets": "soon"}),
    Row("deadline-policy-edit", "coordinator", 404, "GET", "policy_unknown"),
    *page_refused("deadline-policy-edit", target="policy_referral"),
    *page_refused("deadline-policy-edit", method="POST", target="policy_referral",
                  data=POLICY_FORM),
    *rows("notifications-preferences", ACTIVE, 302, method="POST", data={"daily_digest": "on"}),
    *rows("notifications-preferences", ("advocate_a",), 405),
    *page_refused("notifications-preferences", method="POST", data={}),
]  # fmt: skip


def build_targets(world) -> dict:
    """Objects of the matrix world these rows point at, by target name."""

    def open_referral_deadline(provider) -> int:
        return Deadline.objects.get(
            kind=DeadlineKind.REFERRAL_RESPONSE, status=DeadlineStatus.OPEN, owner_agency=provider
        ).pk

    reminder = deadlines.notify(
        user=world.investigator_a, kind=NotificationKind.REMINDER, title=REMINDER_TITLE
    )
    return {
        "deadline_to_vsp_a": open_referral_deadline(world.vsp_a),
        "deadline_to_vsp_b": open_referral_deadline(world.vsp_b),
        "notification_investigator_a": reminder.pk,
        "policy_referral": DeadlineKind.REFERRAL_RESPONSE.value,
        "policy_unknown": "birthday",
    }
