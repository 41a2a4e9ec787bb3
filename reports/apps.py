from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Report editions"

    def ready(self) -> None:
        # Connects the receiver that queues builds.
        from . import receivers  # noqa: F401
