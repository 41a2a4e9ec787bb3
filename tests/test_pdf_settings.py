"""ReportLab's settings for speed change no byte of a report.

The renderer turns off ReportLab's attribute checking of chart shapes (``shapeChecking``, a
third of the charts' time) and ReportLab uses its C accelerator (``rl_accel``, a requirement).
The same report rendered in a fresh process with the checking compiled in and on, or with the
accelerator hidden (ReportLab then falls back to its Python code), must give the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys

{hide}
import django

django.setup()
{before}
import reportlab.graphics.shapes
from reportlab import rl_config

from reports.pdf import render_report
from tests.test_report_pdf import make_report

{after}
sys.stdout.buffer.write(render_report(make_report(3, 4)).content)
"""

# As the application renders: the renderer first, so no shape checks its attributes.
AS_RENDERED = RENDER.format(
    hide="",
    before="import reports.pdf.base",
    after="""assert rl_config.shapeChecking == 0
assert "__setattr__" not in vars(reportlab.graphics.shapes.Shape)""",
)
# The shapes first, with checking on (ReportLab's default), and on again after base.
CHECKED = RENDER.format(
    hide="",
    before="",
    after="""rl_config.shapeChecking = 1
assert "__setattr__" in vars(reportlab.graphics.shapes.Shape)""",
)


# ReportLab's pure-Python fallbacks instead of the C accelerator.
WITHOUT_ACCELERATOR = RENDER.format(
    hide="sys.modules['_rl_accel'] = None  # an import of it now fails",
    before="",
    after="""from reportlab.lib import rl_accel
assert not rl_accel._c_funcs""",
)


def rendered(script: str) -> bytes:
    """The PDF a fresh Python process renders (imports cannot be undone in this one)."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cpp.settings"},
        capture_output=True,
        check=True,
        timeout=300,
    ).stdout


def test_a_report_is_the_same_bytes_with_shape_checking_on():
    unchecked = rendered(AS_RENDERED)
    assert unchecked[:5] == b"%PDF-"
    assert rendered(CHECKED) == unchecked


def test_the_c_accelerator_is_used_and_changes_no_byte():
    from reportlab.lib import rl_accel

    assert "fp_str" in rl_accel._c_funcs  # installed (requirements.txt) and found
    assert rendered(WITHOUT_ACCELERATOR) == rendered(AS_RENDERED)
