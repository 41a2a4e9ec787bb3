"""The monthly performance report (domain.md, "The report"; the seed `000_…`), from a snapshot.

Cover, then the landscape performance summary, then one portrait part per section. The renderer
only draws: every figure arrives as the text to print.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .. import snapshot
from . import base
from .base import (
    FONT,
    FONT_BOLD,
    LANDSCAPE,
    PORTRAIT,
    Bookmark,
    Deferred,
    VerticalText,
    styles,
)

DISCLAIMER = (
    "<b>Please note:</b> Data reports are not dynamic. Although care is taken to ensure data is "
    "as accurate as possible every month, delays in data input can result in changes in figures "
    "when reports are re-run retrospectively. To combat this <u>at least</u> two individual "
    "months data is rerun for each indicator."
)
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
MAX_COLUMNS = 7  # indicator columns in one monthly table
CHARTS_PER_ROW = 3
CHART_HEIGHT = 100


def render(report: snapshot.Report) -> base.Rendered:
    """The report's PDF."""
    if report["schema"] != snapshot.SCHEMA:
        raise ValueError(f"unknown snapshot schema {report['schema']!r}")
    story: list[Flowable] = [*cover(report), NextPageTemplate(LANDSCAPE), PageBreak()]
    story += [Deferred(functools.partial(summary, report)), NextPageTemplate(PORTRAIT)]
    for number, part in enumerate(report["sections"], 1):
        story.append(Deferred(functools.partial(section, report, part, number)))
    return base.build(story, meta(report))


def meta(report: snapshot.Report) -> base.Meta:
    edition = report["edition"]
    return base.Meta(
        title=report["title"],
        author=report["department"] or edition["created_by"],
        subject=f"{report['title']}, as at month end {report['month_label']}, {edition['label']}",
        footer=f"{report['title']} · {report['month_label']} · {edition['label']}",
        draft=not edition["issued"],
    )


# -- cover --------------------------------------------------------------------------------------


