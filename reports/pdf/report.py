"""The monthly performance report (domain.md, "The report"; the seed `000_…`), from a snapshot.

Cover, then the landscape performance summary, then one portrait part per section. The renderer
only draws: every figure arrives as the text to print.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from indicators.charts import Chart

from .. import snapshot
from . import base
from .base import (
    FONT,
    FONT_BOLD,
    LANDSCAPE,
    PORTRAIT,
    Bookmark,
    Deferred,
    Part,
    VerticalText,
    para,
    styles,
)
from .charts import ChartRow
from .tags import Container, TableTags

DOT_KEYS = {
    "performance": (
        "<b>'DOT' - Direction of travel</b> represents the direction of 'performance' since the "
        "previous month with reference to the polarity of 'good' performance for that measure. "
        "Colours have been added to help distinguish better and worse performance. Key below:",
        [
            ("↑", "good", "improvement in performance / increase in numbers"),
            ("→", "same", "no movement - numbers stable with last month"),
            ("↓", "bad", "decline in performance / decrease in numbers"),
        ],
    ),
    "numeric": (
        "<b>'DOT' - Direction of travel</b> shows whether the figure has risen or fallen since "
        "the previous month. Its colour shows whether that is good (green) or bad (red) "
        "performance for the measure. Key below:",
        [
            ("↑", "", "increase"),
            ("↔", "same", "no change"),
            ("↓", "", "decrease"),
        ],
    ),
}
TOLERANCES = (
    ("Red", "cell_head_white"),
    ("Amber", "cell_head"),
    ("Target Green", "cell_head_white"),
)
RAG_KEY = (("R", "Red"), ("A", "Amber"), ("G", "Green"))
# Letter colours chosen for contrast: white on the red and green, black on the amber.
RAG_FILL = {
    "R": (base.RED, colors.white),
    "A": (base.AMBER, colors.black),
    "G": (base.GREEN, colors.white),
}
DATA_NOTE = re.compile(r"^\s*data note\s*:\s*", re.IGNORECASE)
DASH = "\N{EN DASH}"
PAD = 2  # cell padding in the tables, points
PAD_V = 1.0
SLACK = 6  # points kept free on each summary page against a row measured short
CELL_SIZE = 6.5
MAX_COLUMNS = 7  # table columns of figures (an indicator's counts take one) in a monthly table


PARTIAL = "\N{DAGGER}"  # after a YTD built from fewer months than the year so far
CHARTS_PER_ROW = 2  # two to a row: fifteen months stay legible
CHART_HEIGHT = 150


def render(stored: Mapping[str, Any]) -> base.Rendered:
    """The report's PDF."""
    report = snapshot.current(stored)  # a stored snapshot of any schema this version reads
    story: list[Flowable] = [*cover(report), NextPageTemplate(LANDSCAPE), PageBreak()]
    story += [Deferred(functools.partial(summary, report)), NextPageTemplate(PORTRAIT)]
    for number, part in enumerate(report["sections"], 1):
        story.append(Deferred(functools.partial(section, report, part, number)))
    return base.build(story, meta(report))


def meta(report: snapshot.Report) -> base.Meta:
    edition = report["edition"]
    created, modified = base.edition_dates(edition)
    council = report["council"]
    return base.Meta(
        title=report["title"],
        author=council["team"] or council["department"] or council["name"],
        subject=f"{report['title']}, as at month end {report['month_label']}, {edition['label']}",
        footer=f"{report['title']} · {report['month_label']} · {edition['label']}",
        draft=not edition["issued"],
        created=created,
        modified=modified,
    )


# -- cover --------------------------------------------------------------------------------------


def logo(council: snapshot.Council, height: float = 18 * mm) -> list[Flowable]:
    """The council's logo, as a Figure whose text alternative names the council."""
    if not council["logo"]:
        return []
    return [base.logo_figure(council, height), Spacer(1, 6 * mm)]


