"""Writes of the API app: personal tokens created and revoked (audited as model changes)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from luoshi.api.models import ApiToken
from luoshi.core import clock
from luoshi.items.services import ServiceError, ensure
from luoshi.org.models import User

TOKEN_START = "ls_"  # noqa: S105 - the visible start of every token, not a secret
MAX_DAYS = 366
MAX_ACTIVE = 10


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_prefix(secret: str) -> str:
    """The part of a token that finds its row: `ls_` and eight characters."""
    return secret[: len(TOKEN_START) + 8]


@transaction.atomic
def token_create(*, user: User, name: str, expires_on: date, as_of: date) -> IssuedToken:
    name = name.strip()
    ensure(name, "请写明令牌的用途。", ServiceError)
    ensure(expires_on > as_of, "有效期必须晚于今天。", ServiceError)
    ensure(
        expires_on <= as_of + timedelta(days=MAX_DAYS),
        f"有效期最长一年（{MAX_DAYS}天），到期后再新建一个。",
        ServiceError,
    )
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_on__gte=as_of).count()
    ensure(active < MAX_ACTIVE, f"每人最多保留{MAX_ACTIVE}个有效令牌，请先撤销不用的。", ServiceError)
    while True:
        secret = TOKEN_START + secrets.token_urlsafe(32).replace("-", "x").replace("_", "y")
        if not ApiToken.objects.filter(prefix=token_prefix(secret)).exists():
            break
    token = ApiToken.objects.create(
        user=user,
        name=name[:60],
        prefix=token_prefix(secret),
        token_hash=token_digest(secret),
        expires_on=expires_on,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    ensure(token.user_id == user.pk, "只能撤销自己的令牌。")
    ensure(token.revoked_at is None, "这个令牌已经撤销。", ServiceError)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    return token
