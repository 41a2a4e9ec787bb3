"""The covering paper that takes the report to the panel (after the seed `002_…`).

Its own fields come from the snapshot's ``paper``; its key issues are the sections' narratives,
one numbered paragraph per paragraph or bullet point, in the report's order.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from narratives import markup

from .. import snapshot
from . import base
from .base import Bookmark, inline, styles

NOT_GIVEN = "To be confirmed."
DASH = "\N{EN DASH}"


def render(report: snapshot.Report) -> base.Rendered:
    """The covering paper's PDF."""
    if report["schema"] != snapshot.SCHEMA:
        raise ValueError(f"unknown snapshot schema {report['schema']!r}")
    paper = report["paper"]
    story: list[Flowable] = [*front(report)]
    story += numbered(1, "Summary", base.paragraphs(paper["summary"]))
    story += numbered(2, "Recommendations", base.paragraphs(paper["recommendations"]))
    story += key_issues(report)
    story += numbered(4, "Implications", base.paragraphs(paper["implications"]))
    story += numbered(5, "Risks and Mitigation", base.paragraphs(paper["risks"]))
    story += numbered(6, "Accountable Officer(s)", base.paragraphs(paper["accountable_officers"]))
    story += [
        Bookmark("appendices", "List of appendices"),
        Paragraph("List of Appendices Included", styles()["part"]),
        Paragraph(appendix(report), styles()["body"]),
    ]
    return base.build(story, meta(report))


def meta(report: snapshot.Report) -> base.Meta:
    edition = report["edition"]
    title = report["paper"]["title"] or report["title"]
    return base.Meta(
        title=title,
        author=report["paper"]["authors"] or report["department"] or edition["created_by"],
        subject=f"{report['title']}, as at month end {report['month_label']}, {edition['label']}",
        footer=f"Council Report · {title} · {edition['label']}",
        draft=not report["edition"]["issued"],
    )


def appendix(report: snapshot.Report) -> str:
    return escape(f"Appendix A {DASH} {report['title']} {DASH} {report['month_label']}")


def front(report: snapshot.Report) -> list[Flowable]:
    sheet = styles()
    paper = report["paper"]
    details = [
        ("Meeting", paper["meeting"]),
        ("Report Author(s)", paper["authors"]),
        ("Status", report["edition"]["label"]),
    ]
    rows = [
        [Paragraph(f"<b>{label}</b>", sheet["body"]), Paragraph(lines(value), sheet["body"])]
        for label, value in details
        if value
    ]
    table = Table(
        rows,
        colWidths=[38 * mm, base.frame_size(base.PORTRAIT)[0] - 38 * mm],
        style=[
            ("FONT", (0, 0), (-1, -1), base.FONT, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, base.RULE),
            ("BACKGROUND", (0, 0), (0, -1), base.HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )
    return [
        Bookmark("cover", "Council Report"),
        Paragraph("Council Report", base.style("council", 11, bold=True, textColor=base.GREY_TEXT)),
        Spacer(1, 2 * mm),
        Paragraph(escape(paper["title"] or report["title"]), sheet["title"]),
        table,
        Spacer(1, 4 * mm),
    ]


def lines(text: str) -> str:
    """Plain text as one paragraph's markup, keeping its line breaks."""
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines() if line.strip())


def numbered(number: int, heading: str, texts: list[str]) -> list[Flowable]:
    """A numbered section: its heading and paragraphs N.1, N.2, … (given as markup)."""
    sheet = styles()
    story: list[Flowable] = [
        Bookmark(f"part-{number}", f"{number}. {heading}"),
        Paragraph(f"{number}. {escape(heading)}", sheet["part"]),
    ]
    for index, text in enumerate(texts or [escape(NOT_GIVEN)], 1):
        story.append(Paragraph(text, sheet["numbered"], f"{number}.{index}"))
    return story


def key_issues(report: snapshot.Report) -> list[Flowable]:
    """3. Key Issues: a sub-heading per section with narrative text, a paragraph per point."""
    sheet = styles()
    story: list[Flowable] = [
        Bookmark("part-3", "3. Key Issues"),
        Paragraph("3. Key Issues", sheet["part"]),
    ]
    issued = report["edition"]["issued"]
    parts = [part for part in report["sections"] if part["narrative"]["changes"].strip()]
    for index, part in enumerate(parts, 1):
        text = part["narrative"]
        story.append(Paragraph(f"3.{index} {escape(part['title'])}", sheet["subheading"]))
        if not text["approved"] and not issued:
            story.append(
                Paragraph(
                    f"Not yet approved {DASH} draft narrative (status: {escape(text['status'])})",
                    sheet["small"],
                )
            )
        points = []
        for block in markup.parse(text["changes"]):
            if block.kind == "ul":
                points += [inline(line) for line in block.lines]
            else:
                points.append("<br/>".join(inline(line) for line in block.lines))
        for point, body in enumerate(points, 1):
            story.append(Paragraph(body, sheet["numbered_deep"], f"3.{index}.{point}"))
    if not parts:
        story.append(Paragraph("No narrative has been written yet.", sheet["numbered"], "3.1"))
    return story
