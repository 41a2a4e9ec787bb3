"""Hostile and broken files, built here: each gets a clear message, none answers 500, and the
database is exactly as it was."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.actors import SYSTEM
from indicators.importing.pipeline import import_file
from indicators.importing.uploads import receive_upload
from indicators.models import Upload
from tests.helpers import csv_bytes, database_state
from tests.xlsx import SHEET, rewrite, workbook

HEADER = ["indicator", "month", "value", "note"]
GOOD = workbook([HEADER, ["6.1", "2020-05", 611, ""]])


def refusal(content: bytes, name: str) -> str:
    """The one message a refused file gets; the database is untouched."""
    before = database_state()
    plan, applied = import_file("figures", name, content, SYSTEM)
    assert applied is None and not plan.ok
    assert database_state() == before
    return "\n".join(str(error) for error in plan.errors)


def inflating_member(size: int) -> bytes:
    """A workbook whose sheet inflates to ``size`` bytes of spaces: a few MB on the wire."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(GOOD))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(SHEET, "w", force_zip64=size >= 2**31) as member:
                chunk = b" " * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return inflating_member(1024**3)


def test_a_zip_bomb_is_refused_before_it_is_inflated(sample, gigabyte_bomb):
    assert len(gigabyte_bomb) < 5 * 1024 * 1024
    message = refusal(gigabyte_bomb, "bomb.xlsx")
    assert "inflates to more than 200 MB when opened" in message


def test_a_member_that_lies_about_its_size_is_refused(sample):
    content = inflating_member(8 * 1024 * 1024)
    # The archive says the sheet is 100 bytes (in its directory and its local header).
    archive = bytearray(content)
    real = (8 * 1024 * 1024).to_bytes(4, "little")
    for start in range(len(archive) - 4):
        if archive[start : start + 4] == real:
            archive[start : start + 4] = (100).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(archive))).getinfo(SHEET).file_size == 100
    with override_settings(IMPORT_MAX_INFLATED_BYTES=4 * 1024 * 1024):
        message = refusal(bytes(archive), "liar.xlsx")
    assert "liar.xlsx is a damaged XLSX workbook" in message or "inflates to more than" in message


def test_overlapping_entries_are_refused(sample):
    """The non-recursive zip bomb: many names for one compressed stream."""
    content = bytearray(GOOD)
    end = content.rindex(b"PK\x05\x06")
    directory_size = int.from_bytes(content[end + 12 : end + 16], "little")
    directory_start = int.from_bytes(content[end + 16 : end + 20], "little")
    directory = content[directory_start : directory_start + directory_size]
    first = directory[: 46 + int.from_bytes(directory[28:30], "little")]
    # A second directory entry pointing at the first entry's data, under another name.
    twin = bytearray(first)
    twin[46:47] = b"Z"
    entries = int.from_bytes(content[end + 10 : end + 12], "little") + 1
    new_directory = bytes(directory) + bytes(twin)
    tail = bytearray(content[end:])
    tail[8:10] = entries.to_bytes(2, "little")
    tail[10:12] = entries.to_bytes(2, "little")
    tail[12:16] = len(new_directory).to_bytes(4, "little")
    hostile = bytes(content[:directory_start]) + new_directory + bytes(tail)
    assert "entries overlap" in refusal(hostile, "overlap.xlsx")


def test_too_many_entries_are_refused(sample):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for number in range(1500):
            target.writestr(f"junk/{number}.xml", b"<x/>")
    assert "holds 1,500 files inside" in refusal(out.getvalue(), "many.xlsx")


@pytest.mark.parametrize(
    ("name", "xml"),
    [
        (
            "external entity",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
            "</sheetData></worksheet>",
        ),
        (
            "billion laughs",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row>'
            "</sheetData></worksheet>",
        ),
    ],
)
def test_xml_with_entities_is_refused(sample, name, xml):
    content = rewrite(GOOD, {SHEET: xml.encode()})
    message = refusal(content, "entity.xlsx")
    assert "declares XML entities, which a workbook saved by Excel never does" in message
    assert "root:" not in message and "haha" not in message


def test_truncated_sheet_xml_is_refused(sample):
    content = rewrite(GOOD, {SHEET: lambda xml: xml[: len(xml) // 2]})
    assert "is not a readable XLSX workbook" in refusal(content, "cut.xlsx")


def test_a_truncated_archive_is_refused(sample):
    assert "not a readable XLSX workbook" in refusal(GOOD[: len(GOOD) // 2], "half.xlsx")


def test_too_many_rows_are_refused(sample):
    rows = [["6.1", f"20{20 + n // 12}-{n % 12 + 1:02d}", "600", ""] for n in range(30)]
    with override_settings(IMPORT_MAX_ROWS=20):
        message = refusal(csv_bytes([HEADER, *rows]), "long.csv")
    assert "more than 20 rows, the most one upload may hold" in message


def test_a_nul_byte_anywhere_is_refused_at_once(sample):
    content = csv_bytes([HEADER] + [["6.1", "2020-05", "611", "x" * 100]] * 60) + b"\x00tail"
    assert len(content) > 4096
    assert "a NUL byte at byte" in refusal(content, "nul.csv")


def test_utf16_is_named(sample):
    content = "\ufeffindicator,month,value\n6.1,2020-05,611\n".encode("utf-16")
    assert "saved as UTF-16 text" in refusal(content, "utf16.csv")


def test_control_characters_in_a_cell_are_a_row_error(sample):
    content = csv_bytes([HEADER, ["6.1", "2020-05", "611", "a\x1bb"]])
    assert "row 2, column 'note': holds a control character (code 0x1b)" in refusal(
        content, "escape.csv"
    )


def test_a_huge_cell_is_refused(sample):
    content = csv_bytes([HEADER, ["6.1", "2020-05", "611", "x" * 30_000]])
    assert "not a readable CSV file" in refusal(content, "huge-cell.csv")


def test_a_long_csv_name_keeps_its_suffix(sample, officer):
    name = "f" * 296 + ".csv"
    upload = receive_upload(
        "figures", name, csv_bytes([HEADER, ["6.1", "2020-05", "611", ""]]), officer
    )
    assert upload.status == Upload.Status.PREVIEWED
    assert upload.file_name.endswith(".csv") and len(upload.file_name) == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("entity.xlsx", rewrite(GOOD, {SHEET: b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'})),
        ("cut.xlsx", GOOD[:300]),
        ("nul.csv", b"indicator,month\n6.1,\x00"),
        ("utf16.csv", "indicator\n".encode("utf-16")),
    ],
)
def test_the_upload_page_answers_hostile_files_with_a_message(
    client, sample, officer, name, content
):
    client.force_login(officer)
    before = database_state()
    response = client.post(
        reverse("indicators:uploads"),
        {"kind": "figures", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "nothing from this file can be written" in text
    assert "Confirm and apply" not in text
    assert database_state() == before


def test_workbooks_are_parsed_through_defusedxml():
    """Behind our own check for entities, openpyxl itself refuses them (requirements.txt)."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
