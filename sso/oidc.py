"""Single sign-on through OpenID Connect: mozilla-django-oidc, configured from the settings and
the provider's discovery document.

mozilla-django-oidc does the authorization code flow with PKCE, the state and nonce checks, and
the signature check of the ID token. What it leaves to us: the provider's endpoints (read from
``<issuer>/.well-known/openid-configuration`` at the first sign-in, not at start-up), the ID
token's audience and issuer (the library turns the audience check off), the account the claims
open (``sso.directory``), re-validating a session, and the provider's sign-out.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from .directory import Reason, SignInRefused, sign_in_account

logger = logging.getLogger(__name__)

# Clock difference allowed between the provider and this server when checking exp and iat.
LEEWAY_SECONDS = 60
# Session key of the time (epoch seconds) by which the provider must confirm the session again.
REVALIDATE_BY = "oidc_id_token_expiration"  # the key mozilla-django-oidc's callback sets


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


@dataclass(frozen=True)
class ProviderEndpoints:
    """The endpoints of the provider's discovery document that the sign-in uses."""

    authorization: str
    token: str
    jwks: str
    userinfo: str
    end_session: str  # empty when the provider has no RP-initiated sign-out


@functools.lru_cache(maxsize=4)
def _discover(issuer: str, timeout: int) -> ProviderEndpoints:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=timeout)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != issuer:
        # OpenID Connect Discovery 1.0, 4.3: a document for another issuer must not be used.
        raise SignInRefused(
            Reason.PROVIDER_UNAVAILABLE,
            f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}",
        )
    return ProviderEndpoints(
        authorization=document["authorization_endpoint"],
        token=document["token_endpoint"],
        jwks=document["jwks_uri"],
        userinfo=document.get("userinfo_endpoint", ""),
        end_session=document.get("end_session_endpoint", ""),
    )


def provider_endpoints() -> ProviderEndpoints:
    """The configured provider's endpoints, fetched once per process (failures are not kept)."""
    try:
        return _discover(settings.OIDC_ISSUER, settings.OIDC_TIMEOUT)
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise SignInRefused(Reason.PROVIDER_UNAVAILABLE, f"discovery failed: {exc}") from exc


ENDPOINT_SETTINGS: dict[str, Callable[[ProviderEndpoints], str]] = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda endpoints: endpoints.authorization,
    "OIDC_OP_TOKEN_ENDPOINT": lambda endpoints: endpoints.token,
    "OIDC_OP_JWKS_ENDPOINT": lambda endpoints: endpoints.jwks,
    "OIDC_OP_USER_ENDPOINT": lambda endpoints: endpoints.userinfo,
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's ``get_settings``: endpoints from discovery, the rest from settings."""
    if attr in ENDPOINT_SETTINGS:
        return ENDPOINT_SETTINGS[attr](provider_endpoints())
    return import_from_settings(attr, *default)


class DirectoryBackend(OIDCAuthenticationBackend):
    """Signs in the person of a verified ID token, with the account ``sign_in_account`` gives.

    Only the ID token is read (Entra ID puts roles and groups there, not in userinfo), after its
    signature, audience, issuer, expiry and nonce are checked.
    """

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its endpoints here; every backend is built for every sign-in,
        # password ones too, so they are read in ``authenticate`` instead, for directory sign-ins.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> AbstractBaseUser | None:
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None  # a password sign-in, or single sign-on is off
        self.load_provider()
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            # The token endpoint refused the code (used, expired, or issued to another client).
            raise SignInRefused(Reason.INVALID_REPLY, str(exc)) from exc
        except requests.RequestException as exc:
            raise SignInRefused(Reason.PROVIDER_UNAVAILABLE, str(exc)) from exc

    def load_provider(self) -> None:
        """What the library's ``__init__`` would read: the provider's endpoints and ours."""
        endpoints = provider_endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def get_payload_data(self, token: bytes | str, key: Any) -> dict[str, Any]:
        """The ID token's claims once its signature, algorithm, audience, issuer and expiry are
        checked (the library leaves ``aud`` and ``iss`` unchecked)."""
        algorithm = self.OIDC_RP_SIGN_ALGO
        try:
            if jwt.get_unverified_header(token).get("alg") != algorithm:
                raise SuspiciousOperation(f"The ID token is not signed with {algorithm}.")
            payload = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidAudienceError as exc:
            raise SuspiciousOperation(f"The ID token is for another application: {exc}.") from exc
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The ID token is not valid: {exc}.") from exc
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            # OpenID Connect Core 3.1.3.7: several audiences need azp to name this client.
            raise SuspiciousOperation("The ID token was issued to another application (azp).")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        return payload  # the verified ID token's claims; see the class docstring

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> AbstractBaseUser:
        return sign_in_account(payload, settings.OIDC_ISSUER)

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        # ModelBackend's: a session of an account disabled here ends (the library's does not check).
        return ModelBackend.get_user(self, user_id)


def signed_in_by_directory(request: HttpRequest) -> bool:
    backend = request.session.get(auth.BACKEND_SESSION_KEY, "")
    return request.user.is_authenticated and backend == f"{__name__}.DirectoryBackend"


def end_session_url(request: HttpRequest) -> str:
    """Where to send a directory session's browser to sign out at the provider too (OpenID
    Connect RP-Initiated Logout); empty when the session is not one, or the provider has none."""
    if not (sso_enabled() and signed_in_by_directory(request)):
        return ""
    try:
        endpoint = provider_endpoints().end_session
    except SignInRefused:
        logger.warning("Signed out here only: the sign-in service could not be reached.")
        return ""
    if not endpoint:
        return ""
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGIN_URL)),
    }
    if id_token := request.session.get("oidc_id_token"):
        query["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(query)}"


class RevalidateSession:
    """Keeps a directory session only while the provider confirms it.

    Every ``OIDC_REVALIDATE_SECONDS`` the next page the person opens goes through the provider
    with ``prompt=none``: no screen when their provider session is still good (roles are brought
    up to date on the way), refused and signed out here when they were disabled there. Requests
    that cannot be redirected (forms sent, the status polls of a page) are let through for one
    more interval, so a form being filled in is not lost; after that the session ends.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if sso_enabled() and signed_in_by_directory(request):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        exempt = ("oidc_authentication_init", "oidc_authentication_callback", "logout")
        if request.path in {reverse(name) for name in exempt}:
            return None
        overdue = time.time() - request.session.get(REVALIDATE_BY, 0)
        if overdue <= 0:
            return None
        # A page the browser navigates to can go through the provider; a fetch() cannot.
        navigation = request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
        if request.method == "GET" and navigation:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('oidc_authentication_init')}?{query}")
        if overdue <= settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS:
            return None
        auth.logout(request)
        messages.warning(
            request, "Your session ended because it could not be confirmed. Please sign in again."
        )
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
