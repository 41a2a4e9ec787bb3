from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicator catalogue and figures"

    def ready(self) -> None:
        # Connects the receiver of accounts' directory_sections.
        from . import receivers  # noqa: F401
