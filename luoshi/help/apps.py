from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "luoshi.help"
    label = "help"
    verbose_name = "帮助"
