from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "luoshi.bulletins"
    label = "bulletins"
    verbose_name = "督查通报"

    def ready(self) -> None:
        from luoshi.bulletins.demo import load as demo
        from luoshi.core import registry

        registry.register_demo("bulletins", demo, order=100)
