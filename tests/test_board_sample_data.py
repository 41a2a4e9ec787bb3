"""The Kirklees Corporate Parenting Board sample data equals the published board paper (seed 004).

The expected values are read from the seed itself (``tests/seeds/004_…``, a text extraction of the
June 2017 board paper), never typed into the test: every figure, count, breakdown cell, target,
trend arrow, Performance Overview and Head of Service Narrative of the sample files is compared
with the seed cell by cell, in both directions, so that a typo in either fails. The files' own
rules (unique references, parents and sections that exist, fractions that agree with their
values, months that parse) are checked too. Pure file tests: no database, no app code.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "seeds" / "004_b164a5d746c50f59.txt"
DATA = ROOT / "indicators" / "sample_data" / "corporate_parenting_board"
NARRATIVES = ROOT / "narratives" / "sample_data" / "corporate_parenting_board_2017-06.csv"
OVERVIEWS = ROOT / "narratives" / "sample_data" / "corporate_parenting_board_2017-06_overview.csv"
TRANSCRIPTION = DATA / "TRANSCRIPTION.md"
FRAMEWORK = "Corporate Parenting Board"
REPORT_MONTH = "2017-06"

HEADERS = {
    "sections": "framework,code,title,order,definition,managers,theme",
    "managers": "username,first_name,last_name,role_title,sections",
    "indicators": (
        "reference,title,section,polarity,unit,aggregation,frequency,decimals,tags,order,parent,kind"
    ),
    "targets": "indicator,year,red,amber,green",
    "figures": "indicator,month,value,numerator,denominator,note",
    "breakdowns": "indicator,month,dimension,category,value,numerator,denominator",
    "expected_trends": "indicator,month,arrow",
}
POLARITIES = {"High", "Low", "Info", "Within limits", "Within limits (low)"}
AGGREGATIONS = {"As at month end", "Financial Year", "Rolling Year", "YTD Average"}
FREQUENCIES = {"monthly", "quarterly", "termly"}
KINDS = {"count", "percentage", "rate", "average", "days", "money", "other"}
MARKERS = {"-", "n/a", "TBC"}
ARROWS = {"↑", "↓", "↔"}
# Glyphs other extractions print for arrows (seeds/README.md); this seed prints none of them.
ODD_ARROW_GLYPHS = {"Ψ": "↓", "¥": "↓", "^": "↑", "1": "↑"}
NUMBER = re.compile(r"^\d+(\.\d+)?%?$")

# --- What the seed cannot say by itself ------------------------------------------------------
# The one reference printed with a slip (every other reference starts "4." … "7.").
PRINTED_REFERENCE_SLIPS = {"04.04.04": "4.04.04"}
# Percentages whose base is printed in another row for the same month column: (row, part of its
# cell). "value" is the plain number ("24" children entering care); "count" is the number in
# brackets ("68.5 (677)": 677 children in care; "93.7% (381)": a cohort of 381 pupils).
BASES = {
    **dict.fromkeys(
        [
            "4.01.04.a",
            "4.01.04.b",
            "4.01.04.c",
            "4.01.04.d",
            "4.01.04.other",
            "4.01.05",
            "4.01.05.outside",
            "4.01.07",
            "4.01.07.inside",
            "4.01.07.no-postcode",
        ],
        ("4.01.01", "value"),
    ),
    **dict.fromkeys(
        [
            "4.02.03",
            "4.02.03.residential",
            "4.02.03.adoption",
            "4.02.03.parents",
            "4.02.03.other",
        ],
        ("4.02.01", "count"),
    ),
    **dict.fromkeys(["4.04.03.positive", "4.04.03.other"], ("4.04.01", "value")),
    **dict.fromkeys(["5.01.09", "5.01.10", "5.01.11"], ("5.01.01", "value")),
    "4.10.05.persistent-absentees": ("4.10.05.attenders", "count"),
}
# The monthly breakdown tables in the order the seed prints them: (indicator, dimension). Several
# tables have no caption or no name of their own (TRANSCRIPTION.md, "Breakdowns").
BREAKDOWN_TABLES = [
    ("4.01.02", "Gender"),
    ("4.01.02", "Ethnicity"),
    ("4.01.02", "Gender"),
    ("4.01.02", "Age Range"),
    ("4.01.03", "Reason"),
    ("4.01.08", "Legal Status"),
    ("4.02.02", "Gender"),
    ("4.02.02", "Gender"),
    ("4.02.02", "Ethnicity"),
    ("4.02.02", "Age Range"),
    ("4.02.08", "Duration Range"),
    ("4.04.02", "Gender"),
    ("4.04.02", "Gender"),
    ("4.04.02", "Ethnicity"),
    ("4.04.02", "Age Range"),
    ("4.04.04", "Duration Range"),
    ("4.05.03", "Reason"),
    ("4.10.07", "Part Time Reason"),
    ("5.01.02", "Gender"),
    ("5.01.02", "Ethnicity"),
    ("5.01.02", "Age"),
    ("5.02.02", "Gender"),
    ("5.02.02", "Ethnicity"),
    ("5.02.02", "Age Range"),
    ("5.02.04", "Timescale"),
    ("7.02.04", "Service"),
]
# A breakdown table whose percentages have no Total row: their base is the indicator's cohort.
BREAKDOWN_BASE_FROM_INDICATOR = {"4.10.07"}
# The row of a breakdown table that repeats the indicator's own figure.
BREAKDOWN_OVERALL_ROWS = {("7.02.04", "Service Average")}
# Printed in a Target column but not transcribable as one target a year (TRANSCRIPTION.md).
TARGETS_NOT_TRANSCRIBED = {"4.02.07": "30 (Jul 16) 20 (Dec 17)"}
# Printed arrows that disagree with the numeric direction of the printed values (TRANSCRIPTION.md,
# "Trend arrows"): a product following the numeric convention differs from the seed here.
ARROWS_AGAINST_THE_NUMBERS = {
    ("4.01.01", "2017-06"),
    ("4.01.04.b", "2017-05"),
    ("4.01.04.other", "2017-06"),
    ("4.01.07.inside", "2017-06"),
    ("4.01.07.no-postcode", "2017-05"),
    ("4.01.07.no-postcode", "2017-06"),
    ("4.02.03", "2017-06"),
    ("4.02.08", "2017-05"),
    ("4.02.08", "2017-06"),
    ("4.06.03", "2017-05"),
    ("4.07.01", "2017-06"),
    ("4.07.01.practice-standards", "2017-05"),
    ("4.07.04", "2017-05"),
    ("4.10.02", "2017-05"),
    ("4.10.02.b", "2017-06"),
    ("4.11.13", "2017-05"),
    ("4.11.17.b", "2017-06"),
    ("5.01.08", "2017-06"),
    ("5.02.10", "2017-05"),
}
EN_DASH = "\u2013"  # the seed prints headings with an en dash, not a hyphen
# Lines that head every page of a theme: they end a narrative.
RUNNING_HEADERS = {"Children in Care", "Care Leavers", "Sufficiency", "Workforce"}


# --- Reading the files ------------------------------------------------------------------------
def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if any((cell or "").strip() for cell in row.values())]
        return list(reader.fieldnames or []), rows


@cache
def sample(kind: str) -> list[dict[str, str]]:
    return read_csv(DATA / f"{kind}.csv")[1]


@cache
def narratives() -> list[dict[str, str]]:
    return read_csv(NARRATIVES)[1]


@cache
def overviews() -> list[dict[str, str]]:
    return read_csv(OVERVIEWS)[1]


@cache
def indicators() -> dict[str, dict[str, str]]:
    return {row["reference"]: row for row in sample("indicators")}


@cache
def figures() -> dict[tuple[str, str], dict[str, str]]:
    return {(row["indicator"], row["month"]): row for row in sample("figures")}


# --- Numbers as printed ---------------------------------------------------------------------------
def places(value: str) -> int:
    digits = value.rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def agrees(value: str, numerator: str, denominator: str) -> bool:
    """numerator/denominator rounds (half up) to the value at the value's printed precision."""
    ratio = Decimal(numerator) / Decimal(denominator) * (100 if value.endswith("%") else 1)
    step = Decimal(1).scaleb(-places(value))
    return ratio.quantize(step, rounding=ROUND_HALF_UP) == Decimal(value.rstrip("%"))


