"""In the browser, as a performance officer: benchmarks from DfE's published LAIT file, computed
for Rotherham, previewed, confirmed, then the indicator page's bar chart of the council against
its neighbours and England (drawn by the vendored Chart.js under the page's CSP)."""

from __future__ import annotations

import pytest

from indicators.models import Benchmark, BenchmarkRevision
from tests.browser import screenshot, sign_in
from tests.test_lait import DATA

pytestmark = pytest.mark.django_db(transaction=True)


def test_lait_upload_preview_confirm_and_the_comparison_chart(browser_page, sample, officer):
    page = browser_page
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, officer)
    page.goto(page.base_url + "/uploads/")
    page.click("#lait-link")
    page.set_input_files("#id_file", str(DATA / "lait_long.csv.gz"))
    page.set_input_files("#id_neighbours", str(DATA / "sn_april_2021.xlsx"))
    page.select_option("#id_council", "372")
    page.fill("#id_year", "2019")
    page.click("input[name=preview]")
    page.wait_for_selector("#lait-benchmarks")
    text = page.inner_text("#lait-found")
    assert "Computed for Rotherham (372), neighbours from sn_april_2021.xlsx" in text
    assert "average of 9 of 10 neighbours" in text
    assert "Barnsley (370): '-' no figure" in text
    assert "Polarity disagrees" not in text  # 8.4 has no 2019 figure: not computed
    screenshot(page, "lait-1-preview")
    assert not BenchmarkRevision.objects.filter(source="lait_long.csv.gz").exists()

    page.click("text=Confirm and apply")
    page.wait_for_selector("#benchmark-revisions")
    adoption = Benchmark.objects.get(indicator__reference="6.9", measure="sn_average")
    assert adoption.display == "17.3% (2019)"

    page.goto(page.base_url + "/indicators/7.4/")
    page.wait_for_selector("#comparison-chart")
    # Chart.js drew the bars: the canvas is no longer blank.
    drawn = page.evaluate(
        """() => {
          const canvas = document.getElementById("comparison-chart");
          const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          return data.some((value, index) => index % 4 === 3 && value > 0);
        }"""
    )
    assert drawn
    rows = page.locator("#comparison-table tbody tr").all_inner_texts()
    assert rows[0].split("\t") == ["Rotherham", "Council", "94.0%"]
    assert rows[-1].split("\t") == ["England", "England", "85.0%"]
    assert len(rows) == 12
    screenshot(page, "lait-2-indicator-comparison")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
