"""``access.countable``: every agency's records, for counting only, to members in force only;
and only the reports module may call it (it reads past the compartments)."""

from pathlib import Path

import pytest

from cases.models import Case
from taskforce import access
from tests.reports.test_report_views import open_cases

ROOT = Path(__file__).resolve().parents[2]
APPS = ("taskforce", "cases", "victims", "agencies", "protocols")


@pytest.mark.parametrize("persona", ["ended_member", "outsider", "admin"])
def test_no_membership_in_force_counts_nothing(world, persona):
    open_cases(world, 2)
    assert access.countable(world.users[persona], Case).count() == 0


def test_anonymous_counts_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    open_cases(world, 2)
    assert access.countable(AnonymousUser(), Case).count() == 0
    assert access.countable(None, Case).count() == 0


def test_every_member_counts_every_agencys_records(world):
    open_cases(world, 2)
    open_cases(world, 3, agency="le_b")
    for persona in ("advocate_a", "community_member", "investigator_b"):
        assert access.countable(world.users[persona], Case).count() == 5


def test_only_the_reports_module_counts_past_the_compartments():
    callers = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "countable(" in path.read_text() and path.name != "access.py"
    )
    assert callers == ["taskforce/reports.py"]