def number(value: str) -> Decimal | None:
    try:
        return Decimal(value.rstrip("%"))
    except InvalidOperation:
        return None


MONTH_NUMBERS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}


def seed_month(text: str) -> str | None:
    """The month a column or label names: "Jul-16", "June -17", "Apr 2017", "Jan-Mar-17 Q4"."""
    words = text.replace("-", " ").split()
    if len(words) == 4 and words[3].startswith("Q"):
        words = words[1:3]  # a quarter ("Jan Mar 17 Q4") is filed under its last month
    if len(words) == 2 and words[0][:3].lower() in MONTH_NUMBERS and words[1].isdigit():
        year = words[1] if len(words[1]) == 4 else f"20{words[1]}"
        return f"{year}-{MONTH_NUMBERS[words[0][:3].lower()]:02d}"
    return None


# A figure cell: an optional month of its own, the value, and an optional count or fraction.
FIGURE_CELL = re.compile(
    r"^(?:(?P<label>[A-Z][a-z]{2} \d\d) )?(?P<value>\d+(?:\.\d+)?)(?P<space> ?)(?P<pct>%?)"
    r"(?: \((?P<num>\d+)(?:/ ?(?P<den>\d+))?\))?$"
)
# A count with a percentage beside it: "61 (9%)", "50 7.3%".
COUNT_WITH_PERCENTAGE = re.compile(r"^(?P<value>\d+) \(?\d+(?:\.\d+)?%\)?$")
POINTER = re.compile(r"^(<i>)?See [Tt]able \d( also)?(</i>)?$")


