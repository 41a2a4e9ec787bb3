"""The audit log page (``/audit/``, performance officers): the event table, newest first, 50 a
page, filtered by kind of event and by username. It reads ``Event`` and nothing else."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import Truncator

from accounts.access import role_required
from accounts.roles import Role

from .models import Event

PAGE_SIZE = 50
# Comments and build errors can be long; the log shows their start.
DETAIL_CHARS = 200

KINDS = [
    ("auth", "Sign-ins"),
    ("role", "Roles"),
    ("account", "Accounts from the directory"),
    ("admin", "Back office (admin)"),
    ("month", "Months"),
    ("upload", "Uploads"),
    ("narrative", "Narratives"),
    ("edition", "Report editions"),
    ("paper", "Covering papers"),
    ("email", "E-mails"),
]

# What each verb means, in the log's words; a verb not listed is shown as it is.
WHAT = {
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "auth.sign_in_failed": "Failed sign-in",
    "role.granted": "Role granted",
    "role.revoked": "Role revoked",
    "account.created": "Account opened from the directory",
    "account.sections_changed": "Sections changed by the directory",
    "account.refused": "Directory sign-in refused",
    "admin.added": "Added in the admin",
    "admin.changed": "Changed in the admin",
    "admin.deleted": "Deleted in the admin",
    "month.opened": "Opened a month",
    "upload.received": "Uploaded a file",
    "upload.applied": "Applied an upload",
    "upload.reverted": "Reverted an upload",
    "upload.imported": "Imported a file (command line)",
    "narrative.created": "Narrative: created",
    "narrative.carried_forward": "Narrative: carried forward",
    "narrative.started": "Narrative: started",
    "narrative.saved": "Narrative: text saved",
    "narrative.submitted": "Narrative: submitted",
    "narrative.returned": "Narrative: returned with changes requested",
    "narrative.approved": "Narrative: approved",
    "narrative.reopened": "Narrative: reopened",
    "narrative.issued": "Narrative: locked for issue",
    "edition.drafted": "Report draft created",
    "edition.signed_off": "Report draft signed off",
    "edition.issued": "Report issued",
    "edition.rebuild_queued": "Report build queued again",
    "edition.built": "Report built",
    "edition.build_failed": "Report build failed",
    "paper.saved": "Covering paper edited",
    "email.failed": "E-mail not sent",
}


def what(event: Event) -> str:
    words = WHAT.get(event.verb, event.verb)
    if event.verb == "auth.sign_in_failed" and event.details.get("locked_out"):
        words += ", now locked out"
    return words


def detail(event: Event) -> str:
    """The target's name, then each detail as ``name: value``, shortened."""
    parts = [event.target_repr] if event.target_repr else []
    parts += [f"{key.replace('_', ' ')}: {value}" for key, value in event.details.items()]
    text = "; ".join(str(part) for part in parts if part not in ("", None))
    return Truncator(" ".join(text.split())).chars(DETAIL_CHARS)


def events(kind: str = "", user_contains: str = "") -> QuerySet[Event]:
    rows = Event.objects.select_related("actor")
    if kind:
        rows = rows.filter(verb__startswith=f"{kind}.")
    if user_contains:
        rows = rows.filter(actor_name__icontains=user_contains)
    return rows.order_by("-at", "-id")


def audit_page(kind: str = "", user_contains: str = "", page: int | str | None = 1) -> Page:
    """One page (PAGE_SIZE events, newest first); a bad page number gives page 1 and one past
    the end the last page."""
    return Paginator(events(kind, user_contains.strip()), PAGE_SIZE).get_page(page)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "Everything"), *KINDS], label="What")
    user = forms.CharField(required=False, max_length=150, label="Username contains")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end mb-3"
        self.helper.add_input(Submit("apply", "Filter", css_class="btn-secondary"))

    def filters(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["kind"], self.cleaned_data["user"]


@role_required(Role.PERFORMANCE_OFFICER)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    kind, user_contains = form.filters()
    page = audit_page(kind, user_contains, request.GET.get("page"))
    entries = [
        {"when": event.at, "who": event.actor_name, "what": what(event), "detail": detail(event)}
        for event in page
    ]
    return render(request, "audit.html", {"form": form, "page": page, "entries": entries})
