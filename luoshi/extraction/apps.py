from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "luoshi.extraction"
    label = "extraction"
    verbose_name = "讲话分解"
