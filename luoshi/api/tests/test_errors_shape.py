"""Every answer under /api/ is the API's JSON error shape, in Chinese — even where no route matches."""

from __future__ import annotations

import pytest

from luoshi.conftest import client_for
from luoshi.org.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nonexistent/", "/api/v1/items/abc/", "/api/v1/items/-1/", f"/api/v1/items/{'9' * 20}/"],
)
def test_an_address_no_route_answers_is_a_json_404(supervisor: User, path: str):
    response = client_for(supervisor).get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "找不到这个对象。"}}


def test_malformed_json_is_refused_in_chinese_without_the_parser_s_words(supervisor: User):
    response = client_for(supervisor).post(
        "/api/v1/notifications/read/", "{bad json", content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error" and error["message"] == "请求内容无法解析。"


def test_a_list_field_s_errors_are_messages_not_python(supervisor: User):
    response = client_for(supervisor).post(
        "/api/v1/notifications/read/", {"ids": ["x", "y"]}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "ErrorDetail" not in error["message"] and "请填写合法的整数值" in error["message"]
