from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on with the council's identity provider (OpenID Connect): accounts opened and
    kept up to date from the directory's claims. Above ``accounts`` and ``audit``."""

    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the settings check)
