from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "luoshi.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.items.hooks import item_page_sections, supervision_page_sections
        from luoshi.projects.ledger import LEDGER
        from luoshi.projects.views import action_photo_section, item_project_section

        registry.register(LEDGER)
        item_page_sections.connect(item_project_section, order=5)
        supervision_page_sections.connect(action_photo_section, order=5)
