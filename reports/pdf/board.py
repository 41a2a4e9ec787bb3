"""The board report (domain.md "Another council's report"; the seed `004_…`), from a snapshot.

A portrait cover (the board, the meeting's date, DRAFT until issued), an introduction with the
contents table (theme, section, pages, responsible manager, role) and the key to trends, then per
section, on landscape pages: its indicator table (the months shown, each quarter month with its
trend arrow, the target and the Performance Overview beside each indicator), its breakdown tables
and its Head of Service Narrative with its author. The contents' page numbers are the real ones:
the story is laid out once to find where each section starts, then again to print them.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer, Table

from narratives import markup

from .. import snapshot
from . import base
from . import report as monthly
from .base import FONT, FONT_BOLD, LANDSCAPE, PORTRAIT, Bookmark, Deferred, Part, para, styles
from .tags import Container, TableTags

DASH = "\N{EN DASH}"
OVERVIEW_SHARE = 0.36  # of the landscape width: the Performance Overview column
SUB_ROW_INDENT = 8  # points: sub-rows ("a. Foster Care") sit under their parent


class PageMark(Flowable):
    """Records in ``pages`` the page it lands on, under ``key`` (the contents' page numbers)."""

    def __init__(self, pages: dict[str, int], key: str) -> None:
        super().__init__()
        self.pages, self.key = pages, key
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages[self.key] = self.canv.getPageNumber()


def render(stored: Mapping[str, Any]) -> base.Rendered:
    """The board report's PDF: laid out twice, the second time with the contents' pages."""
    report = snapshot.current(stored)  # a stored snapshot of any schema this version reads
    found: dict[str, int] = {}
    first = base.build(story(report, found, {}), monthly.meta(report))
    ranges = page_ranges(report, found, first.pages)
    return base.build(story(report, {}, ranges), monthly.meta(report))


def page_ranges(report: snapshot.Report, starts: dict[str, int], total: int) -> dict[str, str]:
    """Each section's pages as the contents prints them: "3-8", or "32" for one page."""
    board = report["board"]
    assert board is not None
    codes = [part["code"] for part in board["sections"]]
    ranges = {}
    for n, code in enumerate(codes):
        start = starts.get(code)
        if start is None:
            continue
        following = [starts[c] for c in codes[n + 1 :] if c in starts]
        end = (following[0] - 1) if following else (starts.get("end", total + 1) - 1)
        ranges[code] = str(start) if end <= start else f"{start}-{end}"
    return ranges


def story(report: snapshot.Report, found: dict[str, int], ranges: dict[str, str]) -> list[Flowable]:
    board = report["board"]
    assert board is not None
    flowables: list[Flowable] = [*cover(report, board), PageBreak(), *introduction(board, ranges)]
    flowables.append(NextPageTemplate(LANDSCAPE))
    for part in board["sections"]:
        flowables.append(Deferred(functools.partial(section, report, board, part, found)))
    flowables.append(PageMark(found, "end"))
    return flowables


# -- cover and introduction ---------------------------------------------------------------------


def cover(report: snapshot.Report, board: snapshot.Board) -> list[Flowable]:
    edition = report["edition"]
    council = report["council"]
    story: list[Flowable] = [
        Part(""),
        Bookmark("cover", "Cover"),
        Container("Sect", "Cover"),
        Spacer(1, 20 * mm),
        *monthly.logo(council),
    ]
    if council["name"]:
        story.append(
            para(escape(council["name"]), base.style("council_name", 11, textColor=base.GREY_TEXT))
        )
    big = base.style("board_cover", 24, bold=True, textColor=base.NAVY, leading=30)
    story += [
        para(escape(board["board"] or report["framework"]), big, "H1"),
        Spacer(1, 4 * mm),
    ]
    if board["meeting"]:
        story.append(para(escape(long_date(board["meeting"])), base.style("meeting", 15)))
    story += [
        Spacer(1, 8 * mm),
        para(escape(report["title"]), base.style("board_title", 18, bold=True)),
        Spacer(1, 4 * mm),
        para(f"Data as at month end: {escape(report['month_label'])}", base.style("as_at", 12)),
        Spacer(1, 10 * mm),
    ]
    if not edition["issued"]:
        story.append(para("DRAFT", base.style("draft_mark", 20, bold=True, textColor=base.RED)))
    details = [
        ("Status", edition["label"]),
        ("Date created", base.date_text(edition["created_on"])),
        ("Created by", council["team"]),
        ("Signed off by", edition["signed_off_by"]),
        ("Signed off on", base.date_text(edition["signed_off_on"])),
    ]
    story += [
        Spacer(1, 10 * mm),
        para("<b>Document Details</b>", "subheading", "H2"),
        monthly.details_table([(k, v) for k, v in details if v], (32 * mm, 80 * mm)),
        Container(None),
    ]
    return story


def long_date(iso: str) -> str:
    """18 September 2017."""
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def introduction(board: snapshot.Board, ranges: dict[str, str]) -> list[Flowable]:
    story: list[Flowable] = [
        Part("Introduction"),
        Bookmark("introduction", "Introduction"),
        Container("Sect", "Introduction"),
        para("Introduction", "title", "H1"),
        *base.blocks(board["introduction"]),
        Spacer(1, 3 * mm),
        contents_table(board, ranges),
        Spacer(1, 5 * mm),
        para("Key to Trends", "subheading", "H2"),
        key_table(board),
        Container(None),
    ]
    return story


def contents_table(board: snapshot.Board, ranges: dict[str, str]) -> Table:
    sheet = styles()
    cell = sheet["cell"]
    rows: list[list[Any]] = [["Theme", "Section", "Page", "Responsible Manager Narrative", "Role"]]
    theme = None
    for part in board["sections"]:
        shown = part["theme"] if part["theme"] != theme else ""
        theme = part["theme"]
        rows.append(
            [
                Paragraph(escape(shown), cell),
                Paragraph(escape(part["title"]), cell),
                ranges.get(part["code"], ""),
                Paragraph(escape(" / ".join(m["name"] for m in part["managers"])), cell),
                Paragraph(
                    escape(" / ".join(m["role"] for m in part["managers"] if m["role"])), cell
                ),
            ]
        )
    width = base.frame_size(PORTRAIT)[0]
    return Table(
        rows,
        colWidths=[0.17 * width, 0.24 * width, 0.07 * width, 0.22 * width, 0.30 * width],
        repeatRows=1,
        style=[
            *monthly.TABLE_BASE,
            ("ALIGN", (0, 0), (-1, -1), "LEFT"),
            ("ALIGN", (2, 0), (2, -1), "CENTER"),
            ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7),
        ],
        renderCB=TableTags(header_rows=1, header_columns=0, summary="Contents"),
    )


