"""Report settings: the council's words and logo, a framework's wording and a section's combined
charts, kept in the admin by a performance officer; nothing a council prints comes from code."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Framework, FrameworkSection, Indicator, Section
from indicators.samples import FRAMEWORKS_FILE
from indicators.services import open_month
from narratives.models import Narrative
from reports import assembly, papers, services
from reports.models import CombinedChart, CouncilSettings, ReportSettings
from reports.sample import SAMPLE_FILE


@pytest.fixture
def officer_client(client, sample, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize("model", ["councilsettings", "reportsettings", "combinedchart"])
def test_the_officer_keeps_report_settings_in_the_admin(officer_client, model):
    assert officer_client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    models: dict[str, type[CouncilSettings | ReportSettings | CombinedChart]] = {
        "councilsettings": CouncilSettings,
        "reportsettings": ReportSettings,
        "combinedchart": CombinedChart,
    }
    obj = models[model].objects.first()
    assert obj is not None, f"the sample has a {model}"
    change = reverse(f"admin:reports_{model}_change", args=[obj.pk])
    assert officer_client.get(change).status_code == 200


def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(officer_client):
    council = CouncilSettings.current()
    before = council.logo.name
    url = reverse("admin:reports_councilsettings_change", args=[council.pk])
    fake = SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png")
    response = officer_client.post(url, {"name": "Council", "logo": fake})
    assert response.status_code == 200
    assert "The logo must be a PNG or JPEG image." in response.content.decode()
    council.refresh_from_db()
    assert council.logo.name == before and council.name == "Rotherham Metropolitan Borough Council"


def test_a_combined_chart_takes_indicators_of_its_own_section(officer_client):
    lac = Section.objects.get(code="LAC")
    url = reverse("admin:reports_combinedchart_add")
    foreign = Indicator.objects.get(reference="7.1")
    response = officer_client.post(
        url,
        {
            "section": lac.pk,
            "title": "Mixed",
            "kind": "line",
            "indicators": [Indicator.objects.get(reference="6.1").pk, foreign.pk],
            "order": 5,
        },
    )
    assert "Not indicators of LOOKED AFTER CHILDREN: 7.1." in response.content.decode()
    assert not CombinedChart.objects.filter(title="Mixed").exists()


def test_the_sample_wording_comes_from_its_data_file(sample):
    assert ReportSettings.objects.filter(framework=sample).exists()
    assert sample.board == "Corporate Parenting Panel"
    assert "Corporate Parenting Panel" in FRAMEWORKS_FILE.read_text()
    assert "Corporate Parenting Panel" not in SAMPLE_FILE.read_text()  # one place per fact
    assert CouncilSettings.current().logo


def test_a_framework_without_wording_invents_nothing_and_cannot_issue(sample, officer):
    """Another framework (the wider Safeguarding report) carrying the LAC section: its paper
    never speaks of looked-after children services or a panel nobody named."""
    safeguarding = Framework.objects.create(name="Safeguarding Children & Families")
    FrameworkSection.objects.create(
        framework=safeguarding, section=Section.objects.get(code="LAC"), order=1
    )
    month = open_month(
        safeguarding,
        datetime.date(2020, 4, 1),
        {
            "figures_due": datetime.date(2020, 5, 8),
            "narratives_due": datetime.date(2020, 5, 15),
            "signoff_due": datetime.date(2020, 5, 22),
            "panel_date": datetime.date(2020, 6, 1),
        },
        officer,
    )
    paper = assembly.paper_of(month)
    for text in paper.values():
        assert isinstance(text, str), text
        assert "Looked After" not in text and "Panel" not in text, text
    report = assembly.assemble(
        month,
        assembly.edition_details(
            issue=1, draft=1, created_on=datetime.date(2020, 5, 26), created_by=None
        ),
    )
    assert report["panel"] == "" and report["title"].startswith("Safeguarding Children")
    assert report["council"]["name"] == "Rotherham Metropolitan Borough Council"
    missing = papers.missing_fields(report["paper"])
    assert "Title" in missing and "Accountable Officer(s)" in missing
    # Its narrative approved, so that the paper is what stops the issue.
    Narrative.objects.filter(reporting_month=month).update(status="approved", locked=True)
    with pytest.raises(services.EditionError, match="placeholder: Title; Meeting"):
        services.issue_report(month, officer)


def test_the_section_page_describes_each_chart_as_the_report_does(client, sample, head_of_service):
    client.force_login(head_of_service("CASELOADS"))
    url = reverse("indicators:section", args=[sample.pk, "2020-04", "CASELOADS"])
    page = client.get(url).content.decode()
    assert "(target range 14 to 20)" in page
    assert (
        "Target range 14% to 20%" not in page and "Target range 14 to 20, shown as a band." in page
    )
    assert "by month from Jan-20 to Mar-21" in page and ">Jan-20<" in page
