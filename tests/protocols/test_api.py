"""The governance API: uploads checked on content, documents only to members, the MOU state
machine's 409s, adoption only through decisions, immutable decisions, and partner systems
reading as their agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.services import register_partner_application
from protocols.models import Decision, Mou, MouStatus, Protocol, ProtocolStatus
from tests.api.test_oauth import bearer, obtain_token
from tests.protocols.conftest import PDF_BYTES, docx_bytes

pytestmark = pytest.mark.django_db


def mou_url(mou, action: str = "") -> str:
    name = f"mou-{action}" if action else "mou-detail"
    return reverse(name, kwargs={"pk": mou.pk})


def test_coordinator_drafts_circulates_and_supervisors_execute(world, api, today):
    coordinator = api(world.coordinator)
    response = coordinator.post(
        reverse("mou-list"),
        {
            "title": "Joint response MOU",
            "purpose": "Identify victims and deliver services.",
            "effective_date": today.isoformat(),
            "end_date": (today + dt.timedelta(days=365)).isoformat(),
            "signatories": [
                {"agency": world.le_a.pk, "roles": "Investigations"},
                {"agency": world.vsp_a.pk, "resources": "Two advocates", "fiscal": "None"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    mou = Mou.objects.get(pk=response.json()["id"])
    assert {s["agency"] for s in response.json()["signatories"]} == {world.le_a.pk, world.vsp_a.pk}
    assert coordinator.post(mou_url(mou, "circulate")).status_code == 200
    assert coordinator.post(mou_url(mou, "circulate")).status_code == 409
    sign = {"agency": world.le_a.pk, "signer_title": "Chief"}
    assert api(world.le_supervisor_a).post(mou_url(mou, "sign"), sign).json()["status"] == (
        "circulating"
    )
    assert api(world.le_supervisor_a).post(mou_url(mou, "sign"), sign).status_code == 409
    body = api(world.vsp_supervisor_a).post(
        mou_url(mou, "sign"), {"agency": world.vsp_a.pk, "signer_title": "Director"}
    )
    assert body.json()["status"] == "executed"
    assert len(body.json()["versions"][0]["signatures"]) == 2
    # Executed: its terms no longer change; renewal starts version 2.
    assert coordinator.patch(mou_url(mou), {"title": "x"}, format="json").status_code == 409
    renewed = coordinator.post(
        mou_url(mou, "renew"),
        {"effective_date": "2030-01-01", "end_date": "2031-01-01"},
    )
    assert renewed.status_code == 200
    assert (renewed.json()["status"], renewed.json()["version"]) == ("draft", 2)


def test_upload_is_checked_on_content_and_served_only_to_members(world, api, draft_mou):
    coordinator = api(world.coordinator)
    fake = SimpleUploadedFile("mou.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = coordinator.post(
        mou_url(draft_mou, "upload"), {"document": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "document" in response.json()
    good = SimpleUploadedFile("signed.docx", docx_bytes())
    response = coordinator.post(
        mou_url(draft_mou, "upload"), {"document": good}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["versions"][0]["document_name"] == "signed.docx"
    download = api(world.advocate_b).get(mou_url(draft_mou, "document"))
    assert download.status_code == 200
    assert download.content == docx_bytes()
    assert download["Content-Disposition"].startswith("attachment")
    assert api(world.outsider).get(mou_url(draft_mou, "document")).status_code == 403
    assert (
        api(world.advocate_b).get(mou_url(draft_mou, "document"), {"version": 9}).status_code == 404
    )


def test_upload_over_the_limit_is_refused(world, api, draft_mou, settings):
    settings.GOVERNANCE_DOCUMENT_MAX_BYTES = 64
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 100)
    response = api(world.coordinator).post(
        mou_url(draft_mou, "upload"), {"document": big}, format="multipart"
    )
    assert response.status_code == 400
    assert "limit" in response.json()["document"][0]
    assert not draft_mou.versions.get().document


def test_protocol_is_adopted_only_by_a_decision(world, api, protocol):
    coordinator = api(world.coordinator)
    url = reverse("protocol-detail", kwargs={"pk": protocol.pk})
    assert coordinator.patch(url, {"status": "adopted"}, format="json").json()["status"] == "draft"
    version = protocol.versions.get()
    response = coordinator.post(
        reverse("decision-list"),
        {
            "question": "Adopt the referral protocol?",
            "method": "majority_vote",
            "outcome": "Adopted 2-0",
            "decided_on": "2026-01-15",
            "votes": [
                {"agency": world.le_a.pk, "vote": "yes"},
                {"agency": world.vsp_a.pk, "vote": "yes"},
            ],
            "adopted_protocol_version": version.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["votes"]) == 2
    protocol.refresh_from_db()
    assert (protocol.status, protocol.adopted_version) == (ProtocolStatus.ADOPTED, version)
    decision = Decision.objects.get()
    refused = coordinator.patch(
        reverse("decision-detail", kwargs={"pk": decision.pk}), {"outcome": "x"}, format="json"
    )
    assert refused.status_code == 409
    assert Decision.objects.get().outcome == "Adopted 2-0"


def test_protocol_version_upload_and_download(world, api, protocol):
    owner = api(world.le_supervisor_a)
    url = reverse("protocol-versions", kwargs={"pk": protocol.pk})
    bad = SimpleUploadedFile("v2.pdf", b"MZ executable")
    assert owner.post(url, {"text": "v2", "document": bad}, format="multipart").status_code == 400
    good = SimpleUploadedFile("v2.pdf", PDF_BYTES)
    response = owner.post(url, {"text": "v2", "document": good}, format="multipart")
    assert response.status_code == 201, response.content
    document = reverse("protocol-version-document", kwargs={"pk": response.json()["id"]})
    assert api(world.community_member).get(document).content == PDF_BYTES
    assert Protocol.objects.get(pk=protocol.pk).adopted_version is None


def test_bad_input_is_a_400_naming_the_field(world, api, today):
    coordinator = api(world.coordinator)
    response = coordinator.post(
        reverse("mou-list"),
        {"title": "x", "purpose": "y", "effective_date": "2030-01-02", "end_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "end_date" in response.json()
    response = coordinator.post(
        reverse("leadership-term-list"),
        {"role": "lead_law_enforcement", "agency": world.vsp_a.pk, "trafficking_type": "sex",
         "minor": False, "foreign_national": False, "starts": today.isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "agency" in response.json()
    assert not Mou.objects.exists()


def test_partner_system_reads_governance_and_writes_nothing(world, draft_mou):
    application, secret = register_partner_application(
        agency=world.le_a, name="Alpha records bridge", by=world.coordinator
    )
    client = bearer(obtain_token(application, secret).json()["access_token"])
    assert client.get(reverse("mou-list")).json()["results"][0]["id"] == draft_mou.pk
    assert client.get(reverse("decision-list")).status_code == 200
    response = client.post(reverse("mou-circulate", kwargs={"pk": draft_mou.pk}))
    assert response.status_code == 403
    assert Mou.objects.get(pk=draft_mou.pk).status == MouStatus.DRAFT
