"""The back office a performance officer keeps the catalogue in.

Figures are changed through imports or here; either way every change becomes a FigureRevision.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin

from accounts.access import signed_in_user

from . import performance as perf
from .benchmarking import data_dictionary
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
from .lait import polarity_disagreement, suggest_measures
from .models import (
    Benchmark,
    BenchmarkRevision,
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
from .models.benchmarking import record_admin_changes, states_of


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


class IndicatorForm(forms.ModelForm):
    """The LAIT measure is checked against DfE's data dictionary: words that are not a
    measure's code are a search, answered with the measures they suggest."""

    class Meta:
        model = Indicator
        fields = "__all__"  # noqa: DJ007 (the admin lists every field, as without a form)
        widgets = {"lait": forms.TextInput(attrs={"list": "lait-measures", "size": 40})}

    def clean_lait(self) -> str:
        code = (self.cleaned_data.get("lait") or "").strip()
        if not code:
            return ""
        dictionary = data_dictionary()
        if code in dictionary:
            return code
        found = suggest_measures(dictionary, code, limit=8)
        if not found:
            raise forms.ValidationError(
                f"'{code}' is not a LAIT measure and no measure's name has these words."
            )
        listed = "; ".join(f"{s.measure.code} ({s.measure.name})" for s in found)
        raise forms.ValidationError(
            f"'{code}' is not a LAIT measure code. Measures matching these words: {listed}."
        )


@admin.register(Indicator)
class IndicatorAdmin(ExportMixin, admin.ModelAdmin):
    form = IndicatorForm
    resource_classes = [IndicatorExport]
    readonly_fields = ["lait_mapping"]
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

    @admin.display(description="LAIT mapping help")
    def lait_mapping(self, indicator: Indicator) -> str:
        """DfE's name and polarity of the mapped measure (a warning where the polarity
        disagrees), the measures the title suggests, and every measure for the field's list."""
        dictionary = data_dictionary()
        parts = []
        measure = dictionary.measures.get(indicator.lait.strip()) if indicator.lait else None
        if measure is not None:
            parts.append(
                format_html(
                    "<p><code>{}</code>: {} (DfE polarity {})</p>",
                    measure.code,
                    measure.name,
                    measure.polarity,
                )
            )
            warning = polarity_disagreement(indicator.polarity, measure)
            if warning:
                parts.append(format_html('<p class="errornote" id="lait-warning">{}</p>', warning))
        suggestions = suggest_measures(dictionary, indicator.title, limit=5) if indicator.pk else []
        if suggestions:
            parts.append(
                format_html(
                    "<p>Suggested by the title (type words in the field to search):</p><ul>{}</ul>",
                    format_html_join(
                        "",
                        "<li><code>{}</code>: {} (DfE polarity {})</li>",
                        ((s.measure.code, s.measure.name, s.measure.polarity) for s in suggestions),
                    ),
                )
            )
        parts.append(
            format_html(
                '<datalist id="lait-measures">{}</datalist>',
                format_html_join(
                    "",
                    '<option value="{}">{}</option>',
                    (
                        (m.code, m.name)
                        for m in sorted(dictionary.measures.values(), key=lambda m: m.name)
                        if not m.discontinued
                    ),
                ),
            )
        )
        return format_html_join("", "{}", ((part,) for part in parts))

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        measure = data_dictionary().measures.get(obj.lait) if obj.lait else None
        warning = polarity_disagreement(obj.polarity, measure) if measure else ""
        if warning:
            messages.warning(request, warning)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # A benchmark changed here is kept as a revision, as an import's is.
        if formset.model is not Benchmark:
            super().save_formset(request, form, formset, change)
            return
        before = states_of(form.instance.pk)
        super().save_formset(request, form, formset, change)
        record_admin_changes(form.instance.pk, before, request.user)


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


REVISION_COLUMNS = ("changed_at", "changed_by", "source", "old_display", "new_display")


class RevisionInline(admin.TabularInline):
    model = FigureRevision
    extra = 0
    can_delete = False
    fields = REVISION_COLUMNS
    readonly_fields = REVISION_COLUMNS

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
                changed_by=signed_in_user(request),
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

    def save_model(self, request: HttpRequest, obj: Benchmark, form: Any, change: bool) -> None:
        before = states_of(obj.indicator_id)
        super().save_model(request, obj, form, change)
        record_admin_changes(obj.indicator_id, before, request.user)


@admin.register(BenchmarkRevision)
class BenchmarkRevisionAdmin(ReadOnlyAdmin):
    list_display = ["benchmark", "changed_at", "changed_by", "source", "old_display", "new_display"]
    list_filter = ["source", "benchmark__measure", "benchmark__indicator__section"]
    search_fields = ["benchmark__indicator__reference", "source"]
    list_select_related = ["benchmark__indicator", "changed_by"]
    date_hierarchy = "changed_at"
