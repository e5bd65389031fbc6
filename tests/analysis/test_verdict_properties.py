"""Property tests for sound verdicts: random piecewise polynomials with joins of
known order, up to order 12, with several breakpoints and in the even |x| form.

Construction (hand derivation, Taylor at a): the left piece is p(x), the right piece
p(x) + c (x - a)^k q(x) with c != 0 and q(a) != 0. The difference d = c (x-a)^k q has
d^(n)(a) = 0 for n < k and d^(k)(a) = c k! q(a), so f is C^(k-1) at a (discontinuous for
k = 0) and the first jump, of f^(k), is c k! q(a).

Even form g(x) = h(|x|) with h the construction above at a > 0: at +a the same class and
jump; at -a, g^(n)(x) = (-1)^n h^(n)(-x) turns the jump into (-1)^(k+1) c k! q(a). At 0,
p(|x|) is C^(m-1) where m is the lowest odd degree of p (jump of f^(m): 2 m! p_m), and
analytic when p is even.

For polynomials the class is decidable, so lossmath must answer exactly: ``.exact`` True
(``getattr`` default True for today's code) and no ``Undecided``.
"""

from __future__ import annotations

import math
import warnings

import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import lossmath
from lossmath import Loss, x

# Generative: hypothesis builds joins of known orders and checks the verdicts.
pytestmark = pytest.mark.slow

with warnings.catch_warnings():
    # On a failing example hypothesis's pytest plugin imports hypothesis.extra._patching
    # (libcst) to write a patch. Where libcst still uses mypy_extensions.TypedDict that import
    # warns, and under filterwarnings = error the warning becomes an INTERNALERROR that ends
    # the whole session. Importing it here, at collection, keeps a failure a failure.
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst not installed: the plugin skips the patch
        pass

# No shrink phase: an analysis takes seconds, and shrinking a failure ran past five minutes
# per test; the unshrunk falsifying example (small polynomials) is printed all the same.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
SETTINGS = settings(max_examples=30, deadline=None, phases=PHASES,
                    suppress_health_check=[HealthCheck.too_slow])

small = st.integers(-5, 5)
rationals = st.fractions(min_value=-3, max_value=3, max_denominator=4)
nonzero = st.fractions(min_value=-4, max_value=4, max_denominator=3).filter(bool)
orders = st.integers(0, 12)


def rat(f) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def poly(coeffs, var=x) -> sp.Expr:
    return sum(sp.Integer(c) * var**i for i, c in enumerate(coeffs))


polys = st.lists(small, min_size=1, max_size=4)
factors = st.lists(small, min_size=1, max_size=3)  # q; q(a) != 0 is assumed per example


def class_of(k: int) -> float:
    return -1 if k == 0 else k - 1


def find(report, at):
    hits = [b for b in report.breakpoints if sp.simplify(b.at - at) == 0]
    assert hits, f"no breakpoint at {at}: {[b.at for b in report.breakpoints]}"
    return hits[0]


def check(bp, k: int, jump: sp.Expr) -> None:
    assert getattr(bp, "exact", True) is True, f"class at {bp.at} not exact"
    assert bp.order == class_of(k), (bp.at, bp.order, k)
    assert sp.simplify(bp.jumps[-1] - jump) == 0, (bp.at, bp.jumps, jump)


def spurious_are_cinf(report, points) -> None:
    for b in report.breakpoints:
        if not any(sp.simplify(b.at - p) == 0 for p in points):
            assert b.order == math.inf, f"spurious breakpoint {b.at} of class {b.order}"


def analyse(expr: sp.Expr):
    return lossmath.analyse(Loss("f", expr))


@SETTINGS
@given(polys, factors, rationals, nonzero, orders)
def test_one_join_of_known_order(pc, qc, a, c, k):
    a, c = rat(a), rat(c)
    p, q = poly(pc), poly(qc)
    if q.subs(x, a) == 0:
        q = q + 1 if (q + 1).subs(x, a) != 0 else q + 2
    report = analyse(sp.Piecewise((p, x < a), (p + c * (x - a) ** k * q, True)))
    check(find(report, a), k, c * math.factorial(k) * q.subs(x, a))
    spurious_are_cinf(report, [a])
    assert report.order == class_of(k)
    assert getattr(report, "exact", True) is True


@settings(max_examples=12, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow])
@given(polys, st.lists(st.tuples(nonzero, orders, factors), min_size=2, max_size=3),
       st.lists(st.integers(1, 4), min_size=3, max_size=3), rationals)
def test_several_joins_of_known_orders(pc, joins, gaps, start):
    """p0 on x < a1, then p_i = p_(i-1) + c_i (x - a_i)^k_i q_i(x) on [a_i, a_(i+1))."""
    points = [rat(start)]
    for g in gaps[: len(joins) - 1]:
        points.append(points[-1] + sp.Rational(g, 2))
    piece, pieces, truths = poly(pc), [], []
    for a, (c, k, qc) in zip(points, joins):
        pieces.append((piece, x < a))
        q = poly(qc)
        if q.subs(x, a) == 0:
            q = q + 1 if (q + 1).subs(x, a) != 0 else q + 2
        piece = piece + rat(c) * (x - a) ** k * q
        truths.append((a, k, rat(c) * math.factorial(k) * q.subs(x, a)))
    pieces.append((piece, True))
    report = analyse(sp.Piecewise(*pieces))
    for a, k, jump in truths:
        check(find(report, a), k, jump)
    spurious_are_cinf(report, points)
    assert report.order == min(class_of(k) for _, k, _ in truths)


@settings(max_examples=12, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow])
@given(polys, factors, st.fractions(min_value=0, max_value=3, max_denominator=4).filter(bool),
       nonzero, orders)
def test_even_extension_joins(pc, qc, a, c, k):
    a, c = rat(a), rat(c)
    u = sp.Abs(x)
    p, q = poly(pc), poly(qc)
    if q.subs(x, a) == 0:
        q = q + 1 if (q + 1).subs(x, a) != 0 else q + 2
    report = analyse(sp.Piecewise((p.subs(x, u), u < a),
                                  (p.subs(x, u) + c * (u - a) ** k * q.subs(x, u), True)))
    jump = c * math.factorial(k) * q.subs(x, a)
    check(find(report, a), k, jump)
    check(find(report, -a), k, (-1) ** (k + 1) * jump)
    odd = [i for i, v in enumerate(pc) if i % 2 == 1 and v != 0]
    classes = [class_of(k)]
    if odd:
        m = odd[0]
        check(find(report, sp.S.Zero), m, 2 * math.factorial(m) * pc[m])
        classes.append(m - 1)
    spurious_are_cinf(report, [a, -a, sp.S.Zero])
    assert report.order == min(classes)
    assert report.symmetric is not False
