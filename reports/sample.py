"""The sample council's report settings (``sample_data/report_settings.json``), for
``load_sample_data``: council wording and logo, each framework's paper wording and its combined
charts (the board's name and the cover wording are the framework's, loaded from
``indicators/sample_data/frameworks.csv``). Every word comes from the file; a council enters its
own in the admin."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.base import ContentFile

from indicators.models import Framework, Indicator, Section

from .models import CombinedChart, CouncilSettings, ReportSettings

SAMPLE_FILE = Path(__file__).resolve().parent / "sample_data" / "report_settings.json"


def load_report_settings(path: Path = SAMPLE_FILE) -> list[str]:
    """Write the file's settings (again: safe to repeat); returns what it did, line by line."""
    data = json.loads(path.read_text(encoding="utf-8"))
    done: list[str] = []
    council_data = dict(data["council"])
    logo = council_data.pop("logo", "")
    council = CouncilSettings.current()
    for key, value in council_data.items():
        setattr(council, key, value)
    if logo:
        if council.logo:
            council.logo.delete(save=False)
        council.logo.save(Path(logo).name, ContentFile((path.parent / logo).read_bytes()), False)
    council.save()
    done.append(f"Council settings: {council.name}")
    for name, wording in data["frameworks"].items():
        framework = Framework.objects.named(name).first()
        if framework is None:  # a sample not loaded (load_sample_data --only)
            continue
        wording = dict(wording)
        charts = wording.pop("combined_charts", [])
        ReportSettings.objects.update_or_create(framework=framework, defaults=wording)
        CombinedChart.objects.filter(section__frameworks=framework).delete()
        for order, chart in enumerate(charts):
            combined = CombinedChart.objects.create(
                section=Section.objects.get(code=chart["section"]),
                title=chart["title"],
                kind=chart["kind"],
                order=order,
            )
            combined.indicators.set(Indicator.objects.filter(reference__in=chart["indicators"]))
        done.append(f"{name}: report settings and {len(charts)} combined charts")
    return done
