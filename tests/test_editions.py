"""Report editions: numbering, sign-off, issue, the build and who sees what.

The sample April 2020 month (``make run``'s) is brought to approval through the narrative
verbs; builds run the real Celery task in-process (eager) and write real PDFs.
"""

from __future__ import annotations

import hashlib
import io
from html import escape
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from indicators.importing.uploads import confirm_upload, receive_upload
from narratives.models import Narrative
from reports import assembly, papers, pdf, services
from reports.models import BuildStatus, Edition, PaperDetails
from reports.tasks import build_edition
from tests.cast import make_cast
from tests.cast import person as new_person
from tests.editions import approve_all
from tests.helpers import csv_bytes


def _signed_draft(month) -> Edition:
    approve_all(month)
    people = make_cast()
    draft = services.generate_draft(month, people.officer)
    draft.refresh_from_db()
    return services.sign_off(draft, people.approver)


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def month(sample_month, django_capture_on_commit_callbacks, monkeypatch):
    """The sample month, with builds queued on commit run at once although the test's own
    transaction never commits (the transactional tests above take the real commit path)."""
    queue = services._queue_build

    def build_now(edition: Edition) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            queue(edition)

    monkeypatch.setattr(services, "_queue_build", build_now)
    return sample_month


def generate(month) -> Edition:
    edition = services.generate_draft(month, make_cast().officer)
    edition.refresh_from_db()
    return edition


def summary_line(report, reference: str):
    return next(
        line
        for group in report["summary"]
        for line in group["lines"]
        if line["reference"] == reference
    )


@pytest.mark.django_db(transaction=True)
def test_drafts_are_numbered_and_built_with_their_checksums(sample_month, private_media):
    first = generate(sample_month)
    second = generate(sample_month)
    assert (first.label, second.label) == ("Issue 1, Draft 1", "Issue 1, Draft 2")
    for edition in (first, second):
        assert edition.status == BuildStatus.READY, edition.error
        content = Path(edition.pdf.path).read_bytes()
        assert content.startswith(b"%PDF") and edition.pages > 1
        assert hashlib.sha256(content).hexdigest() == edition.pdf_sha256
        paper = Path(edition.paper.path).read_bytes()
        assert hashlib.sha256(paper).hexdigest() == edition.paper_sha256
    assert second.snapshot["edition"]["label"] == "Issue 1, Draft 2"
    assert not any(".building-" in name for name in _files(private_media))


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_build_neither_numbers_again_nor_rebuilds(sample_month):
    edition = generate(sample_month)
    before = Path(edition.pdf.path).read_bytes()
    assert build_edition.delay(edition.pk).get() == BuildStatus.READY
    edition.refresh_from_db()
    assert edition.attempts == 1
    assert Edition.objects.count() == 1
    assert Path(edition.pdf.path).read_bytes() == before


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_says_why_and_leaves_no_file(
    sample_month, private_media, monkeypatch, officer
):
    def broken(report):
        raise ValueError("the chart of 6.1 could not be drawn")

    monkeypatch.setattr(pdf, "render_paper", broken)
    edition = generate(sample_month)
    assert edition.status == BuildStatus.FAILED
    assert "the chart of 6.1 could not be drawn" in edition.error
    assert not edition.pdf and not edition.pdf_sha256
    assert not any(name.endswith(".pdf") for name in _files(private_media))
    monkeypatch.undo()
    services.rebuild(edition, officer)
    edition.refresh_from_db()
    assert edition.status == BuildStatus.READY and edition.attempts == 2


def test_only_a_performance_officer_generates(month, client, cast):
    for person in (cast.approver, cast.head_of_service("LAC"), cast.panel):
        with pytest.raises(services.EditionError):
            services.generate_draft(month, person)
        client.force_login(person)
        response = client.post(reverse("reports:generate", args=[month.pk]))
        assert response.status_code == 403
    assert not Edition.objects.exists()


