"""What the report and its covering paper share: fonts, styles, page templates and page furniture.

A document is a story of flowables built onto portrait and landscape A4 templates. The canvas
holds every page back until the end of the build so that one pass can print "Page N of M" (a
second ``multiBuild`` pass would lay the whole story out again), and so it also places the
outline's bookmarks, which otherwise would all point at the page not yet numbered.
"""

from __future__ import annotations

import base64
import datetime
import functools
import importlib.util
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageTemplate, Paragraph

from narratives import markup

from .. import snapshot
from . import tags

# Streams are written as binary zlib, not also wrapped in ASCII85: a 7-bit transport encoding our
# PDFs (files, HTTP downloads) never need, a quarter bigger, and without ReportLab's optional C
# accelerator the largest cost of saving (most of the time the 4x report spent in save()).
rl_config.useA85 = 0
# Chart shapes check every attribute as it is set: a help while a chart is being written, a
# third of the charts' rendering time, and the same bytes without it (tests/test_pdf_settings.py).
# The check is compiled into the shapes when reportlab.graphics.shapes is first imported, which
# nothing does before this module (the charts import it after base).
rl_config.shapeChecking = 0

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PORTRAIT = "portrait"
LANDSCAPE = "landscape"
MARGIN = 14 * mm
FOOTER_Y = 8 * mm
FRAME_BOTTOM = FOOTER_Y + 14

# Council-report palette; text on every filled colour keeps a contrast ratio of at least 4.5:1.
NAVY = colors.HexColor("#1F3864")
HEADER_FILL = colors.HexColor("#D9E2F3")
BAND_FILL = colors.HexColor("#EDF1F8")
RULE = colors.HexColor("#8EA3C7")
GREY_TEXT = colors.HexColor("#595959")
RED = colors.HexColor("#C00000")
AMBER = colors.HexColor("#FFC000")
GREEN = colors.HexColor("#1E7B34")
NOTICE_FILL = colors.HexColor("#FFF4CE")
NOTICE_EDGE = colors.HexColor("#B26B00")
WATERMARK = colors.HexColor("#E2E2E2")
TONE = {"good": GREEN, "bad": RED, "same": GREY_TEXT, "": colors.black}


@dataclass(frozen=True)
class Rendered:
    """A built PDF and its number of pages."""

    content: bytes
    pages: int


@dataclass(frozen=True)
class Meta:
    """The PDF's document information and the words of its footer."""

    title: str
    author: str
    subject: str
    footer: str  # printed before "Page N of M"
    draft: bool
    created: datetime.date  # the edition's own dates, never the day it was rendered
    modified: datetime.date
    language: str = "en-GB"


def edition_dates(edition: snapshot.Edition) -> tuple[datetime.date, datetime.date]:
    """When the edition was created, and when it last changed: signed off, or issued."""
    created = datetime.date.fromisoformat(edition["created_on"])
    signed = edition["signed_off_on"]
    modified = max(created, datetime.date.fromisoformat(signed)) if signed else created
    return created, modified


def date_text(value: str) -> str:
    return snapshot.date_text(value)


# -- fonts and styles --------------------------------------------------------------------------


