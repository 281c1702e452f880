"""Case services: numbers, the state machine, sharing, notes, prosecution and what each sees."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Identifier,
    Origin,
    ProsecutorNote,
    Statute,
    Subject,
    TraffickingType,
)
from taskforce import access


def test_case_numbers_are_per_agency_and_year_and_never_reused(world, case):
    second = services.open_case(
        by=world.le_supervisor_a,
        agency=world.le_a,
        title="Two",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.LABOR,
        jurisdiction_level="local",
    )
    year = timezone.localdate().year
    assert case.number == f"ACPD-{year}-00001"
    assert second.number == f"ACPD-{year}-00002"
    last_year = services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Old",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
        opened_on=dt.date(year - 1, 12, 31),
    )
    assert last_year.number == f"ACPD-{year - 1}-00001"


def test_only_law_enforcement_of_the_agency_opens_cases(world):
    for persona, agency in [
        ("advocate_a", "vsp_a"),
        ("investigator_b", "le_a"),
        ("le_victim_specialist_a", "le_a"),
    ]:
        with pytest.raises((PermissionDenied, ValidationError)):
            services.open_case(
                by=world.users[persona],
                agency=world.agencies[agency],
                title="x",
                origin=Origin.REACTIVE,
                trafficking_type=TraffickingType.SEX,
                jurisdiction_level="local",
            )
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["activate"], True),
        (["activate", "activate"], False),
        (["close"], True),
        (["close", "close"], False),
        (["close", "reopen"], True),
        (["close", "activate"], False),
        (["reopen"], False),
        (["activate", "close", "reopen", "close"], True),
    ],
)
def test_case_state_machine(world, case, path, allowed):
    from taskforce.errors import InvalidTransition

    steps = {
        "activate": lambda: services.activate_case(case=case, by=world.investigator_a),
        "close": lambda: services.close_case(
            case=case, by=world.investigator_a, reason="No victims"
        ),
        "reopen": lambda: services.reopen_case(case=case, by=world.investigator_a),
    }
    *before, last = path
    for step in before:
        steps[step]()
    status_before = Case.objects.get(pk=case.pk).status
    if allowed:
        steps[last]()
    else:
        with pytest.raises(InvalidTransition):
            steps[last]()
        assert Case.objects.get(pk=case.pk).status == status_before


def test_closing_needs_a_reason(world, case):
    with pytest.raises(ValidationError):
        services.close_case(case=case, by=world.investigator_a, reason="  ")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_other_agency_cannot_touch_the_case(world, case):
    with pytest.raises(Http404):
        services.add_note(case=case, by=world.investigator_b, note_type="general", body="x")
    with pytest.raises(Http404):
        services.close_case(case=case, by=world.advocate_a, reason="x")


def test_share_opens_the_whole_file_and_unshare_closes_it(world, case):
    note = services.add_note(case=case, by=world.investigator_a, note_type="tip", body="Tip")
    services.share_case(case=case, agency=world.le_b, access_level="view", by=world.investigator_a)
    assert access.can(world.investigator_b, case)
    assert access.can(world.investigator_b, note)
    assert not access.can(world.investigator_b, case, "change")
    services.unshare_case(case=case, agency=world.le_b, by=world.investigator_a)
    assert not access.can(world.investigator_b, case)
    assert not access.can(world.investigator_b, note)


def test_share_only_with_law_enforcement(world, case):
    with pytest.raises(ValidationError):
        services.share_case(
            case=case, agency=world.vsp_a, access_level="view", by=world.investigator_a
        )


def test_note_edit_window_then_corrections(world, case):
    from taskforce.errors import InvalidTransition

    note = services.add_note(case=case, by=world.investigator_a, note_type="interview", body="A")
    services.edit_note(note=note, by=world.investigator_a, body="B")
    with pytest.raises(PermissionDenied):
        services.edit_note(note=note, by=world.le_supervisor_a, body="C")
    CaseNote.objects.filter(pk=note.pk).update(editable_until=timezone.now() - dt.timedelta(1))
    note.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.edit_note(note=note, by=world.investigator_a, body="D")
    correction = services.correct_note(note=note, by=world.investigator_a, body="Corrected")
    note.refresh_from_db()
    assert note.body == "B"
    assert correction.corrects == note


def test_deconfliction_names_only_the_other_agency(world, case):
    other = services.open_case(
        by=world.investigator_b,
        agency=world.le_b,
        title="Beta case",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
    )
    services.add_identifier(
        case=case, by=world.investigator_a, kind="phone", value="(555) 201-3344"
    )
    assert not DeconflictionHit.objects.exists()
    services.add_identifier(
        case=other, by=world.investigator_b, kind="phone", value="+1 555.201.3344"
    )
    mine = access.visible(world.investigator_a, DeconflictionHit).get()
    theirs = access.visible(world.investigator_b, DeconflictionHit).get()
    assert (mine.case, mine.other_agency) == (case, world.le_b)
    assert (theirs.case, theirs.other_agency) == (other, world.le_a)
    # Seeing the hit opens nothing of the other case.
    assert not access.can(world.investigator_a, other)
    assert not access.visible(world.investigator_a, Identifier).filter(case=other).exists()
    # Within the agency: supervisors and assigned investigators only.
    assert access.visible(world.le_supervisor_a, DeconflictionHit).count() == 1
    assert access.visible(world.le_victim_specialist_a, DeconflictionHit).count() == 0


def test_person_identifier_from_subject_name_and_birth_date(world, case):
    other = services.open_case(
        by=world.investigator_b,
        agency=world.le_b,
        title="Beta",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.LABOR,
        jurisdiction_level="local",
    )
    services.add_subject(
        case=case,
        by=world.investigator_a,
        role="trafficker",
        first_name="José",
        last_name="Alvarez",
        date_of_birth=dt.date(1980, 5, 1),
    )
    services.add_subject(
        case=other,
        by=world.investigator_b,
        role="recruiter",
        first_name="JOSE",
        last_name="alvarez",
        date_of_birth=dt.date(1980, 5, 1),
    )
    assert DeconflictionHit.objects.filter(kind="person").count() == 2


def test_future_birth_date_is_refused(world, case):
    with pytest.raises(ValidationError):
        services.add_subject(
            case=case,
            by=world.investigator_a,
            role="trafficker",
            date_of_birth=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not Subject.objects.exists()


def test_prosecution_flow_and_what_each_side_sees(world, case):
    subject = services.add_subject(
        case=case, by=world.investigator_a, role="trafficker", first_name="A", last_name="B"
    )
    marked = services.add_note(
        case=case,
        by=world.investigator_a,
        note_type="interview",
        body="For the DA",
        for_prosecution=True,
    )
    unmarked = services.add_note(case=case, by=world.investigator_a, note_type="tip", body="Ours")
    operation = services.plan_operation(
        case=case,
        by=world.investigator_a,
        operation_type="search_warrant",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=2),
        location="x",
    )
    referral = services.refer_for_prosecution(
        case=case, office=world.prosecution, by=world.investigator_a
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED
    p = world.prosecutor
    assert access.can(p, case) and access.can(p, subject) and access.can(p, marked)
    assert not access.can(p, unmarked)
    assert not access.can(p, operation)
    assert not access.can(p, case, "change")

    prosecution = services.accept_prosecution_referral(referral=referral, by=p)
    statute = Statute.objects.get(citation="18 U.S.C. 1591")
    charge = services.add_charge(prosecution=prosecution, by=p, subject=subject, statute=statute)
    assert charge.nibrs_offense.code == "64A"
    event = services.schedule_court_event(
        prosecution=prosecution,
        by=p,
        event_type="arraignment",
        scheduled_at=timezone.now() + dt.timedelta(days=10),
        court="Dunmore County Court",
    )
    note = services.add_prosecutor_note(prosecution=prosecution, by=p, body="Strategy")
    investigator = world.investigator_a
    assert access.can(investigator, charge) and access.can(investigator, event)
    assert not access.can(investigator, note)
    assert not access.can(investigator, charge, "change")
    assert list(access.visible(investigator, ProsecutorNote)) == []
    # The sheriff, once the case is shared, sees the charge and the court date too.
    services.share_case(case=case, agency=world.le_b, access_level="view", by=investigator)
    assert access.can(world.investigator_b, charge)
    assert access.can(world.investigator_b, event)
    # Prosecutor notes are never granted.
    with pytest.raises(PermissionDenied):
        access.grant(obj=note, agency=world.le_a, action="view", reason="x")
    assert Charge.objects.count() == CourtEvent.objects.count() == 1


def test_declined_referral_closes_the_case_to_the_office(world, case):
    from taskforce.errors import InvalidTransition

    referral = services.refer_for_prosecution(
        case=case, office=world.prosecution, by=world.investigator_a
    )
    with pytest.raises(ValidationError):
        services.decline_prosecution_referral(referral=referral, by=world.prosecutor, reason="")
    services.decline_prosecution_referral(
        referral=referral, by=world.prosecutor, reason="Insufficient evidence"
    )
    assert not access.can(world.prosecutor, case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    with pytest.raises(InvalidTransition):
        services.accept_prosecution_referral(referral=referral, by=world.prosecutor)


def test_pre_operation_notice_carries_only_the_protocol_items(world, case):
    from agencies.models import Language

    operation = services.plan_operation(
        case=case,
        by=world.investigator_a,
        operation_type="raid_sweep",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=3),
        location="1200 Industrial Way",
    )
    notice = services.send_pre_operation_notice(
        operation=operation,
        provider=world.vsp_a,
        by=world.investigator_a,
        window_starts=operation.starts_at,
        window_ends=operation.ends_at,
        expected_victims=4,
        genders=["female"],
        languages=Language.objects.filter(code="es"),
        minors_expected=True,
    )
    assert access.can(world.advocate_a, notice)
    assert not access.can(world.advocate_b, notice)
    assert not access.can(world.advocate_a, operation)
    assert not access.can(world.advocate_a, case)


def test_only_the_lead_agency_moves_status_even_with_a_change_share(world, case):
    services.share_case(
        case=case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    services.update_case(case=case, by=world.investigator_b, summary="Sheriff's update")
    with pytest.raises(PermissionDenied):
        services.close_case(case=case, by=world.investigator_b, reason="x")
    with pytest.raises(PermissionDenied):
        services.refer_for_prosecution(case=case, office=world.prosecution, by=world.investigator_b)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