def details_table(rows: list[tuple[str, str]], widths: tuple[float, float]) -> Table:
    """Label and value rows, each label a row header."""
    sheet = styles()
    return Table(
        [
            [
                Paragraph(f"<b>{escape(label)}</b>", sheet["body"]),
                Paragraph(base.lines(value), sheet["body"]) if value.strip() else "",
            ]
            for label, value in rows
        ],
        colWidths=list(widths),
        hAlign="LEFT",
        renderCB=TableTags(header_rows=0, header_columns=1),
        style=[
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, base.RULE),
            ("BACKGROUND", (0, 0), (0, -1), base.HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )


def cover(report: snapshot.Report) -> list[Flowable]:
    edition = report["edition"]
    council = report["council"]
    details = [
        ("Status", edition["label"]),
        ("Date created", base.date_text(edition["created_on"])),
        ("Created by", council["team"]),
    ]
    if edition["signed_off_by"]:
        details.append(("Signed off by", edition["signed_off_by"]))
    if edition["signed_off_on"]:
        details.append(("Signed off on", base.date_text(edition["signed_off_on"])))
    story: list[Flowable] = [
        Part(""),
        Bookmark("cover", "Cover"),
        Container("Sect", "Cover"),
        Spacer(1, 20 * mm),
        *logo(council),
    ]
    if council["name"]:
        story.append(
            para(escape(council["name"]), base.style("council_name", 11, textColor=base.GREY_TEXT))
        )
    story += [
        para(escape(council["department"]), base.style("department", 13, textColor=base.NAVY)),
        Spacer(1, 4 * mm),
        para(
            escape(report["title"]), base.style("cover", 24, bold=True, textColor=base.NAVY), "H1"
        ),
        Spacer(1, 6 * mm),
        para(f"As at Month End: {escape(report['month_label'])}", base.style("as_at", 15)),
        Spacer(1, 24 * mm),
    ]
    if report["cover_note"].strip():
        note = base.style("disclaimer", 9.5, leading=13, spaceAfter=5)
        story += [*base.blocks(report["cover_note"], style=note), Spacer(1, 10 * mm)]
    story += [
        para("<b>Document Details</b>", "subheading", "H2"),
        details_table([(label, value) for label, value in details if value], (32 * mm, 80 * mm)),
        Container(None),
    ]
    return story


# -- performance summary ------------------------------------------------------------------------


def summary(report: snapshot.Report) -> list[Flowable]:
    title = f"PERFORMANCE SUMMARY {DASH} {report['month_label'].upper()}"
    intro: list[Flowable] = [
        Part("Performance summary"),
        Bookmark("summary", "Performance summary"),
        Container("Sect", "Performance summary"),
        para(escape(title), "title", "H1"),
        *keys(report["dot_convention"]),
        Spacer(1, 2 * mm),
    ]
    width, height = base.frame_size(LANDSCAPE)
    used = sum(f.wrap(width, height)[1] + f.getSpaceAfter() for f in intro)
    return intro + summary_tables(report, first_page=height - used) + [Container(None)]


class SideBySide(Flowable):
    """Flowables drawn next to each other (the two keys), each tagging itself."""

    def __init__(self, items: Sequence[Flowable], gap: float = 18) -> None:
        super().__init__()
        self.items, self.gap = list(items), gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        sizes = [item.wrap(available_width, available_height) for item in self.items]
        self.sizes = sizes
        self.width = sum(w for w, _ in sizes) + self.gap * (len(sizes) - 1)
        self.height = max(h for _, h in sizes)
        return self.width, self.height

    def draw(self) -> None:
        x = 0.0
        for item, (width, height) in zip(self.items, self.sizes, strict=True):
            item.drawOn(self.canv, x, self.height - height)
            x += width + self.gap


def keys(convention: str) -> list[Flowable]:
    """The DOT key, the RAG key and the partial-YTD mark, above the summary."""
    sheet = styles()
    text, arrows = DOT_KEYS.get(convention, DOT_KEYS["performance"])
    key_style = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("FONT", (0, 1), (0, -1), FONT_BOLD, 9),
        ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7),
        ("GRID", (0, 0), (-1, -1), 0.25, base.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    dot = Table(
        [["DOT", "Meaning"]] + [[arrow, meaning] for arrow, _, meaning in arrows],
        colWidths=[26, 250],
        renderCB=TableTags(header_rows=1, header_columns=1),
        style=[
            *key_style,
            *(
                ("TEXTCOLOR", (0, row), (0, row), base.TONE[tone])
                for row, (_, tone, _) in enumerate(arrows, 1)
            ),
        ],
    )
    rag = Table(
        [["RAG", "In month, against the target"]] + [[letter, word] for letter, word in RAG_KEY],
        colWidths=[26, 170],
        renderCB=TableTags(header_rows=1, header_columns=1),
        style=[
            *key_style,
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            *rag_style(1, 0, [letter for letter, _ in RAG_KEY]),
        ],
    )
    partial = Table(
        [["Mark", "Meaning"], [PARTIAL, "YTD from fewer months than the year so far"]],
        colWidths=[26, 175],
        renderCB=TableTags(header_rows=1, header_columns=1),
        style=key_style,
    )
    return [
        para(text, sheet["small"]),
        SideBySide([dot, rag, partial]),
    ]


def rag_style(row: int, column: int, letters: Sequence[str]) -> list[tuple]:
    """Fill and ink of RAG cells going down ``column`` from ``row``."""
    commands: list[tuple] = []
    for offset, letter in enumerate(letters):
        if letter in RAG_FILL:
            fill, ink = RAG_FILL[letter]
            cell = (column, row + offset)
            commands += [("BACKGROUND", cell, cell, fill), ("TEXTCOLOR", cell, cell, ink)]
    return commands


TABLE_BASE = [
    ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
    ("GRID", (0, 0), (-1, -1), 0.25, base.RULE),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ("TOPPADDING", (0, 0), (-1, -1), PAD_V),
    ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_V),
]


