"""The project's own health: migrations match the models, system checks pass, commands behave."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.helpers import csv_bytes, database_state


def test_migrations_match_the_models(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_system_checks_pass(db):
    call_command("check", stdout=io.StringIO())


def test_import_data_reports_errors_and_fails(sample, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["indicator", "month", "value"], ["9.99", "2020-04", "1"]]))
    before = database_state()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", "figures", str(bad))
    assert "bad.csv: row 2, column 'indicator': unknown indicator '9.99'" in capsys.readouterr().err
    assert database_state() == before


def test_import_data_dry_run_prints_counts_and_writes_nothing(sample, tmp_path, capsys):
    rerun = tmp_path / "rerun.csv"
    rerun.write_bytes(
        csv_bytes(
            [["indicator", "month", "value"], ["6.1", "2020-03", "596"], ["6.1", "2020-05", "7"]]
        )
    )
    before = database_state()
    call_command("import_data", "figures", str(rerun), "--dry-run")
    assert "dry run: 1 new, 1 changed, 0 unchanged; nothing was written" in capsys.readouterr().out
    assert database_state() == before


def test_import_data_of_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"cannot read /nonexistent\.csv"):
        call_command("import_data", "figures", "/nonexistent.csv")


def test_export_data_writes_xlsx_and_refuses_unknown_framework(sample, tmp_path):
    out = tmp_path / "figures.xlsx"
    call_command("export_data", "figures", "--month", "2020-04", "--output", str(out))
    assert out.read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="unknown framework 'Nope'"):
        call_command("export_data", "summary", "--framework", "Nope", "--month", "2020-04")
    with pytest.raises(CommandError, match="needs --framework and --month"):
        call_command("export_data", "summary")
    with pytest.raises(CommandError, match="is not a month"):
        call_command("export_data", "figures", "--month", "soon")


def test_export_escapes_formula_cells(sample, capsys):
    from indicators.models import Indicator

    Indicator.objects.filter(reference="6.1").update(title='=HYPERLINK("http://x")')
    call_command("export_data", "indicators")
    out = capsys.readouterr().out
    assert "'=HYPERLINK" in out
