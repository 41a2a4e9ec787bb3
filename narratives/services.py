"""The narrative workflow as verbs, called by views, receivers and (later) the report issue.

Each verb takes who acts (a user, or ``SYSTEM`` for the month's verbs run by the system), locks
the narrative row (``select_for_update``), checks the rules of ``rules`` against the locked row,
changes it in ``transaction.atomic``, writes a ``Transition`` and its audit event, and sends
``signals.transitioned``; e-mail hangs off that signal and leaves only after commit. A refusal
raises ``WorkflowError`` with a message for the person who tried, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

import audit
from accounts.actors import Actor, user_of
from indicators.models import ReportingMonth
from indicators.models.catalogue import in_catalogue_order

from .models import NOTIFIED, Action, Narrative, NarrativeVersion, Status, Transition
from .rules import Verb, actions_for, is_author, why_not, why_not_lock_for_issue, why_not_open
from .signals import transitioned

__all__ = [
    "MAX_TEXT",
    "StaleVersion",
    "Text",
    "WorkflowError",
    "actions_for",
    "approve",
    "create_month_narratives",
    "is_author",
    "lock_for_issue",
    "reopen",
    "request_changes",
    "save_and_submit",
    "save_text",
    "submit",
]

# A long narrative is about 3,000 words (~20,000 characters); far beyond that is a paste error.
MAX_TEXT = 50_000

# The audit log's verb for each transition.
AUDIT_VERBS = {
    Action.CREATE: "narrative.created",
    Action.CARRY_FORWARD: "narrative.carried_forward",
    Action.START: "narrative.started",
    Action.SUBMIT: "narrative.submitted",
    Action.REQUEST_CHANGES: "narrative.returned",
    Action.APPROVE: "narrative.approved",
    Action.REOPEN: "narrative.reopened",
    Action.ISSUE: "narrative.issued",
}


class WorkflowError(ValueError):
    """An action refused; ``str(error)`` says why in words for the person who tried."""


@dataclass(frozen=True)
class Text:
    """What one save writes: the section's texts and its indicators' Performance Overviews."""

    changes: str
    data_notes: str
    commentaries: Mapping[str, str] = field(default_factory=dict)


class StaleVersion(WorkflowError):
    """Someone saved the narrative after the editor loaded it; nothing was overwritten.

    Carries both texts: ``yours`` (not saved) and ``theirs`` (the saved version, with who and when).
    """

    def __init__(self, narrative: Narrative, yours: Text, theirs: NarrativeVersion | None) -> None:
        self.narrative = narrative
        self.yours = yours
        self.theirs = theirs
        self.current_version = narrative.version
        who = theirs.saved_by if theirs else None
        name = (who.get_full_name() or who.username) if who else "someone else"
        super().__init__(
            f"{name} saved this narrative after you started editing; your text was not saved."
        )


def _lock(narrative: Narrative) -> Narrative:
    """The narrative row, locked until the transaction ends, with what the rules read."""
    return (
        Narrative.objects.select_for_update(of=("self",))
        .select_related("section", "reporting_month")
        .get(pk=narrative.pk)
    )


def _check(verb: Verb, narrative: Narrative, user: Actor) -> None:
    reason = why_not(verb, narrative, user)
    if reason:
        raise WorkflowError(reason)


def _record(
    narrative: Narrative,
    actor: Actor,
    action: Action,
    from_status: str,
    comment: str = "",
    version: NarrativeVersion | None = None,
) -> Transition:
    transition = Transition.objects.create(
        narrative=narrative,
        action=action,
        from_status=from_status,
        to_status=narrative.status,
        by=user_of(actor),
        comment=comment,
        version=version,
        email_pending=action in NOTIFIED,
    )
    audit.record(
        actor,
        AUDIT_VERBS[action],
        narrative,
        from_status=from_status,
        to_status=narrative.status,
        version=version.number if version else None,
        comment=comment,
    )
    transitioned.send(sender=Transition, transition=transition)
    return transition


def _move(
    narrative: Narrative,
    user: Actor,
    action: Action,
    to_status: Status,
    comment: str = "",
    **fields: Any,
) -> Transition:
    """Set the status (and ``fields``) of a locked narrative and record the transition."""
    from_status = narrative.status
    narrative.status = to_status
    narrative.updated_by = user_of(user)
    for name, value in fields.items():
        setattr(narrative, name, value)
    narrative.save(update_fields=["status", "updated_by", "updated_at", *fields])
    return _record(narrative, user, action, from_status, comment, narrative.current_version())


def _done(original: Narrative, locked: Narrative) -> Narrative:
    # The caller's object shows the new state too, so a view can render it without re-reading.
    original.refresh_from_db()
    return locked


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"Give {what}.")
    return text


@transaction.atomic
def create_month_narratives(
    reporting_month: ReportingMonth, actor: Actor, carry_forward: bool = True
) -> list[Narrative]:
    """One narrative per section of the month's framework, authored by the section's managers.

    Sections that already have one are left alone, so running it again only adds new sections.
    With ``carry_forward``, a section whose narrative in the framework's previous reporting month
    was approved starts from that text, as a draft. ``actor`` is the performance officer who
    opened the month, or ``SYSTEM`` (``open_month`` on the command line).
    """
    refusal = why_not_open(actor)
    if refusal:
        raise WorkflowError(refusal)
    previous = (
        ReportingMonth.objects.filter(
            framework_id=reporting_month.framework_id, month__lt=reporting_month.month
        )
        .order_by("-month")
        .first()
    )
    approved: dict[int, Narrative] = {}
    source_label = previous.label if previous is not None else ""
    if previous is not None and carry_forward:
        approved = {
            n.section_id: n
            for n in Narrative.objects.filter(reporting_month=previous, status=Status.APPROVED)
        }
    existing = set(
        Narrative.objects.filter(reporting_month=reporting_month).values_list(
            "section_id", flat=True
        )
    )
    created = []
    for section in reporting_month.framework.ordered_sections().prefetch_related("managers"):
        if section.id in existing:
            continue
        narrative = Narrative.objects.create(
            reporting_month=reporting_month, section=section, updated_by=user_of(actor)
        )
        narrative.authors.set(section.managers.all())
        _record(narrative, actor, Action.CREATE, "")
        source = approved.get(section.id)
        if source is not None:
            version = NarrativeVersion.objects.create(
                narrative=narrative,
                number=1,
                changes=source.changes,
                data_notes=source.data_notes,
                commentaries=source.commentaries,
                saved_by=user_of(actor),
                carried_forward=True,
            )
            narrative.changes, narrative.data_notes = source.changes, source.data_notes
            narrative.commentaries = source.commentaries
            narrative.version, narrative.status = 1, Status.DRAFT
            narrative.save(
                update_fields=["changes", "data_notes", "commentaries", "version", "status"]
            )
            _record(
                narrative,
                actor,
                Action.CARRY_FORWARD,
                Status.NOT_STARTED,
                f"Started from the approved narrative of {source_label}.",
                version,
            )
        created.append(narrative)
    return created


@transaction.atomic
def save_text(
    narrative: Narrative,
    user: Actor,
    changes: str,
    data_notes: str,
    base_version: int,
    commentaries: Mapping[str, str] | None = None,
) -> Narrative:
    """Save a new version of the text, written from version ``base_version``.

    ``commentaries`` ({indicator reference: Performance Overview}) replaces the section's
    commentaries as a whole (a blank text removes one); ``None`` keeps them as they are, for pages
    that do not ask for them. Each reference must be an indicator of the section.

    Only the section's authors, only while not started, a draft or returned, never when locked.
    Raises ``StaleVersion`` (nothing saved) when someone saved since ``base_version``. The first
    save moves a narrative from not started to draft. Saving the same text again does nothing.
    """
    locked = _lock(narrative)
    _check(Verb.SAVE, locked, user)
    # The rules let only the section's authors save: a person, never the system.
    author = user_of(user)
    assert author is not None
    kept = locked.commentaries if commentaries is None else _commentaries(locked, commentaries)
    yours = Text(_clean(changes), _clean(data_notes), kept)
    if len(yours.changes) > MAX_TEXT or len(yours.data_notes) > MAX_TEXT:
        raise WorkflowError(f"Each text may be at most {MAX_TEXT:,} characters.")
    if base_version != locked.version:
        raise StaleVersion(locked, yours, locked.current_version())
    if yours == Text(locked.changes, locked.data_notes, locked.commentaries):
        return _done(narrative, locked)
    locked.version += 1
    version = NarrativeVersion.objects.create(
        narrative=locked,
        number=locked.version,
        changes=yours.changes,
        data_notes=yours.data_notes,
        commentaries=dict(yours.commentaries),
        saved_by=author,
    )
    locked.changes, locked.data_notes, locked.updated_by = yours.changes, yours.data_notes, author
    locked.commentaries = dict(yours.commentaries)
    started = locked.status == Status.NOT_STARTED
    if started:
        locked.status = Status.DRAFT
    locked.save(
        update_fields=[
            "changes",
            "data_notes",
            "commentaries",
            "version",
            "status",
            "updated_by",
            "updated_at",
        ]
    )
    # A manager added to the section after the month opened becomes an author by writing.
    locked.authors.add(author)
    if started:
        _record(locked, user, Action.START, Status.NOT_STARTED, version=version)
    # The indicators commented on, when there are any (a board framework's Performance Overviews).
    commented = {"commentaries": sorted(yours.commentaries)} if yours.commentaries else {}
    audit.record(user, "narrative.saved", locked, version=version.number, **commented)
    return _done(narrative, locked)


def _commentaries(narrative: Narrative, texts: Mapping[str, str]) -> dict[str, str]:
    """``texts`` cleaned, blanks dropped, checked against the section's indicators and the limit.

    In the section's indicator order, so a version's JSON reads in report order."""
    order = [
        indicator.reference
        for indicator in in_catalogue_order(narrative.section.indicators.select_related("parent"))
    ]
    unknown = sorted(set(texts) - set(order))
    if unknown:
        raise WorkflowError(
            f"Not an indicator of {narrative.section.title}: {', '.join(unknown)}."
            " Nothing was saved."
        )
    cleaned = {reference: _clean(texts.get(reference, "")) for reference in order}
    for reference, text in cleaned.items():
        if len(text) > MAX_TEXT:
            raise WorkflowError(
                f"The Performance Overview of {reference} may be at most {MAX_TEXT:,} characters;"
                " nothing was saved."
            )
    return {reference: text for reference, text in cleaned.items() if text}


def _clean(text: str) -> str:
    # Browsers post CRLF; versions and diffs compare text, not line endings.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def submit(narrative: Narrative, user: Actor) -> Narrative:
    """Send a draft or returned narrative, with text, to the approvers."""
    locked = _lock(narrative)
    _check(Verb.SUBMIT, locked, user)
    _move(locked, user, Action.SUBMIT, Status.SUBMITTED)
    return _done(narrative, locked)


@transaction.atomic
def save_and_submit(
    narrative: Narrative,
    user: Actor,
    changes: str,
    data_notes: str,
    base_version: int,
    commentaries: Mapping[str, str] | None = None,
) -> Narrative:
    """Submit what is in the author's editor: saved as a version first (when it differs from the
    saved text), then submitted. All or nothing: refused, nothing is saved or submitted, and the
    page gives the text back."""
    save_text(narrative, user, changes, data_notes, base_version, commentaries)
    return submit(narrative, user)


@transaction.atomic
def request_changes(narrative: Narrative, user: Actor, comment: str) -> Narrative:
    """Return a submitted narrative to its authors, saying what to change (required)."""
    locked = _lock(narrative)
    _check(Verb.REQUEST_CHANGES, locked, user)
    comment = _required(comment, "the changes you are asking for")
    _move(
        locked,
        user,
        Action.REQUEST_CHANGES,
        Status.CHANGES_REQUESTED,
        comment,
        reviewed_version=locked.current_version(),
    )
    return _done(narrative, locked)


@transaction.atomic
def approve(narrative: Narrative, user: Actor) -> Narrative:
    """Approve the submitted text: the narrative locks and records the version approved."""
    locked = _lock(narrative)
    _check(Verb.APPROVE, locked, user)
    _move(
        locked,
        user,
        Action.APPROVE,
        Status.APPROVED,
        locked=True,
        reviewed_version=locked.current_version(),
    )
    return _done(narrative, locked)


@transaction.atomic
def reopen(narrative: Narrative, user: Actor, reason: str) -> Narrative:
    """Unlock an approved narrative that is not yet issued, back to draft, saying why."""
    locked = _lock(narrative)
    _check(Verb.REOPEN, locked, user)
    reason = _required(reason, "the reason for reopening")
    _move(locked, user, Action.REOPEN, Status.DRAFT, reason, locked=False)
    return _done(narrative, locked)


@transaction.atomic
def lock_for_issue(reporting_month: ReportingMonth, actor: Actor) -> int:
    """Mark every narrative of the month issued (for good); returns how many were newly issued.

    Called by the report issue. Refuses, changing nothing, unless every narrative is approved.
    """
    refusal = why_not_lock_for_issue(actor)
    if refusal:
        raise WorkflowError(refusal)
    narratives = list(
        Narrative.objects.select_for_update(of=("self",))
        .select_related("section")
        .filter(reporting_month=reporting_month)
        .order_by("section__code")
    )
    waiting = [n.section.title for n in narratives if n.status != Status.APPROVED]
    if waiting:
        raise WorkflowError(f"Not yet approved: {', '.join(waiting)}.")
    count = 0
    for narrative in narratives:
        if narrative.issued:
            continue
        narrative.issued = True
        narrative.save(update_fields=["issued", "updated_at"])
        current = narrative.current_version()
        _record(narrative, actor, Action.ISSUE, narrative.status, version=current)
        count += 1
    return count