def plain_words(text: str) -> list[str]:
    """The words of a text, HTML tags and bold/italic markers taken out ("A*-C" keeps its star)."""
    return re.sub(r"</?(p|i|u)>|\*{2,}", " ", text).split()


# --- The seed ---------------------------------------------------------------------------------
@dataclass
class SeedRow:
    """One indicator row of a section table, its cells by column heading."""

    line: int
    label: str
    section: int  # 0-based position of the section in the report
    header: list[str]
    cells: list[str]
    reference: str = ""
    parent: str = ""
    title: str = ""

    def columns(self) -> list[tuple[str, str]]:
        return list(zip(self.header[1:], self.cells[1:], strict=False))

    @property
    def overview(self) -> str:
        last = self.header[-1]
        assert last in {"Performance Overview", "Performance Measures"}
        return (
            self.cells[len(self.header) - 1].strip() if len(self.cells) >= len(self.header) else ""
        )


@dataclass
class BreakdownTable:
    line: int
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""


@cache
def seed_lines() -> tuple[str, ...]:
    return tuple(SEED.read_text(encoding="utf-8").split("\n"))


def is_narrative_heading(line: str) -> bool:
    return line.startswith(("Head of Service Narrative", f"Head of Service {EN_DASH}"))


def clean_label(label: str) -> str:
    return re.sub(r"\s*:\s*$", "", label.strip())


@cache
def seed_rows() -> tuple[SeedRow, ...]:
    """Every indicator row of the seed's section tables, with its reference and parent."""
    lines = seed_lines()
    rows: list[SeedRow] = []
    section = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        if is_narrative_heading(line):
            section += 1
        if "\t" in line and line.split("\t")[-1] in {
            "Performance Overview",
            "Performance Measures",
        }:
            header = line.split("\t")
            index += 1
            while index < len(lines) and lines[index].strip():
                cells = lines[index].split("\t")
                label = cells[0].strip()
                # A continuation ("See Table 2 also") or a footnote ("* May Data …") is no row.
                if label and not label.startswith("*"):
                    rows.append(SeedRow(index + 1, label, section, header, cells))
                index += 1
            continue
        index += 1
    parent = ""
    for row in rows:
        printed = re.match(r"^(\d+\.\d\d\.\d\d) (.*)$", row.label)
        if printed:
            row.reference = PRINTED_REFERENCE_SLIPS.get(printed.group(1), printed.group(1))
            row.title = clean_label(printed.group(2))
            parent = row.reference
        else:
            row.title = clean_label(row.label)
            row.parent = parent
            matches = [
                ref
                for ref, ind in indicators().items()
                if ind["parent"] == parent and ind["title"] == row.title
            ]
            assert len(matches) == 1, f"seed line {row.line}: sub-row {row.title!r} of {parent}"
            row.reference = matches[0]
    return tuple(rows)


@cache
def seed_row(reference: str) -> SeedRow:
    return next(row for row in seed_rows() if row.reference == reference)


def cell_in_column(reference: str, column: str) -> str:
    row = seed_row(reference)
    return dict(row.columns()).get(column, "").strip()


@cache
def breakdown_tables() -> tuple[BreakdownTable, ...]:
    """Every table of the seed whose columns are months, outside the indicator tables."""
    lines = seed_lines()
    tables: list[BreakdownTable] = []
    index = 0
    while index < len(lines):
        header = lines[index].split("\t")
        months = [cell for cell in header if seed_month(cell)]
        if len(months) >= 3 and header[-1] not in {"Performance Overview", "Performance Measures"}:
            # A caption is the nearest text line above, unless a table row comes first.
            above = [lines[back] for back in range(index - 1, index - 4, -1) if lines[back].strip()]
            caption = above[0] if above and "\t" not in above[0] else ""
            table = BreakdownTable(index + 1, header, caption=caption)
            index += 1
            while index < len(lines) and lines[index].strip():
                table.rows.append(lines[index].split("\t"))
                index += 1
            tables.append(table)
            continue
        index += 1
    return tuple(tables)


