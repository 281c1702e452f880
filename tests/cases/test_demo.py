"""The demo task force's cases show each part of the case side."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, Charge, CourtEvent, DeconflictionHit
from taskforce import access


def test_demo_cases_cover_the_case_side(db):
    call_command("seed_demo")
    call_command("seed_demo")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert Case.objects.count() == 5
    assert {"sex", "labor"} <= set(Case.objects.values_list("trafficking_type", flat=True))
    assert Case.objects.filter(jurisdiction_level="federal").exists()
    assert DeconflictionHit.objects.count() == 2
    assert Charge.objects.count() == CourtEvent.objects.count() == 1
    prosecutor_cases = access.visible(users["prosecutor"], Case)
    assert [c.title for c in prosecutor_cases] == ["Demo: Riverside Motel"]
    for outsider in ("advocate", "legal_advocate", "community", "coordinator", "admin"):
        assert not access.visible(users[outsider], Case).exists()
    assert access.visible(users["investigator"], Charge).count() == 1
