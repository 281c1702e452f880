"""Referral suggestions follow the task force's lead provider for the victim's typology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import ServiceType
from agencies.roles import Discipline
from protocols import services as governance
from protocols.models import LeadershipRole
from tests.factories import make_agency
from victims import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(world):
    """Two providers with the same capabilities: only a lead designation can tell them apart."""
    housing = ServiceType.objects.get(code="housing-emergency-shelter")
    first = make_agency("Anchor House", Discipline.VICTIM_SERVICES, services_offered=[housing])
    second = make_agency("Beacon House", Discipline.VICTIM_SERVICES, services_offered=[housing])
    return housing, first, second


def ranking(housing, **typology):
    return selectors.suggest_providers(services=[housing], limit=20, **typology)


def test_the_typology_lead_provider_ranks_first_among_equals(world, twins):
    housing, anchor, beacon = twins
    governance.start_term(
        by=world.users["coordinator"],
        role=LeadershipRole.LEAD_SERVICE_PROVIDER,
        starts=timezone.localdate() - dt.timedelta(days=30),
        agency=beacon,
        trafficking_type="labor",
        minor=True,
        foreign_national=True,
    )
    typology = {"trafficking_type": "labor", "minor": True, "foreign_national": True}
    ranked = ranking(housing, **typology)
    assert ranked[0].agency == beacon
    assert any("lead provider for labor trafficking of minors" in r for r in ranked[0].reasons)
    lead, other = ranked[0], next(s for s in ranked if s.agency == anchor)
    assert lead.score == other.score + selectors.LEAD_WEIGHT
    # Another typology, or one not fully known, has no lead: back to alphabetical among equals.
    for different in (
        {"trafficking_type": "sex", "minor": True, "foreign_national": True},
        {"trafficking_type": "labor", "minor": False, "foreign_national": True},
        {"trafficking_type": "labor", "minor": None, "foreign_national": True},
    ):
        names = [s.agency for s in ranking(housing, **different) if s.agency in (anchor, beacon)]
        assert names == [anchor, beacon], different


def test_an_ended_lead_term_no_longer_counts(world, twins):
    housing, anchor, beacon = twins
    governance.start_term(
        by=world.users["coordinator"],
        role=LeadershipRole.LEAD_SERVICE_PROVIDER,
        starts=timezone.localdate() - dt.timedelta(days=400),
        ends=timezone.localdate() - dt.timedelta(days=1),
        agency=beacon,
        trafficking_type="sex",
        minor=False,
        foreign_national=False,
    )
    ranked = ranking(housing, trafficking_type="sex", minor=False, foreign_national=False)
    assert [s.agency for s in ranked if s.agency in (anchor, beacon)] == [anchor, beacon]
