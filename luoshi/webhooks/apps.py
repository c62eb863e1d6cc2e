from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "luoshi.webhooks"
    label = "webhooks"
    verbose_name = "事件推送"

    def ready(self) -> None:
        from luoshi.alerts.hooks import colours_changed
        from luoshi.audit.registry import register_personal, register_secret
        from luoshi.bulletins.hooks import bulletin_published
        from luoshi.items.hooks import items_assigned, report_submitted
        from luoshi.webhooks import events
        from luoshi.webhooks.models import address_shown

        items_assigned.connect(events.on_items_assigned)
        report_submitted.connect(events.on_report_submitted)
        colours_changed.connect(events.on_colours_changed)
        bulletin_published.connect(events.on_bulletin_published)
        # The signing key is never written to the audit log; the address without its query (which
        # may carry a receiver's token).
        register_secret("webhooks.Subscription", "signing_key")
        register_personal("webhooks.Subscription", "url", address_shown)