def cover(report: snapshot.Report) -> list[Flowable]:
    sheet = styles()
    edition = report["edition"]
    details = [
        ("Status:", edition["label"]),
        ("Date created:", edition["created_on"]),
        ("Created by:", edition["created_by"]),
    ]
    if edition["signed_off_by"]:
        details.append(("Signed off by:", edition["signed_off_by"]))
    if edition["signed_off_on"]:
        details.append(("Signed off on:", edition["signed_off_on"]))
    table = Table(
        [[Paragraph("<b>Document Details</b>", sheet["body"]), ""]]
        + [[label, Paragraph(escape(value), sheet["body"])] for label, value in details],
        colWidths=[32 * mm, 80 * mm],
        hAlign="LEFT",
        style=[
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            ("SPAN", (0, 0), (1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
            ("BOX", (0, 0), (-1, -1), 0.6, base.RULE),
            ("FONT", (0, 1), (0, -1), FONT_BOLD, 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )
    return [
        Bookmark("cover", "Cover"),
        Spacer(1, 45 * mm),
        Paragraph(escape(report["department"]), base.style("department", 13, textColor=base.NAVY)),
        Spacer(1, 4 * mm),
        Paragraph(escape(report["title"]), base.style("cover", 24, bold=True, textColor=base.NAVY)),
        Spacer(1, 6 * mm),
        Paragraph(f"As at Month End: {escape(report['month_label'])}", base.style("as_at", 15)),
        Spacer(1, 30 * mm),
        Paragraph(DISCLAIMER, base.style("disclaimer", 9.5, leading=13)),
        Spacer(1, 12 * mm),
        table,
    ]


# -- performance summary ------------------------------------------------------------------------


def summary(report: snapshot.Report) -> list[Flowable]:
    intro: list[Flowable] = [
        Bookmark("summary", "Performance summary"),
        Paragraph(
            f"PERFORMANCE SUMMARY {DASH} {escape(report['month_label'].upper())}",
            styles()["title"],
        ),
        keys(report["dot_convention"]),
        Spacer(1, 3 * mm),
    ]
    width, height = base.frame_size(LANDSCAPE)
    used = sum(f.wrap(width, height)[1] + f.getSpaceAfter() for f in intro)
    return intro + summary_tables(report, first_page=height - used)


def keys(convention: str) -> Table:
    """The DOT key and the RAG key, side by side above the summary."""
    sheet = styles()
    text, arrows = DOT_KEYS.get(convention, DOT_KEYS["performance"])
    dot = Table(
        [[Paragraph(text, sheet["small"]), ""]]
        + [[arrow, Paragraph(escape(meaning), sheet["small"])] for arrow, _, meaning in arrows],
        colWidths=[14, 440],
        style=[
            ("SPAN", (0, 0), (1, 0)),
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("FONT", (0, 1), (0, -1), FONT_BOLD, 10),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            *(
                ("TEXTCOLOR", (0, row), (0, row), base.TONE[tone])
                for row, (_, tone, _) in enumerate(arrows, 1)
            ),
        ],
    )
    rag = Table(
        [
            [
                Paragraph(
                    "<b>RAG</b> (in month) against the target and tolerances:", sheet["small"]
                ),
                "",
            ]
        ]
        + [[letter, Paragraph(word, sheet["small"])] for letter, word in RAG_KEY],
        colWidths=[14, 130],
        style=[
            ("SPAN", (0, 0), (1, 0)),
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("FONT", (0, 1), (0, -1), FONT_BOLD, 8),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            *rag_style(1, 0, [letter for letter, _ in RAG_KEY]),
        ],
    )
    return Table(
        [[dot, rag]],
        colWidths=[480, 160],
        hAlign="LEFT",
        style=[
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ],
    )


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


def summary_rows(report: snapshot.Report, widths: list[float]) -> Iterator[Row]:
    arrow = 4 + len(report["summary_months"]) + 1
    for group in report["summary"]:
        title = [group["title"]] + [""] * (len(widths) - 1)
        commands = [
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), base.NAVY),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7),
            ("ALIGN", (0, 0), (-1, 0), "LEFT"),
        ]
        yield Row(title, commands, 7 * 1.2 + 2 * PAD_V, keep_with_next=True)
        for line in group["lines"]:
            cells: list = [line["reference"], Paragraph(escape(line["title"]), styles()["cell"])]
            cells += [line["polarity"], line["data_note"], *line["months"], line["ytd"]]
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
            yield Row(cells, commands, row_height(cells, widths, 8), keep_with_next=False)


def paginate(rows: Iterator[Row], first: float, rest: float) -> list[list[Row]]:
    """Rows cut into pages of the given heights; a row kept with the next moves with it."""
    pages: list[list[Row]] = []
    page: list[Row] = []
    room = first
    for row in rows:
        if page and row.height > room:
            carried: list[Row] = []
            while page and page[-1].keep_with_next:
                carried.insert(0, page.pop())
            if page:
                pages.append(page)
            page, room = carried, rest - sum(r.height for r in carried)
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
        summary_rows(report, widths), first_page - slack, base.frame_size(LANDSCAPE)[1] - slack
    )
    story: list[Flowable] = []
    for page in pages:
        rows, commands = list(header), [*TABLE_BASE, *header_commands]
        for row in page:
            commands += shift(row.commands, len(rows))
            rows.append(row.cells)
        if story:
            story.append(PageBreak())
        story.append(Table(rows, colWidths=widths, repeatRows=2, style=TableStyle(commands)))
    return story


def shift(commands: list[tuple], rows: int) -> list[tuple]:
    """Row-relative style commands moved down by ``rows``."""
    return [
        (name, (start[0], start[1] + rows), (end[0], end[1] + rows), *rest)
        for name, start, end, *rest in commands
    ]


# -- section parts ------------------------------------------------------------------------------


