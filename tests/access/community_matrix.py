"""Authorization-matrix rows and targets of the community routes (training, outreach, trend
bulletins, coverage) (see ``test_matrix``).

Governance records: every active member reads them; coordinators record trainings, attendance
and outreach; an agency's supervisors also record the outreach events their agency leads; any
member shares a trend bulletin, only its author edits it, coordinators archive it. Attendance is
about people: a member reads their own, supervisors their agency's, coordinators everyone's.

Targets: ``training`` (held by the coordination office, attended by investigator_a and by
an outside guest for vsp_a), ``attendance_investigator_a``, ``attendance_guest_vsp_a``,
``outreach_vsp_a`` (led by vsp_a), ``outreach_office`` (led by the office),
``bulletin_advocate_a`` (active, by advocate_a), ``bulletin_archived`` (by advocate_a, archived),
and the people as ``user_<persona>`` (from the case targets).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from agencies import services
from agencies.models import TrainingTopic
from tests.access.api_matrix import (
    ACTIVE,
    ANONYMOUS,
    COORDINATORS,
    NO_MEMBERSHIP,
    NON_COORDINATORS,
    PLAIN_MEMBERS,
    SUPERVISORS,
    quoted,
    refused,
    rows,
)
from tests.access.matrix_types import Row

GUEST = "Jordan Lindgren"  # an outside attendee, for vsp_a
TRAINING_TITLE = "Trauma-informed interviewing for task force members"
CLEAN_BULLETIN = {
    "kind": "recruitment_method",
    "title": "Job offers for nail salons on a new chat app",
    "body": "Recruiters promise visas and housing, then move the talk to encrypted chats.",
}
DIRTY_BULLETIN = {**CLEAN_BULLETIN, "body": "The recruiter answers at (555) 201-3344."}
NEW_TRAINING = {"title": "Labor trafficking indicators", "topic": "labor-trafficking",
                "held_on": "2025-03-04", "hours": "3.50",
                "audience_disciplines": ["law_enforcement"]}  # fmt: skip
NEW_OUTREACH = {"title": "Clinic staff briefing", "audience": "health_care",
                "held_on": "2025-04-01", "estimated_reach": 25,
                "languages": ["en", "es"]}  # fmt: skip
# Who reads investigator_a's attendance and history besides them: le_a's supervisor, coordinators.
READS_INVESTIGATOR_A = ("investigator_a", "le_supervisor_a", "coordinator")
NOT_INVESTIGATOR_A = tuple(p for p in ACTIVE if p not in READS_INVESTIGATOR_A)
READS_GUEST = ("vsp_supervisor_a", "coordinator")
NOT_AUTHOR = tuple(p for p in ACTIVE if p != "advocate_a")

API_ROWS: list[Row] = [
    # --- trainings: every member reads; coordinators write --------------------------------
    *rows("training-list", ACTIVE, 200),
    *refused("training-list"),
    *rows("training-list", COORDINATORS, 201, method="POST", data=NEW_TRAINING),
    *rows("training-list", NON_COORDINATORS, 403, method="POST", data=NEW_TRAINING),
    *refused("training-list", method="POST", data=NEW_TRAINING),
    *rows("training-detail", ACTIVE, 200, target="training"),
    *rows("training-detail", ACTIVE, 404, target="missing"),
    *refused("training-detail", target="training"),
    *rows("training-detail", COORDINATORS, 200, method="PATCH", target="training",
          data={"location": "County training center"}),
    Row("training-detail", "coordinator", 200, "PUT", "training",
        {**NEW_TRAINING, "hours": "4.00"}),
    # Shorter than the hours already credited to its attendees.
    Row("training-detail", "coordinator", 400, "PATCH", "training", {"hours": "1.00"}),
    *rows("training-detail", NON_COORDINATORS, 403, method="PATCH", target="training",
          data={"location": "Elsewhere"}),
    *rows("training-detail", COORDINATORS, 404, method="PATCH", target="missing",
          data={"location": "Elsewhere"}),
    *refused("training-detail", method="PATCH", target="training", data={"location": "x"}),
    *rows("training-detail", COORDINATORS, 405, method="DELETE", target="training"),
    # --- attendance: own, supervisors' agency, coordinators all ----------------------------
    *rows("training-attendance-list", COORDINATORS, 200),
    Row("training-attendance-list", "investigator_a", 200, absent=(GUEST,)),
    *rows("training-attendance-list", ("investigator_b", "advocate_b", "community_member"), 200,
          absent=(GUEST, *quoted("investigator_a"))),
    *refused("training-attendance-list"),
    *rows("training-attendance-detail", READS_INVESTIGATOR_A, 200,
          target="attendance_investigator_a"),
    *rows("training-attendance-detail", NOT_INVESTIGATOR_A, 404,
          target="attendance_investigator_a", absent=quoted("investigator_a")),
    *rows("training-attendance-detail", READS_GUEST, 200, target="attendance_guest_vsp_a"),
    *rows("training-attendance-detail", ("advocate_a", "investigator_a", "le_supervisor_a"), 404,
          target="attendance_guest_vsp_a", absent=(GUEST,)),
    *rows("training-attendance-detail", COORDINATORS, 404, target="missing"),
    *refused("training-attendance-detail", target="attendance_investigator_a"),
    *rows("training-attendance-list", COORDINATORS, 201, method="POST",
          data={"training": "@training", "attendee": "advocate_b"}),
    Row("training-attendance-list", "coordinator", 201, "POST",
        data={"training": "@training", "external_name": "Sam Ortiz", "agency": "@community",
              "hours_credited": "1.50"}),
    # More hours than the training lasts: a 400 that names the field.
    Row("training-attendance-list", "coordinator", 400, "POST",
        data={"training": "@training", "attendee": "advocate_b", "hours_credited": "99"}),
    *rows("training-attendance-list", NON_COORDINATORS, 403, method="POST",
          data={"training": "@training", "attendee": "advocate_b"}),
    *refused("training-attendance-list", method="POST",
             data={"training": "@training", "attendee": "advocate_b"}),
    *rows("training-attendance-detail", COORDINATORS, 200, method="PATCH",
          target="attendance_investigator_a", data={"hours_credited": "2.00"}),
    *rows("training-attendance-detail", ("investigator_a", "le_supervisor_a"), 403,
          method="PATCH", target="attendance_investigator_a", data={"hours_credited": "2.00"}),
    *rows("training-attendance-detail", ("investigator_b", "advocate_a"), 404, method="PATCH",
          target="attendance_investigator_a", data={"hours_credited": "2.00"}),
    *refused("training-attendance-detail", method="PATCH", target="attendance_investigator_a",
             data={"hours_credited": "2.00"}),
    *rows("training-attendance-detail", COORDINATORS, 405, method="PUT",
          target="attendance_investigator_a", data={"hours_credited": "2.00"}),
    *rows("training-attendance-detail", COORDINATORS, 204, method="DELETE",
          target="attendance_guest_vsp_a"),
    Row("training-attendance-detail", "vsp_supervisor_a", 403, "DELETE", "attendance_guest_vsp_a"),
    Row("training-attendance-detail", "advocate_a", 404, "DELETE", "attendance_guest_vsp_a"),
    *refused("training-attendance-detail", method="DELETE", target="attendance_guest_vsp_a"),
    # --- training history: own; supervisors their agency's members; coordinators anyone ----
    *rows("training-history-list", ACTIVE, 200),
    Row("training-history-list", "advocate_b", 200, absent=(TRAINING_TITLE,)),
    *refused("training-history-list"),
    *rows("training-history-detail", READS_INVESTIGATOR_A, 200, target="user_investigator_a"),
    *rows("training-history-detail", NOT_INVESTIGATOR_A, 403, target="user_investigator_a",
          absent=(TRAINING_TITLE,)),
    *rows("training-history-detail", ("coordinator", "investigator_b"), 404, target="missing"),
    *refused("training-history-detail", target="user_investigator_a"),
    # --- outreach events: coordinators; supervisors for their own agency's events ----------
    *rows("outreach-event-list", ACTIVE, 200),
    *refused("outreach-event-list"),
    Row("outreach-event-list", "coordinator", 201, "POST",
        data={**NEW_OUTREACH, "lead_agency": "@community"}),
    *rows("outreach-event-list", SUPERVISORS, 201, method="POST",
          data={**NEW_OUTREACH, "lead_agency": "@own_agency"}),
    *rows("outreach-event-list", SUPERVISORS, 403, method="POST",
          data={**NEW_OUTREACH, "lead_agency": "@other_agency"}),
    *rows("outreach-event-list", PLAIN_MEMBERS, 403, method="POST",
          data={**NEW_OUTREACH, "lead_agency": "@own_agency"}),
    *refused("outreach-event-list", method="POST",
             data={**NEW_OUTREACH, "lead_agency": "@own_agency"}),
    *rows("outreach-event-detail", ACTIVE, 200, target="outreach_vsp_a"),
    *rows("outreach-event-detail", ACTIVE, 404, target="missing"),
    *refused("outreach-event-detail", target="outreach_office"),
    *rows("outreach-event-detail", ("coordinator", "vsp_supervisor_a"), 200, method="PATCH",
          target="outreach_vsp_a", data={"estimated_reach": 120}),
    *rows("outreach-event-detail", ("le_supervisor_a", "advocate_a", "community_member"), 403,
          method="PATCH", target="outreach_vsp_a", data={"estimated_reach": 120}),
    Row("outreach-event-detail", "vsp_supervisor_a", 403, "PATCH", "outreach_office",
        {"estimated_reach": 1}),
    # A supervisor does not hand their agency's event to another agency.
    Row("outreach-event-detail", "vsp_supervisor_a", 403, "PATCH", "outreach_vsp_a",
        {"lead_agency": "@le_a"}),
    Row("outreach-event-detail", "coordinator", 400, "PATCH", "outreach_vsp_a",
        {"estimated_reach": -4}),
    *refused("outreach-event-detail", method="PATCH", target="outreach_vsp_a",
             data={"estimated_reach": 120}),
    *rows("outreach-event-detail", COORDINATORS, 405, method="DELETE", target="outreach_vsp_a"),
    # --- trend bulletins: any member shares; the author edits; coordinators archive --------
    *rows("trend-bulletin-list", ACTIVE, 200),
    *refused("trend-bulletin-list"),
    *rows("trend-bulletin-list", ACTIVE, 201, method="POST", data=CLEAN_BULLETIN),
    *rows("trend-bulletin-list", ("investigator_a", "community_member"), 400, method="POST",
          data=DIRTY_BULLETIN),
    *refused("trend-bulletin-list", method="POST", data=CLEAN_BULLETIN),
    *rows("trend-bulletin-detail", ACTIVE, 200, target="bulletin_advocate_a"),
    *rows("trend-bulletin-detail", ACTIVE, 200, target="bulletin_archived"),
    *rows("trend-bulletin-detail", ACTIVE, 404, target="missing"),
    *refused("trend-bulletin-detail", target="bulletin_advocate_a"),
    Row("trend-bulletin-detail", "advocate_a", 200, "PATCH", "bulletin_advocate_a",
        {"title": "Salon job offers on chat apps"}),
    Row("trend-bulletin-detail", "advocate_a", 200, "PUT", "bulletin_advocate_a", CLEAN_BULLETIN),
    Row("trend-bulletin-detail", "advocate_a", 400, "PATCH", "bulletin_advocate_a",
        {"body": "Email them at boss@example.org"}),
    *rows("trend-bulletin-detail", NOT_AUTHOR, 403, method="PATCH", target="bulletin_advocate_a",
          data={"title": "Not mine"}),
    Row("trend-bulletin-detail", "advocate_a", 409, "PATCH", "bulletin_archived",
        {"title": "Too late"}),
    *refused("trend-bulletin-detail", method="PATCH", target="bulletin_advocate_a",
             data={"title": "Not mine"}),
    *rows("trend-bulletin-detail", ("advocate_a", "coordinator"), 405, method="DELETE",
          target="bulletin_advocate_a"),
    *rows("trend-bulletin-archive", COORDINATORS, 200, method="POST",
          target="bulletin_advocate_a", data={}),
    *rows("trend-bulletin-archive", NON_COORDINATORS, 403, method="POST",
          target="bulletin_advocate_a", data={}),
    *rows("trend-bulletin-archive", COORDINATORS, 409, method="POST", target="bulletin_archived",
          data={}),
    *rows("trend-bulletin-archive", COORDINATORS, 404, method="POST", target="missing", data={}),
    *refused("trend-bulletin-archive", method="POST", target="bulletin_advocate_a", data={}),
    # --- coverage matrix: read-only, every member ------------------------------------------
    *rows("coverage-list", ACTIVE, 200),
    *refused("coverage-list"),
    *rows("coverage-list", COORDINATORS, 405, method="POST", data={}),
]  # fmt: skip


# ============================================================================================
# Pages
# ============================================================================================


def page_refused(route, **kwargs) -> list[Row]:
    """No membership in force: 403; no session: sent to the login page."""
    return [*rows(route, NO_MEMBERSHIP, 403, **kwargs), Row(route, ANONYMOUS, 302, **kwargs)]


def page_form(route, writers, others, *, target=None, data) -> list[Row]:
    """A form: writers get it (200) and a valid post redirects (302); others 403 both ways."""
    return [
        *rows(route, writers, 200, target=target),
        *rows(route, writers, 302, method="POST", target=target, data=data),
        *rows(route, others, 403, target=target),
        *rows(route, others, 403, method="POST", target=target, data=data),
        *page_refused(route, target=target),
        *page_refused(route, method="POST", target=target, data=data),
    ]


TRAINING_FORM = {"title": "Labor trafficking indicators", "topic": "@training_topic_labor",
                 "held_on": "2025-03-04", "hours": "4",
                 "audience_disciplines": "law_enforcement"}  # fmt: skip
OUTREACH_FORM = {"title": "Clinic staff briefing", "audience": "health_care",
                 "held_on": "2025-04-01", "estimated_reach": "25"}  # fmt: skip
BULLETIN_FORM = {**CLEAN_BULLETIN, "author_agency": "@own_agency"}

PAGE_ROWS: list[Row] = [
    # --- trainings ----------------------------------------------------------------------------
    *rows("community:training-list", ACTIVE, 200),
    *page_refused("community:training-list"),
    *rows("community:training-detail", ACTIVE, 200, target="training"),
    # The guest's attendance is vsp_a's supervisors' and the coordinators' to see.
    *rows("community:training-detail", ("investigator_a", "advocate_a", "investigator_b"), 200,
          target="training", absent=(GUEST,)),
    *rows("community:training-detail", ACTIVE, 404, target="missing"),
    *page_refused("community:training-detail", target="training"),
    *page_form("community:training-create", COORDINATORS, NON_COORDINATORS, data=TRAINING_FORM),
    # A refused input is shown again with its errors; nothing is recorded.
    Row("community:training-create", "coordinator", 200, "POST", data={**TRAINING_FORM,
        "hours": "0"}),
    *page_form("community:training-edit", COORDINATORS, NON_COORDINATORS, target="training",
               data={**TRAINING_FORM, "hours": "4"}),
    *rows("community:training-edit", COORDINATORS, 404, target="missing"),
    *page_form("community:attendance-create", COORDINATORS, NON_COORDINATORS, target="training",
               data={"username": "advocate_b"}),
    Row("community:attendance-create", "coordinator", 200, "POST", "training",
        {"username": "advocate_b", "hours_credited": "99"}),
    *rows("community:attendance-create", COORDINATORS, 404, target="missing"),
    *rows("community:my-training", ACTIVE, 200),
    *rows("community:my-training", ("advocate_b", "coordinator"), 200, absent=(TRAINING_TITLE,)),
    *page_refused("community:my-training"),
    *rows("community:training-history", READS_INVESTIGATOR_A, 200, target="user_investigator_a"),
    *rows("community:training-history", NOT_INVESTIGATOR_A, 403, target="user_investigator_a",
          absent=(TRAINING_TITLE,)),
    *rows("community:training-history", COORDINATORS, 404, target="missing"),
    *page_refused("community:training-history", target="user_investigator_a"),
    # --- outreach -----------------------------------------------------------------------------
    *rows("community:outreach-list", ACTIVE, 200),
    *page_refused("community:outreach-list"),
    *rows("community:outreach-detail", ACTIVE, 200, target="outreach_vsp_a"),
    *rows("community:outreach-detail", ACTIVE, 404, target="missing"),
    *page_refused("community:outreach-detail", target="outreach_office"),
    *page_form("community:outreach-create", (*COORDINATORS, *SUPERVISORS), PLAIN_MEMBERS,
               data={**OUTREACH_FORM, "lead_agency": "@own_agency"}),
    *page_form("community:outreach-edit", ("coordinator", "vsp_supervisor_a"),
               ("le_supervisor_a", "advocate_a", "community_member"), target="outreach_vsp_a",
               data={**OUTREACH_FORM, "lead_agency": "@vsp_a"}),
    Row("community:outreach-edit", "vsp_supervisor_a", 403, target="outreach_office"),
    *rows("community:outreach-edit", COORDINATORS, 404, target="missing"),
    # --- trend bulletins ----------------------------------------------------------------------
    *rows("community:bulletin-list", ACTIVE, 200),
    Row("community:bulletin-list", "advocate_a", 200, absent=("Pop-up spas",)),  # archived
    *rows("community:bulletin-list", ("advocate_a",), 200),
    *page_refused("community:bulletin-list"),
    *rows("community:bulletin-detail", ACTIVE, 200, target="bulletin_advocate_a"),
    *rows("community:bulletin-detail", ACTIVE, 404, target="missing"),
    *page_refused("community:bulletin-detail", target="bulletin_advocate_a"),
    *page_form("community:bulletin-create", ACTIVE, (), data=BULLETIN_FORM),
    # The identifier check refuses the text and names what it found, next to the field.
    *rows("community:bulletin-create", ("investigator_a", "community_member"), 200,
          method="POST", data={**BULLETIN_FORM, "body": DIRTY_BULLETIN["body"]}),
    *page_form("community:bulletin-edit", ("advocate_a",), NOT_AUTHOR,
               target="bulletin_advocate_a", data=CLEAN_BULLETIN),
    Row("community:bulletin-edit", "advocate_a", 409, target="bulletin_archived"),
    Row("community:bulletin-edit", "advocate_a", 404, target="missing"),
    *rows("community:bulletin-archive", COORDINATORS, 302, method="POST",
          target="bulletin_advocate_a", data={}),
    *rows("community:bulletin-archive", NON_COORDINATORS, 403, method="POST",
          target="bulletin_advocate_a", data={}),
    *rows("community:bulletin-archive", COORDINATORS, 404, method="POST", target="missing",
          data={}),
    Row("community:bulletin-archive", "coordinator", 405, target="bulletin_advocate_a"),
    *page_refused("community:bulletin-archive", method="POST", target="bulletin_advocate_a",
                  data={}),
    # --- coverage -----------------------------------------------------------------------------
    *rows("community:coverage", ACTIVE, 200),
    *page_refused("community:coverage"),
]  # fmt: skip


def build_targets(world) -> dict[str, int]:
    """Objects of the matrix world these rows point at, by target name."""
    coordinator = world.coordinator
    training = services.create_training(
        by=coordinator,
        title=TRAINING_TITLE,
        topic=TrainingTopic.objects.get(code="trauma-informed-practice"),
        audience_disciplines=["law_enforcement", "victim_services"],
        held_on=timezone.localdate() - dt.timedelta(days=7),
        hours=Decimal("4.00"),
        host_agency=world.office,
    )
    attended = services.record_attendance(
        training=training, by=coordinator, attendee=world.investigator_a
    )
    guest = services.record_attendance(
        training=training, by=coordinator, external_name=GUEST, agency=world.vsp_a
    )
    outreach = {
        key: services.create_outreach_event(
            by=coordinator,
            title=f"Awareness night ({key})",
            audience="faith_communities",
            held_on=timezone.localdate() - dt.timedelta(days=2),
            estimated_reach=60,
            lead_agency=world.agencies[key],
        )
        for key in ("vsp_a", "office")
    }
    bulletin = services.share_trend_bulletin(
        by=world.advocate_a,
        kind="indicator",
        title="Workers with identical new tattoos",
        body="Several clients this month describe the same brand tattoo on the wrist.",
    )
    archived = services.share_trend_bulletin(
        by=world.advocate_a, kind="new_venue", title="Pop-up spas", body="Short leases."
    )
    services.archive_trend_bulletin(bulletin=archived, by=coordinator)
    return {
        "training_topic_labor": TrainingTopic.objects.get(code="labor-trafficking").pk,
        "training": training.pk,
        "attendance_investigator_a": attended.pk,
        "attendance_guest_vsp_a": guest.pk,
        "outreach_vsp_a": outreach["vsp_a"].pk,
        "outreach_office": outreach["office"].pk,
        "bulletin_advocate_a": bulletin.pk,
        "bulletin_archived": archived.pk,
    }
