"""Checking uploaded governance documents: PDF or DOCX by their content, within a size limit.

The name and the browser's content type are the uploader's claims; the first bytes are not. A
DOCX is a ZIP holding ``word/document.xml``; any other ZIP (or a renamed file) is refused.
"""

from __future__ import annotations

import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION = {PDF: "pdf", DOCX: "docx"}


def max_bytes() -> int:
    return settings.GOVERNANCE_DOCUMENT_MAX_BYTES


def sniff(upload) -> str | None:
    """The document's real type (PDF or DOCX), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        # A macro-enabled document (a .docm renamed) carries a VBA project: refused.
        if {"word/document.xml", "[Content_Types].xml"} <= names and not any(
            name.lower().endswith("vbaproject.bin") for name in names
        ):
            return DOCX
    return None


def validate_document(upload, *, field: str = "document") -> str:
    """The content type of an acceptable upload; a ``ValidationError`` on ``field`` otherwise."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            {field: f"The file is larger than the limit of {limit // (1024 * 1024) or 1} MB."}
        )
    if upload.size == 0:
        raise ValidationError({field: "The file is empty."})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({field: "Only PDF or Word (DOCX) documents are accepted."})
    return kind


def stored_name(kind: str) -> str:
    """A random name: nothing of the uploader's file name reaches the file system."""
    return f"{secrets.token_hex(16)}.{EXTENSION[kind]}"


def display_name(name: str, kind: str) -> str:
    """The name shown to members: the uploaded name, trimmed, with the real extension."""
    base = (name or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0][:150] or "document"
    return f"{stem}.{EXTENSION[kind]}"


def serve(version) -> HttpResponse:
    """A version's document as a download (404 when it has none). Read whole: documents are
    size-limited, and nothing of the file is ever reachable at a URL of its own."""
    if not version.document:
        raise Http404
    with version.document.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=version.document_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=version.document_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
