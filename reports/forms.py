"""Forms only validate; views hand the cleaned data to ``services``."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from . import papers

PAPER_TEXT = 20_000


def paper_field(field: papers.Field) -> forms.CharField:
    """A covering paper field; it may be saved empty (a draft may be unfinished), but issuing
    is refused, naming it, while a required one is empty or a placeholder."""
    help_text = "" if field.required else "May be left empty."
    if field.long:
        return forms.CharField(
            label=field.label,
            max_length=PAPER_TEXT,
            required=False,
            help_text=help_text or "A blank line starts a new numbered paragraph.",
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    return forms.CharField(
        label=field.label, max_length=200, required=field.key == "title", help_text=help_text
    )


class PaperForm(forms.Form):
    """The covering paper's own fields (seed `002_…`), in the paper's order; key issues come
    from the narratives."""

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in papers.FIELDS:
            self.fields[field.key] = paper_field(field)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("save", "Save the covering paper"))
