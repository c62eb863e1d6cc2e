"""What the views of items and of the ledgers built on items share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase

from luoshi.items.models import StoredEvidence
from luoshi.items.services import ServiceError

R = TypeVar("R", bound=HttpResponseBase)

# Shown in the browser; any other evidence is downloaded, never rendered.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


def run_service(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """Run a service; show its refusal as an error message, else `success` (when there is one).
    Returns whether it succeeded."""
    try:
        call()
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def evidence_response(evidence: StoredEvidence, *, thumbnail: bool = False) -> FileResponse:
    """An evidence file (or its thumbnail), once the view has checked that the user may see it:
    sandboxed, never sniffed, images and PDF inline and everything else as a download."""
    if thumbnail and not evidence.thumbnail:
        raise Http404
    stored = evidence.thumbnail if thumbnail else evidence.file
    response = FileResponse(
        stored.open("rb"),
        content_type="image/jpeg" if thumbnail else evidence.content_type,
        as_attachment=evidence.content_type not in INLINE_TYPES,
        filename=evidence.original_name,
    )
    return sandboxed(response)


def sandboxed(response: R) -> R:
    """The headers of a user's uploaded file: never sniffed, never scripted, cached privately."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
