from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "luoshi.extraction"
    label = "extraction"
    verbose_name = "讲话分解"

    def ready(self) -> None:
        from luoshi.extraction.selectors import item_source_section
        from luoshi.items.hooks import item_page_sections

        item_page_sections.connect(item_source_section, order=10)
