"""Tagged PDF (PDF/UA-1, ISO 14289-1) for the ReportLab renderers.

ReportLab writes no structure tree, so the renderers tag as they draw: every piece of content
goes between ``BDC``/``EMC`` operators, either as marked content with an MCID that belongs to a
structure element (P, H1, TD, Figure, …) or as an ``/Artifact`` (footer, watermark, table rules
and fills). ``Tagger`` records the structure elements and which MCID of which page each one
owns; ``finish`` then writes the structure tree, its parent tree, ``/StructParents`` and
``/Tabs /S`` on each page, ``/MarkInfo``, the XMP metadata that declares PDF/UA-1 and the
document dates, in one pikepdf pass over the bytes ReportLab saved.

The tagging hooks are ReportLab's own: flowables' ``drawOn``, a ``TableRenderCB`` for tables
(which ReportLab calls around each row, cell, the fills and the rules, and keeps across splits)
and the canvas's ``addLiteral`` for the operators.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
from reportlab.platypus import Flowable
from reportlab.platypus.tables import Table, TableRenderCB

MCR = tuple[int, int]  # (page index, MCID)


@dataclass(eq=False)
class Node:
    """A structure element: its role, parent, children in reading order, and attributes."""

    role: str
    parent: Node | None
    kids: list[Node | MCR] = field(default_factory=list)
    alt: str = ""
    title: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)  # the /A dictionary: Scope, …


class Tagger:
    """The structure being built while the canvas draws; one per document."""

    def __init__(self) -> None:
        self.root = Node("Document", None)
        self.stack: list[Node] = [self.root]
        self.page = 0
        # For each page, the structure element of each MCID, in MCID order (the parent tree).
        self.owners: list[list[Node]] = [[]]
        self.in_artifact = 0

    @property
    def current(self) -> Node:
        return self.stack[-1]

    def open(self, role: str, **details: Any) -> Node:
        node = Node(role, self.current, **details)
        self.current.kids.append(node)
        self.stack.append(node)
        return node

    def close(self, node: Node) -> None:
        if self.stack[-1] is not node:
            raise RuntimeError(f"structure closed out of order: {node.role}")
        self.stack.pop()

    def begin(self, canvas: Any, node: Node) -> None:
        """Start marked content owned by ``node`` on the current page."""
        owners = self.owners[self.page]
        node.kids.append((self.page, len(owners)))
        canvas.addLiteral(f"/{node.role} <</MCID {len(owners)}>> BDC")
        owners.append(node)

    @staticmethod
    def end(canvas: Any) -> None:
        canvas.addLiteral("EMC")

    def begin_artifact(self, canvas: Any, kind: str = "Layout", subtype: str = "") -> None:
        extra = f" /Subtype /{subtype}" if subtype else ""
        canvas.addLiteral(f"/Artifact <</Type /{kind}{extra}>> BDC")

    def new_page(self) -> None:
        self.page += 1
        self.owners.append([])

    def mark(self, canvas: Any, role: str, **details: Any) -> Node:
        """A leaf element: open it and start its marked content (``end`` and ``close`` after)."""
        node = self.open(role, **details)
        self.begin(canvas, node)
        return node


def tagger_of(canvas: Any) -> Tagger:
    return canvas.tagger


class Tagged(Flowable):
    """Any flowable drawn as one structure element (P, H1, LBody, …), its pieces too when the
    layout splits it across pages (each piece its own element of the same role)."""

    def __init__(
        self, flowable: Flowable, role: str, *, parents: Sequence[str] = (), alt: str = ""
    ) -> None:
        super().__init__()
        self.flowable, self.role, self.parents, self.alt = flowable, role, tuple(parents), alt

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.flowable.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        pieces = self.flowable.split(available_width, available_height)
        return [Tagged(piece, self.role, parents=self.parents, alt=self.alt) for piece in pieces]

    def getSpaceBefore(self) -> float:  # ReportLab's names
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.flowable.getSpaceAfter()

    def getKeepWithNext(self) -> bool:
        return self.flowable.getKeepWithNext()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canvas)
        outer = [tagger.open(role) for role in self.parents]
        node = tagger.mark(canvas, self.role, alt=self.alt)
        self.flowable.drawOn(canvas, x, y, _sW)
        tagger.end(canvas)
        tagger.close(node)
        for parent in reversed(outer):
            tagger.close(parent)


class Container(Flowable):
    """Opens (``Container("Sect")``) or closes (``Container(None)``) a grouping element such as
    Sect or L at this point of the story; draws nothing."""

    def __init__(self, role: str | None, title: str = "") -> None:
        super().__init__()
        self.role, self.title = role, title
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        tagger = tagger_of(self.canv)
        if self.role is None:
            tagger.close(tagger.current)
        else:
            tagger.open(self.role, title=self.title)


class TableTags(TableRenderCB):
    """Tags a table as it draws: Table > TR > TH/TD, fills and rules as artifacts.

    The first ``header_rows`` rows are column headers and the first ``header_columns`` columns
    row headers (TH with their scope); when the layout splits the table, ReportLab repeats the
    header rows on the next page and calls this again for that piece, so each page's piece is a
    table of its own whose header cells are real header cells.
    """

    def __init__(self, header_rows: int = 1, header_columns: int = 0, summary: str = "") -> None:
        self.header_rows, self.header_columns, self.summary = header_rows, header_columns, summary
        self.nodes: list[Node] = []
        self.marked: list[bool] = []

    def _tagger(self, table: Table) -> Tagger:
        return tagger_of(table.canv)

    def startTable(self, table: Table) -> None:
        self.nodes.append(self._tagger(table).open("Table", title=self.summary))

    def startBG(self, table: Table) -> None:
        self._tagger(table).begin_artifact(table.canv)

    def endBG(self, table: Table) -> None:
        Tagger.end(table.canv)

    def startRow(self, table: Table, row: int) -> None:
        self.nodes.append(self._tagger(table).open("TR"))

    def startCell(
        self, table: Table, row: int, column: int, value: Any, style: Any, pos: Any, size: Any
    ) -> None:
        tagger = self._tagger(table)
        attributes: dict[str, Any] = {}
        if row < self.header_rows:
            role, attributes["Scope"] = "TH", "Column"
        elif column < self.header_columns:
            role, attributes["Scope"] = "TH", "Row"
        else:
            role = "TD"
        spans = getattr(table, "_spanRanges", None)
        span = spans.get((column, row)) if spans else None
        if span:
            first_column, first_row, last_column, last_row = span
            if last_column > first_column:
                attributes["ColSpan"] = last_column - first_column + 1
            if last_row > first_row:
                attributes["RowSpan"] = last_row - first_row + 1
        node = tagger.open(role, attributes=attributes)
        # An empty cell is an element with no content: nothing to mark.
        self.marked.append(value not in ("", None))
        if self.marked[-1]:
            tagger.begin(table.canv, node)
        self.nodes.append(node)

    def endCell(self, table: Table) -> None:
        if self.marked.pop():
            Tagger.end(table.canv)
        self._tagger(table).close(self.nodes.pop())

    def endRow(self, table: Table) -> None:
        self._tagger(table).close(self.nodes.pop())

    def startLines(self, table: Table) -> None:
        self._tagger(table).begin_artifact(table.canv)

    def endLines(self, table: Table) -> None:
        Tagger.end(table.canv)

    def endTable(self, table: Table) -> None:
        self._tagger(table).close(self.nodes.pop())


# -- the structure tree, written into the saved PDF ---------------------------------------------


@dataclass(frozen=True)
class Document:
    """What ``finish`` writes besides the tree: the words and dates of the metadata."""

    title: str
    author: str
    subject: str
    language: str
    created: datetime.date
    modified: datetime.date


def pdf_date(day: datetime.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def alt(text: str) -> str:
    return f'<rdf:li xml:lang="x-default">{escape(text)}</rdf:li>'


def xmp(document: Document) -> bytes:
    """XMP metadata: title, author, subject, dates and the PDF/UA-1 identification."""
    created = f"{document.created:%Y-%m-%d}T00:00:00Z"
    modified = f"{document.modified:%Y-%m-%d}T00:00:00Z"
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt>{alt(document.title)}</rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(document.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt>{alt(document.subject)}</rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(document.language)}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{modified}</xmp:ModifyDate>
<xmp:MetadataDate>{modified}</xmp:MetadataDate>
<xmp:CreatorTool>cpp</xmp:CreatorTool>
<pdf:Producer>ReportLab, pikepdf</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def finish(content: bytes, tagger: Tagger, document: Document) -> bytes:
    """The saved PDF with its structure tree and PDF/UA declarations; deterministic."""
    pdf = pikepdf.open(io.BytesIO(content))
    pages = list(pdf.pages)
    root = pdf.Root
    tree = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    elements: dict[int, pikepdf.Object] = {}

    def element(node: Node, parent: pikepdf.Object) -> pikepdf.Object:
        made = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + node.role))
        )
        made.P = parent
        elements[id(node)] = made
        if node.alt:
            made.Alt = pikepdf.String(node.alt)
        if node.title:
            made.T = pikepdf.String(node.title)
        if node.attributes:
            owner = "/Table" if node.role in ("TH", "TD", "Table") else "/Layout"
            attributes = pikepdf.Dictionary(O=pikepdf.Name(owner))
            for key, value in node.attributes.items():
                attributes[f"/{key}"] = (
                    pikepdf.Name("/" + value) if isinstance(value, str) else value
                )
            made.A = attributes
        page_of = {kid[0] for kid in node.kids if isinstance(kid, tuple)}
        if len(page_of) == 1:
            made.Pg = pages[next(iter(page_of))].obj
        kids = pikepdf.Array()
        for kid in node.kids:
            if isinstance(kid, tuple):
                page, mcid = kid
                if len(page_of) == 1:
                    kids.append(mcid)
                else:
                    kids.append(
                        pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=pages[page].obj, MCID=mcid)
                    )
            else:
                kids.append(element(kid, made))
        # One kid is written alone, as most writers do (and some checkers expect).
        made.K = kids[0] if len(kids) == 1 else kids
        return made

    document_element = element(tagger.root, tree)
    tree.K = pikepdf.Array([document_element])
    numbers = pikepdf.Array()
    for index, (page, owners) in enumerate(zip(pages, tagger.owners, strict=False)):
        page.obj.StructParents = index
        page.obj.Tabs = pikepdf.Name.S
        numbers.append(index)
        numbers.append(pdf.make_indirect(pikepdf.Array([elements[id(n)] for n in owners])))
    tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=numbers))
    tree.ParentTreeNextKey = len(pages)
    root.StructTreeRoot = tree
    root.MarkInfo = pikepdf.Dictionary(Marked=True)
    root.Lang = pikepdf.String(document.language)
    preferences = root.get("/ViewerPreferences", pikepdf.Dictionary())
    preferences.DisplayDocTitle = True
    root.ViewerPreferences = preferences
    metadata = pikepdf.Stream(pdf, xmp(document))
    metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    root.Metadata = pdf.make_indirect(metadata)
    info = pdf.docinfo
    info.Title = pikepdf.String(document.title)
    info.Author = pikepdf.String(document.author)
    info.Subject = pikepdf.String(document.subject)
    info.CreationDate = pikepdf.String(pdf_date(document.created))
    info.ModDate = pikepdf.String(pdf_date(document.modified))
    out = io.BytesIO()
    # PDF/UA-1 builds on ISO 32000-1, PDF 1.7.
    pdf.save(out, deterministic_id=True, fix_metadata_version=False, min_version="1.7")
    return out.getvalue()