def key_table(board: snapshot.Board) -> Table:
    rows = [["Trend", "Meaning"]] + [[line["arrow"], line["words"]] for line in board["key"]]
    return Table(
        rows,
        colWidths=[36, 250],
        style=[
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("FONT", (0, 1), (0, -1), FONT_BOLD, 10),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
            ("GRID", (0, 0), (-1, -1), 0.25, base.RULE),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *(
                ("TEXTCOLOR", (0, row), (0, row), base.TONE[line["tone"]])
                for row, line in enumerate(board["key"], 1)
            ),
        ],
        renderCB=TableTags(header_rows=1, header_columns=1, summary="Key to trends"),
    )


# -- a section ----------------------------------------------------------------------------------


def section(
    report: snapshot.Report,
    board: snapshot.Board,
    part: snapshot.BoardSection,
    found: dict[str, int],
) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        PageMark(found, part["code"]),
        Part(part["title"]),
        Bookmark(f"section-{part['code']}", part["title"]),
        Container("Sect", part["title"]),
        para(escape(part["theme"]), "small"),
        para(escape(part["title"]), "title", "H1"),
    ]
    if part["managers"]:
        names = "; ".join(
            escape(m["name"] + (f", {m['role']}" if m["role"] else "")) for m in part["managers"]
        )
        story.append(para(f"Responsible manager: {names}", "small"))
    if part["rows"]:
        story += [indicator_table(board, part), Spacer(1, 4 * mm)]
    for table in part["tables"]:
        story += breakdown_table(board, part, table)
    story += narrative(report, part)
    story.append(Container(None))
    return story


def overview_markup(text: str) -> str:
    """A Performance Overview as one cell's markup: paragraphs apart, bullets as "• "."""
    pieces = []
    for block in markup.parse(text):
        if block.kind == "ul":
            pieces.append("<br/>".join(f"• {base.inline(line)}" for line in block.lines))
        else:
            pieces.append("<br/>".join(base.inline(line) for line in block.lines))
    return "<br/><br/>".join(pieces)


