"""Who acts: a person signed in, or the system itself (the command line, sweeps, tasks).

Every service verb takes an ``Actor``. The system is named explicitly with ``SYSTEM``, never with
``None``: a verb decides in its rules what the system may do, rather than skipping them.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from typing import Literal, TypeAlias

from django.contrib.auth.models import User


class System(enum.Enum):
    """The product acting on its own behalf; a sentinel, compared with ``is``."""

    SYSTEM = "system"

    def __str__(self) -> str:
        return self.value

    @property
    def username(self) -> str:
        return self.value

    @property
    def is_authenticated(self) -> bool:
        # Holds no role: ``accounts.access.roles_of(SYSTEM)`` is empty.
        return False


SYSTEM: Literal[System.SYSTEM] = System.SYSTEM

# A user, or the system. (``User``: the project keeps Django's user model, AUTH_USER_MODEL unset;
# the ``…_by`` foreign keys hold it.)
Actor: TypeAlias = User | Literal[System.SYSTEM]


def user_of(actor: Actor) -> User | None:
    """The user to store in a ``…_by`` foreign key: None when the system acted."""
    return None if actor is SYSTEM else actor


# Who is acting where a change arrives without one: a role granted through ``User.groups`` (the
# admin's user form, a command) is recorded by a signal receiver that has no request. The admin
# names the person (``accounts.admin``); anywhere else it is the system.
_acting: contextvars.ContextVar[tuple[Actor, str]] = contextvars.ContextVar(
    "acting", default=(SYSTEM, "")
)


@contextlib.contextmanager
def acting(actor: Actor, source: str = "") -> Iterator[None]:
    """Within the block, ``current_actor()`` is ``actor``, and ``current_source()`` where the
    change comes from (``directory``: the council's identity provider), recorded with it."""
    token = _acting.set((actor, source))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> Actor:
    return _acting.get()[0]


def current_source() -> str:
    return _acting.get()[1]
