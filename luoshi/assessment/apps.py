from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    label = "assessment"
    verbose_name = "考核排名"

    def ready(self) -> None:
        from luoshi.assessment.demo import load as demo
        from luoshi.assessment.selectors import assessment_stats, bulletin_part
        from luoshi.core import registry

        registry.register_stats("assessment", assessment_stats, order=500)
        registry.register_bulletin("assessment", bulletin_part, order=500)
        # Before the bulletin's draft (order 100), which may read the rankings.
        registry.register_demo("assessment", demo, order=50)
