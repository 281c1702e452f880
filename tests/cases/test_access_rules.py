"""The access rules particular to case files, proven through the services that create the grants:
what a referral for prosecution opens (the case core, its subjects and identifiers, the notes
marked for prosecution), what a share opens (the whole file), that revoking the case grant closes
every record derived from it, that prosecutor notes never leave the office, and that deconfliction
hits reach only the owner agency's supervisors and the case's assigned investigators, naming
nothing of the other case."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseNote,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Identifier,
    Operation,
    Origin,
    Prosecution,
    ProsecutorNote,
    Statute,
    Subject,
    TraffickingType,
)
from taskforce import access
from tests.factories import make_member

MARKED = "Ledger photographed at the Route 9 parlor"
UNMARKED = "Informant Bluebird says the manager moves cash on Fridays"
SITE = "1200 Industrial Way"
FILE_MODELS = (Subject, Identifier, CaseNote, Operation)


def visible_ids(user, model, action="view") -> set[int]:
    return set(access.visible(user, model, action).values_list("pk", flat=True))


@pytest.fixture
def file(world, case):
    """``case`` (le_a, assigned to investigator_a) with a subject, a phone, a marked and an
    unmarked note and an operation."""
    inv = world.investigator_a
    subject = services.add_subject(case=case, by=inv, role="controller", last_name="Kessler")
    phone = services.add_identifier(
        case=case, by=inv, kind="phone", value="(555) 201-3344", subject=subject
    )
    marked = services.add_note(
        case=case, by=inv, note_type="evidence_log", body=MARKED, for_prosecution=True
    )
    unmarked = services.add_note(case=case, by=inv, note_type="tip", body=UNMARKED)
    starts = timezone.now() + dt.timedelta(days=2)
    operation = services.plan_operation(
        case=case,
        by=inv,
        operation_type="search_warrant",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        location=SITE,
    )
    return SimpleNamespace(
        case=case,
        subject=subject,
        phone=phone,
        marked=marked,
        unmarked=unmarked,
        operation=operation,
    )


def refer(world, file):
    return services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )


def codenames_granted(case, agency) -> set[str]:
    return set(
        access.grants_on(case)
        .filter(group_id=agency.group_id)
        .values_list("permission__codename", flat=True)
    )


# --- A referral for prosecution: view_case only ---------------------------------------------


def test_referral_grants_view_case_only(world, file):
    services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )
    assert codenames_granted(file.case, world.prosecution) == {"view_case"}


@pytest.mark.parametrize("persona", ["prosecutor", "vw_coordinator"])
def test_view_case_opens_subjects_identifiers_and_marked_notes_only(world, file, persona):
    user = world.users[persona]
    assert all(not visible_ids(user, m) for m in (Case, *FILE_MODELS))
    services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )

    assert visible_ids(user, Case) == {file.case.pk}
    assert visible_ids(user, Subject) == {file.subject.pk}
    assert visible_ids(user, Identifier) == {file.phone.pk}
    assert visible_ids(user, CaseNote) == {file.marked.pk}
    assert visible_ids(user, Operation) == set()
    with pytest.raises(Http404):
        access.get_visible(user, CaseNote, pk=file.unmarked.pk)
    with pytest.raises(Http404):
        access.get_visible(user, Operation, pk=file.operation.pk)
    # Seen, not changed: a view grant on the case changes nothing of the file.
    for model in (Case, *FILE_MODELS):
        assert visible_ids(user, model, "change") == set()
    with pytest.raises(PermissionDenied):
        access.get_visible(user, Subject, pk=file.subject.pk, action="change")


def test_records_added_or_marked_after_the_referral_follow_the_rule(world, file):
    services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )
    prosecutor, inv = world.prosecutor, world.investigator_a
    late_subject = services.add_subject(case=file.case, by=inv, role="recruiter", last_name="Ames")
    late_note = services.add_note(case=file.case, by=inv, note_type="tip", body="Late tip")
    assert late_subject.pk in visible_ids(prosecutor, Subject)
    assert late_note.pk not in visible_ids(prosecutor, CaseNote)

    services.mark_note_for_prosecution(note=late_note, by=inv)
    assert late_note.pk in visible_ids(prosecutor, CaseNote)
    services.mark_note_for_prosecution(note=file.marked, by=inv, for_prosecution=False)
    assert file.marked.pk not in visible_ids(prosecutor, CaseNote)


def test_the_prosecutor_api_lists_only_the_marked_notes_and_no_operation(world, file, api):
    services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )
    client = api(world.prosecutor)
    notes = client.get("/api/v1/case-notes/", {"case": file.case.pk})
    assert notes.status_code == 200
    assert [n["id"] for n in notes.json()["results"]] == [file.marked.pk]
    assert UNMARKED not in notes.content.decode()
    assert client.get(f"/api/v1/case-notes/{file.unmarked.pk}/").status_code == 404
    operations = client.get("/api/v1/operations/")
    assert operations.json()["results"] == []
    assert SITE not in operations.content.decode()
    assert client.get(f"/api/v1/operations/{file.operation.pk}/").status_code == 404
    subjects = client.get("/api/v1/subjects/", {"case": file.case.pk}).json()["results"]
    assert [s["id"] for s in subjects] == [file.subject.pk]


# --- A share: view_case_file opens the whole file ---------------------------------------------


def test_share_for_view_opens_the_whole_file_to_read(world, file):
    services.share_case(
        case=file.case, agency=world.le_b, access_level="view", by=world.investigator_a
    )
    assert codenames_granted(file.case, world.le_b) == {"view_case", "view_case_file"}
    user = world.investigator_b
    assert visible_ids(user, Case) == {file.case.pk}
    assert visible_ids(user, Subject) == {file.subject.pk}
    assert visible_ids(user, Identifier) == {file.phone.pk}
    assert visible_ids(user, CaseNote) == {file.marked.pk, file.unmarked.pk}
    assert visible_ids(user, Operation) == {file.operation.pk}
    for model in (Case, *FILE_MODELS):
        assert visible_ids(user, model, "change") == set()
    with pytest.raises(PermissionDenied):
        services.update_subject(subject=file.subject, by=user, first_name="Victor")
    assert Subject.objects.get(pk=file.subject.pk).first_name == ""


def test_a_change_grant_on_the_case_lets_the_other_agency_change_subjects(world, file):
    services.share_case(
        case=file.case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    user = world.investigator_b
    assert visible_ids(user, Subject, "change") == {file.subject.pk}
    assert visible_ids(user, CaseNote, "change") == {file.marked.pk, file.unmarked.pk}
    assert visible_ids(user, Operation, "change") == {file.operation.pk}
    services.update_subject(subject=file.subject, by=user, first_name="Victor")
    assert Subject.objects.get(pk=file.subject.pk).first_name == "Victor"
    added = services.add_subject(case=file.case, by=user, role="recruiter", last_name="Ames")
    assert added.owner_agency_id == world.le_a.pk  # the file stays the lead agency's
    # What the prosecutor sees stays the lead agency's choice.
    with pytest.raises(PermissionDenied):
        services.mark_note_for_prosecution(note=file.unmarked, by=user)
    assert not CaseNote.objects.get(pk=file.unmarked.pk).for_prosecution


def test_a_victim_specialist_of_the_co_investigating_agency_reads_but_never_changes(world, file):
    specialist = make_member("le_b_specialist", world.le_b, "le_victim_specialist")
    services.share_case(
        case=file.case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    assert visible_ids(specialist, Subject) == {file.subject.pk}
    assert visible_ids(specialist, Subject, "change") == set()


# --- Revoking the case grant closes every record derived from it ------------------------------


def test_unsharing_closes_the_whole_file_at_once(world, file):
    services.share_case(
        case=file.case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    assert visible_ids(world.investigator_b, Operation)
    services.unshare_case(case=file.case, agency=world.le_b, by=world.investigator_a)
    assert not access.grants_on(file.case).filter(group_id=world.le_b.group_id).exists()
    for model in (Case, *FILE_MODELS):
        assert visible_ids(world.investigator_b, model) == set(), model
        assert visible_ids(world.investigator_b, model, "change") == set(), model


@pytest.mark.parametrize("ending", ["decline", "withdraw"])
def test_ending_a_referral_closes_the_case_core_subjects_and_marked_notes(world, file, ending):
    referral = services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )
    assert visible_ids(world.prosecutor, CaseNote) == {file.marked.pk}
    if ending == "decline":
        services.decline_prosecution_referral(
            referral=referral, by=world.prosecutor, reason="Insufficient evidence"
        )
    else:
        services.withdraw_prosecution_referral(referral=referral, by=world.investigator_a)
    for model in (Case, *FILE_MODELS):
        assert visible_ids(world.prosecutor, model) == set(), model
    # The office keeps the referral it received, and nothing of the file.
    assert access.can(world.prosecutor, referral)


def test_revoking_through_the_access_layer_closes_the_children_too(world, file):
    access.grant(
        obj=file.case,
        agency=world.le_b,
        action="view",
        reason="co-investigating agency",
        extra_permissions=("view_case_file",),
    )
    assert visible_ids(world.investigator_b, CaseNote) == {file.marked.pk, file.unmarked.pk}
    access.revoke(obj=file.case, agency=world.le_b, reason="share ended")
    for model in FILE_MODELS:
        assert visible_ids(world.investigator_b, model) == set(), model


def test_a_grant_on_a_child_alone_opens_neither_the_case_nor_its_siblings(world, file):
    access.grant(obj=file.subject, agency=world.le_b, action="view", reason="joint interview")
    user = world.investigator_b
    assert visible_ids(user, Subject) == {file.subject.pk}
    assert visible_ids(user, Case) == set()
    assert visible_ids(user, CaseNote) == visible_ids(user, Operation) == set()


# --- Prosecution records ------------------------------------------------------------------------


@pytest.fixture
def prosecuted(world, file):
    referral = services.refer_for_prosecution(
        case=file.case, office=world.prosecution, by=world.investigator_a
    )
    p = world.prosecutor
    prosecution = services.accept_prosecution_referral(referral=referral, by=p)
    file.prosecution = prosecution
    file.charge = services.add_charge(
        prosecution=prosecution,
        by=p,
        subject=file.subject,
        statute=Statute.objects.get(citation="18 U.S.C. 1591"),
    )
    file.event = services.schedule_court_event(
        prosecution=prosecution,
        by=p,
        event_type="arraignment",
        scheduled_at=timezone.now() + dt.timedelta(days=3),
        court="Dunmore County Court, Room 4",
    )
    file.prosecutor_note = services.add_prosecutor_note(
        prosecution=prosecution, by=p, body="Plea strategy: offer cooperation terms"
    )
    return file


def test_prosecutor_notes_can_never_be_granted(world, prosecuted):
    note = prosecuted.prosecutor_note
    for agency in (world.le_a, world.le_b, world.vsp_a):
        for action in ("view", "change"):
            with pytest.raises(PermissionDenied):
                access.grant(obj=note, agency=agency, action=action, reason="asked nicely")
    assert not access.grants_on(note).exists()
    for persona in ("investigator_a", "le_supervisor_a", "le_victim_specialist_a"):
        assert visible_ids(world.users[persona], ProsecutorNote) == set()
    assert visible_ids(world.prosecutor, ProsecutorNote) == {note.pk}


def test_the_case_agencies_read_charges_and_court_dates_but_not_prosecutor_notes(world, prosecuted):
    services.share_case(
        case=prosecuted.case, agency=world.le_b, access_level="view", by=world.investigator_a
    )
    for persona in ("investigator_a", "le_victim_specialist_a", "investigator_b"):
        user = world.users[persona]
        assert visible_ids(user, Prosecution) == {prosecuted.prosecution.pk}, persona
        assert visible_ids(user, Charge) == {prosecuted.charge.pk}, persona
        assert visible_ids(user, CourtEvent) == {prosecuted.event.pk}, persona
        assert visible_ids(user, ProsecutorNote) == set(), persona
        assert visible_ids(user, Charge, "change") == set(), persona
    assert not access.grants_on(prosecuted.prosecutor_note).exists()
    # Unsharing takes the prosecution records back from the co-investigating agency.
    services.unshare_case(case=prosecuted.case, agency=world.le_b, by=world.investigator_a)
    for model in (Prosecution, Charge, CourtEvent):
        assert visible_ids(world.investigator_b, model) == set(), model


def test_a_later_charge_reaches_the_case_agency_and_not_others(world, prosecuted):
    extra = services.add_charge(
        prosecution=prosecuted.prosecution,
        by=world.prosecutor,
        subject=prosecuted.subject,
        statute=Statute.objects.get(citation="18 U.S.C. 1589"),
    )
    assert extra.pk in visible_ids(world.investigator_a, Charge)
    assert extra.pk not in visible_ids(world.investigator_b, Charge)
    assert extra.pk not in visible_ids(world.advocate_a, Charge)


# --- Deconfliction hits -------------------------------------------------------------------------

OTHER_TITLE = "Riverbend Farm Labor Camp"
OTHER_PHONE = "555.201.3344"


@pytest.fixture
def hit(world, file):
    """le_b holds the same phone on its own case: one hit on each side."""
    other = services.open_case(
        by=world.investigator_b,
        agency=world.le_b,
        title=OTHER_TITLE,
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.LABOR,
        jurisdiction_level="local",
        summary="Farm workers held in a bunkhouse.",
    )
    services.add_subject(case=other, by=world.investigator_b, role="controller", last_name="Okafor")
    services.add_identifier(case=other, by=world.investigator_b, kind="phone", value=OTHER_PHONE)
    mine = DeconflictionHit.objects.get(case=file.case)
    theirs = DeconflictionHit.objects.get(case=other)
    return SimpleNamespace(mine=mine, theirs=theirs, other=other, file=file)


def test_hits_are_seen_by_supervisors_and_assigned_investigators_only(world, hit):
    assert visible_ids(world.investigator_a, DeconflictionHit) == {hit.mine.pk}
    assert visible_ids(world.le_supervisor_a, DeconflictionHit) == {hit.mine.pk}
    assert visible_ids(world.investigator_b, DeconflictionHit) == {hit.theirs.pk}
    for persona in (
        "le_victim_specialist_a",
        "prosecutor",
        "vw_coordinator",
        "advocate_a",
        "vsp_supervisor_a",
        "advocate_b",
        "community_member",
        "coordinator",
    ):
        assert visible_ids(world.users[persona], DeconflictionHit) == set(), persona


def test_an_unassigned_investigator_of_the_agency_does_not_see_the_hit_until_assigned(world, hit):
    colleague = make_member("colleague_a", world.le_a, "investigator")
    case = hit.file.case
    assert visible_ids(colleague, Case) == {case.pk}  # the case, yes
    assert visible_ids(colleague, DeconflictionHit) == set()  # its hits, no
    services.update_case(case=case, by=world.le_supervisor_a, assigned_investigators=[colleague])
    assert visible_ids(colleague, DeconflictionHit) == {hit.mine.pk}
    # Unassigned again, investigator_a loses it while the supervisor keeps it.
    assert visible_ids(world.investigator_a, DeconflictionHit) == set()
    assert visible_ids(world.le_supervisor_a, DeconflictionHit) == {hit.mine.pk}


def test_a_share_does_not_open_the_lead_agency_hits(world, hit):
    services.share_case(
        case=hit.file.case, agency=world.le_b, access_level="change", by=world.investigator_a
    )
    assert hit.mine.pk not in visible_ids(world.investigator_b, DeconflictionHit)


def test_the_hit_json_names_the_other_agency_and_nothing_of_the_other_case(world, hit, api):
    client = api(world.investigator_a)
    listing = client.get("/api/v1/deconfliction-hits/")
    detail = client.get(f"/api/v1/deconfliction-hits/{hit.mine.pk}/")
    acknowledged = client.post(f"/api/v1/deconfliction-hits/{hit.mine.pk}/acknowledge/")
    other = hit.other
    for response in (listing, detail, acknowledged):
        assert response.status_code == 200, response.content
        body = response.content.decode()
        for text in (
            other.number,
            OTHER_TITLE,
            OTHER_PHONE,
            "Okafor",
            "bunkhouse",
            '"other_identifier"',
            "investigator_b",
        ):
            assert text not in body, text
    data = detail.json()
    assert data["case_number"] == hit.file.case.number
    assert data["identifier_value"] == "(555) 201-3344"
    assert data["other_agency"]["name"] == world.le_b.name
    assert data["case"] == hit.file.case.pk
    assert set(data["other_agency"]) == {
        "id",
        "name",
        "public_contact_name",
        "public_contact_email",
        "public_contact_phone",
        "phone",
    }
    assert [h["id"] for h in listing.json()["results"]] == [hit.mine.pk]


@pytest.mark.parametrize(
    "persona", ["le_victim_specialist_a", "investigator_b", "prosecutor", "advocate_a"]
)
def test_the_hit_is_404_to_everyone_else(world, hit, api, persona):
    client = api(world.users[persona])
    assert client.get(f"/api/v1/deconfliction-hits/{hit.mine.pk}/").status_code == 404
    acknowledge = client.post(f"/api/v1/deconfliction-hits/{hit.mine.pk}/acknowledge/")
    assert acknowledge.status_code == 404
    assert DeconflictionHit.objects.get(pk=hit.mine.pk).acknowledged_at is None
    listed = client.get("/api/v1/deconfliction-hits/").json()["results"]
    assert hit.mine.pk not in [h["id"] for h in listed]


def test_a_subject_stays_on_its_case(world, file, api):
    """Editing a subject never moves it to another case, even one the editor may change."""
    other = services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Second case",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
    )
    response = api(world.investigator_a).patch(
        f"/api/v1/subjects/{file.subject.pk}/", {"case": other.pk}, format="json"
    )
    assert response.status_code in (200, 400), response.content
    assert Subject.objects.get(pk=file.subject.pk).case_id == file.case.pk
