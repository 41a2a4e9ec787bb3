"""The indicator catalogue and its figures (domain.md).

Report frameworks order sections; sections hold indicators; each indicator has targets per financial
year, one figure per month, annual outturns and benchmarks. Every change to a monthly figure is kept
as a ``FigureRevision``. The arithmetic (RAG, DOT, YTD) lives in ``performance`` and never touches
the database.
"""

from .benchmarking import BenchmarkComparison, BenchmarkRevision
from .catalogue import (
    Benchmark,
    DotConvention,
    Framework,
    FrameworkSection,
    Indicator,
    Section,
    Target,
    choices_of,
)
from .cycle import ReportingMonth
from .figures import Figure, FigureRevision, Measurement, Outturn
from .uploads import Upload

__all__ = [
    "Benchmark",
    "BenchmarkComparison",
    "BenchmarkRevision",
    "DotConvention",
    "Figure",
    "FigureRevision",
    "Framework",
    "FrameworkSection",
    "Indicator",
    "Measurement",
    "Outturn",
    "ReportingMonth",
    "Section",
    "Target",
    "Upload",
    "choices_of",
]
