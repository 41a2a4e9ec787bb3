"""Section narratives, every saved version of their text, and every move through the workflow.

One ``Narrative`` per section per reporting month. Its text changes only through
``services.save_text`` (which keeps a ``NarrativeVersion``) and its status only through the verbs
of ``services`` (each writes a ``Transition``). The database enforces what it can: one narrative
per section and month, locked exactly when approved, issued only when locked, and a comment on
every return and reopen.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from indicators.models import ReportingMonth, Section


class Status(models.TextChoices):
    NOT_STARTED = "not started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes requested", "Changes requested"
    APPROVED = "approved", "Approved"


# Statuses in which the authors still owe the approvers a narrative.
AWAITING_AUTHORS = (Status.NOT_STARTED, Status.DRAFT, Status.CHANGES_REQUESTED)


class Narrative(models.Model):
    """A section's narrative for one reporting month: its current text and status."""

    reporting_month = models.ForeignKey(
        ReportingMonth, on_delete=models.CASCADE, related_name="narratives"
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="narratives")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    changes = models.TextField("significant changes / concerns", blank=True)
    data_notes = models.TextField("data notes", blank=True)
    # The Performance Overview of each indicator of the section (board reports), by indicator
    # reference; only indicators with text have a key. Saved with the section text, as one version.
    commentaries = models.JSONField(default=dict, blank=True)
    # Optimistic locking: the number of the latest NarrativeVersion (0 before any text).
    version = models.PositiveIntegerField(default=0)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_narratives"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked = models.BooleanField(default=False, help_text="approved or issued: no edits")
    issued = models.BooleanField(default=False, help_text="printed in an issued report")
    reviewed_version = models.ForeignKey(
        "NarrativeVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the version an approver last approved or returned",
    )

    class Meta:
        ordering = ["reporting_month", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_month", "section"], name="one_narrative_per_section_and_month"
            ),
            models.CheckConstraint(
                condition=Q(locked=True, status=Status.APPROVED)
                | (Q(locked=False) & ~Q(status=Status.APPROVED)),
                name="narrative_locked_exactly_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(issued=False) | Q(locked=True), name="narrative_issued_only_locked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section.code} {self.reporting_month.label}"

    @property
    def has_text(self) -> bool:
        return bool(self.changes.strip())

    def commentary(self, reference: str) -> str:
        """The Performance Overview of the indicator ``reference`` ("" when none)."""
        return str((self.commentaries or {}).get(reference, ""))

    @property
    def due_date(self) -> datetime.date | None:
        """The next date in the timetable this narrative is waiting for, if any."""
        if self.status in AWAITING_AUTHORS:
            return self.reporting_month.narratives_due
        if self.status == Status.SUBMITTED:
            return self.reporting_month.signoff_due
        return None

    def current_version(self) -> NarrativeVersion | None:
        if not self.version:
            return None
        return self.versions.filter(number=self.version).first()


class NarrativeVersion(models.Model):
    """One saved text of a narrative; never changed or deleted while the narrative lives."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    changes = models.TextField(blank=True)
    data_notes = models.TextField(blank=True)
    # The indicators' Performance Overviews as saved with this text: {reference: text}. A version
    # holds the whole set, so a version is the page as it was, and diffs compare like with like.
    commentaries = models.JSONField(default=dict, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    carried_forward = models.BooleanField(
        default=False, help_text="copied from the previous month's approved narrative"
    )

    class Meta:
        ordering = ["narrative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "number"], name="one_narrative_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.narrative} v{self.number}"


class Action(models.TextChoices):
    """What a Transition records; the verbs of ``services``."""

    CREATE = "create", "Created"
    CARRY_FORWARD = "carry_forward", "Carried forward"
    START = "start", "Started"
    SUBMIT = "submit", "Submitted"
    REQUEST_CHANGES = "request_changes", "Returned with changes requested"
    APPROVE = "approve", "Approved"
    REOPEN = "reopen", "Reopened"
    ISSUE = "issue", "Locked for issue"


# Actions that must say why: a return tells the authors what to change, a reopen why.
COMMENT_REQUIRED = (Action.REQUEST_CHANGES, Action.REOPEN)
# Transitions somebody is told about by e-mail (see notifications.transition_messages).
NOTIFIED = (Action.SUBMIT, Action.REQUEST_CHANGES, Action.APPROVE, Action.REOPEN)


class Transition(models.Model):
    """One move of a narrative through the workflow: history and the source of notifications."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    # The text the transition acted on: approval is tied to the version approved.
    version = models.ForeignKey(
        NarrativeVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set for a notified transition until its e-mail is sent: if the broker was down when the
    # transition committed, the periodic sweep (tasks.send_pending_emails) still sends it.
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["narrative", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=[a.value for a in COMMENT_REQUIRED]) | ~Q(comment=""),
                name="transition_comment_when_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.narrative}: {self.get_action_display()}"
