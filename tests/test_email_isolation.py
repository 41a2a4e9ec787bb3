"""One bad e-mail never blocks the others: each is sent on its own, a failure is recorded in the
audit log, and the sweep goes on with every other pending e-mail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from audit.models import Event
from cpp.celery import app as celery_app
from narratives import notifications, services, tasks
from narratives.models import Status, Transition
from tests.cast import Cast
from tests.narrative_world import APRIL, World, bring_to, make_world

BAD_ADDRESS = "hos.lac@example.gov.uk\nBcc: everyone@example.org"


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def world(cast: Cast) -> World:
    return make_world(cast)


@pytest.fixture
def pending(world):
    """April opened and the FOSTERING narrative submitted, their e-mails still pending (as when
    the broker was down), and the LAC author's address one that breaks a header."""
    april = world.open(APRIL)
    bring_to(world.narrative(april, world.fostering), Status.SUBMITTED, world)
    get_user_model().objects.filter(pk=world.hos.pk).update(email=BAD_ADDRESS)
    assert april.__class__.objects.filter(email_pending=True).count() == 1
    assert Transition.objects.filter(email_pending=True).count() == 1
    return april


def test_the_sweep_sends_every_other_email_and_records_the_bad_one(pending):
    sent = tasks.send_pending_emails(older_than_seconds=-60)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # The month's e-mail to FOSTERING's author, and the submission's to the approver.
    assert recipients == ["approver@example.gov.uk", "hos.fostering@example.gov.uk"]
    assert sent == 2
    failed = Event.objects.get(verb="email.failed")
    assert (failed.actor_name, failed.target_type, failed.target_id) == (
        "system",
        "indicators.reportingmonth",
        str(pending.pk),
    )
    assert failed.details["to"] == BAD_ADDRESS
    assert failed.details["subject"] == "[Corporate Parenting] April 2020: your narrative is open"
    assert failed.details["error"].startswith("BadHeaderError")
    # A bad address stays bad: it is recorded, not tried again at every sweep.
    pending.refresh_from_db()
    assert not pending.email_pending
    assert tasks.send_pending_emails(older_than_seconds=-60) == 0


def test_a_row_that_cannot_be_sent_at_all_does_not_stop_the_sweep(pending, monkeypatch):
    def broken(month):
        raise RuntimeError("a bug in one e-mail's text")

    monkeypatch.setattr(notifications, "month_opened_messages", broken)
    assert tasks.send_pending_emails(older_than_seconds=-60) == 1
    assert [message.to for message in mail.outbox] == [["approver@example.gov.uk"]]


def test_a_mail_server_that_cannot_be_reached_leaves_the_emails_pending(pending, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assert tasks.send_pending_emails(older_than_seconds=-60) == 0
    pending.refresh_from_db()
    assert pending.email_pending
    assert Transition.objects.filter(email_pending=True).count() == 1
    assert Event.objects.filter(verb="email.failed").count() == 3  # each e-mail tried
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_pending_emails(older_than_seconds=-60) == 2


def test_send_reports_each_failure_and_sends_the_rest(world):
    good = notifications.addressed(world.cast.approver, "Subject", "Body")
    bad = notifications.addressed(world.hos, "Subject", "Body")
    bad.to = [BAD_ADDRESS]
    delivery = notifications.send([bad, good, bad])
    assert delivery.sent == 1 and len(delivery.failed) == 2
    assert not delivery.server_down
    assert [m.to for m in mail.outbox] == [["approver@example.gov.uk"]]


def test_a_subject_is_always_one_line(world):
    message = notifications.addressed(world.cast.approver, "LOOKED AFTER\nCHILDREN\r\n", "x")
    assert message.subject == "[Corporate Parenting] LOOKED AFTER CHILDREN"
    assert notifications.send([message]).sent == 1


def test_the_daily_reminders_go_on_past_a_bad_address(world):
    april = world.open(APRIL)
    services.save_text(world.narrative(april), world.hos, "Text.", "", 0)
    get_user_model().objects.filter(pk=world.hos.pk).update(email=BAD_ADDRESS)
    sent = tasks.send_reminders("2020-05-14")
    assert sent == len(mail.outbox) >= 1
    assert "hos.fostering@example.gov.uk" in [a for m in mail.outbox for a in m.to]
    assert Event.objects.filter(verb="email.failed", details__to=BAD_ADDRESS).count() == 1
