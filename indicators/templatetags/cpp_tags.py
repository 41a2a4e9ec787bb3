"""Small template helpers for the performance pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from .. import performance as perf

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
