from django.apps import AppConfig


class CreationsConfig(AppConfig):
    name = "luoshi.creations"
    label = "creations"
    verbose_name = "示范创建"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.creations.ledger import LEDGER, MEETINGS
        from luoshi.creations.selectors import onsite_stats
        from luoshi.creations.services import ledger_refusal
        from luoshi.creations.views import item_section
        from luoshi.items.hooks import item_action_refusal, item_page_sections

        registry.register(LEDGER)
        registry.register(MEETINGS)
        registry.register_stats("onsite_meetings", onsite_stats, order=MEETINGS.order)
        item_page_sections.connect(item_section, order=6)
        item_action_refusal.connect(ledger_refusal)
