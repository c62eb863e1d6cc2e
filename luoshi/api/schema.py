"""The token scheme, as the OpenAPI schema describes it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "luoshi.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人 API 令牌（“我的 API 令牌”页面创建，只显示一次）：Authorization: Bearer ls_…",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "luoshi.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "本系统页面的登录会话（写操作需 CSRF）",
        }
