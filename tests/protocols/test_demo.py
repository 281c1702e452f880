"""The demo governance: what the issue asks the demo to show, seeded once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from protocols import selectors
from protocols.models import Charter, Decision, Mou, MouStatus, Objective, Protocol

pytestmark = pytest.mark.django_db


def test_demo_governance_is_complete_and_idempotent():
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Charter, Objective, Mou, Protocol, Decision)]
    call_command("seed_demo")
    assert counts == [m.objects.count() for m in (Charter, Objective, Mou, Protocol, Decision)]
    assert Charter.objects.count() == 1
    assert Objective.objects.filter(current_value__gt=0).exists()
    assert set(Mou.objects.values_list("status", flat=True)) == {
        MouStatus.EXECUTED,
        MouStatus.CIRCULATING,
    }
    assert Protocol.objects.count() == 2
    user = get_user_model().objects.get(username="coordinator")
    assert selectors.protocols(user, due_for_review=True).count() == 1
    assert Decision.objects.filter(superseded_by__isnull=False).count() == 1
    leads = selectors.typology_leads("labor", minor=False, foreign_national=True)
    assert leads["law_enforcement"].acronym == "HSI"
    assert leads["service_provider"].acronym == "CILS"
