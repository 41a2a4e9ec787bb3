"""The event table, and the triggers that make it append-only below the ORM.

Nothing is backfilled: the history recorded before this table existed stays in its own tables
(django-axes' AccessLog and AccessFailureLog, Upload, Transition, Edition).
"""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from audit import triggers


def create_triggers(apps, schema_editor) -> None:
    triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor) -> None:
    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("actor_name", models.CharField(db_index=True, max_length=150)),
                (
                    "verb",
                    models.CharField(db_index=True, help_text="e.g. upload.applied", max_length=60),
                ),
                ("target_type", models.CharField(blank=True, max_length=100)),
                ("target_id", models.CharField(blank=True, max_length=64)),
                ("target_repr", models.CharField(blank=True, max_length=300)),
                (
                    "details",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["target_type", "target_id"], name="audit_event_target")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
