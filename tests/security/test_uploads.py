"""Uploads are judged on their bytes, never on the file name or the browser's content type, and
within size and expansion limits. A refusal is a clear error on the field and stores nothing.

Driven through the real pages and API; the files are built here, byte by byte.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from protocols import services
from protocols.models import Protocol, ProtocolTopic
from taskforce import uploads
from tests.protocols.conftest import PDF_BYTES, docx_bytes

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft_mou(world):
    today = timezone.localdate()
    return services.create_mou(
        by=world.coordinator,
        title="Victim-centered response MOU",
        purpose="Joint identification of and services for victims.",
        approving_body="Executive board",
        effective_date=today,
        end_date=today + dt.timedelta(days=730),
        signatories=[
            {"agency": world.le_a, "roles": "Lead investigations"},
            {"agency": world.vsp_a, "responsibilities": "Comprehensive services"},
        ],
    )


@pytest.fixture
def protocol(world):
    return services.create_protocol(
        by=world.coordinator,
        title="Victim identification and referral",
        topic=ProtocolTopic.objects.get(code="victim-identification-referral"),
        owner=world.le_supervisor_a,
        review_date=timezone.localdate() + dt.timedelta(days=365),
        text="Screen with the indicator tool; refer within 24 hours.",
    )


def claimed_pdf(content: bytes, name: str = "report.pdf") -> SimpleUploadedFile:
    """A file that says it is a PDF, by name and by content type."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, data in parts.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def docx_with(extra: dict[str, bytes]) -> bytes:
    """A DOCX (the two parts that make one) with ``extra`` parts."""
    return archive(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra}
    )


ELEVEN_MB_OF_ZEROS = {"word/media/fill.bin": b"\0" * (11 * 1024 * 1024)}


def understated(content: bytes, part: str, claimed_size: int) -> bytes:
    """The archive with ``part``'s uncompressed size understated in both of its headers, as a
    zip bomb does to slip past a check of the sizes alone."""
    data = bytearray(content)
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == part.encode():
            struct.pack_into("<I", data, local + 22, claimed_size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == part.encode():
            struct.pack_into("<I", data, central + 24, claimed_size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


# --- the API ----------------------------------------------------------------------------------


def test_api_refuses_an_executable_named_as_a_pdf(world, api, draft_mou, media_in_tmp):
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}),
        {"document": claimed_pdf(EXECUTABLE)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["document"] == [uploads.REFUSED_TYPE]
    assert not draft_mou.versions.get().document
    assert stored_files(media_in_tmp) == []


def test_api_refuses_an_oversize_file(world, api, draft_mou, settings, media_in_tmp):
    settings.GOVERNANCE_DOCUMENT_MAX_BYTES = 1024 * 1024
    big = claimed_pdf(PDF_BYTES + b"0" * (1024 * 1024))
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}), {"document": big}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["document"] == ["The file is larger than the limit of 1 MB."]
    assert not draft_mou.versions.get().document
    assert stored_files(media_in_tmp) == []


def test_api_takes_a_document_on_its_content_whatever_its_name(world, api, draft_mou):
    upload = SimpleUploadedFile("minutes.exe", docx_bytes(), content_type="application/x-msdos")
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}), {"document": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    version = draft_mou.versions.get()
    assert version.document_type == uploads.DOCX
    assert version.document_name == "minutes.docx"


def test_api_refuses_a_protocol_version_with_a_renamed_executable(world, api, protocol):
    response = api(world.le_supervisor_a).post(
        reverse("protocol-versions", kwargs={"pk": protocol.pk}),
        {"text": "Second version", "document": claimed_pdf(EXECUTABLE)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"document": [uploads.REFUSED_TYPE]}
    assert protocol.versions.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        # Expands far past ten times the upload limit (here 1 MB).
        pytest.param(docx_with(ELEVEN_MB_OF_ZEROS), id="expands"),
        # Claims small sizes for what expands to 11 MB: reading it shows the lie.
        pytest.param(
            understated(docx_with(ELEVEN_MB_OF_ZEROS), "word/media/fill.bin", 100),
            id="understated",
        ),
        pytest.param(
            docx_with({f"word/media/{n}.xml": b"<x/>" for n in range(1001)}),
            id="too-many-parts",
        ),
        pytest.param(docx_bytes()[:-30], id="truncated"),
    ],
)
def test_api_refuses_an_archive_that_could_not_be_opened_safely(
    world, api, draft_mou, settings, content, media_in_tmp
):
    settings.GOVERNANCE_DOCUMENT_MAX_BYTES = 1024 * 1024
    assert len(content) < 1024 * 1024
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}),
        {"document": SimpleUploadedFile("agreement.docx", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["document"] in ([uploads.REFUSED_ARCHIVE], [uploads.REFUSED_TYPE])
    assert not draft_mou.versions.get().document
    assert stored_files(media_in_tmp) == []


def test_api_refuses_a_macro_document_named_docx(world, api, draft_mou):
    content = docx_with({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}),
        {"document": SimpleUploadedFile("agreement.docx", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["document"] == [uploads.REFUSED_TYPE]


def test_a_zip_that_is_not_a_word_document_is_refused(world, api, draft_mou):
    content = archive({"report.pdf": PDF_BYTES})
    response = api(world.coordinator).post(
        reverse("mou-upload", kwargs={"pk": draft_mou.pk}),
        {"document": SimpleUploadedFile("report.docx", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["document"] == [uploads.REFUSED_TYPE]


# --- the pages --------------------------------------------------------------------------------


def test_page_refuses_an_executable_named_as_a_pdf_on_the_field(
    world, browser_client, draft_mou, media_in_tmp
):
    response = browser_client(world.coordinator).post(
        reverse("protocols:mou-upload", args=[draft_mou.pk]),
        {"document": claimed_pdf(EXECUTABLE)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_document_error"' in page
    assert uploads.REFUSED_TYPE in page
    assert not draft_mou.versions.get().document
    assert stored_files(media_in_tmp) == []


def test_page_refuses_an_oversize_file_on_the_field(
    world, browser_client, draft_mou, settings, media_in_tmp
):
    settings.GOVERNANCE_DOCUMENT_MAX_BYTES = 1024 * 1024
    response = browser_client(world.coordinator).post(
        reverse("protocols:mou-upload", args=[draft_mou.pk]),
        {"document": claimed_pdf(PDF_BYTES + b"0" * (1024 * 1024))},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_document_error"' in page
    assert "larger than the limit of 1 MB" in page
    assert not draft_mou.versions.get().document
    assert stored_files(media_in_tmp) == []


def test_new_protocol_page_refuses_a_renamed_executable_on_its_field(
    world, browser_client, media_in_tmp
):
    topic = ProtocolTopic.objects.get(code="victim-identification-referral")
    response = browser_client(world.coordinator).post(
        reverse("protocols:protocol-create"),
        {
            "title": "Interview protocol",
            "topic": topic.pk,
            "owner": world.le_supervisor_a.username,
            "review_date": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "text": "Trauma-informed interviews.",
            "upload": claimed_pdf(EXECUTABLE, "interviews.pdf"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_upload_error"' in page
    assert uploads.REFUSED_TYPE in page
    assert not Protocol.objects.filter(title="Interview protocol").exists()
    assert stored_files(media_in_tmp) == []
