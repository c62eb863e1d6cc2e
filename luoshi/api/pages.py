"""The API's pages: a user's own tokens (我的 API 令牌, in the account menu) and the API's
documentation, rendered on the server from the same OpenAPI schema as /api/v1/schema/ (no CDN, no
script)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from luoshi.api import services
from luoshi.api.models import ApiToken
from luoshi.core import clock
from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest

METHODS = ("get", "post", "put", "patch", "delete")


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=60, help_text="如“企业微信工作台”“市大屏”")
    expires_on = forms.DateField(
        label="有效期至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="最长一年",
    )


def token_list(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    form = TokenForm(request.POST or None, initial={"expires_on": today + timedelta(days=90)})
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                as_of=today,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            form = TokenForm(initial={"expires_on": today + timedelta(days=90)})
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request, "api/tokens.html", {"form": form, "issued": issued, "tokens": tokens, "today": today}
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    try:
        services.token_revoke(user=request.user, token=token)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"令牌“{token.name}”已撤销，使用它的系统将无法再访问。")
    return redirect("api_tokens")


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, entries in schema.get("paths", {}).items():
        for method in METHODS:
            operation = entries.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": {"path": "路径", "query": "查询"}.get(p["in"], p["in"]),
                    "type": p.get("schema", {}).get("type", ""),
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            body = operation.get("requestBody", {}).get("content", {})
            rows.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "id": operation.get("operationId", ""),
                    "parameters": parameters,
                    "body": _body_fields(schema, body),
                    "content_types": list(body),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return rows


def _body_fields(schema: dict[str, Any], content: dict[str, Any]) -> list[dict[str, Any]]:
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        component = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
        required = set(component.get("required", []))
        return [
            {
                "name": name,
                "type": spec.get("type", "object" if "$ref" in spec or "allOf" in spec else ""),
                "required": name in required,
                "description": spec.get("description", ""),
            }
            for name, spec in component.get("properties", {}).items()
            if not spec.get("readOnly")
        ]
    return []


def api_docs(request: AuthedRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {
        "info": schema.get("info", {}),
        "operations": _operations(schema),
    }
    return render(request, "api/docs.html", context)
