from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark: builds a city in a database of its own and measures the pages and jobs."""

    name = "luoshi.bench"
    label = "bench"
    verbose_name = "性能基准"

    def ready(self) -> None:
        # The ledgers' shares of the benchmark's county register themselves when imported.
        from luoshi.bench import indicators, projects  # noqa: F401
