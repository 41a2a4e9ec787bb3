"""E-mails of the narrative workflow: who gets what, only after commit, and the daily reminders."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from accounts.roles import Role
from cpp.celery import app as celery_app
from narratives import services, tasks
from narratives.models import Status
from tests.cast import Cast, person
from tests.narrative_world import APRIL, World, bring_to, make_world

PAGE = "http://127.0.0.1:8000/narratives/"


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    # Tasks run in-process here even when the environment names a broker.
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def world(cast: Cast, settings) -> World:
    settings.SITE_URL = "http://127.0.0.1:8000"
    return make_world(cast)


@pytest.fixture
def april(world):
    return world.open(APRIL)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_opening_a_month_emails_each_author_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        month = world.open(APRIL)
    assert recipients() == ["hos.fostering@example.gov.uk", "hos.lac@example.gov.uk"]
    lac = next(m for m in mail.outbox if m.to == ["hos.lac@example.gov.uk"])
    narrative = world.narrative(month)
    assert "April 2020" in lac.subject
    for expected in (
        "Section: LOOKED AFTER CHILDREN",
        "Month: April 2020 (Corporate Parenting)",
        "Status: Not started",
        "Due: 15/05/2020 (narratives due)",
        f"Page: {PAGE}{narrative.pk}/",
    ):
        assert expected in lac.body
    assert "FOSTERING" not in lac.body
    assert lac.from_email == settings.DEFAULT_FROM_EMAIL


def test_a_month_that_fails_to_open_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            world.open(APRIL)
            raise Rollback
    assert callbacks == [] and mail.outbox == []


def test_submit_emails_the_approvers(world, april, django_capture_on_commit_callbacks):
    person("approver.two", Role.APPROVER)
    person("approver.noemail", Role.APPROVER, email="")
    narrative = bring_to(world.narrative(april), Status.DRAFT, world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(narrative, world.hos)
    assert recipients() == ["approver.two@example.gov.uk", "approver@example.gov.uk"]
    message = mail.outbox[0]
    assert message.subject.endswith("For approval: LOOKED AFTER CHILDREN, April 2020")
    assert f"{world.hos.get_full_name()} submitted this narrative" in message.body
    assert "Status: Submitted" in message.body and "Due: 22/05/2020 (sign-off due)" in message.body
    assert f"{PAGE}{narrative.pk}/" in message.body


def test_a_return_emails_the_authors_with_the_comment(
    world, april, django_capture_on_commit_callbacks
):
    narrative = bring_to(world.narrative(april), Status.SUBMITTED, world)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(narrative, world.cast.approver, "Explain the <rise> & fall.")
    assert recipients() == ["hos.lac@example.gov.uk"]
    (message,) = mail.outbox
    assert "Changes requested: LOOKED AFTER CHILDREN, April 2020" in message.subject
    assert "Explain the <rise> & fall." in message.body  # plain text: nothing to escape
    assert "Status: Changes requested" in message.body


def test_approval_and_reopening_email_the_authors(world, april, django_capture_on_commit_callbacks):
    narrative = bring_to(world.narrative(april), Status.SUBMITTED, world)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(narrative, world.cast.approver)
    (approved,) = mail.outbox
    assert approved.to == ["hos.lac@example.gov.uk"] and "Approved:" in approved.subject
    assert "Status: Approved" in approved.body
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen(narrative, world.cast.officer, "March was restated.")
    reopened = mail.outbox[1]
    assert "Reopened:" in reopened.subject and "March was restated." in reopened.body


def test_saving_text_sends_nothing(world, april, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bring_to(world.narrative(april), Status.DRAFT, world)
    assert mail.outbox == []


def test_a_rolled_back_transition_sends_nothing(world, april, django_capture_on_commit_callbacks):
    narrative = bring_to(world.narrative(april), Status.DRAFT, world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            services.submit(narrative, world.hos)
            raise Rollback
    narrative.refresh_from_db()
    assert narrative.status == Status.DRAFT
    assert callbacks == [] and mail.outbox == []


def test_a_refused_transition_sends_nothing(world, april, django_capture_on_commit_callbacks):
    narrative = bring_to(world.narrative(april), Status.DRAFT, world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.WorkflowError):
            services.submit(narrative, world.other_hos)
    assert callbacks == [] and mail.outbox == []


def test_the_task_of_a_vanished_transition_sends_nothing(db):
    assert tasks.send_transition_email.delay(999999).get() == 0
    assert tasks.send_month_opened_email.delay(999999).get() == 0
    assert mail.outbox == []


# Reminders: April's narratives are due 15/05/2020, sign-off 22/05/2020, panel 01/06/2020.


def reminders(day: str) -> dict[str, list[str]]:
    mail.outbox.clear()
    tasks.send_reminders.delay(day)
    return {
        address: [str(m.subject) for m in mail.outbox if address in m.to]
        for address in recipients()
    }


@pytest.fixture
def cycle(world, april):
    """LAC submitted, FOSTERING still a draft."""
    bring_to(world.narrative(april), Status.SUBMITTED, world)
    bring_to(world.narrative(april, world.fostering), Status.DRAFT, world)
    return april


def test_no_reminders_while_nothing_is_near_due(cycle):
    assert reminders("2020-05-12") == {}


def test_authors_are_reminded_two_days_before_narratives_are_due(cycle):
    sent = reminders("2020-05-13")
    assert sent == {
        "hos.fostering@example.gov.uk": ["[Corporate Parenting] Reminder: narratives to submit"]
    }
    (message,) = mail.outbox
    for expected in ("Section: FOSTERING", "Month: April 2020", "Status: Draft", "Due: 15/05/2020"):
        assert expected in message.body
    assert PAGE in message.body


def test_late_narratives_are_listed_to_officers(cycle):
    sent = reminders("2020-05-16")
    assert set(sent) == {"hos.fostering@example.gov.uk", "officer@example.gov.uk"}
    officer = next(m for m in mail.outbox if m.to == ["officer@example.gov.uk"])
    assert "Overdue narratives: 1" in officer.subject
    assert "Section: FOSTERING" in officer.body
    assert "not submitted; narratives were due 15/05/2020" in officer.body
    assert "LOOKED AFTER CHILDREN" not in officer.body  # submitted on time, sign-off not yet due
    assert f"April 2020: http://127.0.0.1:8000/months/{cycle.pk}/narratives/" in officer.body


def test_approvers_are_reminded_before_sign_off_and_officers_after(cycle):
    sent = reminders("2020-05-20")
    assert "approver@example.gov.uk" in sent
    approver = next(m for m in mail.outbox if m.to == ["approver@example.gov.uk"])
    assert "Reminder: narratives to approve" in approver.subject
    assert "Section: LOOKED AFTER CHILDREN" in approver.body and "Due: 22/05/2020" in approver.body
    sent = reminders("2020-05-23")
    officer = next(m for m in mail.outbox if m.to == ["officer@example.gov.uk"])
    assert "Overdue narratives: 2" in officer.subject
    assert "not approved; sign-off was due 22/05/2020" in officer.body


def test_nothing_is_reminded_once_approved_or_after_the_panel(world, cycle):
    assert reminders("2020-06-02") == {}
    services.approve(world.narrative(cycle), world.cast.approver)
    sent = reminders("2020-05-20")
    assert "approver@example.gov.uk" not in sent


def test_the_reminders_run_daily_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["narrative-reminders"]
    assert entry["task"] == "narratives.tasks.send_reminders"
    assert entry["schedule"].hour == {7}
    assert tasks.send_reminders.name == "narratives.tasks.send_reminders"
