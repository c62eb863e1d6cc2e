"""The audit log's middleware: binds each request (who acts, from where, on which page) for the rows
written while it runs, and records the refusals: every 403, a lockout's 429, and a logged-in user
sent away from 系统管理 to its login page. It reads nothing and writes nothing otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from luoshi.audit import context
from luoshi.audit.models import Action
from luoshi.audit.services import audit_record

logger = logging.getLogger("luoshi.audit")


class AuditMiddleware:
    """Goes right after AuthenticationMiddleware: every middleware and view after it, the login
    view and django-axes' lockout page included, runs inside the request's context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.bind_request(request)
        try:
            response = self.get_response(request)
            summary = refusal(request, response)
            if summary:
                try:
                    audit_record(action=Action.REFUSED, summary=summary)
                except DatabaseError:
                    logger.exception(
                        "audit: the refusal of %s %s was not recorded", request.method, request.path
                    )
            return response
        finally:
            context.unbind(token)


def refusal(request: HttpRequest, response: HttpResponse) -> str:
    """What the response refused, in words; empty when it refused nothing."""
    status = response.status_code
    where = f"{request.method} {request.path}"
    if status == 403:
        return f"越权访问被拒绝（403）：{where}"
    if status == 429:
        if context.current().lockout_recorded:
            return ""
        return f"登录已锁定，请求被拒绝（429）：{where}"
    if status == 302 and _sent_from_admin_to_its_login(request, response):
        return f"无权进入系统管理：{where}"
    return ""


def _sent_from_admin_to_its_login(request: HttpRequest, response: HttpResponse) -> bool:
    match = request.resolver_match
    user = getattr(request, "user", None)
    if match is None or "admin" not in match.namespaces or not getattr(user, "is_authenticated", False):
        return False
    try:
        login = reverse("admin:login")
    except NoReverseMatch:
        return False
    return request.path != login and response.get("Location", "").startswith(login)
