"""Who may do what: role checks used by every view (one place, not scattered checks)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send anonymous users to sign in; refuse (403) anyone without one of ``roles``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
