"""Performance arithmetic for the Corporate Parenting monthly report.

Pure functions and frozen dataclasses only: no Django, no database.  Everything numeric is
``Decimal`` so that what the report prints is exactly what the council would compute by hand.

The module covers:

* the vocabularies used on indicators (polarity, aggregation, unit, ...) and ``parse_choice``;
* the seeds' RAG tolerance notation (``<90%`` / ``90%>`` / ``95%+``, ``14-20`` with
  ``1+ above range``, ``+/-5 of 158.8`` ...) parsed into ``Thresholds`` and applied by ``rag``;
* direction of travel in both conventions found in the seeds, and ``travel``: the DOT as printed;
* year-to-date figures, ratios, rounding and display formatting;
* benchmark quartile bands;
* the April-March financial-year calendar and parsing of figures as typed in uploads.

``docs/domain.md`` is the authority on the meaning of all of these. The package is split by
topic; import from ``indicators.performance`` itself, which re-exports every public name.
"""

from .calendar import (
    FIRST_MONTH,
    LAST_MONTH,
    check_month,
    financial_year,
    month_key,
    month_label,
    months_of_year,
    parse_month,
    parse_year,
    previous_months,
    year_label,
)
from .numbers import format_value, parse_number, ratio_value, round_to
from .thresholds import ThresholdError, Thresholds, parse_thresholds, rag
from .travel import (
    MonthFigure,
    Travel,
    Ytd,
    direction_of_travel,
    numeric_direction,
    quartile_band,
    travel,
    year_to_date,
)
from .vocabulary import (
    Aggregation,
    Band,
    Convention,
    Dot,
    Frequency,
    Marker,
    Measure,
    Polarity,
    Rag,
    StrEnum,
    ThresholdKind,
    Unit,
    parse_choice,
)

__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "Aggregation",
    "Band",
    "Convention",
    "Dot",
    "Frequency",
    "Marker",
    "Measure",
    "MonthFigure",
    "Polarity",
    "Rag",
    "StrEnum",
    "ThresholdError",
    "ThresholdKind",
    "Thresholds",
    "Travel",
    "Unit",
    "Ytd",
    "check_month",
    "direction_of_travel",
    "financial_year",
    "format_value",
    "month_key",
    "month_label",
    "months_of_year",
    "numeric_direction",
    "parse_choice",
    "parse_month",
    "parse_number",
    "parse_thresholds",
    "parse_year",
    "previous_months",
    "quartile_band",
    "rag",
    "ratio_value",
    "round_to",
    "travel",
    "year_label",
    "year_to_date",
]
