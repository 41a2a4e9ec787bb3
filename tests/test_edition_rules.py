"""Report editions: files named by id and written once, the covering paper signed off with the
rest, nothing issued of a framework without sections, private downloads never cached, and who
acts always named."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.actors import SYSTEM
from indicators.importing.uploads import receive_upload
from indicators.models import Framework, FrameworkSection, ReportingMonth, Section
from indicators.services import default_timetable, open_month
from indicators.storage import private_storage
from narratives import services as narratives
from reports import assembly, services
from reports.models import BuildStatus, Edition
from tests.cast import make_cast
from tests.editions import approve_all
from tests.helpers import csv_bytes

APRIL = datetime.date(2020, 4, 1)


def built(edition: Edition) -> Edition:
    assert services.build_edition(edition.pk) == BuildStatus.READY
    return Edition.objects.get(pk=edition.pk)


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def signed_draft(month: ReportingMonth) -> Edition:
    people = make_cast()
    draft = built(services.generate_draft(month, people.officer))
    return services.sign_off(draft, people.approver)


# -- files --------------------------------------------------------------------------------------


def test_edition_files_are_named_by_id_and_build(sample_month, officer):
    edition = built(services.generate_draft(sample_month, officer))
    assert edition.pdf.name == f"reports/2020-04/edition-{edition.pk}-build-1-report.pdf"
    assert edition.paper.name == f"reports/2020-04/edition-{edition.pk}-build-1-covering-paper.pdf"
    assert sha256(edition.pdf.path) == edition.pdf_sha256


def test_a_file_is_written_once_and_never_over(private_media):
    services.write_once("reports/2020-04/edition-1-build-1-report.pdf", b"%PDF issued")
    with pytest.raises(FileExistsError):
        services.write_once("reports/2020-04/edition-1-build-1-report.pdf", b"%PDF another")
    path = Path(private_storage().path("reports/2020-04/edition-1-build-1-report.pdf"))
    assert path.read_bytes() == b"%PDF issued"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_no_later_build_changes_an_issued_pdf(sample_month, officer):
    """The issued Issue 1 PDF keeps its recorded SHA-256 whatever is built afterwards, for this
    framework or another one (which cannot be named like it, and whose files are its own)."""
    approve_all(sample_month)
    signed_draft(sample_month)
    issued = built(services.issue_report(sample_month, officer))
    other = Framework.objects.create(name="Corporate Parenting Board")
    FrameworkSection.objects.create(
        framework=other, section=Section.objects.get(code="LAC"), order=1
    )
    board = open_month(other, sample_month.month, default_timetable(sample_month.month), SYSTEM)
    board_draft = built(services.generate_draft(board, SYSTEM))
    correction = built(services.generate_draft(sample_month, officer))
    assert len({issued.pdf.name, board_draft.pdf.name, correction.pdf.name}) == 3
    assert sha256(issued.pdf.path) == issued.pdf_sha256
    assert sha256(issued.paper.path) == issued.paper_sha256


def test_a_build_whose_worker_died_after_writing_builds_again_beside_it(sample_month, officer):
    edition = services.generate_draft(sample_month, officer)
    # The first attempt claimed the edition, wrote its report and died before finishing.
    Edition.objects.filter(pk=edition.pk).update(status=BuildStatus.BUILDING, attempts=1)
    edition.refresh_from_db()
    services.write_once(edition.storage_name("report"), b"%PDF half a build")
    rebuilt = built(edition)
    assert rebuilt.attempts == 2 and str(rebuilt.pdf.name).endswith("-build-2-report.pdf")
    assert sha256(rebuilt.pdf.path) == rebuilt.pdf_sha256


# -- the covering paper is signed off with the report -------------------------------------------


def test_a_covering_paper_edited_after_sign_off_is_not_issued_unseen(sample_month, officer):
    approve_all(sample_month)
    paper = assembly.paper_of(sample_month)
    services.save_paper(sample_month, officer, paper)
    signed = signed_draft(sample_month)
    services.save_paper(sample_month, officer, {**paper, "summary": "Changed after sign-off."})
    with pytest.raises(services.EditionError) as refusal:
        services.issue_report(sample_month, officer)
    assert str(refusal.value) == (
        f"Cannot issue: the covering paper changed after {signed.label} was signed off. "
        "Generate a new draft for sign-off."
    )
    assert not Edition.objects.filter(draft__isnull=True).exists()
    signed_again = signed_draft(sample_month)
    issued = services.issue_report(sample_month, officer)
    assert issued.snapshot["paper"]["summary"] == "Changed after sign-off."
    assert issued.content_sha256 == signed_again.content_sha256


# -- a framework without sections ---------------------------------------------------------------


def test_a_framework_without_sections_has_nothing_to_draft_or_issue(sample, officer):
    empty = Framework.objects.create(name="Empty report")
    month = open_month(empty, APRIL, default_timetable(APRIL), officer)
    message = "Empty report has no sections: there is nothing to report."
    with pytest.raises(services.EditionError, match=message):
        services.generate_draft(month, officer)
    with pytest.raises(services.EditionError, match=message):
        services.issue_report(month, officer)
    assert not Edition.objects.exists()


# -- private downloads --------------------------------------------------------------------------


def test_private_downloads_are_never_cached(client, sample_month, officer):
    edition = built(services.generate_draft(sample_month, officer))
    upload = receive_upload(
        "figures",
        "rerun.csv",
        csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "605"]]),
        officer,
    )
    client.force_login(officer)
    framework = sample_month.framework
    for url in (
        reverse("reports:report_pdf", args=[edition.pk]),
        reverse("reports:paper_pdf", args=[edition.pk]),
        reverse("indicators:appendix_a", args=[framework.pk, "2020-04"]),
        reverse("indicators:upload_file", args=[upload.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


# -- who acts -----------------------------------------------------------------------------------


def test_nobody_is_not_the_system(sample_month) -> None:
    """``None`` was once the system skipping every check; now it is simply nobody."""
    with pytest.raises(services.EditionError, match="Only a performance officer generates"):
        services.generate_draft(sample_month, None)  # type: ignore[arg-type]
    with pytest.raises(services.EditionError, match="Only a performance officer issues"):
        services.issue_report(sample_month, None)  # type: ignore[arg-type]
    with pytest.raises(narratives.WorkflowError, match="Only a performance officer issues"):
        narratives.lock_for_issue(sample_month, None)  # type: ignore[arg-type]
    with pytest.raises(narratives.WorkflowError, match="Only a performance officer opens"):
        narratives.create_month_narratives(sample_month, None)  # type: ignore[arg-type]


def test_what_the_system_may_do(sample_month):
    draft = services.generate_draft(sample_month, SYSTEM)
    assert draft.created_by is None
    # Nobody is named: the cover prints the council's team (reports' council settings).
    assert draft.snapshot["edition"]["created_by"] == ""
    approve_all(sample_month)
    with pytest.raises(services.EditionError, match="never by the system"):
        services.issue_report(sample_month, SYSTEM)
    with pytest.raises(narratives.WorkflowError, match="never by the system"):
        narratives.lock_for_issue(sample_month, SYSTEM)
    assert narratives.create_month_narratives(sample_month, SYSTEM) == []
