"""The password sign-in form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .backends import password_sign_in_allowed


class PasswordSignInForm(AuthenticationForm):
    """Django's sign-in form; with single sign-on on, it says plainly that a directory person
    signs in with their council account (no password is checked for them, so none is counted)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and not password_sign_in_allowed(username):
            raise forms.ValidationError(
                "Password sign-in is not available for this account: "
                "use “Sign in with your council account”.",
                code="password_sign_in_off",
            )
        return super().clean()
