"""Framework names unique ignoring case and spacing (``key``), section titles and framework names
on one line, and reporting months within the months reported on.

Existing rows are checked first. Line breaks in a title or name become spaces (what they meant;
nothing else changes). Two frameworks whose names differ only by case or spacing, or a month
outside January 2000 to December 2099, stop the migration with a message saying what to change:
they cannot be resolved without a person deciding.
"""

import datetime

from django.db import migrations, models

import indicators.models.catalogue


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def one_line(text: str) -> str:
    return " ".join(text.replace("\r", "\n").split("\n")) if "\n" in text or "\r" in text else text


def prepare(apps, schema_editor) -> None:
    Framework = apps.get_model("indicators", "Framework")
    Section = apps.get_model("indicators", "Section")
    ReportingMonth = apps.get_model("indicators", "ReportingMonth")
    for section in Section.objects.filter(
        models.Q(title__contains="\n") | models.Q(title__contains="\r")
    ):
        Section.objects.filter(pk=section.pk).update(title=one_line(section.title))
    seen: dict[str, object] = {}
    clashes = []
    for framework in Framework.objects.order_by("pk"):
        name = one_line(framework.name)
        key = name_key(name)
        if key in seen:
            clashes.append(
                f"'{seen[key].name}' (id {seen[key].pk}) and '{name}' (id {framework.pk})"
            )
            continue
        Framework.objects.filter(pk=framework.pk).update(name=name, key=key)
        framework.name = name
        seen[key] = framework
    if clashes:
        raise RuntimeError(
            "Frameworks whose names differ only by case or spacing: "
            + "; ".join(clashes)
            + '. Rename one of each pair, e.g. python manage.py shell -c "from indicators.models '
            "import Framework; Framework.objects.filter(pk=ID).update(name='NEW NAME')\", then "
            "migrate again."
        )
    outside = ReportingMonth.objects.exclude(
        month__gte="2000-01-01", month__lte="2099-12-01"
    ).values_list("pk", "month")
    if outside:
        listed = ", ".join(f"id {pk} ({month:%Y-%m})" for pk, month in outside)
        raise RuntimeError(
            f"Reporting months outside January 2000 to December 2099: {listed}. They cannot be "
            "shown; delete them (with their narratives) in the admin or shell, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_month_email_pending")]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="key",
            field=models.CharField(default="", editable=False, max_length=120),
            preserve_default=False,
        ),
        migrations.RunPython(prepare, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="framework",
            name="key",
            field=models.CharField(editable=False, max_length=120, unique=True),
        ),
        migrations.AlterField(
            model_name="framework",
            name="name",
            field=models.CharField(
                max_length=120,
                unique=True,
                validators=[indicators.models.catalogue.single_line],
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="title",
            field=models.CharField(
                max_length=200, validators=[indicators.models.catalogue.single_line]
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("name__contains", "\n"), _negated=True),
                    models.Q(("name__contains", "\r"), _negated=True),
                ),
                name="framework_name_one_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("title__contains", "\n"), _negated=True),
                    models.Q(("title__contains", "\r"), _negated=True),
                ),
                name="section_title_one_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingmonth",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("month__gte", datetime.date(2000, 1, 1)),
                    ("month__lte", datetime.date(2099, 12, 1)),
                ),
                name="reporting_month_in_range",
            ),
        ),
    ]
