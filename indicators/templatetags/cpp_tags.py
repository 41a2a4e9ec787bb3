"""Small template helpers for the performance pages."""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Sequence
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from .. import performance as perf
from ..restatements import Restatement
from ..summary import BLANK, SummaryRow

register = template.Library()


@register.filter
def month_key(month: datetime.date) -> str:
    return perf.month_key(month)


@register.filter
def year_label(year: int) -> str:
    return perf.year_label(year)


@register.filter
def index(sequence: Any, position: int) -> Any:
    return sequence[position]


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def restatement(restated: dict, indicator_id: int, month: datetime.date) -> Any:
    """The figure's latest restatement (``restatements.restatements``), or None."""
    return restated.get((indicator_id, month))


@register.simple_tag
def figure_text(text: str, note: Restatement | None) -> SafeString:
    """A figure as a table prints it: marked, and described, when it was restated."""
    return mark_safe(_figure_html(text, note))


def _figure_html(text: str, note: Restatement | None) -> str:
    if note is None:
        return html.escape(text)
    described = html.escape(note.describe())
    return (
        f'<span class="restated" title="{described}">{html.escape(text)}</span>'
        f'<span class="visually-hidden"> ({described})</span>'
    )


@functools.cache
def _partial(name: str, value: object) -> SafeString:
    """A cell template rendered once per value (a DOT or a RAG has only a few)."""
    context = {"dot": value, "element": "td"} if name == "_dot.html" else {"rag": value}
    return mark_safe(get_template(f"indicators/{name}").render(context))


@register.simple_tag
def summary_rows(
    rows: Sequence[SummaryRow],
    months: Sequence[datetime.date],
    restated: dict[tuple[int, datetime.date], Restatement],
    measures: Sequence[perf.Measure],
) -> SafeString:
    """The rows of one band of the summary page's table.

    Written here rather than as tags, filters and includes in the template: through the
    template engine a thousand rows of twenty-four cells were most of the page's time.
    """
    prefix = get_script_prefix()
    return mark_safe("".join(_summary_row(row, months, restated, measures, prefix) for row in rows))


def _summary_row(
    row: SummaryRow,
    months: Sequence[datetime.date],
    restated: dict[tuple[int, datetime.date], Restatement],
    measures: Sequence[perf.Measure],
    prefix: str,
) -> str:
    # html.escape, not Django's escape: every cell here is plain text, and Django's wrapper (lazy
    # strings, safe strings) cost more than the escaping on a page of 27,000 cells.
    e = html.escape
    ytd = row.ytd
    partial = f' <small class="partial">({e(ytd.partial_note)})</small>' if ytd.partial else ""
    numbers = [
        _figure_html(cell.text, restated.get((row.indicator_id, month)))
        for cell, month in zip(row.months, months, strict=True)
    ]
    return "".join(
        [
            f"<tr><td>{e(row.reference)}</td>",
            f'<td class="sticky-col"><a href="{e(_indicator_url(prefix, row.reference))}">'
            f"{e(row.title)}</a></td>",
            f"<td>{e(row.polarity.value)}</td><td>{e(row.unit)}</td>",
            *(f'<td class="num">{text}</td>' for text in numbers),
            f'<td class="num">{e(ytd.text)}{partial}</td>',
            _partial("_dot.html", row.dot),
            _partial("_rag.html", row.rag),
            f"<td>{e(row.red)}</td><td>{e(row.amber)}</td><td>{e(row.green)}</td>",
            *(f'<td class="num">{e(cell.text)}</td>' for cell in row.outturns),
            *(
                f'<td class="num">{e(row.benchmarks.get(measure, BLANK).text)}</td>'
                for measure in measures
            ),
            "</tr>\n",
        ]
    )


@functools.lru_cache(maxsize=10_000)
def _indicator_url(prefix: str, reference: str) -> str:
    """An indicator page's address, kept: the same thousand references on every summary, and
    reversing each was a third of the rows' time. ``prefix`` (the script prefix reverse uses)
    is part of the key, so a prefix of another request never gives a stale address."""
    return reverse("indicators:indicator", args=[reference])


@register.inclusion_tag("indicators/_dot.html")
def dot_cell(dot: Any, element: str = "td") -> dict[str, Any]:
    """The DOT: its arrow, its meaning for screen readers, coloured by its tone; a table cell,
    or ``"span"`` within a line of text.

    ``dot`` is a ``performance.Travel`` (the pages) or its copy in a report snapshot (the HTML
    version of an edition): both come from ``performance.travel``.
    """
    if isinstance(dot, dict) and not dot.get("arrow"):
        dot = None  # a snapshot keeps "no direction" as an empty arrow
    return {"dot": dot, "element": "span" if element == "span" else "td"}
