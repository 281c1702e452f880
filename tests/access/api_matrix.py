"""The authorization matrix: who gets what from every route (see ``test_matrix``).

Each ``Row`` is persona x route x target -> status, plus text that must not be in the body.
Targets are objects the matrix fixture builds (``test_matrix.Targets``):

* ``own_agency``, ``other_agency``, ``inactive_agency``, and every agency of the world by key
  (``le_a``, ``le_b``, ``prosecution``, ``vsp_a``, ``vsp_b``, ``community``, ``office``);
* ``own_membership``, ``colleague_membership`` (someone else's, in the persona's agency),
  ``other_agency_membership``, ``ended_membership``;
* ``dossier_a`` (owned by le_a), ``dossier_b`` (le_b), ``dossier_shared`` (le_a, shared for
  view with the prosecution office); ``missing`` (an id nothing has).

"Own" for a persona with no membership (outsider, admin, anonymous) means le_a's. In ``data``, a
string ``"@target"`` is replaced by that target's id. Personas are the usernames of
``tests.conftest.PERSONAS`` plus ``anonymous`` (no credentials at all).

API rows go through DRF's APIClient, authenticated with ``force_authenticate``; PAGE rows through
Django's Client with ``force_login``.
"""

from __future__ import annotations

from tests.access.matrix_types import Row

# --- Who is who -----------------------------------------------------------------------------

# The agency each persona acts for, and a role valid there that manages nothing.
AGENCY_OF = {
    "investigator_a": "le_a",
    "le_supervisor_a": "le_a",
    "le_victim_specialist_a": "le_a",
    "investigator_b": "le_b",
    "prosecutor": "prosecution",
    "vw_coordinator": "prosecution",
    "advocate_a": "vsp_a",
    "vsp_supervisor_a": "vsp_a",
    "advocate_b": "vsp_b",
    "community_member": "community",
    "coordinator": "office",
}
PLAIN_ROLE = {
    "le_a": "investigator",
    "le_b": "investigator",
    "prosecution": "prosecutor",
    "vsp_a": "advocate",
    "vsp_b": "advocate",
    "community": "member",
    "office": "member",
}
ACTIVE = tuple(AGENCY_OF)
SUPERVISORS = ("le_supervisor_a", "vsp_supervisor_a")
COORDINATORS = ("coordinator",)
NON_COORDINATORS = tuple(p for p in ACTIVE if p not in COORDINATORS)
# Active members who manage nothing: neither coordinators nor supervisors.
PLAIN_MEMBERS = tuple(p for p in NON_COORDINATORS if p not in SUPERVISORS)
# Signed in, but no membership in force: ended at le_a, never a member, superuser.
NO_MEMBERSHIP = ("ended_member", "outsider", "admin")
ANONYMOUS = "anonymous"

INACTIVE_AGENCY_NAME = "Omega Disbanded Vice Unit"
DOSSIER_A = "Operation Lantern"
DOSSIER_B = "Operation Tidewater"
DOSSIER_SHARED = "Operation Crosswind"
# The case world (built by ``test_matrix.build_case_targets`` through ``cases.services``).
# Case numbers carry the lead agency's acronym: ACPD- for le_a, BCSO- for le_b.
CASE_A = "Route 9 Massage Parlors"  # le_a, assigned to investigator_a
CASE_B = "Riverbend Farm Labor Camp"  # le_b, assigned to investigator_b
CASE_SHARED = "Crosswind Truck Stop"  # le_a, active, shared with le_b for view
CASE_JOINT = "Harbor Nail Salons"  # le_a, shared with le_b for change
CASE_REFERRED = "Dunmore Escort Ring"  # le_a, referred to the prosecution office, accepted
CASE_PENDING = "Maple Street Brothel"  # le_a, referred, not yet decided
CASE_CLOSED = "Old Mill Restaurant"  # le_a, closed
ACPD, BCSO = "ACPD-", "BCSO-"
# The same phone on case_a and case_b, written two ways: each side sees only its own spelling.
PHONE_A, PHONE_B = "(555) 201-3344", "555.201.3344"
PHONE_REFERRED = "(555) 777-0199"
SUBJECT_A, SUBJECT_B, SUBJECT_SHARED = "Kessler", "Okafor", "Brandt"
SUBJECT_JOINT, SUBJECT_REFERRED = "Lindqvist", "Marlowe"
NOTE_A_MARKED = "Ledger photographed at the Route 9 parlor"
NOTE_A_UNMARKED = "Informant Bluebird says the manager moves cash on Fridays"
NOTE_SHARED = "Truck stop manager rents rooms by the hour"
NOTE_JOINT = "Salon workers live above the shop"
NOTE_REFERRED_MARKED = "Escort ads paid with a card held by the driver"
NOTE_REFERRED_UNMARKED = "Undercover officer Falcon met the driver twice"
SITE_A, SITE_SHARED, SITE_REFERRED = "1200 Industrial Way", "77 Truck Route", "48 Dunmore Avenue"
PROSECUTOR_NOTE = "Plea strategy: offer cooperation terms before the hearing"
COURT = "Dunmore County Circuit Court, Room 4"
CASE_TITLES = (CASE_A, CASE_B, CASE_SHARED, CASE_JOINT, CASE_REFERRED, CASE_PENDING, CASE_CLOSED)
# Who may hold the investigative compartment at all (law enforcement and prosecution).
LE_A = ("investigator_a", "le_supervisor_a", "le_victim_specialist_a")
PROSECUTION = ("prosecutor", "vw_coordinator")
NOT_INVESTIGATIVE = ("advocate_a", "vsp_supervisor_a", "advocate_b", "community_member")


