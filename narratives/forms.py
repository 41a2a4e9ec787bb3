"""Forms only validate; views hand the cleaned data to the verbs of ``services``."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .services import MAX_TEXT

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
        self, *args: Any, action: str = "", can_submit: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("changes", "data_notes"):
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
