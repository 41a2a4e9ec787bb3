"""The panel's name and the cover wording move to the framework (``Framework.board``,
``Framework.cover_wording``), which a board report and a monthly report both print: one place
per fact. What each framework's report settings held is copied first."""

from typing import Any

from django.db import migrations, models


def to_framework(apps: Any, schema_editor: Any) -> None:
    ReportSettings = apps.get_model("reports", "ReportSettings")
    for wording in ReportSettings.objects.select_related("framework"):
        framework = wording.framework
        framework.board = framework.board or wording.panel
        framework.cover_wording = framework.cover_wording or wording.disclaimer
        framework.save(update_fields=["board", "cover_wording"])


def to_report_settings(apps: Any, schema_editor: Any) -> None:
    ReportSettings = apps.get_model("reports", "ReportSettings")
    for wording in ReportSettings.objects.select_related("framework"):
        wording.panel = wording.framework.board
        wording.disclaimer = wording.framework.cover_wording
        wording.save(update_fields=["panel", "disclaimer"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_settings_and_paper"),
        ("indicators", "0008_board_frameworks_and_breakdowns"),
    ]

    operations = [
        # Blank while reversing, so that the copy back can fill them.
        migrations.AlterField(
            model_name="reportsettings",
            name="panel",
            field=models.CharField("panel name", max_length=200, blank=True),
        ),
        migrations.RunPython(to_framework, to_report_settings),
        migrations.RemoveField(model_name="reportsettings", name="panel"),
        migrations.RemoveField(model_name="reportsettings", name="disclaimer"),
    ]
