from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "luoshi.investment"
    label = "investment"
    verbose_name = "招商引资"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.investment.ledger import LEDGER

        registry.register(LEDGER)
