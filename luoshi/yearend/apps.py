from django.apps import AppConfig


class YearendConfig(AppConfig):
    name = "luoshi.yearend"
    label = "yearend"
    verbose_name = "年度结转"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.items.hooks import item_page_sections
        from luoshi.yearend.imports import BREAKDOWN_IMPORT
        from luoshi.yearend.views import item_section

        registry.register_import(BREAKDOWN_IMPORT)
        item_page_sections.connect(item_section, order=4)
