"""Forms only validate; views hand the cleaned data to the verbs of ``services``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .pages import CommentaryRow
from .services import MAX_TEXT

# The form field of an indicator's Performance Overview: this prefix and its reference.
COMMENTARY_FIELD = "commentary:"

MARKUP_HELP = (
    "Plain text. A blank line starts a new paragraph; start a line with “- ” for a bullet point; "
    "**two asterisks** either side make text bold."
)


def _helper(action: str, name: str, button: str, css: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    submit = Submit(name, button)
    # Replace crispy's default btn-primary rather than adding a second colour to it.
    submit.field_classes = f"btn {css}"
    helper.add_input(submit)
    return helper


LIMIT_HELP = f"At most {MAX_TEXT:,} characters."


class NarrativeTextForm(forms.Form):
    changes = forms.CharField(
        label="Significant changes / concerns",
        required=False,
        max_length=MAX_TEXT,
        help_text=f"{MARKUP_HELP} {LIMIT_HELP}",
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    data_notes = forms.CharField(
        label="Data notes",
        required=False,
        max_length=MAX_TEXT,
        help_text=LIMIT_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The version the editor started from: a save from an older one is a conflict, not a loss.
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        action: str = "",
        can_submit: bool = False,
        commentaries: Sequence[CommentaryRow] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # One Performance Overview box per indicator the page asks about, after the section's
        # texts, each labelled with the indicator and its latest figures.
        self.commentary_references = [row.reference for row in commentaries]
        for row in commentaries:
            self.fields[COMMENTARY_FIELD + row.reference] = forms.CharField(
                label=f"Performance Overview: {row.reference} {row.title}",
                required=False,
                max_length=MAX_TEXT,
                initial=row.text,
                help_text=f"Latest figures: {row.figures}" if row.figures else "No figures yet.",
                widget=forms.Textarea(attrs={"rows": 3, "class": "commentary"}),
            )
        for name in ("changes", "data_notes", *self.commentary_fields()):
            widget = self.fields[name].widget
            # No maxlength in the browser: it would cut a long paste short without a word. The
            # server refuses an over-long text and gives it back with the message instead;
            # static/cpp/unsaved.js counts the characters beside the box.
            widget.attrs.pop("maxlength", None)
            widget.attrs["data-limit"] = str(MAX_TEXT)
        self.helper = _helper(action, "save", "Save draft")
        # The form itself marks the page as holding unsaved text until it is posted.
        self.helper.attrs = {"data-unsaved-warning": "true"}
        if can_submit:
            # Submitting posts the text in the box: it is saved as a version, then submitted.
            submit = Submit("and_submit", "Submit for approval")
            submit.field_classes = "btn btn-success ms-2"
            self.helper.add_input(submit)

    def commentary_fields(self) -> list[str]:
        return [COMMENTARY_FIELD + reference for reference in self.commentary_references]

    def commentaries(self) -> dict[str, str] | None:
        """The cleaned overviews by reference, or ``None`` when the form asked for none (so a
        save from a page without boxes keeps the commentaries as they are)."""
        if not self.commentary_references:
            return None
        return {r: self.cleaned_data[COMMENTARY_FIELD + r] for r in self.commentary_references}


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change (sent to the authors)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            action, "return", "Return with changes requested", "btn-outline-danger"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason for reopening (sent to the authors)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "reopen", "Reopen for changes", "btn-outline-danger")
