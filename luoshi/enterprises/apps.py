from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "luoshi.enterprises"
    label = "enterprises"
    verbose_name = "五上企业"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.enterprises.imports import TAXES_IMPORT
        from luoshi.enterprises.ledger import LEDGER

        registry.register(LEDGER)
        registry.register_import(TAXES_IMPORT)
