from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "luoshi.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.dashboard.stats import dashboard_stats

        registry.register_stats("dashboard", dashboard_stats, order=1000)
