"""Writing events: the one place an ``Event`` row is created."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.text import Truncator

from accounts.actors import SYSTEM, Actor

from .models import Event

VERB = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")


@dataclass(frozen=True)
class Ref:
    """What an event was done to, when there is no model instance to hand (an object the admin
    has deleted): the model's label, its key and its name."""

    type: str
    id: str
    repr: str

    @classmethod
    def of(cls, target: Model) -> Ref:
        return cls(target._meta.label_lower, str(target.pk), str(target))


def write(
    actor: Actor | None,
    verb: str,
    target: Model | Ref | None,
    details: dict[str, Any],
    actor_name: str = "",
) -> Event:
    """An event by ``actor`` (a user or SYSTEM); ``actor`` None with ``actor_name`` when nobody
    could be identified (a failed sign-in names the username tried)."""
    if not VERB.fullmatch(verb):
        raise ValueError(f"an audit verb is kind.what_happened in lower case, not {verb!r}")
    if actor is SYSTEM:
        user, name = None, SYSTEM.value
    elif actor is None:
        user, name = None, actor_name
    else:
        user, name = actor, actor.get_username()
    ref = Ref.of(target) if isinstance(target, Model) else target
    return Event.objects.create(
        actor=user,
        actor_name=name[:150],
        verb=verb,
        target_type=ref.type if ref else "",
        target_id=ref.id[:64] if ref else "",
        target_repr=Truncator(ref.repr).chars(300) if ref else "",
        details=details,
    )
