"""Governance fixtures: a charter, an MOU between le_a and vsp_a, a protocol, and documents."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from protocols import services
from protocols.models import ProtocolTopic

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf(name: str = "mou.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a temporary media root, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def draft_mou(world, today):
    return services.create_mou(
        by=world.coordinator,
        title="Victim-centered response MOU",
        purpose="Joint identification of and services for victims.",
        approving_body="Executive board",
        effective_date=today,
        end_date=today + dt.timedelta(days=730),
        signatories=[
            {"agency": world.le_a, "roles": "Lead investigations", "fiscal": "None"},
            {"agency": world.vsp_a, "responsibilities": "Comprehensive services"},
        ],
    )


@pytest.fixture
def circulating_mou(world, draft_mou):
    return services.circulate_mou(mou=draft_mou, by=world.coordinator)


@pytest.fixture
def topic():
    return ProtocolTopic.objects.get(code="victim-identification-referral")


@pytest.fixture
def protocol(world, today, topic):
    return services.create_protocol(
        by=world.coordinator,
        title="Victim identification and referral",
        topic=topic,
        owner=world.le_supervisor_a,
        review_date=today + dt.timedelta(days=365),
        text="Screen with the indicator tool; refer within 24 hours.",
    )
