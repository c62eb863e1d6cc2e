"""Every error of the API in one shape, in Chinese:

    {"error": {"code": "not_found", "message": "找不到这个对象。", "fields": {"deadline": ["…"]}}}

`code` is stable (a client branches on it), `message` is for a person, `fields` (present on
`invalid`) names each field's problems; a 409 adds `current_version`. The codes:

    invalid 400 · refused 400 (a service's refusal, with its reason) · not_authenticated 401 ·
    authentication_failed 401 · permission_denied 403 · not_found 404 · method_not_allowed 405 ·
    not_acceptable 406 · conflict 409 (`current_version`) · too_large 413 · unsupported_media_type 415 ·
    throttled 429
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from luoshi.items.services import Conflict, NotAllowed, ServiceError

MESSAGES = {
    "not_authenticated": "请提供有效的 API 令牌或先登录。",
    "permission_denied": "没有权限执行这个操作。",
    "not_found": "找不到这个对象。",
    "method_not_allowed": "不支持这种请求方法。",
    "not_acceptable": "无法按所要求的格式回答。",
    "unsupported_media_type": "不支持这种请求格式。",
    "parse_error": "请求内容无法解析。",
    "throttled": "请求过于频繁，请稍后再试。",
}


class ApiConflict(exceptions.APIException):
    """A version-checked write that lost to a newer change: 409 with the current version."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class Refused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def body(code: str, message: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    error.update(extra)
    return {"error": error}


def _messages(detail: Any) -> list[str]:
    """Every message in a nested detail (a list field's errors come keyed by position)."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): _messages(v) for k, v in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        exc = ApiConflict(exc.message, current_version=0)
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ServiceError):
        exc = Refused(exc.message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = getattr(exc, "summary", "") or (next(iter(fields.values()))[0] if fields else "")
        data = body("invalid", f"请求有误：{first}" if first else "请求有误。", fields)
    elif isinstance(exc, ApiConflict):
        data = body("conflict", str(exc.detail), current_version=exc.current_version)
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        code = str(code)
        default = str(exc.default_detail)
        message = str(exc.detail) if str(exc.detail) != default else MESSAGES.get(code, str(exc.detail))
        if message.startswith("CSRF"):
            message = "CSRF 校验失败：用登录会话调用接口时须带页面的 CSRF 令牌，或改用 API 令牌。"
        elif code in ("not_found", "parse_error") or not _chinese(message):
            # Django REST framework's own words (JSON parse error…, CSRF Failed…) are English: the
            # code's Chinese message instead, never the parser's internals.
            message = MESSAGES.get(code, "请求无法处理。")
        data = body(code, message)
    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)
