from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "luoshi.api"
    label = "api"
    verbose_name = "接口"

    def ready(self) -> None:
        from luoshi.api import schema  # noqa: F401  (the token scheme's OpenAPI description)
