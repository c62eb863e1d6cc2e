from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "luoshi.investment"
    label = "investment"
    verbose_name = "招商引资"

    def ready(self) -> None:
        from luoshi.audit.registry import register_personal
        from luoshi.core import registry
        from luoshi.investment.ledger import LEDGER
        from luoshi.org.models import mask_phone

        registry.register(LEDGER)
        # A contact's phone is personal data: the audit log keeps it masked, as the lists show it.
        register_personal("investment.Lead", "contact_phone", mask_phone)
