"""The vocabularies of an indicator (domain.md) and reading them from files."""

from __future__ import annotations

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


class Unit(StrEnum):
    """The unit an indicator's figures are expressed in."""

    COUNT = "Count"
    PERCENTAGE = "Percentage"
    RATE_PER_10000 = "Rate per 10,000"
    AVERAGE_COUNT = "Average count"
    DAYS = "Days"


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


def parse_choice(enum_cls: type[E], text: str) -> E:
    """Return the member of ``enum_cls`` whose value or name matches ``text``.

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
    choices = ", ".join(member.value for member in enum_cls)
    raise ValueError(f"'{(text or '').strip()}' is not one of: {choices}")
