"""Authorization-matrix rows and targets of the governance routes (charter, MOUs,
protocols, decisions, leadership) (see ``test_matrix``).

Governance is read by every member in force and by no one else; it is written by coordinators,
by the owner a protocol or objective names (``le_supervisor_a`` here) and, for a signature, by a
supervisor of the signatory agency. Targets (all made through ``protocols.services``):

* ``gov_goal``, ``gov_objective`` (owned by le_supervisor_a);
* ``gov_mou_draft``, ``gov_mou_circulating``, ``gov_mou_executed`` (le_a and vsp_a sign each),
  ``gov_mou_version`` (the executed MOU's version, with a PDF);
* ``gov_protocol`` (owner le_supervisor_a; version 1 has a PDF), ``gov_protocol_version``;
  ``gov_decision`` (adopted an earlier protocol's version);
* ``gov_term`` (lead law enforcement for adult U.S. citizen sex trafficking: le_a),
  ``gov_committee``, ``gov_meeting_past``, ``gov_meeting_future``.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from protocols import services
from protocols.models import ProtocolTopic
from tests.access.api_matrix import (
    ACTIVE,
    ANONYMOUS,
    COORDINATORS,
    NO_MEMBERSHIP,
    NON_COORDINATORS,
    PLAIN_MEMBERS,
    refused,
    rows,
)
from tests.access.matrix_types import Row

MOU_DRAFT = "Joint Victim Response MOU"
PROTOCOL = "Victim Identification and Referral Protocol"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A few members of different disciplines stand in for "every member" on detail reads.
READERS = ("investigator_a", "prosecutor", "advocate_b", "community_member", "coordinator")
OWNER = "le_supervisor_a"  # names the protocol and the objective
NOT_OWNERS = tuple(p for p in NON_COORDINATORS if p != OWNER)
# Members who are neither coordinators nor supervisors nor owners.
WRITERS_REFUSED = tuple(p for p in (*PLAIN_MEMBERS, "vsp_supervisor_a"))


def _reads(route: str, target: str | None = None, readers=ACTIVE) -> list[Row]:
    """Every reader gets 200; no membership 403, no credentials 401; an unknown id 404."""
    found = [*rows(route, readers, 200, target=target), *refused(route, target=target)]
    if target is not None:
        found.append(Row(route, "investigator_a", 404, target="missing"))
    return found


def _coordinator_write(route, expected, *, target=None, data=None, method="POST") -> list[Row]:
    """Coordinators write (``expected``); every other member 403; no membership 403/401."""
    return [
        Row(route, "coordinator", expected, method, target, data),
        *rows(route, NON_COORDINATORS, 403, method=method, target=target, data=data),
        *refused(route, method=method, target=target, data=data),
    ]


SIGN_LE_A = {"agency": "@le_a", "signer_title": "Chief of Police"}
DECISION = {"question": "Adopt the referral protocol?", "method": "consensus",
            "outcome": "Adopted", "decided_on": "2025-03-01",
            "adopted_protocol_version": "@gov_protocol_version"}  # fmt: skip
NEW_MOU = {"title": "Shelter beds MOU", "purpose": "Emergency shelter for adult victims."}
NEW_PROTOCOL = {"title": "Media protocol", "topic": "media", "owner": "advocate_a",
                "review_date": "2027-01-01", "text": "One media contact speaks."}  # fmt: skip
NEW_OBJECTIVE = {"goal": "@gov_goal", "title": "Train nurses", "owner": "advocate_a",
                 "measure": "Nurses trained", "target_value": "40",
                 "target_date": "2027-06-30"}  # fmt: skip
NEW_TERM = {"role": "media_contact", "user": "advocate_a", "starts": "2025-01-01"}
NEW_MEETING = {"title": "Quarterly data review", "held_at": "2025-01-10T10:00:00Z"}

API_ROWS: list[Row] = [
    # --- charter, goals, objectives ---------------------------------------------------------
    *_reads("charter-list"),
    *_coordinator_write("charter-list", 200, data={"mission": "M", "purpose": "P"}),
    *_reads("goal-list", readers=READERS),
    *_reads("goal-detail", "gov_goal", READERS),
    *_coordinator_write("goal-list", 201, data={"title": "Serve every population"}),
    *_coordinator_write(
        "goal-detail", 200, target="gov_goal", method="PATCH", data={"title": "Renamed"}
    ),
    *_reads("objective-list", readers=READERS),
    *_reads("objective-detail", "gov_objective", READERS),
    *_coordinator_write("objective-list", 201, data=NEW_OBJECTIVE),
    # The owner keeps the status current; the terms are the coordinators'.
    Row("objective-detail", OWNER, 200, "PATCH", "gov_objective", {"status": "at_risk"}),
    Row("objective-detail", OWNER, 403, "PATCH", "gov_objective", {"target_value": "1"}),
    Row("objective-detail", "coordinator", 200, "PATCH", "gov_objective", {"target_value": "1"}),
    *rows(
        "objective-detail",
        NOT_OWNERS,
        403,
        method="PATCH",
        target="gov_objective",
        data={"status": "at_risk"},
    ),
    *refused("objective-detail", method="PATCH", target="gov_objective", data={"status": "x"}),
    *rows(
        "objective-progress",
        (OWNER, "coordinator"),
        201,
        method="POST",
        target="gov_objective",
        data={"value": "10"},
    ),
    *rows(
        "objective-progress",
        NOT_OWNERS,
        403,
        method="POST",
        target="gov_objective",
        data={"value": "10"},
    ),
    *refused("objective-progress", method="POST", target="gov_objective", data={"value": "1"}),
    Row("objective-progress", "coordinator", 404, "POST", "missing", {"value": "1"}),
    # --- MOUs -------------------------------------------------------------------------------
    *_reads("mou-list"),
    *_reads("mou-detail", "gov_mou_executed"),
    *_coordinator_write("mou-list", 201, data=NEW_MOU),
    *_coordinator_write(
        "mou-detail", 200, target="gov_mou_draft", method="PATCH", data={"title": "Renamed"}
    ),
    Row("mou-detail", "coordinator", 409, "PATCH", "gov_mou_circulating", {"title": "Renamed"}),
    *_coordinator_write("mou-circulate", 200, target="gov_mou_draft", data={}),
    Row("mou-circulate", "coordinator", 409, "POST", "gov_mou_executed", {}),
    Row("mou-circulate", "coordinator", 404, "POST", "missing", {}),
    # A supervisor of a signatory agency signs for it, nobody else.
    Row("mou-sign", "le_supervisor_a", 200, "POST", "gov_mou_circulating", SIGN_LE_A),
    *rows(
        "mou-sign",
        (
            "investigator_a",
            "le_victim_specialist_a",
            "vsp_supervisor_a",
            "coordinator",
            "investigator_b",
        ),
        403,
        method="POST",
        target="gov_mou_circulating",
        data=SIGN_LE_A,
    ),
    *refused("mou-sign", method="POST", target="gov_mou_circulating", data=SIGN_LE_A),
    Row("mou-sign", "le_supervisor_a", 409, "POST", "gov_mou_draft", SIGN_LE_A),
    Row("mou-sign", "le_supervisor_a", 409, "POST", "gov_mou_executed", SIGN_LE_A),
    Row("mou-sign", "le_supervisor_a", 404, "POST", "missing", SIGN_LE_A),
    *_coordinator_write(
        "mou-terminate", 200, target="gov_mou_executed", data={"reason": "Replaced"}
    ),
    *_coordinator_write(
        "mou-renew",
        200,
        target="gov_mou_executed",
        data={"effective_date": "2027-01-01", "end_date": "2029-01-01"},
    ),
    Row(
        "mou-renew",
        "coordinator",
        409,
        "POST",
        "gov_mou_draft",
        {"effective_date": "2027-01-01", "end_date": "2029-01-01"},
    ),
    # Uploads are multipart: the same request as JSON is refused before anything is stored.
    Row("mou-upload", "coordinator", 415, "POST", "gov_mou_draft", {"document": "x"}),
    *rows(
        "mou-upload",
        NON_COORDINATORS,
        403,
        method="POST",
        target="gov_mou_draft",
        data={"document": "x"},
    ),
    *rows(
        "mou-upload",
        NO_MEMBERSHIP,
        403,
        method="POST",
        target="gov_mou_draft",
        data={"document": "x"},
    ),
    # Without credentials the body is parsed while looking for a token: JSON is refused first.
    Row("mou-upload", ANONYMOUS, 415, "POST", "gov_mou_draft", {"document": "x"}),
    *_reads("mou-document", "gov_mou_executed", READERS),
    Row("mou-document", "investigator_a", 404, target="gov_mou_draft"),  # no document yet
    # --- protocols --------------------------------------------------------------------------
    *_reads("protocol-list"),
    *_reads("protocol-detail", "gov_protocol", READERS),
    *_coordinator_write("protocol-list", 201, data=NEW_PROTOCOL),
    *rows(
        "protocol-detail",
        (OWNER, "coordinator"),
        200,
        method="PATCH",
        target="gov_protocol",
        data={"title": "Renamed"},
    ),
    *rows(
        "protocol-detail",
        NOT_OWNERS,
        403,
        method="PATCH",
        target="gov_protocol",
        data={"title": "Renamed"},
    ),
    *refused("protocol-detail", method="PATCH", target="gov_protocol", data={"title": "x"}),
    # A status cannot be written: adoption is a decision's.
    Row(
        "protocol-detail",
        "coordinator",
        200,
        "PATCH",
        "gov_protocol",
        {"status": "adopted"},
        absent=('"status":"adopted"',),
    ),
    *rows(
        "protocol-versions",
        (OWNER, "coordinator"),
        201,
        method="POST",
        target="gov_protocol",
        data={"text": "Version 2"},
    ),
    *rows(
        "protocol-versions",
        NOT_OWNERS,
        403,
        method="POST",
        target="gov_protocol",
        data={"text": "Version 2"},
    ),
    *refused("protocol-versions", method="POST", target="gov_protocol", data={"text": "v"}),
    *rows(
        "protocol-retire",
        (OWNER, "coordinator"),
        200,
        method="POST",
        target="gov_protocol",
        data={},
    ),
    *rows("protocol-retire", NOT_OWNERS, 403, method="POST", target="gov_protocol", data={}),
    *refused("protocol-retire", method="POST", target="gov_protocol", data={}),
    *_reads("protocol-version-list", readers=READERS),
    *_reads("protocol-version-detail", "gov_protocol_version", READERS),
    *_reads("protocol-version-document", "gov_protocol_version", READERS),
    # --- decisions --------------------------------------------------------------------------
    *_reads("decision-list"),
    *_reads("decision-detail", "gov_decision", READERS),
    *_coordinator_write("decision-list", 201, data=DECISION),
    # Recorded decisions are never changed, not even by coordinators.
    *_coordinator_write(
        "decision-detail", 409, target="gov_decision", method="PATCH", data={"outcome": "Rejected"}
    ),
    # --- leadership, committees, meetings ---------------------------------------------------
    *_reads("leadership-term-list", readers=READERS),
    *_reads("leadership-term-detail", "gov_term", READERS),
    *_coordinator_write("leadership-term-list", 201, data=NEW_TERM),
    *_coordinator_write("leadership-term-end", 200, target="gov_term", data={}),
    *_reads("committee-list", readers=READERS),
    *_reads("committee-detail", "gov_committee", READERS),
    *_coordinator_write("committee-list", 201, data={"name": "Outreach and education"}),
    *_coordinator_write(
        "committee-detail",
        200,
        target="gov_committee",
        method="PATCH",
        data={"purpose": "Legal questions"},
    ),
    *_coordinator_write(
        "committee-members", 201, target="gov_committee", data={"user": "advocate_a"}
    ),
    *_reads("meeting-list", readers=READERS),
    *_reads("meeting-detail", "gov_meeting_past", READERS),
    *_coordinator_write("meeting-list", 201, data=NEW_MEETING),
    *_coordinator_write(
        "meeting-minutes", 200, target="gov_meeting_past", data={"minutes": "Reviewed the quarter."}
    ),
    Row("meeting-minutes", "coordinator", 409, "POST", "gov_meeting_future", {"minutes": "x"}),
]

# --- Pages -----------------------------------------------------------------------------------

LOGIN_REDIRECT = 302


def _page_reads(route: str, target: str | None = None, readers=READERS) -> list[Row]:
    found = [
        *rows(route, readers, 200, target=target),
        *rows(route, NO_MEMBERSHIP, 403, target=target, absent=(MOU_DRAFT, PROTOCOL)),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, target=target),
    ]
    if target is not None:
        found.append(Row(route, "investigator_a", 404, target="missing"))
    return found


def _page_form(route, *, target=None, data=None, ok=302, writers=COORDINATORS, refused_to=None):
    """A form page: writers see it (GET 200) and submit it (``ok``); others get 403 for both."""
    refused_to = refused_to if refused_to is not None else NON_COORDINATORS
    found = [
        *rows(route, writers, 200, target=target),
        *rows(route, refused_to, 403, target=target),
        *rows(route, NO_MEMBERSHIP, 403, target=target),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, target=target),
    ]
    if data is not None:
        found += [
            *rows(route, writers, ok, method="POST", target=target, data=data),
            *rows(route, refused_to[:3], 403, method="POST", target=target, data=data),
            Row(route, ANONYMOUS, LOGIN_REDIRECT, "POST", target, data),
        ]
    return found


def _page_step(route, *, target, ok=302, writers=COORDINATORS, refused_to=None) -> list[Row]:
    """A one-button step (POST only)."""
    refused_to = refused_to if refused_to is not None else NON_COORDINATORS
    return [
        *rows(route, writers, ok, method="POST", target=target, data={}),
        *rows(route, refused_to, 403, method="POST", target=target, data={}),
        *rows(route, NO_MEMBERSHIP, 403, method="POST", target=target, data={}),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, "POST", target, {}),
        Row(route, writers[0], 405, target=target),
    ]


PAGE_ROWS: list[Row] = [
    *_page_reads("protocols:charter", readers=ACTIVE),
    *_page_form("protocols:charter-edit", data={"mission": "M", "purpose": "P"}),
    *_page_form("protocols:goal-create", data={"title": "Close service gaps", "position": 1}),
    *_page_form(
        "protocols:objective-create",
        target="gov_goal",
        data={**NEW_OBJECTIVE, "baseline_value": "0", "status": "not_started"},
    ),
    Row("protocols:objective-create", "coordinator", 404, target="missing"),
    *_page_form(
        "protocols:objective-progress",
        target="gov_objective",
        data={"value": "5"},
        writers=(OWNER, "coordinator"),
        refused_to=NOT_OWNERS,
    ),
    # MOUs.
    *_page_reads("protocols:mou-list", readers=ACTIVE),
    *_page_reads("protocols:mou-detail", "gov_mou_executed"),
    *_page_form("protocols:mou-create", data={"title": "Shelter MOU", "purpose": "Shelter"}),
    *_page_form(
        "protocols:mou-edit", target="gov_mou_draft", data={"title": "Renamed", "purpose": "P"}
    ),
    Row("protocols:mou-edit", "coordinator", 409, target="gov_mou_executed"),
    *_page_form(
        "protocols:mou-signatory",
        target="gov_mou_draft",
        data={"agency": "@prosecution", "roles": "Charging decisions"},
    ),
    *_page_step("protocols:mou-circulate", target="gov_mou_draft"),
    Row("protocols:mou-circulate", "coordinator", 409, "POST", "gov_mou_executed", {}),
    *_page_form(
        "protocols:mou-sign",
        target="gov_mou_circulating",
        data=SIGN_LE_A,
        writers=("le_supervisor_a",),
        refused_to=("investigator_a", "advocate_a", "coordinator", "investigator_b"),
    ),
    Row("protocols:mou-sign", "vsp_supervisor_a", 200, target="gov_mou_circulating"),
    Row("protocols:mou-sign", "le_supervisor_a", 409, target="gov_mou_executed"),
    *_page_form(
        "protocols:mou-terminate", target="gov_mou_circulating", data={"reason": "No longer needed"}
    ),
    *_page_form(
        "protocols:mou-renew",
        target="gov_mou_executed",
        data={"effective_date": "2027-01-01", "end_date": "2029-01-01"},
    ),
    Row("protocols:mou-renew", "coordinator", 409, target="gov_mou_draft"),
    *_page_form("protocols:mou-upload", target="gov_mou_draft"),
    *_page_reads("protocols:mou-document", "gov_mou_version"),
    # Protocols.
    *_page_reads("protocols:protocol-list", readers=ACTIVE),
    *_page_reads("protocols:protocol-detail", "gov_protocol"),
    *_page_form("protocols:protocol-create"),
    *_page_form(
        "protocols:protocol-edit",
        target="gov_protocol",
        data={
            "title": "Renamed",
            "topic": "@gov_topic",
            "owner": OWNER,
            "review_date": "2027-01-01",
        },
        writers=(OWNER, "coordinator"),
        refused_to=NOT_OWNERS,
    ),
    *_page_form(
        "protocols:protocol-version-create",
        target="gov_protocol",
        data={"text": "Version 2", "changes": "Shorter"},
        writers=(OWNER, "coordinator"),
        refused_to=NOT_OWNERS,
    ),
    *_page_step(
        "protocols:protocol-retire",
        target="gov_protocol",
        writers=(OWNER, "coordinator"),
        refused_to=NOT_OWNERS,
    ),
    *_page_reads("protocols:protocol-document", "gov_protocol_version"),
    # Decisions.
    *_page_reads("protocols:decision-list", readers=ACTIVE),
    *_page_reads("protocols:decision-detail", "gov_decision"),
    *_page_form("protocols:decision-create", data=DECISION),
    # Leadership, committees, meetings.
    *_page_reads("protocols:leadership", readers=ACTIVE),
    *_page_form(
        "protocols:term-create",
        data={
            "role": "lead_service_provider",
            "agency": "@vsp_a",
            "trafficking_type": "labor",
            "minor": "no",
            "foreign_national": "yes",
            "starts": "2025-01-01",
        },
    ),
    *_page_step("protocols:term-end", target="gov_term"),
    *_page_form("protocols:committee-create", data={"name": "Law enforcement"}),
    *_page_reads("protocols:committee-detail", "gov_committee"),
    *_page_form(
        "protocols:committee-member-add",
        target="gov_committee",
        data={"user": "advocate_a", "voting": "on"},
    ),
    *_page_reads("protocols:meeting-list", readers=ACTIVE),
    *_page_reads("protocols:meeting-detail", "gov_meeting_past"),
    *_page_form(
        "protocols:meeting-create", data={"title": "Kickoff", "held_at": "2025-01-10T10:00"}
    ),
    *_page_form(
        "protocols:meeting-minutes",
        target="gov_meeting_past",
        data={"minutes": "Reviewed referrals.", "attendees": "advocate_a, prosecutor"},
    ),
    Row("protocols:meeting-minutes", "coordinator", 409, target="gov_meeting_future"),
]


def build_targets(world) -> dict[str, int]:
    """Objects of the matrix world these rows point at, by target name."""
    coordinator, today = world.coordinator, timezone.localdate()
    services.set_charter(by=coordinator, mission="End trafficking", purpose="Coordinate")
    goal = services.add_goal(by=coordinator, title="Identify and serve victims")
    objective = services.add_objective(
        by=coordinator, goal=goal, title="Screen every referral", owner=world.le_supervisor_a,
        measure="Referrals screened", target_value=100, target_date=today + dt.timedelta(days=90),
    )  # fmt: skip

    def mou(title: str):
        return services.create_mou(
            by=coordinator, title=title, purpose="Victim-centered response",
            effective_date=today, end_date=today + dt.timedelta(days=365),
            signatories=[{"agency": world.le_a}, {"agency": world.vsp_a}],
        )  # fmt: skip

    draft = mou(MOU_DRAFT)
    circulating = services.circulate_mou(mou=mou("Operations Notice MOU"), by=coordinator)
    executed = mou("Data Sharing MOU")
    services.upload_mou_document(
        mou=executed, by=coordinator, upload=SimpleUploadedFile("mou.pdf", PDF)
    )
    services.circulate_mou(mou=executed, by=coordinator)
    for user, agency in (
        (world.le_supervisor_a, world.le_a),
        (world.vsp_supervisor_a, world.vsp_a),
    ):
        services.sign_mou(mou=executed, by=user, agency=agency, signer_title="Director")
    topic = ProtocolTopic.objects.get(code="victim-identification-referral")
    protocol = services.create_protocol(
        by=coordinator, title=PROTOCOL, topic=topic, owner=world.le_supervisor_a,
        review_date=today + dt.timedelta(days=10), text="Refer within 24 hours.",
        upload=SimpleUploadedFile("protocol.pdf", PDF),
    )  # fmt: skip
    earlier = services.create_protocol(
        by=coordinator, title="Media Protocol", topic=ProtocolTopic.objects.get(code="media"),
        owner=coordinator, review_date=today + dt.timedelta(days=300), text="One voice.",
    )  # fmt: skip
    decision = services.record_decision(
        by=coordinator, question="Adopt the media protocol?", method="majority_vote",
        outcome="Adopted", decided_on=today, votes=[(world.le_a, "yes"), (world.vsp_a, "yes")],
        adopted_protocol_version=earlier.versions.get(),
    )  # fmt: skip
    term = services.start_term(
        by=coordinator, role="lead_law_enforcement", agency=world.le_a, trafficking_type="sex",
        minor=False, foreign_national=False, starts=today - dt.timedelta(days=30),
    )  # fmt: skip
    committee = services.create_committee(by=coordinator, name="Legal committee")
    past = services.schedule_meeting(
        by=coordinator, title="Kickoff meeting", held_at=timezone.now() - dt.timedelta(days=2),
        committee=committee, agenda="Charter",
    )  # fmt: skip
    future = services.schedule_meeting(
        by=coordinator, title="Quarterly review", held_at=timezone.now() + dt.timedelta(days=20)
    )
    return {
        "gov_goal": goal.pk,
        "gov_objective": objective.pk,
        "gov_mou_draft": draft.pk,
        "gov_mou_circulating": circulating.pk,
        "gov_mou_executed": executed.pk,
        "gov_mou_version": executed.versions.get().pk,
        "gov_protocol": protocol.pk,
        "gov_protocol_version": protocol.versions.get().pk,
        "gov_topic": topic.pk,
        "gov_decision": decision.pk,
        "gov_term": term.pk,
        "gov_committee": committee.pk,
        "gov_meeting_past": past.pk,
        "gov_meeting_future": future.pk,
    }
