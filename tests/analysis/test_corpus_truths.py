"""Check every truth of ``tests/support/verdict_corpus.py`` numerically, with mpmath only.

Nothing here touches lossmath: each case's independent mpmath definition ``mp`` is probed (at
60 digits: the slow tier; the default tier checks the corpus's shape).

* Breakpoints: the one-sided derivatives f^(n)(a +- t) (mpmath.diff, central steps far smaller
  than t, working precision raised by mpmath) at t = 1e-25, 1e-35, 1e-45 with 60 digits. Orders
  below the class agree (and f(a) is the common limit); at the first jump order both sides
  converge to values whose difference is the truth, or one side diverges monotonically (truth
  inf), or one side changes sign on ten points near 1e-20 (truth None: no limit).
* sup|f'|: |f'| on a dense grid (30 digits) never exceeds the truth, and the truth is reached
  (to 1e-6 relative) at a refined critical point (findroot on f''), at a point named by the
  case, at a one-sided limit, or far out (|x| = 1e12) when the sup is only approached.
  Unbounded: |f'| exceeds 1e6 somewhere, or grows without bound along a sequence.
* Convexity: second differences of f on the grid and f'' at the grid points are >= 0
  (True); or some second difference or f'' is negative, or f jumps (False).
* Symmetry: f(x) - f(-x) on the grid and near the breakpoints.
* Rejections: the definition is non-real, infinite or raises at a point of its own piece.
"""

from __future__ import annotations

import pytest
from mpmath import mp

from tests.support.corpus_checks import (
    BP_DPS,
    CASES,
    DEPENDS,
    VALID,
    Case,
    check_breakpoint,
    check_convex,
    check_sup,
    check_symmetric,
    class_order,
    number,
    real,
)

BREAKPOINTS = [(c, b) for c in VALID for b in (c.breakpoints or ())]


@pytest.mark.slow
@pytest.mark.parametrize(
    "case,bp", BREAKPOINTS, ids=[f"{c.id}@{b.at}" for c, b in BREAKPOINTS]
)
def test_breakpoint_class_and_jump(case: Case, bp) -> None:
    check_breakpoint(case, bp)


SUPS = [c for c in VALID if c.sup_grad is not None and c.sup_grad != DEPENDS]


@pytest.mark.slow
@pytest.mark.parametrize("case", SUPS, ids=[c.id for c in SUPS])
def test_sup_grad(case: Case) -> None:
    check_sup(case, case.mp, case.sup_grad)


CONVEX = [c for c in VALID if isinstance(c.convex, bool)]


@pytest.mark.slow
@pytest.mark.parametrize("case", CONVEX, ids=[c.id for c in CONVEX])
def test_convex(case: Case) -> None:
    check_convex(case, case.mp, case.convex)


SYMM = [c for c in VALID if isinstance(c.symmetric, bool)]


@pytest.mark.slow
@pytest.mark.parametrize("case", SYMM, ids=[c.id for c in SYMM])
def test_symmetric(case: Case) -> None:
    check_symmetric(case, case.mp, case.symmetric)


WITNESSED = [(c, fld, i) for c in VALID for fld, ws in c.witnesses.items() for i in range(len(ws))]


@pytest.mark.slow
@pytest.mark.parametrize(
    "case,field,i", WITNESSED, ids=[f"{c.id}-{f}-{i}" for c, f, i in WITNESSED]
)
def test_depends_witnesses(case: Case, field: str, i: int) -> None:
    """A "depends" truth: the property holds at one parameter value and fails at another."""
    assert getattr(case, field) == DEPENDS
    fn, truth = case.witnesses[field][i]
    {"convex": check_convex, "symmetric": check_symmetric, "sup_grad": check_sup}[field](
        case, fn, truth
    )
    values = {repr(t) for _, t in case.witnesses[field]}
    assert len(values) == len(case.witnesses[field]), "witnesses must disagree"


REJECTS = [c for c in CASES if c.reject]


@pytest.mark.slow
@pytest.mark.parametrize("case", REJECTS, ids=[c.id for c in REJECTS])
def test_rejection_has_a_bad_point(case: Case) -> None:
    assert case.reject_at, "a rejection names a point"
    with mp.workdps(BP_DPS):
        for p in case.reject_at:
            a = number(case, p)
            try:
                v = case.mp(a)
            except (ZeroDivisionError, ValueError):
                continue
            r = real(v)
            assert r is None or abs(r) > 1e20, f"{case.id}: f({p}) = {v} is fine"


def test_corpus_shape() -> None:
    """Enough cases, every valid case has a checked truth, and the overall class is the
    minimum over the listed breakpoints."""
    assert len(CASES) >= 85
    assert len({c.id for c in CASES}) == len(CASES)
    for c in VALID:
        assert c.derivation and c.source
        listed = [class_order(b.cls) for b in c.breakpoints or ()]
        if c.overall is not None:
            assert class_order(c.overall) == min(listed)
    assert sum(1 for c in CASES if not c.subs_defaults) >= 10
