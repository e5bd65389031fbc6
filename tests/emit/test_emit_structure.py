"""The emitters' structure: no private name crosses a module boundary inside lossmath/emit/,
and no module there is over 600 lines.

Only lossmath/emit/ is checked (other packages have their own known long modules, e.g.
docs/document.py, which other work splits). A private name is one with a leading underscore;
importing one (``from lossmath.emit.numpy import _steps``) or reading one off an imported
module (``numpy_printer._RESERVED``) couples a printer to another's internals, which is what
the public lowering, scalar printer, kernels and docs of lossmath/emit/ are for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EMIT = Path(__file__).resolve().parents[2] / "lossmath" / "emit"
MODULES = sorted(EMIT.rglob("*.py"))
MAX_LINES = 600


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lossmath"):
            for alias in node.names:
                if alias.name.startswith("_") and alias.name != "__version__":
                    found.append(f"from {node.module} import {alias.name}")
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("lossmath"):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_the_scan_finds_a_private_import_and_a_private_attribute(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from lossmath.emit.numpy import _steps\nfrom lossmath.emit import numpy as n\n"
                   "n._RESERVED\n", encoding="utf-8")
    assert _private_uses(bad) == ["from lossmath.emit.numpy import _steps", "n._RESERVED"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMIT)))
def test_no_private_name_crosses_a_module_boundary_in_emit(path):
    assert _private_uses(path) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMIT)))
def test_no_emit_module_is_over_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
