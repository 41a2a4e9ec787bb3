"""What changed between two texts, word by word, as escaped HTML. Pure functions."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word with the whitespace after it is one token: line breaks survive, spaces never align alone.
TOKENS = re.compile(r"\S+\s*|\s+")


def diff_html(old: str, new: str) -> SafeString:
    """``new`` against ``old``: removed words in <del>, added words in <ins>, all text escaped.

    Shown in a block with ``white-space: pre-wrap`` so paragraphs keep their breaks.
    """
    before, after = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    html: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            html.append(escape("".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            html.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            html.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    # Safe: every piece of text went through escape() above.
    return mark_safe("".join(html))


def has_changes(old: str, new: str) -> bool:
    return (old or "") != (new or "")
