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
from .models import Framework, ReportingMonth

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


class LaitUploadForm(forms.Form):
    """The DfE's LAIT files for one council: ``council`` choices are (LA number, name)."""

    file = forms.FileField(
        label="LAIT long table (.csv or .csv.gz)",
        help_text="lait_long.csv.gz as published by the DfE; streamed, at most "
        f"{settings.LAIT_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
    )
    neighbours = forms.FileField(
        label="Statistical-neighbour list (.xlsx)",
        help_text="the DfE list in force for the report, e.g. sn_april_2021.xlsx",
    )
    council = forms.TypedChoiceField(coerce=int, label="Council")
    year = forms.CharField(
        required=False,
        max_length=20,
        label="Data year",
        help_text="as DfE prints it (2019, 2019/20); blank: the latest with a value",
    )
    framework: forms.ModelChoiceField[Framework] = forms.ModelChoiceField(
        queryset=Framework.objects.none(),  # the frameworks are read in __init__, not at import
        required=False,
        empty_label="All indicators",
        label="Framework",
    )

    def __init__(self, *args: Any, councils: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["council"]).choices = [
            ("", "Choose the council"),
            *councils,
        ]
        cast(forms.ModelChoiceField, self.fields["framework"]).queryset = Framework.objects.all()
        self.helper = FormHelper()
        self.helper.form_id = "lait-form"
        self.helper.add_input(Submit("preview", "Compute and preview"))
