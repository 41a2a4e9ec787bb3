"""Small helpers for tests: build files in memory and snapshot what the database holds."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from accounts.actors import SYSTEM, Actor
from indicators.importing.kinds.catalogue import Frameworks
from indicators.importing.pipeline import import_file
from indicators.importing.plan import Plan
from indicators.models import (
    Benchmark,
    Breakdown,
    BreakdownRevision,
    Figure,
    FigureRevision,
    Framework,
    FrameworkSection,
    Indicator,
    Outturn,
    Section,
    Target,
)


def csv_bytes(rows: list[list[object]], bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def database_state() -> dict[str, list[tuple[object, ...]]]:
    """Everything an import can write, in a comparable form."""
    return {
        "frameworks": sorted(Framework.objects.values_list(*Frameworks().columns)),
        "sections": sorted(Section.objects.values_list("code", "title", "definition", "theme")),
        "placements": sorted(
            FrameworkSection.objects.values_list("framework_id", "section_id", "order")
        ),
        "indicators": sorted(
            Indicator.objects.values_list(
                "reference",
                "title",
                "section_id",
                "polarity",
                "unit",
                "aggregation",
                "frequency",
                "decimals",
                "tags",
                "kind",
                "order",
                "parent_id",
                "lait",
            )
        ),
        "targets": sorted(
            Target.objects.values_list("indicator_id", "year", "red", "amber", "green")
        ),
        "figures": sorted(
            Figure.objects.values_list(
                "indicator_id",
                "month",
                "value",
                "marker",
                "numerator",
                "denominator",
                "note",
                "places",
            )
        ),
        "revisions": sorted(FigureRevision.objects.values_list("id", flat=False)),
        "outturns": sorted(
            Outturn.objects.values_list(
                "indicator_id", "year", "value", "marker", "numerator", "denominator"
            )
        ),
        "benchmarks": sorted(
            Benchmark.objects.values_list("indicator_id", "measure", "value", "year", "source")
        ),
        "breakdowns": sorted(
            Breakdown.objects.values_list(
                "indicator_id",
                "month",
                "dimension",
                "category",
                "order",
                "value",
                "marker",
                "numerator",
                "denominator",
                "places",
            )
        ),
        "breakdown_revisions": sorted(BreakdownRevision.objects.values_list("id", flat=False)),
    }


def imported(kind: str, name: str, content: bytes, actor: Actor = SYSTEM) -> Plan:
    """Import a file as the command line does (plan, then apply when clean); the plan says what
    it did, or its errors."""
    plan, applied = import_file(kind, name, content, actor)
    assert applied is None or applied.applied, applied.message
    return plan