def quoted(*usernames: str) -> tuple[str, ...]:
    """Usernames as they appear in JSON (quoted, so "prosecutor" never matches a longer name)."""
    return tuple(f'"{u}"' for u in usernames)


def usernames_outside(persona: str) -> tuple[str, ...]:
    """Members of the world who act for an agency other than the persona's."""
    mine = AGENCY_OF[persona]
    return tuple(
        [p for p in ACTIVE if AGENCY_OF[p] != mine]
        + [f"colleague_{key}" for key in PLAIN_ROLE if key != mine]
    )


def rows(route, personas, expected, **kwargs) -> list[Row]:
    return [Row(route=route, persona=p, expected=expected, **kwargs) for p in personas]


def refused(route, **kwargs) -> list[Row]:
    """No membership in force: 403 from the API's IsActiveMember; no credentials: 401."""
    return [
        *rows(route, NO_MEMBERSHIP, 403, **kwargs),
        Row(route=route, persona=ANONYMOUS, expected=401, **kwargs),
    ]


NEW_AGENCY = {"name": "Theta Harbor Patrol", "discipline": "law_enforcement",
              "jurisdiction_level": "local"}  # fmt: skip

# ============================================================================================
# API
# ============================================================================================

API_ROWS: list[Row] = [
    # --- /api/v1/me/ --------------------------------------------------------------------------
    *rows("api-me", ACTIVE, 200, absent=('"password"',)),
    *refused("api-me"),
    # --- agencies: every active member reads the directory -----------------------------------
    *rows("agency-list", COORDINATORS, 200),
    # An inactive agency is out of the directory for everyone but coordinators.
    *rows("agency-list", NON_COORDINATORS, 200, absent=(INACTIVE_AGENCY_NAME,)),
    *refused("agency-list"),
    *rows("agency-detail", ACTIVE, 200, target="own_agency"),
    *rows("agency-detail", ACTIVE, 200, target="other_agency"),
    *rows("agency-detail", COORDINATORS, 200, target="inactive_agency"),
    *rows("agency-detail", NON_COORDINATORS, 404, target="inactive_agency"),
    *rows("agency-detail", ACTIVE, 404, target="missing"),
    *refused("agency-detail", target="own_agency"),
    # Create: coordinators only.
    *rows("agency-list", COORDINATORS, 201, method="POST", data=NEW_AGENCY),
    *rows("agency-list", NON_COORDINATORS, 403, method="POST", data=NEW_AGENCY),
    *refused("agency-list", method="POST", data=NEW_AGENCY),
    # Update: coordinators any agency, supervisors their own; the rest may read but not write.
    Row("agency-detail", "le_supervisor_a", 200, "PUT", "own_agency",
        {"name": "Alpha City Police Department", "discipline": "law_enforcement",
         "jurisdiction_level": "local", "phone": "555-0100"}),
    Row("agency-detail", "vsp_supervisor_a", 200, "PUT", "own_agency",
        {"name": "Delta Survivor Services", "discipline": "victim_services",
         "jurisdiction_level": "local", "hours": "Mon-Fri 8:00-17:00"}),
    Row("agency-detail", "coordinator", 200, "PUT", "le_b",
        {"name": "Beta County Sheriff", "discipline": "law_enforcement",
         "jurisdiction_level": "local", "city": "Beta"}),
    *rows("agency-detail", (*SUPERVISORS, *COORDINATORS), 200, method="PATCH",
          target="own_agency", data={"phone": "555-0101"}),
    *rows("agency-detail", PLAIN_MEMBERS, 403, method="PATCH", target="own_agency",
          data={"phone": "555-0102"}),
    *rows("agency-detail", PLAIN_MEMBERS, 403, method="PUT", target="own_agency",
          data={"name": "Renamed", "discipline": "community", "jurisdiction_level": "local"}),
    *rows("agency-detail", NON_COORDINATORS, 403, method="PATCH", target="other_agency",
          data={"phone": "555-0103"}),
    *rows("agency-detail", COORDINATORS, 200, method="PATCH", target="other_agency",
          data={"phone": "555-0104"}),
    *rows("agency-detail", NON_COORDINATORS, 404, method="PATCH", target="inactive_agency",
          data={"phone": "555-0105"}),
    *rows("agency-detail", COORDINATORS, 200, method="PATCH", target="inactive_agency",
          data={"phone": "555-0106"}),
    # Supervisors edit the profile, not the agency's standing in the task force.
    *rows("agency-detail", SUPERVISORS, 403, method="PATCH", target="own_agency",
          data={"active": False}),
    *rows("agency-detail", SUPERVISORS, 403, method="PATCH", target="own_agency",
          data={"discipline": "community"}),
    *refused("agency-detail", method="PATCH", target="own_agency", data={"phone": "555-0107"}),
    # Agencies are deactivated, never deleted.
    *rows("agency-detail", COORDINATORS, 405, method="DELETE", target="other_agency"),
    # --- memberships: own agency's roster; coordinators the whole roster ---------------------
    *rows("membership-list", COORDINATORS, 200),
    *[
        Row("membership-list", p, 200, absent=quoted(*usernames_outside(p)))
        for p in NON_COORDINATORS
    ],
    *refused("membership-list"),
    *rows("membership-detail", ACTIVE, 200, target="own_membership"),
    *rows("membership-detail", ACTIVE, 200, target="colleague_membership"),
    *rows("membership-detail", COORDINATORS, 200, target="other_agency_membership"),
    *rows("membership-detail", NON_COORDINATORS, 404, target="other_agency_membership"),
    *rows("membership-detail", LE_A, 200, target="ended_membership"),
    *rows("membership-detail", ACTIVE, 404, target="missing"),
    *refused("membership-detail", target="other_agency_membership"),
    # Create: coordinators anywhere, supervisors in their own agency.
    Row("membership-list", "le_supervisor_a", 201, "POST",
        data={"user": "recruit", "agency": "@own_agency", "role": "investigator"}),
    Row("membership-list", "vsp_supervisor_a", 201, "POST",
        data={"user": "recruit", "agency": "@own_agency", "role": "advocate"}),
    Row("membership-list", "coordinator", 201, "POST",
        data={"user": "recruit", "agency": "@le_b", "role": "investigator"}),
    Row("membership-list", "coordinator", 201, "POST",
        data={"user": "recruit", "agency": "@vsp_b", "role": "advocate", "is_coordinator": True}),
    Row("membership-list", "le_supervisor_a", 403, "POST",
        data={"user": "recruit", "agency": "@other_agency", "role": "investigator"}),
    Row("membership-list", "le_supervisor_a", 403, "POST",
        data={"user": "recruit", "agency": "@own_agency", "role": "investigator",
              "is_coordinator": True}),
    *[
        Row("membership-list", p, 403, "POST",
            data={"user": "recruit", "agency": "@own_agency", "role": PLAIN_ROLE[AGENCY_OF[p]]})
        for p in PLAIN_MEMBERS
    ],
    *refused("membership-list", method="POST",
             data={"user": "recruit", "agency": "@le_a", "role": "investigator"}),
    # Update.
    *rows("membership-detail", (*SUPERVISORS, *COORDINATORS), 200, method="PATCH",
          target="colleague_membership", data={"title": "Detective"}),
    *rows("membership-detail", PLAIN_MEMBERS, 403, method="PATCH",
          target="colleague_membership", data={"title": "Detective"}),
    Row("membership-detail", "le_supervisor_a", 200, "PUT", "colleague_membership",
        {"role": "le_victim_specialist", "title": "Victim specialist"}),
    Row("membership-detail", "investigator_a", 403, "PUT", "colleague_membership",
        {"role": "le_supervisor", "title": "Sergeant"}),
    # Nobody promotes themselves, nor appoints coordinators without being one.
    Row("membership-detail", "investigator_a", 403, "PATCH", "own_membership",
        {"role": "le_supervisor"}),
    Row("membership-detail", "le_supervisor_a", 403, "PATCH", "colleague_membership",
        {"is_coordinator": True}),
    *rows("membership-detail", NON_COORDINATORS, 404, method="PATCH",
          target="other_agency_membership", data={"title": "Detective"}),
    *rows("membership-detail", COORDINATORS, 200, method="PATCH",
          target="other_agency_membership", data={"title": "Detective"}),
    *refused("membership-detail", method="PATCH", target="other_agency_membership",
             data={"title": "Detective"}),
    # Memberships end; they are never deleted.
    *rows("membership-detail", COORDINATORS, 405, method="DELETE",
          target="other_agency_membership"),
    # End.
    *rows("membership-end", (*SUPERVISORS, *COORDINATORS), 200, method="POST",
          target="colleague_membership", data={}),
    *rows("membership-end", PLAIN_MEMBERS, 403, method="POST", target="colleague_membership",
          data={}),
    *rows("membership-end", NON_COORDINATORS, 404, method="POST",
          target="other_agency_membership", data={}),
    *rows("membership-end", COORDINATORS, 200, method="POST", target="other_agency_membership",
          data={}),
    *rows("membership-end", ACTIVE, 404, method="POST", target="missing", data={}),
    *refused("membership-end", method="POST", target="other_agency_membership", data={}),
    # --- a compartmented resource (the test-only dossier API on the shared base) ------------
    *rows("dossier-list", LE_A, 200, absent=(DOSSIER_B,)),
    Row("dossier-list", "investigator_b", 200, absent=(DOSSIER_A, DOSSIER_SHARED)),
    *rows("dossier-list", PROSECUTION, 200, absent=(DOSSIER_A, DOSSIER_B)),
    *rows("dossier-list", (*NOT_INVESTIGATIVE, *COORDINATORS), 200,
          absent=(DOSSIER_A, DOSSIER_B, DOSSIER_SHARED)),
    *refused("dossier-list"),
    *rows("dossier-detail", LE_A, 200, target="dossier_a"),
    *rows("dossier-detail", ("investigator_b", *PROSECUTION, *NOT_INVESTIGATIVE, *COORDINATORS),
          404, target="dossier_a", absent=(DOSSIER_A,)),
    *rows("dossier-detail", PROSECUTION, 200, target="dossier_shared"),
    *rows("dossier-detail", ("investigator_b", *NOT_INVESTIGATIVE, *COORDINATORS), 404,
          target="dossier_shared", absent=(DOSSIER_SHARED,)),
    *rows("dossier-detail", LE_A, 404, target="dossier_b", absent=(DOSSIER_B,)),
    *rows("dossier-detail", LE_A, 404, target="missing"),
    *refused("dossier-detail", target="dossier_a", absent=(DOSSIER_A,)),
    # Change: investigators and supervisors of the owner; a victim specialist only reads.
    *rows("dossier-detail", ("investigator_a", "le_supervisor_a"), 200, method="PATCH",
          target="dossier_a", data={"title": "Operation Lantern II"}),
    Row("dossier-detail", "le_victim_specialist_a", 403, "PATCH", "dossier_a",
        {"title": "Operation Lantern II"}),
    Row("dossier-detail", "investigator_a", 200, "PUT", "dossier_a",
        {"title": "Operation Lantern III"}),
    *rows("dossier-detail", ("investigator_b", *NOT_INVESTIGATIVE, *COORDINATORS), 404,
          method="PATCH", target="dossier_a", data={"title": "Mine now"}),
    # Shared for view: the prosecution office reads it and may not change it.
    *rows("dossier-detail", PROSECUTION, 403, method="PATCH", target="dossier_shared",
          data={"title": "Mine now"}),
    *refused("dossier-detail", method="PATCH", target="dossier_a", data={"title": "Mine now"}),
    # --- schema, docs, health, OAuth: open to all; OAuth refuses bad client credentials ------
    *rows("api-schema", (ANONYMOUS, "investigator_a", "outsider"), 200),
    *rows("api-docs", (ANONYMOUS, "investigator_a", "outsider"), 200),
    *rows("healthz", (ANONYMOUS, "investigator_a"), 200, absent=("Traceback",)),
    *rows("oauth-token", (ANONYMOUS, "coordinator"), 401, method="POST",
          data={"grant_type": "client_credentials", "client_id": "nobody",
                "client_secret": "wrong"}),
    *rows("oauth-token", (ANONYMOUS,), 405),
    *rows("oauth-revoke", (ANONYMOUS, "coordinator"), 401, method="POST",
          data={"token": "not-a-token", "client_id": "nobody", "client_secret": "wrong"}),
]  # fmt: skip


