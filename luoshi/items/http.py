"""What the views of items and of the ledgers built on items share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from luoshi.items.services import ServiceError


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