@dataclass(frozen=True)
class Row:
    """A row of the summary, its own style commands (as if it were row 0) and its height."""

    cells: list
    commands: list[tuple]
    height: float
    keep_with_next: bool = False


def summary_widths(report: snapshot.Report) -> list[float]:
    fixed = [20, None, 28, 42] + [29] * (len(report["summary_months"]) + 1) + [20, 20]
    fixed += [32, 32, 32] + [30] * len(report["outturn_years"]) + [31] * len(report["measures"])
    rest = base.frame_size(LANDSCAPE)[0] - sum(width for width in fixed if width)
    return [width if width is not None else rest for width in fixed]


def summary_header(report: snapshot.Report) -> tuple[list[list], list[tuple]]:
    """The two header rows: the years over their months, each heading over its columns."""
    sheet = styles()

    def head(text: str, name: str = "cell_head") -> Paragraph:
        return Paragraph(escape(text), sheet[name])

    top: list = [head("NO."), head("INDICATOR"), head("GOOD PERF IS"), head("DATA NOTE")]
    bottom: list = ["", "", "", ""]
    commands: list[tuple] = [("SPAN", (c, 0), (c, 1)) for c in range(4)]
    # The financial years, each over its months; the report's own year also covers YTD.
    years = [*report["summary_years"], report["year"]]
    for start, year in enumerate(years):
        if start and year == years[start - 1]:
            continue
        end = start
        while end + 1 < len(years) and years[end + 1] == year:
            end += 1
        top += [head(year.replace("/", " / "))] + [""] * (end - start)
        commands.append(("SPAN", (4 + start, 0), (4 + end, 0)))
    bottom += [head(month) for month in report["summary_months"]] + [head("YTD")]
    for name in ("DOT", "RAG"):
        commands.append(("SPAN", (len(top), 0), (len(top), 1)))
        top.append(head(name))
        bottom.append("")
    groups = [
        ("Target and Tolerances", [head(name, ink) for name, ink in TOLERANCES]),
        ("YR ON YR TREND", [head(year) for year in report["outturn_years"]]),
        ("LATEST BENCHMARKING", [head(measure) for measure in report["measures"]]),
    ]
    for heading, names in groups:
        commands.append(("SPAN", (len(top), 0), (len(top) + len(names) - 1, 0)))
        top += [head(heading)] + [""] * (len(names) - 1)
        bottom += names
    commands = [("BACKGROUND", (0, 0), (-1, 1), base.HEADER_FILL), *commands]
    # The tolerance headings in their own colours, as the seed prints them.
    tolerance = 4 + len(years) + 2
    for offset, fill in enumerate((base.RED, base.AMBER, base.GREEN)):
        cell = (tolerance + offset, 1)
        commands.append(("BACKGROUND", cell, cell, fill))
    return [top, bottom], commands


