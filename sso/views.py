"""Sign-in and sign-out pages: password sign-in, single sign-on, and the refusal page."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.backends import password_sign_in_offered
from accounts.forms import PasswordSignInForm

from .directory import Reason, SignInRefused, refused_by_provider
from .oidc import (
    end_session_url,
    oidc_setting,
    provider_endpoints,
    signed_in_by_directory,
    sso_enabled,
)

logger = logging.getLogger(__name__)

# The refusal page's status for each reason: a person with no role gets an ordinary page.
REFUSAL_STATUS = {
    Reason.NO_ROLE: 200,
    Reason.DISABLED_HERE: 403,
    Reason.PROVIDER_REFUSED: 403,
    Reason.USERNAME_TAKEN: 403,
    Reason.BAD_CLAIMS: 403,
    Reason.MISCONFIGURED: 403,
    Reason.INVALID_REPLY: 400,
    Reason.PROVIDER_UNAVAILABLE: 503,
}


def refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    """The page for a refused directory sign-in: what happened and whom to ask. Any session
    this browser had ends."""
    logger.warning("Directory sign-in refused: %s", refusal)
    if request.user.is_authenticated:
        auth.logout(request)
    context = {
        "reason": refusal.reason.name,
        "detail": refusal.detail,
        "contact": settings.OIDC_HELP_CONTACT,
        "account": refusal.user,
    }
    return render(
        request, "registration/refused.html", context, status=REFUSAL_STATUS[refusal.reason]
    )


class SignIn(LoginView):
    """The sign-in page: the council account button with single sign-on, and the password form
    wherever password sign-in is offered."""

    authentication_form = PasswordSignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            sso_enabled=sso_enabled(), password_sign_in=password_sign_in_offered(), **kwargs
        )


class SignOut(LogoutView):
    """Signs out here, then, for a directory session, at the provider too when it supports it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = end_session_url(request)  # before the session (and its ID token) goes
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


class DirectorySignIn(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in (code flow, PKCE, state and nonce)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the authorization endpoint here; ``get`` does, refusing cleanly
        # when the provider cannot be reached.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoints().authorization
        except SignInRefused as refusal:
            return refused(request, refusal)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # A directory session comes back here to be confirmed (RevalidateSession): no screen.
        return {"prompt": "none"} if signed_in_by_directory(request) else {}


class DirectoryCallback(OIDCAuthenticationCallbackView):
    """The redirect URI: the library checks state, nonce and PKCE and signs in; every refusal
    becomes a page saying what happened, never an error page."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        # The library signs a refused session out before ``login_failure``; the log names it.
        self.account = request.user if request.user.is_authenticated else None
        # Only an answer to a sign-in started in this browser is the provider's: anyone can
        # make a link to this page with an error and a text of their choosing.
        self.answers_our_request = request.GET.get("state") in request.session.get(
            "oidc_states", {}
        )
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return refused(request, refusal)
        except SuspiciousOperation as exc:  # state or nonce not this sign-in's, bad ID token
            return refused(request, SignInRefused(Reason.INVALID_REPLY, str(exc)))

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error")
        if error and self.answers_our_request:
            description = self.request.GET.get("error_description", "")
            return refused(self.request, refused_by_provider(self.account, error, description))
        return refused(
            self.request,
            SignInRefused(
                Reason.INVALID_REPLY, "the reply does not belong to a sign-in started here"
            ),
        )
