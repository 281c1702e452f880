"""The authorization matrix of the browser pages (see ``test_matrix``): persona x page x target
-> status, plus text that must not be in the page.

Targets and personas are those of ``api_matrix`` (its docstring lists them). A target may carry
a query string (``"case_referred?tab=notes"``). Page rows go through Django's Client with
``force_login``; an anonymous visitor is sent to the login page (302).

Forms follow the API: a record out of reach is a 404 for its page and its form; a visible
record the user may not change is a 403 for the form, on GET and on POST alike.
"""

from __future__ import annotations

from tests.access.api_matrix import (
    ACTIVE,
    ANONYMOUS,
    CASE_A,
    CASE_CLOSED,
    CASE_REFERRED,
    COORDINATORS,
    DOSSIER_A,
    DOSSIER_B,
    DOSSIER_SHARED,
    INACTIVE_AGENCY_NAME,
    INV_B,
    LE_A,
    LEAD,
    NEW_AGENCY,
    NO_CASES,
    NO_MEMBERSHIP,
    NON_COORDINATORS,
    NOT_INVESTIGATIVE,
    NOTE_A_MARKED,
    NOTE_REFERRED_UNMARKED,
    OTHER_CASE_OF,
    PHONE_A,
    PLAIN_MEMBERS,
    PROSECUTION,
    PROSECUTOR_NOTE,
    SEES,
    SITE_REFERRED,
    SUPERVISORS,
    TEXT_OF,
    rows,
)
from tests.access.matrix_types import Row

ROSTER_OF_LE_B = ("investigator_b", "colleague_le_b")
NEW_AGENCY_FORM = {**NEW_AGENCY, "name": "Iota Transit Police"}
AGENCY_FORM_LE_A = {"name": "Alpha City Police Department", "discipline": "law_enforcement",
                    "jurisdiction_level": "local", "phone": "555-0110"}  # fmt: skip
MEMBERSHIP_FORM = {"username": "recruit", "role": "investigator", "starts": "2024-01-02"}
# A login redirect for anonymous visitors is a 302 to the login page.
LOGIN_REDIRECT = 302

FOUNDATION_PAGE_ROWS: list[Row] = [
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


# ============================================================================================
# PAGES: investigations and prosecutions (/cases/)
# ============================================================================================

SIGNED_IN = (*ACTIVE, *NO_MEMBERSHIP)
LATER_FORM, LATER_END_FORM = "2031-05-04T09:00", "2031-05-04T12:00"
CASE_FORM = {
    "title": "Lakeside Motel",
    "origin": "reactive",
    "trafficking_type": "sex",
    "confirmation_status": "suspected",
    "jurisdiction_level": "local",
}
CASE_EDIT_FORM = {
    **CASE_FORM,
    "title": CASE_A,
    "ucr_clearance": "not_cleared",
    "assigned_investigators": "@user_investigator_a",
}
SUBJECT_FORM = {"role": "recruiter", "last_name": "Vance"}
NOTE_FORM = {"note_type": "tip", "body": "Second informant call"}
OPERATION_FORM = {
    "operation_type": "surveillance",
    "starts_at": LATER_FORM,
    "ends_at": LATER_END_FORM,
    "location": "9 Canal Street",
}
NOTICE_FORM = {
    "provider": "@vsp_a",
    "window_starts": LATER_FORM,
    "window_ends": LATER_END_FORM,
    "expected_victims": 2,
    "genders": "female",
    "languages": "@language_es",
}
COURT_EVENT_FORM = {
    "event_type": "plea_hearing",
    "scheduled_at": LATER_FORM,
    "court": "Dunmore County Circuit Court, Room 7",
}


def hidden(detail_route: str, persona: str) -> tuple[str, ...]:
    """Text of the records of ``detail_route`` the persona may not see."""
    return tuple(
        TEXT_OF[target]
        for target, seen in SEES[detail_route].items()
        if persona not in seen and target in TEXT_OF
    )


def others(*seen_groups) -> tuple[str, ...]:
    seen = {p for group in seen_groups for p in group}
    return tuple(p for p in SIGNED_IN if p not in seen)


def list_page_rows(route: str, detail_route: str) -> list[Row]:
    return [
        *[Row(route, p, 200, absent=hidden(detail_route, p)) for p in SIGNED_IN],
        Row(route, ANONYMOUS, LOGIN_REDIRECT),
    ]


def record_page_rows(route, target, seen, *, absent=()) -> list[Row]:
    """A page of one record: ``seen`` 200; every other signed-in person 404 without a word of
    the record; anonymous visitors to the login page."""
    text = (TEXT_OF[target.partition("?")[0]],) if target.partition("?")[0] in TEXT_OF else ()
    return [
        *rows(route, seen, 200, target=target, absent=absent),
        *rows(route, others(seen), 404, target=target, absent=text),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, target=target),
    ]


