"""The section charts as a performance analyst would show them to members.

A chart has a value axis on a round scale (whole numbers for counts), an axis title naming the
unit, light grid lines, the months along the bottom, the target as a dashed line or a range as a
band, the latest figure labelled, and a legend when several series share it. Each chart is a
Figure in the tagged PDF, with the snapshot's text alternative as its /Alt and its title as the
Caption.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph

from indicators.charts import Chart

from . import base
from .base import FONT, FONT_BOLD

# Series colours: navy, then orange and teal (distinct in greyscale and for red-green
# colour blindness); markers differ too, so colour is never the only signal.
SERIES = (
    (base.NAVY, "FilledCircle"),
    (colors.HexColor("#C55A11"), "FilledSquare"),
    (colors.HexColor("#2E8B8B"), "FilledTriangle"),
    (colors.HexColor("#7F6000"), "FilledDiamond"),
)
TARGET = base.GREEN
BAND = colors.HexColor("#DCEFD8")
GRID = colors.HexColor("#E6E6E6")
AXIS = colors.HexColor("#7F7F7F")
TICKS = 5  # about this many steps on the value axis
LEFT, BOTTOM, TOP, RIGHT = 34, 30, 8, 6  # the plot's margins inside the drawing


def nice_step(span: float, whole: bool) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``TICKS`` steps."""
    raw = max(span, 1e-9) / TICKS
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw and (not whole or step == int(step)):
            return step
    return 10 * power


def scale(values: Sequence[float], whole: bool) -> tuple[float, float, float]:
    """The value axis: (minimum, maximum, step), from zero unless a figure is negative, with
    the highest value always under a labelled tick."""
    low = min(0.0, *values)
    high = max(values)
    if high <= low:
        high = low + (1 if whole else 1.0)
    step = nice_step(high - low, whole)
    if whole:
        step = max(1.0, step)
    top = math.ceil(high / step) * step
    if top <= high * 1.0001 and top - high < step * 0.15:
        top += step  # room above the highest point for its label
    bottom = math.floor(low / step) * step
    return bottom, top, step


def tick_text(value: float, step: float, percent: bool) -> str:
    decimals = 0 if step >= 1 and float(step).is_integer() else (1 if step * 10 >= 1 else 2)
    text = f"{value:.{decimals}f}"
    return f"{text}%" if percent else text


def value_text(value: float, chart: Chart, printed: str) -> str:
    """The latest figure's label: the table's own text where known."""
    return printed or (f"{value:g}%" if chart["percent"] else f"{value:g}")


def drawing(
    chart: Chart,
    months: Sequence[str],
    width: float,
    height: float,
    latest_texts: Sequence[str],
) -> Drawing:
    """The chart as a ReportLab drawing. ``latest_texts``: each series' latest figure as the
    table prints it."""
    canvas = Drawing(width, height, initialFontName=FONT, initialFontSize=6)
    series = chart["series"]
    numbers = [v for s in series for v in s["values"] if v is not None]
    legend = len(series) > 1
    legend_height = 10 if legend else 0
    if not numbers:
        canvas.add(
            String(
                width / 2,
                height / 2,
                "No figures yet",
                fontName=FONT,
                fontSize=7,
                textAnchor="middle",
                fillColor=base.GREY_TEXT,
            )
        )
        return canvas
    bounds = list(numbers)
    if chart["target"] is not None:
        bounds.append(chart["target"])
    if chart["band"]:
        bounds += chart["band"]
    low, high, step = scale(bounds, chart["whole"])
    x, y = LEFT, BOTTOM
    plot_width, plot_height = width - LEFT - RIGHT, height - BOTTOM - TOP - legend_height

    def at(value: float) -> float:
        return y + (value - low) / (high - low) * plot_height

    # Grid and value labels, drawn here so that they are light and exactly on the scale.
    value = low
    while value <= high + step / 1000:
        level = at(value)
        canvas.add(Line(x, level, x + plot_width, level, strokeColor=GRID, strokeWidth=0.4))
        canvas.add(
            String(
                x - 3,
                level - 2,
                tick_text(value, step, chart["percent"]),
                fontName=FONT,
                fontSize=5.5,
                textAnchor="end",
                fillColor=base.GREY_TEXT,
            )
        )
        value += step
    if chart["band"]:
        band_low, band_high = chart["band"]
        canvas.add(
            Rect(
                x,
                at(band_low),
                plot_width,
                at(band_high) - at(band_low),
                fillColor=BAND,
                strokeColor=None,
            )
        )
    plot = (VerticalBarChart if chart["kind"] == "bar" else HorizontalLineChart)()
    plot.x, plot.y, plot.width, plot.height = x, y, plot_width, plot_height
    plot.data = [list(s["values"]) for s in series]
    plot.valueAxis.valueMin, plot.valueAxis.valueMax = low, high
    plot.valueAxis.valueStep = step
    plot.valueAxis.visible = 0
    plot.valueAxis.visibleLabels = 0
    plot.categoryAxis.categoryNames = list(months)
    plot.categoryAxis.visibleLabels = 0
    plot.categoryAxis.strokeColor = AXIS
    plot.categoryAxis.strokeWidth = 0.5
    plot.categoryAxis.visibleTicks = 0
    if chart["kind"] == "bar":
        plot.barSpacing, plot.groupSpacing = 0.5, 3
        for index in range(len(series)):
            plot.bars[index].fillColor = SERIES[index % len(SERIES)][0]
            plot.bars[index].strokeColor = None
    else:
        plot.joinedLines = 0
        for index, one in enumerate(series):
            colour, marker = SERIES[index % len(SERIES)]
            line = plot.lines[index]
            line.strokeColor, line.strokeWidth = colour, 1.3
            line.symbol = makeMarker(marker, size=3.2, fillColor=colour, strokeColor=colour)
            # A series of one figure is a point; of several, a line through them.
            if sum(v is not None for v in one["values"]) > 1:
                line.lineStyle = "joinedLine"
    canvas.add(plot)
    if chart["target"] is not None:
        level = at(chart["target"])
        canvas.add(
            Line(
                x,
                level,
                x + plot_width,
                level,
                strokeColor=TARGET,
                strokeWidth=0.9,
                strokeDashArray=(3, 2),
            )
        )
    # Months read upwards under their category; the axis title under them.
    category = plot_width / len(months)
    for index, month in enumerate(months):
        label = String(
            0, 0, month, fontName=FONT, fontSize=5, textAnchor="end", fillColor=base.GREY_TEXT
        )
        centre = x + (index + 0.5) * category + 1.8
        canvas.add(Group(label, transform=(0, 1, -1, 0, centre, y - 2)))
    title = String(
        0,
        0,
        chart["unit"] or "Value",
        fontName=FONT,
        fontSize=5.5,
        textAnchor="middle",
        fillColor=base.GREY_TEXT,
    )
    canvas.add(Group(title, transform=(0, 1, -1, 0, 7, y + plot_height / 2)))
    # The latest figure of each series, labelled beside its point.
    for index, one in enumerate(series):
        valued = [(i, v) for i, v in enumerate(one["values"]) if v is not None]
        if not valued:
            continue
        column, latest = valued[-1]
        if chart["kind"] == "bar":
            bars = len(series)
            slot = category / (bars + 1)
            centre = x + column * category + slot * (index + 1)
        else:
            centre = x + (column + 0.5) * category
        text = value_text(latest, chart, latest_texts[index] if index < len(latest_texts) else "")
        canvas.add(
            String(
                centre + 3,
                at(latest) + 2 + 6 * index * (chart["kind"] != "bar"),
                text,
                fontName=FONT_BOLD,
                fontSize=6,
                fillColor=SERIES[index % len(SERIES)][0],
            )
        )
    if legend or chart["target"] is not None or chart["band"]:
        add_legend(canvas, chart, x, height - 7, plot_width)
    return canvas


