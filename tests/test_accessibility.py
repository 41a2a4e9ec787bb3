"""WCAG 2.2 AA in the browser: axe-core checks every page each role can reach.

axe-core comes bundled in axe-playwright-python (its ``axe.min.js``) and is injected with
``page.evaluate`` of the script text, which the app's Content-Security-Policy (script-src 'self')
does not block; nothing loads from the internet. One browser, one sign-in per role; every page is
checked, then all violations are reported together. RAG must never be colour alone: every
coloured RAG cell also shows its letter. A screenshot of each page goes to test-artifacts/.
"""

from __future__ import annotations

import pytest

from narratives import services as narrative_services
from narratives.models import Narrative
from reports import services as report_services
from tests.browser import screenshot, sign_in
from tests.editions import approve_all
from tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDE, NARROW = {"width": 1400, "height": 900}, {"width": 390, "height": 844}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# The visible text of each coloured RAG cell, leaving out what only screen readers get.
RAG_CELLS = """() => Array.from(document.querySelectorAll('.rag-R, .rag-A, .rag-G')).map(cell => {
  const letter = ['R', 'A', 'G'].find(l => cell.classList.contains('rag-' + l));
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('.visually-hidden').forEach(n => n.remove());
  return [letter, copy.textContent.trim(), cell.outerHTML.slice(0, 200)];
})"""


class Checker:
    """Runs axe on the current page, keeps its violations and checks the RAG cells."""

    def __init__(self, page) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe = Axe()
        self.violations: dict[str, list[dict]] = {}
        self.rag_problems: list[str] = []
        self.rag_cells = 0

    def visit(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(self.page.base_url + path)
        assert response is not None and response.status == status, (name, path, response)
        self.check(name)

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        assert self.page.locator("main h1").count() == 1, f"{name}: one h1 in main"
        results = self.run_axe(AXE_OPTIONS)
        if results["violations"]:
            self.violations[name] = results["violations"]
        # Again on a phone's width: the collapsed menu, and tables that scroll sideways.
        self.page.set_viewport_size(NARROW)
        results = self.run_axe(AXE_OPTIONS)
        if results["violations"]:
            self.violations[name + " (narrow)"] = results["violations"]
        self.page.set_viewport_size(WIDE)
        for letter, text, html in self.page.evaluate(RAG_CELLS):
            self.rag_cells += 1
            if text != letter:
                self.rag_problems.append(f"{name}: RAG cell without its letter {letter}: {html}")
        screenshot(self.page, f"a11y-{name}")

    def run_axe(self, options):
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe.axe_script)
        return self.page.evaluate("options => axe.run(document, options)", options)

    def report(self) -> str:
        lines = []
        for name, violations in self.violations.items():
            lines.append(f"== {name}")
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}]")
                for node in v["nodes"]:
                    why = "; ".join(c["message"] for c in node["any"] + node["all"] + node["none"])
                    lines.append(f"      {', '.join(str(t) for t in node['target'])}: {why}")
        return "\n".join(lines)


def upload_figures(page, path, row: list[str]) -> None:
    path.write_bytes(csv_bytes([["indicator", "month", "value"], row]))
    page.goto(page.base_url + "/uploads/")
    page.select_option("#id_kind", "figures")
    page.set_input_files("#id_file", str(path))
    page.click("input[name=preview]")


