"""Who may do what: role checks used by every view (one place, not scattered checks)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from .roles import Role

# Staff who work on the report before it is issued; panel members only ever see issued reports.
STAFF_ROLES = (Role.PERFORMANCE_OFFICER, Role.HEAD_OF_SERVICE, Role.APPROVER)


def roles_of(user: Any) -> set[Role]:
    """The roles a user holds; a superuser holds the performance officer's."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_cpp_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        if user.is_superuser:
            cached.add(Role.PERFORMANCE_OFFICER)
        user._cpp_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


class SignedInRequest(HttpRequest):
    """The request a view behind ``role_required`` (or ``login_required``) receives: its user
    is signed in, so the type checker knows ``request.user`` is a ``User`` who can act."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The person signed in, where only signed-in staff arrive (the admin site lets only active
    staff in); refused rather than ever acting as an anonymous visitor."""
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return request.user


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Send anonymous users to sign in; refuse (403) anyone without one of ``roles``."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: which parts of the navigation this person may use."""
    roles = roles_of(request.user)
    return {
        "is_officer": Role.PERFORMANCE_OFFICER in roles,
        "is_staff_role": bool(roles & set(STAFF_ROLES)),
        "is_approver": Role.APPROVER in roles,
        "is_panel": Role.PANEL_MEMBER in roles,
        "role_names": sorted(role.value for role in roles),
    }
