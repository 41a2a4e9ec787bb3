"""The indicator catalogue and its figures (domain.md).

Report frameworks order sections; sections hold indicators; each indicator has targets per
financial year, one figure per month, annual outturns and benchmarks, and may be broken down by
category (``Breakdown``). Every change to a monthly figure or a breakdown cell is kept as a
revision. The arithmetic (RAG, DOT, YTD) lives in ``performance`` and never touches the database.
"""

from .breakdowns import Breakdown, BreakdownRevision
from .catalogue import (
    Benchmark,
    DotConvention,
    Framework,
    FrameworkSection,
    Indicator,
    Layout,
    MonthsShown,
    Section,
    Target,
    ValueStyle,
    choices_of,
)
from .cycle import ReportingMonth
from .figures import Figure, FigureRevision, Measurement, Outturn, Revision
from .uploads import Upload

__all__ = [
    "Benchmark",
    "Breakdown",
    "BreakdownRevision",
    "DotConvention",
    "Figure",
    "FigureRevision",
    "Framework",
    "FrameworkSection",
    "Indicator",
    "Layout",
    "Measurement",
    "MonthsShown",
    "Outturn",
    "ReportingMonth",
    "Revision",
    "Section",
    "Target",
    "Upload",
    "ValueStyle",
    "choices_of",
]