def form_rows(route, target, *, allowed, view_only=(), data=None, done=302) -> list[Row]:
    """A form on one record: ``allowed`` get it (and POSTing ``data`` succeeds with ``done``);
    ``view_only`` see the record and get 403 on GET and POST; for everyone else it does not
    exist (404); anonymous visitors go to the login page."""
    out = [
        *rows(route, allowed, 200, target=target),
        *rows(route, view_only, 403, target=target),
        *rows(route, others(allowed, view_only), 404, target=target),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, target=target),
    ]
    if data is not None:
        out += [
            *rows(route, allowed, done, method="POST", target=target, data=data),
            *rows(route, view_only, 403, method="POST", target=target, data=data),
            *rows(route, others(allowed, view_only), 404, method="POST", target=target, data=data),
            Row(route, ANONYMOUS, LOGIN_REDIRECT, "POST", target, data),
        ]
    return out


def step_rows(route, target, *, allowed=(), view_only=(), conflict=(), data=None) -> list[Row]:
    """A one-button step (POST only): ``allowed`` are sent back to the case (302), ``conflict``
    get 409, ``view_only`` 403, everyone else 404; GET is 405."""
    data = data if data is not None else {}
    return [
        *rows(route, allowed, 302, method="POST", target=target, data=data),
        *rows(route, conflict, 409, method="POST", target=target, data=data),
        *rows(route, view_only, 403, method="POST", target=target, data=data),
        *rows(
            route,
            others(allowed, view_only, conflict),
            404,
            method="POST",
            target=target,
            data=data,
        ),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, "POST", target, data),
        *rows(route, (*allowed, *conflict)[:1], 405, target=target),
    ]


VICTIM_SPECIALIST = ("le_victim_specialist_a",)

