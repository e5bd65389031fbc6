"""The seed derivation's equations (1)-(6), reproduced from the library piece by piece.

L2(x) = x^2 (1), L1(x) = |x| (2), smooth_L1(x) = 0.5x^2 if |x| < 1 else |x| - 0.5 (3);
dL2/dx = 2x (4), dL1/dx = 1 if x >= 0 else -1 (5), dsmooth_L1/dx = x if |x| < 1 else ±1 (6).
"""

from __future__ import annotations

import sympy as sp

from lossmath import get_loss, x

half = sp.Rational(1, 2)


def exprs(loss):
    return [(iv.lo, iv.hi, iv.expr) for iv in loss.table.intervals]


def test_eq1_l2_is_x_squared():
    assert exprs(get_loss("l2")) == [(-sp.oo, sp.oo, x**2)]


def test_eq2_l1_is_abs_x_with_a_kink_at_0():
    l1 = get_loss("l1")
    assert l1.expr == sp.Abs(x)
    assert exprs(l1) == [(-sp.oo, 0, -x), (0, sp.oo, x)]


def test_eq3_smooth_l1_at_beta_1():
    f = get_loss("smooth_l1").subs(beta=1)
    assert exprs(f) == [(-sp.oo, -1, -x - half), (-1, 1, x**2 / 2), (1, sp.oo, x - half)]
    # as written: 0.5x^2 if |x| < 1, |x| - 0.5 otherwise
    assert f.expr.args[0][0] == x**2 / 2 and f.expr.args[1][0] == sp.Abs(x) - half


def test_eq4_l2_derivative_is_2x():
    assert exprs(get_loss("l2").derivative()) == [(-sp.oo, sp.oo, 2 * x)]


def test_eq5_l1_derivative_is_plus_minus_one():
    d = get_loss("l1").derivative()
    assert exprs(d) == [(-sp.oo, 0, -1), (0, sp.oo, 1)]
    # The seed takes 1 at x = 0 (one subgradient); lossmath states sign(0) = 0, as torch does.
    assert d(0) == 0


def test_eq6_smooth_l1_derivative_is_x_inside_and_pm1_outside():
    d = get_loss("smooth_l1").subs(beta=1).derivative()
    assert exprs(d) == [(-sp.oo, -1, -1), (-1, 1, x), (1, sp.oo, 1)]
    assert d.expr.args[1][0] == sp.sign(x)  # "±1 otherwise", as written
    assert (d(-1), d(1)) == (-1, 1)
