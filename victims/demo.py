"""Demo victims, referrals, clients, releases and immigration relief for ``seed_demo``.

Fictional people, all made through the services, on the demo cases of ``cases.demo`` (which
runs first). Idempotent: nothing is added once a demo case has a victim record.

Two things the services only ever record as of today are moved back in time afterwards, because
the demo must show them: a release that ran out last month (the services refuse to record an
expired release) and a referral nobody answered in time (a referral is always sent "now").
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Language, ServiceType
from cases.models import Case, CourtEvent
from victims import deadlines, services
from victims.models import Consent, Referral, VictimWitness

User = get_user_model()

DEMO_PREFIX = "Demo:"


def _user(username: str):
    return User.objects.get(username=username)


def _agency(acronym: str) -> Agency:
    return Agency.objects.get(acronym=acronym)


def _case(title: str) -> Case:
    return Case.objects.get(title=title)


def _language(code: str) -> Language:
    return Language.objects.get(code=code)


def _services(*codes: str) -> list[ServiceType]:
    return list(ServiceType.objects.filter(code__in=codes))


def seed() -> int:
    """Create the demo victim side unless it is there. Returns how many victim records it made."""
    if VictimWitness.objects.filter(cases__title__startswith=DEMO_PREFIX).exists():
        return 0
    today, now = timezone.localdate(), timezone.now()
    investigator, sheriff, fed = (
        _user("investigator"),
        _user("sheriff_investigator"),
        _user("fed_agent"),
    )
    prosecutor, advocate, legal_advocate = (
        _user("prosecutor"),
        _user("advocate"),
        _user("legal_advocate"),
    )
    rpd, dcso, hsi, dcda = _agency("RPD"), _agency("DCSO"), _agency("HSI"), _agency("DCDA")
    harbor, crossroads = _agency("HLSS"), _agency("CILS")

    # 1. Lantern: a worker from the massage parlors, referred to Harbor Light and taken on.
    mei = services.record_victim(
        agency=rpd,
        by=investigator,
        cases=[_case("Demo: Operation Lantern (massage parlors on Route 9)")],
        given_name="Mei",
        family_name="Lin",
        estimated_age=29,
        identified_on=today - dt.timedelta(days=12),
        identification_source="proactive",
        referral_source="local_le",
        gender="female",
        citizenship="foreign_without_status",
        country_of_origin="CN",
        primary_language=_language("zh"),
        interpreter_needed=True,
        trafficking_type="sex",
        safe_contact_notes="Only through Det. Reyes; the employer checks her phone.",
    )
    to_harbor = services.send_referral(
        from_agency=rpd,
        provider=harbor,
        by=investigator,
        victim=mei,
        services_requested=_services(
            "case-management", "housing-emergency-shelter", "crisis-intervention"
        ),
        urgency="urgent",
        shared_name="Mei",
        shared_age=29,
        shared_gender="female",
        shared_language=_language("zh"),
        interpreter_needed=True,
        trafficking_type="sex",
        foreign_national=True,
        contact_instructions="Call Det. Reyes first; she is staying at a friend's place.",
        situation=f"{DEMO_PREFIX} recovered during surveillance; needs a safe place tonight.",
    )
    client = services.accept_referral(referral=to_harbor, by=advocate).client
    # The intake asks what the referral did not share.
    client = services.update_client(
        client=client,
        by=advocate,
        family_name="Lin",
        citizenship="foreign_without_status",
        country_of_origin="CN",
        race_ethnicity=["asian"],
    )
    for code, started in (("case-management", today), ("housing-emergency-shelter", today)):
        services.record_service(
            client=client,
            by=advocate,
            service_type=ServiceType.objects.get(code=code),
            started_on=started,
        )
    services.record_service(
        client=client,
        by=advocate,
        service_type=ServiceType.objects.get(code="interpretation"),
        started_on=today,
        partner=crossroads,
        description="Mandarin interpretation for the intake and the safety plan.",
    )
    services.assess_needs(
        client=client,
        by=advocate,
        assessed_on=today,
        needs=_services(
            "case-management",
            "housing-emergency-shelter",
            "mental-health",
            "legal-immigration",
            "interpretation",
        ),
        summary="Needs shelter, trauma counseling and an immigration attorney.",
    )
    services.write_service_plan(
        client=client,
        by=advocate,
        starts_on=today,
        review_on=today + dt.timedelta(days=30),
        goals="Stable shelter; counseling weekly; consultation with Crossroads on a T visa.",
    )
    services.add_client_note(
        client=client,
        by=advocate,
        body="Intake with an interpreter. Prefers a female advocate. Afraid of the employer.",
    )
    # A live release to the district attorney (enrollment and services) that runs out within
    # two weeks, so its expiry reminder shows, and one to the police that she revoked by phone.
    services.record_consent(
        client=client,
        by=advocate,
        recipient=dcda,
        items=["enrollment_status", "services_received"],
        purpose="Victim-witness coordination for the prosecution.",
        sharing_form="electronic",
        starts_on=today,
        expires_on=today + dt.timedelta(days=10),
        signer_name="Mei Lin",
        signer_role="client",
        language=_language("zh"),
        interpreter_used=True,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    to_police = services.record_consent(
        client=client,
        by=advocate,
        recipient=rpd,
        items=["identity", "contact_information"],
        purpose="Let the detective reach her for the investigation.",
        sharing_form="electronic",
        starts_on=today,
        expires_on=today + dt.timedelta(days=90),
        signer_name="Mei Lin",
        signer_role="client",
        language=_language("zh"),
        interpreter_used=True,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    services.revoke_consent(
        consent=to_police,
        by=advocate,
        method="oral",
        note="Asked by phone that the police no longer receive her contact details.",
    )

    # 2. Riverside Motel: the minor, referred urgently and waiting in Harbor Light's inbox.
    riverside = _case("Demo: Riverside Motel")
    jasmine = services.record_victim(
        agency=rpd,
        by=investigator,
        cases=[riverside],
        given_name="Jasmine",
        family_name="Cole",
        date_of_birth=dt.date(today.year - 16, 5, 4),
        identified_on=today - dt.timedelta(days=120),
        identification_source="school",
        referral_source="school",
        gender="female",
        citizenship="us_citizen",
        primary_language=_language("en"),
        trafficking_type="sex",
    )
    services.send_referral(
        from_agency=rpd,
        provider=harbor,
        by=investigator,
        victim=jasmine,
        services_requested=_services("mental-health", "case-management", "education"),
        shared_name="Jasmine",
        shared_age=16,
        shared_gender="female",
        shared_language=_language("en"),
        trafficking_type="sex",
        foreign_national=False,
        contact_instructions="Through her grandmother (guardian); the school counselor knows.",
        situation=f"{DEMO_PREFIX} counseling before the plea hearing; back in school.",
    )
    # The prosecution's own victim-witness record of her, with its CVRA log.
    witness = services.record_victim(
        agency=dcda,
        by=prosecutor,
        cases=[riverside],
        given_name="Jasmine",
        family_name="Cole",
        date_of_birth=dt.date(today.year - 16, 5, 4),
        identified_on=today - dt.timedelta(days=95),
        identification_source="other",
        referral_source="local_le",
        gender="female",
        citizenship="us_citizen",
        primary_language=_language("en"),
        trafficking_type="sex",
    )
    services.log_victim_notification(
        victim=witness,
        by=prosecutor,
        kind="rights_advisement",
        event="Rights under 18 U.S.C. 3771 explained with her guardian.",
        given_on=today - dt.timedelta(days=94),
        method="in_person",
    )
    services.log_victim_notification(
        victim=witness,
        by=prosecutor,
        kind="notification",
        event="Plea hearing: date, time and courtroom.",
        given_on=today,
        method="through_advocate",
        court_event=CourtEvent.objects.filter(prosecution__case=riverside).first(),
    )

    # 3. Orchard crew: a 16-year-old from Guatemala. HHS must hear within 24 hours; the
    #    referral to Crossroads has gone unanswered past its deadline.
    orchard = _case("Demo: Dunmore orchard crew")
    mateo = services.record_victim(
        agency=dcso,
        by=sheriff,
        cases=[orchard],
        given_name="Mateo",
        estimated_age=16,
        identified_on=today - dt.timedelta(days=3),
        identification_source="hotline",
        referral_source="hotline",
        gender="male",
        citizenship="foreign_without_status",
        country_of_origin="GT",
        primary_language=_language("mam"),
        interpreter_needed=True,
        trafficking_type="labor",
    )
    services.record_relief(
        by=sheriff,
        victim=mateo,
        kind="hhs_rfa",
        status="submitted",
        requested_on=today - dt.timedelta(days=3),
        discovered_at=now - dt.timedelta(days=3, hours=2),
        notes="Request for Assistance sent to HHS OTIP the day he was found.",
    )
    overdue = services.send_referral(
        from_agency=dcso,
        provider=crossroads,
        by=sheriff,
        victim=mateo,
        services_requested=_services("legal-immigration", "interpretation"),
        shared_name="Mateo",
        shared_age=16,
        shared_gender="male",
        shared_language=_language("mam"),
        interpreter_needed=True,
        trafficking_type="labor",
        foreign_national=True,
        contact_instructions="Staying at the county's emergency foster home.",
        situation=f"{DEMO_PREFIX} crew leader held his passport; speaks Mam, some Spanish.",
    )
    sent_at = now - dt.timedelta(days=2, hours=5)
    Referral.objects.filter(pk=overdue.pk).update(
        sent_at=sent_at,
        created_at=sent_at,
        updated_at=sent_at,
        respond_by=sent_at + services.response_window(urgent=False, minor=True),
    )
    # Its deadline follows the backdated dates: already past, so the first scan escalates it.
    deadlines.sync_referral(Referral.objects.get(pk=overdue.pk))
    # A worker of the same crew went home before anyone answered: the sheriff withdrew it.
    tomas = services.record_victim(
        agency=dcso,
        by=sheriff,
        cases=[orchard],
        given_name="Tomás",
        estimated_age=41,
        identified_on=today - dt.timedelta(days=3),
        identification_source="reactive",
        referral_source="hotline",
        gender="male",
        citizenship="foreign_with_status",
        country_of_origin="MX",
        primary_language=_language("es"),
        trafficking_type="labor",
    )
    withdrawn = services.send_referral(
        from_agency=dcso,
        provider=harbor,
        by=sheriff,
        victim=tomas,
        services_requested=_services("transportation", "basic-necessities"),
        shared_name="Tomás",
        shared_age=41,
        shared_gender="male",
        shared_language=_language("es"),
        trafficking_type="labor",
        foreign_national=True,
        situation=f"{DEMO_PREFIX} wants to go home to his family in Michoacán.",
    )
    services.withdraw_referral(
        referral=withdrawn, by=sheriff, reason="He returned to Mexico with his consulate's help."
    )

    # 4. Lakeview Estates: declined by Harbor Light (no immigration lawyers), taken on by
    #    Crossroads, closed once the T visa was filed. HSI asked for Continued Presence.
    lakeview = _case("Demo: Domestic servitude, Lakeview Estates")
    rosa = services.record_victim(
        agency=hsi,
        by=fed,
        cases=[lakeview],
        given_name="Rosalind",
        family_name="Abad",
        date_of_birth=dt.date(1981, 9, 23),
        identified_on=today - dt.timedelta(days=34),
        identification_source="reactive",
        referral_source="family_friend",
        gender="female",
        citizenship="foreign_without_status",
        country_of_origin="PH",
        primary_language=_language("tl"),
        trafficking_type="labor",
    )
    services.record_relief(
        by=fed,
        victim=rosa,
        kind="continued_presence",
        status="granted",
        requested_on=today - dt.timedelta(days=30),
        decided_on=today - dt.timedelta(days=9),
        expires_on=today - dt.timedelta(days=9) + dt.timedelta(days=730),
    )
    shared = {
        "from_agency": hsi,
        "by": fed,
        "victim": rosa,
        "services_requested": _services("legal-immigration", "legal-civil-wage-labor"),
        "shared_name": "Rosalind",
        "shared_age": rosa.age_at_identification,
        "shared_gender": "female",
        "shared_language": _language("tl"),
        "trafficking_type": "labor",
        "foreign_national": True,
        "situation": f"{DEMO_PREFIX} three years unpaid; wants a T visa and her back wages.",
    }
    services.decline_referral(
        referral=services.send_referral(provider=harbor, **shared),
        by=advocate,
        reason="not_offered",
        note="No immigration attorney on staff: Crossroads is the better fit.",
    )
    taken = services.send_referral(provider=crossroads, **shared)
    services.accept_referral(referral=taken, by=legal_advocate)
    services.close_referral(
        referral=taken, by=legal_advocate, note="T visa application filed; legal services go on."
    )

    # 5. A walk-in from the hotline last year: a U visa certification signed by the district
    #    attorney, and a release to the police that has run out.
    ana = services.record_client(
        agency=harbor,
        by=advocate,
        given_name="Ana",
        family_name="Reyes Mejía",
        estimated_age=34,
        identified_on=today - dt.timedelta(days=420),
        identification_source="hotline",
        referral_source="hotline",
        gender="female",
        citizenship="foreign_without_status",
        country_of_origin="HN",
        primary_language=_language("es"),
        trafficking_type="labor",
        enrolled_on=today - dt.timedelta(days=418),
        case_manager=advocate,
    )
    services.record_service(
        client=ana,
        by=advocate,
        service_type=ServiceType.objects.get(code="housing-transitional"),
        status="completed",
        started_on=today - dt.timedelta(days=410),
        ended_on=today - dt.timedelta(days=200),
    )
    services.record_service(
        client=ana,
        by=advocate,
        service_type=ServiceType.objects.get(code="legal-criminal-justice"),
        started_on=today - dt.timedelta(days=150),
    )
    signed_on = today - dt.timedelta(days=100)
    services.record_relief(
        by=advocate,
        client=ana,
        kind="u_visa_certification",
        status="granted",
        certifying_agency=dcda,
        requested_on=today - dt.timedelta(days=130),
        signed_on=signed_on,
        notes="I-918 Supplement B signed by the district attorney; file the petition in time.",
    )
    lapsed = services.record_consent(
        client=ana,
        by=advocate,
        recipient=rpd,
        items=["enrollment_status"],
        purpose="Confirm to the detective that she is in services.",
        sharing_form="written",
        starts_on=today,
        expires_on=today + dt.timedelta(days=1),
        signer_name="Ana Reyes Mejía",
        signer_role="client",
        language=_language("es"),
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    # Signed ten months ago for nine months; then the expiry job removes the grant, as it would.
    starts_on = today - dt.timedelta(days=300)
    Consent.objects.filter(pk=lapsed.pk).update(
        starts_on=starts_on,
        expires_on=starts_on + dt.timedelta(days=270),
        created_at=timezone.make_aware(dt.datetime.combine(starts_on, dt.time(10))),
    )
    deadlines.sync_consent(Consent.objects.get(pk=lapsed.pk))
    services.expire_consents()
    return 6
