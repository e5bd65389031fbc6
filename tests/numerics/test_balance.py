"""Balancing products against overflow (lossmath.numerics.balance) as theorems: every form it
gives is the product it was given (checked numerically by mpmath at 60 digits at random
points and parameters, not by the sympy proof the search uses), and a balanced product does not
overflow where its value is a float (computed operation by operation as the printers lower it,
against mpmath)."""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lossmath import x
from lossmath.emit.lower import LOWERED
from lossmath.numerics.balance import balanced, normalised
from lossmath.numerics.primitives import elementary

D = sp.Symbol("d", positive=True)
H = sp.Rational(1, 2)
#: products of powers of x and of a quadratic in x, as differentiation in a parameter writes
#: them (pseudo-Huber, Charbonnier, Cauchy), and sums that cancel near 0
PRODUCTS = [
    x**3 / (D**2 + x**2) ** (3 * H),
    -D * x / (D**2 + x**2) ** (3 * H),
    3 * D**2 * x**2 / (sp.sqrt(D**2 + x**2) * (D**4 + 2 * D**2 * x**2 + x**4)),
    x**2 / (D * (1 + x**2 / D**2)),
    x**5 / (4 * D**2 + 9 * x**2) ** 3,
]
SUMS = [2 * D * (sp.sqrt(1 + x**2 / D**2) - 1) - x**2 / (D * sp.sqrt(1 + x**2 / D**2))]


@functools.cache
def _mp(e: sp.Expr):
    return sp.lambdify((x, D), elementary(e), modules="mpmath")


@functools.cache
def _forms(e: sp.Expr) -> tuple:
    return tuple(balanced(e) if e in PRODUCTS else normalised(e))


def _at(e: sp.Expr, xv, dv):
    f = _mp(e)
    with mpmath.workdps(60):
        return f(mpmath.mpf(xv), mpmath.mpf(dv))


@settings(max_examples=30, deadline=None)
@given(st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-6), st.floats(1e-3, 1e3))
def test_every_balanced_and_normalised_form_is_the_expression(xv, dv):
    for e in PRODUCTS + SUMS:
        forms = _forms(e)
        assert forms, e
        want = _at(e, xv, dv)
        for f in forms:
            got = _at(f, xv, dv)
            with mpmath.workdps(60):
                assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** -40, (e, f, xv, dv)


def test_a_product_not_of_powers_of_x_and_a_quadratic_is_left_alone():
    assert balanced(x * sp.exp(x)) == []
    assert balanced(x**3 / (D + x) ** 3) == []  # no norm: a linear base
    assert balanced(x**2 + 1) == []
    assert normalised(sp.log(1 + x**2) - x**2) == []


def test_the_balanced_product_does_not_overflow_where_the_written_one_does():
    """x**3/(d**2 + x**2)**(3/2) at d = 1.5 from 1e-300 to 1e300 (float64), both computed as
    the printers lower them: the written form is inf or nan beyond 5.6e102 (x**3 overflows, the
    denominator too); the balanced one within 2 ulp of mpmath everywhere."""
    e = PRODUCTS[0]
    (b,) = balanced(e)
    xs = np.logspace(-300, 300, 121)
    params = {D: sp.Rational(3, 2)}
    written = LOWERED(e, xs, params)
    good = LOWERED(b, xs, params)
    assert not np.isfinite(written[xs > 1e103]).any()
    with mpmath.workdps(50):
        for v, g in zip(xs.tolist(), good.tolist()):
            w = _at(e, v, 1.5)
            if abs(w) < mpmath.mpf(10) ** -300:
                continue
            assert abs(mpmath.mpf(g) - w) <= 2 * abs(w) * mpmath.mpf(2) ** -52, (v, g, w)
