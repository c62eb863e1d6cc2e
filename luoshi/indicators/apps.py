from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "luoshi.indicators"
    label = "indicators"
    verbose_name = "考核指标"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.indicators.imports import INDICATORS_IMPORT
        from luoshi.indicators.ledger import LEDGER

        registry.register(LEDGER)
        registry.register_import(INDICATORS_IMPORT)
