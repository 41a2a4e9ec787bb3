"""The Kirklees Corporate Parenting Board (seed 004) as ``load_sample_data`` leaves the DATABASE:
the framework's settings, its managers with their role titles, June 2017 opened, every figure and
breakdown cell of the sample files equal to what is stored (the files themselves are compared
with the seed by ``test_board_sample_data.py``), the direction of travel printed by the seed
reproduced under the numeric convention except where TRANSCRIPTION.md says it cannot be, and
every page of the board answering.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.access import has_role
from accounts.people import name_with_role, role_title_of
from accounts.roles import Role
from indicators import performance as perf
from indicators.exports import EXPORTS, export_dataset
from indicators.importing.uploads import confirm_upload, receive_upload
from indicators.models import Breakdown, Figure, Framework, Indicator, ReportingMonth
from indicators.samples import BOARD, FRAMEWORKS_FILE, MONTHLY
from indicators.summary import travel_pair
from narratives.models import Narrative
from narratives.samples import NARRATIVE_FILES
from tests.test_breakdowns import breakdowns_file

TRANSCRIPTION = BOARD.folder / "TRANSCRIPTION.md"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def board(samples_month) -> Framework:
    return samples_month


def test_both_frameworks_load_with_their_settings(board):
    monthly = Framework.objects.get(name=MONTHLY.framework)
    settings = {row["name"]: row for row in rows_of(FRAMEWORKS_FILE)}
    for framework in (monthly, board):
        expected = settings[framework.name]
        for column, value in expected.items():
            assert getattr(framework, column) == value, (framework.name, column)
    assert (board.layout, board.dot_convention, board.months_shown, board.value_style) == (
        "board",
        "numeric",
        "quarter_with_last_year",
        "value_with_count",
    )
    assert (monthly.layout, monthly.dot_convention, monthly.months_shown) == (
        "monthly",
        "performance",
        "three_months",
    )
    assert monthly.indicators().count() == 43 and board.indicators().count() == 100


def test_the_sections_keep_their_themes_order_and_managers(board):
    sections = list(board.ordered_sections())
    expected = rows_of(BOARD.folder / "sections.csv")
    assert [s.code for s in sections] == [row["code"] for row in expected]
    for section, row in zip(sections, expected, strict=True):
        assert (section.title, section.theme) == (row["title"], row["theme"])
        assert sorted(m.username for m in section.managers.all()) == sorted(
            row["managers"].split(";")
        )


def test_the_managers_are_heads_of_service_with_their_role_titles(board):
    for row in rows_of(BOARD.folder / "managers.csv"):
        person = get_user_model().objects.get(username=row["username"])
        assert has_role(person, Role.HEAD_OF_SERVICE)
        assert role_title_of(person) == row["role_title"]
    julie = get_user_model().objects.get(username="board.julie.mepham")
    assert name_with_role(julie) == "Julie Mepham, Head of Service - Corporate Parenting"
    # Someone without a role title is named as before.
    assert name_with_role(get_user_model().objects.get(username="officer")) == "Pat Okafor"


def test_june_2017_is_open_with_the_section_narratives_as_drafts_by_their_authors(board):
    month = ReportingMonth.objects.get(framework=board)
    assert month.month == BOARD.month and month.panel_date == datetime.date(2017, 9, 18)
    narratives = {
        n.section.code: n
        for n in Narrative.objects.filter(reporting_month=month).select_related("section")
    }
    rows = rows_of(NARRATIVE_FILES[BOARD.framework])
    assert len(rows) == len(narratives) == 14
    for row in rows:
        narrative = narratives[row["section"]]
        assert narrative.status == "draft" and narrative.version >= 1
        assert (narrative.changes, narrative.data_notes) == (row["changes"], row["data_notes"])
        latest = narrative.versions.order_by("-number").first()
        assert latest is not None and latest.saved_by is not None
        assert latest.saved_by.username == row["author"]


def written(text: str) -> perf.Written:
    return perf.read_figure(text)


def assert_stored_as_written(stored: Figure | Breakdown, row: dict[str, str]) -> None:
    """The stored cell is the file's: its number with the places written, its marker, its
    numerator and denominator, or the value worked out from them to the indicator's decimals."""
    cell = written(row["value"])
    numerator = Decimal(row["numerator"]) if row["numerator"] else None
    denominator = Decimal(row["denominator"]) if row["denominator"] else None
    if cell.is_blank:
        indicator = stored.indicator
        assert numerator is not None and denominator is not None and indicator.factor
        value = perf.ratio_value(indicator.factor, numerator, denominator, indicator.decimals)
        assert (stored.value, stored.places) == (value, indicator.decimals), row
    else:
        assert (stored.value, stored.places, stored.marker) == (
            cell.value,
            cell.places if cell.value is not None else None,
            cell.marker,
        ), row
    assert (stored.numerator, stored.denominator) == (numerator, denominator), row


def test_every_figure_of_the_board_is_stored_as_the_file_writes_it(board):
    rows = rows_of(BOARD.folder / "figures.csv")
    stored = {
        (f.indicator.reference, perf.month_key(f.month)): f
        for f in Figure.objects.filter(indicator__section__frameworks=board).select_related(
            "indicator"
        )
    }
    assert len(stored) == len(rows) == 356
    for row in rows:
        figure = stored[(row["indicator"], row["month"])]
        assert_stored_as_written(figure, row)
        assert figure.note == row["note"]


