"""Names that identify: a framework's name is unique ignoring case and spacing, and a section
title or framework name is one line (it is printed in e-mail subjects and report headings)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Framework, Section
from tests.helpers import csv_bytes, imported


@pytest.fixture
def officer_client(client, sample):
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


SAME_NAME = (
    "A framework named &#x27;Corporate Parenting&#x27; exists already: names must differ by more "
    "than case and spacing."
)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("CORPORATE  parenting", SAME_NAME),
        (" corporate parenting ", SAME_NAME),
        ("Corporate\nParenting", "must be one line, without line breaks or control characters"),
    ],
)
def test_the_admin_refuses_a_framework_named_like_another(officer_client, name, message):
    response = officer_client.post(
        reverse("admin:indicators_framework_add"),
        {
            "name": name,
            "department": "Children & Young People Services",
            "dot_convention": "performance",
            "frameworksection_set-TOTAL_FORMS": "0",
            "frameworksection_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Framework.objects.count() == 1


def test_the_database_refuses_it_however_the_row_is_written(sample):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(name="CORPORATE  parenting")
    assert Framework.objects.count() == 1


def test_a_framework_is_found_by_its_name_ignoring_case_and_spacing(sample):
    assert Framework.objects.named("  corporate   PARENTING ").get() == sample
    assert Framework.objects.get_or_create(name="CORPORATE  parenting") == (sample, False)
    assert Framework.objects.count() == 1


def test_renaming_a_framework_keeps_its_key(sample):
    sample.name = "Corporate  Parenting Monthly"
    sample.save(update_fields=["name"])
    assert Framework.objects.named("corporate parenting monthly").get() == sample


def test_a_sections_file_naming_a_framework_like_another_means_that_framework(sample):
    content = csv_bytes(
        [["framework", "code", "title", "order"], ["CORPORATE  parenting", "NEW", "New", "99"]]
    )
    plan = imported("sections", "sections.csv", content)
    assert plan.ok and plan.rows[0].label == "Corporate Parenting / NEW"
    assert Framework.objects.count() == 1
    assert sample.ordered_sections().filter(code="NEW").exists()


@pytest.mark.parametrize(
    "title", ["Looked after\nchildren", "Looked after\r\nchildren", "Vertical\x0btab"]
)
def test_the_admin_refuses_a_section_title_on_two_lines(officer_client, title):
    response = officer_client.post(
        reverse("admin:indicators_section_add"),
        {"code": "TWO-LINES", "title": title, "definition": ""},
    )
    assert response.status_code == 200
    assert "must be one line, without line breaks or control characters" in (
        response.content.decode()
    )
    assert not Section.objects.filter(code="TWO-LINES").exists()


@pytest.mark.parametrize("field", ["title"])
def test_the_database_refuses_a_line_break_in_a_title(sample, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.filter(code="LAC").update(**{field: "LOOKED AFTER\nCHILDREN"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.filter(pk=sample.pk).update(name="Corporate\rParenting")
    assert Section.objects.get(code="LAC").title == "LOOKED AFTER CHILDREN"


def test_a_sections_file_with_a_title_on_two_lines_writes_nothing(sample):
    content = csv_bytes(
        [["framework", "code", "title", "order"], ["Corporate Parenting", "NEW", "A\nB", "99"]]
    )
    plan = imported("sections", "sections.csv", content)
    assert not plan.ok and plan.errors[0].row == 2
    assert "line break" in plan.errors[0].message
    assert not Section.objects.filter(code="NEW").exists()