def section(report: snapshot.Report, part: snapshot.SectionPart, number: int) -> list[Flowable]:
    sheet = styles()
    story: list[Flowable] = [
        PageBreak(),
        Bookmark(f"section-{number}", part["title"]),
        Paragraph(escape(part["title"]), sheet["title"]),
    ]
    if part["managers"]:
        story.append(Paragraph("Lead: " + escape(", ".join(part["managers"])), sheet["small"]))
    if part["definition"]:
        story += [Paragraph("DEFINITION", sheet["heading"]), *base.blocks(part["definition"])]
    story += narrative(report, part["narrative"])
    story += monthly_tables(report, part["columns"])
    story += charts(report, part["charts"])
    return story


def narrative(report: snapshot.Report, text: snapshot.NarrativeText) -> list[Flowable]:
    sheet = styles()
    issued = report["edition"]["issued"]
    story: list[Flowable] = [Paragraph("SIGNIFICANT CHANGES / CONCERNS", sheet["heading"])]
    if not text["approved"] and not issued:
        story.append(
            Paragraph(
                f"NOT YET APPROVED {DASH} draft narrative (status: {escape(text['status'])})",
                sheet["notice"],
            )
        )
    if text["changes"].strip():
        story += base.blocks(text["changes"])
    elif not issued:
        story.append(
            Paragraph("No narrative has been written for this section yet.", sheet["small"])
        )
    if text["approved"]:
        who = f" by {escape(text['approved_by'])}" if text["approved_by"] else ""
        when = f" on {escape(text['approved_at'])}" if text["approved_at"] else ""
        story.append(Paragraph(f"Approved{who}{when}", sheet["small"]))
    if text["data_notes"].strip():
        story += base.blocks(DATA_NOTE.sub("", text["data_notes"], count=1), "<b>Data note:</b>")
    return story


def chunks(items: Sequence, most: int) -> list[Sequence]:
    """``items`` in as few runs of at most ``most`` as possible, of near-equal length."""
    if not items:
        return []
    size = math.ceil(len(items) / math.ceil(len(items) / most))
    return [items[start : start + size] for start in range(0, len(items), size)]


def monthly_tables(report: snapshot.Report, columns: list[snapshot.TableColumn]) -> list[Flowable]:
    story: list[Flowable] = []
    for chunk in chunks(columns, MAX_COLUMNS):
        story += [monthly_table(report, chunk), Spacer(1, 4 * mm)]
    if story:
        story.insert(
            0, Paragraph(f"PERFORMANCE BY MONTH, {escape(report['year'])}", styles()["heading"])
        )
    return story


def monthly_table(report: snapshot.Report, columns: Sequence[snapshot.TableColumn]) -> Table:
    """Months down the side, one column per indicator: in month, YTD, trend, benchmarks."""
    sheet = styles()
    band, label = 12, 52
    width = (base.frame_size(PORTRAIT)[0] - band - label) / len(columns)
    header = ["", ""] + [
        Paragraph(f"<b>{escape(c['reference'])}</b><br/>{escape(c['title'])}", sheet["cell_head"])
        for c in columns
    ]
    rows: list[list] = [header]
    bands: list[tuple[str, int]] = []

    def add(name: str, labels: Sequence[str], values: list[list[str]]) -> None:
        bands.append((name, len(labels)))
        for index, text in enumerate(labels):
            rows.append(["", text] + [fit(v[index], width) for v in values])

    add("IN MONTH PERFORMANCE", report["table_months"], [c["months"] for c in columns])
    add("YTD", [report["year"]], [[c["ytd"]] for c in columns])
    add("ANNUAL TREND", report["outturn_years"], [c["outturns"] for c in columns])
    add("BENCHMARKS", report["measures"], [c["benchmarks"] for c in columns])
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
        colWidths=[band, label] + [width] * len(columns),
        rowHeights=[None] + [10] * (len(rows) - 1),
        repeatRows=1,
        style=TableStyle(commands),
    )