# ============================================================================================
# API: investigations and prosecutions
# ============================================================================================

LEAD = ("investigator_a", "le_supervisor_a")  # le_a's people who may change its cases
INV_B = ("investigator_b",)
# Advocates (advocate_b is the legal advocate), a provider's supervisor, the community member
# and the coordinator: no case record of any kind ever reaches them.
NO_CASES = (*NOT_INVESTIGATIVE, *COORDINATORS)
PROVIDER_A = ("advocate_a", "vsp_supervisor_a")

# Who sees each record of the case world (detail route -> target -> personas); every other
# active member gets 404 on it and does not find it in the list.
SEES: dict[str, dict[str, tuple[str, ...]]] = {
    "case-detail": {
        "case_a": LE_A,
        "case_b": INV_B,
        "case_shared": (*LE_A, *INV_B),
        "case_joint": (*LE_A, *INV_B),
        "case_referred": (*LE_A, *PROSECUTION),
        "case_pending": (*LE_A, *PROSECUTION),
        "case_closed": LE_A,
    },
    # A share opens the whole file; a referral the subjects, identifiers and marked notes.
    "subject-detail": {
        "subject_a": LE_A,
        "subject_b": INV_B,
        "subject_shared": (*LE_A, *INV_B),
        "subject_joint": (*LE_A, *INV_B),
        "subject_referred": (*LE_A, *PROSECUTION),
    },
    "identifier-detail": {
        "identifier_a": LE_A,
        "identifier_b": INV_B,
        "identifier_referred": (*LE_A, *PROSECUTION),
    },
    "case-note-detail": {
        # Marked for prosecution, but its case was never referred.
        "note_a_marked": LE_A,
        "note_a_unmarked": LE_A,
        "note_shared": (*LE_A, *INV_B),
        "note_joint": (*LE_A, *INV_B),
        "note_referred_marked": (*LE_A, *PROSECUTION),
        "note_referred_unmarked": LE_A,
    },
    # The prosecutor never sees an operation.
    "operation-detail": {
        "operation_a": LE_A,
        "operation_shared": (*LE_A, *INV_B),
        "operation_referred": LE_A,
    },
    "pre-operation-notice-detail": {"notice_a": (*LE_A, *PROVIDER_A)},
    # Supervisors and the case's assigned investigators of the owner agency only.
    "deconfliction-hit-detail": {"hit_a": LEAD, "hit_b": INV_B},
    "prosecution-referral-detail": {
        "referral_accepted": (*LE_A, *PROSECUTION),
        "referral_pending": (*LE_A, *PROSECUTION),
    },
    # Charges and court dates reach the case's law-enforcement agency; prosecutor notes never.
    "prosecution-detail": {"prosecution_referred": (*PROSECUTION, *LE_A)},
    "charge-detail": {"charge": (*PROSECUTION, *LE_A)},
    "court-event-detail": {"court_event": (*PROSECUTION, *LE_A)},
    "prosecutor-note-detail": {"prosecutor_note": PROSECUTION},
}
# Text that is in a record's JSON and nowhere else in its list: absent for those who may not
# see the record.
TEXT_OF = {
    "case_a": CASE_A,
    "case_b": CASE_B,
    "case_shared": CASE_SHARED,
    "case_joint": CASE_JOINT,
    "case_referred": CASE_REFERRED,
    "case_pending": CASE_PENDING,
    "case_closed": CASE_CLOSED,
    "subject_a": SUBJECT_A,
    "subject_b": SUBJECT_B,
    "subject_shared": SUBJECT_SHARED,
    "subject_joint": SUBJECT_JOINT,
    "subject_referred": SUBJECT_REFERRED,
    "identifier_a": PHONE_A,
    "identifier_b": PHONE_B,
    "identifier_referred": PHONE_REFERRED,
    "note_a_marked": NOTE_A_MARKED,
    "note_a_unmarked": NOTE_A_UNMARKED,
    "note_shared": NOTE_SHARED,
    "note_joint": NOTE_JOINT,
    "note_referred_marked": NOTE_REFERRED_MARKED,
    "note_referred_unmarked": NOTE_REFERRED_UNMARKED,
    "operation_a": SITE_A,
    "operation_shared": SITE_SHARED,
    "operation_referred": SITE_REFERRED,
    "hit_a": PHONE_A,
    "hit_b": PHONE_B,
    "charge": "18 U.S.C. 1591",
    "court_event": COURT,
    "prosecutor_note": PROSECUTOR_NOTE,
}
EMPTY_LIST = ('"id"',)  # a list with no record in it
# A deconfliction hit names the other agency and its contact, never the other case.
OTHER_CASE_OF = {
    "le_a": (CASE_B, BCSO, PHONE_B, SUBJECT_B),
    "le_b": (CASE_A, ACPD, PHONE_A, SUBJECT_A, NOTE_A_MARKED, SITE_A),
}
# A pre-operation notice tells the provider the protocol items, nothing of the case.
NOT_IN_A_NOTICE = (CASE_A, ACPD, SITE_A, SUBJECT_A, PHONE_A, NOTE_A_MARKED, "investigator_a")


