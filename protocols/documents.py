"""Governance documents: checked on their content (``taskforce.uploads``), stored under random
names, served only as downloads to members.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from taskforce.uploads import DOCX, EXTENSION, PDF, check_document

__all__ = ["DOCX", "PDF", "display_name", "serve", "stored_name", "validate_document"]


def validate_document(upload, *, field: str = "document") -> str:
    """The content type of an acceptable upload; a ``ValidationError`` on ``field`` otherwise."""
    try:
        return check_document(upload)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


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
