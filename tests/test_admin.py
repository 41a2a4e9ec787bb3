"""The back office as a performance officer uses it: every list, search and form, no 500s."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Model
from django.urls import reverse

from indicators.models import BenchmarkRevision, Figure, FigureRevision, Indicator, Target

MODELS = [
    "framework",
    "section",
    "indicator",
    "target",
    "figure",
    "figurerevision",
    "outturn",
    "benchmark",
    "benchmarkrevision",
]


@pytest.fixture
def officer_client(client, sample, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_opens_searches_and_shows_a_record(officer_client, model):
    url = reverse(f"admin:indicators_{model}_changelist")
    assert officer_client.get(url).status_code == 200
    assert officer_client.get(url, {"q": "6.8"}).status_code == 200
    from django.apps import apps

    model_class: type[Model] = {
        "figurerevision": FigureRevision,
        "benchmarkrevision": BenchmarkRevision,
    }.get(model) or apps.get_model("indicators", model)
    obj = model_class._default_manager.first()
    assert obj is not None, model
    change = reverse(f"admin:indicators_{model}_change", args=[obj.pk])
    assert officer_client.get(change).status_code == 200


def test_indicator_page_has_target_and_benchmark_inlines(officer_client):
    indicator = Indicator.objects.get(reference="8.2")
    page = officer_client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    text = page.content.decode()
    assert "13%+" in text and "10.8%&lt;" in text
    assert "Benchmarks" in text


def test_a_target_with_unparseable_notation_is_refused_with_a_message(officer_client):
    indicator = Indicator.objects.get(reference="6.8")
    response = officer_client.post(
        reverse("admin:indicators_target_add"),
        {"indicator": indicator.pk, "year": 2021, "red": "<90%", "amber": "90%>", "green": "lots"},
    )
    assert response.status_code == 200
    assert "&#x27;lots&#x27;" in response.content.decode()
    assert not Target.objects.filter(indicator=indicator, year=2021).exists()


def post_figure(client, figure: Figure, value: str, note: str = ""):
    return client.post(
        reverse("admin:indicators_figure_change", args=[figure.pk]),
        {
            "indicator": figure.indicator_id,
            "month": figure.month.isoformat(),
            "value": value,
            "marker": "",
            "numerator": "",
            "denominator": "",
            "note": note,
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )


def test_changing_a_figure_in_the_admin_keeps_a_revision(officer_client, officer):
    figure = Figure.objects.get(indicator__reference="6.1", month="2020-04-01")
    response = post_figure(officer_client, figure, "606", note="late entry")
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = figure.revisions.first()  # the newest
    assert revision is not None
    assert (revision.old_value, revision.new_value, revision.source) == (604, 606, "admin")
    assert revision.changed_by == officer


def test_a_figure_above_100_percent_is_refused_in_the_admin(officer_client):
    figure = Figure.objects.get(indicator__reference="6.8", month="2020-04-01")
    response = post_figure(officer_client, figure, "105")
    assert response.status_code == 200
    assert "105% is above 100%" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == Decimal("95.2")


def test_panel_members_cannot_use_the_back_office(client, sample, panel):
    client.force_login(panel)
    response = client.get(reverse("admin:indicators_figure_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