# --- Sample files' own rules ----------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(HEADERS))
def test_each_file_has_exactly_the_agreed_header(kind):
    header, rows = read_csv(DATA / f"{kind}.csv")
    assert ",".join(header) == HEADERS[kind]
    assert rows


def test_narrative_files_have_the_agreed_headers():
    assert read_csv(NARRATIVES)[0] == ["section", "month", "author", "changes", "data_notes"]
    assert read_csv(OVERVIEWS)[0] == ["indicator", "month", "overview"]


def test_sections_are_one_framework_in_order():
    sections = sample("sections")
    assert {row["framework"] for row in sections} == {FRAMEWORK}
    assert [int(row["order"]) for row in sections] == list(range(1, len(sections) + 1))
    codes = [row["code"] for row in sections]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", code) for code in codes)
    users = {row["username"] for row in sample("managers")}
    for row in sections:
        managers = row["managers"].split(";")
        assert managers and set(managers) <= users, row["code"]


def test_managers_are_demo_accounts_of_the_sections_they_manage():
    managed_by: dict[str, set[str]] = {}
    for section in sample("sections"):
        for user in section["managers"].split(";"):
            managed_by.setdefault(user, set()).add(section["code"])
    for row in sample("managers"):
        expected = f"board.{row['first_name']}.{row['last_name']}".lower()
        assert row["username"] == expected and row["username"].isascii()
        assert set(row["sections"].split(";")) == managed_by[row["username"]]
        assert row["role_title"]


def test_indicator_catalogue_rules():
    rows = sample("indicators")
    references = [row["reference"] for row in rows]
    assert len(references) == len(set(references)), Counter(references).most_common(3)
    sections = {row["code"] for row in sample("sections")}
    by_reference = indicators()
    orders: dict[str, list[int]] = {}
    for row in rows:
        where = row["reference"]
        assert row["section"] in sections, where
        assert row["polarity"] in POLARITIES, where
        assert row["aggregation"] in AGGREGATIONS, where
        assert row["frequency"] in FREQUENCIES, where
        assert row["kind"] in KINDS, where
        assert row["unit"] and row["title"], where
        assert int(row["decimals"]) >= 0, where
        orders.setdefault(row["section"], []).append(int(row["order"]))
        if row["parent"]:
            parent = by_reference[row["parent"]]
            assert parent["section"] == row["section"], where
            assert not parent["parent"], f"{where}: sub-rows have one level"
            assert row["reference"].startswith(row["parent"] + "."), where
            assert int(parent["order"]) < int(row["order"]), where
    for section, numbers in orders.items():
        assert numbers == list(range(1, len(numbers) + 1)), section


def check_fraction(row: dict[str, str], where: str) -> None:
    value, numerator, denominator = row["value"], row["numerator"], row["denominator"]
    assert value in MARKERS or NUMBER.match(value), f"{where}: value {value!r}"
    if value.endswith("%"):
        assert Decimal(value[:-1]) <= 100, where
    if denominator:
        assert numerator, f"{where}: a denominator needs a numerator"
    if numerator:
        assert value not in MARKERS and numerator.isdigit(), where
    if denominator:
        assert denominator.isdigit() and int(denominator) > 0, where
        assert int(numerator) <= int(denominator), f"{where}: {numerator} > {denominator}"
        assert agrees(value, numerator, denominator), (
            f"{where}: {numerator}/{denominator} ≠ {value}"
        )


def test_figures_rules():
    keys = [(row["indicator"], row["month"]) for row in sample("figures")]
    assert len(keys) == len(set(keys))
    for row in sample("figures"):
        where = f"figure {row['indicator']} {row['month']}"
        indicator = indicators()[row["indicator"]]
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", row["month"]), where
        check_fraction(row, where)
        if indicator["kind"] == "count" and row["value"] not in MARKERS:
            assert row["value"].isdigit(), where
        if indicator["kind"] == "percentage" and row["value"] not in MARKERS:
            assert row["value"].endswith("%") or row["value"] == "0", where


def test_breakdowns_rules():
    keys = [
        (row["indicator"], row["month"], row["dimension"], row["category"])
        for row in sample("breakdowns")
    ]
    assert len(keys) == len(set(keys))
    for row in sample("breakdowns"):
        where = f"breakdown {row['indicator']} {row['month']} {row['category']}"
        assert row["indicator"] in indicators(), where
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", row["month"]), where
        assert row["category"] not in {"Total", "Totals"}, where
        check_fraction(row, where)


