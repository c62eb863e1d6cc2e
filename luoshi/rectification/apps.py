from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "luoshi.rectification"
    label = "rectification"
    verbose_name = "问题整改"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.items.hooks import item_page_sections
        from luoshi.rectification.imports import RECTIFICATION_IMPORT
        from luoshi.rectification.ledger import LEDGER
        from luoshi.rectification.views import item_section

        registry.register(LEDGER)
        registry.register_import(RECTIFICATION_IMPORT)
        item_page_sections.connect(item_section, order=6)
