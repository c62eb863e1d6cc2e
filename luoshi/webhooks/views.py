"""The event subscription pages (事件推送): thin; the selectors read, the services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.items.http import run_service
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest
from luoshi.org.models import Region
from luoshi.webhooks import selectors, services
from luoshi.webhooks.forms import SubscriptionForm
from luoshi.webhooks.models import Subscription
from luoshi.webhooks.rules import NOT_MANAGER


def _refused(request: AuthedRequest) -> HttpResponse:
    return render(request, "items/refused.html", {"message": NOT_MANAGER}, status=403)


def _region(request: AuthedRequest) -> Region | None:
    return selectors.managing_region(request.user)


def _subscription(request: AuthedRequest, pk: int) -> Subscription:
    """The subscription of a region the user manages: 403 to whoever manages none, 404 to another
    region's office or administrator."""
    if _region(request) is None:
        raise PermissionDenied(NOT_MANAGER)
    try:
        return selectors.subscription_detail_for(request.user, pk)
    except Subscription.DoesNotExist:
        raise Http404 from None


def subscriptions(request: AuthedRequest) -> HttpResponse:
    region = _region(request)
    if region is None:
        return _refused(request)
    rows = selectors.subscription_list_for(request.user)
    return render(request, "webhooks/list.html", {"region": region, "rows": rows})


def _shown_key(request: AuthedRequest, subscription: Subscription, title: str) -> HttpResponse:
    """The signing key, shown this once: the page is not cached, and no later page shows it."""
    response = render(request, "webhooks/key.html", {"subscription": subscription, "title": title})
    response["Cache-Control"] = "no-store"
    return response


def subscription_create(request: AuthedRequest) -> HttpResponse:
    region = _region(request)
    if region is None:
        return _refused(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.subscription_create(actor=request.user, region=region, data=form.input())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return _shown_key(request, created, "订阅已创建")
    return render(request, "webhooks/form.html", {"form": form, "region": region, "title": "新增事件推送"})


def subscription_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    context = {"subscription": subscription, "deliveries": selectors.recent_deliveries(subscription)}
    return render(request, "webhooks/detail.html", context)


def subscription_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    form.fields["version"].required = True  # an edit is saved only on the version it was read at
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.subscription_update(
                actor=request.user,
                subscription=subscription,
                data=form.input(),
                version=form.cleaned_data["version"],
                new_key=form.cleaned_data.get("new_key", False),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if form.cleaned_data.get("new_key"):
                return _shown_key(request, changed, "签名密钥已重新生成")
            return redirect("webhooks:detail", pk=changed.pk)
    title = f"修改事件推送：{subscription.name}"
    context = {"form": form, "region": subscription.region, "title": title, "subscription": subscription}
    return render(request, "webhooks/form.html", context)


def _act(request: AuthedRequest, pk: int, service: Callable[..., Any], success: str) -> HttpResponse:
    subscription = _subscription(request, pk)
    run_service(request, lambda: service(actor=request.user, subscription=subscription), success)
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
def subscription_disable(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.subscription_disable, "订阅已停用，不再推送。")


@require_POST
def subscription_enable(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.subscription_enable, "订阅已重新启用。")


@require_POST
def subscription_ping(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.subscription_ping, "测试消息已加入发送队列，结果见下方推送记录。")