def test_every_row_names_something_that_exists():
    codes = {row["code"] for row in sample("sections")}
    users = {row["username"] for row in sample("managers")}
    for row in sample("targets"):
        assert row["indicator"] in indicators() and row["year"] == "2017/18"
    for row in sample("expected_trends"):
        assert row["indicator"] in indicators()
        assert row["arrow"] in ARROWS
        assert (row["indicator"], row["month"]) in figures(), row
    for row in overviews():
        assert row["indicator"] in indicators() and row["month"] == REPORT_MONTH
    for row in narratives():
        assert row["section"] in codes and row["author"] in users
        assert row["month"] == REPORT_MONTH


# --- The sample against the seed ------------------------------------------------------------------
def test_sections_themes_and_managers_are_the_contents_table():
    lines = seed_lines()
    start = lines.index("Theme\tSection\tPage\tResponsible Manager Narrative\tRole") + 1
    contents = []
    theme = ""
    for line in lines[start:]:
        if not line.strip():
            break
        cells = line.split("\t")
        theme = cells[0] or theme
        contents.append((theme, cells[1], cells[3], cells[4]))
    sections = sample("sections")
    assert [(r["theme"], r["title"]) for r in sections] == [(t, s) for t, s, _, _ in contents]
    managers = {row["username"]: row for row in sample("managers")}
    for section, (_, _, names, roles) in zip(sections, contents, strict=True):
        named = [name.strip() for name in names.split("/")]
        for name in named:
            first, last = name.split()[0], name.split()[-1]
            user = f"board.{first}.{last}".lower()
            assert user in section["managers"].split(";"), (section["code"], name)
            assert managers[user]["role_title"] in roles, (user, roles)
        for user in section["managers"].split(";"):
            manager = managers[user]
            in_contents = any(manager["last_name"] in name for name in named)
            # A manager the contents does not name must be the one who wrote the narrative.
            assert in_contents or narrative_of(section["code"])["author"] == user


def test_indicators_are_the_rows_of_the_seed_tables_in_order():
    sections = [row["code"] for row in sample("sections")]
    seed = [(r.reference, r.title, r.parent, sections[r.section]) for r in seed_rows()]
    ours = [(r["reference"], r["title"], r["parent"], r["section"]) for r in sample("indicators")]
    assert ours == seed


@dataclass
class PrintedFigure:
    reference: str
    column: str
    cell: str
    month: str
    value: str
    count: str = ""  # the number in brackets
    denominator: str = ""  # printed in the cell
    plain: bool = True  # the three figure columns reproduce the cell without a note


def printed_figure(row: SeedRow, column: str, cell: str) -> PrintedFigure | None:
    """The figure a seed cell prints, or None for a pointer or text."""
    month = seed_month(column)
    assert month, column
    if cell in {"n/a", "<i>n/a</i>"}:
        return PrintedFigure(row.reference, column, cell, month, "n/a")
    if cell == "n/a*":
        return PrintedFigure(row.reference, column, cell, month, "n/a", plain=False)
    if POINTER.match(cell):
        return None
    match = FIGURE_CELL.match(cell)
    if match:
        labelled = seed_month(match["label"]) if match["label"] else month
        assert labelled, cell
        return PrintedFigure(
            row.reference,
            column,
            cell,
            labelled,
            match["value"] + match["pct"],
            match["num"] or "",
            match["den"] or "",
            plain=not match["label"] and not match["space"],
        )
    match = COUNT_WITH_PERCENTAGE.match(cell)
    if match:
        return PrintedFigure(row.reference, column, cell, month, match["value"], plain=False)
    return None  # text: the row's overview (4.10.01)


@cache
def printed_figures() -> tuple[PrintedFigure, ...]:
    found = []
    for row in seed_rows():
        for column, cell in row.columns():
            cell = cell.strip()
            if cell and seed_month(column):
                figure = printed_figure(row, column, cell)
                if figure:
                    found.append(figure)
    return tuple(found)


def base_for(reference: str, column: str) -> str:
    """The base printed for a percentage in another row, same column (blank when none)."""
    if reference not in BASES:
        return ""
    base_row, part = BASES[reference]
    cell = cell_in_column(base_row, column)
    match = FIGURE_CELL.match(cell) if cell else None
    if not match:
        return ""
    return match["value"] if part == "value" else (match["num"] or "")


