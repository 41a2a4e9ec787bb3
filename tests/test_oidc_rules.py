"""Single sign-on rules: claims to roles and sections, tokens for another application, password
sign-in beside single sign-on, and the product with single sign-on off."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from sso.directory import DirectoryGrant, Reason, SignInRefused, grant_from_claims
from sso.oidc import DirectoryBackend
from tests.cast import PASSWORD, person
from tests.oidc import OTHER_CLIENT_ID, Browser, code_for_other_client, token_for_other_client

ROOT = Path(__file__).resolve().parent.parent
ROLE_MAP = {
    "Cpp.Officer": ["performance_officer"],
    "Cpp.Approver": ["approver"],
    "Cpp.Senior": ["approver", "head_of_service"],
    "Cpp.Panel": ["panel_member"],
}
SECTION_MAP = {"Cpp.Hos.LAC": ["LAC"], "Cpp.Hos.Care": ["LAC", "CARE-LEAVERS"]}


@pytest.mark.parametrize(
    "claims, grant",
    [
        ({"roles": ["Cpp.Officer"]}, DirectoryGrant(frozenset({Role.PERFORMANCE_OFFICER}), None)),
        ({"roles": "Cpp.Panel"}, DirectoryGrant(frozenset({Role.PANEL_MEMBER}), None)),
        (
            {"roles": ["Cpp.Senior", "Other.App"]},
            DirectoryGrant(frozenset({Role.APPROVER, Role.HEAD_OF_SERVICE}), None),
        ),
        ({"roles": []}, DirectoryGrant(frozenset(), None)),
        ({}, DirectoryGrant(frozenset(), None)),  # Entra ID leaves out an empty roles claim
        ({"roles": ["cpp.officer"]}, DirectoryGrant(frozenset(), None)),  # values are exact
    ],
)
def test_roles_from_claims(claims, grant):
    assert grant_from_claims(claims, "roles", ROLE_MAP, {}) == grant


@pytest.mark.parametrize(
    "values, roles, sections",
    [
        (["Cpp.Hos.LAC"], {Role.HEAD_OF_SERVICE}, {"LAC"}),
        (
            ["Cpp.Hos.Care", "Cpp.Approver"],
            {Role.HEAD_OF_SERVICE, Role.APPROVER},
            {"LAC", "CARE-LEAVERS"},
        ),
        (["Cpp.Officer"], {Role.PERFORMANCE_OFFICER}, set()),
    ],
)
def test_a_section_value_makes_a_head_of_service_of_its_sections(values, roles, sections):
    grant = grant_from_claims({"groups": values}, "groups", ROLE_MAP, SECTION_MAP)
    assert grant == DirectoryGrant(frozenset(roles), frozenset(sections))


@pytest.mark.parametrize(
    "claims, reason",
    [
        # Entra ID's group overage: a pointer to Graph instead of the groups. Not "no groups".
        (
            {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "x"}}},
            Reason.BAD_CLAIMS,
        ),
        ({"groups": [{"id": "g1"}]}, Reason.BAD_CLAIMS),
        ({"groups": 7}, Reason.BAD_CLAIMS),
    ],
)
def test_claims_that_cannot_be_read_are_refused_not_taken_as_no_role(claims, reason):
    with pytest.raises(SignInRefused) as refusal:
        grant_from_claims(claims, "groups", ROLE_MAP, SECTION_MAP)
    assert refusal.value.reason is reason


def test_a_role_map_naming_no_role_is_refused():
    with pytest.raises(ValueError, match="'offcer' is not a role"):
        grant_from_claims({"roles": ["x"]}, "roles", {"x": ["offcer"]}, {})


# Tokens for another application, from the real provider.


@pytest.fixture
def browser(live_server, directory) -> Browser:
    return Browser(live_server.url, directory)


@pytest.mark.django_db(transaction=True)
def test_an_id_token_for_another_application_is_refused(directory):
    directory.add("jane", roles=["Cpp.Officer"])
    id_token = token_for_other_client(directory, "jane", nonce="n-1")["id_token"]
    backend = DirectoryBackend()
    backend.load_provider()

    with pytest.raises(SuspiciousOperation, match="another application"):
        backend.verify_token(id_token, nonce="n-1")

    # The same token passes every other check: only its audience is wrong.
    backend.OIDC_RP_CLIENT_ID = OTHER_CLIENT_ID
    assert backend.verify_token(id_token, nonce="n-1")["sub"] == "sub-jane"


@pytest.mark.django_db(transaction=True)
def test_a_code_issued_to_another_application_is_refused(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    code, _ = code_for_other_client(directory, "jane", nonce="n-2")
    # A sign-in started here, answered with the other application's code.
    authorization = browser.redirect("/oidc/authenticate/")
    state = parse_qs(urlsplit(authorization).query)["state"][0]

    page = browser.get(f"/oidc/callback/?{urlencode({'code': code, 'state': state})}")

    assert page.status_code == 400
    assert "could not be completed" in page.text
    assert not get_user_model().objects.exists()


# Password sign-in beside single sign-on.


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD):
    client.get(reverse("login"))
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def local_people(db):
    return [person(name) for name in ("emergency", "cooptee", "old")]


@pytest.fixture
def sso_on(settings):
    settings.OIDC_ISSUER = "https://login.example/tenant/v2.0"
    settings.OIDC_RP_CLIENT_ID = "cpp"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.LOCAL_ACCOUNTS = []
    return settings


def test_password_sign_in_is_off_with_single_sign_on_and_no_local_accounts(
    sso_on, local_people, rf
):
    client = Client(enforce_csrf_checks=False)
    page = client.get(reverse("login"))
    assert "Sign in with your council account" in page.content.decode()
    assert 'name="password"' not in page.content.decode()

    response = sign_in_with_password(client, "emergency")

    assert response.status_code == 200
    assert "Password sign-in is not available" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Nor through the admin's sign-in, or any other caller of authenticate().
    admin_sign_in = rf.post(reverse("admin:login"))
    assert authenticate(admin_sign_in, username="emergency", password=PASSWORD) is None


def test_listed_local_accounts_sign_in_with_a_password_and_no_one_else(sso_on, local_people):
    sso_on.LOCAL_ACCOUNTS = ["emergency", "cooptee"]
    for name in ("emergency", "cooptee"):
        client = Client()
        assert sign_in_with_password(client, name).status_code == 302
        assert client.get(reverse("home")).status_code == 200

    client = Client()
    response = sign_in_with_password(client, "old")
    assert "Password sign-in is not available" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_opened_with_a_password_ends_when_single_sign_on_turns_it_off(
    settings, local_people
):
    client = Client()
    assert sign_in_with_password(client, "old").status_code == 302
    settings.OIDC_ISSUER = "https://login.example/tenant/v2.0"
    settings.LOCAL_ACCOUNTS = ["emergency"]

    assert client.get(reverse("home")).status_code == 302


def test_listed_local_accounts_are_still_throttled(sso_on, local_people):
    sso_on.LOCAL_ACCOUNTS = ["emergency"]
    client = Client()
    for _ in range(sso_on.AXES_FAILURE_LIMIT):
        sign_in_with_password(client, "emergency", "wrong")

    response = sign_in_with_password(client, "emergency")

    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="emergency").failures_since_start == 6
    assert "_auth_user_id" not in client.session


# Single sign-on off: the product signs in as it always did.


def test_without_single_sign_on_the_sign_in_page_is_the_password_form(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    assert "council account" not in page


@pytest.mark.parametrize("name", ["oidc_authentication_init", "oidc_authentication_callback"])
def test_without_single_sign_on_its_pages_do_not_exist(client, db, name):
    assert client.get(reverse(name)).status_code == 404


def run_check(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cpp.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


ENTRA = {
    "OIDC_ENTRA_TENANT": "0b6c3d8e-1111-2222-3333-444455556666",
    "OIDC_CLIENT_ID": "cpp",
    "OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
    "OIDC_ROLES": "Cpp.Officer=performance_officer,Cpp.Panel=panel_member",
}


def test_an_entra_tenant_sets_the_issuer_and_lets_sign_out_reach_it(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OIDC_ISSUER); print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    result = run_check(tmp_path, code, **ENTRA)
    assert result.returncode == 0, result.stderr
    issuer, form_action = result.stdout.splitlines()
    assert issuer == f"https://login.microsoftonline.com/{ENTRA['OIDC_ENTRA_TENANT']}/v2.0"
    assert "'https://login.microsoftonline.com'" in form_action


@pytest.mark.parametrize(
    "env, message",
    [
        ({"OIDC_CLIENT_SECRET": ""}, "needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
        ({"OIDC_ROLES": "Cpp.Officer"}, "OIDC_ROLES: 'Cpp.Officer' is not value=target"),
        ({"OIDC_ROLES": "Cpp.Officer=offcer"}, "'offcer' is not a role"),
    ],
)
def test_wrong_single_sign_on_settings_stop_the_server(tmp_path, env, message):
    code = (
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('check')"
    )
    result = run_check(tmp_path, code, **{**ENTRA, **env})
    assert result.returncode != 0
    assert message in result.stderr
