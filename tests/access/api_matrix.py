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
# PAGE (browser routes; moves to pages_matrix.py once that exists)
# ============================================================================================

ROSTER_OF_LE_B = ("investigator_b", "colleague_le_b")
NEW_AGENCY_FORM = {**NEW_AGENCY, "name": "Iota Transit Police"}
AGENCY_FORM_LE_A = {"name": "Alpha City Police Department", "discipline": "law_enforcement",
                    "jurisdiction_level": "local", "phone": "555-0110"}  # fmt: skip
MEMBERSHIP_FORM = {"username": "recruit", "role": "investigator", "starts": "2024-01-02"}
# A login redirect for anonymous visitors is a 302 to the login page.
LOGIN_REDIRECT = 302

PAGE_SECTION_ROWS: list[Row] = [
    # --- sign-in, sign-out, home ------------------------------------------------------------
    Row("login", ANONYMOUS, 200),
    *rows("login", ("investigator_a", "outsider"), 302),  # already signed in: sent home
    *rows("logout", (ANONYMOUS, "investigator_a", "admin"), 302, method="POST"),
    Row("logout", "investigator_a", 405),  # signing out is a POST (CSRF-protected)
    *rows("home", ACTIVE, 200),
    *rows("home", NO_MEMBERSHIP, 200, absent=(DOSSIER_A, INACTIVE_AGENCY_NAME)),
    Row("home", ANONYMOUS, LOGIN_REDIRECT),
    # --- audit log: coordinators and system administrators; to anyone else it does not exist -
    *rows("audit-log", ("coordinator", "admin"), 200),
    *rows("audit-log", (*NON_COORDINATORS, "ended_member", "outsider"), 404),
    Row("audit-log", ANONYMOUS, LOGIN_REDIRECT),
    # --- agency directory and profiles ------------------------------------------------------
    *rows("agencies:directory", COORDINATORS, 200),
    *rows("agencies:directory", NON_COORDINATORS, 200, absent=(INACTIVE_AGENCY_NAME,)),
    *rows("agencies:directory", NO_MEMBERSHIP, 403, absent=("Alpha City",)),
    Row("agencies:directory", ANONYMOUS, LOGIN_REDIRECT),
    *rows("agencies:detail", ACTIVE, 200, target="own_agency"),
    # Another agency's profile is public to members; its roster is not.
    *rows("agencies:detail", ("investigator_a", "advocate_a", "prosecutor"), 200, target="le_b",
          absent=ROSTER_OF_LE_B),
    Row("agencies:detail", "coordinator", 200, target="le_b"),
    *rows("agencies:detail", COORDINATORS, 200, target="inactive_agency"),
    *rows("agencies:detail", NON_COORDINATORS, 404, target="inactive_agency",
          absent=(INACTIVE_AGENCY_NAME,)),
    *rows("agencies:detail", ACTIVE, 404, target="missing"),
    *rows("agencies:detail", NO_MEMBERSHIP, 403, target="le_a", absent=("Alpha City",)),
    Row("agencies:detail", ANONYMOUS, LOGIN_REDIRECT, target="le_a"),
    *rows("agencies:create", COORDINATORS, 200),
    *rows("agencies:create", COORDINATORS, 302, method="POST", data=NEW_AGENCY_FORM),
    *rows("agencies:create", NON_COORDINATORS, 403),
    *rows("agencies:create", SUPERVISORS, 403, method="POST", data=NEW_AGENCY_FORM),
    *rows("agencies:create", NO_MEMBERSHIP, 403),
    Row("agencies:create", ANONYMOUS, LOGIN_REDIRECT),
    *rows("agencies:edit", (*SUPERVISORS, *COORDINATORS), 200, target="own_agency"),
    Row("agencies:edit", "le_supervisor_a", 302, "POST", "own_agency", AGENCY_FORM_LE_A),
    *rows("agencies:edit", PLAIN_MEMBERS, 403, target="own_agency"),
    Row("agencies:edit", "investigator_a", 403, "POST", "own_agency", AGENCY_FORM_LE_A),
    *rows("agencies:edit", NON_COORDINATORS, 403, target="other_agency"),
    *rows("agencies:edit", NON_COORDINATORS, 404, target="inactive_agency"),
    *rows("agencies:edit", COORDINATORS, 200, target="inactive_agency"),
    *rows("agencies:edit", NO_MEMBERSHIP, 403, target="le_a"),
    Row("agencies:edit", ANONYMOUS, LOGIN_REDIRECT, target="le_a"),
    # --- memberships in the browser ---------------------------------------------------------
    *rows("agencies:membership-create", (*SUPERVISORS, *COORDINATORS), 200, target="own_agency"),
    Row("agencies:membership-create", "le_supervisor_a", 302, "POST", "own_agency",
        MEMBERSHIP_FORM),
    *rows("agencies:membership-create", PLAIN_MEMBERS, 403, target="own_agency"),
    Row("agencies:membership-create", "investigator_a", 403, "POST", "own_agency",
        MEMBERSHIP_FORM),
    *rows("agencies:membership-create", NON_COORDINATORS, 403, target="other_agency"),
    *rows("agencies:membership-create", NON_COORDINATORS, 404, target="inactive_agency"),
    *rows("agencies:membership-create", NO_MEMBERSHIP, 403, target="le_a"),
    Row("agencies:membership-create", ANONYMOUS, LOGIN_REDIRECT, target="le_a"),
    *rows("agencies:membership-edit", (*SUPERVISORS, *COORDINATORS), 200,
          target="colleague_membership"),
    Row("agencies:membership-edit", "le_supervisor_a", 302, "POST", "colleague_membership",
        {"role": "investigator", "title": "Detective", "starts": "2024-01-02"}),
    *rows("agencies:membership-edit", PLAIN_MEMBERS, 403, target="colleague_membership"),
    *rows("agencies:membership-edit", PLAIN_MEMBERS, 403, target="own_membership"),
    *rows("agencies:membership-edit", NON_COORDINATORS, 404, target="other_agency_membership",
          absent=ROSTER_OF_LE_B),
    *rows("agencies:membership-edit", COORDINATORS, 200, target="other_agency_membership"),
    *rows("agencies:membership-edit", NO_MEMBERSHIP, 403, target="colleague_membership"),
    Row("agencies:membership-edit", ANONYMOUS, LOGIN_REDIRECT, target="colleague_membership"),
    *rows("agencies:membership-end", (*SUPERVISORS, *COORDINATORS), 302, method="POST",
          target="colleague_membership"),
    *rows("agencies:membership-end", PLAIN_MEMBERS, 403, method="POST",
          target="colleague_membership"),
    *rows("agencies:membership-end", NON_COORDINATORS, 404, method="POST",
          target="other_agency_membership"),
    *rows("agencies:membership-end", NO_MEMBERSHIP, 403, method="POST",
          target="colleague_membership"),
    Row("agencies:membership-end", "le_supervisor_a", 405, target="colleague_membership"),
    Row("agencies:membership-end", ANONYMOUS, LOGIN_REDIRECT, "POST", "colleague_membership"),
    # --- a compartmented record in the browser (test-only dossier pages on the shared base) --
    *rows("dossier-list-page", LE_A, 200, absent=(DOSSIER_B,)),
    Row("dossier-list-page", "investigator_b", 200, absent=(DOSSIER_A, DOSSIER_SHARED)),
    *rows("dossier-list-page", PROSECUTION, 200, absent=(DOSSIER_A, DOSSIER_B)),
    *rows("dossier-list-page", (*NOT_INVESTIGATIVE, *COORDINATORS, *NO_MEMBERSHIP), 200,
          absent=(DOSSIER_A, DOSSIER_B, DOSSIER_SHARED)),
    Row("dossier-list-page", ANONYMOUS, LOGIN_REDIRECT),
    *rows("dossier-detail-page", LE_A, 200, target="dossier_a"),
    *rows("dossier-detail-page", PROSECUTION, 200, target="dossier_shared"),
    *rows("dossier-detail-page", ("investigator_b", *PROSECUTION, *NOT_INVESTIGATIVE,
                                  *COORDINATORS, *NO_MEMBERSHIP), 404,
          target="dossier_a", absent=(DOSSIER_A,)),
    *rows("dossier-detail-page", ("investigator_b", *NOT_INVESTIGATIVE), 404,
          target="dossier_shared", absent=(DOSSIER_SHARED,)),
    Row("dossier-detail-page", ANONYMOUS, LOGIN_REDIRECT, target="dossier_a",
        absent=(DOSSIER_A,)),
    # --- the admin site: system administrators only, and no compartmented data there -------
    Row("admin:index", "admin", 200, absent=(DOSSIER_A,)),
    *rows("admin:index", ("investigator_a", "coordinator", ANONYMOUS), 302),
]  # fmt: skip
