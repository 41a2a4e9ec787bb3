"""The four roles of the monthly cycle (domain.md), as Django groups."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import Group, Permission


class Role(StrEnum):
    PERFORMANCE_OFFICER = "Performance officer"
    HEAD_OF_SERVICE = "Head of service"
    APPROVER = "Approver"
    PANEL_MEMBER = "Panel member"


CATALOGUE_MODELS = (
    "framework",
    "frameworksection",
    "section",
    "indicator",
    "target",
    "figure",
    "figurerevision",
    "outturn",
    "benchmark",
    "breakdown",
    "breakdownrevision",
)


# The report settings officers keep in the admin (reports app).
REPORT_SETTINGS_MODELS = ("councilsettings", "reportsettings", "combinedchart")


def ensure_roles() -> dict[Role, Group]:
    """Create the role groups with their catalogue permissions; safe to run again."""
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    catalogue = Permission.objects.filter(
        content_type__app_label="indicators", content_type__model__in=CATALOGUE_MODELS
    )
    report_settings = Permission.objects.filter(
        content_type__app_label="reports", content_type__model__in=REPORT_SETTINGS_MODELS
    )
    groups[Role.PERFORMANCE_OFFICER].permissions.set(
        # The revision history is kept by the product, never edited by hand.
        [
            *catalogue.exclude(
                codename__in=[
                    f"{verb}_{model}"
                    for verb in ("add", "change", "delete")
                    for model in ("figurerevision", "breakdownrevision")
                ]
            ),
            *report_settings,
        ]
    )
    viewing = catalogue.filter(codename__startswith="view_")
    groups[Role.HEAD_OF_SERVICE].permissions.set(viewing)
    groups[Role.APPROVER].permissions.set(viewing)
    groups[Role.PANEL_MEMBER].permissions.clear()
    return groups
