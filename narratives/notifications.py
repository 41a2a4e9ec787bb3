"""The e-mails of the narrative workflow, built from the database and sent in one connection.

Called by the thin tasks of ``tasks``; nothing here is queued or decides when to send. Bodies are
plain text naming the section, month, status, due date and the page to open. Each person gets
their own message, so nobody sees who else received it, and each is sent on its own: one that
cannot be sent (a bad address) is logged and reported, and the others still go.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.people import name_of
from accounts.roles import Role
from indicators.models import ReportingMonth

from .models import AWAITING_AUTHORS, Action, Narrative, Status, Transition

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Corporate Parenting] "
# Reminders start this many days before a due date and repeat daily until it is met.
REMIND_DAYS_BEFORE = 2


def site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def narrative_url(narrative: Narrative) -> str:
    return site_url(reverse("narratives:narrative", args=[narrative.pk]))


def dashboard_url(reporting_month: ReportingMonth) -> str:
    return site_url(reverse("narratives:dashboard", args=[reporting_month.pk]))


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _name(user: Any) -> str:
    return name_of(user, nobody="The system")


def users_with_role(role: Role) -> QuerySet:
    """Active users holding ``role`` who have an e-mail address (superusers act as officers)."""
    holds = Q(groups__name=role.value)
    if role == Role.PERFORMANCE_OFFICER:
        holds |= Q(is_superuser=True)
    return (
        get_user_model()
        .objects.filter(holds, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def reachable(users: Iterable[Any]) -> list[Any]:
    return [user for user in users if user.is_active and user.email]


def describe(narrative: Narrative) -> str:
    """The lines every e-mail gives for a narrative."""
    due = narrative.due_date
    month = narrative.reporting_month
    which = "narratives due" if narrative.status in AWAITING_AUTHORS else "sign-off due"
    return "\n".join(
        [
            f"Section: {narrative.section.title}",
            f"Month: {month.label} ({month.framework.name})",
            f"Status: {narrative.get_status_display()}",
            f"Due: {_date(due)} ({which})" if due else "Due: —",
            f"Page: {narrative_url(narrative)}",
        ]
    )


def one_line(text: str) -> str:
    """A header value on one line: a line break would end the header (titles are validated,
    but an e-mail must never depend on that)."""
    return " ".join(text.split())


def addressed(user: Any, subject: str, body: str) -> EmailMessage:
    greeting = f"Dear {_name(user)},\n\n"
    footer = "\n\n-- \nCorporate Parenting performance report (automatic message)"
    return EmailMessage(
        one_line(SUBJECT_PREFIX + subject), greeting + body + footer, to=[user.email]
    )


@dataclass
class Delivery:
    """What ``send`` did: how many e-mails went, and each that did not, with why."""

    sent: int = 0
    failed: list[tuple[EmailMessage, Exception]] = field(default_factory=list)

    @property
    def server_down(self) -> bool:
        """Nothing went and every failure was the mail server's (worth trying again later),
        not a message's own (a bad address stays bad)."""
        return not self.sent and all(isinstance(error, OSError) for _, error in self.failed)


def send(messages: list[EmailMessage]) -> Delivery:
    """Send each of ``messages`` on its own over one connection; one that fails is logged and
    listed in the result, and never stops the others."""
    delivery = Delivery()
    if not messages:
        return delivery
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:
        log.warning("Could not connect to send %d e-mail(s): %s", len(messages), error)
        delivery.failed = [(message, error) for message in messages]
        return delivery
    try:
        for message in messages:
            try:
                delivery.sent += connection.send_messages([message]) or 0
            except Exception as error:  # any one e-mail's failure must not stop the rest
                log.warning("E-mail %r to %s not sent: %s", message.subject, message.to, error)
                delivery.failed.append((message, error))
    finally:
        connection.close()
    return delivery


def month_opened_messages(reporting_month: ReportingMonth) -> list[EmailMessage]:
    """To each author: their narratives of a newly opened month and when they are due."""
    narratives = (
        Narrative.objects.filter(reporting_month=reporting_month)
        .select_related("section", "reporting_month__framework")
        .prefetch_related("authors")
        .order_by("section__code")
    )
    by_author: dict[Any, list[Narrative]] = defaultdict(list)
    for narrative in narratives:
        for author in reachable(narrative.authors.all()):
            by_author[author].append(narrative)
    return [
        addressed(
            author,
            f"{reporting_month.label}: your narrative is open",
            f"{reporting_month.label} is open for {reporting_month.framework.name}. Please write "
            f"the narrative of each section below by {_date(reporting_month.narratives_due)} "
            "and submit it for approval.\n\n" + "\n\n".join(describe(n) for n in own),
        )
        for author, own in sorted(by_author.items(), key=lambda item: item[0].username)
    ]