def test_every_printed_figure_is_transcribed():
    for printed in printed_figures():
        where = f"{printed.reference} {printed.column} {printed.cell!r}"
        row = figures().get((printed.reference, printed.month))
        assert row, f"{where}: missing from figures.csv"
        assert row["value"] == printed.value, where
        quoted = f'"{printed.cell}"' in row["note"]
        if printed.count and row["numerator"] != printed.count:
            # The brackets are not a numerator (a cohort, a total): the note must say so.
            assert row["numerator"] == "" and quoted, where
        elif not printed.count and printed.reference != "4.12.01":
            assert row["numerator"] == row["denominator"] == "", where
        if not printed.plain:
            assert quoted, f"{where}: the note must quote the printed cell"
        if printed.denominator:
            assert row["denominator"] == printed.denominator, where
        elif row["numerator"] and printed.reference != "4.12.01":
            base = base_for(printed.reference, printed.column)
            if base and agrees(printed.value, row["numerator"], base):
                assert row["denominator"] == base, f"{where}: the printed base {base}"
            else:
                assert row["denominator"] == "" and row["note"], f"{where}: say why no base"


def test_placement_movement_totals_are_the_figures_of_4_05_03():
    lines = seed_lines()
    start = lines.index("Table 1: 4.05.03 Placement Movement Reasons") + 2
    header = lines[start].split("\t")
    totals = next(line.split("\t") for line in lines[start:] if line.startswith("Totals\t"))
    for column, total in zip(header[1:], totals[1:], strict=True):
        month = seed_month(column)
        assert month is not None, column
        row = figures()[("4.05.03", month)]
        assert (row["value"], row["numerator"], row["denominator"]) == (total, "", "")


def quarter_month(quarter: str) -> str:
    """'16/17 Q4' is filed under March 2017, a quarter's last month."""
    found = re.fullmatch(r"(\d\d)/\d\d Q(\d)", quarter)
    assert found, quarter
    start, number_ = found.groups()
    year, month = int("20" + start), 3 + 3 * int(number_)
    return f"{year + month // 13}-{(month - 1) % 12 + 1:02d}"


def test_the_quarterly_offending_table_is_the_figures_of_4_12_01():
    lines = seed_lines()
    start = lines.index(
        "Date period\tQuarter\tCohort\tNo of yp offending\t% offending (qtr)\t% offending (yr)"
    )
    for line in lines[start + 1 : start + 6]:
        _period, quarter, cohort, offending, percentage, _year = line.split("\t")
        row = figures()[("4.12.01", quarter_month(quarter))]
        assert (row["value"], row["numerator"]) == (percentage, offending)
        if agrees(percentage, offending, cohort):
            assert row["denominator"] == cohort
        else:
            assert row["denominator"] == "" and "does not agree" in row["note"]


def test_march_figures_are_quoted_from_the_overview():
    stated = [row for row in sample("figures") if row["note"].startswith("stated in")]
    assert stated
    for row in stated:
        stated_in = re.fullmatch(r'stated in the Performance Overview: "(.*)"', row["note"])
        assert stated_in, row
        quote = stated_in[1]
        assert quote in seed_row(row["indicator"]).overview, row
        assert row["month"] == "2017-03"
        assert re.search(rf"(?<![\d.]){re.escape(row['value'])}(?![\d.])", quote), row


def test_every_figure_row_comes_from_the_seed():
    accounted = {(p.reference, p.month) for p in printed_figures()}
    for row in sample("figures"):
        key = (row["indicator"], row["month"])
        assert (
            key in accounted
            or row["indicator"] in {"4.05.03", "4.12.01"}
            or row["note"].startswith("stated in the Performance Overview")
        ), key
    extra = [key for key in figures() if key not in accounted]
    # 4.05.03's Table 1 months Aug-16..Mar-17, three earlier quarters of 4.12.01, four Marches.
    assert len(extra) == 8 + 3 + 4


def test_targets_are_the_printed_targets():
    printed = {}
    for row in seed_rows():
        if "Target" in row.header:
            cell = row.cells[row.header.index("Target")].strip()
            if cell:
                printed[row.reference] = cell
    ours = {row["indicator"]: row for row in sample("targets")}
    assert set(ours) | set(TARGETS_NOT_TRANSCRIBED) == set(printed)
    for reference, text in TARGETS_NOT_TRANSCRIBED.items():
        assert printed[reference] == text and reference not in ours
    for reference, target in ours.items():
        polarity = indicators()[reference]["polarity"]
        assert target["red"] == target["amber"] == "", reference
        green = target["green"]
        if green == "n/a":
            assert printed[reference] == "n/a"
            continue
        suffix = {"High": "+", "Low": "<"}[polarity]
        assert green == printed[reference] + suffix, reference


def trend_cells() -> list[tuple[str, str | None, str]]:
    """(reference, month, cell) of every trend column, the month of the column before it."""
    found = []
    for row in seed_rows():
        month = None
        for column, cell in row.columns():
            if seed_month(column):
                month = seed_month(column)
            elif "Trend" in column:
                found.append((row.reference, month, cell.strip()))
    return found


