from __future__ import annotations

from django.http import HttpRequest

from luoshi.org.models import User


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: its user is a logged-in User."""

    user: User
