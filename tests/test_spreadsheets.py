"""A spreadsheet cell means what the spreadsheet shows (formats.md): workbooks as Excel saves
them, with typed cells and number formats, read as a performance officer sees them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accounts.actors import SYSTEM
from indicators.importing.pipeline import import_file
from indicators.models import Figure, Indicator
from tests.helpers import database_state, imported
from tests.xlsx import SHEET, rewrite, with_cached_values, workbook

HEADER = ["indicator", "month", "value", "numerator", "denominator", "note"]


def figure(reference: str, month: str = "2020-05") -> Figure:
    return Figure.objects.get(indicator__reference=reference, month=f"{month}-01")


def refused(content: bytes, name: str = "may.xlsx") -> list[tuple[int, str, str]]:
    before = database_state()
    plan, applied = import_file("figures", name, content, SYSTEM)
    assert not plan.ok and applied is None
    assert database_state() == before, "a refused file changes nothing"
    return [(e.row, e.column, e.message) for e in plan.errors]


def test_a_reference_typed_as_a_number_is_read_as_its_format_shows_it(sample):
    """6.10 typed into a cell formatted 0.00: Excel keeps 6.1 and shows 6.10."""
    content = workbook(
        [HEADER, [6.1, "2020-05", 0.9, None, None, None]], {"A2": "0.00", "C2": "0.0%"}
    )
    assert imported("figures", "may.xlsx", content).ok
    assert figure("6.10").display == "90.0%"
    assert not Figure.objects.filter(indicator__reference="6.1", month="2020-05-01").exists()


def test_a_number_reference_that_could_be_two_indicators_is_refused(sample):
    """6.10 typed into a General cell is stored as 6.1: it could be either indicator."""
    errors = refused(workbook([HEADER, ["6.1", "2020-05", 610], [6.1, "2020-06", 611]]))
    assert errors == [
        (
            3,
            "indicator",
            "the reference 6.1 is a number cell, and 6.1 and 6.10 are different indicators: "
            "type the reference as text (or format the cell to show every digit)",
        )
    ]


def test_a_number_reference_names_no_other_indicator_when_unknown(sample):
    Indicator.objects.filter(reference="6.1").update(reference="6.1-old")
    errors = refused(workbook([HEADER, [6.1, "2020-05", 90]]))
    assert errors[0][:2] == (2, "indicator")
    assert errors[0][2].startswith("unknown indicator '6.1'; 6.10 exists, but Excel shows 6.10")


def test_text_that_looks_like_a_number_is_that_text(sample):
    content = workbook([HEADER, ["6.10", "2020-05", "90.0%"]])
    assert imported("figures", "may.xlsx", content).ok
    assert figure("6.10").display == "90.0%"


@pytest.mark.parametrize(
    ("stored", "number_format", "shown"),
    [
        (0.93, "0.0%", "93.0%"),
        (0.9, "0%", "90%"),
        (0.0022, "0.00%", "0.22%"),
        (93, '0.0"%"', "93.0%"),
        (93.04, "0.0", "93.0%"),
        (93, "General", "93%"),
    ],
)
def test_a_percentage_cell_is_the_percentage_it_shows(sample, stored, number_format, shown):
    content = workbook([HEADER, ["6.10", "2020-05", stored]], {"C2": number_format})
    assert imported("figures", "may.xlsx", content).ok
    assert figure("6.10").display == shown


@pytest.mark.parametrize(
    ("stored", "number_format", "shown", "places"),
    [
        (29, "General", "29", 0),
        (29.0, "General", "29", 0),
        (29, "0.0", "29.0", 1),
        (19.2, "General", "19.2", 1),
        (17.45, "0.0", "17.5", 1),
        (1234, "#,##0", "1234", 0),
    ],
)
def test_a_value_keeps_the_precision_it_shows(sample, stored, number_format, shown, places):
    content = workbook([HEADER, ["11.4", "2020-05", stored]], {"C2": number_format})
    assert imported("figures", "may.xlsx", content).ok
    assert (figure("11.4").display, figure("11.4").places) == (shown, places)


def test_a_date_cell_is_its_month(sample):
    content = workbook([HEADER, ["6.1", datetime.datetime(2020, 5, 17), 611]], {"B2": "dd/mm/yyyy"})
    assert imported("figures", "may.xlsx", content).ok
    assert figure("6.1").value == 611


def test_a_date_where_a_figure_belongs_is_refused(sample):
    content = workbook([HEADER, ["6.1", "2020-05", datetime.datetime(2020, 5, 1)]])
    assert refused(content) == [(2, "value", "'01/05/2020' is a date, not a figure")]


def test_a_formula_is_its_last_calculated_value(sample):
    content = with_cached_values(workbook([HEADER, ["6.1", "2020-05", "=600+11"]]), {"C2": "611"})
    assert imported("figures", "may.xlsx", content).ok
    assert figure("6.1").value == 611


def test_a_formula_never_calculated_is_refused_naming_the_cell(sample):
    errors = refused(workbook([HEADER, ["6.1", "2020-05", "=600+11"]]))
    assert errors == [
        (
            0,
            "",
            "may.xlsx, cell C2 holds a formula that was never calculated: open the file in "
            "Excel, let it calculate, and save it again.",
        )
    ]


def test_a_cell_showing_an_error_is_refused_naming_it(sample):
    def div0(xml: str) -> str:
        return xml.replace(
            '<c r="C2"><f>1/0</f><v></v>', '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v>'
        )

    content = rewrite(workbook([HEADER, ["6.1", "2020-05", "=1/0"]]), {SHEET: div0})
    assert (
        refused(content)[0][2]
        == "may.xlsx, cell C2 shows the error #DIV/0!: correct it in the spreadsheet."
    )


@pytest.mark.parametrize(
    ("number_format", "why"),
    [("0.00E+00", "scientific"), ("# ?/?", "fraction"), ("#,##0,", "by thousands")],
)
def test_a_format_whose_text_is_not_the_figure_is_refused(sample, number_format, why):
    content = workbook([HEADER, ["6.1", "2020-05", 611]], {"C2": number_format})
    [(row, _column, message)] = refused(content)
    assert (
        row == 0 and "cell C2 cannot be read as the figure it shows" in message and why in message
    )


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(sample):
    content = workbook(
        [HEADER, [None] * 6, ["6.1", "2020-05", 611], ["6.10", "2020-05", 101]], {"C4": "0"}
    )
    assert refused(content) == [(4, "value", "101% is above 100%")]


def test_numerators_and_denominators_from_number_cells(sample):
    content = workbook([HEADER, ["6.12", datetime.datetime(2020, 5, 1), None, 5, 8]])
    assert imported("figures", "may.xlsx", content).ok
    assert (figure("6.12").value, figure("6.12").display) == (Decimal("62.5"), "62.5%")
