"""Benchmarks from the DfE's Local Authority Interactive Tool (LAIT) published files.

Pure, typed and Decimal throughout: no Django, no database. The pieces, in the order an
import uses them:

* ``read_long_table`` streams LAIT's long table (``.csv`` or ``.csv.gz``) keeping only the
  measures asked for, within limits on size, rows and line length;
* ``read_data_dictionary`` (measure, polarity, published decimals), ``read_neighbour_list``
  (DfE statistical neighbours) and ``read_la_codes`` (choose a council by name);
* ``compute_benchmarks`` / ``compute_indicator``: SN average, best SN, national average and
  national top quartile with their data year, source and how each was computed;
  ``BenchmarkImport.rows()`` turns them into rows of the ``benchmarks`` kind (formats.md);
* ``polarity_disagreement`` and ``suggest_measures`` help map an indicator to a measure.

Every refusal is a ``LaitError`` whose message says what is wrong and where.
"""

from .compute import (
    Benchmark,
    BenchmarkImport,
    Compared,
    IndicatorBenchmarks,
    MappedIndicator,
    compute_benchmarks,
    compute_indicator,
    quantile_type7,
)
from .dictionary import (
    DataDictionary,
    MeasureInfo,
    direction,
    polarity_disagreement,
    read_data_dictionary,
)
from .errors import LaitError
from .longtable import ENGLAND, LaitTable, read_long_table
from .neighbours import LaCodes, Neighbour, NeighbourList, read_la_codes, read_neighbour_list
from .suggest import Suggestion, suggest_measures
from .values import Missing, read_value, year_order

__all__ = [
    "ENGLAND",
    "Benchmark",
    "BenchmarkImport",
    "Compared",
    "DataDictionary",
    "IndicatorBenchmarks",
    "LaCodes",
    "LaitError",
    "LaitTable",
    "MappedIndicator",
    "MeasureInfo",
    "Missing",
    "Neighbour",
    "NeighbourList",
    "Suggestion",
    "compute_benchmarks",
    "compute_indicator",
    "direction",
    "polarity_disagreement",
    "quantile_type7",
    "read_data_dictionary",
    "read_la_codes",
    "read_long_table",
    "read_neighbour_list",
    "read_value",
    "suggest_measures",
    "year_order",
]
