"""On the production stack: a real Celery worker, on the real Redis and PostgreSQL, sends the
submission email. Nothing is mocked: the test queues through the broker and reads the email the
worker wrote (file email backend)."""

from __future__ import annotations

from django.db import transaction

from narratives import services
from narratives.models import Status
from tests.cast import make_cast
from tests.narrative_world import APRIL, bring_to, make_world


def test_a_real_worker_sends_the_submission_email(celery_worker_process):
    world = make_world(make_cast())
    with transaction.atomic():
        month = world.open(APRIL)
    narrative = bring_to(world.narrative(month), Status.DRAFT, world, "Admissions rose in April.")
    with transaction.atomic():
        services.submit(narrative, world.hos)
    email = celery_worker_process.wait_for_email("submitted")
    assert "To: approver@example.gov.uk" in email
    assert "LOOKED AFTER CHILDREN" in email and "April 2020" in email
    # The month-opened email went to the author through the same worker.
    assert any("To: hos.lac@example.gov.uk" in e for e in celery_worker_process.emails())
