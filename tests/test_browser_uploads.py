"""In the browser, as a performance officer: a bad file changes nothing; a good one previews,
confirms and shows on the summary; revert restores the old figures."""

from __future__ import annotations

import pytest

from indicators.models import Figure, FigureRevision
from tests.browser import screenshot, sign_in
from tests.helpers import csv_bytes, database_state

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["indicator", "month", "value", "numerator", "denominator"]


def upload(page, tmp_path, name: str, rows: list[list[str]]) -> None:
    path = tmp_path / name
    path.write_bytes(csv_bytes([HEADER, *rows]))
    page.goto(page.base_url + "/uploads/")
    page.select_option("#id_kind", "figures")
    page.set_input_files("#id_file", str(path))
    page.click("input[name=preview]")


def april(reference: str) -> str:
    return Figure.objects.get(indicator__reference=reference, month="2020-04-01").display


def test_upload_preview_confirm_summary_and_revert(browser_page, sample, tmp_path, officer):
    page = browser_page
    sign_in(page, officer)

    before = database_state()
    upload(
        page,
        tmp_path,
        "bad.csv",
        [
            ["6.1", "2020-04", "607", "", ""],
            ["6.8", "2020-04", "105%", "", ""],
        ],
    )
    cells = page.locator("#errors tbody tr").all_inner_texts()
    assert len(cells) == 1
    assert cells[0].split("\t") == ["3", "value", "105% is above 100%"]
    assert page.locator("text=Confirm and apply").count() == 0
    screenshot(page, "upload-1-bad-file")
    assert database_state() == before

    upload(
        page,
        tmp_path,
        "rerun-april.csv",
        [
            ["6.1", "2020-04", "607", "", ""],
            ["6.8", "2020-04", "", "140", "146"],
            ["6.10", "2020-04", "84.4%", "", ""],
            ["6.1", "2020-05", "611", "", ""],
        ],
    )
    summary_box = page.locator("#preview-summary")
    assert "1 new, 2 changed, 1 unchanged" in summary_box.inner_text()
    changed = page.locator("#changed").inner_text()
    assert "604" in changed and "607" in changed and "95.2%" in changed and "95.9%" in changed
    screenshot(page, "upload-2-preview")
    assert database_state() == before, "a preview writes nothing"

    page.click("text=Confirm and apply")
    page.wait_for_selector("text=Applied")
    screenshot(page, "upload-3-applied")
    assert april("6.1") == "607" and april("6.8") == "95.9%"
    assert FigureRevision.objects.filter(upload__isnull=False).count() == 3

    page.goto(page.base_url + f"/frameworks/{sample.pk}/2020-04/summary/")
    row = page.locator("tr", has_text="Number of Looked After Children").first
    assert "607" in row.inner_text()
    screenshot(page, "upload-4-summary")

    page.goto(page.base_url + "/uploads/")
    page.click("text=rerun-april.csv")
    page.click("text=Revert this upload")
    page.wait_for_selector("#revert-what")
    assert "3 figures" in page.locator("#revert-what").inner_text()
    page.click("button:has-text('Revert upload')")
    page.wait_for_selector("text=reverted")
    screenshot(page, "upload-5-reverted")
    assert april("6.1") == "604" and april("6.8") == "95.2%"
    may = Figure.objects.get(indicator__reference="6.1", month="2020-05-01")
    assert may.value is None and may.marker == "-"
    page.goto(page.base_url + f"/frameworks/{sample.pk}/2020-04/summary/")
    row = page.locator("tr", has_text="Number of Looked After Children").first
    assert "604" in row.inner_text() and "607" not in row.inner_text()
