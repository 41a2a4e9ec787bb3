"""Writing the interchange files: each importable kind and the `summary` (formats.md).

Each kind is a django-import-export ``ModelResource`` used as designed, for export: its fields
are the kind's columns in formats.md order, each cell the text the import reads back (figures as
written, references, month keys), so an export imports back unchanged. The admin's export
buttons use the same resources.
"""

from __future__ import annotations

import datetime
from typing import Any

import tablib
from django.db.models import QuerySet
from import_export import fields, resources

from . import performance as perf
from .importing.cells import escape_cell
from .importing.kinds import KINDS
from .importing.kinds.catalogue import Frameworks
from .measurements import plain_number
from .models import Benchmark, Breakdown, Figure, FrameworkSection, Indicator, Outturn, Target
from .models.catalogue import Framework, in_catalogue_order
from .summary import build_summary, summary_table

EXPORT_KINDS = (*KINDS, "summary")

MEASURE_HEADINGS = {
    perf.Measure.SN_AVERAGE.value: "SN AVE",
    perf.Measure.BEST_SN.value: "BEST SN",
    perf.Measure.NATIONAL_AVERAGE.value: "NAT AVE",
    perf.Measure.NATIONAL_TOP_QUARTILE.value: "NAT TOP QTILE",
}


class ExportError(ValueError):
    pass


def _field(name: str) -> fields.Field:
    return fields.Field(column_name=name, attribute=None, readonly=True)


def written(measurement: Any) -> str:
    """A figure's value cell as written: its number with its places, or its marker."""
    if measurement.value is None:
        return measurement.marker
    places = measurement.places if measurement.places is not None else None
    if places is None:
        return plain_number(measurement.value)
    return format(perf.round_to(measurement.value, places), "f")


def _column(attribute: str, name: str) -> fields.Field:
    """A column read from an attribute (``section__code`` follows the relation)."""
    return fields.Field(attribute=attribute, column_name=name, readonly=True)


class FrameworkExport(resources.ModelResource):
    """Each column is the framework's field of that name."""

    class Meta:
        model = Framework
        fields = Frameworks.required + Frameworks.optional
        export_order = fields

    def get_queryset(self) -> QuerySet[Any]:
        return Framework.objects.order_by("name")


class SectionExport(resources.ModelResource):
    framework = _column("framework__name", "framework")
    code = _column("section__code", "code")
    title = _column("section__title", "title")
    order = _column("order", "order")
    definition = _column("section__definition", "definition")
    managers = _field("managers")
    theme = _column("section__theme", "theme")

    class Meta:
        model = FrameworkSection
        fields = ("framework", "code", "title", "order", "definition", "managers", "theme")
        export_order = fields

    def dehydrate_managers(self, obj: FrameworkSection) -> str:
        return ";".join(sorted(user.username for user in obj.section.managers.all()))

    def get_queryset(self) -> QuerySet[Any]:
        return (
            FrameworkSection.objects.select_related("framework", "section")
            .prefetch_related("section__managers")
            .order_by("framework__name", "order")
        )


class IndicatorExport(resources.ModelResource):
    reference = _column("reference", "reference")
    title = _column("title", "title")
    section = _column("section__code", "section")
    polarity = _column("polarity", "polarity")
    unit = _column("unit", "unit")
    aggregation = _column("aggregation", "aggregation")
    frequency = _column("frequency", "frequency")
    decimals = _column("decimals", "decimals")
    tags = _column("tags", "tags")
    order = _column("order", "order")
    parent = _column("parent__reference", "parent")
    kind = _column("kind", "kind")
    lait = _column("lait", "lait")

    class Meta:
        model = Indicator
        fields = (
            "reference",
            "title",
            "section",
            "polarity",
            "unit",
            "aggregation",
            "frequency",
            "decimals",
            "tags",
            "order",
            "parent",
            "kind",
            "lait",
        )
        export_order = fields

    def get_queryset(self) -> QuerySet[Any]:
        return Indicator.objects.select_related("section", "parent").order_by(
            "section__code", "order", "id"
        )


class IndicatorKeyed(resources.ModelResource):
    indicator = _field("indicator")

    def dehydrate_indicator(self, obj: Any) -> str:
        return obj.indicator.reference

    def get_queryset(self) -> QuerySet[Any]:
        return self._meta.model.objects.select_related("indicator").order_by(
            "indicator__section__code", "indicator__order", "indicator_id"
        )


class TargetExport(IndicatorKeyed):
    year = _field("year")
    red = _column("red", "red")
    amber = _column("amber", "amber")
    green = _column("green", "green")

    class Meta:
        model = Target
        fields = ("indicator", "year", "red", "amber", "green")
        export_order = fields

    def dehydrate_year(self, obj: Target) -> str:
        return perf.year_label(obj.year)


class MeasurementExport(IndicatorKeyed):
    value = _field("value")
    numerator = _field("numerator")
    denominator = _field("denominator")

    def dehydrate_value(self, obj: Any) -> str:
        return written(obj)

    def dehydrate_numerator(self, obj: Any) -> str:
        return plain_number(obj.numerator)

    def dehydrate_denominator(self, obj: Any) -> str:
        return plain_number(obj.denominator)


class FigureExport(MeasurementExport):
    month = _field("month")
    note = _column("note", "note")

    class Meta:
        model = Figure
        fields = ("indicator", "month", "value", "numerator", "denominator", "note")
        export_order = fields

    def dehydrate_month(self, obj: Figure) -> str:
        return perf.month_key(obj.month)

    def get_queryset(self) -> QuerySet[Any]:
        return (
            super()
            .get_queryset()
            .order_by("indicator__section__code", "indicator__order", "indicator_id", "month")
        )


