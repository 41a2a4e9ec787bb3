"""Single sign-on against a real OpenID Connect provider (oidc-provider on 127.0.0.1): sign-in
for each role, accounts opened and kept up to date from the directory, refusals, sign-out."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from accounts.access import roles_of
from accounts.roles import Role
from audit.models import Event
from indicators.models import Section
from sso.models import DirectoryIdentity
from tests.cast import person
from tests.oidc import CLIENT_ID, Browser, Provider

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
CONTACT = "the performance team (performance@council.example)"


@pytest.fixture
def browser(live_server, directory: Provider) -> Browser:
    return Browser(live_server.url, directory)


def account(login: str):
    return User.objects.get(username=f"{login}@council.example")


def events(verb: str, user=None) -> list[dict]:
    """The details of the events ``verb`` (about ``user``), oldest first; all by the system."""
    rows = Event.objects.filter(verb=verb).order_by("at", "id")
    if user is not None:
        rows = rows.filter(target_type="auth.user", target_id=str(user.pk))
    assert all(row.actor_name == "system" for row in rows)
    return [row.details for row in rows]


def revalidation_due(browser: Browser, overdue_seconds: float = 1) -> None:
    """Move the session's next confirmation with the provider into the past."""
    session = SessionStore(session_key=browser.session_key())
    session["oidc_id_token_expiration"] = time.time() - overdue_seconds
    session.save()


@pytest.mark.parametrize(
    "claim, role",
    [
        ("Cpp.Officer", Role.PERFORMANCE_OFFICER),
        ("Cpp.HeadOfService", Role.HEAD_OF_SERVICE),
        ("Cpp.Approver", Role.APPROVER),
        ("Cpp.Panel", Role.PANEL_MEMBER),
    ],
)
def test_each_role_signs_in_and_lands_on_the_home_page(browser, directory, claim, role):
    directory.add("jane", roles=[claim])

    page = browser.sign_in("jane")

    assert page.status_code == 200
    assert page.url == browser.app + "/"
    assert "Welcome, Jane Tester" in page.text
    assert f"Jane Tester · {role.value}" in page.text
    jane = account("jane")
    assert roles_of(jane) == {role}
    assert jane.email == "jane@council.example"
    assert not jane.has_usable_password()
    assert jane.is_staff == (role != Role.PANEL_MEMBER)  # the admin, as local accounts
    assert not jane.is_superuser
    assert DirectoryIdentity.objects.get(user=jane).subject == "sub-jane"
    assert events("account.created", jane) == [
        {"source": "directory", "username": "jane@council.example"}
    ]
    assert events("role.granted", jane) == [{"role": role.value, "source": "directory"}]
    assert Event.objects.filter(verb="auth.signed_in", actor=jane).count() == 1


def test_a_head_of_service_gets_the_sections_the_directory_maps(browser, directory):
    Section.objects.create(code="LAC", title="LOOKED AFTER CHILDREN")
    Section.objects.create(code="FOSTERING", title="FOSTERING")
    directory.add("hannah", roles=["Cpp.Hos.LAC"])

    page = browser.sign_in("hannah")

    hannah = account("hannah")
    assert roles_of(hannah) == {Role.HEAD_OF_SERVICE}
    assert set(hannah.managed_sections.values_list("code", flat=True)) == {"LAC"}
    assert "Your sections" in page.text and "LOOKED AFTER CHILDREN" in page.text
    assert events("account.sections_changed", hannah) == [
        {"added": ["LAC"], "removed": [], "source": "directory"}
    ]