def sign_out(page) -> None:
    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/**")


def test_every_page_meets_wcag_22_aa(
    browser_page, sample_month, tmp_path, approver, head_of_service, officer, panel
):
    page = browser_page
    check = Checker(page)
    month = sample_month
    framework = month.framework
    month_path = f"/frameworks/{framework.pk}/2020-04"
    lac = Narrative.objects.get(reporting_month=month, section__code="LAC")

    # Anonymous: the sign-in page, with a wrong password, and the lockout after five of them.
    check.visit("login", "/accounts/login/")
    page.fill("#id_username", "hos.fostering")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    check.check("login-error")
    for _ in range(4):
        page.fill("#id_username", "hos.fostering")
        page.fill("#id_password", "wrong")
        page.click("button[type=submit]")
    assert "Sign-in paused" in page.locator("h1").inner_text()
    check.check("locked-out")
    check.visit("not-found-anonymous", "/no-such-page/", status=404)

    # Head of service: home, the dashboard and their section's narrative (a draft they edit).
    sign_in(page, head_of_service("LAC"))
    check.check("home-hos")
    check.visit("narratives-dashboard-hos", f"/months/{month.pk}/narratives/")
    check.visit("narrative-hos", f"/narratives/{lac.pk}/")
    sign_out(page)

    # Approver: the narrative once submitted (the review form and what changed).
    narrative_services.submit(lac, head_of_service("LAC"))
    sign_in(page, approver)
    check.check("home-approver")
    check.visit("narratives-dashboard-approver", f"/months/{month.pk}/narratives/")
    check.visit("narrative-approver", f"/narratives/{lac.pk}/")
    assert page.locator("#id_comment").count() == 1, "the approver's review form is checked"
    sign_out(page)

    # Performance officer: every page of the performance, upload and report cycle.
    draft = report_services.generate_draft(month, officer)
    draft.refresh_from_db()
    assert draft.is_ready, draft.error
    sign_in(page, officer)
    check.check("home-officer")
    page.goto(page.base_url + "/performance/")
    page.wait_for_url(f"**{month_path}/summary/")
    check.check("summary")
    check.visit("summary-filtered", f"{month_path}/summary/?rag=R&exceptions=on")
    check.visit("section", f"{month_path}/sections/LAC/")
    check.visit("indicator", "/indicators/6.8/")
    check.visit("quality", f"{month_path}/quality/")
    check.visit("months", "/months/")
    check.visit("uploads", "/uploads/")
    upload_figures(page, tmp_path / "bad.csv", ["6.8", "2020-04", "105%"])
    page.wait_for_selector("#errors")
    check.check("upload-errors")
    upload_figures(page, tmp_path / "april.csv", ["6.1", "2020-04", "605"])
    page.wait_for_selector("#preview-summary")
    check.check("upload-preview")
    page.click("text=Confirm and apply")
    page.wait_for_selector("#revisions")
    check.check("upload-applied")
    page.click("text=Revert this upload")
    page.wait_for_selector("#revert-what")
    check.check("upload-revert-confirm")
    check.visit("summary-restated", f"{month_path}/summary/")
    assert page.locator("td .restated").count() == 1, "the re-run April figure is marked"
    check.visit("reports", "/reports/")
    check.visit("report-month", f"/reports/months/{month.pk}/")
    check.visit("edition-draft", f"/reports/editions/{draft.pk}/")
    check.visit("read-draft", f"/reports/editions/{draft.pk}/read/")
    check.visit("paper", f"/reports/months/{month.pk}/paper/")
    check.visit("issue-confirm", f"/reports/months/{month.pk}/issue/")
    check.visit("audit", "/audit/")
    check.visit("not-found", "/uploads/999999/", status=404)
    sign_out(page)

    # Panel member: nothing before issue (403 elsewhere); then the issued report.
    sign_in(page, panel)
    check.check("home-panel-nothing-issued")
    check.visit("forbidden", "/performance/", status=403)
    approve_all(month)
    signed = report_services.generate_draft(month, officer)
    signed.refresh_from_db()
    report_services.sign_off(signed, approver)
    issued = report_services.issue_report(month, officer)
    issued.refresh_from_db()
    assert issued.is_ready, issued.error
    check.visit("home-panel", "/")
    assert page.locator("#latest-issue").count() == 1
    check.visit("reports-panel", "/reports/")
    check.visit("edition-issued", f"/reports/editions/{issued.pk}/")
    check.visit("read-issued", f"/reports/editions/{issued.pk}/read/")

    assert check.rag_cells > 0, "no RAG cell was seen"
    assert not check.rag_problems, "\n".join(check.rag_problems)
    assert not check.violations, "axe found WCAG 2.2 AA violations:\n" + check.report()
