"""A real OpenID Connect provider for the single sign-on tests, and a browser that talks to it.

The provider is the npm package oidc-provider (pinned in ``tests/oidc_provider/``, installed by
``npm ci --prefix tests/oidc_provider``), run by the machine's Node.js on 127.0.0.1 on a free port
for the test session. Tests say who exists there by writing its accounts file, which it reads
again at every look-up. The browser is an HTTP client that follows redirects and fills in the
provider's sign-in form, through the real provider and the app's live server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "cpp", "cpp-test-secret"
# Another application registered at the same provider: its tokens must never sign in here.
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "other-app", "other-app-secret"
OTHER_REDIRECT_URI = "http://127.0.0.1:9/other-app/callback"
PASSWORD = "directory-password"


@dataclass
class Provider:
    issuer: str
    accounts_file: Path
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(
        self, login: str, roles: list[str] | None = None, enabled: bool = True, **claims: Any
    ) -> dict[str, Any]:
        """A person in the directory: ``login`` signs in with PASSWORD; ``roles`` is the
        ``roles`` claim (None: no such claim)."""
        account = {
            "password": PASSWORD,
            "enabled": enabled,
            "claims": {
                "sub": f"sub-{login}",
                "preferred_username": f"{login}@council.example",
                "email": f"{login}@council.example",
                "given_name": login.capitalize(),
                "family_name": "Tester",
                **({"roles": roles} if roles is not None else {}),
                **claims,
            },
        }
        self.accounts[login] = account
        self.save()
        return account

    def change(self, login: str, **changes: Any) -> None:
        """Change a person in the directory: ``enabled=False``, or claims such as ``roles``."""
        account = self.accounts[login]
        if "enabled" in changes:
            account["enabled"] = changes.pop("enabled")
        account["claims"].update(changes)
        self.save()

    def save(self) -> None:
        self.accounts_file.write_text(json.dumps(self.accounts))

    def reset(self) -> None:
        self.accounts.clear()
        self.save()


def require_node_modules() -> None:
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir() and shutil.which("node"):
        return
    message = (
        "The OpenID Connect provider for the single sign-on tests is not installed: run "
        "`npm ci --prefix tests/oidc_provider` (Node.js and npm are needed; .ci/run does it)."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> Iterator[Provider]:
    """The provider, with the app registered as client ``cpp`` (redirect URI
    ``<live server>/oidc/callback/``) and another application as ``other-app``."""
    require_node_modules()
    folder = tmp_path_factory.mktemp("oidc-provider")
    accounts_file = folder / "accounts.json"
    accounts_file.write_text("{}")
    app = live_server.url
    clients = [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{app}/oidc/callback/"],
            "post_logout_redirect_uris": [f"{app}/accounts/login/"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        },
        {
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_CLIENT_SECRET,
            "redirect_uris": [OTHER_REDIRECT_URI],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        },
    ]
    config = folder / "config.json"
    config.write_text(json.dumps({"clients": clients, "accounts": str(accounts_file)}))
    process = subprocess.Popen(
        ["node", str(PROVIDER_DIR / "provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("READY "):
            pytest.fail(f"The OpenID Connect provider did not start (it said {line!r}).")
        yield Provider(issuer=line.split()[1], accounts_file=accounts_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def directory(oidc_provider: Provider, settings) -> Iterator[Provider]:
    """Single sign-on on, against the test provider, with an empty directory.

    ``roles`` claim values: ``Cpp.Officer``, ``Cpp.HeadOfService``, ``Cpp.Approver``,
    ``Cpp.Panel``; ``Cpp.Hos.LAC`` makes a head of service of section LAC.
    """
    from sso.oidc import _discover

    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_ROLES = {
        "Cpp.Officer": ["performance_officer"],
        "Cpp.HeadOfService": ["head_of_service"],
        "Cpp.Approver": ["approver"],
        "Cpp.Panel": ["panel_member"],
    }
    settings.OIDC_SECTIONS = {"Cpp.Hos.LAC": ["LAC"]}
    settings.OIDC_HELP_CONTACT = "the performance team (performance@council.example)"
    settings.LOCAL_ACCOUNTS = []
    _discover.cache_clear()
    oidc_provider.reset()
    yield oidc_provider
    _discover.cache_clear()


class Browser:
    """An HTTP client that signs in through the provider like a person with a browser: it
    follows redirects (optionally stopping before one into the app) and fills in the
    provider's forms."""

    def __init__(self, app: str, provider: Provider) -> None:
        self.app = app
        self.provider = provider
        self.http = requests.Session()

    def go(
        self, method: str, url: str, data: dict[str, str] | None = None, stop_at: str = ""
    ) -> requests.Response | str:
        """The page at the end of the redirects; or, when a redirect leads to a URL starting
        with ``stop_at``, that URL, not followed."""
        response = self.http.request(
            method, urljoin(self.app, url), data=data, allow_redirects=False, timeout=30
        )
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if stop_at and location.startswith(stop_at):
                return location
            response = self.http.get(location, allow_redirects=False, timeout=30)
        return response

    def get(self, url: str) -> requests.Response:
        return self.go("GET", url)  # type: ignore[return-value]

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        return self.go("POST", url, data)  # type: ignore[return-value]

    def redirect(self, url: str) -> str:
        """Where ``url`` redirects to (not followed)."""
        response = self.http.get(urljoin(self.app, url), allow_redirects=False, timeout=30)
        assert response.is_redirect, (url, response.status_code)
        return urljoin(response.url, response.headers["Location"])

    def provider_form(
        self, page: requests.Response, stop_at: str = "", **fields: str
    ) -> requests.Response | str:
        """Fill in and send the form on the provider's ``page`` (its hidden fields kept)."""
        assert page.url.startswith(self.provider.issuer), page.url
        form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        assert form, page.text
        action = unescape(form.group(1))
        inputs = re.findall(r'<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?', page.text)
        data = {name: unescape(value) for name, value in inputs}
        data.update(fields)
        return self.go("POST", urljoin(page.url, action), data, stop_at)

    def sign_in(self, login: str, start: str = "/oidc/authenticate/") -> requests.Response:
        """The whole sign-in: here → the provider's form → back here; the last page."""
        return self.provider_form(self.get(start), login=login, password=PASSWORD)  # type: ignore[return-value]

    def callback_url(self, login: str, authorization_url: str) -> str:
        """Sign in at the provider from ``authorization_url`` and stop at the redirect back to
        the app: the callback URL with its code and state, not followed."""
        page = self.get(authorization_url)
        location = self.provider_form(page, stop_at=self.app, login=login, password=PASSWORD)
        assert isinstance(location, str), "the provider did not send the browser back"
        return location

    def csrf_token(self) -> str:
        return self.http.cookies.get("csrftoken") or ""

    def session_key(self) -> str:
        return self.http.cookies.get("sessionid") or ""


def pkce_pair() -> tuple[str, str]:
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def code_for_other_client(provider: Provider, login: str, nonce: str) -> tuple[str, str]:
    """A real authorization code of the provider for ``other-app`` (code flow with PKCE), not
    yet exchanged, and its PKCE verifier."""
    verifier, challenge = pkce_pair()
    query = {
        "client_id": OTHER_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": OTHER_REDIRECT_URI,
        "scope": "openid profile email",
        "state": "other-state",
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    browser = Browser(OTHER_REDIRECT_URI, provider)
    location = browser.callback_url(login, f"{provider.issuer}/auth?{urlencode(query)}")
    return parse_qs(urlsplit(location).query)["code"][0], verifier


def token_for_other_client(provider: Provider, login: str, nonce: str) -> dict[str, Any]:
    """A real token response of the provider for ``other-app``: its ID token's ``aud`` is
    ``other-app``."""
    code, verifier = code_for_other_client(provider, login, nonce)
    response = requests.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_REDIRECT_URI,
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_CLIENT_SECRET,
            "code_verifier": verifier,
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()