def test_a_role_changed_at_the_provider_applies_at_the_next_sign_in(
    browser, live_server, directory
):
    directory.add("jane", roles=["Cpp.Officer"])
    browser.sign_in("jane")
    assert roles_of(account("jane")) == {Role.PERFORMANCE_OFFICER}

    directory.change("jane", roles=["Cpp.Approver"])
    page = Browser(live_server.url, directory).sign_in("jane")

    assert f"Jane Tester · {Role.APPROVER.value}" in page.text
    jane = account("jane")
    assert roles_of(jane) == {Role.APPROVER}
    assert User.objects.filter(username="jane@council.example").count() == 1
    assert events("role.revoked", jane) == [
        {"role": Role.PERFORMANCE_OFFICER.value, "source": "directory"}
    ]
    assert events("role.granted", jane)[-1] == {
        "role": Role.APPROVER.value,
        "source": "directory",
    }


def test_a_session_is_confirmed_with_the_provider_without_a_screen(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    browser.sign_in("jane")
    revalidation_due(browser)

    page = browser.get("/reports/")

    assert page.status_code == 200
    assert page.url == browser.app + "/reports/"
    session = SessionStore(session_key=browser.session_key())
    assert session["oidc_id_token_expiration"] > time.time()


def test_a_role_removed_at_the_provider_is_removed_at_the_next_confirmation(browser, directory):
    directory.add("jane", roles=["Cpp.Officer", "Cpp.Approver"])
    browser.sign_in("jane")
    directory.change("jane", roles=["Cpp.Approver"])
    revalidation_due(browser)

    page = browser.get("/")

    assert f"Jane Tester · {Role.APPROVER.value}" in page.text
    assert roles_of(account("jane")) == {Role.APPROVER}


def test_a_person_with_no_mapped_role_is_told_whom_to_ask(browser, directory):
    directory.add("nora", roles=["Some.Other.App"])

    page = browser.sign_in("nora")

    assert page.status_code == 200
    assert "You cannot use this service yet" in page.text
    assert CONTACT in page.text
    assert not User.objects.filter(username="nora@council.example").exists()
    assert browser.get("/").url.startswith(browser.app + "/accounts/login/")
    [refusal] = events("account.refused")
    assert refusal["reason"] == "no role"
    assert refusal["username"] == "nora@council.example"


def test_every_role_removed_at_the_provider_refuses_and_ends_the_session(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    browser.sign_in("jane")
    directory.change("jane", roles=[])
    revalidation_due(browser)

    page = browser.get("/")

    assert page.status_code == 200
    assert "You cannot use this service yet" in page.text
    jane = account("jane")
    assert roles_of(jane) == set()
    assert browser.get("/").url.startswith(browser.app + "/accounts/login/")
    assert events("role.revoked", jane) == [
        {"role": Role.PERFORMANCE_OFFICER.value, "source": "directory"}
    ]
    assert [e["reason"] for e in events("account.refused", jane)] == ["no role"]


def test_a_disabled_person_is_refused(browser, directory):
    directory.add("dan", roles=["Cpp.Officer"], enabled=False)

    page = browser.sign_in("dan")

    assert page.status_code == 403
    assert "did not sign you in" in page.text
    assert "This account is disabled." in page.text
    assert CONTACT in page.text
    assert not User.objects.filter(username="dan@council.example").exists()
    [refusal] = events("account.refused")
    assert refusal["reason"] == "refused by the sign-in service"
    assert refusal["detail"] == "access_denied: This account is disabled."


def test_a_person_disabled_after_signing_in_loses_the_session_at_the_next_confirmation(
    browser, directory
):
    directory.add("dan", roles=["Cpp.Officer"])
    browser.sign_in("dan")
    directory.change("dan", enabled=False)

    # Within the re-validation time the session stands; once it has passed, it is re-checked.
    assert browser.get("/reports/").url == browser.app + "/reports/"
    revalidation_due(browser)
    page = browser.get("/reports/")

    assert page.status_code == 403, (page.url, page.text[:3000])
    assert "did not sign you in" in page.text and "login_required" in page.text
    assert browser.get("/reports/").url.startswith(browser.app + "/accounts/login/")
    [refusal] = events("account.refused", account("dan"))
    assert refusal["detail"].startswith("login_required")


def test_a_form_sent_long_after_the_confirmation_was_due_ends_the_session(browser, directory):
    directory.add("dan", roles=["Cpp.Officer"])
    browser.sign_in("dan")
    browser.get("/")
    token = browser.csrf_token()
    revalidation_due(browser, overdue_seconds=2 * 900)

    page = browser.post("/months/", {"csrfmiddlewaretoken": token})

    assert page.url.startswith(browser.app + "/accounts/login/")
    assert "could not be confirmed" in page.text


def test_an_account_disabled_here_is_refused(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    browser.sign_in("jane")
    User.objects.filter(username="jane@council.example").update(is_active=False)

    page = Browser(browser.app, directory).sign_in("jane")

    assert page.status_code == 403
    assert "disabled in this service" in page.text
    assert [e["reason"] for e in events("account.refused", account("jane"))] == [
        "account disabled here"
    ]


def test_a_directory_person_never_takes_over_an_existing_account(browser, directory):
    person("jane@council.example")
    directory.add("jane", roles=["Cpp.Officer"])

    page = browser.sign_in("jane")

    assert page.status_code == 403
    assert "already exists" in page.text
    assert not DirectoryIdentity.objects.exists()


def tampered(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **params})))


