from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell: navigation bar, base pages, login, `luoshi run`, the demo loader."""

    name = "luoshi.web"
    label = "web"
    verbose_name = "系统外壳"
