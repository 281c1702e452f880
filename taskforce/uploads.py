"""Checking uploaded files on their content: the one place every upload is judged.

The file name and the browser's content type are the uploader's claims; the bytes are not. A
PDF starts ``%PDF-``. A DOCX is a ZIP holding ``[Content_Types].xml`` and ``word/document.xml``,
without a macro project; its archive is bounded too (entries, expanded size, honest headers),
so a small upload cannot expand into gigabytes for the next program that opens it.

Forms and serializers use ``validate_document`` as a field validator (the refusal lands on the
field); services call ``check_document`` again before storing, whatever called them.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION = {PDF: "pdf", DOCX: "docx"}

# A real Word document has tens of parts; a few hundred images would still fit.
MAX_ARCHIVE_ENTRIES = 1000
# How far a document may expand, as a multiple of the upload limit (XML compresses ~10:1).
MAX_EXPANSION = 10

REFUSED_TYPE = "Only PDF or Word (DOCX) documents are accepted."
REFUSED_ARCHIVE = "This Word document is damaged or expands too far to be accepted."


def max_bytes() -> int:
    return settings.GOVERNANCE_DOCUMENT_MAX_BYTES


def _megabytes(size: int) -> int:
    return size // (1024 * 1024) or 1


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _docx_parts(upload) -> set[str] | None:
    """The part names of a sound DOCX archive, or None when the archive is refused."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                return None
            if any(entry.flag_bits & 0x1 for entry in entries):
                return None  # encrypted: nothing in it can be checked
            if sum(entry.file_size for entry in entries) > max_bytes() * MAX_EXPANSION:
                return None
            # The sizes above are the archive's own claim. Reading every entry (bounded by
            # those sizes) and checking its CRC shows whether the claim is true.
            if archive.testzip() is not None:
                return None
            return {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)


def sniff(upload) -> str | None:
    """The document's real type (PDF or DOCX) judged on its bytes, or None."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        parts = _docx_parts(upload)
        if parts is None:
            raise ValidationError(REFUSED_ARCHIVE, code="archive")
        # A macro-enabled document (a .docm renamed) carries a VBA project: refused.
        if {"word/document.xml", "[Content_Types].xml"} <= parts and not any(
            name.lower().endswith("vbaproject.bin") for name in parts
        ):
            return DOCX
    return None


def check_document(upload) -> str:
    """The real content type of an acceptable document; a ``ValidationError`` otherwise."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The file is larger than the limit of {_megabytes(limit)} MB.", code="file_size"
        )
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(REFUSED_TYPE, code="file_type")
    return kind


def validate_document(upload) -> None:
    """Field validator for forms and serializers (DRF turns the error into a 400 on the field)."""
    if upload is not None:
        check_document(upload)
