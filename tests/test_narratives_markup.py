"""The narrative markup (paragraphs, bullets, bold; everything else escaped) and the word diff."""

from __future__ import annotations

import time

import pytest
from django.utils.safestring import SafeString

from narratives.diffs import diff_html
from narratives.markup import Block, parse, plain, render


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", ""),
        ("   \n\n  ", ""),
        ("One line.", "<p>One line.</p>"),
        ("First.\n\nSecond.", "<p>First.</p>\n<p>Second.</p>"),
        ("First.\r\n\r\nSecond.", "<p>First.</p>\n<p>Second.</p>"),
        ("Line one\nline two", "<p>Line one<br>\nline two</p>"),
        ("First.\n  \t\nSecond.", "<p>First.</p>\n<p>Second.</p>"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("* a\n* b", "<ul><li>a</li><li>b</li></ul>"),
        ("Intro:\n- a\n- b\nAfter.", "<p>Intro:</p>\n<ul><li>a</li><li>b</li></ul>\n<p>After.</p>"),
        ("- a long\n  point\n- b", "<ul><li>a long point</li><li>b</li></ul>"),
        ("**Bold** start", "<p><strong>Bold</strong> start</p>"),
        ("a **b** c **d**", "<p>a <strong>b</strong> c <strong>d</strong></p>"),
        ("- **12** ceased", "<ul><li><strong>12</strong> ceased</li></ul>"),
        ("**unclosed bold", "<p>**unclosed bold</p>"),
        ("** not bold **", "<p>** not bold **</p>"),
        ("-5 is not a bullet", "<p>-5 is not a bullet</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("Plans & Visits", "<p>Plans &amp; Visits</p>"),
        ("a < b > c", "<p>a &lt; b &gt; c</p>"),
        ("\"quoted\" 'single'", "<p>&quot;quoted&quot; &#x27;single&#x27;</p>"),
        ("**<b>x</b>**", "<p><strong>&lt;b&gt;x&lt;/b&gt;</strong></p>"),
        ("- <img src=x onerror=alert(1)>", "<ul><li>&lt;img src=x onerror=alert(1)&gt;</li></ul>"),
        ("&amp; stays literal", "<p>&amp;amp; stays literal</p>"),
        ("Café — “LAC” 👶 ≥ 95%", "<p>Café — “LAC” 👶 ≥ 95%</p>"),
    ],
)
def test_render(text, html):
    rendered = render(text)
    assert isinstance(rendered, SafeString)
    assert str(rendered) == html


def test_no_tag_but_the_subset_survives():
    hostile = "<a href='javascript:x'>x</a> <p onclick=x> </ul></li> <strong>x</strong> \n\n- <b>"
    html = str(render(hostile))
    tags = {tag for tag in ("<a", "<p onclick", "<b>", "</ul></li>", "<strong>x") if tag in html}
    assert tags == set()
    assert html.count("<p>") == 1 and html.count("<ul>") == 1


def test_three_thousand_words_render_quickly():
    text = "\n\n".join(
        " ".join(f"word{i} & <{i}>" for i in range(start, start + 100))
        for start in range(0, 1000, 100)
    )
    text += "\n\n" + "\n".join(f"- point **{i}**" for i in range(1000))
    started = time.perf_counter()
    html = str(render(text))
    assert time.perf_counter() - started < 0.5
    assert html.count("<p>") == 10 and html.count("<li>") == 1000
    assert "&lt;999&gt;" in html and "<" + "999>" not in html


def test_parse_gives_blocks_for_other_renderers():
    assert parse("Intro\n\n- a\n- b") == [Block("p", ("Intro",)), Block("ul", ("a", "b"))]


def test_plain_text_for_email():
    assert plain("Intro **x**\n\n* a\n* b") == "Intro x\n\n- a\n- b"


@pytest.mark.parametrize(
    ("old", "new", "html"),
    [
        ("same", "same", "same"),
        ("", "new text", "<ins>new text</ins>"),
        ("old text", "", "<del>old text</del>"),
        (
            "LAC rose to 610.",
            "LAC fell to 600.",
            "LAC <del>rose </del><ins>fell </ins>to <del>610.</del><ins>600.</ins>",
        ),
        ("a <b>", "a <b> & c", "a <del>&lt;b&gt;</del><ins>&lt;b&gt; &amp; c</ins>"),
        (
            "One.\n\nTwo.",
            "One.\n\nTwo.\n\nThree.",
            "One.\n\n<del>Two.</del><ins>Two.\n\nThree.</ins>",
        ),
    ],
)
def test_word_diff_is_escaped(old, new, html):
    assert str(diff_html(old, new)) == html


def test_diff_of_long_texts_is_quick():
    old = " ".join(f"w{i}" for i in range(3000))
    new = old.replace("w1500", "changed <x>")
    started = time.perf_counter()
    html = str(diff_html(old, new))
    assert time.perf_counter() - started < 1
    assert "<del>w1500 </del><ins>changed &lt;x&gt; </ins>" in html
