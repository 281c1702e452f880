"""Authorization-matrix rows of the victims browser pages (see ``test_matrix``).

Targets are those built by ``victims_matrix.build_targets`` (its docstring lists them), and
the words the 404 rows must not show are its ``TEXT_OF``. The rules the rows state:

* a victim-witness record is its holding agency's (404 to everyone else); a client record and
  its file are the provider's, 404 to everyone else, release or not;
* a referral is seen by its sender and its provider; the provider answers it (the sender gets
  403), the sender withdraws it (the provider gets 403); a step the state does not allow is 409;
* a release is seen by its provider and, while live, by its recipient, who never gets the
  client's name nor may revoke it (403);
* only prosecution victim-witness staff log victim notifications (403 for the record's own
  law-enforcement agency);
* creation pages answer 403 to people whose role does not keep such records.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies.models import ServiceType
from tests.access.api_matrix import ACTIVE, ANONYMOUS, NO_MEMBERSHIP, rows
from tests.access.matrix_types import Row
from tests.access.pages_matrix import (
    LOGIN_REDIRECT,
    SIGNED_IN,
    form_rows,
    others,
    step_rows,
)
from tests.access.victims_matrix import (
    CLIENT_A_COUNTRY,
    CLIENT_A_NAME,
    CLIENT_A_NUMBER,
    CLIENT_A_PHONE,
    NOTE_A,
    PURPOSE_EXPIRED,
    PURPOSE_LIVE,
    PURPOSE_REVOKED,
    SEES,
    SERVICE_A,
    SHARED_NAME,
    TEXT_OF,
    VICTIM_A_NAME,
    VICTIM_A_NUMBER,
)

LE_A = ("investigator_a", "le_supervisor_a", "le_victim_specialist_a")
INV_B = ("investigator_b",)
PROSECUTION = ("prosecutor", "vw_coordinator")
VSP_A = ("advocate_a", "vsp_supervisor_a")
VSP_B = ("advocate_b",)
# Who keeps victim-witness records, and who keeps client records.
VICTIM_KEEPERS = (*LE_A, *INV_B, *PROSECUTION)
PROVIDERS = (*VSP_A, *VSP_B)
NOT_KEEPERS = tuple(p for p in ACTIVE if p not in VICTIM_KEEPERS)
NOT_PROVIDERS = tuple(p for p in ACTIVE if p not in PROVIDERS)

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
PROFILE_FORM = {
    "given_name": "Ana",
    "identified_on": (TODAY - 30 * DAY).isoformat(),
    "identification_source": "reactive",
    "referral_source": "local_le",
    "gender": "female",
    "lgbtq": "not_reported",
    "citizenship": "unknown",
    "trafficking_type": "sex",
}
CLIENT_FORM = {**PROFILE_FORM, "family_members_served": 0}
REFERRAL_FORM = {
    "provider": "@vsp_a",
    "services_requested": "@page_service_shelter",
    "urgency": "routine",
    "shared_gender": "not_reported",
    "trafficking_type": "unknown",
}
CONSENT_FORM = {
    "recipient": "@community",
    "items": "enrollment_status",
    "purpose": "Outreach event planning",
    "sharing_form": "written",
    "starts_on": TODAY.isoformat(),
    "expires_on": (TODAY + 30 * DAY).isoformat(),
    "signer_name": "Ana",
    "signer_role": "client",
    "voluntariness_explained": "on",
    "right_to_revoke_explained": "on",
}
NOTIFICATION_FORM = {
    "kind": "notification",
    "event": "Arraignment set for next week",
    "given_on": TODAY.isoformat(),
    "method": "phone",
}
RELIEF_EDIT_FORM = {"status": "submitted", "requested_on": (TODAY - 60 * DAY).isoformat()}


def record_rows(route, target, seen, *, absent=()) -> list[Row]:
    """A page of one record: ``seen`` 200 (without ``absent``); everyone else signed in 404,
    without a word of the record; anonymous visitors to the login page."""
    name = target.partition("?")[0]
    text = (TEXT_OF[name],) if name in TEXT_OF else ()
    return [
        *rows(route, seen, 200, target=target, absent=absent),
        *rows(route, others(seen), 404, target=target, absent=text),
        Row(route, ANONYMOUS, LOGIN_REDIRECT, target=target),
    ]


def create_rows(route, allowed, *, data=None, poster=None) -> list[Row]:
    """A page that creates a record (no target): ``allowed`` get it, every other member and
    people without a membership 403; ``poster`` (one of ``allowed``) POSTs ``data`` (302) and
    one refused member POSTs it too (403, nothing changes)."""
    refused = tuple(p for p in ACTIVE if p not in allowed)
    out = [
        *rows(route, allowed, 200),
        *rows(route, (*refused, *NO_MEMBERSHIP), 403),
        Row(route, ANONYMOUS, LOGIN_REDIRECT),
    ]
    if data is not None:
        out += [
            Row(route, poster or allowed[0], 302, "POST", None, data),
            *rows(route, refused[:2], 403, method="POST", data=data),
            Row(route, ANONYMOUS, LOGIN_REDIRECT, "POST", None, data),
        ]
    return out


def list_rows(route, detail: str | None = None) -> list[Row]:
    """A list page: everyone signed in gets it, holding none of the records of ``detail``
    (a ``victims_matrix.SEES`` entry) they may not see."""

    def unseen(persona):
        if detail is None:
            return ()
        return tuple(TEXT_OF[t] for t, seen in SEES[detail].items() if persona not in seen)

    return [
        *[Row(route, p, 200, absent=unseen(p)) for p in SIGNED_IN],
        Row(route, ANONYMOUS, LOGIN_REDIRECT),
    ]


# What the recipient of a release never sees of the client: who the client is, how to reach
# them, their immigration identifiers, their services and notes, who signed.
CLIENT_A_FILE = (CLIENT_A_NAME, CLIENT_A_PHONE, CLIENT_A_NUMBER, CLIENT_A_COUNTRY, SERVICE_A,
                 NOTE_A, SHARED_NAME)  # fmt: skip


def client_tab_rows(tab: str) -> list[Row]:
    return record_rows("victims:client-detail", f"client_a?tab={tab}", VSP_A)


PAGE_ROWS: list[Row] = [
    # --- lists: everyone signed in gets the page, holding only what they may see -------------
    *list_rows("victims:list", "victim-detail"),
    *list_rows("victims:clients", "client-detail"),
    *list_rows("victims:referrals"),
    # Releases to my agency: live ones only, and of the client only the released item.
    *rows("victims:releases", PROSECUTION, 200,
          absent=(*CLIENT_A_FILE, PURPOSE_REVOKED, PURPOSE_EXPIRED)),
    *rows("victims:releases", others(PROSECUTION), 200,
          absent=(PURPOSE_LIVE, PURPOSE_REVOKED, PURPOSE_EXPIRED, CLIENT_A_NAME)),
    Row("victims:releases", ANONYMOUS, LOGIN_REDIRECT),
    # --- victim-witness records --------------------------------------------------------------
    *create_rows("victims:create", VICTIM_KEEPERS, data=PROFILE_FORM),
    Row("victims:create", "vw_coordinator", 302, "POST", None, PROFILE_FORM),
    *record_rows("victims:detail", "victim_a", LE_A),
    *record_rows("victims:detail", "victim_shared", (*LE_A, *INV_B)),
    *record_rows("victims:detail", "victim_a?tab=relief", LE_A),
    *record_rows("victims:detail", "victim_a?tab=referrals", LE_A),
    *record_rows("victims:detail", "victim_pros", PROSECUTION),
    *record_rows("victims:detail", "victim_pros?tab=notifications", PROSECUTION),
    *form_rows("victims:edit", "victim_a", allowed=LE_A, data=PROFILE_FORM),
    # Shared for view: the other agency reads the record but does not change it.
    *form_rows("victims:edit", "victim_shared", allowed=LE_A, view_only=INV_B, data=PROFILE_FORM),
    *form_rows("victims:edit", "victim_pros", allowed=PROSECUTION, data=PROFILE_FORM),
    # Only prosecution victim-witness staff log notifications, on a record they see.
    *form_rows("victims:notification-create", "victim_pros", allowed=PROSECUTION,
               data=NOTIFICATION_FORM),
    *form_rows("victims:notification-create", "victim_a", allowed=(), view_only=LE_A,
               data=NOTIFICATION_FORM),
    # --- referrals ---------------------------------------------------------------------------
    *rows("victims:referral-create", ACTIVE, 200),
    *rows("victims:referral-create", NO_MEMBERSHIP, 403),
    Row("victims:referral-create", ANONYMOUS, LOGIN_REDIRECT),
    Row("victims:referral-create", "investigator_a", 302, "POST", None, REFERRAL_FORM),
    Row("victims:referral-create", "community_member", 302, "POST", None, REFERRAL_FORM),
    # A provider refers onward, never to itself.
    Row("victims:referral-create", "advocate_a", 302, "POST", None,
        {**REFERRAL_FORM, "provider": "@vsp_b"}),
    Row("victims:referral-create", "advocate_a", 200, "POST", None, REFERRAL_FORM),
    *rows("victims:referral-create", ("outsider", "ended_member"), 403, method="POST",
          data=REFERRAL_FORM),
    Row("victims:referral-create", ANONYMOUS, LOGIN_REDIRECT, "POST", None, REFERRAL_FORM),
    *record_rows("victims:referral-detail", "referral_sent", (*LE_A, *VSP_A)),
    # The sender learns the outcome, never the client record it led to.
    *record_rows("victims:referral-detail", "vsp_referral_accepted", (*LE_A, *VSP_A)),
    *rows("victims:referral-detail", LE_A, 200, target="vsp_referral_accepted",
          absent=(CLIENT_A_NAME, CLIENT_A_PHONE, SERVICE_A, NOTE_A)),
    # The provider never reaches the sender's own victim record.
    *rows("victims:referral-detail", VSP_A, 200, target="vsp_referral_accepted",
          absent=(VICTIM_A_NAME, VICTIM_A_NUMBER)),
    *record_rows("victims:referral-detail", "referral_declined", (*LE_A, *VSP_A)),
    *record_rows("victims:referral-detail", "referral_to_b", (*LE_A, *VSP_B)),
    # The provider answers; the sender may not (403); a second answer is 409.
    *step_rows("victims:referral-accept", "referral_sent", allowed=VSP_A, view_only=LE_A),
    *step_rows("victims:referral-accept", "referral_to_b", allowed=VSP_B, view_only=LE_A),
    *step_rows("victims:referral-accept", "vsp_referral_accepted", conflict=VSP_A, view_only=LE_A),
    *step_rows("victims:referral-accept", "referral_declined", conflict=VSP_A, view_only=LE_A),
    *form_rows("victims:referral-decline", "referral_sent", allowed=VSP_A, view_only=LE_A,
               data={"reason": "no_capacity"}),
    *rows("victims:referral-decline", VSP_A, 409, target="vsp_referral_accepted"),
    Row("victims:referral-decline", "advocate_a", 409, "POST", "vsp_referral_accepted",
        {"reason": "no_capacity"}),
    *form_rows("victims:referral-close", "vsp_referral_accepted", allowed=VSP_A, view_only=LE_A,
               data={"note": "Services completed"}),
    *form_rows("victims:referral-close", "referral_declined", allowed=VSP_A, view_only=LE_A,
               data={"note": ""}),
    *rows("victims:referral-close", VSP_A, 409, target="referral_sent"),
    Row("victims:referral-close", "advocate_a", 409, "POST", "referral_sent", {"note": ""}),
    # The sender withdraws; the provider may not (403); an answered referral is 409.
    *form_rows("victims:referral-withdraw", "referral_sent", allowed=LE_A, view_only=VSP_A,
               data={"reason": "Victim relocated"}),
    *rows("victims:referral-withdraw", LE_A, 409, target="vsp_referral_accepted"),
    Row("victims:referral-withdraw", "investigator_a", 409, "POST", "vsp_referral_accepted",
        {"reason": "Too late"}),
    # --- client records and their files: the provider's alone --------------------------------
    *create_rows("victims:client-create", PROVIDERS, data=CLIENT_FORM),
    *record_rows("victims:client-detail", "client_a", VSP_A),
    *record_rows("victims:client-detail", "client_b", VSP_B),
    *record_rows("victims:client-detail", "client_exited", VSP_A),
    *[row for tab in ("services", "consents", "relief", "notes") for row in client_tab_rows(tab)],
    *form_rows("victims:client-edit", "client_a", allowed=VSP_A, data=CLIENT_FORM),
    *form_rows("victims:client-exit", "client_a", allowed=VSP_A,
               data={"exited_on": TODAY.isoformat(), "exit_reason": "goals_met"}),
    *rows("victims:client-exit", VSP_A, 409, target="client_exited"),
    Row("victims:client-exit", "advocate_a", 409, "POST", "client_exited",
        {"exited_on": TODAY.isoformat(), "exit_reason": "moved"}),
    *form_rows("victims:service-create", "client_a", allowed=VSP_A,
               data={"service_type": "@page_service_shelter", "status": "in_progress",
                     "started_on": TODAY.isoformat()}),
    *form_rows("victims:assessment-create", "client_a", allowed=VSP_A,
               data={"assessed_on": TODAY.isoformat(), "needs": "@page_service_shelter"}),
    *form_rows("victims:plan-create", "client_a", allowed=VSP_A,
               data={"starts_on": TODAY.isoformat(),
                     "review_on": (TODAY + 30 * DAY).isoformat(), "goals": "Stable housing"}),
    *form_rows("victims:note-create", "client_a", allowed=VSP_A,
               data={"body": "Called back about the shelter bed"}),
    *form_rows("victims:consent-create", "client_a", allowed=VSP_A, data=CONSENT_FORM),
    *form_rows("victims:client-edit", "client_b", allowed=VSP_B, data=CLIENT_FORM),
    # --- releases of information -------------------------------------------------------------
    *record_rows("victims:consent-detail", "consent_live", (*VSP_A, *PROSECUTION)),
    *rows("victims:consent-detail", PROSECUTION, 200, target="consent_live",
          absent=CLIENT_A_FILE),
    # A revoked or expired release is its provider's record only.
    *record_rows("victims:consent-detail", "consent_revoked", VSP_A),
    *record_rows("victims:consent-detail", "consent_expired", VSP_A),
    *form_rows("victims:consent-revoke", "consent_live", allowed=VSP_A, view_only=PROSECUTION,
               data={"method": "written", "note": "Letter received"}),
    *rows("victims:consent-revoke", VSP_A, 409, target="consent_revoked"),
    *rows("victims:consent-revoke", VSP_A, 409, target="consent_expired"),
    Row("victims:consent-revoke", "advocate_a", 409, "POST", "consent_revoked",
        {"method": "oral"}),
    *rows("victims:consent-revoke", LE_A, 404, method="POST", target="consent_revoked",
          data={"method": "oral"}),
    # --- immigration relief ------------------------------------------------------------------
    # Recorded from a victim or client record (?victim= / ?client=); without one there is none.
    *rows("victims:relief-create", SIGNED_IN, 404),
    Row("victims:relief-create", ANONYMOUS, LOGIN_REDIRECT),
    *record_rows("victims:relief-detail", "relief_client_a", VSP_A),
    *record_rows("victims:relief-detail", "relief_victim_a", LE_A),
    *form_rows("victims:relief-edit", "relief_client_a", allowed=VSP_A, data=RELIEF_EDIT_FORM),
    *form_rows("victims:relief-edit", "relief_victim_a", allowed=LE_A, data=RELIEF_EDIT_FORM),
]  # fmt: skip

API_ROWS: list = []


def build_targets(world) -> dict[str, int]:
    """Lookup values the page forms choose (the records are ``victims_matrix``'s)."""
    return {
        "page_service_shelter": ServiceType.objects.get(code="housing-emergency-shelter").pk,
    }
