"""Every page for every role: allowed (200), refused (403) or sent to sign in; never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.importing.uploads import receive_upload
from tests.cast import PASSWORD
from tests.helpers import csv_bytes

OFFICER, HEAD, APPROVER, PANEL = "officer", "hos.lac", "approver", "panel"
STAFF = {OFFICER, HEAD, APPROVER}


def pages(framework_id: int, upload_id: int) -> list[tuple[str, set[str]]]:
    """(url, the roles that may open it)."""
    month = [framework_id, "2020-04"]
    return [
        (reverse("home"), {OFFICER, HEAD, APPROVER, PANEL}),
        (reverse("indicators:summary_latest"), STAFF),
        (reverse("indicators:summary", args=month), STAFF),
        (reverse("indicators:summary", args=month) + "?rag=R&exceptions=on", STAFF),
        (reverse("indicators:section", args=[*month, "LAC"]), STAFF),
        (reverse("indicators:indicator", args=["6.8"]), STAFF),
        (reverse("indicators:appendix_a", args=month), STAFF),
        (reverse("indicators:quality", args=month), {OFFICER}),
        (reverse("indicators:months"), {OFFICER}),
        (reverse("indicators:uploads"), {OFFICER}),
        (reverse("indicators:upload", args=[upload_id]), {OFFICER}),
        (reverse("indicators:upload_file", args=[upload_id]), {OFFICER}),
    ]


@pytest.fixture
def upload(sample, officer):
    content = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-05", "610"]])
    upload = receive_upload("figures", "may.csv", content, officer)
    return upload


@pytest.mark.parametrize("username", [OFFICER, HEAD, APPROVER, PANEL, None])
def test_every_page_answers_each_role_as_it_should(client, sample, upload, cast, username):
    if username:
        client.force_login(cast.named(username))
    for url, allowed in pages(sample.pk, upload.pk):
        response = client.get(url)
        if username is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        elif username in allowed:
            final = client.get(url, follow=True) if response.status_code == 302 else response
            assert final.status_code == 200, (url, username)
        else:
            assert response.status_code == 403, (url, username)


@pytest.mark.parametrize("username", [HEAD, APPROVER, PANEL])
def test_only_officers_can_upload_confirm_or_revert(client, sample, upload, cast, username):
    client.force_login(cast.named(username))
    for name in ("indicators:upload_confirm", "indicators:upload_revert"):
        response = client.post(reverse(name, args=[upload.pk]), {"checksum": upload.checksum})
        assert response.status_code == 403
    upload.refresh_from_db()
    assert upload.status == "previewed"


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/1/2020-13/summary/",
        "/frameworks/999/2020-04/summary/",
        "/frameworks/1/soon/sections/LAC/",
        "/frameworks/1/2020-04/sections/NOPE/",
        "/indicators/99.99/",
        "/uploads/999999/",
    ],
)
def test_nonsense_addresses_are_not_found_not_errors(client, sample, officer, url):
    client.force_login(officer)
    assert client.get(url).status_code == 404


def test_bad_filter_values_are_ignored_with_the_form_errors(client, sample, officer):
    client.force_login(officer)
    url = reverse("indicators:summary", args=[sample.pk, "2020-04"])
    response = client.get(url, {"rag": "<script>", "section": "NOPE"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert "Showing 43 of 43 indicators" in response.content.decode()


def test_sign_in_page_and_wrong_password(client, sample):
    response = client.post(reverse("login"), {"username": OFFICER, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(reverse("login"), {"username": OFFICER, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
