"""The e-mails of report editions: a draft awaiting sign-off (approvers) and an issue
published (the panel, with the link; the PDF is never attached: it is private and may be large).

Built from the database like the narrative e-mails (``narratives.notifications``), whose message
form and delivery these reuse; queued after commit and swept by ``tasks``.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse

from accounts.roles import Role
from narratives.notifications import addressed, site_url, users_with_role

from . import rules
from .models import Edition


def edition_messages(edition: Edition) -> list[EmailMessage]:
    """Who hears that ``edition`` is ready: the panel of an issue; the approvers of a draft
    they can sign off (every narrative in it approved). Nobody else, and nothing for a draft
    that cannot be signed off."""
    month = edition.month.strftime("%B %Y")
    title = edition.snapshot.get("title", "Corporate Parenting performance report")
    if edition.is_issued:
        link = site_url(reverse("reports:read", args=[edition.pk]))
        body = (
            f"The {title} for {month} ({edition.label}) has been issued to the panel.\n\n"
            f"Read it online or download it (sign in first):\n{link}\n\n"
            "The report is not attached to this e-mail."
        )
        return [
            addressed(member, f"{month} report issued", body)
            for member in users_with_role(Role.PANEL_MEMBER)
        ]
    if rules.unapproved_sections(edition.snapshot):
        return []
    link = site_url(reverse("reports:edition", args=[edition.pk]))
    due = edition.reporting_month.signoff_due
    body = (
        f"{edition.label} of the {title} for {month} is ready, with every narrative approved. "
        f"Please read it and sign it off{f' by {due:%d/%m/%Y}' if due else ''}:\n\n{link}"
    )
    return [
        addressed(approver, f"For sign-off: {month} report, {edition.label}", body)
        for approver in users_with_role(Role.APPROVER)
    ]
