"""The layers point one way: no module imports from a layer above its own.

Bottom to top: ``accounts`` (roles, access, names, who acts), ``audit`` (the event log),
``indicators`` (catalogue, figures, the engine), ``narratives`` (the workflow), ``reports``
(editions), ``cpp`` (settings, URLs, Celery, the home page, commands using every app). Every
import is read from the source (``ast``), also those inside functions, so an import added up the
layers fails here however it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("accounts", "audit", "sso", "indicators", "narratives", "reports", "cpp")
# Within one app: the report services ask for builds by signal; the task module imports them.
FORBIDDEN = {("reports.services", "reports.tasks"), ("reports.rules", "reports.services")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> set[str]:
    """The absolute names of every module ``source`` (the text of ``module``) imports."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names.add(prefix)
            # "from . import services" imports the module package.services
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def layer_of(name: str) -> int | None:
    top = name.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def violations(sources: dict[str, str], packages: frozenset[str] = frozenset()) -> list[str]:
    """Each import in ``sources`` (module name -> text; ``packages`` are ``__init__`` modules)
    that runs up the layers or is forbidden, as "importer -> imported"."""
    found = []
    for module, source in sorted(sources.items()):
        own = layer_of(module)
        for name in sorted(imported(source, module, module in packages)):
            target = layer_of(name)
            if own is not None and target is not None and target > own:
                found.append(f"{module} -> {name} (up from {LAYERS[own]} to {LAYERS[target]})")
            elif any(module == a and (name == b or name.startswith(b + ".")) for a, b in FORBIDDEN):
                found.append(f"{module} -> {name} (forbidden)")
    return found


def test_no_import_runs_up_the_layers():
    paths = [path for layer in LAYERS for path in (ROOT / layer).rglob("*.py")]
    sources = {module_name(path): path.read_text(encoding="utf-8") for path in paths}
    packages = frozenset(module_name(path) for path in paths if path.name == "__init__.py")
    assert len(sources) > 80  # every app was read
    assert violations(sources, packages) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("indicators.management.commands.x", "from narratives import services", "narratives"),
        ("indicators.views", "def f():\n    from reports.models import Edition", "reports.models"),
        ("accounts.access", "import audit", "audit"),
        ("audit.views", "from indicators.models import Upload", "indicators.models"),
        ("narratives.tasks", "from cpp.celery import app", "cpp.celery"),
        ("reports.services", "from .tasks import build_edition", "reports.tasks"),
        ("reports.services", "from . import tasks", "reports.tasks"),
    ],
)
def test_the_check_catches_an_import_up_the_layers(module, source, expected):
    found = violations({module: source})
    assert found and found[0].startswith(f"{module} -> {expected}")


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("reports.services", "from narratives import services"),
        ("cpp.views", "from reports.pages import issued_editions"),
        ("audit.recording", "from accounts.actors import SYSTEM"),
        ("reports.tasks", "from . import services"),
        ("narratives.rules", "from .models import Narrative"),
    ],
)
def test_imports_down_or_within_a_layer_are_fine(module, source):
    assert violations({module: source}) == []
