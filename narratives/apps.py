from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "narratives"
    verbose_name = "Narratives"
