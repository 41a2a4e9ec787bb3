"""Production security: deploy checks, security headers, the CSP, and sign-in lockouts."""

from __future__ import annotations

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.cast import NOBODY, PASSWORD, person

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "cpp.example.gov.uk",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # Only what a shell needs: nothing of this machine's or the test run's settings leaks in
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy checks rightly refuse).
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_the_production_environment(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_secure_without_the_security_variables(tmp_path):
    result = check_deploy(
        tmp_path,
        DEBUG="false",
        ALLOWED_HOSTS="cpp.example.gov.uk",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ssl_redirect_can_be_turned_off_for_a_loopback_server(tmp_path):
    loopback = {**PRODUCTION, "SECURE_SSL_REDIRECT": "false"}
    result = check_deploy(tmp_path, **loopback, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W0" not in (result.stderr + result.stdout).replace("security.W008", "")


def test_a_server_without_a_secret_key_refuses_to_start(tmp_path):
    result = check_deploy(tmp_path, DEBUG="false", ALLOWED_HOSTS="cpp.example.gov.uk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def test_pages_carry_the_content_security_policy(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == CSP


def test_pages_carry_the_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_lasts_a_working_day_and_ends_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def sign_in(client: Client, password: str, username: str = NOBODY) -> int:
    """Post the real sign-in form, CSRF token and all; the response's status."""
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    return response.status_code


@pytest.fixture
def browser_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(browser_client, nobody):
    statuses = [sign_in(browser_client, "wrong") for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    response = browser_client.post(
        reverse("login"),
        {
            "username": NOBODY,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser_client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 429
    assert "Sign-in paused for 15 minutes" in response.content.decode()
    assert "Content-Security-Policy" in response
    assert "_auth_user_id" not in browser_client.session


def test_the_lock_is_for_that_username_from_that_address(browser_client, nobody):
    for _ in range(5):
        sign_in(browser_client, "wrong")
    assert sign_in(browser_client, PASSWORD) == 429
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.7")
    assert sign_in(elsewhere, PASSWORD) == 302


def test_the_lock_lifts_after_fifteen_minutes(browser_client, nobody):
    for _ in range(5):
        sign_in(browser_client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(browser_client, PASSWORD) == 302


def test_a_successful_sign_in_before_the_limit_starts_the_count_again(browser_client, nobody):
    assert [sign_in(browser_client, "wrong") for _ in range(4)] == [200] * 4
    assert sign_in(browser_client, PASSWORD) == 302
    browser_client.logout()
    assert [sign_in(browser_client, "wrong") for _ in range(4)] == [200] * 4
    assert sign_in(browser_client, "wrong") == 429


def test_a_few_passwords_against_every_username_lock_the_address(browser_client, nobody, settings):
    """Four guesses at each of five accounts from one address: the twentieth failure locks the
    address, for every username, the right password included; other addresses sign in."""
    assert settings.SIGN_IN_ADDRESS_FAILURE_LIMIT == 20
    names = [NOBODY, *(f"colleague{n}" for n in range(4))]
    for name in names[1:]:
        person(name)
    statuses = [sign_in(browser_client, "wrong", name) for name in names for _ in range(4)]
    assert statuses == [200] * 19 + [429]
    assert sign_in(browser_client, PASSWORD, "colleague0") == 429
    assert sign_in(browser_client, PASSWORD, "someone-new") == 429
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.7")
    assert sign_in(elsewhere, PASSWORD, "colleague0") == 302


def test_an_address_below_its_limit_is_not_locked(browser_client, nobody):
    person("colleague")
    for name in (NOBODY, "colleague", "no-such-person", "typo"):
        assert [sign_in(browser_client, "wrong", name) for _ in range(4)] == [200] * 4
    assert sign_in(browser_client, PASSWORD, "colleague") == 302
