"""The atlas document (``lossmath derive atlas``): current, complete, and built within the
per-document budget machinery of ``derive``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lossmath import catalog
from lossmath.cli import derive
from lossmath.cli.main import main

REPO = Path(__file__).resolve().parents[2]
ATLAS = REPO / "docs" / "atlas.md"


@pytest.fixture(scope="module")
def atlas():
    """The atlas as its source builds it now (nothing written)."""
    return derive.build("atlas")


def test_the_committed_atlas_is_current(capsys):
    assert main(["derive", "atlas", "--check"]) == 0, capsys.readouterr().err


def test_the_table_has_a_row_per_catalog_loss():
    text = ATLAS.read_text("utf-8")
    table = text[text.index("**Table 1.**"):text.index("## Figures")]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    names = [row.split("`")[1] for row in rows]
    assert names == catalog.names()


def test_every_disagreement_is_stated_with_its_source_line_and_counterexample(atlas):
    from lossmath.crosscheck.anchor_check import compare_all

    md = atlas.markdown()
    section = md[md.index("## Where hand-declared tables disagree"):
                 md.index("## References")]
    wrong = [c for c in compare_all() if c.status == "disagrees"]
    assert wrong
    for c in wrong:
        d = c.declaration
        path, line = d.where.rsplit(":", 1)
        where = f"{path}, line {line}"
        assert where in section, where
        paragraph = next(p for p in section.split("\n\n")
                         if where in p and f"`{d.trait}`" in p and d.anchor.name in p)
        assert "*Counterexample:*" in paragraph and "*Reason:*" in paragraph


def test_the_atlas_is_a_derivation_with_its_own_budget():
    assert "atlas" in derive.available()
    import importlib.util

    spec = importlib.util.spec_from_file_location("atlas_source", REPO / "lossmath" /
                                                  "derivations" / "atlas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.BUDGET > 10  # more than the default 10 s of one document


def test_an_explicit_timeout_still_bounds_the_atlas(capsys):
    assert main(["derive", "atlas", "--check", "--timeout", "0.01"]) == 3
    assert "gave up after 0.01 s while building atlas" in capsys.readouterr().err
