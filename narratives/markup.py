"""The small, safe markup of narrative text: paragraphs, bullet lists and bold. Pure functions.

Authors type plain text. A blank line separates paragraphs; lines starting ``- `` or ``* `` are
bullet points (an indented line continues the point above it); ``**text**`` is bold. Nothing else
is markup, and no HTML typed by a user ever reaches a page: every character is escaped first and
only then are the few tags of the subset added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BULLET = re.compile(r"^[ \t]*[-*][ \t]+(?P<text>.*)$")
CONTINUATION = re.compile(r"^[ \t]+\S")
# Applied to escaped text, in which `*` is never altered; non-greedy so two bold runs stay two.
BOLD = re.compile(r"\*\*(?=\S)(?P<text>.+?)(?<=\S)\*\*")


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines) or a bullet list (its points), as typed."""

    kind: Literal["p", "ul"]
    lines: tuple[str, ...]


def parse(text: str) -> list[Block]:
    """The blocks of ``text`` in order; empty text has none."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        kind: Literal["p", "ul"] | None = None
        lines: list[str] = []
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            bullet = BULLET.match(line)
            if bullet:
                if kind != "ul" and lines:
                    blocks.append(Block(kind or "p", tuple(lines)))
                    lines = []
                kind = "ul"
                lines.append(bullet.group("text").strip())
            elif kind == "ul" and CONTINUATION.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                if kind == "ul" and lines:
                    blocks.append(Block("ul", tuple(lines)))
                    lines = []
                kind = "p"
                lines.append(line.strip())
        if lines:
            blocks.append(Block(kind or "p", tuple(lines)))
    return blocks


def render_inline(text: str) -> str:
    """One line escaped, with ``**bold**`` as <strong>."""
    return BOLD.sub(r"<strong>\g<text></strong>", escape(text))


def render(text: str) -> SafeString:
    """``text`` as HTML: <p>, <ul><li> and <strong> only, everything the user typed escaped."""
    html = []
    for block in parse(text):
        if block.kind == "ul":
            items = "".join(f"<li>{render_inline(line)}</li>" for line in block.lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>\n".join(render_inline(line) for line in block.lines) + "</p>")
    # Safe: every piece of user text went through escape() above.
    return mark_safe("\n".join(html))


def plain(text: str) -> str:
    """``text`` without markup, for plain-text email: bullets as "- ", bold unmarked."""
    parts = []
    for block in parse(text):
        lines = [BOLD.sub(r"\g<text>", line) for line in block.lines]
        prefix = "- " if block.kind == "ul" else ""
        parts.append("\n".join(prefix + line for line in lines))
    return "\n\n".join(parts)
