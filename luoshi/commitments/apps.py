from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "luoshi.commitments"
    label = "commitments"
    verbose_name = "承诺事项"

    def ready(self) -> None:
        from luoshi.commitments.ledger import LEDGER
        from luoshi.commitments.selectors import livelihood_stats
        from luoshi.commitments.views import item_section
        from luoshi.core import registry
        from luoshi.items.hooks import item_page_sections

        registry.register(LEDGER)
        registry.register_stats("livelihood", livelihood_stats, order=LEDGER.order)
        item_page_sections.connect(item_section, order=6)
