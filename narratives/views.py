"""The narrative pages: the month dashboard, the narrative page and its actions.

Thin: every action is refused (403, with the reason) unless ``actions_for`` offers it, then the
verb of ``services`` decides again under a row lock. A bad form re-renders with its errors (400);
a save from an out-of-date version answers with both texts (409) and overwrites nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import STAFF_ROLES, SignedInRequest, role_required, roles_of
from accounts.roles import Role
from indicators.models import ReportingMonth

from . import pages, services
from .forms import COMMENTARY_FIELD, CommentForm, NarrativeTextForm, ReasonForm
from .models import Narrative
from .rules import EDITABLE, Verb, is_author, why_not

SUCCESS = {
    Verb.SUBMIT: "Submitted for approval. The approvers have been told.",
    Verb.REQUEST_CHANGES: "Returned to the authors with your comments.",
    Verb.APPROVE: "Approved. The narrative is locked for the report.",
    Verb.REOPEN: "Reopened as a draft. The authors have been told.",
}


def _narrative(pk: int) -> Narrative:
    return get_object_or_404(
        Narrative.objects.select_related("section", "reporting_month__framework"), pk=pk
    )


def _url(narrative: Narrative, verb: Verb | None = None) -> str:
    if verb is None:
        return reverse("narratives:narrative", args=[narrative.pk])
    return reverse(f"narratives:{verb.value}", args=[narrative.pk])


def _refused(
    request: HttpRequest, narrative: Narrative, reason: str, unsaved: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "narratives/refused.html",
        {"narrative": narrative, "reason": reason, "unsaved": unsaved},
        status=403,
    )


def _text_form(
    narrative: Narrative,
    data: Mapping[str, Any] | None = None,
    rows: list[pages.CommentaryRow] | None = None,
    **initial: Any,
) -> NarrativeTextForm:
    """The editor: the section's texts and a Performance Overview box per indicator asked for."""
    if rows is None:
        rows = pages.commentary_rows(narrative, None)
    return NarrativeTextForm(
        data,
        initial=initial or None,
        action=_url(narrative, Verb.SAVE),
        can_submit=True,
        commentaries=rows,
    )


def _unsaved(form: NarrativeTextForm, posted: Any) -> dict[str, Any]:
    """What the author sent, to give back on a refusal: the texts and the overviews written."""
    written = {r: posted.get(COMMENTARY_FIELD + r, "") for r in form.commentary_references}
    return {
        "changes": posted.get("changes", ""),
        "data_notes": posted.get("data_notes", ""),
        "commentaries": {reference: text for reference, text in written.items() if text},
    }


def _page(
    request: HttpRequest, narrative: Narrative, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    actions = services.actions_for(narrative, user)
    roles = roles_of(user)
    figures = pages.figures_context(narrative)
    if Verb.SAVE in actions and "text_form" not in forms:
        forms["text_form"] = _text_form(
            narrative,
            rows=figures["commentary_rows"],
            changes=narrative.changes,
            data_notes=narrative.data_notes,
            base_version=narrative.version,
        )
    if Verb.REQUEST_CHANGES in actions and "comment_form" not in forms:
        forms["comment_form"] = CommentForm(action=_url(narrative, Verb.REQUEST_CHANGES))
    if Verb.REOPEN in actions and "reason_form" not in forms:
        forms["reason_form"] = ReasonForm(action=_url(narrative, Verb.REOPEN))
    submit_hint = None
    if Verb.SUBMIT not in actions and narrative.status in EDITABLE and is_author(narrative, user):
        submit_hint = why_not(Verb.SUBMIT, narrative, user)
    reviewer = bool(roles & {Role.APPROVER, Role.PERFORMANCE_OFFICER})
    context = {
        "narrative": narrative,
        "month": narrative.reporting_month,
        "actions": actions,
        "comment": pages.comment_for_authors(narrative),
        "submit_hint": submit_hint,
        "transitions": narrative.transitions.select_related("by", "version"),
        "versions": narrative.versions.select_related("saved_by").order_by("-number"),
        "diff": pages.build_diff(narrative) if reviewer else None,
        **figures,
        **forms,
    }
    return render(request, "narratives/narrative.html", context, status=status)


@role_required(*STAFF_ROLES)
def latest(request: HttpRequest) -> HttpResponse:
    """The dashboard of the latest reporting month, or a page saying none is open."""
    month = pages.latest_month()
    if month is None:
        return render(request, "narratives/none.html")
    return redirect("narratives:dashboard", month.pk)


@role_required(*STAFF_ROLES)
def dashboard(request: HttpRequest, month_id: int) -> HttpResponse:
    month = get_object_or_404(ReportingMonth.objects.select_related("framework"), pk=month_id)
    rows = pages.dashboard_rows(month, request.user)
    return render(
        request,
        "narratives/dashboard.html",
        {
            "month": month,
            "rows": rows,
            "missing": any(row.narrative is None for row in rows),
            "months": ReportingMonth.objects.select_related("framework").order_by("-month")[:12],
        },
    )


@role_required(Role.PERFORMANCE_OFFICER)
@require_POST
def create_missing(request: SignedInRequest, month_id: int) -> HttpResponse:
    """Create the narratives a month lacks (opened before narratives, or a section added)."""
    month = get_object_or_404(ReportingMonth.objects.select_related("framework"), pk=month_id)
    try:
        created = services.create_month_narratives(month, request.user)
    except services.WorkflowError as error:
        return render(request, "403.html", {"exception": str(error)}, status=403)
    messages.success(request, f"{len(created)} narrative(s) created.")
    return redirect("narratives:dashboard", month.pk)


@role_required(*STAFF_ROLES)
def narrative_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _narrative(pk))


