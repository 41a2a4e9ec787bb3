"""The `frameworks` kind: a report framework's layout, conventions and cover wording in a file."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from indicators.exports import export_dataset, render
from indicators.importing.kinds.catalogue import Frameworks
from indicators.models import Framework
from indicators.samples import FRAMEWORKS_FILE
from tests.helpers import csv_bytes, database_state, imported
from tests.test_imports import errors_of

HEADER = list(Frameworks().columns)


def test_a_new_framework_takes_the_file_and_the_defaults_for_what_it_lacks(samples):
    plan = imported(
        "frameworks",
        "f.csv",
        csv_bytes(
            [
                ["name", "layout", "value_style", "board"],
                ["Safeguarding Board", "BOARD", "value with count", "Safeguarding Board"],
            ]
        ),
    )
    assert plan.counts == {"new": 1, "changed": 0, "unchanged": 0}
    framework = Framework.objects.get(name="Safeguarding Board")
    assert (framework.layout, framework.value_style, framework.board) == (
        "board",
        "value_with_count",
        "Safeguarding Board",
    )
    # What the file does not give: the model's defaults (today's monthly behaviour).
    assert (framework.dot_convention, framework.months_shown, framework.council) == (
        "performance",
        "three_months",
        "",
    )


def test_a_file_without_a_column_keeps_what_is_stored(samples):
    before = Framework.objects.get(name="Corporate Parenting Board")
    plan = imported(
        "frameworks",
        "f.csv",
        csv_bytes([["name", "council"], ["corporate  parenting BOARD", "Kirklees Metropolitan"]]),
    )
    assert plan.counts == {"new": 0, "changed": 1, "unchanged": 0}
    after = Framework.objects.get(pk=before.pk)
    assert after.council == "Kirklees Metropolitan"
    assert (after.name, after.layout, after.cover_wording) == (
        "corporate  parenting BOARD",
        before.layout,
        before.cover_wording,
    )


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("layout", "landscape", "'landscape' is not one of: monthly, board"),
        ("dot_convention", "arrows", "is not one of: performance, numeric"),
        ("months_shown", "six", "is not one of: three_months, quarter_with_last_year"),
        ("value_style", "bold", "is not one of: value, value_with_count"),
        ("board", "Two\nlines", "holds a line break"),
        ("council", "x" * 201, "at most 200"),
    ],
)
def test_a_bad_cell_names_row_column_and_reason_and_writes_nothing(samples, column, cell, message):
    row = {name: "" for name in HEADER} | {"name": "Corporate Parenting Board", column: cell}
    content = csv_bytes([HEADER, [row[name] for name in HEADER]])
    errors = errors_of("frameworks", "bad.csv", content)
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert message in errors[0].message


def test_a_name_is_required(samples):
    errors = errors_of("frameworks", "bad.csv", csv_bytes([["name", "layout"], ["", "board"]]))
    assert [(e.row, e.column) for e in errors] == [(2, "name")]


@pytest.mark.parametrize("file_name", ["frameworks.csv", "frameworks.xlsx"])
def test_the_export_is_the_sample_file_and_imports_back_unchanged(samples, file_name, tmp_path):
    exported = export_dataset("frameworks")
    if file_name.endswith(".csv"):
        assert render(exported, file_name) == FRAMEWORKS_FILE.read_bytes().replace(b"\n", b"\r\n")
    output = tmp_path / file_name
    call_command("export_data", "frameworks", "--output", str(output))
    before = database_state()
    out = io.StringIO()
    call_command("import_data", "frameworks", str(output), stdout=out)
    assert "0 new, 0 changed, 2 unchanged" in out.getvalue()
    assert database_state() == before
