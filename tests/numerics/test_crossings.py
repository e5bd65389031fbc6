"""The overflow crossings of a form's exponentials and powers, and what the search measures there
(lossmath.numerics.crossings): every state a dense grid sees is sampled, and a form that
overflows between the fixed sample's points is not used."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.codegen.cfunctions import expm1

from lossmath import x
from lossmath.emit.lower import LOWERED
from lossmath.numerics.crossings import crossings, points
from lossmath.numerics.measure import evaluate, sample
from lossmath.numerics.regimes import single
from lossmath.numerics.search import Domain, search

_slopes = st.fractions(min_value=Fraction(-64), max_value=Fraction(64)).filter(
    lambda q: abs(q) >= Fraction(1, 64))
_offsets = st.fractions(min_value=Fraction(-8), max_value=Fraction(8))


@settings(max_examples=10, deadline=None)
@given(_slopes, _offsets, st.floats(-800, 800).filter(lambda v: abs(v) >= 2**-20))
def test_crossing_of_a_linear_argument_is_the_solution_of_the_linear_equation(a, b, level):
    # truth: a*x + b = level is x = (level - b)/a, computed in exact rational arithmetic
    u = sp.Rational(a.numerator, a.denominator) * x + sp.Rational(b.numerator, b.denominator)
    (got,) = crossings(u, (level,))
    want = float((Fraction(level) - b) / a)
    assert abs(got - want) <= 4 * math.ulp(want) + 1e-300


_FUNCS = (sp.exp, expm1, sp.cosh, sp.sinh, sp.sech)


def _nodes(e: sp.Expr) -> list[sp.Expr]:
    """The nodes the guarantee is about: exponential-like functions and constant powers of
    something in x (a product of finite factors that overflows is not one of them)."""
    return [n for n in sp.preorder_traversal(e) if x in getattr(n, "free_symbols", ())
            and (isinstance(n, _FUNCS) or (n.is_Pow and n.exp.is_number))]


def _states(e: sp.Expr, xs: np.ndarray) -> set[tuple]:
    """Per input, which of those nodes of ``e`` are infinite, zero or nan (in xs' dtype)."""
    cols = []
    for n in _nodes(e):
        v = evaluate(n, xs)
        cols += [np.isinf(v), v == 0, np.isnan(v)]
    return set(zip(*(c.tolist() for c in cols)))


@st.composite
def _forms(draw):
    """A product or quotient of two exponential-like functions of linear arguments, and a
    power of x (the families the candidates make: exp(-x/2)*expm1(x/2), cosh(x)/x**3...)."""
    def arg():
        a, b = draw(_slopes), draw(_offsets)
        return sp.Rational(a.numerator, a.denominator) * x + sp.Rational(b.numerator, 1)

    f, g = draw(st.sampled_from(_FUNCS)), draw(st.sampled_from(_FUNCS))
    k = draw(st.integers(-4, 4))
    e = sp.Mul(f(arg()), g(arg()) ** draw(st.sampled_from((1, -1))), x**k, evaluate=False)
    return e


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_forms(), st.sampled_from((np.float64, np.float32)))
def test_every_overflow_state_a_dense_grid_sees_is_in_the_extended_sample(e, dt):
    # the dense grid: 40 points per octave over the magnitudes where the argument's levels
    # lie for these slopes (|x| up to 2**17), both signs
    mags = np.exp2(np.arange(-20 * 40, 17 * 40) / 40.0)
    dense = np.concatenate([-mags, mags]).astype(dt)
    measured = np.unique(np.concatenate([sample(-np.inf, np.inf, dt), points([e], dt)]))
    assert _states(e, dense) <= _states(e, measured)


def test_a_form_that_overflows_between_sample_points_is_not_used():
    # linex's gradient 1/2 - exp(-x/2)/2: exp(-x/2)*expm1(x/2)/2 is exact up to x = 1419.57,
    # where expm1(x/2) overflows, and the fixed sample's next magnitude is 3.5e9; the search
    # once used it up to 2**19 (inf in the generated gradient at x = 1438.45)
    piece = sp.Rational(1, 2) - sp.exp(-x / 2) / 2
    found = search(piece, single(piece), Domain(((-math.inf, math.inf),), (), LOWERED))
    xs = np.geomspace(80.0, 1e7, 4001)
    for dt in (np.float64, np.float32):
        got = np.empty(len(xs), dtype=dt)
        lo = 0.0
        for r in found.plan:
            hi = math.inf if r.upto is None else float(r.upto)
            m = (xs >= lo) & (xs < hi)
            work = np.float64 if LOWERED.wide([r.expr for r in found.plan]) else dt
            got[m] = LOWERED(r.expr, xs[m].astype(dt).astype(work), {}).astype(dt)
            lo = hi
        # truth: for x >= 80, exp(-x/2)/2 < 2**-58, below half an ulp of 1/2 in float64 (and
        # float32), so the correctly rounded f'(x) is 1/2
        assert np.all(got == dt(0.5)), xs[got != dt(0.5)][:5]


@pytest.mark.parametrize("node", [sp.exp(x / 2), sp.cosh(3 * x), x**3, expm1(-x / 5)])
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_points_see_each_node_finite_and_overflowed(node, dt):
    # each of these overflows on one side of a threshold in each dtype (exp(u) above
    # log(max), cosh(u) above log(2*max), x**3 above max**(1/3)): the points see both
    v = evaluate(node, points([node], dt))
    assert np.any(np.isinf(v)) and np.any(np.isfinite(v) & (v != 0))


def test_levels_of_a_power_near_zero_are_inf_not_an_error():
    # (1 + 1000*x**2)**(-1/2000): its underflow level has 2**2000, beyond Python's float
    # (OverflowError took down the user-form harness: barron at alpha = 0.001)
    from lossmath.numerics.crossings import _levels

    u, levels = _levels((1000 * x**2 + 1) ** sp.Rational(-1, 2000))
    assert u == 1000 * x**2 + 1 and all(math.isfinite(v) for v in levels)
