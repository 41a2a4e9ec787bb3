"""Benchmarks from the DfE's LAIT files through the product: the ``import_benchmarks`` command
and the upload page, both through the one import pipeline (preview, all or nothing, every
change kept with who and when).

The engine's figures against the April 2020 report are tested in ``test_lait.py``; here the
stored benchmarks are compared with the report, and refusals are checked to write nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.importing.uploads import confirm_upload
from indicators.models import (
    Benchmark,
    BenchmarkComparison,
    BenchmarkRevision,
    Indicator,
    Upload,
)
from indicators.performance import Measure
from tests.helpers import csv_bytes, database_state
from tests.test_lait import (
    ALL,
    DATA,
    HEADER,
    NEIGHBOURS,
    ROTHERHAM,
    lait_rows,
    neighbour_list,
    printed,
    sample_mapping,
)

ADOPTED = "%_of LAC Adopted"
SN, BEST, NAT, TOP = (
    Measure.SN_AVERAGE,
    Measure.BEST_SN,
    Measure.NATIONAL_AVERAGE,
    Measure.NATIONAL_TOP_QUARTILE,
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_benchmarks", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def benchmark(reference: str, measure: Measure) -> Benchmark:
    return Benchmark.objects.get(indicator__reference=reference, measure=measure.value)


def write(tmp_path: Path | str, name: str, content: bytes) -> str:
    path = Path(tmp_path) / name
    path.write_bytes(content)
    return str(path)


def small_lait(values: dict[int, str], year: str = "2019") -> bytes:
    """A LAIT long table of adoption only (England 970 included)."""
    rows = lait_rows(values | {970: "12"}, measure=ADOPTED, year=year)
    for row in rows:
        if row[5] == "970.0":
            row[3] = "England"
    return gzip.compress(csv_bytes([HEADER, *rows]))


@pytest.fixture
def files(tmp_path):
    """A small LAIT file and a neighbour list giving Rotherham its ten neighbours."""
    return {
        "lait": write(tmp_path, "lait_small.csv.gz", small_lait(ALL | {370: "c", 383: "60"})),
        "sn": write(tmp_path, "sn.xlsx", neighbour_list({372: NEIGHBOURS}).getvalue()),
    }


# --------------------------------------------------------------------------------------------
# The command, on the published files: Rotherham 2019 against the April 2020 report
# --------------------------------------------------------------------------------------------


def test_rotherham_2019_benchmarks_equal_the_april_2020_report(sample):
    output = run(
        str(DATA / "lait_long.csv.gz"),
        "--la",
        "372",
        "--neighbours",
        str(DATA / "sn_april_2021.xlsx"),
        "--year",
        "2019",
    )
    # Adoption and care leavers' accommodation: SN average and national equal to the decimal.
    for reference in ("6.9", "7.4"):
        report = printed(reference)
        for measure in (SN, NAT):
            stored = benchmark(reference, measure)
            assert stored.value == report[measure], (reference, measure)
            assert stored.year == "2019"
            assert stored.source.startswith(f"DfE LAIT {sample_mapping()[reference]}: ")
    assert benchmark("6.9", BEST).value == printed("6.9")[BEST]
    assert benchmark("7.4", SN).display == "86.6% (2019)"
    assert "SN AVE: 86.6% (average of 9 of 10 neighbours)" in output
    assert "skipped Barnsley (370): '-' no figure" in output
    # Every mapped indicator with a 2019 figure was written, each change kept with its source.
    mapped = Indicator.objects.exclude(lait="")
    assert mapped.count() == len(sample_mapping()) == 15
    written = BenchmarkRevision.objects.filter(new_year="2019")
    # LAC_ceased_SGO% and LAC_Parents_OR_Others start in 2020: named, not written.
    assert {r.benchmark.indicator.reference for r in written} == {
        i.reference for i in mapped if i.reference not in ("6.7", "8.4")
    }
    assert "8.4: LAC_Parents_OR_Others has no data year '2019'" in output
    assert all(r.changed_by is None and r.source == "lait_long.csv.gz" for r in written)
    assert "6.7: LAC_ceased_SGO% has no data year '2019'" in output
    # The comparison the indicator page charts: the council, ten neighbours, England.
    comparison = BenchmarkComparison.objects.get(indicator__reference="6.9", la=ROTHERHAM)
    roles = [place["role"] for place in comparison.places]
    assert roles == ["council"] + ["neighbour"] * 10 + ["national"]
    assert comparison.places[-1]["value"] == "12"


def test_polarity_disagreement_is_warned(sample):
    output = run(
        str(DATA / "lait_long.csv.gz"),
        "--la",
        "372",
        "--neighbours",
        str(DATA / "sn_april_2021.xlsx"),
        "--dry-run",
    )
    assert "WARNING:" in output and "LAC_Parents_OR_Others" in output
    assert "dry run" in output
    assert not BenchmarkRevision.objects.filter(source="lait_long.csv.gz").exists()


# --------------------------------------------------------------------------------------------
# The command on small files: suppressed values, refusals, re-imports
# --------------------------------------------------------------------------------------------


def only_adoption_mapped() -> None:
    Indicator.objects.exclude(reference="6.9").update(lait="")


def test_suppressed_values_are_skipped_with_the_reason(sample, files):
    only_adoption_mapped()
    output = run(files["lait"], "--la", "372", "--neighbours", files["sn"])
    assert "skipped Barnsley (370): 'c' suppressed" in output
    assert "average of 9 of 10 neighbours" in output
    assert benchmark("6.9", SN).value == Decimal("51.1")  # (8 * 50 + 60) / 9
    assert benchmark("6.9", BEST).value == Decimal("60")
    assert benchmark("6.9", NAT).value == Decimal("12")


def test_an_unmapped_indicator_gets_no_benchmarks_and_is_named(sample, files):
    only_adoption_mapped()
    before = benchmark("6.2", SN).value
    output = run(files["lait"], "--la", "372", "--neighbours", files["sn"])
    assert "no benchmarks: 6.2: no LAIT measure mapped." in output
    assert benchmark("6.2", SN).value == before
    assert not BenchmarkRevision.objects.filter(
        benchmark__indicator__reference="6.2", source="lait_small.csv.gz"
    ).exists()


@pytest.mark.parametrize(
    ("la", "neighbours", "lait", "message"),
    [
        (999, "sn", "lait", "LA number 999 is not a local authority of the LAIT file"),
        (370, "sn", "lait", "LA 370 is not in the statistical-neighbour list sn.xlsx"),
        (372, "sn", "not_lait", "Short Desc"),
        (372, "not_sn", "lait", "other.xlsx: The file is not an Excel workbook"),
    ],
)
def test_refusals_name_the_problem_and_write_nothing(
    sample, files, tmp_path, la, neighbours, lait, message
):
    files["not_lait"] = write(
        tmp_path,
        "figures.csv",
        csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "1"]]),
    )
    files["not_sn"] = write(tmp_path, "other.xlsx", b"not a workbook")
    only_adoption_mapped()
    before = database_state()
    with pytest.raises(CommandError):
        err = io.StringIO()
        try:
            call_command(
                "import_benchmarks",
                files[lait],
                "--la",
                str(la),
                "--neighbours",
                files[neighbours],
                stdout=io.StringIO(),
                stderr=err,
            )
        finally:
            assert message in err.getvalue()
    assert database_state() == before


def test_a_reimport_keeps_what_dfe_revised(sample, files, tmp_path):
    only_adoption_mapped()
    run(files["lait"], "--la", "372", "--neighbours", files["sn"])
    revised = write(tmp_path, "lait_revised.csv.gz", small_lait(ALL | {370: "c", 383: "69"}))
    output = run(revised, "--la", "372", "--neighbours", files["sn"])
    assert "changed 6.9 SN AVE: value: 51.1% → 52.1%" in output
    history = BenchmarkRevision.objects.filter(
        benchmark__indicator__reference="6.9", benchmark__measure=SN.value
    ).order_by("id")
    assert [(r.old_value, r.new_value) for r in history] == [
        (None, Decimal("17.3")),  # the sample's printed figure (the sample loads benchmarks)
        (Decimal("17.3"), Decimal("51.1")),  # then DfE's
        (Decimal("51.1"), Decimal("52.1")),
    ]
    assert history[2].source == "lait_revised.csv.gz"
    # National unchanged: no revision; a third identical import changes nothing.
    assert BenchmarkRevision.objects.filter(benchmark=benchmark("6.9", NAT)).count() == 2
    count = BenchmarkRevision.objects.count()
    assert "0 new, 0 changed, 4 unchanged" in run(
        revised, "--la", "372", "--neighbours", files["sn"]
    )
    assert BenchmarkRevision.objects.count() == count


def test_a_plain_benchmarks_upload_keeps_revisions_too(sample):
    from tests.helpers import imported

    officer = get_user_model().objects.get(username="officer")
    content = csv_bytes(
        [["indicator", "measure", "value", "year"], ["6.2", "SN AVE", "93.1", "2019"]]
    )
    imported("benchmarks", "bm.csv", content, officer)
    revision = BenchmarkRevision.objects.get(source="bm.csv")
    assert (revision.old_value, revision.new_value, revision.new_year) == (
        Decimal("92.0"),
        Decimal("93.1"),
        "2019",
    )
    assert revision.changed_by == officer


# --------------------------------------------------------------------------------------------
# The upload page
# --------------------------------------------------------------------------------------------


@pytest.fixture
def officer_client(client, sample):
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


def post_lait(
    client, lait: bytes, sn: bytes, la: int = 372, year: str = "", name: str = "l.csv.gz"
):
    return client.post(
        reverse("indicators:lait_upload"),
        {
            "file": SimpleUploadedFile(name, lait),
            "neighbours": SimpleUploadedFile("sn.xlsx", sn),
            "council": str(la),
            "year": year,
            "framework": "",
        },
        follow=True,
    )


def test_the_page_computes_previews_and_confirm_applies(officer_client):
    only_adoption_mapped()
    page = officer_client.get(reverse("indicators:lait_upload"))
    assert "Rotherham (372)" in page.content.decode()
    before = database_state()
    response = post_lait(
        officer_client, small_lait(ALL | {370: "c"}), neighbour_list({372: NEIGHBOURS}).getvalue()
    )
    text = response.content.decode()
    assert "Barnsley (370): &#x27;c&#x27; suppressed" in text
    assert "average of 9 of 10 neighbours" in text
    assert "17.3%" in text and "50.0%" in text  # changed: old → new
    assert database_state() == before  # a preview writes nothing
    upload = Upload.objects.get(status=Upload.Status.PREVIEWED)
    officer = get_user_model().objects.get(username="officer")
    outcome = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert outcome.done, outcome.message
    assert benchmark("6.9", SN).value == Decimal("50.0")
    revision = BenchmarkRevision.objects.get(benchmark=benchmark("6.9", SN), upload=upload)
    assert revision.changed_by == officer and revision.upload == upload
    assert BenchmarkComparison.objects.get(indicator__reference="6.9").upload == upload
    shown = officer_client.get(reverse("indicators:upload", args=[upload.pk])).content.decode()
    assert 'id="benchmark-revisions"' in shown


@pytest.mark.parametrize(
    ("lait", "sn", "la", "message"),
    [
        ("good", "good", 999, "Select a valid choice"),
        ("good", "good", 370, "LA 370 is not in the statistical-neighbour list sn.xlsx"),
        ("figures", "good", 372, "Short Desc"),
        ("good", "bad", 372, "sn.xlsx"),
        ("corrupt", "good", 372, "not a readable gzip file"),
    ],
)
def test_the_page_shows_errors_and_writes_nothing(officer_client, lait, sn, la, message):
    only_adoption_mapped()
    contents = {
        "good": small_lait(ALL),
        "figures": csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "1"]]),
        "corrupt": small_lait(ALL)[:40],
    }
    sns = {"good": neighbour_list({372: NEIGHBOURS}).getvalue(), "bad": b"not a workbook"}
    before = database_state()
    response = post_lait(officer_client, contents[lait], sns[sn], la=la)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert database_state() == before
    assert not Upload.objects.filter(status=Upload.Status.PREVIEWED).exists()


def test_the_page_shows_polarity_disagreement(officer_client):
    Indicator.objects.filter(reference="6.9").update(polarity="Low")
    only_adoption_mapped()
    response = post_lait(
        officer_client, small_lait(ALL), neighbour_list({372: NEIGHBOURS}).getvalue()
    )
    text = response.content.decode()
    assert 'id="lait-warnings"' in text and "Polarity disagrees" in text


def test_a_file_with_another_suffix_is_refused(officer_client):
    before = database_state()
    response = post_lait(
        officer_client, b"x", neighbour_list({372: NEIGHBOURS}).getvalue(), name="lait.xlsx"
    )
    assert "must end in .csv or .csv.gz" in response.content.decode()
    assert database_state() == before and not Upload.objects.exists()


# --------------------------------------------------------------------------------------------
# The indicator page: the council against each neighbour and England, stored at import
# --------------------------------------------------------------------------------------------


def test_the_indicator_page_charts_the_council_against_its_neighbours(officer_client, files):
    only_adoption_mapped()
    page = officer_client.get(reverse("indicators:indicator", args=["6.9"])).content.decode()
    assert 'id="comparison"' not in page  # nothing imported yet
    run(files["lait"], "--la", "372", "--neighbours", files["sn"])
    page = officer_client.get(reverse("indicators:indicator", args=["6.9"])).content.decode()
    assert "Rotherham against its statistical neighbours and England, 2019" in page
    assert "9 of 10 neighbours have a figure" in page
    table = page.split('id="comparison-table"')[1].split("</table>")[0]
    assert "Barnsley</th><td>Statistical neighbour</td>" in table
    assert "&#x27;c&#x27; suppressed" in table
    assert 'Leeds</th><td>Statistical neighbour</td><td class="num">60.0%</td>' in table
    assert 'England</th><td>England</td><td class="num">12.0%</td>' in table
    # The chart is drawn from the same figures (null where suppressed), beside its table.
    charts = page.split('id="chart-data" type="application/json">')[1].split("</script>")[0]
    assert '"id": "comparison-chart"' in charts and "null" in charts
    assert 'aria-describedby="comparison-table"' in page
    # Earlier benchmark values: the sample's printed 17.3% replaced by DfE's 51.1%.
    history = page.split('id="benchmark-history"')[1].split("</details>")[0]
    assert "17.3%" in history and "51.1% (2019)" in history


# --------------------------------------------------------------------------------------------
# Mapping in the admin: the dictionary suggests, polarity disagreement is warned
# --------------------------------------------------------------------------------------------


def admin_form(client, indicator: Indicator) -> dict[str, str]:
    """The indicator's change form as the browser would post it back."""
    from django.forms.models import model_to_dict

    data = {k: "" if v is None else v for k, v in model_to_dict(indicator).items()}
    data.pop("id", None)
    for prefix in ("targets", "benchmarks", "outturns"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_the_admin_suggests_measures_and_warns_of_polarity(officer_client):
    indicator = Indicator.objects.get(reference="8.4")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = officer_client.get(url).content.decode()
    assert 'list="lait-measures"' in page and '<datalist id="lait-measures">' in page
    assert 'id="lait-warning"' in page and "DfE&#x27;s for LAC_Parents_OR_Others" in page
    # Words instead of a code: refused with the measures they suggest, nothing saved.
    care_leavers = Indicator.objects.get(reference="7.4")
    data = admin_form(officer_client, care_leavers)
    data["lait"] = "care leavers accommodation"
    response = officer_client.post(
        reverse("admin:indicators_indicator_change", args=[care_leavers.pk]), data
    )
    text = response.content.decode().replace("&#x27;", "'")
    assert "is not a LAIT measure code. Measures matching these words: CareLeaverAcc" in text
    assert Indicator.objects.get(reference="7.4").lait == "CareLeaverAcc"


def test_a_benchmark_changed_in_the_admin_keeps_a_revision(officer_client):
    stored = benchmark("6.9", SN)
    url = reverse("admin:indicators_benchmark_change", args=[stored.pk])
    response = officer_client.post(
        url,
        {
            "indicator": stored.indicator_id,
            "measure": SN.value,
            "value": "17.5",
            "year": "2019",
            "source": "typed",
        },
    )
    assert response.status_code == 302
    revision = BenchmarkRevision.objects.get(benchmark=stored, source="admin")
    assert (revision.old_value, revision.new_value) == (Decimal("17.3"), Decimal("17.5"))
    assert revision.changed_by is not None and revision.changed_by.username == "officer"


# --------------------------------------------------------------------------------------------
# The report's HTML version: the comparison frozen in the edition (snapshot schema 3)
# --------------------------------------------------------------------------------------------


def test_the_report_prints_the_comparison_and_older_editions_do_not_change(
    sample_month, client, files
):
    from reports import services
    from reports.models import Edition

    officer = get_user_model().objects.get(username="officer")
    only_adoption_mapped()
    run(files["lait"], "--la", "372", "--neighbours", files["sn"])
    draft = services.generate_draft(sample_month, officer, queue=False)
    services.build_edition(draft.pk)
    draft.refresh_from_db()
    assert draft.snapshot["schema"] == 3
    (comparison,) = [c for part in draft.snapshot["sections"] for c in part["comparisons"]]
    assert comparison["reference"] == "6.9" and comparison["year"] == "2019"
    assert comparison["with_value"] == 9 and comparison["places"][-1]["shown"] == "12.0%"
    client.force_login(officer)
    page = client.get(reverse("reports:read", args=[draft.pk])).content.decode()
    assert "Against statistical neighbours and England (DfE LAIT)" in page
    assert "6.9 in 2019: 9 of 10 neighbours with a figure" in page
    assert '"id": "comparison-LAC-1"' in page
    # A later import changes the figures behind it, not the edition.
    revised = write(files["lait"].rsplit("/", 1)[0], "r.csv.gz", small_lait(ALL | {383: "90"}))
    run(revised, "--la", "372", "--neighbours", files["sn"])
    assert Edition.objects.get(pk=draft.pk).snapshot == draft.snapshot
    assert (
        "6.9 in 2019: 9 of 10"
        in client.get(reverse("reports:read", args=[draft.pk])).content.decode()
    )
    # An edition of schema 2 (before comparisons) still reads, and prints none.
    old = {**draft.snapshot, "schema": 2}
    old["sections"] = [
        {k: v for k, v in part.items() if k != "comparisons"} for part in old["sections"]
    ]
    Edition.objects.filter(pk=draft.pk).update(snapshot=old)
    page = client.get(reverse("reports:read", args=[draft.pk]))
    assert page.status_code == 200
    assert "Against statistical neighbours" not in page.content.decode()


# --------------------------------------------------------------------------------------------
# The indicators file's lait column: exported, imported back, checked against DfE's dictionary
# --------------------------------------------------------------------------------------------


def test_the_lait_column_round_trips_and_its_polarity_is_checked(officer_client, tmp_path):
    out = io.StringIO()
    call_command("export_data", "indicators", stdout=out)
    exported = out.getvalue()
    assert "lait" in exported.splitlines()[0].split(",")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["reference"]: r["lait"] for r in rows if r["lait"]} == sample_mapping()
    # The file imported back is unchanged, but 8.4's polarity disagreeing with DfE's is said.
    path = write(tmp_path, "indicators.csv", exported.encode())
    out = io.StringIO()
    call_command("import_data", "indicators", path, "--dry-run", stdout=out)
    assert "0 new, 0 changed" in out.getvalue()
    assert "8.4: Polarity disagrees" in out.getvalue()
    # In the upload preview too, with an unknown measure.
    changed = exported.replace(",CareLeaverAcc", ",CareLeaverAccommodation")
    response = officer_client.post(
        reverse("indicators:uploads"),
        {"kind": "indicators", "file": SimpleUploadedFile("indicators.csv", changed.encode())},
        follow=True,
    )
    text = response.content.decode().replace("&#x27;", "'")
    assert 'id="warnings"' in text and "8.4: Polarity disagrees" in text
    assert "7.4: 'CareLeaverAccommodation' is not a measure of DfE's LAIT data dictionary" in text
