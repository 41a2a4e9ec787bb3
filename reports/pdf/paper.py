"""The covering paper that takes the report to the panel (after the seed `002_…`).

Front matter as the council's cover sheet prints it, then the numbered body: every heading of
the seed, each field's text as numbered paragraphs, and 3 Key Issues from the sections'
narratives (one numbered paragraph per paragraph or bullet point, in the report's order). The
fields and their headings are ``reports.papers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from narratives import markup

from .. import papers, snapshot
from . import base
from .base import Bookmark, inline, para, styles
from .tags import Container, TableTags

DASH = "\N{EN DASH}"


def render(stored: Mapping[str, Any]) -> base.Rendered:
    """The covering paper's PDF."""
    report = snapshot.current(stored)  # a stored snapshot of any schema this version reads
    paper = report["paper"]
    story: list[Flowable] = [*front(report)]
    story += [
        PageBreak(),  # the cover sheet is a page of its own, as the council prints it
        Container("Sect", "Report"),
        Bookmark("body", f"Title: {paper['title'] or report['title']}"),
        para(f"Title: {escape(paper['title'] or report['title'])}", "title", "H1"),
    ]
    for number, field in papers.BODY:
        if number == papers.KEY_ISSUES[0] + 1:
            story += key_issues(report)
        story += numbered(number, field.label, base.paragraphs(paper[field.key]))  # type: ignore[literal-required]
    story.append(Container(None))
    return base.build(story, meta(report))


def meta(report: snapshot.Report) -> base.Meta:
    edition = report["edition"]
    created, modified = base.edition_dates(edition)
    title = report["paper"]["title"] or report["title"]
    council = report["council"]
    return base.Meta(
        title=title,
        author=report["paper"]["authors"].replace("\n", "; ") or council["team"] or council["name"],
        subject=f"{report['title']}, as at month end {report['month_label']}, {edition['label']}",
        footer=f"Council Report · {title} · {edition['label']}",
        draft=not edition["issued"],
        created=created,
        modified=modified,
    )


def appendix(report: snapshot.Report) -> str:
    return escape(f"Appendix A {DASH} {report['title']} {DASH} {report['month_label']}")


def field_rows(report: snapshot.Report, fields: tuple[papers.Field, ...]) -> list[tuple[str, str]]:
    """Each field's label and text; an empty one printed empty, as the seed prints it (an
    issue is refused while a required one is empty)."""
    paper = report["paper"]
    return [(f.label, paper[f.key]) for f in fields]  # type: ignore[literal-required]


def details(rows: list[tuple[str, str]]) -> Table:
    sheet = styles()
    label = 62 * mm
    return Table(
        [
            [
                Paragraph(f"<b>{escape(name)}</b>", sheet["body"]),
                Paragraph(base.lines(value), sheet["body"]) if value.strip() else "",
            ]
            for name, value in rows
        ],
        colWidths=[label, base.frame_size(base.PORTRAIT)[0] - label],
        renderCB=TableTags(header_rows=0, header_columns=1),
        style=[
            ("FONT", (0, 0), (-1, -1), base.FONT, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, base.RULE),
            ("BACKGROUND", (0, 0), (0, -1), base.HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )


def front(report: snapshot.Report) -> list[Flowable]:
    """The cover sheet: council, title, meeting, key decision, authors, wards; Summary,
    Recommendations, appendices, background papers and the other questions of the seed."""
    paper = report["paper"]
    council = report["council"]
    story: list[Flowable] = [
        Bookmark("cover", "Council Report"),
        Container("Sect", "Council Report"),
    ]
    if council["logo"]:
        story += [base.logo_figure(council, 16 * mm), Spacer(1, 3 * mm)]
    if council["name"]:
        story.append(
            para(escape(council["name"]), base.style("council_name", 10, textColor=base.GREY_TEXT))
        )
    story += [
        para("Council Report", base.style("council", 11, bold=True, textColor=base.GREY_TEXT)),
        Spacer(1, 2 * mm),
        para(escape(paper["title"] or report["title"]), "title", "H1"),
        details(
            [
                *field_rows(report, papers.FRONT[1:]),
                ("Status", report["edition"]["label"]),
                ("Date", base.date_text(report["edition"]["created_on"])),
            ]
        ),
        Spacer(1, 4 * mm),
    ]
    # The cover sheet's Summary and Recommendations number their paragraphs, not themselves.
    story += numbered(1, papers.SUMMARY.label, base.paragraphs(paper["summary"]), titled=False)
    story += numbered(
        2, papers.RECOMMENDATIONS.label, base.paragraphs(paper["recommendations"]), titled=False
    )
    story += [
        Bookmark("appendices", "List of Appendices Included"),
        para("List of Appendices Included", "part", "H2"),
        para(appendix(report)),
        Spacer(1, 2 * mm),
        details(field_rows(report, papers.FRONT_AFTER)),
        Container(None),
    ]
    return story


def numbered(number: int, heading: str, texts: list[str], titled: bool = True) -> list[Flowable]:
    """A numbered section: its heading and paragraphs N.1, N.2, … (given as markup). A field
    left empty prints an empty section: issuing refuses it (``papers.missing_fields``)."""
    title = f"{number}. {heading}" if titled else heading
    story: list[Flowable] = [
        Bookmark(f"part-{number}-{heading}", title),
        para(escape(title), "part", "H2"),
    ]
    for index, text in enumerate(texts, 1):
        story.append(para(text, "numbered", bulletText=f"{number}.{index}"))
    return story


def key_issues(report: snapshot.Report) -> list[Flowable]:
    """3. Key Issues: a sub-heading per section with narrative text, a paragraph per point."""
    number, heading = papers.KEY_ISSUES
    story: list[Flowable] = [
        Bookmark(f"part-{number}", f"{number}. {heading}"),
        para(f"{number}. {heading}", "part", "H2"),
    ]
    issued = report["edition"]["issued"]
    parts = [part for part in report["sections"] if part["narrative"]["changes"].strip()]
    for index, part in enumerate(parts, 1):
        text = part["narrative"]
        story.append(para(f"{number}.{index} {escape(part['title'])}", "subheading", "H3"))
        if not text["approved"] and not issued:
            story.append(
                para(
                    f"Not yet approved {DASH} draft narrative (status: {escape(text['status'])})",
                    "small",
                )
            )
        points = []
        for block in markup.parse(text["changes"]):
            if block.kind == "ul":
                points += [inline(line) for line in block.lines]
            else:
                points.append("<br/>".join(inline(line) for line in block.lines))
        for point, body in enumerate(points, 1):
            story.append(para(body, "numbered_deep", bulletText=f"{number}.{index}.{point}"))
    if not parts:
        story.append(
            para("No narrative has been written yet.", "numbered", bulletText=f"{number}.1")
        )
    return story
