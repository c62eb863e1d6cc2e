from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "luoshi.alerts"
    label = "alerts"
    verbose_name = "三色预警"

    def ready(self) -> None:
        from luoshi.alerts.selectors import month_filter
        from luoshi.alerts.services import on_items_changed
        from luoshi.alerts.views import item_colours_section
        from luoshi.items.hooks import item_list_narrowed, item_page_sections, items_changed

        items_changed.connect(on_items_changed)
        item_list_narrowed.connect(month_filter)
        item_page_sections.connect(item_colours_section, order=20)
