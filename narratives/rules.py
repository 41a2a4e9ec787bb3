"""Who may do what to a narrative, and when: one table of rules for services and views.

A head of service writes and submits only the narratives of their own sections; an approver
approves or returns submitted narratives but never edits, and never reviews one they wrote,
whatever roles they hold now; a performance officer reopens an approved narrative until it is
issued; panel members never see narratives at all. The month's verbs (creating its narratives,
locking them for issue) are a performance officer's or the system's. ``why_not`` answers in words
the person who tried can act on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from accounts.access import STAFF_ROLES, has_role, roles_of
from accounts.actors import SYSTEM, Actor
from accounts.roles import Role

from .models import Narrative, Status


class Verb(StrEnum):
    """The actions a person can take on a narrative (Wagtail's ``get_actions``)."""

    SAVE = "save"
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    REOPEN = "reopen"


EDITABLE = (Status.NOT_STARTED, Status.DRAFT, Status.CHANGES_REQUESTED)
SUBMITTABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)


def may_view(user: Any) -> bool:
    """Staff see narratives at every stage; panel members only ever see the issued report."""
    return bool(roles_of(user) & set(STAFF_ROLES))


def is_author(narrative: Narrative, user: Any) -> bool:
    """A head of service named as an author, or responsible for the section now."""
    if Role.HEAD_OF_SERVICE not in roles_of(user):
        return False
    return (
        narrative.authors.filter(pk=user.pk).exists()
        or narrative.section.managers.filter(pk=user.pk).exists()
    )


def wrote(narrative: Narrative, user: Any) -> bool:
    """Whether ``user`` is, or was, an author of ``narrative``: named as one, responsible for the
    section, or the person who saved any of its versions (a version carried forward from last
    month is the approved text of then, not theirs). Roles do not matter: removing someone's
    head of service role does not let them approve what they wrote."""
    if not getattr(user, "pk", None):
        return False
    return (
        narrative.authors.filter(pk=user.pk).exists()
        or narrative.section.managers.filter(pk=user.pk).exists()
        or narrative.versions.filter(saved_by=user, carried_forward=False).exists()
    )


def refusals(narrative: Narrative, user: Any) -> dict[Verb, str | None]:
    """For every verb, why ``user`` may not take it now (None when they may)."""
    roles = roles_of(user)
    author = is_author(narrative, user)
    own_text = wrote(narrative, user)
    status = narrative.get_status_display().lower()
    section = narrative.section.title
    if not may_view(user):
        nobody = "Your role does not give access to narratives."
        return dict.fromkeys(Verb, nobody)

    def writing(states: tuple[Status, ...], verb: str) -> str | None:
        if not author:
            if Role.APPROVER in roles:
                return "Approvers approve or return narratives; they never edit them."
            return f"Only the heads of service responsible for {section} write its narrative."
        if narrative.issued:
            return "This narrative has been issued to the panel and can no longer change."
        if narrative.locked:
            return "This narrative is approved and locked; a performance officer can reopen it."
        if narrative.status not in states:
            return f"The narrative is {status}; it cannot be {verb} now."
        return None

    def reviewing(verb: str) -> str | None:
        if Role.APPROVER not in roles:
            return "Only approvers approve or return narratives."
        if own_text:
            return "You are an author of this narrative; another approver must review it."
        if narrative.status != Status.SUBMITTED:
            return f"The narrative is {status}; only a submitted narrative can be {verb}."
        return None

    submit = writing(SUBMITTABLE, "submitted")
    if submit is None and not narrative.has_text:
        submit = "Write the significant changes / concerns before submitting."
    if Role.PERFORMANCE_OFFICER not in roles:
        reopen: str | None = "Only a performance officer can reopen a narrative."
    elif narrative.issued:
        reopen = "This narrative has been issued to the panel; a correction is a new issue."
    elif narrative.status != Status.APPROVED:
        reopen = f"The narrative is {status}; only an approved narrative can be reopened."
    else:
        reopen = None
    return {
        Verb.SAVE: writing(EDITABLE, "edited"),
        Verb.SUBMIT: submit,
        Verb.REQUEST_CHANGES: reviewing("returned"),
        Verb.APPROVE: reviewing("approved"),
        Verb.REOPEN: reopen,
    }


def why_not(verb: Verb | str, narrative: Narrative, user: Any) -> str | None:
    """Why ``user`` may not take ``verb`` on ``narrative`` now, or None when they may."""
    return refusals(narrative, user)[Verb(verb)]


def actions_for(narrative: Narrative, user: Any) -> list[str]:
    """The verbs ``user`` may take on ``narrative`` now; views offer these and refuse the rest."""
    return [verb.value for verb, reason in refusals(narrative, user).items() if reason is None]


def why_not_open(actor: Actor) -> str | None:
    """Why ``actor`` may not create a month's narratives (None when they may)."""
    if actor is SYSTEM or has_role(actor, Role.PERFORMANCE_OFFICER):
        return None
    return "Only a performance officer opens a month's narratives."


def why_not_lock_for_issue(actor: Actor) -> str | None:
    """Why ``actor`` may not lock a month's narratives for issue (None when they may)."""
    if has_role(actor, Role.PERFORMANCE_OFFICER):
        return None
    if actor is SYSTEM:
        return "A report is issued by a performance officer, never by the system."
    return "Only a performance officer issues a report."
