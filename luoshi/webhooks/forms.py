"""The subscription form: a name, an https address on the allowed hosts, the events chosen."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.webhooks.models import Event, Subscription, validate_subscription_url
from luoshi.webhooks.services import SubscriptionInput


class SubscriptionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=60, help_text="接收系统的名称，如“市大屏”")
    url = forms.URLField(
        label="推送地址",
        max_length=300,
        assume_scheme="https",
        validators=[validate_subscription_url],
        help_text="https 地址，主机须在系统管理员登记的范围内（LUOSHI_WEBHOOK_OUT_HOSTS）",
    )
    events = forms.MultipleChoiceField(
        label="推送的事件", choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_key = forms.BooleanField(label="重新生成签名密钥（原密钥立即失效）", required=False)

    def __init__(self, *args: Any, instance: Subscription | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "url": instance.url,
                    "events": instance.events,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["new_key"]

    def input(self) -> SubscriptionInput:
        data = self.cleaned_data
        return SubscriptionInput(name=data["name"], url=data["url"], events=tuple(data["events"]))
