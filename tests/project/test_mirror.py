"""The tests mirror the package: a folder per layer of ``lossmath/`` (``tests/project/`` for the
README, tooling and the layer contract), helpers in ``tests/support/`` (not collected), and
no test module imports another test module or ``conftest``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def test_each_test_folder_is_a_layer_of_the_package():
    layers = {p.name for p in (ROOT / "lossmath").iterdir() if (p / "__init__.py").exists()}
    folders = {p.name for p in TESTS.iterdir() if (p / "__init__.py").exists()}
    assert folders - {"support", "project"} <= layers, folders - layers
    assert not list(TESTS.glob("test_*.py")), "a test module outside its layer's folder"


def test_support_holds_no_test_and_no_test_module_imports_another():
    assert not list((TESTS / "support").rglob("test_*.py"))
    pattern = re.compile(r"^\s*(from|import)\s+(conftest|tests\.\w+\.test_\w+|test_\w+)\b",
                         re.M)
    offenders = [str(p.relative_to(ROOT)) for p in [*TESTS.rglob("test_*.py"),
                                                     *TESTS.rglob("conftest.py")]
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_the_checks_discriminate():
    pattern = re.compile(r"^\s*(from|import)\s+(conftest|tests\.\w+\.test_\w+|test_\w+)\b",
                         re.M)
    assert pattern.search("from conftest import beta\n")
    assert pattern.search("    import test_corpus_truths as T\n")
    assert pattern.search("from tests.emit.test_ulp_harness import KNOWN_FAILURES\n")
    assert not pattern.search("from tests.support.codegen import load\n")
