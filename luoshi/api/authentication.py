"""How the API knows who calls: a personal token (Authorization: Bearer ls_…), or the session of
the app's own pages with its CSRF check. A token that fails is a row of the audit log (by its
prefix, never the secret)."""

from __future__ import annotations

import hmac
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from luoshi.api.models import ApiToken
from luoshi.api.services import TOKEN_START, token_digest, token_prefix
from luoshi.audit.models import Action
from luoshi.audit.services import audit_record
from luoshi.core import clock

KEYWORDS = (b"bearer", b"token")


def _refuse(
    message: str, *, prefix: str = "", token: ApiToken | None = None
) -> exceptions.AuthenticationFailed:
    user = token.user if token is not None else None
    audit_record(
        action=Action.LOGIN_FAILED,
        actor=None,
        username=user.get_username() if user is not None else "",
        actor_name=str(user) if user is not None else "API 调用方",
        object_type="api.ApiToken",
        object_id=token.pk if token is not None else "",
        object_text=str(token) if token is not None else (f"{prefix}…" if prefix else ""),
        summary=f"API 令牌认证失败：{message}",
        region=None,
    )
    return exceptions.AuthenticationFailed(message)


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise _refuse("Authorization 头格式应为“Bearer 令牌”。")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise _refuse("令牌含有无效字符。") from None
        prefix = token_prefix(secret)
        if not secret.startswith(TOKEN_START) or len(secret) < len(TOKEN_START) + 20:
            raise _refuse("令牌无效。", prefix=prefix[:16])
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.token_hash, token_digest(secret)):
            raise _refuse("令牌无效。", prefix=prefix)
        if token.revoked_at is not None:
            raise _refuse("令牌已撤销。", token=token)
        today = clock.today()
        if token.expires_on < today:
            raise _refuse("令牌已过期。", token=token)
        if not token.user.is_active:
            raise _refuse("账号已停用。", token=token)
        if token.last_used_on != today:
            # One write a day, without the audit log's capture: a use is not a change of the token.
            ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
            token.last_used_on = today
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The app's own pages call the API with their session, and with the CSRF token like a form."""
