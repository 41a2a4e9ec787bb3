"""Forms only validate; views hand the cleaned data to ``services``."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

PAPER_TEXT = 20_000


class PaperForm(forms.Form):
    """The covering paper's own fields (seed `002_…`); key issues come from the narratives."""

    title = forms.CharField(max_length=200)
    meeting = forms.CharField(max_length=200, required=False, help_text="e.g. the panel and date")
    authors = forms.CharField(
        label="Report author(s)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(max_length=PAPER_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        max_length=PAPER_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    implications = forms.CharField(
        max_length=PAPER_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    risks = forms.CharField(
        label="Risks and mitigation",
        max_length=PAPER_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accountable_officers = forms.CharField(
        label="Accountable officer(s)",
        max_length=2000,
        required=False,
        help_text="One per line: name, role, e-mail.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, action: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("save", "Save the covering paper"))