def add_legend(canvas: Drawing, chart: Chart, x: float, y: float, width: float) -> None:
    """Swatches and names of the series, then the target; one line across the top."""
    items: list[tuple[str, Any]] = []
    if len(chart["series"]) > 1:
        room = (width - 20 * len(chart["series"])) / len(chart["series"])
        for index, one in enumerate(chart["series"]):
            text = fitted(f"{one['reference']} {one['title']}", room, 5.5)
            items.append((text, SERIES[index % len(SERIES)][0]))
    if chart["target"] is not None:
        items.append((f"Target {value_text(chart['target'], chart, '')}", "target"))
    if chart["band"]:
        low, high = chart["band"]
        items.append((f"Target range {low:g}\N{EN DASH}{high:g}", "band"))
    cursor = x
    for text, swatch in items:
        if swatch == "target":
            canvas.add(
                Line(
                    cursor,
                    y + 2,
                    cursor + 9,
                    y + 2,
                    strokeColor=TARGET,
                    strokeWidth=0.9,
                    strokeDashArray=(3, 2),
                )
            )
        elif swatch == "band":
            canvas.add(Rect(cursor, y - 1, 9, 6, fillColor=BAND, strokeColor=None))
        else:
            canvas.add(Rect(cursor + 1, y - 0.5, 7, 5, fillColor=swatch, strokeColor=None))
        canvas.add(String(cursor + 11, y, text, fontName=FONT, fontSize=5.5))
        cursor += 16 + base.width_of(text, 5.5)
        if cursor > x + width:
            break


def fitted(text: str, width: float, size: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` points; the caption has it whole."""
    if base.width_of(text, size) <= width:
        return text
    while text and base.width_of(text + "\N{HORIZONTAL ELLIPSIS}", size) > width:
        text = text[:-1]
    return text.rstrip() + "\N{HORIZONTAL ELLIPSIS}"


class ChartRow(Flowable):
    """A row of charts side by side, each a Figure (with /Alt) whose Caption is its title.

    Drawings are made when drawn and dropped straight after: held for the whole build, their
    hundreds of small objects only give the garbage collector more to walk through.
    """

    def __init__(
        self,
        items: Sequence[tuple[Chart, Sequence[str]]],
        months: Sequence[str],
        width: float,
        per_row: int,
        height: float,
    ) -> None:
        super().__init__()
        self.items, self.months, self.per_row = list(items), list(months), per_row
        self.width, self.chart_height = width, height
        self.cell = width / per_row
        self.captions = [
            Paragraph(escape(chart["title"]), base.styles()["chart_title"])
            for chart, _ in self.items
        ]
        self.caption_height = max(c.wrap(self.cell - 8, 100)[1] for c in self.captions)
        self.height = self.caption_height + 3 + height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        tagger = canvas.tagger
        for index, ((chart, latest), caption) in enumerate(
            zip(self.items, self.captions, strict=True)
        ):
            left = index * self.cell
            figure = tagger.open("Figure", alt=chart["alt"])
            node = tagger.mark(canvas, "Caption")
            caption.wrap(self.cell - 8, 100)
            caption.drawOn(
                canvas, left + 2, self.chart_height + 3 + self.caption_height - caption.height
            )
            tagger.end(canvas)
            tagger.close(node)
            tagger.begin(canvas, figure)
            renderPDF.draw(
                drawing(chart, self.months, self.cell - 8, self.chart_height, latest),
                canvas,
                left + 2,
                0,
            )
            tagger.end(canvas)
            tagger.close(figure)
