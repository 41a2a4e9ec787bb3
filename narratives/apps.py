from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "narratives"
    verbose_name = "Narratives"

    def ready(self) -> None:
        # Connects the receivers of month_opened and transitioned.
        from . import receivers  # noqa: F401
