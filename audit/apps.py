from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log. Below every other app but ``accounts``: the apps call ``audit.record``;
    it imports none of them."""

    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.contrib import admin

        from . import receivers  # noqa: F401  (connects the sign-in, admin and role receivers)
        from .admin import delete_selected

        admin.site.add_action(delete_selected, "delete_selected")
