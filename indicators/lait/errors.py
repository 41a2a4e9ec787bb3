"""The one error the LAIT engine raises: every message says what is wrong and where."""

from __future__ import annotations


class LaitError(ValueError):
    """A LAIT file, neighbour list or request that cannot give a benchmark, with the reason."""
