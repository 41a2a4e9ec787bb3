"""The vocabularies of an indicator (domain.md) and reading them from files."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------


class Polarity(StrEnum):
    """What good performance is for an indicator (the seeds' "GOOD PERF IS" column)."""

    HIGH = "High"
    LOW = "Low"
    INFO = "Info"
    WITHIN_LIMITS = "Within limits"
    WITHIN_LIMITS_LOW = "Within limits (low)"


class Aggregation(StrEnum):
    """How monthly figures combine over the year (the seeds' "DATA NOTE")."""

    SNAPSHOT = "As at month end"
    FINANCIAL_YEAR = "Financial Year"
    ROLLING_YEAR = "Rolling Year"
    YTD_AVERAGE = "YTD Average"


class Kind(StrEnum):
    """What kind of number a figure is: the rules it obeys and how it prints (formats.md).

    The unit an indicator prints is free text; its kind says that a percentage is at most 100
    and prints a ``%``, that a count is whole, and which figures may be negative.
    """

    COUNT = "count"
    PERCENTAGE = "percentage"
    RATE = "rate"
    AVERAGE = "average"
    DAYS = "days"
    MONEY = "money"
    OTHER = "other"


# Kinds whose figures are a numerator over a denominator: year to date sums the parts.
RATIO_KINDS = (Kind.PERCENTAGE, Kind.RATE)
# Kinds whose figures may be below zero (a balance, a difference); every other kind may not.
SIGNED_KINDS = (Kind.MONEY, Kind.OTHER)

_RATE_BASE = re.compile(r"\bper\s+(\d{1,3}(?:,\d{3})+|\d+)\s*(k)?\b", re.IGNORECASE)


def kind_of_unit(unit: str) -> Kind:
    """The kind a unit names (``Count``, ``Percentage``, ``Rate per …``); ``other`` otherwise."""
    words = _squash(unit)
    if words in ("count", "number"):
        return Kind.COUNT
    if words in ("percentage", "percent", "%"):
        return Kind.PERCENTAGE
    if words.startswith("rate per "):
        return Kind.RATE
    return Kind.OTHER


def rate_base(unit: str) -> int | None:
    """The population a rate is per (``Rate per 10,000`` -> 10000), or None if the unit has none."""
    match = _RATE_BASE.search(unit or "")
    if match is None:
        return None
    base = int(match.group(1).replace(",", ""))
    return base * 1000 if match.group(2) else base


def ratio_factor(kind: Kind, unit: str) -> int | None:
    """What numerator / denominator is multiplied by to give the figure; None when it cannot be
    known (a rate whose unit does not say per how many)."""
    if kind == Kind.PERCENTAGE:
        return 100
    if kind == Kind.RATE:
        return rate_base(unit)
    return 1


class Frequency(StrEnum):
    """How often an indicator has a figure."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    TERMLY = "termly"


class Marker(StrEnum):
    """What stands in a cell instead of a figure."""

    NO_FIGURE = "-"
    NOT_APPLICABLE = "n/a"
    AWAITED = "TBC"


class Rag(StrEnum):
    """Red / amber / green rating of a figure against its tolerances."""

    RED = "R"
    AMBER = "A"
    GREEN = "G"


class Dot(StrEnum):
    """Direction of travel in the performance convention (Rotherham seeds)."""

    UP = "↑"
    SAME = "→"
    DOWN = "↓"


class Convention(StrEnum):
    """How a report prints its direction of travel (domain.md): a framework chooses one."""

    PERFORMANCE = "performance"  # Rotherham: ↑ improvement, → no movement, ↓ decline
    NUMERIC = "numeric"  # Kirklees: the arrow follows the number, coloured good or bad


class Measure(StrEnum):
    """The benchmark measures shown beside each indicator."""

    SN_AVERAGE = "sn_average"
    BEST_SN = "best_sn"
    NATIONAL_AVERAGE = "national_average"
    NATIONAL_TOP_QUARTILE = "national_top_quartile"


class Band(StrEnum):
    """Where a figure sits against the national benchmarks."""

    TOP_QUARTILE = "Top quartile"
    ABOVE_AVERAGE = "Better than national average"
    BELOW_AVERAGE = "Worse than national average"


class ThresholdKind(StrEnum):
    """The shape of an indicator's RAG tolerances."""

    NONE = "none"
    BANDS = "bands"
    TARGET_ONLY = "target only"
    RANGE = "range"
    TOLERANCE = "tolerance"


E = TypeVar("E", bound=StrEnum)


def _squash(text: str) -> str:
    """Lower-case ``text`` with surrounding space removed and inner runs of space made single."""
    return " ".join(text.split()).lower()


def parse_choice(enum_cls: type[E], text: str, aliases: dict[str, E] | None = None) -> E:
    """Return the member of ``enum_cls`` whose value or name (or one of ``aliases``) matches.

    Matching ignores case, surrounding spaces and repeated inner spaces; a member name matches
    with underscores or spaces (``within_limits``, ``within limits``).  Raises ``ValueError``
    ("'xyz' is not one of: High, Low, ...") listing the values when nothing matches.
    """
    wanted = _squash(text or "")
    for member in enum_cls:
        if wanted in (
            _squash(member.value),
            member.name.lower(),
            member.name.lower().replace("_", " "),
        ):
            return member
    if aliases and wanted in aliases:
        return aliases[wanted]
    choices = ", ".join(member.value for member in enum_cls)
    raise ValueError(f"'{(text or '').strip()}' is not one of: {choices}")


#: The other words councils print in the data note column (the 001 seed's "As at mth end").
AGGREGATION_ALIASES: dict[str, Aggregation] = {
    "as at mth end": Aggregation.SNAPSHOT,
    "as at month-end": Aggregation.SNAPSHOT,
    "snapshot": Aggregation.SNAPSHOT,
    "cumulative": Aggregation.FINANCIAL_YEAR,
    "financial year to date": Aggregation.FINANCIAL_YEAR,
    "rolling 12 months": Aggregation.ROLLING_YEAR,
    "ytd avg": Aggregation.YTD_AVERAGE,
}
