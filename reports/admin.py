"""The report settings a performance officer keeps in the back office: the council's words and
logo, each framework's report wording, and the charts a section's indicators share."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin
from PIL import Image, UnidentifiedImageError

from .models import CombinedChart, CouncilSettings, ReportSettings

LOGO_BYTES = 1_000_000


class CouncilSettingsForm(forms.ModelForm):
    class Meta:
        model = CouncilSettings
        fields = ["name", "directorate", "department", "team", "contact", "logo"]

    def clean_logo(self):  # type: ignore[no-untyped-def]
        """A PNG or JPEG of at most 1 MB, refused with the reason otherwise."""
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "read"):
            return logo
        if logo.size > LOGO_BYTES:
            raise forms.ValidationError("The logo must be at most 1 MB.")
        content = logo.read()
        logo.seek(0)
        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise forms.ValidationError("The logo must be a PNG or JPEG image.") from error
        if kind not in ("PNG", "JPEG"):
            raise forms.ValidationError(f"The logo must be a PNG or JPEG image, not {kind}.")
        return logo


@admin.register(CouncilSettings)
class CouncilSettingsAdmin(admin.ModelAdmin):
    form = CouncilSettingsForm
    list_display = ["name", "directorate", "team"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        # One row: the council's.
        return super().has_add_permission(request) and not CouncilSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    # The board's name and the cover wording are the framework's (indicators' framework admin).
    list_display = ["framework", "report_title"]
    search_fields = ["framework__name", "report_title"]
    fieldsets = [
        (None, {"fields": ["framework", "report_title", "paper_title"]}),
        (
            "Covering paper: front matter",
            {
                "fields": [
                    "key_decision",
                    "director",
                    "authors",
                    "contact",
                    "wards",
                    "background_papers",
                    "other_committee",
                    "council_approval",
                    "exempt",
                ]
            },
        ),
        (
            "Covering paper: usual text ({month}, {panel} (the framework's board), {report} and "
            "{council} are filled in)",
            {
                "fields": [
                    "summary",
                    "recommendations",
                    "background",
                    "options",
                    "consultation",
                    "timetable",
                    "financial",
                    "legal",
                    "human_resources",
                    "children",
                    "equalities",
                    "partners",
                    "risks",
                    "accountable_officers",
                ]
            },
        ),
    ]


class CombinedChartForm(forms.ModelForm):
    class Meta:
        model = CombinedChart
        fields = ["section", "title", "kind", "indicators", "order"]

    def clean(self):  # type: ignore[no-untyped-def]
        """Two or more indicators, all of the chart's section."""
        data = super().clean()
        section, indicators = data.get("section"), data.get("indicators")
        if section is not None and indicators is not None:
            if len(indicators) < 2:
                raise forms.ValidationError("A combined chart draws two or more indicators.")
            strangers = [i.reference for i in indicators if i.section_id != section.id]
            if strangers:
                raise forms.ValidationError(
                    f"Not indicators of {section.title}: {', '.join(strangers)}."
                )
        return data


@admin.register(CombinedChart)
class CombinedChartAdmin(admin.ModelAdmin):
    form = CombinedChartForm
    list_display = ["title", "section", "kind", "order"]
    list_filter = ["section"]
    search_fields = ["title", "section__title"]
    filter_horizontal = ["indicators"]