def transition_messages(transition: Transition) -> list[EmailMessage]:
    """Who hears of a transition: approvers of a submission, authors of a return, approval or
    reopening (with the comment). Other transitions send nothing."""
    narrative = transition.narrative
    title = f"{narrative.section.title}, {narrative.reporting_month.label}"
    by = _name(transition.by)
    authors = reachable(narrative.authors.order_by("username"))
    if transition.action == Action.SUBMIT:
        recipients = [u for u in users_with_role(Role.APPROVER) if u not in authors]
        subject = f"For approval: {title}"
        lead = (
            f"{by} submitted this narrative for approval. Please approve it or return it with "
            f"comments by {_date(narrative.reporting_month.signoff_due)}."
        )
    elif transition.action == Action.REQUEST_CHANGES:
        recipients, subject = authors, f"Changes requested: {title}"
        lead = f"{by} returned this narrative with changes requested:\n\n{transition.comment}"
    elif transition.action == Action.APPROVE:
        recipients, subject = authors, f"Approved: {title}"
        lead = f"{by} approved this narrative. It is now locked for the report."
    elif transition.action == Action.REOPEN:
        recipients, subject = authors, f"Reopened: {title}"
        lead = f"{by} reopened this narrative for changes:\n\n{transition.comment}"
    else:
        return []
    body = f"{lead}\n\n{describe(narrative)}"
    messages = [addressed(user, subject, body) for user in recipients]
    if transition.action == Action.APPROVE:
        messages += all_approved_messages(narrative.reporting_month)
    return messages


def all_approved_messages(reporting_month: ReportingMonth) -> list[EmailMessage]:
    """To every performance officer, once the month's last narrative is approved: the draft can
    now be generated for sign-off. Nothing while any narrative is still waiting."""
    narratives = Narrative.objects.filter(reporting_month=reporting_month)
    if not narratives.exists() or narratives.exclude(status=Status.APPROVED).exists():
        return []
    month = reporting_month.label
    reports = site_url(reverse("reports:month", args=[reporting_month.pk]))
    body = (
        f"Every narrative of {month} ({reporting_month.framework.name}) is now approved. "
        f"Generate a draft of the report for an approver to sign off:\n\n{reports}\n\n"
        f"Sign-off is due {_date(reporting_month.signoff_due)}; the panel meets "
        f"{_date(reporting_month.panel_date)}."
    )
    return [
        addressed(officer, f"{month}: every narrative approved", body)
        for officer in users_with_role(Role.PERFORMANCE_OFFICER)
    ]


def reminder_messages(today: datetime.date) -> list[EmailMessage]:
    """The day's reminders for every month not past its panel date.

    Authors of narratives not yet submitted, once the narratives are due within
    ``REMIND_DAYS_BEFORE`` days or late; approvers of submitted narratives, once sign-off is due
    within that or late; and every performance officer, a list of what is overdue.
    """
    soon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    narratives = (
        Narrative.objects.filter(reporting_month__panel_date__gte=today)
        .exclude(status=Status.APPROVED)
        .select_related("section", "reporting_month__framework")
        .prefetch_related("authors")
        .order_by("reporting_month__month", "section__code")
    )
    to_authors: dict[Any, list[Narrative]] = defaultdict(list)
    to_review: list[Narrative] = []
    overdue: list[tuple[Narrative, str]] = []
    for narrative in narratives:
        month = narrative.reporting_month
        if narrative.status in AWAITING_AUTHORS and month.narratives_due <= soon:
            for author in reachable(narrative.authors.all()):
                to_authors[author].append(narrative)
        if narrative.status == Status.SUBMITTED and month.signoff_due <= soon:
            to_review.append(narrative)
        if month.signoff_due < today:
            due = _date(month.signoff_due)
            overdue.append((narrative, f"not approved; sign-off was due {due}"))
        elif narrative.status in AWAITING_AUTHORS and month.narratives_due < today:
            due = _date(month.narratives_due)
            overdue.append((narrative, f"not submitted; narratives were due {due}"))
    messages = [
        addressed(
            author,
            "Reminder: narratives to submit",
            "These narratives are due soon or late and have not been submitted yet:\n\n"
            + "\n\n".join(describe(n) for n in own),
        )
        for author, own in sorted(to_authors.items(), key=lambda item: item[0].username)
    ]
    if to_review:
        for approver in users_with_role(Role.APPROVER):
            own = [n for n in to_review if approver not in n.authors.all()]
            if own:
                messages.append(
                    addressed(
                        approver,
                        "Reminder: narratives to approve",
                        "These narratives are waiting for approval and sign-off is due soon or "
                        "late:\n\n" + "\n\n".join(describe(n) for n in own),
                    )
                )
    if overdue:
        lines = "\n\n".join(f"{describe(n)}\nOverdue: {why}" for n, why in overdue)
        months = sorted({n.reporting_month for n, _ in overdue}, key=lambda m: m.month)
        links = "\n".join(f"{m.label}: {dashboard_url(m)}" for m in months)
        for officer in users_with_role(Role.PERFORMANCE_OFFICER):
            messages.append(
                addressed(
                    officer,
                    f"Overdue narratives: {len(overdue)}",
                    f"{len(overdue)} narrative(s) are overdue as at {_date(today)}:\n\n{lines}"
                    f"\n\nMonth dashboards:\n{links}",
                )
            )
    return messages