def fit(text: str, width: float) -> str | Paragraph:
    """Plain text when it fits the column on one line (far cheaper to lay out), else wrapped."""
    if base.width_of(text, CELL_SIZE) <= width - 2 * PAD:
        return text
    return Paragraph(escape(text), styles()["cell_centre"])


def row_height(cells: Sequence, widths: Sequence[float], text_size: float) -> float:
    """The height the table will give the row, measured as ReportLab's Table measures it."""
    height = text_size * 1.2
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, Paragraph):
            height = max(height, cell.wrap(width - 2 * PAD, 10_000)[1])
    return height + 2 * PAD_V


def group_band(title: str, columns: int) -> Row:
    """A section's band across the summary."""
    commands = [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), base.NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7),
        ("ALIGN", (0, 0), (-1, 0), "LEFT"),
    ]
    return Row([title] + [""] * (columns - 1), commands, 7 * 1.2 + 2 * PAD_V, keep_with_next=True)


def summary_rows(report: snapshot.Report, widths: list[float]) -> Iterator[tuple[str, Row]]:
    """Each row of the summary with the title of the section it belongs to."""
    arrow = 4 + len(report["summary_months"]) + 1
    for group in report["summary"]:
        yield group["title"], group_band(group["title"], len(widths))
        for line in group["lines"]:
            ytd = line["ytd"] + (f" {PARTIAL}" if line.get("ytd_partial") else "")
            cells: list = [line["reference"], Paragraph(escape(line["title"]), styles()["cell"])]
            cells += [line["polarity"], line["data_note"], *line["months"], ytd]
            cells += [line["dot"]["arrow"], line["rag"], line["red"], line["amber"], line["green"]]
            cells += [*line["outturns"], *line["benchmarks"]]
            cells[2:] = [
                fit(text, width) for text, width in zip(cells[2:], widths[2:], strict=True)
            ]
            tone = base.TONE.get(line["dot"]["tone"], colors.black)
            commands = [
                ("FONT", (arrow, 0), (arrow + 1, 0), FONT_BOLD, 8),
                ("TEXTCOLOR", (arrow, 0), (arrow, 0), tone),
                *rag_style(0, arrow + 1, [line["rag"]]),
            ]
            yield group["title"], Row(cells, commands, row_height(cells, widths, 8))


def paginate(
    rows: Sequence[tuple[str, Row]], first: float, rest: float, columns: int
) -> list[list[Row]]:
    """Rows cut into pages of the given heights. A band moves to the next page with the row
    after it; a page that opens in the middle of a section opens with its band "(continued)";
    and the pages are balanced so that the last is not left with a row or two."""
    pages = _cut(rows, first, rest, columns, rest)
    if len(pages) > 1:
        # The least room per page that still needs no more pages: the rows spread evenly.
        low, high = max(row.height for _, row in rows), rest
        while high - low > 2:
            middle = (low + high) / 2
            if len(_cut(rows, first, rest, columns, middle)) <= len(pages):
                high = middle
            else:
                low = middle
        pages = _cut(rows, first, rest, columns, high)
    return pages


def _cut(
    rows: Sequence[tuple[str, Row]], first: float, rest: float, columns: int, most: float
) -> list[list[Row]]:
    pages: list[list[Row]] = []
    page: list[Row] = []
    room = min(first, most)
    for index, (group, row) in enumerate(rows):
        if page and row.height > room:
            carried: list[Row] = []
            while page and page[-1].keep_with_next:
                carried.insert(0, page.pop())
            if page:
                pages.append(page)
            if not carried and index and not row.keep_with_next:
                carried = [group_band(f"{group} (continued)", columns)]
            page, room = carried, min(rest, most) - sum(r.height for r in carried)
        page.append(row)
        room -= row.height
    if page:
        pages.append(page)
    return pages