def font_dir() -> Path:
    """DejaVu Sans as matplotlib ships it; found without importing matplotlib (slow to import)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (which ships the DejaVu fonts) is not installed")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


@functools.cache
def register_fonts() -> None:
    """Register DejaVu Sans once per process, as a family so that <b> picks the bold face."""
    folder = font_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def style(name: str, size: float = 9, *, bold: bool = False, **kwargs: Any) -> ParagraphStyle:
    kwargs.setdefault("leading", round(size * 1.25, 2))
    # Bullets and paragraph numbers are drawn in their own font: Helvetica unless told.
    kwargs.setdefault("bulletFontName", FONT)
    kwargs.setdefault("bulletFontSize", size)
    return ParagraphStyle(name, fontName=FONT_BOLD if bold else FONT, fontSize=size, **kwargs)


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The shared paragraph styles, made once: Paragraph reads them, never changes them."""
    register_fonts()
    return {
        "body": style("body", 9, spaceAfter=5),
        "bullet": style("bullet", 9, leftIndent=12, bulletIndent=3, spaceAfter=3),
        "small": style("small", 7.5, textColor=GREY_TEXT, spaceAfter=4),
        # A note that stays with what follows it (a chart's legend note, say).
        "note": style("note", 7.5, textColor=GREY_TEXT, spaceAfter=4, keepWithNext=1),
        "heading": style(
            "heading", 9, bold=True, textColor=NAVY, spaceBefore=8, spaceAfter=4, keepWithNext=1
        ),
        "chart_title": style("chart_title", 7, bold=True, textColor=NAVY, leading=8.5),
        "running": style("running", 7.5, bold=True, textColor=GREY_TEXT),
        "title": style("title", 15, bold=True, textColor=NAVY, spaceAfter=8),
        "notice": style(
            "notice",
            8.5,
            bold=True,
            textColor=colors.HexColor("#5C3700"),
            backColor=NOTICE_FILL,
            borderColor=NOTICE_EDGE,
            borderWidth=0.8,
            borderPadding=(4, 5, 4, 5),
            spaceBefore=6,
            spaceAfter=10,
        ),
        "numbered": style("numbered", 9.5, leftIndent=30, spaceAfter=6),
        "numbered_deep": style("numbered_deep", 9.5, leftIndent=40, spaceAfter=6),
        "part": style(
            "part", 11, bold=True, textColor=NAVY, spaceBefore=10, spaceAfter=5, keepWithNext=1
        ),
        "subheading": style(
            "subheading", 9.5, bold=True, textColor=NAVY, spaceAfter=5, keepWithNext=1
        ),
        "cell": style("cell", 6.5, leading=7.6),
        "cell_centre": style("cell_centre", 6.5, leading=7.6, alignment=TA_CENTER),
        "cell_head": style("cell_head", 5.5, bold=True, leading=6.6, alignment=TA_CENTER),
        "cell_head_white": style(
            "cell_head_white",
            5.5,
            bold=True,
            leading=6.6,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
    }


def inline(text: str) -> str:
    """One line of user text as Paragraph markup: escaped first, then ``**bold**`` as <b>."""
    return markup.BOLD.sub(r"<b>\g<text></b>", escape(text))


def para(
    text: str, style: ParagraphStyle | str = "body", role: str = "P", **kwargs: Any
) -> Flowable:
    """A paragraph (markup) tagged as ``role``: P, H1, H2, Caption, …"""
    sheet = styles()
    return tags.Tagged(
        Paragraph(text, sheet[style] if isinstance(style, str) else style, **kwargs), role
    )


def bullet_list(lines: list[str], style: str = "bullet") -> list[Flowable]:
    """Bullet points (markup) as a list: L > LI > LBody."""
    sheet = styles()
    return [
        tags.Container("L"),
        *(
            tags.Tagged(Paragraph(line, sheet[style], "•"), "LBody", parents=["LI"])
            for line in lines
        ),
        tags.Container(None),
    ]


def blocks(text: str, prefix: str = "", style: ParagraphStyle | str = "body") -> list[Flowable]:
    """Narrative markup as paragraphs and bullet points; ``prefix`` (markup) opens the first."""
    story: list[Flowable] = []
    for block in markup.parse(text):
        if block.kind == "ul":
            story.extend(bullet_list([inline(line) for line in block.lines]))
            continue
        body = "<br/>".join(inline(line) for line in block.lines)
        story.append(para(f"{prefix} {body}" if prefix and not story else body, style))
    return story


def lines(text: str) -> str:
    """Plain text as one paragraph's markup, keeping its line breaks."""
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines() if line.strip())


def logo_figure(council: snapshot.Council, height: float) -> Flowable:
    """The council's logo (a data URL in the snapshot), a Figure named for the council."""
    _, _, data = council["logo"].partition(",")
    image = Image(io.BytesIO(base64.b64decode(data)))
    image.drawWidth = height * image.imageWidth / image.imageHeight
    image.drawHeight = height
    image.hAlign = "LEFT"
    return tags.Tagged(image, "Figure", alt=f"Logo of {council['name'] or 'the council'}")


def paragraphs(text: str) -> list[str]:
    """Plain text cut at blank lines, each piece as markup that keeps its own line breaks."""
    pieces = (piece.strip() for piece in (text or "").replace("\r\n", "\n").split("\n\n"))
    return ["<br/>".join(inline(line.strip()) for line in p.split("\n")) for p in pieces if p]


def width_of(text: str, size: float, *, bold: bool = False) -> float:
    return pdfmetrics.stringWidth(text, FONT_BOLD if bold else FONT, size)


# -- flowables ----------------------------------------------------------------------------------


