"""Personal API tokens: shown once, hashed at rest, expiring, revocable, every failure audited."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from luoshi.api.models import ApiToken
from luoshi.api.services import token_create
from luoshi.api.tests.conftest import AS_OF, token_for
from luoshi.audit.models import Action, AuditEvent
from luoshi.conftest import client_for

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_shown_once_and_kept_only_as_its_hash(fagaiju_reporter):
    client = client_for(fagaiju_reporter)
    response = client.post("/account/api-tokens/", {"name": "企业微信工作台", "expires_on": "2023-10-31"})
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=fagaiju_reporter)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > len(token.prefix) + 20
    assert secret not in client.get("/account/api-tokens/").content.decode()  # never again
    created = AuditEvent.objects.get(action=Action.CREATED, object_type="api.ApiToken")
    assert token.token_hash not in str(created.changes)  # the audit log masks the hash


def test_the_token_authenticates_and_records_its_last_use(fagaiju_reporter):
    secret = token_for(fagaiju_reporter)
    response = bearer(secret).get("/api/v1/items/")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_on == AS_OF


@pytest.mark.parametrize(
    ("change", "message"),
    [("revoke", "令牌已撤销。"), ("expire", "令牌已过期。"), ("wrong", "令牌无效。")],
)
def test_a_failing_token_answers_401_in_chinese_and_is_audited(fagaiju_reporter, change, message):
    secret = token_for(fagaiju_reporter)
    token = ApiToken.objects.get()
    if change == "revoke":
        client_for(fagaiju_reporter).post(f"/account/api-tokens/{token.pk}/revoke/")
        assert ApiToken.objects.get().revoked_at is not None
    elif change == "expire":
        ApiToken.objects.filter(pk=token.pk).update(expires_on=date(2023, 7, 24))
    else:
        secret = secret[:-4] + "abcd"
    response = bearer(secret).get("/api/v1/items/")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "authentication_failed", "message": message}}
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).get()
    assert message in failed.summary and secret not in failed.summary + failed.object_text


def test_without_credentials_the_api_answers_401_not_the_login_page(db):
    response = APIClient().get("/api/v1/items/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_user_revokes_only_his_own_tokens(fagaiju_reporter, supervisor):
    token_for(supervisor)
    token = ApiToken.objects.get()
    response = client_for(fagaiju_reporter).post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_token_expires_within_a_year(fagaiju_reporter):
    client = client_for(fagaiju_reporter)
    response = client.post("/account/api-tokens/", {"name": "大屏", "expires_on": "2025-01-01"})
    assert "有效期最长一年" in response.content.decode()
    assert not ApiToken.objects.exists()
    with pytest.raises(Exception, match="有效期必须晚于今天"):
        token_create(user=fagaiju_reporter, name="x", expires_on=AS_OF, as_of=AS_OF)


def test_the_session_works_for_the_apps_own_pages_with_its_csrf_check(supervisor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    assert client.get("/api/v1/items/").status_code == 200
    response = client.post("/api/v1/notifications/read/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]
