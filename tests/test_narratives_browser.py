"""A head of service writes and submits in a real browser; an approver approves."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from indicators.models import Framework
from indicators.services import open_month
from narratives.models import Narrative, Status
from tests.browser import screenshot, sign_in
from tests.narrative_world import APRIL, sample_narratives, timetable


@pytest.fixture
def opened(transactional_db):
    call_command("load_sample_data", stdout=io.StringIO())
    framework = Framework.objects.get(name="Corporate Parenting")
    officer = get_user_model().objects.get(username="officer")
    return open_month(framework, APRIL, timetable(APRIL), officer)


def test_write_submit_and_approve_in_the_browser(browser_page, opened):
    page = browser_page
    narrative = Narrative.objects.get(reporting_month=opened, section__code="LAC")
    changes, notes = sample_narratives()["LAC"]
    sign_in(page, "hos.lac")
    page.click("text=Narratives")
    page.wait_for_selector("#narratives")
    screenshot(page, "narratives-dashboard-hos")
    page.click("a[aria-label='Open the narrative of LOOKED AFTER CHILDREN']")
    page.fill("#id_changes", changes + "\n\n- **604** children looked after\n- <script>x</script>")
    page.fill("#id_data_notes", notes)
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved (version 1)")
    assert page.locator("#narrative-changes li strong").first.inner_text() == "604"
    assert page.locator("#narrative-changes script").count() == 0
    page.click("text=Submit for approval")
    page.wait_for_selector("text=Submitted for approval")
    screenshot(page, "narrative-submitted-hos")
    page.click("text=Sign out")

    sign_in(page, "approver")
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    screenshot(page, "narrative-approver")
    page.click("text=Approve version 1")
    page.wait_for_selector("text=Approved. The narrative is locked")
    narrative.refresh_from_db()
    assert narrative.status == Status.APPROVED and narrative.locked
    assert any("For approval" in m.subject for m in mail.outbox)
    assert any("Approved:" in m.subject for m in mail.outbox)