def summary_tables(report: snapshot.Report, first_page: float) -> list[Flowable]:
    """The summary as one table per page, each with the header rows.

    ReportLab splits a long table at each page break by measuring again every row left, which
    costs the square of the length (the whole 4x report took 4.8 times as long). Measuring each
    row once and cutting the pages here keeps the cost in line with the content; a table that
    still overflows (were a row measured short) splits as usual, repeating its header rows.
    """
    widths = summary_widths(report)
    header, header_commands = summary_header(report)
    header_height = Table(header, colWidths=widths, style=TABLE_BASE + header_commands).wrap(
        *base.frame_size(LANDSCAPE)
    )[1]
    slack = header_height + SLACK
    pages = paginate(
        list(summary_rows(report, widths)),
        first_page - slack,
        base.frame_size(LANDSCAPE)[1] - slack,
        len(widths),
    )
    story: list[Flowable] = []
    for page in pages:
        rows, commands = list(header), [*TABLE_BASE, *header_commands]
        for row in page:
            commands += shift(row.commands, len(rows))
            rows.append(row.cells)
        if story:
            story.append(PageBreak())
        story.append(
            Table(
                rows,
                colWidths=widths,
                repeatRows=2,
                style=TableStyle(commands),
                renderCB=TableTags(header_rows=2, header_columns=1),
            )
        )
    return story


def shift(commands: list[tuple], rows: int) -> list[tuple]:
    """Row-relative style commands moved down by ``rows``."""
    return [
        (name, (start[0], start[1] + rows), (end[0], end[1] + rows), *rest)
        for name, start, end, *rest in commands
    ]


# -- section parts ------------------------------------------------------------------------------


def section(report: snapshot.Report, part: snapshot.SectionPart, number: int) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        Part(part["title"]),
        Bookmark(f"section-{number}", part["title"]),
        Container("Sect", part["title"]),
        para(escape(part["title"]), "title", "H1"),
    ]
    if part["managers"]:
        story.append(para("Lead: " + escape(", ".join(part["managers"])), "small"))
    if part["definition"]:
        story += [para("DEFINITION", "heading", "H2"), *base.blocks(part["definition"])]
    story += narrative(report, part["narrative"])
    story += monthly_tables(report, part["columns"])
    story += charts(report, part)
    story.append(Container(None))
    return story


def narrative(report: snapshot.Report, text: snapshot.NarrativeText) -> list[Flowable]:
    issued = report["edition"]["issued"]
    story: list[Flowable] = [para("SIGNIFICANT CHANGES / CONCERNS", "heading", "H2")]
    if not text["approved"] and not issued:
        story.append(
            para(
                f"NOT YET APPROVED {DASH} draft narrative (status: {escape(text['status'])})",
                "notice",
            )
        )
    if text["changes"].strip():
        story += base.blocks(text["changes"])
    elif not issued:
        story.append(para("No narrative has been written for this section yet.", "small"))
    if text["approved"]:
        who = f" by {escape(text['approved_by'])}" if text["approved_by"] else ""
        on = base.date_text(text["approved_at"])
        when = f" on {escape(on)}" if on else ""
        story.append(para(f"Approved{who}{when}", "small"))
    if text["data_notes"].strip():
        story += base.blocks(DATA_NOTE.sub("", text["data_notes"], count=1), "<b>Data note:</b>")
    return story


def chunks(items: Sequence, most: int) -> list[Sequence]:
    """``items`` in as few runs of at most ``most`` as possible, of near-equal length."""
    if not items:
        return []
    size = math.ceil(len(items) / math.ceil(len(items) / most))
    return [items[start : start + size] for start in range(0, len(items), size)]


def width_units(column: snapshot.TableColumn) -> int:
    """Table columns an indicator takes: two when its counts print beside its figures."""
    return 2 if column["month_counts"] else 1


def monthly_tables(report: snapshot.Report, columns: list[snapshot.TableColumn]) -> list[Flowable]:
    story: list[Flowable] = []
    runs: list[list[snapshot.TableColumn]] = []
    for chunk in chunks(columns, MAX_COLUMNS):
        run: list[snapshot.TableColumn] = []
        for column in chunk:
            if run and sum(map(width_units, run)) + width_units(column) > MAX_COLUMNS:
                runs.append(run)
                run = []
            run.append(column)
        runs.append(run)
    for run in runs:
        story += [monthly_table(report, run), Spacer(1, 4 * mm)]
    if story:
        heading = f"PERFORMANCE BY MONTH, {escape(report['table_months'][0])} {DASH} "
        heading += escape(report["table_months"][-1])
        story.insert(0, para(heading, "heading", "H2"))
    return story