def test_every_printed_arrow_is_transcribed():
    printed = set()
    for reference, month, cell in trend_cells():
        cell = ODD_ARROW_GLYPHS.get(cell, cell)
        if cell in ARROWS:
            printed.add((reference, month, cell))
        else:
            assert cell in {"", "n/a"}, (reference, month, cell)
    ours = [(r["indicator"], r["month"], r["arrow"]) for r in sample("expected_trends")]
    assert len(ours) == len(set(ours))
    assert set(ours) == printed


def previous_month(reference: str, month: str) -> str:
    year, number_ = map(int, month.split("-"))
    step = 3 if indicators()[reference]["frequency"] == "quarterly" else 1
    number_ -= step
    if number_ < 1:
        year, number_ = year - 1, number_ + 12
    return f"{year}-{number_:02d}"


def test_the_arrows_that_disagree_with_the_numbers_are_the_documented_ones():
    against = set()
    for row in sample("expected_trends"):
        now = figures()[(row["indicator"], row["month"])]
        before = figures().get((row["indicator"], previous_month(row["indicator"], row["month"])))
        if not before:
            continue
        now_value, before_value = number(now["value"]), number(before["value"])
        if now_value is None or before_value is None:
            continue
        difference = now_value - before_value
        numeric = "↑" if difference > 0 else "↓" if difference < 0 else "↔"
        if numeric != row["arrow"]:
            against.add((row["indicator"], row["month"]))
    assert against == ARROWS_AGAINST_THE_NUMBERS


def merged_breakdowns() -> tuple[dict, list[tuple[str, str, str, str]]]:
    """The seed's breakdown cells by (indicator, month, dimension, category), and the cells of
    columns and rows that are not month categories, as (indicator, row, column, cell)."""
    tables = breakdown_tables()
    assert len(tables) == len(BREAKDOWN_TABLES)
    merged: dict[tuple[str, str, str, str], dict[str, str]] = {}
    totals: dict[tuple[str, str, str], str] = {}
    not_months = []
    for table, (reference, dimension) in zip(tables, BREAKDOWN_TABLES, strict=True):
        printed_reference = re.search(r"\b0?\d\.\d\d\.\d\d\b", table.caption)
        if printed_reference:
            assert printed_reference.group(0) == reference, (table.line, table.caption)
        for cells in table.rows:
            category = cells[0].strip()
            for column, cell in zip(table.header[1:], cells[1:], strict=False):
                cell = cell.strip()
                month = seed_month(column)
                if not cell or cell == category:
                    continue
                if not month or (reference, category) in BREAKDOWN_OVERALL_ROWS:
                    not_months.append((reference, category, column.strip(), cell))
                elif category in {"Total", "Totals"}:
                    totals[(reference, dimension, month)] = cell
                else:
                    slot = merged.setdefault((reference, month, dimension, category), {})
                    part = "percentage" if cell.endswith("%") else "count"
                    assert part not in slot, (table.line, category, column)
                    slot[part] = cell
    for (reference, month, dimension, _), slot in merged.items():
        if "percentage" in slot and "count" in slot:
            if reference in BREAKDOWN_BASE_FROM_INDICATOR:
                column = next(c for c, _ in seed_row(reference).columns() if seed_month(c) == month)
                figure = FIGURE_CELL.match(cell_in_column(reference, column))
                assert figure, (reference, column)
                slot["total"] = figure["den"]
            else:
                slot["total"] = totals[(reference, dimension, month)]
    return merged, not_months


def test_every_breakdown_cell_is_transcribed_and_nothing_else():
    merged, _ = merged_breakdowns()
    ours = {
        (r["indicator"], r["month"], r["dimension"], r["category"]): r for r in sample("breakdowns")
    }
    assert set(ours) == set(merged)
    for key, slot in merged.items():
        row = ours[key]
        if "percentage" in slot:
            expected = (slot["percentage"], slot.get("count", ""), slot.get("total", ""))
        else:
            expected = (slot["count"], "", "")
        assert (row["value"], row["numerator"], row["denominator"]) == expected, key


def test_the_overall_row_of_a_breakdown_is_the_indicator_figure():
    _, not_months = merged_breakdowns()
    for reference, category, column, cell in not_months:
        if (reference, category) in BREAKDOWN_OVERALL_ROWS:
            month = seed_month(column)
            assert month is not None, (reference, category, column)
            assert figures()[(reference, month)]["value"] == cell