def _hidden(detail_route: str, persona: str) -> tuple[str, ...]:
    table = SEES[detail_route]
    texts = tuple(TEXT_OF[t] for t, seen in table.items() if persona not in seen and t in TEXT_OF)
    sees_any = any(persona in seen for seen in table.values())
    return texts if sees_any else (*texts, *EMPTY_LIST)


def visibility_rows(basename: str, extra_absent: dict[str, tuple[str, ...]] | None = None):
    """List and detail of one resource, straight from ``SEES``: the list holds nothing a persona
    may not see, the detail answers 200 or 404; no membership 403, no credentials 401."""
    detail, listing = f"{basename}-detail", f"{basename}-list"
    extra_absent = extra_absent or {}
    out = [
        Row(listing, p, 200, absent=(*_hidden(detail, p), *extra_absent.get(p, ()))) for p in ACTIVE
    ]
    out += refused(listing, absent=tuple(TEXT_OF[t] for t in SEES[detail] if t in TEXT_OF))
    for target, seen in SEES[detail].items():
        text = (TEXT_OF[target],) if target in TEXT_OF else ()
        out += [Row(detail, p, 200, target=target, absent=extra_absent.get(p, ())) for p in seen]
        out += rows(detail, [p for p in ACTIVE if p not in seen], 404, target=target, absent=text)
        out += refused(detail, target=target, absent=text)
    out += rows(detail, ("investigator_a", "prosecutor"), 404, target="missing")
    return out


