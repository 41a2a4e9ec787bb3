"""The kinds of file formats.md lists, by name, in the order a full dataset loads."""

from __future__ import annotations

from .base import FileKind
from .catalogue import Benchmarks, Frameworks, Indicators, Sections, Targets
from .measured import Breakdowns, Figures, Outturns

#: each kind refers only to kinds before it
LOAD_ORDER: tuple[type[FileKind], ...] = (
    Frameworks,
    Sections,
    Indicators,
    Targets,
    Figures,
    Outturns,
    Benchmarks,
    Breakdowns,
)
KINDS: dict[str, type[FileKind]] = {kind.name: kind for kind in LOAD_ORDER}


def kind_named(name: str) -> FileKind:
    """A fresh instance of the kind called ``name`` (its lookups belong to one file)."""
    try:
        return KINDS[name]()
    except KeyError:
        raise UnknownKind(f"unknown kind '{name}': use one of {', '.join(KINDS)}") from None


class UnknownKind(ValueError):
    pass


__all__ = ["KINDS", "LOAD_ORDER", "FileKind", "UnknownKind", "kind_named"]
