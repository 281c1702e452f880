"""``seed_load`` builds the load data of the performance budgets: realistic, compartmented."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from agencies.models import Agency, Membership
from agencies.roles import ROLES_BY_DISCIPLINE, Discipline, Role
from cases import services
from cases.models import (
    Case,
    CaseGrant,
    CaseNote,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Identifier,
    Prosecution,
    ProsecutionReferral,
    Subject,
)
from taskforce import access
from taskforce.models import AuditEvent

User = get_user_model()


@pytest.fixture
def load(db):
    out = io.StringIO()
    call_command("seed_load", cases=300, agencies=12, users=60, stdout=out)
    return out.getvalue()


def test_counts_and_stage_timings(load):
    agencies = Agency.objects.filter(name__startswith="Load ")
    by_discipline = dict(
        agencies.values_list("discipline").annotate(n=Count("id")).values_list("discipline", "n")
    )
    assert by_discipline == {
        Discipline.LAW_ENFORCEMENT: 8,
        Discipline.PROSECUTION: 1,
        Discipline.VICTIM_SERVICES: 2,
        Discipline.COMMUNITY: 1,
    }
    assert User.objects.filter(username__startswith="load").count() == 60
    assert Case.objects.count() == Subject.objects.count() == Identifier.objects.count() == 300
    assert CaseNote.objects.count() == 600
    referred = Case.objects.filter(status="referred").count()
    assert referred == ProsecutionReferral.objects.filter(status="accepted").count()
    assert referred == Prosecution.objects.count() == Charge.objects.count()
    assert referred == CourtEvent.objects.count()
    assert not AuditEvent.objects.exists()  # a load, not a history of actions
    for stage in ("agencies", "users", "cases", "notes", "deconfliction hits", "total"):
        assert re.search(rf"^{stage} .* s$", load, flags=re.MULTILINE), stage


def test_people_hold_roles_of_their_agency_and_sit_in_its_group(load):
    for membership in Membership.objects.active().select_related("agency", "user"):
        assert membership.role in ROLES_BY_DISCIPLINE[membership.agency.discipline]
        assert membership.user.groups.filter(pk=membership.agency.group_id).exists()
    active = Membership.objects.active()
    assert active.count() == 60  # one membership in force each; the ended ones grant nothing
    for agency in Agency.objects.filter(discipline=Discipline.LAW_ENFORCEMENT):
        assert set(active.filter(agency=agency).values_list("role", flat=True)) == set(
            ROLES_BY_DISCIPLINE[Discipline.LAW_ENFORCEMENT]
        )


def test_case_numbers_are_unique_and_later_numbers_do_not_collide(load):
    numbers = list(Case.objects.values_list("number", "owner_agency_id", "opened_on"))
    assert len({n for n, _, _ in numbers}) == 300
    for number, agency_id, opened_on in numbers:
        assert number.startswith(f"LOAD{agency_id}-{opened_on.year}-")
    number, agency_id, opened_on = numbers[0]
    agency = Agency.objects.get(pk=agency_id)
    following = services.next_case_number(prefix=services.case_prefix(agency), year=opened_on.year)
    assert not Case.objects.filter(number=following).exists()
    # The timestamps of every later record are the system's own again.
    assert Case._meta.get_field("created_at").auto_now_add


def test_each_case_has_one_investigator_of_its_agency(load):
    for case in Case.objects.prefetch_related("assigned_investigators__memberships"):
        (investigator,) = case.assigned_investigators.all()
        assert any(
            m.agency_id == case.owner_agency_id and m.role == Role.INVESTIGATOR
            for m in investigator.memberships.all()
        )


def test_load_investigator_sees_own_and_shared_cases_only(load):
    shared_in = CaseGrant.objects.filter(
        permission__codename="view_case", reason="load: co-investigation"
    ).values_list("group__agency", flat=True)
    agency = Agency.objects.filter(pk__in=shared_in).first()
    investigator = (
        Membership.objects.active().filter(agency=agency, role=Role.INVESTIGATOR).first().user
    )
    expected = set(Case.objects.filter(owner_agency=agency).values_list("pk", flat=True)) | set(
        CaseGrant.objects.filter(group_id=agency.group_id).values_list(
            "content_object_id", flat=True
        )
    )
    seen = set(access.visible(investigator, Case).values_list("pk", flat=True))
    assert seen == expected
    assert Case.objects.filter(pk__in=seen).exclude(owner_agency=agency).exists()
    advocate = Membership.objects.active().filter(role=Role.ADVOCATE).first().user
    assert not access.visible(advocate, Case).exists()


def test_referred_cases_reach_the_office_and_charges_reach_the_case_agency(load):
    prosecution = Prosecution.objects.select_related("case", "owner_agency").first()
    case, office = prosecution.case, prosecution.owner_agency
    prosecutor = Membership.objects.active().filter(agency=office, role=Role.PROSECUTOR)[0].user
    assert access.visible(prosecutor, Case).filter(pk=case.pk).exists()
    investigator = case.assigned_investigators.get()
    assert access.visible(investigator, Charge).filter(prosecution=prosecution).exists()
    assert access.visible(investigator, CourtEvent).filter(prosecution=prosecution).exists()


def test_repeated_phones_are_deconfliction_hits_on_both_sides(load):
    hits = DeconflictionHit.objects.select_related("identifier", "other_identifier")
    assert hits.count() >= 2
    for hit in hits:
        assert hit.identifier.normalized == hit.other_identifier.normalized
        assert hit.other_agency_id == hit.other_identifier.owner_agency_id != hit.owner_agency_id
        assert hits.filter(identifier=hit.other_identifier, other_identifier=hit.identifier)
    supervisor = (
        Membership.objects.active()
        .filter(agency_id=hits.first().owner_agency_id, role=Role.LE_SUPERVISOR)
        .first()
        .user
    )
    assert access.visible(supervisor, DeconflictionHit).exists()


def test_second_run_changes_nothing(load):
    out = io.StringIO()
    call_command("seed_load", cases=300, agencies=12, users=60, stdout=out)
    assert "already present" in out.getvalue()
    assert Case.objects.count() == 300
    assert Agency.objects.count() == 12