def test_issuing_with_one_narrative_unapproved_names_the_section(month, approver, officer):
    approve_all(month, but="LAC-HEALTH")
    draft = generate(month)
    with pytest.raises(services.EditionError, match="LOOKED AFTER CHILDREN - HEALTH"):
        services.sign_off(draft, approver)
    with pytest.raises(services.EditionError) as refused:
        services.issue_report(month, officer)
    assert "LOOKED AFTER CHILDREN - HEALTH (draft)" in str(refused.value)
    assert "LOOKED AFTER CHILDREN - REVIEWS" not in str(refused.value)
    assert Edition.objects.filter(draft__isnull=True).count() == 0
    assert not Narrative.objects.filter(issued=True).exists()


def test_the_issue_page_shows_the_refusal(month, client, officer):
    approve_all(month, but="FOSTERING")
    client.force_login(officer)
    response = client.post(reverse("reports:issue", args=[month.pk]), follow=True)
    assert response.status_code == 200
    assert "not every narrative is approved: FOSTERING (draft)" in response.content.decode()
    assert not Edition.objects.exists()


def test_issuing_needs_a_signed_off_draft_of_the_same_content(month, approver, officer):
    approve_all(month)
    generate(month)
    with pytest.raises(services.EditionError, match="no draft of Issue 1 has been signed off"):
        services.issue_report(month, officer)
    draft = Edition.objects.get()
    services.sign_off(draft, approver)
    # A re-run after sign-off changes April's number of looked-after children.
    rerun = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "610"]])
    upload = receive_upload("figures", "april-rerun.csv", rerun, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    with pytest.raises(services.EditionError) as refused:
        services.issue_report(month, officer)
    assert "the performance summary, LOOKED AFTER CHILDREN changed after Issue 1, Draft 1" in str(
        refused.value
    )
    assert not Edition.objects.filter(draft__isnull=True).exists()


def test_sign_off_is_for_approvers_on_built_drafts(month, approver, officer):
    draft = _signed_draft(month)
    assert draft.signed_off_by == approver
    with pytest.raises(services.EditionError, match="already signed off"):
        services.sign_off(draft, approver)
    another = generate(month)
    with pytest.raises(services.EditionError, match="Only an approver"):
        services.sign_off(another, officer)


def test_an_issued_edition_never_changes_after_a_rerun(month, officer):
    _signed_draft(month)
    issued = services.issue_report(month, officer)
    issued.refresh_from_db()
    assert issued.label == "Issue 1" and issued.status == BuildStatus.READY
    assert Narrative.objects.filter(issued=True).count() == 9
    report_bytes = Path(issued.pdf.path).read_bytes()
    paper_bytes = Path(issued.paper.path).read_bytes()
    frozen = issued.snapshot
    rerun = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "610"]])
    upload = receive_upload("figures", "april-rerun.csv", rerun, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    build_edition.delay(issued.pk)  # a late re-delivery of its build task
    issued.refresh_from_db()
    assert Path(issued.pdf.path).read_bytes() == report_bytes
    assert Path(issued.paper.path).read_bytes() == paper_bytes
    assert hashlib.sha256(report_bytes).hexdigest() == issued.pdf_sha256
    assert issued.snapshot == frozen
    # Its snapshot still renders the very same bytes: the checksum can be verified any time.
    assert pdf.render_report(issued.snapshot).content == report_bytes
    line = next(
        line for g in frozen["summary"] for line in g["lines"] if line["reference"] == "6.1"
    )
    assert line["months"][-1] == "604"
    # The correction is a new issue: the next draft is Issue 2, Draft 1 and prints 610.
    correction = generate(month)
    assert correction.label == "Issue 2, Draft 1"
    assert summary_line(correction.snapshot, "6.1")["months"][-1] == "610"


def test_the_panel_sees_issued_reports_only(month, client, approver, officer, panel):
    draft = generate(month)
    client.force_login(panel)
    assert client.get(reverse("reports:edition", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:report_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:read", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:month", args=[month.pk])).status_code == 403
    assert "No report has been issued yet" in client.get(reverse("reports:list")).content.decode()
    services.sign_off(_approved_draft(month), approver)
    issued = services.issue_report(month, officer)
    page = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:report_pdf", args=[issued.pk]) in page
    assert "Draft" not in page
    response = client.get(reverse("reports:report_pdf", args=[issued.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "corporate-parenting-2020-04-issue-1.pdf" in response["Content-Disposition"]
    paper = client.get(reverse("reports:paper_pdf", args=[issued.pk]))
    assert paper.status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert reverse("reports:read", args=[issued.pk]) in home


def _approved_draft(month) -> Edition:
    approve_all(month)
    return generate(month)


def test_the_html_version_reads_like_the_report(month, client, head_of_service):
    narrative = Narrative.objects.get(reporting_month=month, section__code="FOSTERING")
    narrative.changes = "Carers <b>recruited</b> & **three** approved."
    narrative.save()
    draft = generate(month)
    client.force_login(head_of_service("LAC"))
    page = client.get(reverse("reports:read", args=[draft.pk])).content.decode()
    assert "As at Month End: April 2020" in page and "Issue 1, Draft 1" in page
    assert "Carers &lt;b&gt;recruited&lt;/b&gt; &amp; <strong>three</strong> approved." in page
    assert "Not yet approved: draft narrative (status: Draft)" in page
    row = page[page.index(">6.2<") :][:1500]
    assert "106.1" in row and "rag-R" in row and "decline" in row
    # The section tables over fifteen months, counts beside percentages, and each chart's
    # text alternative (the same words as the PDF's /Alt).
    assert ">Jan-20</th>" in page and ">Mar-21</th>" in page
    assert '<td class="num">7 of 7</td>' in page and '<td class="num">136 of 266</td>' in page
    for part in draft.snapshot["sections"]:
        for chart in part["charts"]:
            assert escape(chart["alt"]) in page


def test_the_edition_status_is_polled_as_json(month, client, approver):
    draft = generate(month)
    client.force_login(approver)
    data = client.get(reverse("reports:status", args=[draft.pk])).json()
    assert data == {"status": "ready", "label": "Ready", "error": "", "ready": True}


def test_the_covering_paper_fields_are_kept_per_edition(month, client, approver, officer):
    client.force_login(officer)
    url = reverse("reports:paper", args=[month.pk])
    assert "Panel is asked to receive the report" in client.get(url).content.decode()
    refused = client.post(url, {"title": "", "summary": "s", "recommendations": "r"})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert not PaperDetails.objects.exists()
    fields = {
        **assembly.paper_of(month),
        "title": "Corporate Parenting Performance Report, April 2020",
        "meeting": "Corporate Parenting Panel, 01/06/2020",
        "authors": "A. Officer",
        "summary": "A summary.",
        "recommendations": "Receive the report.",
        "financial": "None.",
        "risks": "Few.",
        "accountable_officers": "Jo Bloggs, Head of Service",
    }
    assert client.post(url, fields).status_code == 302
    draft = generate(month)
    assert draft.snapshot["paper"]["accountable_officers"] == "Jo Bloggs, Head of Service"
    client.post(url, {**fields, "accountable_officers": "Someone else"})
    draft.refresh_from_db()
    assert draft.snapshot["paper"]["accountable_officers"] == "Jo Bloggs, Head of Service"
    client.force_login(approver)
    assert client.get(url).status_code == 403


def test_the_covering_paper_starts_from_the_frameworks_wording(month):
    paper = assembly.paper_of(month)
    assert paper["title"] == "Corporate Parenting Performance Report \N{EN DASH} April 2020"
    assert paper["meeting"] == "Corporate Parenting Panel, 01/06/2020"
    assert paper["recommendations"].startswith("The Corporate Parenting Panel is asked")
    assert papers.missing_fields(paper) == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"accountable_officers": ""}, "Accountable Officer(s)"),
        ({"wards": "TBC"}, "Ward(s) Affected"),
        (
            {"contact": "[name and e-mail]", "legal": "To be confirmed."},
            "Contact; Legal Implications",
        ),
    ],
)
def test_issuing_refuses_a_paper_with_empty_or_placeholder_fields(
    month, client, changes, named, officer
):
    draft = _signed_draft(month)
    client.force_login(officer)
    url = reverse("reports:paper", args=[month.pk])
    assert client.post(url, {**assembly.paper_of(month), **changes}).status_code == 302
    with pytest.raises(services.EditionError) as refused:
        services.issue_report(month, officer)
    assert f"placeholder: {named}." in str(refused.value)
    assert Edition.objects.get() == draft and not Narrative.objects.filter(issued=True).exists()
    response = client.post(reverse("reports:issue", args=[month.pk]), follow=True)
    assert named in response.content.decode()


