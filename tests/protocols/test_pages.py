"""Governance pages: progress at a glance, filters, errors next to fields, and 409 pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from protocols import services
from protocols.models import Mou
from tests.protocols.conftest import pdf

pytestmark = pytest.mark.django_db


def test_charter_page_shows_each_objectives_progress(world, browser_client, today):
    services.set_charter(by=world.coordinator, mission="End trafficking", purpose="Coordinate")
    goal = services.add_goal(by=world.coordinator, title="Train responders")
    objective = services.add_objective(
        by=world.coordinator, goal=goal, title="Train patrol officers",
        owner=world.le_supervisor_a, measure="Officers", target_value=Decimal(200),
        target_date=today + dt.timedelta(days=100),
    )  # fmt: skip
    services.record_progress(objective=objective, by=world.coordinator, value=Decimal(50))
    body = browser_client(world.advocate_a).get(reverse("protocols:charter")).content.decode()
    assert "End trafficking" in body
    assert 'aria-valuenow="25"' in body
    assert "Record progress" not in body  # neither owner nor coordinator
    owner_page = browser_client(world.le_supervisor_a).get(reverse("protocols:charter"))
    assert "Record progress" in owner_page.content.decode()


def test_mou_list_filters_by_status_and_search(world, browser_client, draft_mou, circulating_mou):
    services.create_mou(by=world.coordinator, title="Shelter beds", purpose="Beds")
    client = browser_client(world.investigator_a)
    body = client.get(reverse("protocols:mou-list"), {"status": "draft"}).content.decode()
    assert "Shelter beds" in body
    assert "Victim-centered response MOU" not in body
    body = client.get(reverse("protocols:mou-list"), {"q": "shelter"}).content.decode()
    assert "1 MOU found" in body
    bad = client.get(reverse("protocols:mou-list"), {"status": "nonsense"}).content.decode()
    assert "Correct the filters" in bad


def test_mou_form_shows_errors_next_to_fields_and_saves_nothing(world, browser_client):
    response = browser_client(world.coordinator).post(
        reverse("protocols:mou-create"),
        {"title": "", "purpose": "p", "effective_date": "2030-02-01", "end_date": "2030-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title_error"' in body
    assert 'id="id_end_date_error"' in body
    assert not Mou.objects.exists()


def test_signing_a_draft_is_a_409_page(world, browser_client, draft_mou):
    response = browser_client(world.le_supervisor_a).get(
        reverse("protocols:mou-sign", args=[draft_mou.pk])
    )
    assert response.status_code == 409
    assert "draft" in response.content.decode()


def test_documents_are_downloaded_by_members_only(world, browser_client, draft_mou):
    version = services.upload_mou_document(mou=draft_mou, by=world.coordinator, upload=pdf())
    url = reverse("protocols:mou-document", args=[version.pk])
    response = browser_client(world.community_member).get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert browser_client(world.outsider).get(url).status_code == 403
    # The file has no URL of its own.
    with pytest.raises(ValueError):
        version.document.url  # noqa: B018


def test_upload_form_refuses_a_renamed_file(world, browser_client, draft_mou):
    response = browser_client(world.coordinator).post(
        reverse("protocols:mou-upload", args=[draft_mou.pk]),
        {"document": pdf("mou.pdf", b"GIF89a not a pdf")},
    )
    assert response.status_code == 200
    assert "Only PDF or Word" in response.content.decode()
    assert not draft_mou.versions.get().document


def test_due_for_review_filter(world, browser_client, protocol, topic, today):
    services.create_protocol(
        by=world.coordinator, title="Media", topic=topic, owner=world.coordinator,
        review_date=today + dt.timedelta(days=5), text="One voice.",
    )  # fmt: skip
    body = (
        browser_client(world.prosecutor)
        .get(reverse("protocols:protocol-list"), {"due": "on"})
        .content.decode()
    )
    assert ">Media</a>" in body
    assert ">Victim identification and referral</a>" not in body
