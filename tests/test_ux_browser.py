"""Issue 13 in the browser: nothing typed is lost, each role's home page is its work list, the
confirmation pages, the e-mails of sign-off, approval and issue, and pages that fit a phone and
a laptop without sideways scrolling. Screenshots of every home page go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.core import mail

from indicators.importing.uploads import confirm_upload, receive_upload
from narratives import services as narrative_services
from narratives.models import Narrative, Status
from reports import services as report_services
from reports import snapshot
from reports.models import Edition
from tests.browser import screenshot, sign_in
from tests.editions import approve, approve_all
from tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, LAPTOP = {"width": 375, "height": 800}, {"width": 1366, "height": 768}
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"
EDIT = "Twelve children returned home in April, edited and submitted without saving first."
COMMENT = "Please add how many children returned home."


def sign_out(page) -> None:
    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/**")


def lac(month) -> Narrative:
    return Narrative.objects.get(reporting_month=month, section__code="LAC")


def test_submitting_an_unsaved_edit_keeps_it(browser_page, sample_month, cast):
    page = browser_page
    narrative = lac(sample_month)
    sign_in(page, cast.named("hos.lac"))
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    # The limit is shown beside the box; the browser does not cut a long paste short.
    assert "50,000 characters" in page.locator("#id_changes-count").inner_text()
    assert page.get_attribute("#id_changes", "maxlength") is None
    page.fill("#id_changes", EDIT)
    page.click("input[value='Submit for approval']")  # no "Save draft" first
    page.wait_for_selector("text=Submitted for approval")
    narrative.refresh_from_db()
    assert narrative.status == Status.SUBMITTED
    assert narrative.changes == EDIT
    current = narrative.current_version()
    assert narrative.version == 2 and current is not None and current.changes == EDIT
    # The approvers were told, and they review the text that was in the box.
    assert any(EDIT[:20] in m.body or "For approval" in m.subject for m in mail.outbox)
    assert EDIT in page.locator("#narrative-changes").inner_text()


def test_leaving_with_unsaved_text_asks_first(browser_page, sample_month, cast):
    page = browser_page
    narrative = lac(sample_month)
    sign_in(page, cast.named("hos.lac"))
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    page.click("#id_changes")
    page.keyboard.press("Control+End")
    page.keyboard.type(" More text.")
    dialogs = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(1000)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/narratives/{narrative.pk}/")
    assert page.input_value("#id_changes").endswith("More text.")


def test_an_over_long_post_comes_back_with_the_text(browser_page, sample_month, settings, cast):
    page = browser_page
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000  # a 7 MB post, in miniature
    narrative = lac(sample_month)
    sign_in(page, cast.named("hos.lac"))
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    text = "Looked after children. " * 6000  # 138,000 characters
    page.fill("#id_changes", text)
    assert "too long" in page.locator("#id_changes-count").inner_text()
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Nothing was saved")
    assert page.input_value("#id_changes") == text.strip("\n").replace("\r\n", "\n")
    assert "at most 50,000 characters" in page.locator("main").inner_text()
    screenshot(page, "ux-over-long-post")
    narrative.refresh_from_db()
    assert narrative.version == 1 and text not in narrative.changes
    # Under the server's limit but over the box's: the form says so beside the box.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000_000
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Nothing was saved")
    assert "at most 50000 characters" in page.locator(
        "#id_changes + .char-count ~ *, .invalid-feedback"
    ).first.inner_text().replace(",", "")
    assert page.input_value("#id_changes").startswith("Looked after children.")


def test_the_return_comment_is_at_the_top(browser_page, sample_month, cast):
    page = browser_page
    narrative = narrative_services.submit(lac(sample_month), cast.named("hos.lac"))
    narrative_services.request_changes(narrative, cast.named("approver"), COMMENT)
    sign_in(page, cast.named("hos.lac"))
    page.goto(page.base_url + f"/narratives/{narrative.pk}/")
    box = page.locator("#return-comment")
    assert COMMENT in box.inner_text() and "Alex Morgan" in box.inner_text()
    assert box.bounding_box()["y"] < 400, "the comment is in view without scrolling"


def test_every_role_s_home_is_its_work_list(browser_page, sample_month, cast):
    page = browser_page
    month = sample_month
    narrative = narrative_services.submit(lac(month), cast.named("hos.lac"))
    narrative_services.request_changes(narrative, cast.named("approver"), COMMENT)
    fostering = Narrative.objects.get(reporting_month=month, section__code="FOSTERING")
    narrative_services.submit(fostering, cast.named("hos.fostering"))

    # Head of service: their section, its status, due date and the return comment.
    sign_in(page, cast.named("hos.lac"))
    row = page.locator("#my-narratives tbody tr").first
    text = row.inner_text()
    assert "LOOKED AFTER CHILDREN" in text and "Changes requested" in text
    assert "15/05/2020" in text and COMMENT in text
    screenshot(page, "home-head-of-service")
    row.locator("text=Answer the comments").click()
    page.wait_for_selector("#return-comment")
    sign_out(page)

    # Approver: the narrative waiting (with its age), and why sign-off is not yet possible.
    sign_in(page, cast.named("approver"))
    waiting = page.locator("#to-review").inner_text()
    assert "FOSTERING" in waiting and "LOOKED AFTER CHILDREN," not in waiting
    blockers = page.locator(".signoff-blockers").inner_text()
    assert "Not every narrative is approved" in blockers and "No draft of Issue 1" in blockers
    screenshot(page, "home-approver-reviews")
    page.click("text=Review the oldest: FOSTERING")
    page.wait_for_selector("text=Approve version")
    sign_out(page)

    # Officer: the checklist, and the next action is to get the narratives approved.
    sign_in(page, cast.named("officer"))
    checklist = page.locator(".checklist").inner_text()
    assert "Figures in for every indicator due" in checklist
    lac_author = cast.named("hos.lac").get_full_name()
    assert f"LOOKED AFTER CHILDREN (changes requested; {lac_author})" in checklist
    assert page.locator(".next-action").inner_text() == "Next: See the narratives still waiting"
    screenshot(page, "home-officer-narratives-waiting")
    sign_out(page)

    # Every narrative approved and a draft generated: the approver's next step is sign-off.
    approve_all(month)
    draft = report_services.generate_draft(month, cast.named("officer"))
    draft.refresh_from_db()
    assert draft.is_ready, draft.error
    sign_in(page, cast.named("approver"))
    assert "Issue 1, Draft 1" in page.locator("#to-sign").inner_text()
    screenshot(page, "home-approver-signs-off")
    page.click("a[aria-label='Sign off April 2020, Issue 1, Draft 1']")
    page.click("text=Sign off Issue 1, Draft 1")
    page.wait_for_selector("text=You signed off Issue 1, Draft 1")
    sign_out(page)

    sign_in(page, cast.named("officer"))
    assert page.locator(".next-action").inner_text() == "Next: Issue to the panel"
    screenshot(page, "home-officer-ready-to-issue")
    sign_out(page)

    # The panel, before anything is issued: nothing, and no build words.
    sign_in(page, cast.named("panel"))
    assert page.locator("#nothing-issued").count() == 1
    screenshot(page, "home-panel-nothing-issued")


def _issue(month, cast) -> Edition:
    draft = report_services.generate_draft(month, cast.named("officer"))
    draft.refresh_from_db()
    report_services.sign_off(draft, cast.named("approver"))
    issued = report_services.issue_report(month, cast.named("officer"))
    issued.refresh_from_db()
    assert issued.is_ready, issued.error
    return issued


def test_issue_confirmation_emails_and_the_panel_home(browser_page, sample_month, tmp_path, cast):
    page = browser_page
    month = sample_month
    for narrative in Narrative.objects.filter(reporting_month=month).exclude(section__code="LAC"):
        approve(narrative)
    mail.outbox.clear()
    approve(lac(month))
    # The last approval tells the officers that the draft can be generated.
    officer_mail = [m for m in mail.outbox if "every narrative approved" in m.subject]
    assert [m.to for m in officer_mail] == [[cast.named("officer").email]]
    mail.outbox.clear()
    draft = report_services.generate_draft(month, cast.named("officer"))
    # A ready draft with every narrative approved: the approvers are asked to sign it off.
    signoff_mail = [
        m for m in mail.outbox if m.subject.startswith("[Corporate Parenting] For sign-off")
    ]
    assert [m.to for m in signoff_mail] == [[cast.named("approver").email]]
    assert f"/reports/editions/{draft.pk}/" in signoff_mail[0].body
    report_services.sign_off(draft, cast.named("approver"))

    # The officer sees what issuing will do before it is done.
    sign_in(page, cast.named("officer"))
    page.goto(page.base_url + f"/reports/months/{month.pk}/")
    page.click("text=Issue to the panel…")
    what = page.locator("#issue-what").inner_text()
    assert "Issue 1" in what and "Issue 1, Draft 1" in what
    assert "1 panel member" in what and "locked for good" in what
    assert page.locator("#issue-blockers").count() == 0
    screenshot(page, "ux-issue-confirmation")
    assert not Edition.objects.filter(draft__isnull=True).exists(), "nothing issued by looking"
    mail.outbox.clear()
    page.click("text=Issue to the panel now")
    page.wait_for_selector("text=Issue 1 is issued to the panel")
    issued = Edition.objects.get(draft__isnull=True)
    panel_mail = [m for m in mail.outbox if m.to == [cast.named("panel").email]]
    assert len(panel_mail) == 1
    assert "report issued" in panel_mail[0].subject
    assert f"/reports/editions/{issued.pk}/read/" in panel_mail[0].body
    assert not panel_mail[0].attachments, "the PDF is never attached"
    sign_out(page)

    # A correction: a green or amber indicator's April figure re-run to its worst, a new draft
    # signed off and Issue 2 issued.
    lines = [
        line for group in snapshot.current(issued.snapshot)["summary"] for line in group["lines"]
    ]
    before = {line["reference"]: line["rag"] for line in lines}
    line = next(
        line for line in lines if line["rag"] in ("G", "A") and line["polarity"] in ("High", "Low")
    )
    reference = line["reference"]
    worst = "0" if line["polarity"] == "High" else "100"
    worst += "%" if line["data_note"] == "Percentage" else ""
    upload = receive_upload(
        "figures",
        "rerun.csv",
        csv_bytes([["indicator", "month", "value"], [reference, "2020-04", worst]]),
        cast.named("officer"),
    )
    assert confirm_upload(
        upload.pk, upload.checksum, upload.fingerprint, cast.named("officer")
    ).done
    second = _issue(month, cast)
    after = {
        line["reference"]: line["rag"]
        for group in snapshot.current(second.snapshot)["summary"]
        for line in group["lines"]
    }
    assert after[reference] != before[reference], (reference, worst, after[reference])

    sign_in(page, cast.named("panel"))
    assert "Issue 2" in page.locator("#latest-issue").inner_text()
    table = page.locator("#rag-changes").inner_text()
    assert reference in table and line["title"] in table
    assert len(page.locator("#rag-changes tbody tr").all()) == sum(
        1 for ref in after if after[ref] != before.get(ref)
    )
    if after[reference] == "R":
        assert reference in page.locator("#new-reds").inner_text()
    assert "Issue 1" in page.locator("#issued-reports").inner_text()
    screenshot(page, "home-panel")
    # The panel's edition page speaks of issue and approval, not builds or checksums.
    page.goto(page.base_url + f"/reports/editions/{second.pk}/")
    words = page.locator("main").inner_text()
    for internal in ("Build", "SHA-256", "Signed off (draft)", "Ready", "Queued"):
        assert internal not in words, internal


def test_pages_fit_a_phone_and_a_laptop(browser_page, sample_month, cast):
    page = browser_page
    month = sample_month
    framework = month.framework
    narrative = lac(month)
    long_word = "x" * 600
    narrative_services.save_text(
        narrative,
        cast.named("hos.lac"),
        narrative.changes + "\n\n" + long_word,
        "",
        narrative.version,
    )
    draft = report_services.generate_draft(month, cast.named("officer"))
    sign_in(page, cast.named("officer"))
    pages = {
        "summary": f"/frameworks/{framework.pk}/2020-04/summary/",
        "section": f"/frameworks/{framework.pk}/2020-04/sections/LAC/",
        "narrative": f"/narratives/{narrative.pk}/",
        "home-officer": "/",
        "dashboard": f"/months/{month.pk}/narratives/",
        "indicator": "/indicators/6.8/",
        "quality": f"/frameworks/{framework.pk}/2020-04/quality/",
        "uploads": "/uploads/",
        "months": "/months/",
        "reports": "/reports/",
        "report-month": f"/reports/months/{month.pk}/",
        "read": f"/reports/editions/{draft.pk}/read/",
        "edition": f"/reports/editions/{draft.pk}/",
        "audit": "/audit/",
    }
    too_wide = []
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(page.base_url + path)
            page.wait_for_load_state("load")
            overflow = page.evaluate(SIDEWAYS)
            if overflow > 0:
                too_wide.append(f"{name} at {size['width']} px: {overflow} px too wide")
            screenshot(page, f"ux-fit-{name}-{size['width']}")
    # The other roles' homes, and the narrative page as its author sees it (with the editor).
    for username, paths in (
        ("hos.lac", {"home-hos": "/", "narrative-hos": pages["narrative"]}),
        ("approver", {"home-approver": "/"}),
        ("panel", {"home-panel": "/"}),
    ):
        sign_out(page)
        sign_in(page, cast.named(username))
        for size in (PHONE, LAPTOP):
            page.set_viewport_size(size)
            for name, path in paths.items():
                page.goto(page.base_url + path)
                page.wait_for_load_state("load")
                overflow = page.evaluate(SIDEWAYS)
                if overflow > 0:
                    too_wide.append(f"{name} at {size['width']} px: {overflow} px too wide")
    assert not too_wide, "\n".join(too_wide)
    sign_out(page)
    sign_in(page, cast.named("officer"))
    # Every wide table scrolls in its own box, which a keyboard can reach and which has a name.
    page.goto(page.base_url + pages["section"])
    boxes = page.locator(".table-scroll")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        assert boxes.nth(i).get_attribute("tabindex") == "0"
        assert boxes.nth(i).get_attribute("aria-label")
    # Indicators are the rows and months the columns.
    headers = page.locator(".section-table thead th").all_inner_texts()
    assert headers[0] == "Indicator" and "Apr-20" in headers
    assert "6.1" in page.locator(".section-table tbody tr").first.inner_text()
