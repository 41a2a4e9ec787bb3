"""On the production stack: the web page queues a report build, a real Celery worker on the real
Redis and PostgreSQL builds it, the page shows it ready, and the PDF downloads. Nothing is mocked.
"""

from __future__ import annotations

import io
import time

from django.core.management import call_command
from django.urls import reverse

from indicators.models import ReportingMonth
from reports.models import BuildStatus, Edition
from tests.editions import user


def test_a_real_worker_builds_the_draft_the_page_asked_for(celery_worker_process, client):
    call_command("load_sample_data", stdout=io.StringIO())
    month = ReportingMonth.objects.get(framework__name="Corporate Parenting")
    client.force_login(user("officer"))
    response = client.post(reverse("reports:generate", args=[month.pk]))
    edition = Edition.objects.get()
    assert response.url == reverse("reports:edition", args=[edition.pk])
    page = client.get(response.url).content.decode()
    assert "Issue 1, Draft 1" in page and reverse("reports:status", args=[edition.pk]) in page
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = client.get(reverse("reports:status", args=[edition.pk])).json()
        if status["status"] in (BuildStatus.READY, BuildStatus.FAILED):
            break
        time.sleep(0.3)
    assert status.get("status") == BuildStatus.READY, (
        status,
        celery_worker_process.log.read_text()[-3000:],
    )
    page = client.get(reverse("reports:edition", args=[edition.pk])).content.decode()
    assert "Ready" in page and "Download the report (PDF" in page
    download = client.get(reverse("reports:report_pdf", args=[edition.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    edition.refresh_from_db()
    assert edition.attempts == 1 and edition.pages > 1
    assert "Task reports.tasks.build_edition" in celery_worker_process.log.read_text()
