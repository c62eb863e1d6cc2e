from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "luoshi.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from luoshi.audit import registry
        from luoshi.core import registry as core_registry
        from luoshi.org.audit import grant_words, region_names, region_of_user
        from luoshi.org.imports import ORG_IMPORT
        from luoshi.org.models import Membership, Region, mask_email, mask_phone

        registry.register_organisation(
            registry.Organisation(
                region_model=Region,
                region_of_user=region_of_user,
                region_names=region_names,
                grant_model=Membership,
                grant_words=grant_words,
            )
        )
        core_registry.register_import(ORG_IMPORT)
        # Personal data: the audit log keeps it masked, as the pages show it.
        registry.register_personal("org.Person", "phone", mask_phone)
        registry.register_personal("org.User", "email", mask_email)