NEW_CASE = {
    "title": "Lakeside Motel",
    "origin": "reactive",
    "trafficking_type": "sex",
    "jurisdiction_level": "local",
}
LATER = "2031-05-04T09:00:00Z"
LATER_END = "2031-05-04T12:00:00Z"
OPERATION = {
    "operation_type": "surveillance",
    "starts_at": LATER,
    "ends_at": LATER_END,
    "location": "9 Canal Street",
}
NOTICE = {
    "provider": "@vsp_a",
    "window_starts": LATER,
    "window_ends": LATER_END,
    "expected_victims": 2,
    "genders": ["female"],
    "languages": ["es"],
}
CHARGE = {
    "prosecution": "@prosecution_referred",
    "subject": "@subject_referred",
    "statute": "18 U.S.C. 1589",
    "counts": 1,
}
COURT_EVENT = {
    "prosecution": "@prosecution_referred",
    "event_type": "plea_hearing",
    "scheduled_at": LATER,
    "court": "Dunmore County Circuit Court, Room 7",
}


def write_rows(
    route, target, data, *, allowed=(), allowed_status=200, view_only=(), conflict=(), method="POST"
):
    """A write on one record: ``allowed`` succeed, ``view_only`` (who see it) get 403, every
    other active member 404, no membership 403, no credentials 401. ``conflict`` get 409."""
    seen = (*allowed, *view_only, *conflict)
    return [
        *rows(route, allowed, allowed_status, method=method, target=target, data=data),
        *rows(route, view_only, 403, method=method, target=target, data=data),
        *rows(route, conflict, 409, method=method, target=target, data=data),
        *rows(
            route,
            [p for p in ACTIVE if p not in seen],
            404,
            method=method,
            target=target,
            data=data,
        ),
        *refused(route, method=method, target=target, data=data),
    ]


def create_rows(route, data, *, allowed, view_only=(), allowed_status=201):
    """Create a record under a parent named in ``data``: ``allowed`` succeed; ``view_only`` see
    the parent and may not change it (403); for anyone else the parent does not exist (400,
    exactly like an unknown id); no membership 403, no credentials 401."""
    seen = (*allowed, *view_only)
    return [
        *rows(route, allowed, allowed_status, method="POST", data=data),
        *rows(route, view_only, 403, method="POST", data=data),
        *rows(route, [p for p in ACTIVE if p not in seen], 400, method="POST", data=data),
        *refused(route, method="POST", data=data),
    ]