def monthly_table(report: snapshot.Report, columns: Sequence[snapshot.TableColumn]) -> Table:
    """Months down the side, one column per indicator (and its counts beside it, where it has
    them): in month, YTD, annual trend, benchmarks."""
    sheet = styles()
    band, label = 12, 52
    units = sum(map(width_units, columns))
    width = (base.frame_size(PORTRAIT)[0] - band - label) / units
    header: list = ["", Paragraph("Month or year", sheet["cell_head"])]
    values: list[tuple[list[str], list[str], list[str], list[str]]] = []
    for c in columns:
        title = f"<b>{escape(c['reference'])}</b><br/>{escape(c['title'])}"
        ytd = c["ytd"] + (f" {PARTIAL}" if c["ytd_partial"] else "")
        if c["month_counts"]:
            header.append(
                Paragraph(f"<b>{escape(c['reference'])}</b><br/>Count (n of N)", sheet["cell_head"])
            )
            values.append(
                (
                    c["month_counts"],
                    [c["ytd_count"]],
                    c["outturn_counts"],
                    [""] * len(c["benchmarks"]),
                )
            )
        header.append(Paragraph(title, sheet["cell_head"]))
        values.append((c["months"], [ytd], c["outturns"], c["benchmarks"]))
    rows: list[list] = [header]
    bands: list[tuple[str, int]] = []

    def add(name: str, labels: Sequence[str], index: int) -> None:
        bands.append((name, len(labels)))
        for row, text in enumerate(labels):
            rows.append(["", text] + [fit(v[index][row], width) for v in values])

    add("IN MONTH PERFORMANCE", report["table_months"], 0)
    add("YTD", [report["year"]], 1)
    add("ANNUAL TREND", report["outturn_years"], 2)
    add("BENCHMARKS", report["measures"], 3)
    commands = [*TABLE_BASE, ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL)]
    commands += [
        ("BACKGROUND", (0, 1), (1, -1), base.BAND_FILL),
        ("FONT", (1, 1), (1, -1), FONT_BOLD, 5.5),
    ]
    start = 1
    for name, count in bands:
        rows[start][0] = VerticalText(name, 4.5) if count > 1 else name[:3]
        commands += [
            ("SPAN", (0, start), (0, start + count - 1)),
            ("LINEABOVE", (0, start), (-1, start), 0.9, base.NAVY),
        ]
        start += count
    commands.append(("FONT", (0, 1), (0, -1), FONT_BOLD, 5))
    return Table(
        rows,
        colWidths=[band, label] + [width] * units,
        rowHeights=[None] + [10] * (len(rows) - 1),
        repeatRows=1,
        style=TableStyle(commands),
        renderCB=TableTags(header_rows=1, header_columns=2),
    )


def latest_texts(part: snapshot.SectionPart, chart: Chart) -> list[str]:
    """Each series' latest figure as the table prints it."""
    columns = {column["reference"]: column for column in part["columns"]}
    texts = []
    for series in chart["series"]:
        column = columns.get(series["reference"])
        valued = [i for i, v in enumerate(series["values"]) if v is not None]
        texts.append(column["months"][valued[-1]] if column and valued else "")
    return texts


def charts(report: snapshot.Report, part: snapshot.SectionPart) -> list[Flowable]:
    """The section's charts over the table's months, two to a row; rows flow with the section."""
    items = part["charts"]
    if not items:
        return []
    width = base.frame_size(PORTRAIT)[0]
    note = (
        "Each chart shows the monthly figures with the latest labelled; a dashed green line "
        "is the target, a green band a target range."
    )
    months = report["table_months"]
    story: list[Flowable] = [
        para(f"TRENDS, {escape(months[0])} {DASH} {escape(months[-1])}", "heading", "H2"),
        para(note, "note"),
    ]
    for start in range(0, len(items), CHARTS_PER_ROW):
        run = items[start : start + CHARTS_PER_ROW]
        story.append(
            ChartRow(
                [(chart, latest_texts(part, chart)) for chart in run],
                report["table_months"],
                width,
                CHARTS_PER_ROW,
                CHART_HEIGHT,
            )
        )
        story.append(Spacer(1, 3 * mm))
    return story
