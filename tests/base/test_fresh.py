"""The work an analysis counts is a function of the analysis alone: the same in a process
that computed other things first (sympy's cache, the facts objects learned, the import system,
the garbage collector and sympy's random generators are reset or kept out of the count where
an analysis starts or a step runs; :mod:`lossmath.base.fresh`), so a verdict decided near the
end of its share is the same in a fresh process and in a long-lived one (a test worker, a
notebook)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from lossmath.base import budget, fresh

ROOT = Path(__file__).resolve().parents[2]


def _work_of(step) -> int:
    """The work of ``step`` run as the first step of an analysis (from the reset state)."""
    before = budget.counted()
    with fresh.scope():
        budget.attempt(step, budget.STEP, None)
    return budget.counted() - before


def _simplify_a_fresh_quotient():
    # new objects on each call (equal ones): a warm cache would answer them for nothing
    t = sp.Symbol("t", positive=True)
    return sp.simplify((sp.exp(2 * t) - 1) / (sp.exp(t) - 1) + sp.cos(t) ** 2 + sp.sin(t) ** 2)


def _other_work():
    t, u = sp.symbols("t u", real=True)
    for e in (sp.exp(2 * t) - 1, sp.cos(t) ** 2 + sp.sin(t) ** 2, (t**2 - u**2) / (t - u)):
        sp.simplify(e), sp.factor(e), e.is_positive, sp.solve(e, t)


def test_an_analysis_step_counts_the_same_work_after_other_work():
    # once before: sympy builds a few module constants on first use, once per process
    # (sympy.simplify.fu's), which no reset undoes
    _work_of(_simplify_a_fresh_quotient)
    first = _work_of(_simplify_a_fresh_quotient)
    _other_work()
    again = _work_of(_simplify_a_fresh_quotient)
    assert first > 1000  # a real step (so that a cached answer would show)
    assert again == first


def test_without_the_reset_the_cache_would_change_the_count(monkeypatch):
    # the theorem above is not vacuous: with the reset switched off, the second run is cheaper
    _work_of(_simplify_a_fresh_quotient)
    first = _work_of(_simplify_a_fresh_quotient)
    monkeypatch.setattr(fresh, "reset", lambda objects=False: fresh.seed())
    again = _work_of(_simplify_a_fresh_quotient)
    assert again < first


def test_an_import_inside_a_step_is_not_counted():
    # a module's first import runs the import system and the module's body, once per process:
    # no work of the step that asked for it
    sys.modules.pop("colorsys", None)
    first = _work_of(lambda: importlib.import_module("colorsys"))
    assert "colorsys" in sys.modules
    again = _work_of(lambda: importlib.import_module("colorsys"))
    assert first == again < 20  # the call that asks; loading colorsys alone takes more


#: warming losses and the losses whose verdicts and counts are compared (both small enough
#: for a test: a few seconds each)
_WARM = ("smooth_l1", "pseudo_huber", "cauchy", "hampel")
_TARGETS = ("huber", "wing", "tukey")
_SCRIPT = """
import json, sys
from lossmath import analyse, get_loss
from lossmath.base import budget, fresh
keep = []
for name in sys.argv[1].split(",") if sys.argv[1] else ():
    for loss in (get_loss(name), get_loss(name).with_defaults()):
        keep.append(loss); analyse(loss)
out = {}
for name in sys.argv[2].split(","):
    loss = get_loss(name); keep.append(loss)
    before = budget.counted()
    report = analyse(loss).to_dict()
    out[name] = {"report": report, "work": budget.counted() - before}
print(json.dumps(out, sort_keys=True))
"""


def _run(warm: tuple[str, ...], targets: tuple[str, ...]) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _SCRIPT, ",".join(warm), ",".join(targets)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


@pytest.mark.slow
@pytest.mark.subprocess
def test_verdicts_after_other_losses_are_those_of_a_fresh_process():
    # the string hashes are fixed (PYTHONHASHSEED): the order of sets of sympy objects follows
    # them, as it does in any two processes
    warmed = _run(_WARM, _TARGETS)
    for name in _TARGETS:
        alone = _run((), (name,))[name]
        assert json.dumps(warmed[name]["report"], sort_keys=True) == \
            json.dumps(alone["report"], sort_keys=True), name
        # the work itself agrees to 5 % (measured with the memos reset per analysis: tukey
        # 2.6 %, 11,837 of 460,306 calls; it differed by 18 % for huber when the cache was
        # kept: 93,018 calls alone, 76,192 after three other losses); what is left is listed
        # in lossmath/base/fresh.py
        assert abs(warmed[name]["work"] - alone["work"]) <= alone["work"] / 20, name
