"""lossmath on hand-derived cases of the classes that fooled it (``support.trap_corpus``):
growth with log factors, parameter boundary values, parameter-dependent domains, one-sided
suprema, transcendental critical points.

Each truth is first checked with mpmath alone; then lossmath's report (``check --json``'s
object) must equal it wherever it answers: 0 wrong, 0 crashes, at most 10% of the judged
fields undecided.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from lossmath.base.errors import LossError, Undecided
from lossmath.render.summary import report_dict
from lossmath.spec.toml import loss_from_toml
from tests.support.trap_corpus import CASES, PARAM_PROBES, Case, check_truth

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_hand_derived_truth_agrees_with_mpmath(case: Case):
    bad = [f"{k}: {why}" for k, w in case.truths.items() if (why := check_truth(case, k, w))]
    assert not bad, bad


def _values(case: Case) -> list:
    return [v for v in PARAM_PROBES if case.allowed(v)] if case.family else [None]


def _same_flag(case: Case, got, want) -> bool:
    for c in _values(case):
        w = want(c) if callable(want) else want
        if isinstance(got, str):  # a condition on the parameter, sympy syntax (our output)
            sym = sp.Symbol(case.family, real=True)
            g = sp.sympify(got, locals={case.family: sym}).subs(sym, sp.Rational(str(c)))
            if g not in (sp.true, sp.false) or bool(g) != w:
                return False
        elif got != w:
            return False
    return True


def _same_constant(case: Case, got: str, want) -> bool:
    e = sp.sympify(got)
    for c in _values(case):
        w = want(c) if callable(want) else want
        v = e.subs(sp.Symbol(case.family), sp.Rational(str(c))) if case.family else e
        if w == math.inf:
            if v not in (sp.oo, sp.zoo):
                return False
        elif not v.is_number or abs(float(v) - float(w)) > 1e-6 * (1 + abs(float(w))):
            return False
    return True


def judge(case: Case) -> list[tuple[str, str]]:
    """(field, right | undecided | wrong | crash) for every truth of ``case``."""
    try:
        data = report_dict(loss_from_toml(case.spec))
    except (LossError, ValueError) as exc:
        verdict = "right" if case.truths.get("refused") else f"wrong (refused: {exc})"
        return [(k, verdict) for k in case.truths]
    except Undecided:
        return [(k, "undecided") for k in case.truths]
    except Exception as exc:  # noqa: BLE001 - a crash is what this counts
        return [(k, f"crash ({type(exc).__name__}: {exc})") for k in case.truths]
    out = []
    for key, want in case.truths.items():
        if key == "refused":
            out.append((key, "wrong (accepted)"))
            continue
        got = data.get(key)
        if got is None:
            out.append((key, "undecided"))
        elif key == "class":
            out.append((key, "right" if got == want and data["class_exact"] else
                        "undecided" if not data["class_exact"] else f"wrong ({got})"))
        elif key == "growth":
            out.append((key, "right" if got == want else f"wrong ({got})"))
        elif key == "gradient_bound":
            out.append((key, "right" if _same_constant(case, got, want) else f"wrong ({got})"))
        else:
            out.append((key, "right" if _same_flag(case, got, want) else f"wrong ({got})"))
    return out


@pytest.fixture(scope="module")
def judged() -> dict[str, list[tuple[str, str]]]:
    return {case.id: judge(case) for case in CASES}


def test_no_wrong_verdict_and_no_crash(judged):
    bad = {cid: [(k, v) for k, v in fields if v.startswith(("wrong", "crash"))]
           for cid, fields in judged.items()}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, bad


def test_at_most_a_tenth_of_the_fields_is_undecided(judged):
    fields = [v for fs in judged.values() for _, v in fs]
    undecided = [(cid, k) for cid, fs in judged.items() for k, v in fs if v == "undecided"]
    assert len(undecided) <= 0.10 * len(fields), (len(undecided), len(fields), undecided)
