"""Governance services: the MOU state machine and signatures, protocol adoption only through a
decision, the append-only decision log, documents, leadership terms and typology leads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from protocols import selectors, services
from protocols.models import (
    Decision,
    LeadershipRole,
    Mou,
    MouStatus,
    Objective,
    Protocol,
    ProtocolStatus,
)
from taskforce.errors import InvalidTransition
from tests.factories import make_member
from tests.protocols.conftest import docx_bytes, pdf

pytestmark = pytest.mark.django_db


# --- MOUs ------------------------------------------------------------------------------------


def test_mou_executes_only_when_every_signatory_has_signed(world, circulating_mou, today):
    services.sign_mou(
        mou=circulating_mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief"
    )
    circulating_mou.refresh_from_db()
    assert circulating_mou.status == MouStatus.CIRCULATING
    assert circulating_mou.executed_on is None
    services.sign_mou(
        mou=circulating_mou,
        by=world.vsp_supervisor_a,
        agency=world.vsp_a,
        signer_title="Executive Director",
    )
    circulating_mou.refresh_from_db()
    assert circulating_mou.status == MouStatus.EXECUTED
    assert circulating_mou.executed_on == today
    assert circulating_mou.versions.get().executed_on == today


def test_a_third_signatory_keeps_the_mou_circulating(world, draft_mou):
    services.add_signatory(mou=draft_mou, by=world.coordinator, agency=world.prosecution)
    services.circulate_mou(mou=draft_mou, by=world.coordinator)
    for user, agency in (
        (world.le_supervisor_a, world.le_a),
        (world.vsp_supervisor_a, world.vsp_a),
    ):
        services.sign_mou(mou=draft_mou, by=user, agency=agency, signer_title="Director")
    assert Mou.objects.get(pk=draft_mou.pk).status == MouStatus.CIRCULATING


@pytest.mark.parametrize("persona", ["investigator_a", "advocate_a", "coordinator"])
def test_only_a_supervisor_or_coordinator_of_the_agency_signs_for_it(
    world, circulating_mou, persona
):
    with pytest.raises(PermissionDenied):
        services.sign_mou(
            mou=circulating_mou, by=world.users[persona], agency=world.le_a, signer_title="x"
        )
    assert not circulating_mou.versions.get().signatures.exists()


def test_a_coordinator_membership_in_the_agency_may_sign(world, circulating_mou):
    chief = make_member("chief_a", world.le_a, Role.INVESTIGATOR, is_coordinator=True)
    services.sign_mou(mou=circulating_mou, by=chief, agency=world.le_a, signer_title="Chief")
    assert circulating_mou.versions.get().signatures.count() == 1


def test_signing_twice_or_a_draft_is_a_conflict(world, draft_mou):
    with pytest.raises(InvalidTransition):
        services.sign_mou(
            mou=draft_mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief"
        )
    services.circulate_mou(mou=draft_mou, by=world.coordinator)
    services.sign_mou(
        mou=draft_mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief"
    )
    with pytest.raises(InvalidTransition):
        services.sign_mou(
            mou=draft_mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief"
        )


def test_a_non_signatory_agency_cannot_sign(world, circulating_mou):
    with pytest.raises(ValidationError):
        services.sign_mou(
            mou=circulating_mou, by=world.le_supervisor_a, agency=world.le_b, signer_title="x"
        )


def test_circulating_needs_two_signatories_and_dates(world, today):
    mou = services.create_mou(
        by=world.coordinator,
        title="Solo",
        purpose="x",
        signatories=[{"agency": world.le_a}],
        effective_date=today,
        end_date=today,
    )
    with pytest.raises(ValidationError):
        services.circulate_mou(mou=mou, by=world.coordinator)
    assert Mou.objects.get(pk=mou.pk).status == MouStatus.DRAFT


def test_state_machine_refuses_illegal_steps_and_changes_nothing(world, circulating_mou, today):
    with pytest.raises(InvalidTransition):
        services.circulate_mou(mou=circulating_mou, by=world.coordinator)
    with pytest.raises(InvalidTransition):
        services.update_mou(mou=circulating_mou, by=world.coordinator, title="Changed")
    with pytest.raises(InvalidTransition):
        services.renew_mou(
            mou=circulating_mou, by=world.coordinator, effective_date=today, end_date=today
        )
    assert Mou.objects.get(pk=circulating_mou.pk).title == "Victim-centered response MOU"
    services.terminate_mou(mou=circulating_mou, by=world.coordinator, reason="Superseded")
    with pytest.raises(InvalidTransition):
        services.terminate_mou(mou=circulating_mou, by=world.coordinator, reason="Again")
    assert Mou.objects.get(pk=circulating_mou.pk).status == MouStatus.TERMINATED


def _execute(world, mou):
    services.circulate_mou(mou=mou, by=world.coordinator)
    services.sign_mou(mou=mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief")
    services.sign_mou(mou=mou, by=world.vsp_supervisor_a, agency=world.vsp_a, signer_title="ED")


def test_renewal_starts_a_new_version_that_needs_new_signatures(world, draft_mou, today):
    _execute(world, draft_mou)
    services.renew_mou(
        mou=draft_mou,
        by=world.coordinator,
        effective_date=today + dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=800),
    )
    mou = Mou.objects.get(pk=draft_mou.pk)
    assert (mou.status, mou.version, mou.executed_on) == (MouStatus.DRAFT, 2, None)
    assert mou.versions.count() == 2
    assert mou.versions.get(number=1).signatures.count() == 2
    services.circulate_mou(mou=mou, by=world.coordinator)
    services.sign_mou(mou=mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="Chief")
    assert Mou.objects.get(pk=mou.pk).status == MouStatus.CIRCULATING


def test_executed_mous_expire_after_their_end_date(world, draft_mou, today):
    _execute(world, draft_mou)
    assert services.expire_lapsed_mous(on=today) == 0
    assert services.expire_lapsed_mous(on=draft_mou.end_date + dt.timedelta(days=1)) == 1
    assert Mou.objects.get(pk=draft_mou.pk).status == MouStatus.EXPIRED


def test_only_coordinators_draft_mous(world):
    with pytest.raises(PermissionDenied):
        services.create_mou(by=world.le_supervisor_a, title="x", purpose="y")


def test_end_date_before_effective_date_is_refused(world, today):
    with pytest.raises(ValidationError) as error:
        services.create_mou(
            by=world.coordinator,
            title="x",
            purpose="y",
            effective_date=today,
            end_date=today - dt.timedelta(days=1),
        )
    assert "end_date" in error.value.message_dict
    assert not Mou.objects.exists()


# --- Documents -------------------------------------------------------------------------------


def test_pdf_and_docx_are_accepted_by_content(world, draft_mou):
    version = services.upload_mou_document(
        mou=draft_mou, by=world.coordinator, upload=pdf("scan.exe")
    )
    assert version.document_type == "application/pdf"
    assert version.document_name == "scan.pdf"
    assert "scan" not in version.document.name  # stored under a random name
    version = services.upload_mou_document(
        mou=draft_mou,
        by=world.coordinator,
        upload=SimpleUploadedFile("agreement.pdf", docx_bytes()),
    )
    assert version.document_name == "agreement.docx"


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 not a document",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 broken zip",
    ],
)
def test_files_of_the_wrong_type_are_refused_whatever_their_name(world, draft_mou, content):
    with pytest.raises(ValidationError) as error:
        services.upload_mou_document(
            mou=draft_mou, by=world.coordinator, upload=pdf("mou.pdf", content)
        )
    assert "document" in error.value.message_dict
    assert not draft_mou.versions.get().document


def test_a_macro_enabled_word_file_is_refused(world, draft_mou):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    with pytest.raises(ValidationError):
        services.upload_mou_document(
            mou=draft_mou, by=world.coordinator, upload=pdf("mou.docx", buffer.getvalue())
        )


def test_files_over_the_limit_are_refused(world, draft_mou, settings):
    settings.GOVERNANCE_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.upload_mou_document(
            mou=draft_mou, by=world.coordinator, upload=pdf(content=b"%PDF-" + b"0" * 200)
        )
    assert "larger than the limit" in error.value.message_dict["document"][0]


def test_documents_are_stored_under_the_media_root(world, draft_mou, settings):
    version = services.upload_mou_document(mou=draft_mou, by=world.coordinator, upload=pdf())
    assert str(version.document.path).startswith(str(settings.MEDIA_ROOT))
    assert "static" not in version.document.path


def test_circulating_mou_document_is_fixed(world, circulating_mou):
    with pytest.raises(InvalidTransition):
        services.upload_mou_document(mou=circulating_mou, by=world.coordinator, upload=pdf())


# --- Protocols and decisions -----------------------------------------------------------------


def _decide(world, version, **extra):
    return services.record_decision(
        by=world.coordinator,
        question="Adopt the referral protocol?",
        method="consensus",
        outcome="Adopted",
        decided_on=extra.pop("decided_on", dt.date(2026, 1, 5)),
        adopted_protocol_version=version,
        **extra,
    )


def test_a_protocol_is_adopted_only_through_a_decision(world, protocol):
    version = protocol.versions.get()
    assert protocol.status == ProtocolStatus.DRAFT
    # No service adopts a protocol directly; proposing a version leaves it unadopted.
    assert not hasattr(services, "adopt_protocol")
    services.add_protocol_version(protocol=protocol, by=world.le_supervisor_a, text="Version 2")
    assert Protocol.objects.get(pk=protocol.pk).adopted_version is None
    decision = _decide(world, version)
    protocol.refresh_from_db()
    assert protocol.status == ProtocolStatus.ADOPTED
    assert protocol.adopted_version == version
    assert decision.adopted_protocol_version == version
    version.refresh_from_db()
    assert version.adopted_on == decision.decided_on


def test_adopting_the_adopted_version_again_is_a_conflict(world, protocol):
    version = protocol.versions.get()
    _decide(world, version)
    with pytest.raises(InvalidTransition):
        _decide(world, version)
    assert Decision.objects.count() == 1


def test_a_retired_protocol_cannot_be_adopted_or_changed(world, protocol):
    services.retire_protocol(protocol=protocol, by=world.le_supervisor_a)
    with pytest.raises(InvalidTransition):
        _decide(world, protocol.versions.get())
    with pytest.raises(InvalidTransition):
        services.add_protocol_version(protocol=protocol, by=world.coordinator, text="x")
    with pytest.raises(InvalidTransition):
        services.retire_protocol(protocol=protocol, by=world.coordinator)
    assert not Decision.objects.exists()


def test_only_the_owner_or_a_coordinator_changes_a_protocol(world, protocol):
    with pytest.raises(PermissionDenied):
        services.add_protocol_version(protocol=protocol, by=world.investigator_a, text="x")
    with pytest.raises(PermissionDenied):
        services.update_protocol(
            protocol=protocol, by=world.le_supervisor_a, owner=world.advocate_a
        )
    services.update_protocol(protocol=protocol, by=world.le_supervisor_a, title="Renamed")
    assert Protocol.objects.get(pk=protocol.pk).title == "Renamed"


def test_protocol_version_with_a_wrong_file_is_refused(world, protocol):
    with pytest.raises(ValidationError):
        services.add_protocol_version(
            protocol=protocol,
            by=world.coordinator,
            text="v2",
            upload=SimpleUploadedFile("v2.docx", b"plain text"),
        )
    assert protocol.versions.count() == 1


def test_decisions_are_immutable(world, protocol):
    decision = _decide(world, protocol.versions.get())
    decision.outcome = "Rejected"
    with pytest.raises(InvalidTransition):
        decision.save()
    with pytest.raises(InvalidTransition):
        decision.delete()
    with pytest.raises(InvalidTransition):
        services.change_decision(decision=decision, by=world.coordinator, outcome="Rejected")
    assert Decision.objects.get(pk=decision.pk).outcome == "Adopted"


def test_a_decision_is_superseded_only_once_by_a_new_one(world, protocol):
    first = _decide(world, protocol.versions.get())
    second = services.record_decision(
        by=world.coordinator,
        question="Revisit the referral protocol",
        method="majority_vote",
        outcome="Keep version 1 for another year",
        decided_on=dt.date(2026, 2, 1),
        votes=[(world.le_a, "yes"), (world.vsp_a, "no")],
        supersedes=first,
    )
    assert Decision.objects.get(pk=first.pk).superseded_by == second
    assert second.votes.count() == 2
    with pytest.raises(InvalidTransition):
        services.record_decision(
            by=world.coordinator,
            question="Again",
            method="executive_board",
            outcome="x",
            decided_on=dt.date(2026, 2, 2),
            supersedes=first,
        )
    assert Decision.objects.count() == 2


def test_votes_follow_the_method(world):
    with pytest.raises(ValidationError):
        services.record_decision(
            by=world.coordinator, question="q", method="majority_vote", outcome="o",
            decided_on=dt.date(2026, 1, 1),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.record_decision(
            by=world.coordinator, question="q", method="consensus", outcome="o",
            decided_on=dt.date(2026, 1, 1), votes=[(world.le_a, "yes")],
        )  # fmt: skip
    assert not Decision.objects.exists()


def test_only_coordinators_record_decisions(world, protocol):
    with pytest.raises(PermissionDenied):
        services.record_decision(
            by=world.le_supervisor_a, question="q", method="consensus", outcome="o",
            decided_on=dt.date(2026, 1, 1), adopted_protocol_version=protocol.versions.get(),
        )  # fmt: skip
    assert Protocol.objects.get(pk=protocol.pk).status == ProtocolStatus.DRAFT


# --- Charter ---------------------------------------------------------------------------------


def test_objective_progress_over_time(world, today):
    services.set_charter(by=world.coordinator, mission="End trafficking", purpose="Coordinate")
    goal = services.add_goal(by=world.coordinator, title="Train responders")
    objective = services.add_objective(
        by=world.coordinator,
        goal=goal,
        title="Train patrol officers",
        owner=world.le_supervisor_a,
        measure="Officers trained",
        target_value=Decimal(200),
        target_date=today + dt.timedelta(days=300),
    )
    services.record_progress(
        objective=objective, by=world.le_supervisor_a, value=Decimal(50),
        recorded_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    services.record_progress(objective=objective, by=world.coordinator, value=Decimal(120))
    objective = Objective.objects.get(pk=objective.pk)
    assert objective.current_value == 120
    assert objective.percent == 60
    assert objective.status == "on_track"
    with pytest.raises(PermissionDenied):
        services.record_progress(objective=objective, by=world.investigator_a, value=Decimal(1))
    with pytest.raises(PermissionDenied):
        services.update_objective(
            objective=objective, by=world.le_supervisor_a, target_value=Decimal(10)
        )
    services.update_objective(objective=objective, by=world.le_supervisor_a, status="at_risk")
    assert Objective.objects.get(pk=objective.pk).status == "at_risk"


def test_there_is_one_charter(world):
    services.set_charter(by=world.coordinator, mission="One", purpose="P")
    services.set_charter(by=world.coordinator, mission="Two", purpose="P")
    assert selectors.charter().mission == "Two"
    with pytest.raises(PermissionDenied):
        services.set_charter(by=world.advocate_a, mission="Three", purpose="P")


# --- Leadership ------------------------------------------------------------------------------


def _lead(world, role, agency, starts, **typology):
    typology = {"trafficking_type": "labor", "minor": False, "foreign_national": True, **typology}
    return services.start_term(by=world.coordinator, role=role, agency=agency, starts=starts,
                               **typology)  # fmt: skip


def test_typology_leads_in_force(world, today):
    _lead(world, LeadershipRole.LEAD_LAW_ENFORCEMENT, world.le_b, today - dt.timedelta(days=10))
    _lead(world, LeadershipRole.LEAD_SERVICE_PROVIDER, world.vsp_b, today)
    _lead(world, LeadershipRole.LEAD_LAW_ENFORCEMENT, world.le_a, today, trafficking_type="sex")
    leads = selectors.typology_leads("labor", minor=False, foreign_national=True)
    assert leads == {"law_enforcement": world.le_b, "service_provider": world.vsp_b}
    assert selectors.typology_leads("labor", minor=True, foreign_national=True) == {
        "law_enforcement": None,
        "service_provider": None,
    }
    yesterday = today - dt.timedelta(days=1)
    assert selectors.typology_leads("labor", False, True, on=yesterday)["service_provider"] is None


def test_an_ended_lead_is_no_longer_in_force(world, today):
    term = _lead(
        world, LeadershipRole.LEAD_LAW_ENFORCEMENT, world.le_b, today - dt.timedelta(days=10)
    )
    services.end_term(term=term, by=world.coordinator, ends=today - dt.timedelta(days=1))
    assert selectors.typology_leads("labor", False, True)["law_enforcement"] is None
    with pytest.raises(InvalidTransition):
        services.end_term(term=term, by=world.coordinator)


def test_one_lead_per_typology_and_the_right_discipline(world, today):
    _lead(world, LeadershipRole.LEAD_LAW_ENFORCEMENT, world.le_b, today)
    with pytest.raises(ValidationError):
        _lead(world, LeadershipRole.LEAD_LAW_ENFORCEMENT, world.le_a, today)
    with pytest.raises(ValidationError):
        _lead(world, LeadershipRole.LEAD_SERVICE_PROVIDER, world.le_a, today, minor=True)
    with pytest.raises(ValidationError):
        services.start_term(
            by=world.coordinator, role=LeadershipRole.LEAD_SERVICE_PROVIDER, agency=world.vsp_a,
            starts=today,
        )  # fmt: skip


def test_committees_and_meetings(world, today):
    from django.utils import timezone

    committee = services.create_committee(by=world.coordinator, name="Victim services")
    services.add_committee_member(committee=committee, by=world.coordinator, user=world.advocate_a)
    with pytest.raises(ValidationError):
        services.add_committee_member(
            committee=committee, by=world.coordinator, user=world.advocate_a
        )
    with pytest.raises(ValidationError):
        services.add_committee_member(
            committee=committee, by=world.coordinator, user=world.outsider
        )
    services.start_term(
        by=world.coordinator, role=LeadershipRole.COMMITTEE_CHAIR, user=world.vsp_supervisor_a,
        committee=committee, starts=today,
    )  # fmt: skip
    future = services.schedule_meeting(
        by=world.coordinator, title="Quarterly", held_at=timezone.now() + dt.timedelta(days=3),
        committee=committee, agenda="1. Referrals",
    )  # fmt: skip
    with pytest.raises(InvalidTransition):
        services.record_minutes(meeting=future, by=world.coordinator, minutes="Too early")
    past = services.schedule_meeting(
        by=world.coordinator, title="Kickoff", held_at=timezone.now() - dt.timedelta(hours=2)
    )
    services.record_minutes(
        meeting=past, by=world.coordinator, minutes="Agreed on the charter.",
        attendees=[world.advocate_a, world.investigator_a],
    )  # fmt: skip
    assert {a.agency for a in past.attendance.all()} == {world.vsp_a, world.le_a}
    with pytest.raises(ValidationError):
        services.record_minutes(
            meeting=past, by=world.coordinator, minutes="x", attendees=[world.outsider]
        )
