"""Demo training, outreach and trend bulletins for ``seed_demo`` (fictional; idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies import services
from agencies.models import Agency, Language, OutreachEvent, TrainingTopic, TrendBulletin
from cases.models import RecruitmentMethod, Venue

User = get_user_model()
TRAINING_TITLE = "Demo: Victim-centered investigation of labor trafficking"


def _agency(acronym: str) -> Agency:
    return Agency.objects.get(acronym=acronym)


def seed() -> int:
    """Create the demo records that are missing. Returns how many were created."""
    from agencies.models import Training

    if Training.objects.filter(title=TRAINING_TITLE).exists():
        return 0
    today = timezone.localdate()
    coordinator = User.objects.get(username="coordinator")
    created = 0

    training = services.create_training(
        by=coordinator,
        title=TRAINING_TITLE,
        topic=TrainingTopic.objects.get(code="victim-centered-investigation"),
        audience_disciplines=["law_enforcement", "victim_services", "prosecution"],
        held_on=today - dt.timedelta(days=21),
        hours=Decimal("6.00"),
        location="Riverton Public Safety Training Center",
        trainers="State anti-trafficking coordinator; Harbor Light survivor advocate",
        host_agency=_agency("TFCO"),
    )
    created += 1
    for username in ("investigator", "sheriff_investigator", "advocate", "prosecutor"):
        services.record_attendance(
            training=training, by=coordinator, attendee=User.objects.get(username=username)
        )
    services.record_attendance(
        training=training,
        by=coordinator,
        external_name="New patrol officer (not yet enrolled)",
        agency=_agency("RPD"),
        hours_credited=Decimal("3.00"),
    )
    created += 5

    english_spanish = list(Language.objects.filter(code__in=["en", "es"]))
    for spec in (
        {
            "title": "Demo: Hotel front-desk awareness briefing",
            "audience": "hospitality",
            "held_on": today - dt.timedelta(days=10),
            "location": "Riverton Convention Center",
            "estimated_reach": 45,
            "materials": "Indicator cards, hotline posters (English and Spanish)",
            "lead_agency": _agency("RCCAT"),
            "agencies": [_agency("RPD"), _agency("HLSS")],
            "languages": english_spanish,
        },
        {
            "title": "Demo: Farmworker rights clinic",
            "audience": "agriculture",
            "held_on": today - dt.timedelta(days=4),
            "location": "Dunmore County Fairgrounds",
            "estimated_reach": 120,
            "materials": "Know-your-rights leaflets; wage-claim intake forms",
            "lead_agency": _agency("CILS"),
            "agencies": [_agency("DCSO")],
            "languages": list(Language.objects.filter(code__in=["es", "mam"])),
        },
    ):
        if not OutreachEvent.objects.filter(title=spec["title"]).exists():
            services.create_outreach_event(by=coordinator, **spec)
            created += 1

    for author, spec in (
        (
            "advocate",
            {
                "kind": "recruitment_method",
                "title": "Demo: Modeling offers moving to encrypted chat",
                "body": "Several young adults describe modeling offers on a photo app that "
                "move to encrypted chat within a day, then to travel paid by the recruiter.",
                "recruitment_method": RecruitmentMethod.objects.filter(code="job-offer").first(),
            },
        ),
        (
            "sheriff_investigator",
            {
                "kind": "new_venue",
                "title": "Demo: Crews housed in short-term rentals near orchards",
                "body": "Seasonal crews are housed in rented houses, ten or more to a house, "
                "driven to the orchards before dawn by the same van.",
                "venue": Venue.objects.filter(code="agriculture").first(),
            },
        ),
    ):
        if not TrendBulletin.objects.filter(title=spec["title"]).exists():
            services.share_trend_bulletin(by=User.objects.get(username=author), **spec)
            created += 1
    return created