class BreakdownExport(MeasurementExport):
    month = _field("month")
    dimension = _column("dimension", "dimension")
    category = _column("category", "category")

    class Meta:
        model = Breakdown
        fields = (
            "indicator",
            "month",
            "dimension",
            "category",
            "value",
            "numerator",
            "denominator",
        )
        export_order = fields

    def dehydrate_month(self, obj: Breakdown) -> str:
        return perf.month_key(obj.month)

    def get_queryset(self) -> QuerySet[Any]:
        # Rows in their print order, so that an export imported into an empty database prints
        # its tables in the same order.
        return (
            super()
            .get_queryset()
            .order_by(
                "indicator__section__code", "indicator__order", "indicator_id", "order", "month"
            )
        )


class OutturnExport(MeasurementExport):
    year = _field("year")

    class Meta:
        model = Outturn
        fields = ("indicator", "year", "value", "numerator", "denominator")
        export_order = fields

    def dehydrate_year(self, obj: Outturn) -> str:
        return perf.year_label(obj.year)


class BenchmarkExport(IndicatorKeyed):
    measure = _field("measure")
    value = _field("value")
    year = _column("year", "year")
    source = _column("source", "source")

    class Meta:
        model = Benchmark
        fields = ("indicator", "measure", "value", "year", "source")
        export_order = fields

    def dehydrate_measure(self, obj: Benchmark) -> str:
        return MEASURE_HEADINGS[obj.measure]

    def dehydrate_value(self, obj: Benchmark) -> str:
        return written(obj)


EXPORTS: dict[str, type[resources.ModelResource]] = {
    "frameworks": FrameworkExport,
    "sections": SectionExport,
    "indicators": IndicatorExport,
    "targets": TargetExport,
    "figures": FigureExport,
    "outturns": OutturnExport,
    "benchmarks": BenchmarkExport,
    "breakdowns": BreakdownExport,
}


def export_dataset(
    kind: str, framework: Framework | None = None, month: datetime.date | None = None
) -> tablib.Dataset:
    """The rows of ``kind``, limited to ``framework`` and (for figures) ``month`` when given."""
    if kind == "summary":
        if framework is None or month is None:
            raise ExportError("the summary needs --framework and --month")
        headers, rows = summary_table(build_summary(framework, month))
        return _escaped(headers, rows)
    if kind not in EXPORTS:
        raise ExportError(f"unknown kind '{kind}': use one of {', '.join(EXPORT_KINDS)}")
    resource = EXPORTS[kind]()
    queryset = _limit(kind, resource.get_queryset(), framework, month)
    if kind == "indicators":
        queryset = _in_framework_order(queryset, framework)
    dataset = resource.export(queryset)
    return _escaped(list(dataset.headers or []), [list(row) for row in dataset])


def _in_framework_order(queryset: QuerySet[Any], framework: Framework | None) -> list[Any]:
    """Indicators section by section in the framework's order, each section in its own."""
    indicators = list(queryset)
    if framework is None:
        return indicators
    by_section: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_section.setdefault(indicator.section_id, []).append(indicator)
    return [
        indicator
        for section in framework.ordered_sections()
        for indicator in in_catalogue_order(by_section.get(section.pk, []))
    ]


def _limit(
    kind: str, queryset: QuerySet[Any], framework: Framework | None, month: datetime.date | None
) -> QuerySet[Any]:
    if framework is not None:
        if kind == "frameworks":
            queryset = queryset.filter(pk=framework.pk)
        elif kind == "sections":
            queryset = queryset.filter(framework=framework)
        elif kind == "indicators":
            queryset = queryset.filter(section__frameworks=framework).distinct()
        else:
            queryset = queryset.filter(indicator__section__frameworks=framework).distinct()
    if month is not None and kind in ("figures", "breakdowns"):
        queryset = queryset.filter(month=month)
    return queryset


def _escaped(headers: list[str], rows: list[list[object]]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([escape_cell("" if cell is None else cell) for cell in row])
    return dataset


def render(dataset: tablib.Dataset, file_name: str | None) -> bytes:
    """CSV (UTF-8), or XLSX when the file name ends in .xlsx."""
    if file_name and file_name.lower().endswith(".xlsx"):
        return dataset.export("xlsx")
    return dataset.export("csv").encode("utf-8")


def parse_month_option(text: str) -> datetime.date:
    try:
        return perf.parse_month(text)
    except ValueError as error:
        raise ExportError(str(error)) from error


def appendix_a(framework: Framework, month: datetime.date) -> bytes:
    """The month's dataset as a workbook: the summary, then every figure of the financial year.

    Text cells that a spreadsheet would run as a formula are escaped, as in every export.
    """
    summary = export_dataset("summary", framework, month)
    summary.title = "Summary"
    year_months = [m for m in perf.months_of_year(perf.financial_year(month)) if m <= month]
    resource = FigureExport()
    figures_qs = _limit("figures", resource.get_queryset(), framework, None).filter(
        month__in=year_months
    )
    exported = resource.export(figures_qs)
    figures = _escaped(list(exported.headers or []), [list(row) for row in exported])
    figures.title = f"Figures {perf.year_label(perf.financial_year(month))}"
    return tablib.Databook([summary, figures]).export("xlsx")