def indicator_table(board: snapshot.Board, part: snapshot.BoardSection) -> Table:
    sheet = styles()
    months, start = board["months"], board["trend_from"]
    header = ["Indicator", *snapshot.board_headings(board), "Target", "Performance Overview"]
    width = base.frame_size(LANDSCAPE)[0]
    overview_width = width * OVERVIEW_SHARE
    figure_width, trend_width, target_width = 50, 26, 36
    columns = len(months) * figure_width + (len(months) - start) * trend_width + target_width
    title_width = width - overview_width - columns
    widths = [title_width]
    for n in range(len(months)):
        widths.append(figure_width)
        if n >= start:
            widths.append(trend_width)
    widths += [target_width, overview_width]
    head = [Paragraph(escape(text), sheet["cell_head"]) for text in header]
    rows: list[list[Any]] = [head]
    commands: list[tuple] = [
        *monthly.TABLE_BASE,
        ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    indented = base.style("cell_sub", 6.5, leading=7.6, leftIndent=SUB_ROW_INDENT)
    for r, row in enumerate(part["rows"], 1):
        label = f"<b>{escape(row['reference'])}</b> {escape(row['title'])}"
        if row["sub_row"]:
            label = escape(row["title"])
        cells: list[Any] = [Paragraph(label, indented if row["sub_row"] else sheet["cell"])]
        for n, text in enumerate(snapshot.printed_cells(row)):
            cells.append(monthly.fit(text, figure_width))
            if n >= start:
                trend = row["trends"][n - start]
                column = len(cells)
                cells.append(trend["arrow"])
                if trend["tone"]:
                    commands.append(
                        ("TEXTCOLOR", (column, r), (column, r), base.TONE[trend["tone"]])
                    )
                commands.append(("FONT", (column, r), (column, r), FONT_BOLD, 8))
        cells.append(monthly.fit(row["target"], target_width))
        cells.append(Paragraph(overview_markup(row["overview"]), sheet["cell"]))
        rows.append(cells)
    return Table(
        rows,
        colWidths=widths,
        repeatRows=1,
        style=commands,
        renderCB=TableTags(header_rows=1, header_columns=1, summary=f"{part['title']}: indicators"),
    )


def breakdown_table(
    board: snapshot.Board, part: snapshot.BoardSection, table: snapshot.BreakdownTable
) -> list[Flowable]:
    caption = (
        f"{part['title']} {DASH} Table {table['number']}: {table['reference']} "
        f"{table['title']} by {table['dimension'].lower()}"
    )
    rows: list[list[Any]] = [[table["dimension"], *board["months"]]]
    rows += [[row["category"], *row["cells"]] for row in table["rows"]]
    width = base.frame_size(LANDSCAPE)[0]
    label = min(220.0, width * 0.3)
    sheet = styles()
    rows = [
        [Paragraph(escape(str(row[0])), sheet["cell"]), *row[1:]] if n else row
        for n, row in enumerate(rows)
    ]
    return [
        para(escape(caption), "heading", "H2"),
        Table(
            rows,
            colWidths=[label] + [60] * len(board["months"]),
            hAlign="LEFT",
            repeatRows=1,
            style=[
                *monthly.TABLE_BASE,
                ("BACKGROUND", (0, 0), (-1, 0), base.HEADER_FILL),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 6.5),
                ("ALIGN", (0, 0), (0, -1), "LEFT"),
            ],
            renderCB=TableTags(header_rows=1, header_columns=1, summary=caption),
        ),
        Spacer(1, 3 * mm),
    ]


def narrative(report: snapshot.Report, part: snapshot.BoardSection) -> list[Flowable]:
    """The Head of Service Narrative: its author in the heading, then the monthly report's own
    narrative body (the not-yet-approved notice, the text, who approved it, the data note)."""
    author = part["author"] + (f" {DASH} {part['author_role']}" if part["author_role"] else "")
    heading = "Head of Service Narrative" + (f": {author}" if part["author"] else "")
    body = monthly.narrative(report, part["narrative"])[1:]  # without its monthly heading
    return [para(escape(heading), "heading", "H2"), *body]
