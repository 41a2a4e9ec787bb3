"""The back office a performance officer keeps the catalogue in.

Figures are changed through imports or here; either way every change becomes a FigureRevision.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ExportMixin

from . import performance as perf
from .exports import (
    BenchmarkExport,
    BreakdownExport,
    FigureExport,
    FrameworkExport,
    IndicatorExport,
    OutturnExport,
    SectionExport,
    TargetExport,
)
from .models import (
    Benchmark,
    Breakdown,
    BreakdownRevision,
    Figure,
    FigureRevision,
    Framework,
    FrameworkSection,
    Indicator,
    Outturn,
    Revision,
    Section,
    Target,
)


class FrameworkSectionInline(admin.TabularInline):
    model = FrameworkSection
    extra = 0
    autocomplete_fields = ["section"]


@admin.register(Framework)
class FrameworkAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [FrameworkExport]
    list_display = ["name", "layout", "board", "department", "dot_convention"]
    search_fields = ["name", "board"]
    fieldsets = [
        (None, {"fields": ["name", "department", "layout"]}),
        ("Figures", {"fields": ["dot_convention", "months_shown", "value_style"]}),
        ("Cover", {"fields": ["board", "council", "cover_wording"]}),
    ]
    inlines = [FrameworkSectionInline]


@admin.register(Section)
class SectionAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [SectionExport]
    list_display = ["code", "title", "managers_list"]
    search_fields = ["code", "title", "definition"]
    list_filter = ["frameworks"]
    filter_horizontal = ["managers"]

    @admin.display(description="responsible managers")
    def managers_list(self, section: Section) -> str:
        return ", ".join(user.get_full_name() or user.username for user in section.managers.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Section]:
        return super().get_queryset(request).prefetch_related("managers")

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return SectionExport().get_queryset()


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["year", "red", "amber", "green", "kind"]
    readonly_fields = ["kind"]


class BenchmarkInline(admin.TabularInline):
    model = Benchmark
    extra = 0
    fields = ["measure", "value", "year", "source"]


class OutturnInline(admin.TabularInline):
    model = Outturn
    extra = 0
    fields = ["year", "value", "marker", "numerator", "denominator"]


@admin.register(Indicator)
class IndicatorAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorExport]
    list_display = [
        "reference",
        "title",
        "section",
        "polarity",
        "unit",
        "kind",
        "aggregation",
        "frequency",
        "order",
        "retired",
    ]
    list_display_links = ["reference", "title"]
    list_filter = ["section", "polarity", "kind", "aggregation", "frequency", "retired"]
    search_fields = ["reference", "title", "tags", "lait"]
    list_select_related = ["section"]
    autocomplete_fields = ["section", "parent"]
    inlines = [TargetInline, BenchmarkInline, OutturnInline]


class YearListFilter(admin.SimpleListFilter):
    title = "financial year"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = (
            model_admin.model.objects.values_list("year", flat=True).distinct().order_by("-year")
        )
        return [(str(year), perf.year_label(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(year=self.value()) if self.value() else queryset


@admin.register(Target)
class TargetAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [TargetExport]
    list_display = ["indicator", "year_label", "red", "amber", "green", "kind"]
    list_filter = [YearListFilter, "kind", "indicator__section"]
    search_fields = ["indicator__reference", "indicator__title"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]


class RevisionInline(admin.TabularInline):
    model = FigureRevision
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "source", "old_display", "new_display"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BreakdownRevisionInline(RevisionInline):
    model = BreakdownRevision  # type: ignore[assignment]


class RevisedAdmin(ExportMixin, admin.ModelAdmin):
    """A measurement whose every change here is kept as a revision, as an import's is."""

    revision_model: type[Revision]
    revision_key: str  # the revision's foreign key to the measurement

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old = self.model.objects.get(pk=obj.pk).state() if change else None
        keep_typed_places(obj, form)
        super().save_model(request, obj, form, change)
        if old != obj.state():
            self.revision_model._default_manager.create(
                **{self.revision_key: obj},
                changed_by=request.user,
                source="admin",
                **self.revision_model.columns_of(old, obj.state()),
            )


@admin.register(Figure)
class FigureAdmin(RevisedAdmin):
    resource_classes = [FigureExport]
    revision_model = FigureRevision
    revision_key = "figure"
    list_display = ["indicator", "month", "display", "numerator", "denominator", "updated_at"]
    list_filter = ["month", "indicator__section", "marker"]
    search_fields = ["indicator__reference", "indicator__title", "note"]
    date_hierarchy = "month"
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [RevisionInline]


@admin.register(Breakdown)
class BreakdownAdmin(RevisedAdmin):
    resource_classes = [BreakdownExport]
    revision_model = BreakdownRevision
    revision_key = "breakdown"
    list_display = [
        "indicator",
        "dimension",
        "category",
        "month",
        "display",
        "numerator",
        "denominator",
        "order",
    ]
    list_filter = ["month", "dimension", "indicator__section"]
    search_fields = ["indicator__reference", "indicator__title", "dimension", "category"]
    date_hierarchy = "month"
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [BreakdownRevisionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: read, never written here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FigureRevision)
class FigureRevisionAdmin(ReadOnlyAdmin):
    list_display = ["figure", "changed_at", "changed_by", "source", "old_display", "new_display"]
    list_filter = ["source", "changed_by", "figure__indicator__section"]
    search_fields = ["figure__indicator__reference", "source"]
    list_select_related = ["figure__indicator", "changed_by"]
    date_hierarchy = "changed_at"


@admin.register(BreakdownRevision)
class BreakdownRevisionAdmin(ReadOnlyAdmin):
    list_display = [
        "breakdown",
        "changed_at",
        "changed_by",
        "source",
        "old_display",
        "new_display",
    ]
    list_filter = ["source", "changed_by", "breakdown__indicator__section"]
    search_fields = ["breakdown__indicator__reference", "breakdown__category", "source"]
    list_select_related = ["breakdown__indicator", "changed_by"]
    date_hierarchy = "changed_at"


def keep_typed_places(measurement: Any, form: Any) -> None:
    """A value typed in the admin prints as typed: 95.20 keeps its two places."""
    if "value" in form.changed_data and measurement.value is not None:
        measurement.places = min(perf.places_of(measurement.value), 4)


@admin.register(Outturn)
class OutturnAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [OutturnExport]
    list_display = ["indicator", "year_label", "display", "numerator", "denominator"]
    list_filter = [YearListFilter, "indicator__section"]
    search_fields = ["indicator__reference", "indicator__title"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]

    def save_model(self, request: HttpRequest, obj: Outturn, form: Any, change: bool) -> None:
        keep_typed_places(obj, form)
        super().save_model(request, obj, form, change)


@admin.register(Benchmark)
class BenchmarkAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [BenchmarkExport]
    list_display = ["indicator", "measure", "display", "year", "source"]
    list_filter = ["measure", "year", "indicator__section"]
    search_fields = ["indicator__reference", "indicator__title", "source"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
