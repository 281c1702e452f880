"""What the deadline tests share: a referral sent through the real service, which opens its
response deadline (72 hours for an adult, routine)."""

from __future__ import annotations

from agencies.models import ServiceType
from victims import services
from victims.models import Referral


def send(world, provider=None, **over) -> Referral:
    kwargs = {
        "from_agency": world.le_a,
        "provider": provider or world.vsp_a,
        "by": world.investigator_a,
        "services_requested": [ServiceType.objects.get(code="housing-emergency-shelter")],
        "shared_age": 30,
        "shared_name": "Ana",
    }
    kwargs.update(over)
    return services.send_referral(**kwargs)
