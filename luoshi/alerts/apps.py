from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "luoshi.alerts"
    label = "alerts"
    verbose_name = "三色预警"
