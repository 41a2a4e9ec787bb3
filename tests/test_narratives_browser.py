"""In the browser: a head of service writes and submits; the approver returns it with a comment;
the head of service sees the comment, edits and resubmits; the approver sees the change and
approves; the text is locked."""

from __future__ import annotations

import pytest
from django.core import mail

from narratives.models import Narrative, Status
from tests.browser import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Please say how many children returned home."
ADDED = "Seven children returned home to their families in April."


def test_write_return_resubmit_and_approve_in_the_browser(
    browser_page, sample_month, approver, head_of_service
):
    page = browser_page
    narrative = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    url = page.base_url + f"/narratives/{narrative.pk}/"

    # The head of service finds their section's draft from the dashboard and submits it.
    sign_in(page, head_of_service("LAC"))
    page.click("text=Narratives")
    page.wait_for_selector("#narratives")
    screenshot(page, "narratives-1-dashboard-hos")
    page.click("a[aria-label='Open the narrative of LOOKED AFTER CHILDREN']")
    page.fill(
        "#id_changes", page.input_value("#id_changes") + "\n\n- **604** children looked after"
    )
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved (version 2)")
    assert page.locator("#narrative-changes li strong").first.inner_text() == "604"
    page.click("text=Submit for approval")
    page.wait_for_selector("text=Submitted for approval")
    screenshot(page, "narratives-2-submitted")
    page.click("text=Sign out")

    # The approver returns it with a comment.
    sign_in(page, approver)
    page.goto(url)
    page.fill("#id_comment", COMMENT)
    page.click("input[value='Return with changes requested']")
    page.wait_for_selector("text=Returned to the authors")
    page.click("text=Sign out")

    # The head of service sees the comment, edits and resubmits.
    sign_in(page, head_of_service("LAC"))
    page.goto(url)
    assert COMMENT in page.locator("#timeline").inner_text()
    assert page.locator("#status").inner_text() == "Changes requested"
    screenshot(page, "narratives-3-returned")
    page.fill("#id_changes", page.input_value("#id_changes") + "\n\n" + ADDED)
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved (version 3)")
    page.click("text=Submit for approval")
    page.wait_for_selector("text=Submitted for approval")
    page.click("text=Sign out")

    # The approver sees what changed since the version they returned, and approves.
    sign_in(page, approver)
    page.goto(url)
    inserted = " ".join(page.locator(".narrative-diff ins").all_inner_texts())
    assert "returned" in inserted and "families" in inserted
    screenshot(page, "narratives-4-approver-sees-change")
    page.click("text=Approve version 3")
    page.wait_for_selector("text=Approved. The narrative is locked")
    screenshot(page, "narratives-5-approved")
    narrative.refresh_from_db()
    assert narrative.status == Status.APPROVED and narrative.locked
    assert ADDED in narrative.changes
    assert any(COMMENT in m.body for m in mail.outbox)
    page.click("text=Sign out")

    # Locked: the head of service can no longer edit.
    sign_in(page, head_of_service("LAC"))
    page.goto(url)
    assert page.locator("#id_changes").count() == 0
    assert page.locator("text=Submit for approval").count() == 0