def test_every_breakdown_cell_of_the_board_is_stored_as_the_file_writes_it(board):
    rows = rows_of(BOARD.folder / "breakdowns.csv")
    stored = {
        (b.indicator.reference, perf.month_key(b.month), b.dimension, b.category): b
        for b in Breakdown.objects.select_related("indicator")
    }
    assert len(stored) == len(rows) == 570
    for row in rows:
        key = (row["indicator"], row["month"], row["dimension"], row["category"])
        assert_stored_as_written(stored[key], row)
    # Each table prints its categories in the file's order.
    for reference in {row["indicator"] for row in rows}:
        in_file = list(
            dict.fromkeys(
                (row["dimension"], row["category"]) for row in rows if row["indicator"] == reference
            )
        )
        in_print = list(
            dict.fromkeys(
                Breakdown.objects.filter(indicator__reference=reference)
                .order_by("order", "month")
                .values_list("dimension", "category")
            )
        )
        assert in_print == in_file, reference


def known_exceptions() -> tuple[set[str], dict[tuple[str, str], tuple[str, str]]]:
    """From TRANSCRIPTION.md: the indicators whose April arrow has no March figure to compare
    with, and the arrows that disagree with the numbers ((indicator, month) -> (printed, the
    numbers say))."""
    text = TRANSCRIPTION.read_text(encoding="utf-8")
    listed = re.search(
        r"April arrows cannot be reproduced for lack of a March figure:(.*?)\. \(", text, re.S
    )
    assert listed is not None
    no_march = {ref.strip() for ref in listed.group(1).split(",")}
    disagree = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"\d+(\.[\w-]+)+", cells[0]) and cells[2] in "↑↓↔":
            says = cells[4].split()[0]
            disagree[(cells[0], cells[1])] = (cells[2], says)
    return no_march, disagree


def test_the_direction_of_travel_follows_the_seed_under_the_numeric_convention(board):
    """Every arrow the seed prints, from the loaded figures through the product's own rule
    (``summary.travel_pair`` and ``performance.travel`` under the board's convention), except
    where TRANSCRIPTION.md says why not."""
    no_march, disagree = known_exceptions()
    assert len(no_march) == 75 and len(disagree) == 19
    indicators = {i.reference: i for i in board.indicators()}
    figures: dict[str, dict[datetime.date, Figure]] = {}
    for figure in Figure.objects.filter(indicator__section__frameworks=board).select_related(
        "indicator"
    ):
        figures.setdefault(figure.indicator.reference, {})[figure.month] = figure
    agreed = 0
    for row in rows_of(BOARD.folder / "expected_trends.csv"):
        reference, month = row["indicator"], perf.parse_month(row["month"])
        indicator = indicators[reference]
        previous, latest = travel_pair(indicator.rules, month, figures.get(reference, {}))
        dot = perf.travel(board.dot_convention, indicator.polarity_enum, previous, latest)
        arrow = dot.arrow if dot else None
        where = f"{reference} {row['month']}"
        if (reference, row["month"]) in disagree:
            printed, says = disagree[(reference, row["month"])]
            assert (row["arrow"], arrow) == (printed, says), where
        elif row["month"] == "2017-04" and reference in no_march:
            assert arrow is None, where  # no March figure: no arrow
        elif reference.startswith("4.10.05.") and row["month"] == "2017-06":
            assert arrow is None, where  # May is n/a; the seed compared June with April
        else:
            assert arrow == row["arrow"], where
            agreed += 1
    assert agreed >= 140


def test_every_page_of_the_board_answers(board, client):
    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer)
    month = ReportingMonth.objects.get(framework=board)
    framework_month = {"framework_id": board.pk, "month": month.key}
    urls = [
        reverse("indicators:summary", kwargs=framework_month),
        reverse("indicators:quality", kwargs=framework_month),
        reverse("indicators:appendix_a", kwargs=framework_month),
        reverse("indicators:uploads"),
        reverse("indicators:months"),
        reverse("narratives:dashboard", kwargs={"month_id": month.pk}),
        reverse("reports:month", kwargs={"month_id": month.pk}),
        *(
            reverse("indicators:section", kwargs={**framework_month, "code": section.code})
            for section in board.ordered_sections()
        ),
        *(
            reverse("indicators:indicator", kwargs={"reference": indicator.reference})
            for indicator in board.indicators()
        ),
    ]
    upload = receive_upload(
        "breakdowns",
        "fix.csv",
        breakdowns_file(["4.01.02", "2017-06", "Gender", "Female", "47.1%", "8", "17"]),
        officer,
    )
    urls.append(reverse("indicators:upload", kwargs={"upload_id": upload.pk}))
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    urls.append(reverse("indicators:upload", kwargs={"upload_id": upload.pk}))
    failures = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert not failures
    for kind in EXPORTS:
        # The board paper prints no annual outturns and no benchmarks.
        expected_empty = kind in ("outturns", "benchmarks")
        assert (len(export_dataset(kind, board)) == 0) == expected_empty, kind
    summary = export_dataset("summary", board, BOARD.month)
    assert len(summary) == 100


def test_loading_again_changes_nothing(board):
    counts = (Figure.objects.count(), Breakdown.objects.count(), Indicator.objects.count())
    call_command("load_sample_data", stdout=io.StringIO())
    assert (Figure.objects.count(), Breakdown.objects.count(), Indicator.objects.count()) == counts
