"""Performance arithmetic for the Corporate Parenting monthly report.

Pure functions and frozen dataclasses only: no Django, no database.  Everything numeric is
``Decimal`` so that what the report prints is exactly what the council would compute by hand.

The module covers:

* the vocabularies used on indicators (polarity, aggregation, kind of number, ...) and
  ``parse_choice``;
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
from .numbers import Written, format_value, places_of, ratio_value, read_figure, round_to
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
    AGGREGATION_ALIASES,
    RATIO_KINDS,
    SIGNED_KINDS,
    Aggregation,
    Band,
    Convention,
    Dot,
    Frequency,
    Kind,
    Marker,
    Measure,
    Polarity,
    Rag,
    StrEnum,
    ThresholdKind,
    kind_of_unit,
    parse_choice,
    rate_base,
    ratio_factor,
)

__all__ = [
    "AGGREGATION_ALIASES",
    "FIRST_MONTH",
    "LAST_MONTH",
    "RATIO_KINDS",
    "SIGNED_KINDS",
    "Aggregation",
    "Band",
    "Convention",
    "Dot",
    "Frequency",
    "Kind",
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
    "Written",
    "Ytd",
    "check_month",
    "direction_of_travel",
    "financial_year",
    "format_value",
    "kind_of_unit",
    "month_key",
    "month_label",
    "months_of_year",
    "numeric_direction",
    "parse_choice",
    "parse_month",
    "parse_thresholds",
    "parse_year",
    "places_of",
    "previous_months",
    "quartile_band",
    "rag",
    "rate_base",
    "ratio_factor",
    "ratio_value",
    "read_figure",
    "round_to",
    "travel",
    "year_label",
    "year_to_date",
]