@role_required(*STAFF_ROLES)
@require_POST
def save(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the editor's text; with "Submit for approval" (``and_submit``), save it and submit
    it in one step, so what is submitted is what the author sees in the box."""
    narrative = _narrative(pk)
    and_submit = "and_submit" in request.POST
    return _save(request, narrative, request.POST, and_submit)


def _save(
    request: SignedInRequest, narrative: Narrative, posted: Any, and_submit: bool
) -> HttpResponse:
    form = _text_form(narrative, posted)
    unsaved = _unsaved(form, posted)
    reason = why_not(Verb.SAVE, narrative, request.user)
    if reason:
        return _refused(request, narrative, reason, unsaved)
    if not form.is_valid():
        messages.error(
            request, "Nothing was saved: see the message beside the box. Your text is below."
        )
        return _page(request, narrative, status=400, text_form=form)
    data = form.cleaned_data
    verb = services.save_and_submit if and_submit else services.save_text
    try:
        verb(
            narrative,
            request.user,
            data["changes"],
            data["data_notes"],
            data["base_version"],
            form.commentaries(),
        )
    except services.StaleVersion as conflict:
        return _conflict(request, narrative, conflict)
    except services.WorkflowError as error:
        if and_submit and not why_not(Verb.SAVE, narrative, request.user):
            # Refused to submit (no text yet): nothing was saved; the text stays in the box.
            messages.error(request, f"Not submitted, and nothing saved: {error}")
            return _page(request, narrative, status=400, text_form=form)
        return _refused(request, narrative, str(error), unsaved)
    if and_submit:
        messages.success(request, f"Saved as version {narrative.version}. {SUCCESS[Verb.SUBMIT]}")
    else:
        messages.success(request, f"Saved (version {narrative.version}).")
    return redirect(_url(narrative))


def oversized(request: HttpRequest, pk: int, posted: Any, limit: int) -> HttpResponse:
    """A post larger than the server reads at once (``DATA_UPLOAD_MAX_MEMORY_SIZE``): the page
    again, with the text that was sent in the box and why nothing was saved (413)."""
    narrative = _narrative(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_url(narrative))
    form = _text_form(narrative, posted)
    unsaved = _unsaved(form, posted)
    reason = why_not(Verb.SAVE, narrative, request.user)
    if reason:
        return _refused(request, narrative, reason, unsaved)
    form.is_valid()
    messages.error(
        request,
        f"Nothing was saved: the page sent more than {limit / 1024 / 1024:.0f} MB. Each box "
        f"holds at most {services.MAX_TEXT:,} characters; your text is below.",
    )
    return _page(request, narrative, status=413, text_form=form)


def _conflict(
    request: HttpRequest, narrative: Narrative, conflict: services.StaleVersion
) -> HttpResponse:
    # The editor starts from *your* text and the saved version number: saving again is a
    # deliberate choice made with both texts in view.
    yours = conflict.yours.commentaries
    rows = [
        dataclasses.replace(row, text=yours.get(row.reference, ""))
        for row in pages.commentary_rows(narrative, None)
    ]
    form = _text_form(
        narrative,
        rows=rows,
        changes=conflict.yours.changes,
        data_notes=conflict.yours.data_notes,
        base_version=conflict.current_version,
    )
    theirs = conflict.theirs.commentaries if conflict.theirs else {}
    compared = [
        (row.reference, row.title, yours.get(row.reference, ""), theirs.get(row.reference, ""))
        for row in rows
        if yours.get(row.reference, "") or theirs.get(row.reference, "")
    ]
    return render(
        request,
        "narratives/conflict.html",
        {"narrative": narrative, "conflict": conflict, "text_form": form, "compared": compared},
        status=409,
    )


def _act(
    request: HttpRequest,
    pk: int,
    verb: Verb,
    call: Callable[[Narrative, Any, dict[str, Any]], Narrative],
    form_class: type[CommentForm] | type[ReasonForm] | None = None,
    form_name: str = "",
) -> HttpResponse:
    """Take ``verb`` if it is offered; 403 with the reason if not, 400 on a bad form."""
    narrative = _narrative(pk)
    reason = why_not(verb, narrative, request.user)
    if reason:
        return _refused(request, narrative, reason)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, action=_url(narrative, verb))
        if not form.is_valid():
            return _page(request, narrative, status=400, **{form_name: form})
        data = form.cleaned_data
    try:
        call(narrative, request.user, data)
    except services.WorkflowError as error:
        return _refused(request, narrative, str(error))
    messages.success(request, SUCCESS[verb])
    return redirect(_url(narrative))


@role_required(*STAFF_ROLES)
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Verb.SUBMIT, lambda n, u, _: services.submit(n, u))


@role_required(*STAFF_ROLES)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Verb.APPROVE, lambda n, u, _: services.approve(n, u))


@role_required(*STAFF_ROLES)
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Verb.REQUEST_CHANGES,
        lambda n, u, data: services.request_changes(n, u, data["comment"]),
        CommentForm,
        "comment_form",
    )


@role_required(*STAFF_ROLES)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Verb.REOPEN,
        lambda n, u, data: services.reopen(n, u, data["reason"]),
        ReasonForm,
        "reason_form",
    )
