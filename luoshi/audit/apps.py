from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from luoshi.audit import capture

        capture.connect()
