from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicator catalogue and figures"

    def ready(self) -> None:
        from . import (
            lookups,  # noqa: F401  registers the lookup any_of
            receivers,  # noqa: F401  connects the receiver of accounts' directory_sections
        )
