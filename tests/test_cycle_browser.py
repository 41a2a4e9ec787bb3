"""The whole monthly cycle in the browser, as its people live it (issue 6):

the performance officer opens April 2020 and uploads its figures with a re-run of March; two heads
of service write and submit; the approver returns one with a comment and approves it after the
resubmission; the officer generates a draft, the approver signs it off, the officer issues; a
panel member sees only the issued report and downloads it. Screenshots of each step are saved.

The seven other sections' narratives are written and approved through the same services the
pages call (the browser steps above are the two sections followed end to end).
"""

from __future__ import annotations

import hashlib

import pytest

from indicators.models import Figure, ReportingMonth
from narratives import services as narrative_services
from narratives.models import Narrative, Status
from reports.models import Edition
from tests.browser import screenshot, sign_in
from tests.editions import approve
from tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Please give the number of children who returned home."


def sign_out(page) -> None:
    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/**")


def write_and_submit(page, narrative: Narrative, text: str, shot: str) -> None:
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    page.fill("#id_changes", text)
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved (version")
    page.click("text=Submit for approval")
    page.wait_for_selector("text=Submitted for approval")
    screenshot(page, shot)


def test_the_monthly_cycle_from_opening_to_the_panel(browser_page, sample, tmp_path):
    page = browser_page

    # 1. The performance officer opens April 2020 and uploads figures, re-running March.
    sign_in(page, "officer")
    page.goto(page.base_url + "/months/")
    page.select_option("#id_framework", label="Corporate Parenting")
    page.fill("#id_month", "2020-04")
    page.fill("#id_figures_due", "2020-05-08")
    page.fill("#id_narratives_due", "2020-05-15")
    page.fill("#id_signoff_due", "2020-05-22")
    page.fill("#id_panel_date", "2020-06-01")
    page.click("input[value='Open the month']")
    page.wait_for_selector("text=April 2020 is open for Corporate Parenting")
    screenshot(page, "cycle-01-officer-opens-april")
    month = ReportingMonth.objects.get(framework__name="Corporate Parenting")
    figures = tmp_path / "april-2020.csv"
    figures.write_bytes(
        csv_bytes(
            [
                ["indicator", "month", "value"],
                ["6.1", "2020-03", "596"],  # the re-run of March
                ["6.1", "2020-04", "604"],
                ["6.3", "2020-04", "19"],
            ]
        )
    )
    page.goto(page.base_url + "/uploads/")
    page.select_option("#id_kind", "figures")
    page.set_input_files("#id_file", str(figures))
    page.click("input[name=preview]")
    assert "1 changed" in page.locator("#preview-summary").inner_text()
    screenshot(page, "cycle-02-officer-previews-rerun")
    page.click("text=Confirm and apply")
    page.wait_for_selector("text=Applied")
    assert Figure.objects.get(indicator__reference="6.1", month="2020-03-01").display == "596"
    sign_out(page)

    # The other seven sections' narratives, written and approved through the services.
    lac = Narrative.objects.get(reporting_month=month, section__code="LAC")
    fostering = Narrative.objects.get(reporting_month=month, section__code="FOSTERING")
    for narrative in Narrative.objects.filter(reporting_month=month).exclude(
        pk__in=[lac.pk, fostering.pk]
    ):
        author = narrative.section.managers.first()
        narrative_services.save_text(
            narrative, author, f"{narrative.section.title}: stable.", "", 0
        )
        approve(narrative)

    # 2. Two heads of service write and submit.
    sign_in(page, "hos.lac")
    write_and_submit(page, lac, "The number of LAC rose to 604 in April.", "cycle-03-hos-lac")
    sign_out(page)
    sign_in(page, "hos.fostering")
    write_and_submit(
        page, fostering, "Three foster carers were recruited in April.", "cycle-04-hos-fostering"
    )
    sign_out(page)

    # 3. The approver returns one with a comment, and approves the other.
    sign_in(page, "approver")
    page.goto(page.base_url + f"/narratives/{lac.pk}/")
    page.fill("#id_comment", COMMENT)
    page.click("input[value='Return with changes requested']")
    page.wait_for_selector("text=Returned to the authors")
    screenshot(page, "cycle-05-approver-returns-lac")
    page.goto(page.base_url + f"/narratives/{fostering.pk}/")
    page.click("text=Approve version")
    page.wait_for_selector("text=Approved. The narrative is locked")
    sign_out(page)

    # The head of service reads the comment, adds what was asked and resubmits.
    sign_in(page, "hos.lac")
    page.goto(page.base_url + f"/narratives/{lac.pk}/")
    assert COMMENT in page.locator("#timeline").inner_text()
    write_and_submit(
        page,
        lac,
        "The number of LAC rose to 604 in April. Twelve children returned home.",
        "cycle-06-hos-lac-resubmits",
    )
    sign_out(page)
    sign_in(page, "approver")
    page.goto(page.base_url + f"/narratives/{lac.pk}/")
    page.click("text=Approve version")
    page.wait_for_selector("text=Approved. The narrative is locked")
    screenshot(page, "cycle-07-approver-approves-lac")
    sign_out(page)
    assert not Narrative.objects.filter(reporting_month=month).exclude(status=Status.APPROVED)

    # 4. The officer generates a draft; the approver signs it off; the officer issues.
    sign_in(page, "officer")
    page.goto(page.base_url + f"/reports/months/{month.pk}/")
    page.click("text=Generate a draft")
    page.wait_for_selector("text=Download the report (PDF")
    screenshot(page, "cycle-08-officer-draft-ready")
    sign_out(page)
    sign_in(page, "approver")
    page.goto(page.base_url + f"/reports/months/{month.pk}/")
    page.click("text=Sign off Issue 1, Draft 1")
    page.wait_for_selector("text=You signed off Issue 1, Draft 1")
    screenshot(page, "cycle-09-approver-signs-off")
    sign_out(page)
    sign_in(page, "officer")
    page.goto(page.base_url + f"/reports/months/{month.pk}/")
    page.click("text=Issue to the panel")
    page.wait_for_selector("text=Issue 1 is issued to the panel")
    page.wait_for_selector("text=Download the report (PDF")
    screenshot(page, "cycle-10-officer-issues")
    issued = Edition.objects.get(draft__isnull=True)
    sign_out(page)

    # 5. A panel member sees only the issued report and downloads it.
    sign_in(page, "panel")
    home = page.locator("#issued-reports").inner_text()
    assert "Issue 1" in home and "Draft" not in home
    page.click("nav >> text=Reports")
    page.wait_for_selector("#issued")
    assert "Draft" not in page.locator("main").inner_text()
    screenshot(page, "cycle-11-panel-sees-the-issue")
    with page.expect_download() as download:
        page.click(f"a[href='/reports/editions/{issued.pk}/report.pdf']")
    path = tmp_path / "issued.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == issued.pdf_sha256
    draft = Edition.objects.get(draft=1)
    response = page.goto(page.base_url + f"/reports/editions/{draft.pk}/")
    assert response.status == 404
    screenshot(page, "cycle-12-panel-cannot-see-the-draft")