def test_cells_that_are_not_months_are_kept_in_transcription_notes():
    notes = TRANSCRIPTION.read_text(encoding="utf-8")
    _, not_months = merged_breakdowns()
    expected = [f"| {ref} | {row} | {column} | {cell} |" for ref, row, column, cell in not_months]
    for row in seed_rows():
        for column, cell in row.columns():
            if column.startswith("Rolling") and cell.strip():
                expected.append(f"| {row.reference} | {row.title} | {column} | {cell.strip()} |")
    lines = seed_lines()
    start = lines.index(
        "Date period\tQuarter\tCohort\tNo of yp offending\t% offending (qtr)\t% offending (yr)"
    )
    for line in lines[start + 1 : start + 6]:
        period, quarter, *_, year_to_date = line.split("\t")
        expected.append(f"| 4.12.01 | {period} ({quarter}) | % offending (yr) | {year_to_date} |")
    missing = [line for line in expected if line not in notes]
    assert not missing, missing


def test_tables_that_are_not_transcribed_are_kept_verbatim_in_the_notes():
    notes = TRANSCRIPTION.read_text(encoding="utf-8")
    lines = seed_lines()
    blocks = [
        (lines.index("Table 1: 4.10.01 Looked After Children Attainment"), "England All\t53.7%"),
        (
            lines.index(f"LAC Child Allocations {EN_DASH} by Primary Worker"),
            "Referral & Response CSE Hub\t3.00\t",
        ),
    ]
    checked = 0
    for start, last in blocks:
        for line in lines[start : lines.index(last) + 1]:
            cells = line.split("\t")
            if any(cell.strip() for cell in cells[1:]):
                assert "| " + " | ".join(c.strip() for c in cells) + " |" in notes, line
                checked += 1
    assert checked == 5 + 5 + 22 + 38


def test_every_overview_is_transcribed_without_losing_a_word():
    expected = {}
    for row in seed_rows():
        text = row.overview
        texts = [
            cell.strip()
            for column, cell in row.columns()
            if seed_month(column)
            and cell.strip()
            and printed_figure(row, column, cell.strip()) is None
            and not POINTER.match(cell.strip())
        ]
        if not text and texts:
            (text,) = texts  # a merged cell: the row's text printed in a month column
        if text:
            expected[row.reference] = text
    ours = {row["indicator"]: row["overview"] for row in overviews()}
    assert set(ours) == set(expected)
    for reference, text in expected.items():
        assert plain_words(ours[reference]) == plain_words(text), reference
        assert not re.search(r"</?(p|i|u)>", ours[reference]), reference
        paragraphs = text.count("<p>")
        assert ours[reference].count("\n\n") == max(paragraphs - 1, 0), reference


def narrative_of(code: str) -> dict[str, str]:
    return next(row for row in narratives() if row["section"] == code)


def seed_narratives() -> list[tuple[str, list[str]]]:
    """(heading, text lines) of every section in order; the last section has no heading."""
    lines = seed_lines()
    found = []
    for index, line in enumerate(lines):
        if not is_narrative_heading(line):
            continue
        body = []
        for following in lines[index + 1 :]:
            if "\t" in following or following in RUNNING_HEADERS or is_narrative_heading(following):
                break
            body.append(following)
        found.append((line, body))
    last_table = max(i for i, line in enumerate(lines) if "\t" in line)
    found.append(("", list(lines[last_table + 1 :])))
    return found


def test_every_narrative_is_transcribed_without_losing_a_word():
    sections = sample("sections")
    seed = seed_narratives()
    assert len(seed) == len(sections) == len(narratives())
    managers = sample("managers")
    for section, (heading, body) in zip(sections, seed, strict=True):
        ours = narrative_of(section["code"])
        text = "\n".join(body)
        if "**" in heading:  # the heading runs on into the first bold lines of the narrative
            text = heading[heading.index("**") :] + "\n" + text
        assert plain_words(ours["changes"]) == plain_words(text), section["code"]
        blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
        extra = 1 if "**" in heading else 0  # the run-on bold heading is two paragraphs
        assert len(ours["changes"].split("\n\n")) == len(blocks) + extra, section["code"]
        if heading:
            named = [
                (heading.index(m["last_name"]), m["username"])
                for m in managers
                if m["first_name"] in heading and m["last_name"] in heading
            ]
            assert min(named)[1] == ours["author"], heading
        else:
            assert ours["author"] in section["managers"].split(";")


def test_data_notes_are_printed_text():
    seed = "\n".join(seed_lines())
    notes = [row["data_notes"] for row in narratives() if row["data_notes"]]
    assert notes
    for note in notes:
        assert note in seed, note
