"""The edition's PDFs, drawn from its frozen snapshot: the report and its covering paper."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import snapshot
from .base import Rendered

__all__ = ["Rendered", "render_paper", "render_report"]


def render_report(report: Mapping[str, Any]) -> Rendered:
    """The report in its framework's layout: the monthly performance report (cover, performance
    summary and one part per section) or the board report (``board``)."""
    if snapshot.current(report)["layout"] == "board":
        from . import board

        return board.render(report)
    from . import report as renderer

    return renderer.render(report)


def render_paper(report: Mapping[str, Any]) -> Rendered:
    """The covering paper that takes the report to the panel."""
    from . import paper as renderer

    return renderer.render(report)
