"""The audit log: who did what and when, merged newest first from the tables that record it.

Nothing here writes: sign-ins come from django-axes (``AccessLog``, ``AccessFailureLog``),
uploads from ``Upload``, narrative moves from ``Transition`` and report editions from
``Edition``. Each source is a query ordered by its own time; a page of the merged log needs at
most (page number) * (page size) rows of each source, so no query reads more than that.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from axes.models import AccessFailureLog, AccessLog
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import Truncator

from accounts.access import role_required
from accounts.roles import Role
from indicators.models import Upload
from narratives.models import Transition
from reports.models import BuildStatus, Edition

PAGE_SIZE = 50
# Comments and build errors can be long; the log shows their start.
DETAIL_CHARS = 200


class Kind(StrEnum):
    SIGN_IN = "sign-in"
    UPLOAD = "upload"
    NARRATIVE = "narrative"
    REPORT = "report"


KIND_CHOICES = [
    ("", "Everything"),
    (Kind.SIGN_IN.value, "Sign-ins"),
    (Kind.UPLOAD.value, "Uploads"),
    (Kind.NARRATIVE.value, "Narratives"),
    (Kind.REPORT.value, "Reports"),
]


@dataclass(frozen=True)
class Entry:
    """One line of the log, in plain words."""

    when: datetime.datetime
    who: str
    kind: Kind
    what: str
    detail: str


@dataclass(frozen=True)
class Source:
    """One kind of event: its rows (annotated ``audit_at``), whose they are, and its words."""

    kind: Kind
    rows: Callable[[], QuerySet[Any]]
    # Lookup of the acting user's username, for the filter; None for the system's own events.
    username: str | None
    entry: Callable[[Any], Entry]

    def queryset(self, user_contains: str) -> QuerySet[Any]:
        rows = self.rows()
        if user_contains:
            rows = rows.filter(**{f"{self.username}__icontains": user_contains})
        return rows


def person(user: Any) -> str:
    if user is None:
        return "unknown"
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DETAIL_CHARS)


def _signed_in(log: AccessLog) -> Entry:
    detail = f"from {log.ip_address or 'an unknown address'}"
    if log.logout_time:
        detail += f"; signed out {local(log.logout_time)}"
    return Entry(log.attempt_time, log.username or "", Kind.SIGN_IN, "Signed in", detail)


def _failed_sign_in(log: AccessFailureLog) -> Entry:
    what = "Failed sign-in, now locked out" if log.locked_out else "Failed sign-in"
    detail = f"from {log.ip_address or 'an unknown address'}"
    return Entry(log.attempt_time, log.username or "", Kind.SIGN_IN, what, detail)


def _upload_detail(upload: Upload) -> str:
    return (
        f"#{upload.pk} {upload.file_name} ({upload.kind}): {upload.new_rows} new, "
        f"{upload.changed_rows} changed, {upload.unchanged_rows} unchanged, "
        f"{upload.error_count} error(s)"
    )


def _uploaded(upload: Upload) -> Entry:
    what = f"Uploaded a {upload.kind} file"
    if upload.status == Upload.Status.REFUSED:
        what += " (refused: errors)"
    return Entry(
        upload.uploaded_at, person(upload.uploaded_by), Kind.UPLOAD, what, _upload_detail(upload)
    )


def _applied(upload: Upload) -> Entry:
    # Upload keeps its uploader, not who confirmed it: the confirm is shown under the uploader.
    return Entry(
        upload.applied_at,
        person(upload.uploaded_by),
        Kind.UPLOAD,
        "Applied an upload",
        _upload_detail(upload),
    )


def _reverted(upload: Upload) -> Entry:
    return Entry(
        upload.reverted_at,
        person(upload.reverted_by),
        Kind.UPLOAD,
        "Reverted an upload",
        f"#{upload.pk} {upload.file_name} ({upload.kind})",
    )


def _transition(transition: Transition) -> Entry:
    narrative = transition.narrative
    detail = f"{narrative.section.code}, {narrative.reporting_month.label}"
    if transition.comment:
        detail += f": {short(transition.comment)}"
    return Entry(
        transition.at,
        person(transition.by) if transition.by_id else "system",
        Kind.NARRATIVE,
        f"Narrative: {transition.get_action_display().lower()}",
        detail,
    )


def _edition_name(edition: Edition) -> str:
    return f"{edition.framework.name}, {edition.month:%B %Y}, {edition.label}"


def _created(edition: Edition) -> Entry:
    what = "Report draft created" if edition.draft is not None else "Report issued"
    by = person(edition.created_by) if edition.created_by_id else "system"
    return Entry(edition.created_at, by, Kind.REPORT, what, _edition_name(edition))


def _signed_off(edition: Edition) -> Entry:
    return Entry(
        edition.signed_off_at,
        person(edition.signed_off_by),
        Kind.REPORT,
        "Report draft signed off",
        _edition_name(edition),
    )


def _built(edition: Edition) -> Entry:
    return Entry(
        edition.audit_at,
        "system",
        Kind.REPORT,
        "Report built",
        f"{_edition_name(edition)}: {edition.pages} page(s)",
    )


def _build_failed(edition: Edition) -> Entry:
    detail = _edition_name(edition)
    if edition.error:
        detail += f": {short(edition.error)}"
    return Entry(edition.audit_at, "system", Kind.REPORT, "Report build failed", detail)


def _uploads() -> QuerySet[Upload]:
    return Upload.objects.select_related("uploaded_by", "reverted_by")


def _editions() -> QuerySet[Edition]:
    # The snapshot is the whole printed report; the log never needs it.
    return Edition.objects.select_related("framework", "created_by", "signed_off_by").defer(
        "snapshot"
    )


SOURCES: tuple[Source, ...] = (
    Source(
        Kind.SIGN_IN,
        lambda: AccessLog.objects.annotate(audit_at=F("attempt_time")),
        "username",
        _signed_in,
    ),
    Source(
        Kind.SIGN_IN,
        lambda: AccessFailureLog.objects.annotate(audit_at=F("attempt_time")),
        "username",
        _failed_sign_in,
    ),
    Source(
        Kind.UPLOAD,
        lambda: _uploads().annotate(audit_at=F("uploaded_at")),
        "uploaded_by__username",
        _uploaded,
    ),
    Source(
        Kind.UPLOAD,
        lambda: _uploads().filter(applied_at__isnull=False).annotate(audit_at=F("applied_at")),
        "uploaded_by__username",
        _applied,
    ),
    Source(
        Kind.UPLOAD,
        lambda: _uploads().filter(reverted_at__isnull=False).annotate(audit_at=F("reverted_at")),
        "reverted_by__username",
        _reverted,
    ),
    Source(
        Kind.NARRATIVE,
        lambda: Transition.objects.select_related(
            "by", "narrative__section", "narrative__reporting_month"
        ).annotate(audit_at=F("at")),
        "by__username",
        _transition,
    ),
    Source(
        Kind.REPORT,
        lambda: _editions().annotate(audit_at=F("created_at")),
        "created_by__username",
        _created,
    ),
    Source(
        Kind.REPORT,
        lambda: (
            _editions().filter(signed_off_at__isnull=False).annotate(audit_at=F("signed_off_at"))
        ),
        "signed_off_by__username",
        _signed_off,
    ),
    Source(
        Kind.REPORT,
        lambda: (
            _editions()
            .filter(status=BuildStatus.READY, built_at__isnull=False)
            .annotate(audit_at=F("built_at"))
        ),
        None,
        _built,
    ),
    Source(
        Kind.REPORT,
        # An edition records no time of failure; its last build time, else its creation, is
        # the nearest the table holds.
        lambda: (
            _editions()
            .filter(status=BuildStatus.FAILED)
            .annotate(audit_at=Coalesce("built_at", "created_at"))
        ),
        None,
        _build_failed,
    ),
)


class Timeline:
    """The merged log as a sequence Django's Paginator can page through.

    ``count()`` adds up one COUNT per source; a slice ending at ``stop`` reads the newest
    ``stop`` rows of each source and merges them, which is exactly the newest ``stop`` overall.
    """

    def __init__(self, kind: Kind | None = None, user_contains: str = "") -> None:
        self.user_contains = user_contains.strip()
        self.sources = [
            source
            for source in SOURCES
            if (kind is None or source.kind == kind)
            # The system's own events belong to no user, so a user filter leaves them out.
            and (source.username is not None or not self.user_contains)
        ]

    def querysets(self) -> list[tuple[Source, QuerySet[Any]]]:
        return [(source, source.queryset(self.user_contains)) for source in self.sources]

    def count(self) -> int:
        return sum(rows.count() for _, rows in self.querysets())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Entry]:
        if not isinstance(window, slice) or window.stop is None:
            raise TypeError("the audit log is read a page (a bounded slice) at a time")
        keyed: list[tuple[tuple[datetime.datetime, int, int], Entry]] = []
        for order, (source, rows) in enumerate(self.querysets()):
            for row in rows.order_by("-audit_at", "-pk")[: window.stop]:
                # Newest first; at the same moment, by source, then newest row first.
                keyed.append(((row.audit_at, -order, row.pk), source.entry(row)))
        keyed.sort(key=lambda pair: pair[0], reverse=True)
        return [entry for _, entry in keyed][window]


def audit_page(kind: Kind | None = None, user_contains: str = "", page: object = 1) -> Page:
    """One page (PAGE_SIZE entries, newest first) of the log; a bad page number gives page 1
    and one past the end gives the last page."""
    return Paginator(Timeline(kind, user_contains), PAGE_SIZE).get_page(page)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=KIND_CHOICES, label="What")
    user = forms.CharField(required=False, max_length=150, label="Username contains")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end mb-3"
        self.helper.add_input(Submit("apply", "Filter", css_class="btn-secondary"))

    def filters(self) -> tuple[Kind | None, str]:
        if not self.is_valid():
            return None, ""
        kind = self.cleaned_data["kind"]
        return (Kind(kind) if kind else None), self.cleaned_data["user"]


@role_required(Role.PERFORMANCE_OFFICER)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    kind, user_contains = form.filters()
    page = audit_page(kind, user_contains, request.GET.get("page"))
    return render(request, "audit.html", {"form": form, "page": page})