class Bookmark(Flowable):
    """An outline entry pointing at the page where this (invisible) flowable lands."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, self.level)


class Deferred(Flowable):
    """Stands in the story for flowables made only when the layout reaches them (``Document``).

    A part's paragraphs, tables and their cell styles then live while that part is laid out,
    not for the whole build: the memory, and the garbage collector's work, stay those of a part.
    """

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.make = make


class Document(BaseDocTemplate):
    """The document template: expands each ``Deferred`` as the layout reaches it."""

    def filterFlowables(self, flowables: list[Flowable]) -> None:  # ReportLab's hook
        while flowables and isinstance(flowables[0], Deferred):
            flowables[0:1] = flowables[0].make()


class VerticalText(Flowable):
    """A short label turned 90° to read upwards, for the band column of a table."""

    def __init__(self, text: str, size: float = 6) -> None:
        super().__init__()
        self.text, self.size = text, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size * 1.2, width_of(self.text, self.size, bold=True)

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(FONT_BOLD, self.size)
        canvas.setFillColor(NAVY)
        canvas.rotate(90)
        canvas.drawString(0, -self.size, self.text)
        canvas.restoreState()


# -- the canvas and the document ----------------------------------------------------------------


class NumberedCanvas(Canvas):
    """Holds pages back until ``save`` so that each footer knows the number of pages."""

    def __init__(self, *args: Any, meta: Meta, tagger: tags.Tagger, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._meta = meta
        self.tagger = tagger
        self._held: list[dict[str, Any]] = []
        self._bookmarks: list[str] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # ReportLab's name
        # The page has no number in the PDF until it is written in save(): place it there.
        self._bookmarks.append(key)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._bookmarks = []
        self.tagger.new_page()
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for page in self._held:
            self.__dict__.update(page)
            self._draw_footer(total)
            for key in self._bookmarks:
                Canvas.bookmarkPage(self, key)
            Canvas.showPage(self)
        if self._doc.outline.destinationnamestotitles:
            self.showOutline()  # open the PDF with its outline (bookmarks) shown
        Canvas.save(self)

    def _draw_footer(self, total: int) -> None:
        width = self._pagesize[0]
        self.tagger.begin_artifact(self, "Pagination", "Footer")
        self.saveState()
        self.setFont(FONT, 7)
        self.setFillColor(GREY_TEXT)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN, FOOTER_Y + 9, width - MARGIN, FOOTER_Y + 9)
        self.drawString(MARGIN, FOOTER_Y, self._meta.footer)
        self.drawRightString(width - MARGIN, FOOTER_Y, f"Page {self._pageNumber} of {total}")
        self.restoreState()
        tags.Tagger.end(self)


def draw_watermark(canvas: Canvas, document: Any) -> None:
    """A diagonal DRAFT behind the page's content, so that text above it stays readable."""
    width, height = canvas._pagesize
    canvas.tagger.begin_artifact(canvas, "Pagination", "Watermark")
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 110)
    canvas.setFillColor(WATERMARK)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35 if height > width else 25)
    canvas.drawCentredString(0, -38, "DRAFT")
    canvas.restoreState()
    tags.Tagger.end(canvas)


class Part(Flowable):
    """Marks where a part (the summary, a section) begins: each later page of the part gets the
    part's title, "(continued)", at its top (``draw_running_title``)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.part_title = self.title
        self.canv.part_page = self.canv.getPageNumber()


def draw_running_title(canvas: Canvas, document: Any) -> None:
    """On a page that continues a part, its title at the top, as page furniture."""
    title = getattr(canvas, "part_title", "")
    if not title or getattr(canvas, "part_page", 0) == canvas.getPageNumber():
        return
    width, height = canvas._pagesize
    canvas.tagger.begin_artifact(canvas, "Pagination", "Header")
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 7.5)
    canvas.setFillColor(NAVY)
    canvas.drawString(MARGIN, height - MARGIN + 12, f"{title} (continued)")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, height - MARGIN + 8, width - MARGIN, height - MARGIN + 8)
    canvas.restoreState()
    tags.Tagger.end(canvas)


def page_templates(draft: bool) -> list[PageTemplate]:
    on_page: Callable[[Canvas, Any], None] | None = draw_watermark if draft else None
    templates = []
    for name, size in ((PORTRAIT, A4), (LANDSCAPE, landscape(A4))):
        frame = Frame(
            MARGIN,
            FRAME_BOTTOM,
            *frame_size(name),
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )
        kwargs: dict[str, Any] = {"onPage": on_page} if on_page else {}
        templates.append(
            PageTemplate(
                id=name, frames=[frame], pagesize=size, onPageEnd=draw_running_title, **kwargs
            )
        )
    return templates


def frame_size(template: str) -> tuple[float, float]:
    """The room for content on a page of ``template``."""
    width, height = landscape(A4) if template == LANDSCAPE else A4
    return width - 2 * MARGIN, height - MARGIN - FRAME_BOTTOM


def build(story: Iterable[Flowable], meta: Meta) -> Rendered:
    """Lay ``story`` out (starting on the portrait template) and return the tagged PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    tagger = tags.Tagger()
    document = Document(
        buffer,
        pagesize=A4,
        pageTemplates=page_templates(meta.draft),
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator="cpp",
        lang=meta.language,
        invariant=1,  # no timestamps or random ids: the same snapshot gives the same bytes
        displayDocTitle=1,
        initialFontName=FONT,
    )
    document.build(
        list(story), canvasmaker=functools.partial(NumberedCanvas, meta=meta, tagger=tagger)
    )
    content = tags.finish(
        buffer.getvalue(),
        tagger,
        tags.Document(
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            language=meta.language,
            created=meta.created,
            modified=meta.modified,
        ),
    )
    return Rendered(content, document.page)
