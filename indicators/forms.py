"""Forms only validate; views hand the cleaned data to services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from . import performance as perf
from .importing.kinds import KINDS
from .models import ReportingMonth

RAG_CHOICES = [
    ("", "Any RAG"),
    ("R", "R — red"),
    ("A", "A — amber"),
    ("G", "G — green"),
    ("none", "No RAG"),
]


class SummaryFilterForm(forms.Form):
    section = forms.ChoiceField(required=False, label="Section")
    rag = forms.ChoiceField(required=False, choices=RAG_CHOICES, label="RAG")
    exceptions = forms.BooleanField(
        required=False, label="Exceptions only (red, worsening, or worse than SN average)"
    )

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["section"]).choices = [("", "All sections"), *sections]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end mb-3"
        self.helper.add_input(Submit("apply", "Filter", css_class="btn-secondary"))


class MonthField(forms.CharField):
    """A reporting month typed as 2020-04, Apr-20 or April 2020."""

    def to_python(self, value: object) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return perf.parse_month(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class OpenMonthForm(forms.ModelForm):
    month = MonthField(help_text="e.g. 2020-05 or May 2020")

    class Meta:
        model = ReportingMonth
        fields = [
            "framework",
            "month",
            "figures_due",
            "narratives_due",
            "signoff_due",
            "panel_date",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ["figures_due", "narratives_due", "signoff_due", "panel_date"]
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("open", "Open the month"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        framework, month = cleaned.get("framework"), cleaned.get("month")
        if (
            framework
            and month
            and ReportingMonth.objects.filter(framework=framework, month=month).exists()
        ):
            self.add_error("month", f"{month:%B %Y} is already open for {framework}.")
        return cleaned


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind, kind) for kind in KINDS], initial="figures", label="What the file holds"
    )
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text=f"UTF-8 CSV or an XLSX workbook (first sheet), at most "
        f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB; the columns are those of formats.md.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", "Upload and preview"))