CASE_PAGE_ROWS: list[Row] = [
    # --- lists ------------------------------------------------------------------------------
    *list_page_rows("cases:list", "case-detail"),
    *[Row("cases:prosecutions", p, 200, absent=(CASE_REFERRED,))
      for p in others(SEES["prosecution-detail"]["prosecution_referred"])],
    *rows("cases:prosecutions", SEES["prosecution-detail"]["prosecution_referred"], 200),
    Row("cases:prosecutions", ANONYMOUS, LOGIN_REDIRECT),
    *list_page_rows("cases:court-calendar", "court-event-detail"),
    # --- opening a case: law-enforcement investigators and supervisors -----------------------
    *rows("cases:create", (*LEAD, *INV_B), 200),
    *rows("cases:create", (*VICTIM_SPECIALIST, *PROSECUTION, *NO_CASES, *NO_MEMBERSHIP), 403),
    Row("cases:create", ANONYMOUS, LOGIN_REDIRECT),
    *rows("cases:create", (*LEAD, *INV_B), 302, method="POST", data=CASE_FORM),
    *rows("cases:create", (*VICTIM_SPECIALIST, *PROSECUTION, "advocate_a", "outsider"), 403,
          method="POST", data=CASE_FORM),
    # --- the case page and its tabs ----------------------------------------------------------
    *[row for target, seen in SEES["case-detail"].items()
      for row in record_page_rows("cases:detail", target, seen)],
    # The prosecutor reads the notes marked for prosecution, never the rest nor an operation.
    *record_page_rows("cases:detail", "case_referred?tab=notes", (*LE_A, *PROSECUTION)),
    *rows("cases:detail", PROSECUTION, 200, target="case_referred?tab=notes",
          absent=(NOTE_REFERRED_UNMARKED,)),
    *rows("cases:detail", PROSECUTION, 200, target="case_referred?tab=operations",
          absent=(SITE_REFERRED,)),
    *rows("cases:detail", PROSECUTION, 200, target="case_referred?tab=subjects"),
    *rows("cases:detail", PROSECUTION, 404, target="case_a?tab=notes", absent=(NOTE_A_MARKED,)),
    # The case's agency reads charges and court dates, never the prosecutor's notes.
    *rows("cases:detail", LE_A, 200, target="case_referred?tab=prosecution",
          absent=(PROSECUTOR_NOTE,)),
    *rows("cases:detail", PROSECUTION, 200, target="case_referred?tab=prosecution"),
    # A co-investigating agency reads the whole file.
    *record_page_rows("cases:detail", "case_shared?tab=notes", (*LE_A, *INV_B)),
    *record_page_rows("cases:detail", "case_shared?tab=operations", (*LE_A, *INV_B)),
    # Deconfliction hits: supervisors and assigned investigators; never the other case.
    *rows("cases:detail", LEAD, 200, target="case_a?tab=hits", absent=OTHER_CASE_OF["le_a"]),
    Row("cases:detail", "le_victim_specialist_a", 200, target="case_a?tab=hits",
        absent=(*OTHER_CASE_OF["le_a"], "Beta County Sheriff", PHONE_A)),
    *rows("cases:detail", INV_B, 200, target="case_b?tab=hits", absent=OTHER_CASE_OF["le_b"]),
    # --- editing and the steps of a case -----------------------------------------------------
    *form_rows("cases:edit", "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data=CASE_EDIT_FORM),
    *form_rows("cases:edit", "case_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B)),
    *form_rows("cases:edit", "case_joint", allowed=(*LEAD, *INV_B),
               view_only=VICTIM_SPECIALIST),
    *form_rows("cases:edit", "case_referred", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    Row("cases:edit", "investigator_a", 409, "POST", "case_closed",
        {**CASE_EDIT_FORM, "title": CASE_CLOSED}),
    *step_rows("cases:activate", "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST),
    *step_rows("cases:activate", "case_referred", conflict=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    *step_rows("cases:activate", "case_shared", conflict=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B)),
    # Only an open case is activated; a closed one comes back through reopen.
    Row("cases:activate", "investigator_a", 409, "POST", "case_closed", {}),
    # Change on the file is not the lead agency's say over the case's status.
    *step_rows("cases:activate", "case_joint", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B)),
    *form_rows("cases:close", "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data={"reason": "Victims declined to cooperate", "ucr_clearance": "not_cleared"}),
    *form_rows("cases:close", "case_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B)),
    *form_rows("cases:close", "case_joint", allowed=LEAD, view_only=(*VICTIM_SPECIALIST, *INV_B),
               data={"reason": "Mine now", "ucr_clearance": "not_cleared"}),
    *form_rows("cases:close", "case_referred", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    Row("cases:close", "investigator_a", 409, "POST", "case_closed",
        {"reason": "Again", "ucr_clearance": "not_cleared"}),
    *step_rows("cases:reopen", "case_closed", allowed=LEAD, view_only=VICTIM_SPECIALIST),
    *step_rows("cases:reopen", "case_a", conflict=LEAD, view_only=VICTIM_SPECIALIST),
    # Sharing and referral are the lead agency's: a co-investigator with change may not.
    *form_rows("cases:share", "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data={"agency": "@le_b", "access": "view"}),
    *form_rows("cases:share", "case_joint", allowed=LEAD, view_only=(*VICTIM_SPECIALIST, *INV_B),
               data={"agency": "@le_b", "access": "view"}),
    *form_rows("cases:unshare", "case_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data={"agency": "@le_b"}),
    *form_rows("cases:unshare", "case_joint", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data={"agency": "@le_b"}),
    *form_rows("cases:refer", "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data={"office": "@prosecution"}),
    *form_rows("cases:refer", "case_joint", allowed=LEAD, view_only=(*VICTIM_SPECIALIST, *INV_B),
               data={"office": "@prosecution"}),
    *form_rows("cases:refer", "case_referred", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    *rows("cases:refer", LEAD, 409, method="POST", target="case_referred",
          data={"office": "@prosecution"}),
    Row("cases:refer", "investigator_a", 409, "POST", "case_closed", {"office": "@prosecution"}),
    # --- records added to a case -------------------------------------------------------------
    *[row for route, data in (("cases:subject-create", SUBJECT_FORM),
                              ("cases:identifier-create",
                               {"kind": "email", "value": "boss@route9.example"}),
                              ("cases:note-create", NOTE_FORM),
                              ("cases:operation-create", OPERATION_FORM))
      for row in [
          *form_rows(route, "case_a", allowed=LEAD, view_only=VICTIM_SPECIALIST, data=data),
          *form_rows(route, "case_shared", allowed=LEAD,
                     view_only=(*VICTIM_SPECIALIST, *INV_B), data=data),
          *form_rows(route, "case_joint", allowed=(*LEAD, *INV_B),
                     view_only=VICTIM_SPECIALIST),
          *form_rows(route, "case_referred", allowed=LEAD,
                     view_only=(*VICTIM_SPECIALIST, *PROSECUTION), data=data),
      ]],
    # --- subjects, notes and operations, by their own id -------------------------------------
    *form_rows("cases:subject-edit", "subject_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data={**SUBJECT_FORM, "first_name": "Victor"}),
    *form_rows("cases:subject-edit", "subject_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data=SUBJECT_FORM),
    *form_rows("cases:subject-edit", "subject_joint", allowed=(*LEAD, *INV_B),
               view_only=VICTIM_SPECIALIST, data=SUBJECT_FORM),
    *form_rows("cases:subject-edit", "subject_referred", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION), data=SUBJECT_FORM),
    # The author edits a note within the window; nobody else, and nobody after it.
    *form_rows("cases:note-edit", "note_a_unmarked", allowed=("investigator_a",),
               view_only=("le_supervisor_a", *VICTIM_SPECIALIST),
               data={"note_type": "tip", "body": "Bluebird, corrected"}),
    *form_rows("cases:note-edit", "note_referred_marked", allowed=("investigator_a",),
               view_only=("le_supervisor_a", *VICTIM_SPECIALIST, *PROSECUTION)),
    *form_rows("cases:note-edit", "note_referred_unmarked", allowed=("investigator_a",),
               view_only=("le_supervisor_a", *VICTIM_SPECIALIST)),
    Row("cases:note-edit", "investigator_a", 409, target="note_a_marked"),
    Row("cases:note-edit", "investigator_a", 409, "POST", "note_a_marked",
        {"note_type": "tip", "body": "Late"}),
    *form_rows("cases:note-correct", "note_a_marked", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data={"body": "The ledger was a copy."}),
    *form_rows("cases:note-correct", "note_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data={"body": "Mine now"}),
    *form_rows("cases:note-correct", "note_referred_marked", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION), data={"body": "Mine now"}),
    *form_rows("cases:note-correct", "note_referred_unmarked", allowed=LEAD,
               view_only=VICTIM_SPECIALIST, data={"body": "Mine now"}),
    *step_rows("cases:note-for-prosecution", "note_a_unmarked", allowed=LEAD,
               view_only=VICTIM_SPECIALIST, data={"for_prosecution": "1"}),
    # Only the lead agency chooses what the prosecutor sees, even with change on the file.
    *step_rows("cases:note-for-prosecution", "note_joint", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data={"for_prosecution": "1"}),
    *step_rows("cases:note-for-prosecution", "note_referred_marked", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION), data={"for_prosecution": "0"}),
    *form_rows("cases:operation-edit", "operation_a", allowed=LEAD,
               view_only=VICTIM_SPECIALIST, data={**OPERATION_FORM, "status": "planned"}),
    *form_rows("cases:operation-edit", "operation_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B),
               data={**OPERATION_FORM, "status": "planned"}),
    *form_rows("cases:operation-edit", "operation_referred", allowed=LEAD,
               view_only=VICTIM_SPECIALIST, data={**OPERATION_FORM, "status": "planned"}),
    *form_rows("cases:notice-create", "operation_a", allowed=LEAD, view_only=VICTIM_SPECIALIST,
               data=NOTICE_FORM),
    *form_rows("cases:notice-create", "operation_shared", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *INV_B), data=NOTICE_FORM),
    *form_rows("cases:notice-create", "operation_referred", allowed=LEAD,
               view_only=VICTIM_SPECIALIST, data=NOTICE_FORM),
    # --- deconfliction hits ------------------------------------------------------------------
    *step_rows("cases:hit-acknowledge", "hit_a", allowed=LEAD),
    *step_rows("cases:hit-acknowledge", "hit_b", allowed=INV_B),
    # --- referrals for prosecution -----------------------------------------------------------
    *form_rows("cases:referral-accept", "referral_pending", allowed=PROSECUTION, view_only=LE_A,
               data={"lead_prosecutor": "@user_prosecutor"}),
    *rows("cases:referral-accept", PROSECUTION, 409, target="referral_accepted"),
    Row("cases:referral-accept", "prosecutor", 409, "POST", "referral_accepted",
        {"lead_prosecutor": "@user_prosecutor"}),
    *form_rows("cases:referral-decline", "referral_pending", allowed=PROSECUTION,
               view_only=LE_A, data={"reason": "Insufficient evidence"}),
    *rows("cases:referral-decline", PROSECUTION, 409, target="referral_accepted"),
    *step_rows("cases:referral-withdraw", "referral_pending", allowed=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    *step_rows("cases:referral-withdraw", "referral_accepted", conflict=LEAD,
               view_only=(*VICTIM_SPECIALIST, *PROSECUTION)),
    # --- prosecution: the office writes; the case's agency reads -----------------------------
    *form_rows("cases:charge-create", "prosecution_referred", allowed=PROSECUTION,
               view_only=LE_A,
               data={"subject": "@subject_referred", "statute": "@statute_1589", "counts": 1}),
    *form_rows("cases:court-event-create", "prosecution_referred", allowed=PROSECUTION,
               view_only=LE_A, data=COURT_EVENT_FORM),
    *form_rows("cases:prosecutor-note-create", "prosecution_referred", allowed=PROSECUTION,
               view_only=LE_A, data={"body": "Witness list drafted"}),
    *form_rows("cases:charge-edit", "charge", allowed=PROSECUTION, view_only=LE_A,
               data={"disposition": "pending"}),
    *form_rows("cases:court-event-edit", "court_event", allowed=PROSECUTION, view_only=LE_A,
               data={**COURT_EVENT_FORM, "event_type": "arraignment"}),
]  # fmt: skip

PAGE_ROWS: list[Row] = [*FOUNDATION_PAGE_ROWS, *CASE_PAGE_ROWS]