def test_a_tampered_state_is_refused(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    callback = browser.callback_url("jane", browser.redirect("/oidc/authenticate/"))

    page = browser.get(tampered(callback, state="forged-state"))

    assert page.status_code == 400
    assert "could not be completed" in page.text
    assert browser.get("/").url.startswith(browser.app + "/accounts/login/")
    assert not User.objects.exists()


def test_a_state_from_another_browser_is_refused(browser, live_server, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    callback = browser.callback_url("jane", browser.redirect("/oidc/authenticate/"))
    victim = Browser(live_server.url, directory)
    victim.get("/accounts/login/")

    page = victim.get(callback)

    assert page.status_code == 400
    assert victim.get("/").url.startswith(browser.app + "/accounts/login/")


def test_a_tampered_nonce_is_refused(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    authorization = browser.redirect("/oidc/authenticate/")

    callback = browser.callback_url("jane", tampered(authorization, nonce="forged-nonce"))
    page = browser.get(callback)

    assert page.status_code == 400
    assert "Nonce" in page.text
    assert browser.get("/").url.startswith(browser.app + "/accounts/login/")
    assert not User.objects.exists()


def test_sign_out_ends_the_session_here_and_at_the_provider(browser, directory):
    directory.add("jane", roles=["Cpp.Officer"])
    browser.sign_in("jane")
    browser.get("/")

    end_session = browser.go(
        "POST",
        "/accounts/logout/",
        {"csrfmiddlewaretoken": browser.csrf_token()},
        stop_at=directory.issuer,
    )

    assert isinstance(end_session, str)
    assert end_session.startswith(f"{directory.issuer}/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == [f"{browser.app}/accounts/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert browser.get("/").url.startswith(browser.app + "/accounts/login/")
    # The provider asks to confirm, then returns to the sign-in page.
    confirm = browser.get(end_session)
    back = browser.provider_form(confirm, logout="yes")
    assert back.url == f"{browser.app}/accounts/login/"
    # Signed out there too: the next sign-in asks for the password again.
    assert browser.get("/oidc/authenticate/").url.startswith(f"{directory.issuer}/interaction/")


def test_an_error_reply_to_no_sign_in_of_ours_is_not_shown_or_logged(browser, directory):
    browser.redirect("/oidc/authenticate/")  # a sign-in in progress, with its own state

    page = browser.get(
        "/oidc/callback/?error=access_denied&state=forged&error_description=Call+0800+000+000"
    )

    assert page.status_code == 400
    assert "could not be completed" in page.text
    assert "0800" not in page.text
    assert not Event.objects.filter(verb="account.refused").exists()
