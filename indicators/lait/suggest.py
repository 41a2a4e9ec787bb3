"""Suggesting LAIT measures for an indicator from a few words (the admin's mapping help)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dictionary import DataDictionary, MeasureInfo

# Words that say nothing about which measure is meant.
_STOP_WORDS = frozenset(
    "a an and are as at by for from in is of on or per the to who with within".split()
)
# Councils say LAC, DfE says CLA or "children looked after".
_SYNONYMS = {"lac": "cla", "children": "child"}
_LOOKED_AFTER = re.compile(r"looked[\s-]+after")
# A word in the measure's name, code or chart title counts more than one in its description,
# and the word itself more than another with the same start (adopted / adoption).
_WEIGHTS = {("title", True): 4, ("title", False): 3, ("text", True): 2, ("text", False): 1}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Suggestion:
    """A measure and how well it matches the words searched for (higher is better);
    ``unmatched`` counts the title's words the query does not have."""

    measure: MeasureInfo
    score: int
    matched: int
    unmatched: int


def suggest_measures(
    dictionary: DataDictionary, query: str, *, limit: int = 10, discontinued: bool = False
) -> list[Suggestion]:
    """The measures whose name, code, chart title or description contain the query's words.

    Words match when equal or, less, when sharing their first five letters (``adopted`` finds
    ``adoption``); ``LAC``, ``CLA`` and ``looked after`` are one word. Ranked by score (a word
    in the title counts more than in the description), then by how many words match.
    Discontinued measures are left out unless asked.
    """
    words = _words(query)
    if not words:
        return []
    found = []
    for measure in dictionary.measures.values():
        if measure.discontinued and not discontinued:
            continue
        titles = _words(" ".join((measure.name, measure.code, measure.chart_title)))
        description = _words(measure.description)
        score = matched = 0
        for word in words:
            weight = _weight(word, titles, "title") or _weight(word, description, "text")
            score += weight
            matched += weight > 0
        if matched:
            unmatched = sum(1 for title in titles if not _weight(title, words, "title"))
            found.append(Suggestion(measure, score, matched, unmatched))
    # Among equals, the measure whose title says least besides the query is the nearest.
    found.sort(key=lambda s: (-s.score, -s.matched, s.unmatched, s.measure.name))
    return found[:limit]


def _words(text: str) -> set[str]:
    # Codes join words with "_" and capitals ("%_of LAC Adopted", "CareLeaverAcc").
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text.replace("%", " percent ")).lower()
    spaced = _LOOKED_AFTER.sub(" cla ", spaced)
    found = {word for word in _WORD.findall(spaced) if word not in _STOP_WORDS}
    return {_SYNONYMS.get(word, word) for word in found}


def _weight(word: str, candidates: set[str], where: str) -> int:
    if word in candidates:
        return _WEIGHTS[where, True]
    if len(word) >= 5 and any(c[:5] == word[:5] for c in candidates if len(c) >= 5):
        return _WEIGHTS[where, False]
    return 0
