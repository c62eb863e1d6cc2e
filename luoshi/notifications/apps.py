from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "luoshi.notifications"
    label = "notifications"
    verbose_name = "通知与催办"

    def ready(self) -> None:
        from luoshi.items.hooks import notice_published
        from luoshi.notifications.delivery import deliver

        notice_published.connect(deliver)