def charts(report: snapshot.Report, items: list[snapshot.Chart]) -> list[Flowable]:
    """The monthly trend of each indicator against its target, three charts to a row."""
    if not items:
        return []
    sheet = styles()
    width = base.frame_size(PORTRAIT)[0] / CHARTS_PER_ROW
    rows: list[list] = []
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for start in range(0, len(items), CHARTS_PER_ROW):
        run = items[start : start + CHARTS_PER_ROW]
        padding = [""] * (CHARTS_PER_ROW - len(run))
        # Titles in a row of their own, so that charts under titles of two lines still align.
        commands.append(("NOSPLIT", (0, len(rows)), (-1, len(rows) + 1)))
        rows.append(
            [
                Paragraph(f"<b>{escape(c['reference'])}</b> {escape(c['title'])}", sheet["cell"])
                for c in run
            ]
            + padding
        )
        rows.append(
            [TrendChart(c, report["table_months"], width - 6, CHART_HEIGHT) for c in run] + padding
        )
    note = "Solid line: the month's figure. Dashed green line: the target, where there is one."
    return [
        CondPageBreak(CHART_HEIGHT + 60),  # the heading never alone at a page foot
        Paragraph("TREND AGAINST TARGET", sheet["heading"]),
        Paragraph(note, sheet["small"]),
        Table(rows, colWidths=[width] * CHARTS_PER_ROW, style=commands),
    ]


class TrendChart(Flowable):
    """A chart made when it is drawn and dropped straight after.

    A chart is hundreds of small objects: held for the whole build, as a Drawing in the story
    would be, they only give Python's garbage collector more to walk through on every pass.
    """

    def __init__(self, item: snapshot.Chart, months: Sequence[str], width: float, height: float):
        super().__init__()
        self.item, self.months, self.width, self.height = item, months, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        renderPDF.draw(chart(self.item, self.months, self.width, self.height), self.canv, 0, 0)


def chart(item: snapshot.Chart, months: Sequence[str], width: float, height: float) -> Drawing:
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=6)
    values = item["values"]
    numbers = [v for v in values if v is not None]
    if item["target"] is not None:
        numbers.append(item["target"])
    if not numbers:
        drawing.add(
            String(
                width / 2,
                height / 2,
                "No figures yet",
                fontName=FONT,
                fontSize=7,
                textAnchor="middle",
            )
        )
        return drawing
    plot = HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 24, 24, width - 30, height - 30
    plot.data = [list(values)]
    # Lines are joined series by series: a month's single figure is a point, not a line.
    plot.joinedLines = 0
    if sum(v is not None for v in values) > 1:
        plot.lines[0].lineStyle = "joinedLine"
    plot.lines.strokeWidth = 1.2
    plot.lines[0].strokeColor = base.NAVY
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3, fillColor=base.NAVY)
    if item["target"] is not None:
        plot.data.append([item["target"]] * len(values))
        plot.lines[1].strokeColor = base.GREEN
        plot.lines[1].strokeWidth = 0.8
        plot.lines[1].strokeDashArray = (3, 2)
        plot.lines[1].lineStyle = "joinedLine"
    plot.categoryAxis.categoryNames = list(months)
    # The months are drawn as plain strings: the axis's own label widgets took half the time
    # of the whole chart. Each reads upwards and ends under the middle of its category.
    plot.categoryAxis.visibleLabels = 0
    step = plot.width / len(months)
    for index, month in enumerate(months):
        label = String(0, 0, month, fontName=FONT, fontSize=5, textAnchor="end")
        x = plot.x + (index + 0.5) * step + 1.8
        drawing.add(Group(label, transform=(0, 1, -1, 0, x, plot.y - 3)))
    values_axis = plot.valueAxis
    values_axis.valueMin = min(0, *numbers)
    values_axis.valueMax = max(numbers) * 1.1 if max(numbers) > 0 else 1
    values_axis.labels.fontName, values_axis.labels.fontSize = FONT, 5.5
    decimals = 0 if max(map(abs, numbers)) >= 5 else 1  # small scales keep a decimal place
    values_axis.labelTextFormat = f"%.{decimals}f" + ("%%" if item["percent"] else "")
    values_axis.visibleGrid, values_axis.gridStrokeColor = 1, colors.HexColor("#E4E4E4")
    drawing.add(plot)
    return drawing
