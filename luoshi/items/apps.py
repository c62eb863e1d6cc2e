from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "luoshi.items"
    label = "items"
    verbose_name = "督办事项"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.items.imports import ITEMS_IMPORT
        from luoshi.items.ledger import ITEM_LEDGERS

        for ledger in ITEM_LEDGERS:
            registry.register(ledger)
        registry.register_import(ITEMS_IMPORT)
