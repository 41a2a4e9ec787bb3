"""In the browser, the Kirklees board cycle: a head of service writes the Performance Overview of
an indicator and the section's narrative on one page and submits them; the approver approves; the
performance officer builds the draft board report, which prints both."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from indicators.models import ReportingMonth
from narratives.models import Narrative, Status
from reports.models import Edition
from tests.browser import screenshot, sign_in
from tests.test_accessibility import Checker

pytestmark = pytest.mark.django_db(transaction=True)

OVERVIEW = "Entries held at **17** in June; the weekly Legal Gateway Panel reviews each one."
ADDED = "The At Risk of Care Panel starts in September."


def test_overview_and_narrative_written_approved_and_built(browser_page):
    call_command("load_sample_data", stdout=io.StringIO())
    page = browser_page
    month = ReportingMonth.objects.get(
        framework__name="Corporate Parenting Board", month=datetime.date(2017, 6, 1)
    )
    narrative = Narrative.objects.get(reporting_month=month, section__code="KB-ENTERING")
    url = page.base_url + f"/narratives/{narrative.pk}/"

    # The head of service writes an overview beside its figures and the narrative, and submits.
    sign_in(page, User.objects.get(username="board.linda.patterson"))
    page.goto(url)
    box = page.locator('[name="commentary:4.01.01"]')
    assert "The number of children entering care" in box.input_value()
    box.fill(OVERVIEW)
    page.fill("#id_changes", page.input_value("#id_changes") + "\n\n" + ADDED)
    screenshot(page, "board-1-hos-writes-overview")
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved (version")
    assert "17" in page.locator("#commentaries strong").first.inner_text()
    page.click("text=Submit for approval")
    page.wait_for_selector("text=Submitted for approval")
    page.click("text=Sign out")

    # The approver reads the overview beside the section's narrative and approves.
    sign_in(page, User.objects.get(username="approver"))
    page.goto(url)
    assert "Legal Gateway Panel reviews each one" in page.locator("#commentaries").inner_text()
    screenshot(page, "board-2-approver-reads-overviews")
    page.click("text=Approve version")
    page.wait_for_selector("text=Approved. The narrative is locked")
    page.click("text=Sign out")
    narrative.refresh_from_db()
    assert narrative.status == Status.APPROVED
    assert narrative.commentaries["4.01.01"] == OVERVIEW

    # The officer builds the draft board report: it prints the overview and the narrative.
    sign_in(page, User.objects.get(username="officer"))
    page.goto(page.base_url + f"/reports/months/{month.pk}/")
    page.click("text=Generate a draft")
    page.wait_for_selector("text=Download the report (PDF")
    screenshot(page, "board-3-officer-draft-ready")
    edition = Edition.objects.get(reporting_month=month)
    board = edition.snapshot["board"]
    part = next(p for p in board["sections"] if p["code"] == "KB-ENTERING")
    row = next(r for r in part["rows"] if r["reference"] == "4.01.01")
    assert row["overview"] == OVERVIEW
    assert ADDED in part["narrative"]["changes"] and part["narrative"]["approved"]
    page.goto(page.base_url + f"/reports/editions/{edition.pk}/read/")
    assert "the weekly Legal Gateway Panel reviews each one" in page.locator("main").inner_text()
    # The online version of the board report meets WCAG 2.2 AA, wide and narrow (axe-core).
    checker = Checker(page)
    checker.check("board-read")
    assert not checker.violations, checker.report()
    assert not checker.rag_problems, checker.rag_problems