API_ROWS += [
    # --- what each persona sees: every list and detail ----------------------------------------
    *visibility_rows("case"),
    *visibility_rows("subject"),
    *visibility_rows("identifier"),
    *visibility_rows("case-note"),
    *visibility_rows("operation"),
    *visibility_rows("pre-operation-notice",
                     dict.fromkeys(PROVIDER_A, NOT_IN_A_NOTICE)),
    *visibility_rows("deconfliction-hit",
                     {**dict.fromkeys(LE_A, OTHER_CASE_OF["le_a"]),
                      **dict.fromkeys(INV_B, OTHER_CASE_OF["le_b"])}),
    *visibility_rows("prosecution-referral"),
    *visibility_rows("prosecution"),
    *visibility_rows("charge"),
    *visibility_rows("court-event"),
    *visibility_rows("prosecutor-note"),
    # --- cases: open ------------------------------------------------------------------------
    *rows("case-list", (*LEAD, *INV_B), 201, method="POST", data=NEW_CASE),
    Row("case-list", "investigator_a", 201, "POST", data={**NEW_CASE, "agency": "@le_a"}),
    # A victim specialist reads cases and opens none.
    Row("case-list", "le_victim_specialist_a", 403, "POST", data=NEW_CASE),
    # Nobody opens a case for another agency, nor without law-enforcement standing.
    Row("case-list", "investigator_b", 403, "POST", data={**NEW_CASE, "agency": "@le_a"}),
    *rows("case-list", (*PROSECUTION, *NO_CASES), 403, method="POST",
          data={**NEW_CASE, "agency": "@le_a"}),
    *rows("case-list", (*PROSECUTION, *NO_CASES), 403, method="POST", data=NEW_CASE),
    *refused("case-list", method="POST", data=NEW_CASE),
    # --- cases: edit ------------------------------------------------------------------------
    *write_rows("case-detail", "case_a", {"summary": "Two parlors, one owner."}, method="PATCH",
                allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *write_rows("case-detail", "case_shared", {"summary": "Mine now"}, method="PATCH",
                allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("case-detail", "case_joint", {"summary": "Both agencies on it."},
                method="PATCH", allowed=(*LEAD, *INV_B), view_only=("le_victim_specialist_a",)),
    *write_rows("case-detail", "case_referred", {"summary": "Mine now"}, method="PATCH",
                allowed=LEAD, view_only=("le_victim_specialist_a", *PROSECUTION)),
    # A closed case is reopened before it is edited.
    Row("case-detail", "investigator_a", 409, "PATCH", "case_closed", {"summary": "Edited"}),
    Row("case-detail", "investigator_a", 400, "PATCH", "case_a", {"origin": "sometimes"}),
    # Cases are closed, never deleted.
    *rows("case-detail", LEAD, 405, method="DELETE", target="case_a"),
    *rows("case-detail", LEAD, 405, method="PUT", target="case_a", data=NEW_CASE),
    # --- cases: transitions -----------------------------------------------------------------
    *write_rows("case-activate", "case_a", {}, allowed=LEAD,
                view_only=("le_victim_specialist_a",)),
    *write_rows("case-activate", "case_shared", {}, conflict=LEAD,
                view_only=("le_victim_specialist_a", *INV_B)),
    # Only an open case is activated: a referred case returns to active when its last referral
    # ends, a closed one only through reopen (which clears its closing).
    *write_rows("case-activate", "case_referred", {}, conflict=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    Row("case-activate", "investigator_a", 409, "POST", "case_closed", {}),
    # Change on the file is not the lead agency's say over the case's status.
    *write_rows("case-activate", "case_joint", {}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("case-close", "case_joint", {"reason": "Mine now"}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("case-close", "case_a", {"reason": "Victims declined to cooperate"},
                allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *write_rows("case-close", "case_shared", {"reason": "Mine now"}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("case-close", "case_referred", {"reason": "Mine now"}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    Row("case-close", "investigator_a", 400, "POST", "case_a", {}),
    *rows("case-close", LEAD, 409, method="POST", target="case_closed",
          data={"reason": "Again"}),
    *write_rows("case-reopen", "case_closed", {}, allowed=LEAD,
                view_only=("le_victim_specialist_a",)),
    # Only a closed case is reopened.
    *rows("case-reopen", LEAD, 409, method="POST", target="case_a", data={}),
    Row("case-reopen", "investigator_b", 403, "POST", "case_shared", {}),
    # --- cases: sharing and referral (the lead agency's decisions) ------------------------
    *write_rows("case-share", "case_a", {"agency": "@le_b", "access": "view"}, allowed=LEAD,
                view_only=("le_victim_specialist_a",)),
    # Even with change on the file, only the lead agency shares it further.
    *write_rows("case-share", "case_joint", {"agency": "@le_b", "access": "view"},
                allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    Row("case-share", "investigator_a", 400, "POST", "case_a", {"agency": "@vsp_a"}),
    Row("case-share", "investigator_a", 400, "POST", "case_a", {"agency": "@le_a"}),
    *write_rows("case-unshare", "case_shared", {"agency": "@le_b"}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *INV_B)),
    Row("case-unshare", "investigator_b", 403, "POST", "case_joint", {"agency": "@le_b"}),
    Row("case-unshare", "investigator_a", 400, "POST", "case_a", {"agency": "@le_b"}),
    *write_rows("case-refer", "case_a", {"office": "@prosecution"}, allowed=LEAD,
                allowed_status=201, view_only=("le_victim_specialist_a",)),
    Row("case-refer", "investigator_b", 403, "POST", "case_joint", {"office": "@prosecution"}),
    # Referred already; closed cases are not referred.
    *write_rows("case-refer", "case_referred", {"office": "@prosecution"}, conflict=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    Row("case-refer", "investigator_a", 409, "POST", "case_closed", {"office": "@prosecution"}),
    Row("case-refer", "investigator_a", 400, "POST", "case_a", {"office": "@le_b"}),
    # --- subjects ---------------------------------------------------------------------------
    *create_rows("subject-list", {"case": "@case_a", "role": "recruiter", "last_name": "Vance"},
                 allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *create_rows("subject-list",
                 {"case": "@case_shared", "role": "recruiter", "last_name": "Vance"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *create_rows("subject-list",
                 {"case": "@case_joint", "role": "recruiter", "last_name": "Vance"},
                 allowed=(*LEAD, *INV_B), view_only=("le_victim_specialist_a",)),
    *create_rows("subject-list",
                 {"case": "@case_referred", "role": "recruiter", "last_name": "Vance"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *PROSECUTION)),
    *write_rows("subject-detail", "subject_a", {"first_name": "Victor"}, method="PATCH",
                allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *write_rows("subject-detail", "subject_shared", {"first_name": "Victor"}, method="PATCH",
                allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    # A change grant on the case lets the co-investigating agency change its subjects.
    *write_rows("subject-detail", "subject_joint", {"first_name": "Victor"}, method="PATCH",
                allowed=(*LEAD, *INV_B), view_only=("le_victim_specialist_a",)),
    *write_rows("subject-detail", "subject_referred", {"first_name": "Victor"},
                method="PATCH", allowed=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    Row("subject-detail", "investigator_a", 400, "PATCH", "subject_a",
        {"date_of_birth": "2999-01-01"}),
    *rows("subject-detail", LEAD, 405, method="DELETE", target="subject_a"),
    # --- identifiers ------------------------------------------------------------------------
    *create_rows("identifier-list", {"case": "@case_a", "kind": "email",
                                     "value": "boss@route9.example"},
                 allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *create_rows("identifier-list", {"case": "@case_shared", "kind": "email",
                                     "value": "boss@route9.example"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *create_rows("identifier-list", {"case": "@case_joint", "kind": "email",
                                     "value": "boss@route9.example"},
                 allowed=(*LEAD, *INV_B), view_only=("le_victim_specialist_a",)),
    *create_rows("identifier-list", {"case": "@case_referred", "kind": "email",
                                     "value": "boss@route9.example"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *PROSECUTION)),
    # A subject of another case is refused like an unknown one.
    Row("identifier-list", "investigator_a", 400, "POST",
        data={"case": "@case_a", "subject": "@subject_b", "kind": "phone", "value": "5550001"}),
    Row("identifier-list", "investigator_a", 400, "POST",
        data={"case": "@case_a", "kind": "person", "value": "Doe, John"}),
    # Identifiers are retired, never edited or deleted through the API.
    *rows("identifier-detail", LEAD, 405, method="PATCH", target="identifier_a",
          data={"value": "5550002"}),
    *rows("identifier-detail", LEAD, 405, method="DELETE", target="identifier_a"),
    # --- case notes -------------------------------------------------------------------------
    *create_rows("case-note-list", {"case": "@case_a", "note_type": "tip",
                                    "body": "Second informant call"},
                 allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *create_rows("case-note-list", {"case": "@case_shared", "note_type": "tip",
                                    "body": "Second informant call"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *create_rows("case-note-list", {"case": "@case_referred", "note_type": "tip",
                                    "body": "Second informant call"},
                 allowed=LEAD, view_only=("le_victim_specialist_a", *PROSECUTION)),
    # Edit: the author only, within the edit window; then a correction.
    *write_rows("case-note-detail", "note_a_unmarked", {"body": "Bluebird, corrected"},
                method="PATCH", allowed=("investigator_a",),
                view_only=("le_supervisor_a", "le_victim_specialist_a")),
    Row("case-note-detail", "investigator_a", 409, "PATCH", "note_a_marked", {"body": "Late"}),
    *write_rows("case-note-detail", "note_shared", {"body": "Mine now"}, method="PATCH",
                allowed=("investigator_a",),
                view_only=("le_supervisor_a", "le_victim_specialist_a", *INV_B)),
    *write_rows("case-note-detail", "note_referred_marked", {"body": "Mine now"},
                method="PATCH", allowed=("investigator_a",),
                view_only=("le_supervisor_a", "le_victim_specialist_a", *PROSECUTION)),
    *rows("case-note-detail", LEAD, 405, method="DELETE", target="note_a_marked"),
    *write_rows("case-note-correct", "note_a_marked", {"body": "The ledger was a copy."},
                allowed=LEAD, allowed_status=201, view_only=("le_victim_specialist_a",)),
    *write_rows("case-note-correct", "note_referred_marked", {"body": "Mine now"},
                allowed=LEAD, allowed_status=201,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    *write_rows("case-note-correct", "note_referred_unmarked", {"body": "Mine now"},
                allowed=LEAD, allowed_status=201, view_only=("le_victim_specialist_a",)),
    Row("case-note-correct", "investigator_a", 400, "POST", "note_a_marked", {}),
    *write_rows("case-note-mark-for-prosecution", "note_a_unmarked",
                {"for_prosecution": True}, allowed=LEAD,
                view_only=("le_victim_specialist_a",)),
    # Only the lead agency chooses what the prosecutor sees, even with change on the file.
    *write_rows("case-note-mark-for-prosecution", "note_joint", {"for_prosecution": True},
                allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("case-note-mark-for-prosecution", "note_referred_marked",
                {"for_prosecution": False}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    # --- operations and pre-operation notices -------------------------------------------
    *create_rows("operation-list", {"case": "@case_a", **OPERATION}, allowed=LEAD,
                 view_only=("le_victim_specialist_a",)),
    *create_rows("operation-list", {"case": "@case_shared", **OPERATION}, allowed=LEAD,
                 view_only=("le_victim_specialist_a", *INV_B)),
    *create_rows("operation-list", {"case": "@case_referred", **OPERATION}, allowed=LEAD,
                 view_only=("le_victim_specialist_a", *PROSECUTION)),
    Row("operation-list", "investigator_a", 400, "POST",
        data={"case": "@case_a", **OPERATION, "ends_at": LATER}),
    *write_rows("operation-detail", "operation_a", {"location": "14 Canal Street"},
                method="PATCH", allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *write_rows("operation-detail", "operation_shared", {"location": "Mine now"},
                method="PATCH", allowed=LEAD, view_only=("le_victim_specialist_a", *INV_B)),
    *write_rows("operation-detail", "operation_referred", {"location": "Mine now"},
                method="PATCH", allowed=LEAD, view_only=("le_victim_specialist_a",)),
    *rows("operation-detail", LEAD, 405, method="DELETE", target="operation_a"),
    *write_rows("operation-notify-provider", "operation_a", NOTICE, allowed=LEAD,
                allowed_status=201, view_only=("le_victim_specialist_a",)),
    *write_rows("operation-notify-provider", "operation_shared", NOTICE, allowed=LEAD,
                allowed_status=201, view_only=("le_victim_specialist_a", *INV_B)),
    Row("operation-notify-provider", "investigator_a", 400, "POST", "operation_a",
        {**NOTICE, "provider": "@le_b"}),
    # Notices are sent, never edited by either side.
    *rows("pre-operation-notice-detail", (*LEAD, *PROVIDER_A), 405, method="PATCH",
          target="notice_a", data={"expected_victims": 9}),
    # --- deconfliction hits ---------------------------------------------------------------
    *write_rows("deconfliction-hit-acknowledge", "hit_a", {}, allowed=LEAD),
    *write_rows("deconfliction-hit-acknowledge", "hit_b", {}, allowed=INV_B),
    Row("deconfliction-hit-acknowledge", "investigator_a", 200, "POST", "hit_a", {},
        absent=OTHER_CASE_OF["le_a"]),
    *rows("deconfliction-hit-detail", LEAD, 405, method="PATCH", target="hit_a",
          data={"acknowledged_at": None}),
    # --- referrals for prosecution ---------------------------------------------------------
    # The receiving office decides; the lead agency may only withdraw while it is pending.
    *write_rows("prosecution-referral-accept", "referral_pending",
                {"lead_prosecutor": "prosecutor"}, allowed=PROSECUTION, allowed_status=201,
                view_only=LE_A),
    Row("prosecution-referral-accept", "prosecutor", 201, "POST", "referral_pending", {}),
    # The lead prosecutor is a prosecutor of the office.
    Row("prosecution-referral-accept", "vw_coordinator", 400, "POST", "referral_pending", {}),
    Row("prosecution-referral-accept", "prosecutor", 400, "POST", "referral_pending",
        {"lead_prosecutor": "investigator_a"}),
    *rows("prosecution-referral-accept", PROSECUTION, 409, method="POST",
          target="referral_accepted", data={"lead_prosecutor": "prosecutor"}),
    *write_rows("prosecution-referral-decline", "referral_pending",
                {"reason": "Insufficient evidence"}, allowed=PROSECUTION, view_only=LE_A),
    Row("prosecution-referral-decline", "prosecutor", 400, "POST", "referral_pending", {}),
    *rows("prosecution-referral-decline", PROSECUTION, 409, method="POST",
          target="referral_accepted", data={"reason": "Changed our mind"}),
    *write_rows("prosecution-referral-withdraw", "referral_pending", {}, allowed=LEAD,
                view_only=("le_victim_specialist_a", *PROSECUTION)),
    *rows("prosecution-referral-withdraw", LEAD, 409, method="POST",
          target="referral_accepted", data={}),
    # --- prosecutions, charges, court events, prosecutor notes ----------------------------
    *rows("prosecution-detail", (*PROSECUTION, *LEAD), 405, method="PATCH",
          target="prosecution_referred", data={"court_case_number": "CR-1"}),
    *create_rows("charge-list", CHARGE, allowed=PROSECUTION, view_only=LE_A),
    Row("charge-list", "prosecutor", 400, "POST",
        data={**CHARGE, "subject": "@subject_a"}),
    Row("charge-list", "prosecutor", 400, "POST", data={**CHARGE, "counts": 0}),
    *write_rows("charge-detail", "charge", {"counts": 3}, method="PATCH", allowed=PROSECUTION,
                view_only=LE_A),
    Row("charge-detail", "prosecutor", 400, "PATCH", "charge", {"disposition": "convicted"}),
    *rows("charge-detail", PROSECUTION, 405, method="DELETE", target="charge"),
    *create_rows("court-event-list", COURT_EVENT, allowed=PROSECUTION, view_only=LE_A),
    *write_rows("court-event-detail", "court_event", {"court": "Room 9"}, method="PATCH",
                allowed=PROSECUTION, view_only=LE_A),
    *rows("court-event-detail", PROSECUTION, 405, method="DELETE", target="court_event"),
    # Prosecutor notes: the office's own; law enforcement may not even name the prosecution
    # for one (it sees the prosecution, so 403 rather than "does not exist").
    *create_rows("prosecutor-note-list", {"prosecution": "@prosecution_referred",
                                          "body": "Witness list drafted"},
                 allowed=PROSECUTION, view_only=LE_A),
    *rows("prosecutor-note-detail", PROSECUTION, 405, method="PATCH",
          target="prosecutor_note", data={"body": "Edited"}),
    *rows("prosecutor-note-detail", PROSECUTION, 405, method="DELETE",
          target="prosecutor_note"),
]  # fmt: skip
