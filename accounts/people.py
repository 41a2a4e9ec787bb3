"""How the product names a person: full name, else username; one rule for pages, e-mail and PDF.

A board report names a responsible manager with their role title ("Julie Mepham, Head of Service
- Corporate Parenting"); ``name_with_role`` is that form, ``role_title_of`` the title alone.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from .actors import SYSTEM


def name_of(user: Any, nobody: str = "") -> str:
    """``user``'s full name or username; ``nobody`` when there is no user or the system acted."""
    if user is None or user is SYSTEM:
        return nobody
    return user.get_full_name() or user.get_username()


def role_title_of(user: Any) -> str:
    """The role title kept in ``user``'s profile; blank without one (or for the system).
    Callers naming many people load ``profile`` with them (select_related)."""
    if user is None or user is SYSTEM:
        return ""
    try:
        return user.profile.role_title
    except ObjectDoesNotExist:
        return ""


def name_with_role(user: Any, nobody: str = "") -> str:
    """``user``'s name followed by their role title when they have one:
    "Julie Mepham, Head of Service - Corporate Parenting"."""
    name = name_of(user, nobody)
    title = role_title_of(user)
    return f"{name}, {title}" if name and title else name
