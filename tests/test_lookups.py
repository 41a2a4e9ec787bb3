"""The lookup ``any_of``: the rows ``__in`` gives, with a long list sent as one array on
PostgreSQL (indicators/lookups.py)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from indicators.models import Figure, Indicator

JANUARY, APRIL = datetime.date(2020, 1, 1), datetime.date(2020, 4, 1)


def ids_of(rows: QuerySet[Figure]) -> set[int]:
    return set(rows.values_list("id", flat=True))


def test_any_of_finds_what_in_finds(sample):
    indicators = list(Indicator.objects.values_list("id", flat=True))
    some = indicators[::3]
    assert len(some) > 5
    cases: list[tuple[dict[str, object], dict[str, object]]] = [
        ({"indicator_id__in": some}, {"indicator_id__any_of": some}),
        ({"month__in": [JANUARY, APRIL]}, {"month__any_of": [JANUARY, APRIL]}),
        ({"id__in": [*some, None, *some]}, {"id__any_of": [*some, None, *some]}),
        (
            {"indicator_id__in": Indicator.objects.filter(id__in=some).values("id")},
            {"indicator_id__any_of": Indicator.objects.filter(id__in=some).values("id")},
        ),
    ]
    for plain, array in cases:
        expected = ids_of(Figure.objects.filter(**plain))
        assert ids_of(Figure.objects.filter(**array)) == expected
    assert ids_of(Figure.objects.filter(month__any_of=[JANUARY, APRIL])), "found some"
    assert not Figure.objects.filter(indicator_id__any_of=[]).exists()
    assert not Figure.objects.filter(indicator_id__any_of=[None]).exists()


def test_on_postgresql_a_thousand_values_are_one_parameter(sample):
    many = list(range(1, 1001))
    with CaptureQueriesContext(connection) as queries:
        list(Figure.objects.filter(indicator_id__any_of=many))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and sql.count(", ") < 50
    else:
        assert " IN (" in sql
