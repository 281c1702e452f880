"""Demo governance for ``seed_demo`` (fictional; idempotent: nothing is added twice).

A charter with goals and objectives in progress, an executed MOU and one circulating for
signature, two protocols (one due for review), a decision log, typology leads, committees and a
meeting with minutes. MOUs are signed by agency supervisors, so two supervisors join the demo.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency
from protocols import services
from protocols.models import Charter, LeadershipRole, ProtocolTopic

User = get_user_model()


def _agency(acronym: str) -> Agency:
    return Agency.objects.get(acronym=acronym)


def seed() -> bool:
    """Create the demo governance records if they are missing. Returns whether it did.

    The people are the demo task force's users (``seed_demo``), supervisors included."""
    people = {n: User.objects.get(username=n) for n in ("police_supervisor", "services_director")}
    if Charter.objects.exists():
        return False
    coordinator = User.objects.get(username="coordinator")
    investigator, advocate = (User.objects.get(username=n) for n in ("investigator", "advocate"))
    police, director = people["police_supervisor"], people["services_director"]
    rpd, hlss, cils, hsi = (_agency(a) for a in ("RPD", "HLSS", "CILS", "HSI"))
    today = timezone.localdate()

    # --- Charter, goals, objectives in progress. ---
    services.set_charter(
        by=coordinator,
        mission="Identify and protect every victim of sex and labor trafficking in the region, "
        "and hold traffickers accountable.",
        purpose="Coordinate investigations, prosecutions and comprehensive victim services "
        "across member agencies, train responders and raise community awareness.",
        adopted_on=today - dt.timedelta(days=400),
    )
    goals = [
        ("Identify victims and deliver comprehensive services", [
            ("Refer identified victims within 24 hours", advocate, "Referrals on time (%)",
             90, [60, 74, 81]),
            ("Screen adult labor cases for immigration relief", director, "Cases screened",
             40, [12, 19]),
        ]),
        ("Investigate proactively, at local and federal level", [
            ("Open proactive labor trafficking investigations", police, "Investigations", 12,
             [3, 5]),
        ]),
        ("Train responders and raise awareness", [
            ("Train patrol officers on trafficking indicators", police, "Officers trained", 200,
             [45, 110, 138]),
        ]),
    ]  # fmt: skip
    for position, (title, objectives) in enumerate(goals):
        goal = services.add_goal(by=coordinator, title=title, position=position)
        for name, owner, measure, target, readings in objectives:
            objective = services.add_objective(
                by=coordinator, goal=goal, title=name, owner=owner, measure=measure,
                target_value=Decimal(target), target_date=today + dt.timedelta(days=240),
            )  # fmt: skip
            for step, value in enumerate(readings):
                services.record_progress(
                    objective=objective, by=coordinator, value=Decimal(value),
                    recorded_on=today - dt.timedelta(days=30 * (len(readings) - step)),
                    note="Quarterly data review",
                )  # fmt: skip

    # --- An executed MOU (ending within the quarter: its renewal reminders are due) and one
    #     circulating for signature. ---
    operating = services.create_mou(
        by=coordinator,
        title="Task Force Operating MOU",
        purpose="A victim-centered, coordinated response to human trafficking.",
        approving_body="Executive board",
        effective_date=today - dt.timedelta(days=180),
        end_date=today + dt.timedelta(days=75),
        signatories=[
            {"agency": rpd, "roles": "Lead law-enforcement agency for adult sex trafficking",
             "responsibilities": "Notify the victim service provider before operations.",
             "resources": "Two detectives assigned part time", "fiscal": "None"},
            {"agency": hlss, "roles": "Lead service provider",
             "responsibilities": "Respond to referrals within 24 hours, around the clock.",
             "resources": "Crisis line and emergency shelter beds",
             "fiscal": "Shelter costs met from the VOCA grant"},
        ],
    )  # fmt: skip
    services.circulate_mou(mou=operating, by=coordinator)
    services.sign_mou(mou=operating, by=police, agency=rpd, signer_title="Lieutenant",
                      signed_on=today - dt.timedelta(days=185))  # fmt: skip
    services.sign_mou(mou=operating, by=director, agency=hlss, signer_title="Executive Director",
                      signed_on=today - dt.timedelta(days=182))  # fmt: skip
    labor = services.create_mou(
        by=coordinator,
        title="Labor Trafficking Response MOU",
        purpose="Joint response to labor trafficking, including immigration relief.",
        approving_body="Executive board",
        effective_date=today + dt.timedelta(days=14),
        end_date=today + dt.timedelta(days=745),
        signatories=[
            {"agency": rpd, "roles": "Investigations"},
            {"agency": hlss, "roles": "Case management and shelter"},
            {"agency": cils, "roles": "Immigration and wage-claim legal services"},
        ],
    )  # fmt: skip
    services.circulate_mou(mou=labor, by=coordinator)
    services.sign_mou(mou=labor, by=police, agency=rpd, signer_title="Lieutenant")

    # --- Two protocols (the media protocol is due for review) and the decision log. ---
    referral = services.create_protocol(
        by=coordinator,
        title="Victim identification and referral",
        topic=ProtocolTopic.objects.get(code="victim-identification-referral"),
        owner=director,
        review_date=today + dt.timedelta(days=200),
        text="Any member who identifies a potential victim refers them to the lead service "
        "provider for the victim's typology within 24 hours, and to law enforcement only with "
        "the victim's informed consent unless a minor is involved.",
    )
    media = services.create_protocol(
        by=coordinator,
        title="Media",
        topic=ProtocolTopic.objects.get(code="media"),
        owner=coordinator,
        review_date=today + dt.timedelta(days=12),
        text="Only the task force's media contact speaks for the task force. No victim is "
        "named or shown.",
    )
    first = services.record_decision(
        by=coordinator,
        question="Adopt the victim identification and referral protocol?",
        method="consensus",
        outcome="Adopted by consensus of the members present.",
        decided_on=today - dt.timedelta(days=150),
        adopted_protocol_version=referral.versions.get(),
    )
    services.record_decision(
        by=coordinator,
        question="Adopt the media protocol?",
        method="majority_vote",
        outcome="Adopted, 3 votes to 0 with 1 abstention.",
        decided_on=today - dt.timedelta(days=120),
        votes=[(rpd, "yes"), (hlss, "yes"), (cils, "yes"), (hsi, "abstain")],
        adopted_protocol_version=media.versions.get(),
    )
    services.record_decision(
        by=coordinator,
        question="Approve the Task Force Operating MOU",
        method="executive_board",
        outcome="Approved for signature.",
        decided_on=today - dt.timedelta(days=190),
        adopted_mou=operating,
    )
    services.add_protocol_version(
        protocol=referral,
        by=director,
        text=referral.versions.get().text + " Labor cases are also referred to legal services.",
        changes="Adds legal services for labor cases; awaiting a decision.",
    )
    services.record_decision(
        by=coordinator,
        question="Review the referral protocol's response time",
        method="consensus",
        outcome="Keep 24 hours; revisit after the next data review.",
        decided_on=today - dt.timedelta(days=30),
        supersedes=first,
    )

    # --- Leadership by victim typology, officers, committees and a meeting. ---
    starts = today - dt.timedelta(days=180)
    for minor in (False, True):
        for foreign_national in (False, True):
            typology = {"minor": minor, "foreign_national": foreign_national}
            services.start_term(by=coordinator, role=LeadershipRole.LEAD_LAW_ENFORCEMENT,
                                agency=hsi if foreign_national else rpd, trafficking_type="labor",
                                starts=starts, **typology)  # fmt: skip
            services.start_term(by=coordinator, role=LeadershipRole.LEAD_LAW_ENFORCEMENT,
                                agency=rpd, trafficking_type="sex", starts=starts,
                                **typology)  # fmt: skip
            services.start_term(by=coordinator, role=LeadershipRole.LEAD_SERVICE_PROVIDER,
                                agency=cils if foreign_national else hlss,
                                trafficking_type="labor", starts=starts, **typology)  # fmt: skip
            services.start_term(by=coordinator, role=LeadershipRole.LEAD_SERVICE_PROVIDER,
                                agency=hlss, trafficking_type="sex", starts=starts,
                                **typology)  # fmt: skip
    services.start_term(by=coordinator, role=LeadershipRole.COORDINATOR, user=coordinator,
                        starts=starts)  # fmt: skip
    services.start_term(by=coordinator, role=LeadershipRole.CHAIR, user=police, starts=starts)
    services.start_term(by=coordinator, role=LeadershipRole.MEDIA_CONTACT, user=coordinator,
                        starts=starts)  # fmt: skip
    victim_services = services.create_committee(
        by=coordinator, name="Victim services", purpose="Service gaps and referrals."
    )
    services.create_committee(
        by=coordinator, name="Law enforcement", purpose="Deconfliction and operations."
    )
    services.create_committee(by=coordinator, name="Outreach and education")
    for person in (advocate, director):
        services.add_committee_member(committee=victim_services, by=coordinator, user=person)
    services.start_term(by=coordinator, role=LeadershipRole.COMMITTEE_CHAIR, user=director,
                        committee=victim_services, starts=starts)  # fmt: skip
    kickoff = services.schedule_meeting(
        by=coordinator,
        title="Quarterly task force meeting",
        held_at=timezone.now() - dt.timedelta(days=21),
        location="Riverton City Hall, Room 3",
        agenda="1. Data review\n2. Labor MOU\n3. Training calendar",
    )
    services.record_minutes(
        meeting=kickoff,
        by=coordinator,
        minutes="Reviewed referral response times. The labor MOU goes out for signature.",
        attendees=[coordinator, police, director, advocate, investigator],
    )
    services.schedule_meeting(
        by=coordinator,
        title="Victim services committee",
        committee=victim_services,
        held_at=timezone.now() + dt.timedelta(days=10),
        agenda="Shelter capacity for labor trafficking survivors.",
    )
    return True
