"""When Redis is down: pages still answer, the change is committed, and the queued work (a report
build, a workflow e-mail) is done by the periodic sweep once the broker is back. The broker is a
real, unreachable address, not a mock."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from indicators.models import ReportingMonth
from narratives.models import Narrative, Status, Transition
from narratives.tasks import send_pending_emails
from reports import services
from reports.models import BuildStatus, Edition
from tests.editions import user


def _reset_pools(app) -> None:
    # Forget the connection pools so the next send connects to the broker now configured.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    from cpp.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    _reset_pools(app)
    yield
    app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
    _reset_pools(app)


def test_work_asked_for_while_the_broker_is_down_is_done_later(
    sample_month, client, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(user("officer"))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("reports:generate", args=[sample_month.pk]))
    assert response.status_code == 302 and len(queued) == 1
    edition = Edition.objects.get()
    assert edition.status == BuildStatus.QUEUED and edition.attempts == 0
    assert client.get(reverse("reports:edition", args=[edition.pk])).status_code == 200

    narrative = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    client.force_login(user("hos.lac"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("narratives:submit", args=[narrative.pk]))
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert narrative.status == Status.SUBMITTED
    submitted = Transition.objects.get(narrative=narrative, action="submit")
    assert submitted.email_pending and not mail.outbox

    # The broker is back: the sweeps (celery beat) queue what was left waiting.
    from cpp.celery import app

    app.conf.update(task_always_eager=True)
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert services.requeue_waiting_builds(now=later) == [edition.pk]
    edition.refresh_from_db()
    assert edition.status == BuildStatus.READY and edition.attempts == 1
    # The month-opened e-mails (the sample opened April inside this test's transaction, which
    # never commits) are swept too, one per author, and the submission's to the approver.
    assert send_pending_emails(older_than_seconds=-60) == len(mail.outbox)
    assert [user("approver").email] in [m.to for m in mail.outbox]
    submitted.refresh_from_db()
    assert not submitted.email_pending
    assert send_pending_emails(older_than_seconds=-60) == 0
    assert services.requeue_waiting_builds(now=later) == []


def test_a_build_whose_worker_died_is_queued_again_and_built_once(sample_month):
    edition = services.generate_draft(sample_month, user("officer"), queue=False)
    # A worker claimed it eleven minutes ago and was killed.
    Edition.objects.filter(pk=edition.pk).update(
        status=BuildStatus.BUILDING,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=11),
    )
    assert services.requeue_waiting_builds() == [edition.pk]
    edition.refresh_from_db()
    assert edition.status == BuildStatus.READY and edition.attempts == 2
    fresh = services.generate_draft(sample_month, user("officer"), queue=False)
    Edition.objects.filter(pk=fresh.pk).update(
        status=BuildStatus.BUILDING, attempts=1, claimed_at=timezone.now()
    )
    assert services.requeue_waiting_builds() == []


def test_the_month_opened_email_waits_for_the_broker(
    sample, client, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(user("officer"))
    fields = {
        "framework": sample.pk,
        "month": "2020-04",
        "figures_due": "2020-05-08",
        "narratives_due": "2020-05-15",
        "signoff_due": "2020-05-22",
        "panel_date": "2020-06-01",
        "open": "Open the month",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:months"), fields)
    assert response.status_code == 302
    month = ReportingMonth.objects.get(framework__name="Corporate Parenting")
    assert month.email_pending and not mail.outbox

    from cpp.celery import app

    app.conf.update(task_always_eager=True)
    sent = send_pending_emails(older_than_seconds=-60)
    assert sent == len(mail.outbox) > 0
    assert any(m.to == [user("hos.lac").email] for m in mail.outbox)
    month.refresh_from_db()
    assert not month.email_pending
    assert send_pending_emails(older_than_seconds=-60) == 0
