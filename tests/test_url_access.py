"""Every URL of the product, as every role and as an anonymous visitor: who gets in, who is
refused, and that nothing answers 500. A URL added without a row here fails the coverage test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.importing.uploads import receive_upload
from indicators.services import default_timetable, open_month
from narratives.models import Narrative
from reports import services
from tests.editions import approve_all
from tests.helpers import csv_bytes

OFFICER, HOS, APPROVER, PANEL, NOBODY = "officer", "hos.lac", "approver", "panel", "nobody"
ROLES = (OFFICER, HOS, APPROVER, PANEL, NOBODY)
STAFF = {OFFICER, HOS, APPROVER}
EVERYONE = STAFF | {PANEL}
SIGNED_IN = EVERYONE | {NOBODY}


@dataclass(frozen=True)
class Case:
    name: str
    allowed: set[str]  # roles let in; the others get 403 (or 404 where a thing is hidden)
    method: str = "get"
    ok: tuple[int, ...] = (200,)
    hidden_from: tuple[str, ...] = ()  # roles for whom the object does not exist (404)
    public: bool = False  # answers anonymous visitors too


CASES = [
    Case("home", SIGNED_IN),
    Case("login", SIGNED_IN, public=True),
    # Single sign-on's pages: not there unless it is configured (tests/test_oidc_*.py).
    Case("oidc_authentication_init", SIGNED_IN, ok=(404,), public=True),
    Case("oidc_authentication_callback", SIGNED_IN, ok=(404,), public=True),
    Case("audit", {OFFICER}),
    Case("indicators:summary_latest", STAFF, ok=(302,)),
    Case("indicators:summary", STAFF),
    Case("indicators:section", STAFF),
    Case("indicators:quality", {OFFICER}),
    Case("indicators:appendix_a", STAFF),
    Case("indicators:indicator", STAFF),
    Case("indicators:months", {OFFICER}),
    Case("indicators:uploads", {OFFICER}),
    Case("indicators:lait_upload", {OFFICER}),
    Case("indicators:upload", {OFFICER}),
    Case("indicators:upload_confirm", {OFFICER}, "post", (302, 400, 409)),
    Case("indicators:upload_revert", {OFFICER}, "post", (302, 400, 409)),
    Case("indicators:upload_file", {OFFICER}),
    Case("narratives:latest", STAFF, ok=(302,)),
    Case("narratives:dashboard", STAFF),
    Case("narratives:create_missing", {OFFICER}, "post", (302,)),
    Case("narratives:narrative", STAFF),
    # Forms posted empty: the author gets the form back with its errors, nothing saved.
    Case("narratives:save", {HOS}, "post", (400,)),
    Case("narratives:request_changes", set(), "post"),  # nothing is submitted: nobody may
    Case("narratives:approve", set(), "post"),
    Case("narratives:reopen", set(), "post"),
    Case("narratives:submit", {HOS}, "post", (302,)),
    Case("reports:list", EVERYONE),
    Case("reports:month", STAFF),
    Case("reports:generate", {OFFICER}, "post", (302,)),
    Case("reports:issue", {OFFICER}, "post", (302,)),  # refused with a message, then redirected
    Case("reports:paper", {OFFICER}),
    Case("reports:edition", STAFF, hidden_from=(PANEL,)),
    Case("reports:status", STAFF, hidden_from=(PANEL,)),
    Case("reports:sign_off", {APPROVER}, "post", (302,)),
    Case("reports:rebuild", {OFFICER}, "post", (302,)),
    Case("reports:read", STAFF, hidden_from=(PANEL,)),
    Case("reports:report_pdf", STAFF, hidden_from=(PANEL,)),
    Case("reports:paper_pdf", STAFF, hidden_from=(PANEL,)),
    # The issued edition: the panel's.
    Case("reports:edition@issued", EVERYONE),
    Case("reports:read@issued", EVERYONE),
    Case("reports:report_pdf@issued", EVERYONE),
    Case("reports:paper_pdf@issued", EVERYONE),
    Case("logout", SIGNED_IN, "post", (302,), public=True),  # last: it signs the client out
]


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else "")
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row():
    assert url_names() == {case.name.split("@")[0] for case in CASES}


@pytest.fixture
def world(sample_month, officer, approver):
    """The sample month with a draft, an issued edition and a previewed upload."""
    draft = services.generate_draft(sample_month, officer, queue=False)
    services.build_edition(draft.pk)
    approve_all(sample_month)
    signed = services.generate_draft(sample_month, officer, queue=False)
    services.build_edition(signed.pk)
    services.sign_off(signed, approver)
    issued = services.issue_report(sample_month, officer)
    services.build_edition(issued.pk)
    upload = receive_upload(
        "figures",
        "rerun.csv",
        csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "605"]]),
        officer,
    )
    # May opens with each approved April narrative carried forward as a draft of its authors.
    may = open_month(
        sample_month.framework,
        datetime.date(2020, 5, 1),
        default_timetable(datetime.date(2020, 5, 1)),
        officer,
    )
    return {
        "month": sample_month,
        "draft": draft,
        "issued": issued,
        "upload": upload,
        "narrative": Narrative.objects.get(reporting_month=may, section__code="LAC"),
    }


def url_of(case: Case, world: dict) -> str:
    name, _, variant = case.name.partition("@")
    month = world["month"]
    framework_month = {"framework_id": month.framework_id, "month": month.key}
    edition = world["issued"] if variant == "issued" else world["draft"]
    kwargs: dict[str, object] = {
        "indicators:summary": framework_month,
        "indicators:section": {**framework_month, "code": "LAC"},
        "indicators:quality": framework_month,
        "indicators:appendix_a": framework_month,
        "indicators:indicator": {"reference": "6.1"},
    }.get(name, {})
    if name.startswith("indicators:upload_") or name == "indicators:upload":
        kwargs = {"upload_id": world["upload"].pk}
    elif name.startswith("narratives:") and name not in ("narratives:latest",):
        kwargs = (
            {"month_id": month.pk}
            if name in ("narratives:dashboard", "narratives:create_missing")
            else {"pk": world["narrative"].pk}
        )
    elif name in ("reports:month", "reports:generate", "reports:issue", "reports:paper"):
        kwargs = {"month_id": month.pk}
    elif name.startswith("reports:") and name != "reports:list":
        kwargs = {"pk": edition.pk}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_url_as_every_role(world, client, cast, role):
    if role is not None:
        client.force_login(cast.named(role))
    failures = []
    for case in CASES:
        url = url_of(case, world)
        response = getattr(client, case.method)(url)
        if role is None and not case.public:
            expected: tuple[int, ...] = (302,)
            if response.status_code == 302 and "/accounts/login/" not in response["Location"]:
                failures.append(f"{case.name} {url}: anonymous sent to {response['Location']}")
        elif role in case.hidden_from:
            expected = (404,)
        elif role is None or role in case.allowed:
            expected = case.ok
        else:
            expected = (403,)
        if response.status_code not in expected:
            failures.append(f"{case.name} {url}: {response.status_code}, expected {expected}")
        # Every file download is private: no browser or shared cache may keep a copy.
        if "attachment" in response.get("Content-Disposition", ""):
            if "no-store" not in response.get("Cache-Control", ""):
                failures.append(f"{case.name} {url}: a download without Cache-Control: no-store")
    assert not failures, "\n".join(failures)
