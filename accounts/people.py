"""How the product names a person: full name, else username; one rule for pages, e-mail and PDF."""

from __future__ import annotations

from typing import Any

from .actors import SYSTEM


def name_of(user: Any, nobody: str = "") -> str:
    """``user``'s full name or username; ``nobody`` when there is no user or the system acted."""
    if user is None or user is SYSTEM:
        return nobody
    return user.get_full_name() or user.get_username()
