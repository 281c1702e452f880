"""Authorization-matrix rows and targets of the victims routes (see ``test_matrix``).

The victims world (``build_targets``) is made through ``victims.services``, as in life:

* ``victim_a``: le_a's victim-witness record, linked to case_a; ``victim_shared``: le_a's, shared
  with le_b for view; ``victim_pros``: the prosecution office's own record;
* referrals from le_a: ``referral_sent`` and ``referral_declined`` (to vsp_a),
  ``vsp_referral_accepted`` (to vsp_a, accepted: it made ``client_a``; the cases world already
  has a ``referral_accepted``), ``referral_to_b`` (to vsp_b, unanswered);
* ``client_a`` (vsp_a; its intake added a family name, contact details and immigration-protected
  fields the sender never gave), ``client_b`` (vsp_b), ``client_exited`` (vsp_a, exited);
* releases of client_a: ``consent_live`` (to the prosecution office, enrollment status only),
  ``consent_revoked`` (to le_a), ``consent_expired`` (to le_b);
* client_a's file: ``service_a``, ``assessment_a``, ``plan_a`` (it superseded
  ``plan_superseded``), ``client_note_a`` (written by advocate_a);
* ``relief_client_a`` (vsp_a, U visa certification), ``relief_victim_a`` (le_a, T visa
  declaration); ``notification_pros`` (the prosecution office, on victim_pros).

Two partner systems act through service accounts: ``partner_le_a`` (an investigator account of
le_a) and ``partner_vsp_a`` (an advocate account of vsp_a). They never get immigration-protected
fields or immigration relief.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import ServiceType
from agencies.services import register_partner_application
from cases.models import Case
from tests.access.api_matrix import (
    ACTIVE,
    CASE_A,
    COORDINATORS,
    INV_B,
    LE_A,
    PROSECUTION,
    PROVIDER_A,
    create_rows,
    refused,
    rows,
    write_rows,
)
from tests.access.matrix_types import Row
from victims import services

# --- Who is who -------------------------------------------------------------------------------

ADVOCATE_B = ("advocate_b",)
COMMUNITY = ("community_member",)
PARTNER_LE_A, PARTNER_VSP_A = "partner_le_a", "partner_vsp_a"
PARTNERS = (PARTNER_LE_A, PARTNER_VSP_A)
# Who holds victim-witness records (law enforcement and prosecution).
VICTIM_HOLDERS = (*LE_A, *INV_B, *PROSECUTION)
# Who keeps client records (victim service providers).
PROVIDERS = (*PROVIDER_A, *ADVOCATE_B)

# --- What the records say ---------------------------------------------------------------------

VICTIM_A_NAME = "Valdivia"
VICTIM_SHARED_NAME = "Achterberg"
VICTIM_PROS_NAME = "Okonkwo"
VICTIM_A_NUMBER = "A098765432"
# What le_a chose to share in its referral, and what vsp_a's intake recorded afterwards.
SHARED_NAME = "Rosa"
CLIENT_A_NAME = "Quintero"
CLIENT_A_PHONE = "555-0142"
CLIENT_A_NUMBER = "A212345678"
CLIENT_A_COUNTRY = "Honduras"
CLIENT_B_NAME = "Lindahl"
CLIENT_EXITED_NAME = "Marchetti"
SITUATION_SENT = "Met at the bus terminal, needs a safe place tonight"
SITUATION_ACCEPTED = "Found during the Route 9 operation"
SITUATION_DECLINED = "Wants legal help with wage claims"
SITUATION_TO_B = "Needs an immigration attorney"
PURPOSE_LIVE = "Victim-witness coordination for the Route 9 prosecution"
PURPOSE_REVOKED = "Safety planning with the police department"
PURPOSE_EXPIRED = "Coordination with the sheriff on the farm case"
SERVICE_A = "Six weeks at Harbor House shelter"
ASSESSMENT_A = "Needs stable housing and trauma counselling"
PLAN_A = "Move to transitional housing within three months"
PLAN_OLD = "Emergency shelter and medical checkup"
NOTE_A = "Client worried about her sister still at the parlor"
RELIEF_CLIENT_A = "Certification requested from the police department"
RELIEF_VICTIM_A = "Declaration signed by the lead investigator"
NOTIFICATION_PROS = "Rights advisement before the arraignment"

# Keys of a release, and of the two sides of a referral, as they appear in JSON.
RELEASE_KEYS = ('"identity"', '"contact_information"', '"services_received"',
                '"immigration_relief_status"')  # fmt: skip
PROTECTED = ('"citizenship"', '"country_of_origin"', '"a_number"')
CLIENT_KEY, VICTIM_KEY = '"client":', '"victim":'
# What the sender of vsp_referral_accepted must never learn about the client.
CLIENT_A_FILE = (CLIENT_A_NAME, CLIENT_A_PHONE, CLIENT_A_NUMBER, SERVICE_A, NOTE_A)

TODAY = timezone.localdate()
LATER = (TODAY + dt.timedelta(days=30)).isoformat()
FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()
DAY = TODAY.isoformat()


def build_targets(world) -> dict[str, int]:
    """Objects of the matrix world these rows point at, by target name."""
    inv, adv, adv_b = world.investigator_a, world.advocate_a, world.advocate_b
    codes = {s.code: s for s in ServiceType.objects.all()}
    today = timezone.localdate()
    intake = {"identified_on": today, "identification_source": "reactive"}

    victim_a = services.record_victim(
        agency=world.le_a, by=inv, cases=[Case.objects.get(title=CASE_A)],
        given_name="Lucia", family_name=VICTIM_A_NAME, citizenship="foreign_without_status",
        country_of_origin="Guatemala", a_number=VICTIM_A_NUMBER, **intake,
    )  # fmt: skip
    victim_shared = services.record_victim(
        agency=world.le_a, by=inv, family_name=VICTIM_SHARED_NAME, **intake
    )
    services.share_victim(victim=victim_shared, agency=world.le_b, by=inv, reason="joint case")
    victim_pros = services.record_victim(
        agency=world.prosecution, by=world.vw_coordinator, family_name=VICTIM_PROS_NAME, **intake
    )

    def refer(provider, situation, **extra):
        return services.send_referral(
            from_agency=world.le_a, provider=provider, by=inv, situation=situation,
            services_requested=[codes["housing-emergency-shelter"]], **extra,
        )  # fmt: skip

    sent = refer(world.vsp_a, SITUATION_SENT)
    accepted = refer(world.vsp_a, SITUATION_ACCEPTED, victim=victim_a, shared_name=SHARED_NAME)
    accepted = services.accept_referral(referral=accepted, by=adv)
    declined = refer(world.vsp_a, SITUATION_DECLINED)
    services.decline_referral(referral=declined, by=adv, reason="no_capacity")
    to_b = refer(world.vsp_b, SITUATION_TO_B)

    client_a = services.update_client(
        client=accepted.client, by=adv, family_name=CLIENT_A_NAME, phone=CLIENT_A_PHONE,
        citizenship="foreign_without_status", country_of_origin=CLIENT_A_COUNTRY,
        a_number=CLIENT_A_NUMBER,
    )  # fmt: skip
    client_b = services.record_client(
        agency=world.vsp_b, by=adv_b, family_name=CLIENT_B_NAME, **intake
    )
    client_exited = services.record_client(
        agency=world.vsp_a, by=adv, family_name=CLIENT_EXITED_NAME, enrolled_on=today, **intake
    )
    services.exit_client(client=client_exited, by=adv, exited_on=today, exit_reason="goals_met")

    def release(recipient, purpose):
        return services.record_consent(
            client=client_a, by=adv, recipient=recipient, items=["enrollment_status"],
            purpose=purpose, sharing_form="electronic", starts_on=today,
            expires_on=today + dt.timedelta(days=90), signer_name=f"{SHARED_NAME} {CLIENT_A_NAME}",
            signer_role="client", voluntariness_explained=True, right_to_revoke_explained=True,
        )  # fmt: skip

    consent_live = release(world.prosecution, PURPOSE_LIVE)
    consent_revoked = release(world.le_a, PURPOSE_REVOKED)
    services.revoke_consent(consent=consent_revoked, by=adv, method="oral")
    consent_expired = release(world.le_b, PURPOSE_EXPIRED)
    # Signed months ago: past its expiry today (the expiry job has not run yet).
    type(consent_expired).objects.filter(pk=consent_expired.pk).update(
        starts_on=today - dt.timedelta(days=120), expires_on=today - dt.timedelta(days=1)
    )

    service_a = services.record_service(
        client=client_a, by=adv, service_type=codes["housing-emergency-shelter"],
        started_on=today, description=SERVICE_A,
    )  # fmt: skip
    assessment = services.assess_needs(
        client=client_a, by=adv, assessed_on=today, needs=[codes["medical"]], summary=ASSESSMENT_A
    )
    old_plan = services.write_service_plan(
        client=client_a, by=adv, starts_on=today, review_on=today, goals=PLAN_OLD
    )
    plan = services.write_service_plan(
        client=client_a, by=adv, starts_on=today, review_on=today + dt.timedelta(days=30),
        goals=PLAN_A,
    )  # fmt: skip
    note = services.add_client_note(client=client_a, by=adv, body=NOTE_A)

    relief_client = services.record_relief(
        by=adv, client=client_a, kind="u_visa_certification", requested_on=today,
        certifying_agency=world.le_a, notes=RELIEF_CLIENT_A,
    )  # fmt: skip
    relief_victim = services.record_relief(
        by=inv, victim=victim_a, kind="t_visa_declaration", requested_on=today,
        notes=RELIEF_VICTIM_A,
    )  # fmt: skip
    notification = services.log_victim_notification(
        victim=victim_pros, by=world.vw_coordinator, kind="rights_advisement",
        event=NOTIFICATION_PROS, given_on=today, method="phone",
    )  # fmt: skip

    # Partner systems: a service account each, under a name the rows can use.
    User = get_user_model()
    for username, agency in ((PARTNER_LE_A, world.le_a), (PARTNER_VSP_A, world.vsp_a)):
        application, _ = register_partner_application(
            agency=agency, name=f"{agency.acronym} records bridge", by=None
        )
        User.objects.filter(pk=application.user_id).update(username=username)

    return {
        "victim_a": victim_a.pk,
        "victim_shared": victim_shared.pk,
        "victim_pros": victim_pros.pk,
        "client_a": client_a.pk,
        "client_b": client_b.pk,
        "client_exited": client_exited.pk,
        "referral_sent": sent.pk,
        "vsp_referral_accepted": accepted.pk,
        "referral_declined": declined.pk,
        "referral_to_b": to_b.pk,
        "consent_live": consent_live.pk,
        "consent_revoked": consent_revoked.pk,
        "consent_expired": consent_expired.pk,
        "service_a": service_a.pk,
        "assessment_a": assessment.pk,
        "plan_a": plan.pk,
        "plan_superseded": old_plan.pk,
        "client_note_a": note.pk,
        "relief_client_a": relief_client.pk,
        "relief_victim_a": relief_victim.pk,
        "notification_pros": notification.pk,
    }


# --- Who sees what ------------------------------------------------------------------------------

# Detail route -> target -> personas who see it; every other active member gets 404 on it and
# does not find it in the list.
SEES: dict[str, dict[str, tuple[str, ...]]] = {
    "victim-detail": {
        "victim_a": LE_A,
        "victim_shared": (*LE_A, *INV_B),
        "victim_pros": PROSECUTION,
    },
    # Never shared, not even with a release: only the provider's own people.
    "client-detail": {
        "client_a": PROVIDER_A,
        "client_b": ADVOCATE_B,
        "client_exited": PROVIDER_A,
    },
    "referral-detail": {
        "referral_sent": (*LE_A, *PROVIDER_A),
        "vsp_referral_accepted": (*LE_A, *PROVIDER_A),
        "referral_declined": (*LE_A, *PROVIDER_A),
        "referral_to_b": (*LE_A, *ADVOCATE_B),
    },
    # A release reaches its recipient while live; revoked or expired, only the provider.
    "consent-detail": {
        "consent_live": (*PROVIDER_A, *PROSECUTION),
        "consent_revoked": PROVIDER_A,
        "consent_expired": PROVIDER_A,
    },
    "service-detail": {"service_a": PROVIDER_A},
    "needs-assessment-detail": {"assessment_a": PROVIDER_A},
    "service-plan-detail": {"plan_a": PROVIDER_A, "plan_superseded": PROVIDER_A},
    "client-note-detail": {"client_note_a": PROVIDER_A},
    "immigration-relief-detail": {"relief_client_a": PROVIDER_A, "relief_victim_a": LE_A},
    "victim-notification-detail": {"notification_pros": PROSECUTION},
}
TEXT_OF = {
    "victim_a": VICTIM_A_NAME,
    "victim_shared": VICTIM_SHARED_NAME,
    "victim_pros": VICTIM_PROS_NAME,
    "client_a": CLIENT_A_NAME,
    "client_b": CLIENT_B_NAME,
    "client_exited": CLIENT_EXITED_NAME,
    "referral_sent": SITUATION_SENT,
    "vsp_referral_accepted": SITUATION_ACCEPTED,
    "referral_declined": SITUATION_DECLINED,
    "referral_to_b": SITUATION_TO_B,
    "consent_live": PURPOSE_LIVE,
    "consent_revoked": PURPOSE_REVOKED,
    "consent_expired": PURPOSE_EXPIRED,
    "service_a": SERVICE_A,
    "assessment_a": ASSESSMENT_A,
    "plan_a": PLAN_A,
    "plan_superseded": PLAN_OLD,
    "client_note_a": NOTE_A,
    "relief_client_a": RELIEF_CLIENT_A,
    "relief_victim_a": RELIEF_VICTIM_A,
    "notification_pros": NOTIFICATION_PROS,
}
EMPTY_LIST = ('"id"',)

# What must never show to a persona on a resource, whatever the record.
NEVER: dict[str, dict[str, tuple[str, ...]]] = {
    # The sender learns the outcome, never the provider's client; the provider never gets the
    # sender's victim record.
    "referral": {
        **dict.fromkeys(LE_A, (CLIENT_KEY, *CLIENT_A_FILE, '"close_note"')),
        **dict.fromkeys((*PROVIDER_A, *ADVOCATE_B), (VICTIM_KEY, VICTIM_A_NAME, VICTIM_A_NUMBER)),
    },
    # The recipient gets the covered items only, and not who signed.
    "consent": dict.fromkeys(
        PROSECUTION, (*RELEASE_KEYS, CLIENT_KEY, CLIENT_A_NAME, CLIENT_A_PHONE, '"signer_name"')
    ),
}


def _hidden(detail: str, persona: str) -> tuple[str, ...]:
    table = SEES[detail]
    texts = tuple(TEXT_OF[t] for t, seen in table.items() if persona not in seen)
    sees_any = any(persona in seen for seen in table.values())
    return texts if sees_any else (*texts, *EMPTY_LIST)


def visibility_rows(basename: str) -> list[Row]:
    """List and detail of one resource: the list holds nothing a persona may not see, the detail
    answers 200 or 404; no membership 403, no credentials 401."""
    detail, listing = f"{basename}-detail", f"{basename}-list"
    never = NEVER.get(basename, {})
    out = [Row(listing, p, 200, absent=(*_hidden(detail, p), *never.get(p, ()))) for p in ACTIVE]
    out += refused(listing, absent=tuple(TEXT_OF[t] for t in SEES[detail]))
    for target, seen in SEES[detail].items():
        text = (TEXT_OF[target],)
        out += [Row(detail, p, 200, target=target, absent=never.get(p, ())) for p in seen]
        out += rows(detail, [p for p in ACTIVE if p not in seen], 404, target=target, absent=text)
        out += refused(detail, target=target, absent=text)
    out += rows(detail, ("investigator_a", "advocate_a"), 404, target="missing")
    return out


def no_delete(basename: str, target: str, personas) -> list[Row]:
    """Nothing is hard-deleted: no DELETE route at all."""
    return rows(f"{basename}-detail", personas, 405, method="DELETE", target=target)


# --- Request bodies ---------------------------------------------------------------------------

NEW_VICTIM = {"identified_on": DAY, "identification_source": "proactive", "given_name": "Mei"}
NEW_CLIENT = {"identified_on": DAY, "identification_source": "hotline", "given_name": "Ines"}
NEW_REFERRAL = {"provider": "@vsp_a", "services_requested": ["case-management"],
                "shared_name": "Dana", "situation": "Walk-in at the station"}  # fmt: skip
NEW_CONSENT = {
    "client": "@client_a",
    "recipient": "@vsp_b",
    "items": ["enrollment_status", "services_received"],
    "purpose": "Legal representation",
    "sharing_form": "written",
    "starts_on": DAY,
    "expires_on": LATER,
    "signer_name": "Rosa Quintero",
    "signer_role": "client",
    "voluntariness_explained": True,
    "right_to_revoke_explained": True,
}
NEW_SERVICE = {"client": "@client_a", "service_type": "medical", "started_on": DAY}
NEW_ASSESSMENT = {"client": "@client_a", "assessed_on": DAY, "needs": ["legal-immigration"]}
NEW_PLAN = {"client": "@client_a", "starts_on": DAY, "review_on": LATER, "goals": "Find work"}
NEW_NOTE = {"client": "@client_a", "body": "Called back, doing well"}
NEW_NOTIFICATION = {"victim": "@victim_pros", "kind": "notification",
                    "event": "Trial date set", "given_on": DAY, "method": "letter"}  # fmt: skip


API_ROWS: list[Row] = [
    # --- what each persona sees: every list and detail ----------------------------------------
    *visibility_rows("victim"),
    *visibility_rows("client"),
    *visibility_rows("referral"),
    *visibility_rows("consent"),
    *visibility_rows("service"),
    *visibility_rows("needs-assessment"),
    *visibility_rows("service-plan"),
    *visibility_rows("client-note"),
    *visibility_rows("immigration-relief"),
    *visibility_rows("victim-notification"),
    # The holder sees the protected fields of its own records.
    Row("victim-detail", "investigator_a", 200, target="victim_a"),
    # The recipient of a live release reads exactly the released items.
    *rows("consent-detail", PROSECUTION, 200, target="consent_live",
          absent=NEVER["consent"]["prosecutor"]),
    # --- partner systems: no immigration-protected field, no immigration relief -------------
    Row("victim-detail", PARTNER_LE_A, 200, target="victim_a",
        absent=(*PROTECTED, VICTIM_A_NUMBER, "Guatemala")),
    Row("victim-list", PARTNER_LE_A, 200, absent=(*PROTECTED, VICTIM_A_NUMBER)),
    Row("client-detail", PARTNER_VSP_A, 200, target="client_a",
        absent=(*PROTECTED, CLIENT_A_NUMBER, CLIENT_A_COUNTRY)),
    Row("client-list", PARTNER_VSP_A, 200, absent=(*PROTECTED, CLIENT_A_NUMBER)),
    *rows("immigration-relief-list", PARTNERS, 200, absent=EMPTY_LIST),
    Row("immigration-relief-detail", PARTNER_LE_A, 404, target="relief_victim_a",
        absent=(RELIEF_VICTIM_A,)),
    Row("immigration-relief-detail", PARTNER_VSP_A, 404, target="relief_client_a",
        absent=(RELIEF_CLIENT_A,)),
    # A partner may not write the protected fields either: they are ignored.
    Row("victim-detail", PARTNER_LE_A, 200, "PATCH", "victim_a",
        {"a_number": "A000000001", "alias": "Lu"}, absent=(*PROTECTED, "A000000001")),
    # --- victims: law enforcement and prosecution hold them ---------------------------------
    *rows("victim-list", VICTIM_HOLDERS, 201, method="POST", data=NEW_VICTIM),
    *rows("victim-list", (*PROVIDERS, *COMMUNITY, *COORDINATORS), 403, method="POST",
          data=NEW_VICTIM),
    *refused("victim-list", method="POST", data=NEW_VICTIM),
    Row("victim-list", "investigator_a", 400, "POST",
        data={**NEW_VICTIM, "date_of_birth": FUTURE}),
    Row("victim-list", "investigator_a", 400, "POST",
        data={**NEW_VICTIM, "race_ethnicity": ["asian", "purple"]}),
    Row("victim-list", "investigator_a", 400, "POST", data={"given_name": "Mei"}),
    # Another agency's record, or a case out of reach.
    Row("victim-list", "investigator_a", 403, "POST", data={**NEW_VICTIM, "agency": "@le_b"}),
    Row("victim-list", "investigator_a", 400, "POST", data={**NEW_VICTIM, "cases": ["@case_b"]}),
    *write_rows("victim-detail", "victim_a", {"alias": "Lu"}, method="PATCH", allowed=LE_A),
    *write_rows("victim-detail", "victim_shared", {"alias": "Lu"}, method="PATCH",
                allowed=LE_A, view_only=INV_B),
    Row("victim-detail", "investigator_a", 400, "PATCH", "victim_a",
        {"date_of_birth": FUTURE}),
    *no_delete("victim", "victim_a", LE_A),
    *write_rows("victim-share", "victim_a", {"agency": "@prosecution"}, allowed=LE_A),
    *write_rows("victim-share", "victim_shared", {"agency": "@prosecution"}, allowed=LE_A,
                view_only=INV_B),
    Row("victim-share", "investigator_a", 400, "POST", "victim_a", {"agency": "@vsp_a"}),
    Row("victim-share", "investigator_a", 400, "POST", "victim_a", {}),
    *write_rows("victim-unshare", "victim_shared", {"agency": "@le_b"}, allowed=LE_A,
                view_only=INV_B),
    # --- clients: the provider's own -----------------------------------------------------------
    *rows("client-list", PROVIDERS, 201, method="POST", data=NEW_CLIENT),
    *rows("client-list", (*VICTIM_HOLDERS, *COMMUNITY, *COORDINATORS), 403, method="POST",
          data=NEW_CLIENT),
    *refused("client-list", method="POST", data=NEW_CLIENT),
    Row("client-list", "advocate_a", 400, "POST", data={**NEW_CLIENT, "date_of_birth": FUTURE}),
    Row("client-list", "advocate_a", 400, "POST",
        data={**NEW_CLIENT, "disabilities": ["not_reported", "hearing"]}),
    *write_rows("client-detail", "client_a", {"phone": "555-0199"}, method="PATCH",
                allowed=PROVIDER_A),
    Row("client-detail", "advocate_a", 400, "PATCH", "client_a", {"enrolled_on": FUTURE}),
    *no_delete("client", "client_a", PROVIDER_A),
    *write_rows("client-exit", "client_a", {"exited_on": DAY, "exit_reason": "goals_met"},
                allowed=PROVIDER_A),
    *write_rows("client-exit", "client_b", {"exited_on": DAY, "exit_reason": "moved"},
                allowed=ADVOCATE_B),
    *rows("client-exit", PROVIDER_A, 409, method="POST", target="client_exited",
          data={"exited_on": DAY, "exit_reason": "moved"}),
    Row("client-exit", "advocate_a", 400, "POST", "client_a", {"exited_on": DAY}),
    # --- referrals: anyone refers to a provider; the provider answers ------------------------
    *rows("referral-list", (*VICTIM_HOLDERS, *ADVOCATE_B, *COMMUNITY, *COORDINATORS), 201,
          method="POST", data=NEW_REFERRAL),
    # A provider does not refer to itself.
    *rows("referral-list", PROVIDER_A, 400, method="POST", data=NEW_REFERRAL),
    *refused("referral-list", method="POST", data=NEW_REFERRAL),
    Row("referral-list", "investigator_a", 201, "POST",
        data={**NEW_REFERRAL, "victim": "@victim_a", "urgency": "urgent"}),
    Row("referral-list", "investigator_b", 400, "POST",
        data={**NEW_REFERRAL, "victim": "@victim_a"}),
    Row("referral-list", "investigator_a", 400, "POST", data={**NEW_REFERRAL, "provider": "@le_b"}),
    Row("referral-list", "investigator_a", 400, "POST",
        data={**NEW_REFERRAL, "services_requested": []}),
    Row("referral-list", "investigator_a", 400, "POST",
        data={**NEW_REFERRAL, "services_requested": ["teleportation"]}),
    *write_rows("referral-accept", "referral_sent", {}, allowed=PROVIDER_A, view_only=LE_A,
                allowed_status=200),
    Row("referral-accept", "advocate_a", 200, "POST", "referral_sent", {},
        absent=(VICTIM_KEY,)),
    Row("referral-accept", "advocate_b", 200, "POST", "referral_to_b", {}),
    *rows("referral-accept", PROVIDER_A, 409, method="POST", target="referral_declined", data={}),
    *rows("referral-accept", PROVIDER_A, 409, method="POST", target="vsp_referral_accepted",
          data={}),
    *write_rows("referral-decline", "referral_sent", {"reason": "no_capacity"},
                allowed=PROVIDER_A, view_only=LE_A),
    Row("referral-decline", "advocate_a", 400, "POST", "referral_sent", {}),
    Row("referral-decline", "advocate_a", 400, "POST", "referral_sent", {"reason": "other"}),
    *rows("referral-decline", PROVIDER_A, 409, method="POST", target="vsp_referral_accepted",
          data={"reason": "no_capacity"}),
    *write_rows("referral-withdraw", "referral_sent", {"reason": "Found another provider"},
                allowed=LE_A, view_only=PROVIDER_A),
    *rows("referral-withdraw", LE_A, 409, method="POST", target="vsp_referral_accepted",
          data={}),
    *rows("referral-withdraw", LE_A, 409, method="POST", target="referral_declined", data={}),
    *write_rows("referral-close", "vsp_referral_accepted", {"note": "Services completed"},
                allowed=PROVIDER_A, view_only=LE_A),
    Row("referral-close", "advocate_a", 200, "POST", "referral_declined", {}),
    *rows("referral-close", PROVIDER_A, 409, method="POST", target="referral_sent", data={}),
    *rows("referral-detail", (*LE_A, *PROVIDER_A), 405, method="DELETE", target="referral_sent"),
    *rows("referral-detail", (*LE_A, *PROVIDER_A), 405, method="PATCH", target="referral_sent",
          data={"status": "accepted"}),
    # Ranked suggestions: every active member (any agency may refer).
    *rows("referral-suggestions", ACTIVE, 200, absent=('"Traceback"',)),
    *refused("referral-suggestions"),
    # --- releases of information --------------------------------------------------------------
    *create_rows("consent-list", NEW_CONSENT, allowed=PROVIDER_A),
    # One live release per recipient; never to the provider itself; both statements explained.
    Row("consent-list", "advocate_a", 400, "POST",
        data={**NEW_CONSENT, "recipient": "@prosecution"}),
    Row("consent-list", "advocate_a", 400, "POST", data={**NEW_CONSENT, "recipient": "@vsp_a"}),
    Row("consent-list", "advocate_a", 400, "POST",
        data={**NEW_CONSENT, "voluntariness_explained": False}),
    Row("consent-list", "advocate_a", 400, "POST", data={**NEW_CONSENT, "expires_on": DAY,
                                                        "starts_on": LATER}),
    Row("consent-list", "advocate_a", 400, "POST", data={**NEW_CONSENT, "items": ["diary"]}),
    *write_rows("consent-revoke", "consent_live", {"method": "oral"}, allowed=PROVIDER_A,
                view_only=PROSECUTION),
    Row("consent-revoke", "advocate_a", 400, "POST", "consent_live", {}),
    *rows("consent-revoke", PROVIDER_A, 409, method="POST", target="consent_revoked",
          data={"method": "written"}),
    *rows("consent-revoke", PROVIDER_A, 409, method="POST", target="consent_expired",
          data={"method": "written"}),
    *rows("consent-detail", PROVIDER_A, 405, method="PATCH", target="consent_live",
          data={"items": ["identity"]}),
    *no_delete("consent", "consent_live", (*PROVIDER_A, *PROSECUTION)),
    # --- the client file: services, needs, plans, notes ---------------------------------------
    *create_rows("service-list", NEW_SERVICE, allowed=PROVIDER_A),
    Row("service-list", "advocate_a", 400, "POST",
        data={**NEW_SERVICE, "status": "completed"}),
    *write_rows("service-detail", "service_a", {"description": "Extended stay"},
                method="PATCH", allowed=PROVIDER_A),
    Row("service-detail", "advocate_a", 400, "PATCH", "service_a", {"ended_on": "2001-01-01"}),
    *no_delete("service", "service_a", PROVIDER_A),
    *create_rows("needs-assessment-list", NEW_ASSESSMENT, allowed=PROVIDER_A),
    Row("needs-assessment-list", "advocate_a", 400, "POST", data={**NEW_ASSESSMENT, "needs": []}),
    *rows("needs-assessment-detail", PROVIDER_A, 405, method="PATCH", target="assessment_a",
          data={"summary": "Edited"}),
    *create_rows("service-plan-list", NEW_PLAN, allowed=PROVIDER_A),
    Row("service-plan-list", "advocate_a", 400, "POST",
        data={**NEW_PLAN, "review_on": "2001-01-01"}),
    *write_rows("service-plan-complete", "plan_a", {}, allowed=PROVIDER_A),
    *rows("service-plan-complete", PROVIDER_A, 409, method="POST", target="plan_superseded",
          data={}),
    *rows("service-plan-detail", PROVIDER_A, 405, method="PATCH", target="plan_a",
          data={"goals": "Edited"}),
    *create_rows("client-note-list", NEW_NOTE, allowed=PROVIDER_A),
    Row("client-note-list", "advocate_a", 400, "POST", data={**NEW_NOTE, "body": ""}),
    # Notes are corrected by their author only, never edited or deleted.
    *write_rows("client-note-correct", "client_note_a", {"body": "Her cousin, not her sister"},
                allowed=("advocate_a",), allowed_status=201, view_only=("vsp_supervisor_a",)),
    Row("client-note-correct", "advocate_a", 400, "POST", "client_note_a", {}),
    *rows("client-note-detail", PROVIDER_A, 405, method="PATCH", target="client_note_a",
          data={"body": "Edited"}),
    *no_delete("client-note", "client_note_a", PROVIDER_A),
    # --- immigration relief ------------------------------------------------------------------
    *create_rows("immigration-relief-list",
                 {"client": "@client_a", "kind": "t_visa_declaration", "requested_on": DAY},
                 allowed=PROVIDER_A),
    *create_rows("immigration-relief-list",
                 {"victim": "@victim_a", "kind": "u_visa_certification", "requested_on": DAY},
                 allowed=LE_A),
    *create_rows("immigration-relief-list",
                 {"victim": "@victim_shared", "kind": "t_visa_declaration", "requested_on": DAY},
                 allowed=LE_A, view_only=INV_B),
    # Continued Presence is requested by federal law enforcement only; one record, not two.
    Row("immigration-relief-list", "investigator_a", 400, "POST",
        data={"victim": "@victim_a", "kind": "continued_presence", "requested_on": DAY}),
    Row("immigration-relief-list", "investigator_a", 400, "POST",
        data={"kind": "t_visa_declaration", "requested_on": DAY}),
    Row("immigration-relief-list", "investigator_a", 400, "POST",
        data={"victim": "@victim_a", "kind": "t_visa_declaration", "requested_on": FUTURE}),
    *write_rows("immigration-relief-detail", "relief_victim_a", {"status": "submitted"},
                method="PATCH", allowed=LE_A),
    *write_rows("immigration-relief-detail", "relief_client_a", {"status": "submitted"},
                method="PATCH", allowed=PROVIDER_A),
    *no_delete("immigration-relief", "relief_victim_a", LE_A),
    *write_rows("immigration-relief-share", "relief_victim_a", {"agency": "@vsp_a"},
                allowed=LE_A),
    # A provider's relief record leaves it only through a signed release.
    Row("immigration-relief-share", "advocate_a", 400, "POST", "relief_client_a",
        {"agency": "@le_a"}),
    Row("immigration-relief-share", "investigator_a", 400, "POST", "relief_victim_a",
        {"agency": "@community"}),
    # --- victim notifications: the prosecution's victim-witness staff ----------------------
    *create_rows("victim-notification-list", NEW_NOTIFICATION, allowed=PROSECUTION),
    # Law enforcement sees its own victim, but does not log CVRA notifications.
    *create_rows("victim-notification-list", {**NEW_NOTIFICATION, "victim": "@victim_a"},
                 allowed=(), view_only=LE_A),
    Row("victim-notification-list", "vw_coordinator", 400, "POST",
        data={**NEW_NOTIFICATION, "given_on": FUTURE}),
    *rows("victim-notification-detail", PROSECUTION, 405, method="PATCH",
          target="notification_pros", data={"event": "Edited"}),
]  # fmt: skip

# Browser pages of the victims app live in their own table.
PAGE_ROWS: list[Row] = []
