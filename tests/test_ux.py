"""Issue 13 without a browser: submitting saves first, all or nothing; the e-mails of a month's
last approval, a draft ready for sign-off and an issue, with their pending-flag sweep; home pages
that say why sign-off is not possible."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from narratives.models import Narrative, Status
from reports import pages as report_pages
from reports import services as report_services
from reports import tasks as report_tasks
from reports.models import Edition
from tests.editions import approve


def lac(month) -> Narrative:
    return Narrative.objects.get(reporting_month=month, section__code="LAC")


@pytest.mark.django_db
def test_submit_posts_the_box_saves_it_then_submits(client, sample_month, cast):
    narrative = lac(sample_month)
    client.force_login(cast.named("hos.lac"))
    url = reverse("narratives:save", args=[narrative.pk])
    text = "Edited in the box, never saved separately."
    response = client.post(
        url, {"changes": text, "data_notes": "", "base_version": 1, "and_submit": "1"}
    )
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert (narrative.status, narrative.version, narrative.changes) == (Status.SUBMITTED, 2, text)
    submitted = narrative.transitions.get(action="submit")
    assert submitted.version is not None
    assert submitted.version.number == 2 and submitted.version.changes == text


@pytest.mark.django_db
def test_a_refused_submit_saves_nothing_and_gives_the_text_back(client, sample_month, cast):
    narrative = lac(sample_month)
    before = (narrative.version, narrative.changes, narrative.status)
    client.force_login(cast.named("hos.lac"))
    response = client.post(
        reverse("narratives:save", args=[narrative.pk]),
        {"changes": "", "data_notes": "Only a data note.", "base_version": 1, "and_submit": "1"},
    )
    assert response.status_code == 400
    assert "Not submitted, and nothing saved" in response.content.decode()
    assert "Only a data note." in response.content.decode()
    narrative.refresh_from_db()
    assert (narrative.version, narrative.changes, narrative.status) == before
    assert narrative.versions.count() == 1


@pytest.mark.django_db
def test_a_post_too_large_to_read_is_answered_in_words(client, sample_month, settings, cast):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    narrative = lac(sample_month)
    client.force_login(cast.named("hos.lac"))
    text = "é" * 20_000
    response = client.post(  # as a browser posts a form
        reverse("narratives:save", args=[narrative.pk]),
        urlencode({"changes": text, "data_notes": "", "base_version": 1}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "Nothing was saved" in body and text in body
    narrative.refresh_from_db()
    assert narrative.version == 1
    # Anywhere else: the reason in words, not a bare "Bad Request".
    client.force_login(cast.named("officer"))
    response = client.post(reverse("indicators:months"), {"x": "y" * 20_000})
    assert response.status_code == 413 and "Nothing was saved" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_approval_sign_off_and_issue_emails_and_their_sweep(sample_month, settings, cast):
    settings.SITE_URL = "http://127.0.0.1:8000"
    month = sample_month
    officer, approver, panel = cast.named("officer"), cast.named("approver"), cast.named("panel")

    # A draft with narratives not yet approved: nobody is asked to sign it off.
    mail.outbox.clear()
    early = report_services.generate_draft(month, officer)
    early.refresh_from_db()
    assert early.is_ready and not early.email_pending
    assert not [m for m in mail.outbox if "For sign-off" in m.subject]
    progress = report_pages.month_progress(month)
    assert any("Not every narrative is approved" in r for r in progress.signoff_blockers)

    # Each approval but the last tells the authors only; the last also tells the officers.
    others = Narrative.objects.filter(reporting_month=month).exclude(section__code="LAC")
    for narrative in others:
        approve(narrative)
    assert not [m for m in mail.outbox if "every narrative approved" in m.subject]
    approve(lac(month))
    told = [m for m in mail.outbox if "every narrative approved" in m.subject]
    assert [m.to for m in told] == [[officer.email]]
    assert f"/reports/months/{month.pk}/" in told[0].body

    # The early draft cannot be signed off, and the home page says why.
    blockers = report_pages.month_progress(month).signoff_blockers
    assert blockers == [
        f"{early.label} was generated before every narrative was approved: the performance "
        "officer generates a new draft."
    ]

    # A draft with every narrative approved: the approvers are asked, once.
    mail.outbox.clear()
    draft = report_services.generate_draft(month, officer)
    draft.refresh_from_db()
    asked = [m for m in mail.outbox if "For sign-off" in m.subject]
    assert [m.to for m in asked] == [[approver.email]]
    assert f"http://127.0.0.1:8000/reports/editions/{draft.pk}/" in asked[0].body
    assert not draft.email_pending
    assert report_pages.drafts_awaiting_sign_off(approver, [month]) == [draft]

    # The sweep sends what a lost task never sent, once.
    Edition.objects.filter(pk=draft.pk).update(
        email_pending=True, built_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    mail.outbox.clear()
    assert report_tasks.send_pending_edition_emails() == 1
    assert report_tasks.send_pending_edition_emails() == 0
    assert [m.to for m in mail.outbox] == [[approver.email]]

    # The issue: the panel gets the link, never the PDF.
    report_services.sign_off(draft, approver)
    mail.outbox.clear()
    issued = report_services.issue_report(month, officer)
    issued.refresh_from_db()
    assert issued.is_ready
    to_panel = [m for m in mail.outbox if m.to == [panel.email]]
    assert len(to_panel) == 1 and not to_panel[0].attachments
    assert f"/reports/editions/{issued.pk}/read/" in to_panel[0].body
    assert not [m for m in mail.outbox if "For sign-off" in m.subject]
    progress = report_pages.month_progress(month)
    assert progress.complete and progress.next_action is None and not progress.signoff_blockers


@pytest.mark.django_db
def test_the_approver_is_told_why_a_draft_cannot_be_signed_off(client, sample_month, cast):
    draft = report_services.generate_draft(sample_month, cast.named("officer"), queue=False)
    client.force_login(cast.named("approver"))
    body = client.get(reverse("reports:month", args=[sample_month.pk])).content.decode()
    assert "No draft can be signed off yet" in body
    assert "Not every narrative is approved: ADOPTIONS (draft)" in body
    assert "Sign off Issue 1, Draft 1" not in body
    body = client.get(reverse("reports:edition", args=[draft.pk])).content.decode()
    assert "Not possible to sign off: Issue 1, Draft 1 is not built yet" in body
