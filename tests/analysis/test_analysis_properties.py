"""Property tests: losses built with a known class at a known breakpoint are classified so.

f(x) = p(x) for x < a and p(x) + k (x - a)^m for x >= a is C^(m-1) at a (discontinuous for
m = 0), and its m-th derivative jumps by k m!, whatever the polynomial p, the point a and k.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossmath import Loss, Param, analyse, x

# Generative: hypothesis builds tables and checks the analysis against construction.
pytestmark = pytest.mark.slow

coefficients = st.lists(st.integers(-5, 5), min_size=1, max_size=4)
points = st.fractions(min_value=-3, max_value=3, max_denominator=7)
nonzero = st.integers(-4, 4).filter(bool)


def joined(p: sp.Expr, a: sp.Expr, k: int, m: int) -> sp.Expr:
    return sp.Piecewise((p, x < a), (p + k * (x - a) ** m, True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coefficients, points, nonzero, st.integers(0, 4))
def test_class_and_jump_match_construction(coeffs, a, k, m):
    a = sp.Rational(a.numerator, a.denominator)
    p = sum(c * x**i for i, c in enumerate(coeffs))
    (bp,) = analyse(Loss("f", joined(p, a, k, m))).breakpoints
    assert bp.at == a
    assert bp.cls == ("discontinuous" if m == 0 else f"C{m - 1}")
    assert bp.jumps == (*([0] * m), k * math.factorial(m))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coefficients, nonzero, st.integers(1, 3))
def test_class_at_a_symbolic_breakpoint(coeffs, k, m):
    beta = Param("beta", default=2)
    b = beta.symbol
    p = sum(c * b**i * x**i for i, c in enumerate(coeffs))  # parameters in the pieces too
    f = Loss("f", joined(p, b, k, m), (beta,))
    (bp,) = analyse(f).breakpoints
    assert bp.at == b and bp.cls == f"C{m - 1}"
    assert bp.jumps[-1] == k * math.factorial(m)
    assert not bp.numeric  # decided symbolically


@settings(max_examples=15, deadline=None)
@given(coefficients, points)
def test_derivative_tables_share_breakpoints_and_differentiate_each_interval(coeffs, a):
    a = sp.Rational(a.numerator, a.denominator)
    p = sum(c * x**i for i, c in enumerate(coeffs))
    f = Loss("f", sp.Piecewise((p, x < a), (sp.Abs(x - a) ** 3 + p, True)))
    d = f.derivative(2)
    assert d.table.points == f.table.points
    for iv, div in zip(f.table.intervals, d.table.intervals):
        assert sp.expand(sp.diff(iv.expr, x, 2) - div.expr) == 0
