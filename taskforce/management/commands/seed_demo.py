"""Seed the fictional demo task force. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from agencies import services
from agencies.models import Agency, Language, Membership, Population, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role

DEFAULT_DEMO_PASSWORD = "demo-taskforce-2026"  # noqa: S105 - printed by `make run`; demo only

ALL_POPULATIONS = [
    "adults",
    "minors",
    "sex-trafficking",
    "labor-trafficking",
    "foreign-nationals",
    "us-citizens",
    "female",
    "male",
    "transgender",
    "non-binary",
]

AGENCIES = [
    {
        "name": "Riverton Police Department",
        "acronym": "RPD",
        "discipline": Discipline.LAW_ENFORCEMENT,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "street": "200 Civic Plaza",
        "city": "Riverton",
        "state": "IL",
        "postal_code": "62901",
        "phone": "(555) 010-1100",
        "public_contact_name": "Vice & Human Trafficking Unit",
        "public_contact_email": "htu@riverton-pd.example.org",
        "hours": "24/7",
        "after_hours_contact": "Dispatch (555) 010-1111",
        "languages": ["en", "es"],
    },
    {
        "name": "Dunmore County Sheriff's Office",
        "acronym": "DCSO",
        "discipline": Discipline.LAW_ENFORCEMENT,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "city": "Dunmore",
        "state": "IL",
        "phone": "(555) 010-2200",
        "public_contact_name": "Criminal Investigations Division",
        "hours": "24/7",
        "languages": ["en"],
    },
    {
        "name": "Homeland Security Investigations, Riverton Field Office",
        "acronym": "HSI",
        "discipline": Discipline.LAW_ENFORCEMENT,
        "jurisdiction_level": JurisdictionLevel.FEDERAL,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-3300",
        "public_contact_name": "Victim Assistance Program",
        "hours": "Mon-Fri 8:00-17:00",
        "after_hours_contact": "HSI Tip Line",
        "languages": ["en", "es", "zh"],
    },
    {
        "name": "Federal Bureau of Investigation, Riverton Field Office",
        "acronym": "FBI",
        "discipline": Discipline.LAW_ENFORCEMENT,
        "jurisdiction_level": JurisdictionLevel.FEDERAL,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-4400",
        "public_contact_name": "Violent Crimes Against Children / HT Squad",
        "languages": ["en"],
    },
    {
        "name": "Dunmore County District Attorney's Office",
        "acronym": "DCDA",
        "discipline": Discipline.PROSECUTION,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "city": "Dunmore",
        "state": "IL",
        "phone": "(555) 010-5500",
        "public_contact_name": "Victim-Witness Unit",
        "languages": ["en", "es"],
    },
    {
        "name": "U.S. Attorney's Office, Riverton District",
        "acronym": "USAO",
        "discipline": Discipline.PROSECUTION,
        "jurisdiction_level": JurisdictionLevel.FEDERAL,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-6600",
        "public_contact_name": "Victim-Witness Coordinator",
        "languages": ["en"],
    },
    {
        "name": "Harbor Light Survivor Services",
        "acronym": "HLSS",
        "discipline": Discipline.VICTIM_SERVICES,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-7700",
        "public_contact_name": "Intake line",
        "hours": "Mon-Fri 9:00-18:00",
        "after_hours_contact": "24-hour crisis line (555) 010-7777",
        "services": [
            "case-management",
            "crisis-intervention",
            "safety-planning",
            "basic-necessities",
            "housing-emergency-shelter",
            "housing-transitional",
            "mental-health",
            "transportation",
            "information-referral",
            "legal-criminal-justice",
        ],
        "populations": ALL_POPULATIONS,
        "languages": ["en", "es", "vi"],
    },
    {
        "name": "Crossroads Immigration Legal Services",
        "acronym": "CILS",
        "discipline": Discipline.VICTIM_SERVICES,
        "jurisdiction_level": JurisdictionLevel.STATE,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-8800",
        "public_contact_name": "Legal intake",
        "hours": "Mon-Thu 9:00-17:00",
        "services": [
            "legal-immigration",
            "legal-civil-wage-labor",
            "legal-vacatur",
            "interpretation",
            "information-referral",
        ],
        "populations": [
            "adults",
            "minors",
            "sex-trafficking",
            "labor-trafficking",
            "foreign-nationals",
            "female",
            "male",
            "transgender",
            "non-binary",
        ],
        "languages": ["en", "es", "zh", "tl", "mam"],
    },
    {
        "name": "Riverton Community Coalition Against Trafficking",
        "acronym": "RCCAT",
        "discipline": Discipline.COMMUNITY,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "city": "Riverton",
        "state": "IL",
        "public_contact_name": "Outreach coordinator",
        "languages": ["en", "es"],
    },
    {
        "name": "Task Force Coordination Office",
        "acronym": "TFCO",
        "discipline": Discipline.GOVERNMENT_OTHER,
        "jurisdiction_level": JurisdictionLevel.STATE,
        "city": "Riverton",
        "state": "IL",
        "phone": "(555) 010-9900",
        "public_contact_name": "Task force coordinator",
        "languages": ["en"],
    },
]

# username, first, last, agency acronym, role, title, coordinator
USERS = [
    ("coordinator", "Dana", "Whitfield", "TFCO", Role.MEMBER, "Task force coordinator", True),
    ("investigator", "Marcus", "Reyes", "RPD", Role.INVESTIGATOR, "Detective", False),
    (
        "police_supervisor",
        "Irene",
        "Castillo",
        "RPD",
        Role.LE_SUPERVISOR,
        "Lieutenant, HT Unit",
        False,
    ),
    ("sheriff_investigator", "Lena", "Okafor", "DCSO", Role.INVESTIGATOR, "Investigator", False),
    ("fed_agent", "Paul", "Nguyen", "HSI", Role.INVESTIGATOR, "Special Agent", False),
    ("prosecutor", "Grace", "Holloway", "DCDA", Role.PROSECUTOR, "Assistant DA", False),
    (
        "victim_witness",
        "Tessa",
        "Moreno",
        "DCDA",
        Role.VICTIM_WITNESS_COORDINATOR,
        "Victim-witness coordinator",
        False,
    ),
    ("ausa", "Samuel", "Brandt", "USAO", Role.PROSECUTOR, "AUSA", False),
    ("advocate", "Rosa", "Delgado", "HLSS", Role.ADVOCATE, "Survivor advocate", False),
    (
        "services_director",
        "Noah",
        "Pereira",
        "HLSS",
        Role.VSP_SUPERVISOR,
        "Executive Director",
        False,
    ),
    ("legal_advocate", "Amir", "Haddad", "CILS", Role.ADVOCATE, "Immigration attorney", False),
    ("community", "Beth", "Larsen", "RCCAT", Role.MEMBER, "Outreach volunteer", False),
]

# The accounts `make run` may let in without a second factor (MFA_EXEMPT_DEMO_USERS).
DEMO_USERNAMES = frozenset([*(row[0] for row in USERS), "admin"])


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


class Command(BaseCommand):
    help = "Seed the fictional demo task force (agencies and one user per role). Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        password = demo_password()
        agencies = {}
        for spec in AGENCIES:
            spec = dict(spec)
            capabilities = {
                "services_offered": list(
                    ServiceType.objects.filter(code__in=spec.pop("services", []))
                ),
                "populations_served": list(
                    Population.objects.filter(code__in=spec.pop("populations", []))
                ),
                "languages": list(Language.objects.filter(code__in=spec.pop("languages", []))),
            }
            agency = Agency.objects.filter(name=spec["name"]).first()
            if agency is None:
                agency = services.create_agency(by=None, **spec, **capabilities)
            agencies[agency.acronym] = agency

        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"first_name": "System", "last_name": "Administrator", "is_staff": True},
        )
        if created:
            admin.is_superuser = True
            admin.set_password(password)
            admin.save()

        for username, first, last, acronym, role, title, coordinator in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.example.org",
                },
            )
            if created:
                user.set_password(password)
                user.save()
            agency = agencies[acronym]
            if not Membership.objects.filter(user=user, agency=agency).exists():
                services.add_membership(
                    by=None,
                    user=user,
                    agency=agency,
                    role=role,
                    title=title,
                    is_coordinator=coordinator,
                )
        from cases import demo as cases_demo
        from victims import demo as victims_demo

        new_cases = cases_demo.seed()
        victims_demo.seed()
        from agencies import demo as agencies_demo

        agencies_demo.seed()  # training with attendance, outreach events, trend bulletins
        from protocols import demo as protocols_demo

        protocols_demo.seed()  # charter, MOUs, protocols, decision log, leadership
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo task force ready: {len(agencies)} agencies, {len(USERS) + 1} users"
                f" ({new_cases} demo cases added)."
            )
        )