def test_the_issued_paper_of_the_sample_has_every_heading_and_no_placeholder(
    month, client, officer, panel
):
    from tests.test_report_pdf import PAPER_HEADINGS

    signed = _signed_draft(month)
    issued = services.issue_report(month, officer)
    issued.refresh_from_db()
    client.force_login(panel)
    page = client.get(reverse("reports:edition", args=[issued.pk])).content.decode()
    assert f"Alex Morgan, {timezone.localdate(signed.signed_off_at):%d/%m/%Y}" in page
    reader = PdfReader(io.BytesIO(Path(issued.paper.path).read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    positions = [text.index(heading) for heading in PAPER_HEADINGS]
    assert positions == sorted(positions)
    assert not papers.PLACEHOLDER.search(text.replace("Page ", ""))
    assert "DRAFT" not in text


def test_an_old_snapshot_still_reads_and_an_unknown_one_is_refused(month, client, officer):
    draft = generate(month)
    old = {**draft.snapshot, "schema": 1}
    # Schema 1 had twelve months, one series per chart, the department at the top level.
    old["department"] = old.pop("council")["department"]
    old["table_months"] = old["table_months"][3:]
    for part in old["sections"]:
        for column in part["columns"]:
            column["months"] = column["months"][3:]
            for key in ("ytd_partial", "month_counts", "ytd_count", "outturn_counts"):
                column.pop(key)
        part["charts"] = [
            {
                "reference": c["reference"],
                "title": c["title"],
                "percent": False,
                "values": [1.0] * 12,
                "target": None,
            }
            for c in part["columns"]
        ]
    old["edition"]["created_on"] = "26/05/20"
    Edition.objects.filter(pk=draft.pk).update(snapshot=old)
    client.force_login(officer)
    page = client.get(reverse("reports:read", args=[draft.pk]))
    assert page.status_code == 200 and "26/05/2020" in page.content.decode()
    # render_report is annotated with today's Report, but it reads a stored snapshot of any
    # schema up itself (snapshot.current); older shapes are what this test hands it.
    assert pdf.render_report(old).pages > 5
    with pytest.raises(ValueError, match="unknown snapshot schema 99"):
        pdf.render_report({**old, "schema": 99})


def test_build_report_prints_where_the_pdf_is(month, tmp_path):
    out = io.StringIO()
    target = tmp_path / "april.pdf"
    call_command(
        "build_report", "Corporate Parenting", "2020-04", "--output", str(target), stdout=out
    )
    assert "Issue 1, Draft 1" in out.getvalue() and str(target) in out.getvalue()
    assert target.read_bytes() == Path(Edition.objects.get().pdf.path).read_bytes()
    with pytest.raises(CommandError, match="unknown framework 'Nope'"):
        call_command("build_report", "Nope", "2020-04")
    with pytest.raises(CommandError, match="May 2020 is not open for Corporate Parenting"):
        call_command("build_report", "Corporate Parenting", "2020-05")
    with pytest.raises(CommandError):
        call_command("build_report", "Corporate Parenting", "April")


def test_an_approver_who_wrote_a_narrative_does_not_sign_off_the_draft(month, approver):
    """Authorship, not role: an approver who also wrote a section's text (say, covering a head
    of service's leave) cannot sign off a report holding it; another approver can."""
    approve_all(month)
    # They wrote it while they were also LAC's head of service; the role has since gone.
    Narrative.objects.get(reporting_month=month, section__code="LAC").authors.add(approver)
    draft = generate(month)
    draft.refresh_from_db()
    with pytest.raises(
        services.EditionError,
        match="You wrote the narrative of LOOKED AFTER CHILDREN in Issue 1, Draft 1",
    ):
        services.sign_off(draft, approver)
    draft.refresh_from_db()
    assert draft.signed_off_at is None
    colleague = new_person("approver.two", Role.APPROVER)
    services.sign_off(draft, colleague)
    assert Edition.objects.get(pk=draft.pk).signed_off_by == colleague
