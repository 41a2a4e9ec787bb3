"""A number cell as Excel shows it, from its stored number and its number format.

Performance teams save their files from Excel, where ``6.10`` typed in a cell formatted ``0.00``
is stored as 6.1 and ``93.0%`` as 0.93: the file's contract is the text the spreadsheet shows
(formats.md). This module turns (number, format code) into that text for the formats people use
for figures and references: General, fixed places (``0``, ``0.0``, ``#,##0.00``), percentages
(``0.0%``), literal text around the number (``0.0" days"``, ``0.0"%"``). Formats whose text would
not be the figure (scientific, fractions, scaled by thousands) are refused with a reason rather
than guessed.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

GENERAL_DIGITS = 15  # what a double holds exactly; Excel shows no more than this


class FormatRefused(ValueError):
    """The number format makes the shown text something other than the figure."""


_SECTION_SPLIT = re.compile(r'("[^"]*"|\\.|;)')
_BRACKETS = re.compile(r"\[[^\]]*\]")
_QUOTED = re.compile(r'"([^"]*)"')


def shown(number: int | float, code: str | None) -> str:
    """The text a cell holding ``number`` formatted with ``code`` shows."""
    code = (code or "General").strip()
    value = _decimal(number)
    if code.lower() == "general":
        return _general(value)
    section, negative_section = _section(code, value)
    if section.strip().lower() == "general":
        return ("-" if value < 0 and not negative_section else "") + _general(abs(value))
    if negative_section:
        value = -value
    literal_before, placeholder, literal_after, percents = _parts(section)
    if placeholder is None:
        # A format with no number in it (text only, or "@"): the number in General.
        if "@" in section or not section.strip():
            return _general(value)
        raise FormatRefused(f"its number format '{code}' shows no number")
    text = _number(value, placeholder, percents, code)
    sign = "-" if value < 0 and not negative_section else ""
    return f"{sign}{literal_before}{text}{literal_after}"


def _decimal(number: int | float) -> Decimal:
    if isinstance(number, bool):
        raise FormatRefused("it holds TRUE or FALSE, not a number")
    if isinstance(number, int):
        return Decimal(number)
    # The double's shortest decimal to 15 significant digits, as Excel keeps it: 0.1 + 0.2 is
    # 0.3, not 0.30000000000000004.
    return Decimal(format(number, f".{GENERAL_DIGITS}g"))


def _general(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


def _section(code: str, value: Decimal) -> tuple[str, bool]:
    """The section of ``code`` that applies to ``value``, and whether it is the negative one
    (which prints its own sign, if any)."""
    sections: list[str] = []
    current = ""
    for piece in _SECTION_SPLIT.split(code):
        if piece == ";":
            sections.append(current)
            current = ""
        else:
            current += piece
    sections.append(current)
    if any(_BRACKETS.search(s) and re.search(r"\[[<>=]", s) for s in sections):
        raise FormatRefused(f"its number format '{code}' has conditions")
    if value < 0 and len(sections) >= 2:
        return sections[1], True
    if value == 0 and len(sections) >= 3:
        return sections[2], False
    return sections[0], False


def _parts(section: str) -> tuple[str, str | None, str, int]:
    """Split a section into the text before the number, the number's placeholders, the text
    after, and how many (unquoted) ``%`` signs scale it by 100; quoted text and escaped
    characters are literal."""
    section = _BRACKETS.sub(lambda m: _currency(m.group(0)), section)
    tokens: list[tuple[str, str]] = []  # (kind, text): "lit" literal, "num" placeholder chars
    index = 0
    while index < len(section):
        char = section[index]
        if char == '"':
            end = section.find('"', index + 1)
            end = len(section) if end < 0 else end
            tokens.append(("lit", section[index + 1 : end]))
            index = end + 1
        elif char == "\\" and index + 1 < len(section):
            tokens.append(("lit", section[index + 1]))
            index += 2
        elif char in "_*" and index + 1 < len(section):
            tokens.append(("lit", " " if char == "_" else ""))
            index += 2
        elif char in "0#?.,%":
            tokens.append(("num", char))
            index += 1
        elif char in "Ee" and index + 1 < len(section) and section[index + 1] in "+-":
            tokens.append(("num", section[index : index + 2]))
            index += 2
        elif char == "/" and any(kind == "num" for kind, _ in tokens):
            tokens.append(("num", char))
            index += 1
        elif char.lower() in "ymdhs":
            tokens.append(("date", char))
            index += 1
        else:
            tokens.append(("lit", char))
            index += 1
    if any(kind == "date" for kind, _ in tokens):
        raise FormatRefused("its number format shows a date or time, not a figure")
    numeric = [i for i, (kind, text) in enumerate(tokens) if kind == "num" and text != "%"]
    percents = sum(1 for kind, text in tokens if kind == "num" and text == "%")
    if not numeric:
        return "".join(text for _, text in tokens), None, "", percents
    first, last = numeric[0], numeric[-1]
    placeholder = "".join(
        text for kind, text in tokens[first : last + 1] if kind == "num" and text != "%"
    )
    before = "".join(text for _, text in tokens[:first])
    after = "".join(text for _, text in tokens[last + 1 :])
    return before, placeholder, after, percents


def _currency(bracket: str) -> str:
    """``[$£-809]`` shows ``£``; ``[Red]`` and locale codes show nothing."""
    if bracket.startswith("[$"):
        return '"' + bracket[2:-1].split("-")[0] + '"'
    return ""


def _number(value: Decimal, placeholder: str, percents: int, code: str) -> str:
    """Render ``value`` by the placeholder characters of one section."""
    if re.search(r"[Ee][+-]", placeholder):
        raise FormatRefused(f"its number format '{code}' is scientific")
    if "/" in placeholder:
        raise FormatRefused(f"its number format '{code}' shows a fraction")
    integer_part, _, fraction_part = placeholder.partition(".")
    if integer_part.endswith(","):
        raise FormatRefused(f"its number format '{code}' scales the number by thousands")
    places = sum(1 for char in fraction_part if char in "0#?")
    with localcontext() as ctx:
        ctx.prec = 40
        scaled = abs(value).scaleb(2 * percents)
        rounded = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    required = sum(1 for char in fraction_part if char == "0")
    text = format(rounded, "f")
    whole, _, fraction = text.partition(".")
    # '#' places drop trailing zeros down to the '0' places the format requires.
    if len(fraction) > required:
        trimmed = fraction.rstrip("0")
        fraction = trimmed + "0" * max(0, required - len(trimmed))
    if "," in integer_part:
        whole = f"{int(whole):,}"
    if whole == "0" and "0" not in integer_part and fraction:
        whole = ""  # '#.00' shows .50
    return whole + (f".{fraction}" if fraction else "")
