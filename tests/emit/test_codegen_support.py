"""The helpers of ``tests/support/codegen.py`` discriminate: the reference evaluates the
owner piece at a breakpoint, ulps measures in units of the last place, and the checks
that generated code passes fail for sympy.lambdify."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from lossmath import x
from tests.support.codegen import EXTRA, reference, ulps, write_and_load

# -- the helpers discriminate ---------------------------------------------------------------


def test_reference_owner_value_differs_from_both_sides_for_l1_grad_at_zero():
    assert reference("l1", 1, 0.0, {}) == 0
    assert reference("l1", 1, -1e-300, {}) == -1
    assert reference("l1", 1, 5e-324, {}) == 1


def test_reference_uses_the_outer_piece_of_smooth_l1_at_beta():
    # f'' just inside is 1/beta, at beta it is the linear piece's 0
    assert reference("smooth_l1", 2, 2.0, {"beta": 2.0}) == 0
    assert reference("smooth_l1", 2, float(np.nextafter(2.0, 0)), {"beta": 2.0}) == 0.5


def test_ulps_measures_in_units_of_the_last_place():
    assert ulps(1.0 + 2**-52, mpmath.mpf(1), np.float64) == 1.0
    assert ulps(0.0, mpmath.mpf("1e-400"), np.float64) < 1
    assert ulps(math.inf, mpmath.mpf("1e400"), np.float64) == 0
    assert ulps(1.7e308, mpmath.mpf("1e400"), np.float64) == math.inf
    assert ulps(math.nan, math.nan, np.float64) == 0
    assert ulps(0.0, math.nan, np.float64) == math.inf


def test_naive_lambdify_fails_what_the_generated_code_passes(tmp_path):
    """sympy.lambdify of the same Piecewise warns on an unused branch and promotes float32;
    the same checks pass for the generated module (so they can tell the two apart)."""
    loss = EXTRA["logcosh_pw"]
    naive = sp.lambdify(x, loss.expr, modules="numpy")
    big = np.array([1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning):
            naive(big)
    assert naive(np.array([0.5, 20.0], dtype=np.float32)).dtype == np.float64

    mod = write_and_load(tmp_path, [loss])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = mod.logcosh_pw(big)
    assert ulps(float(got[0]), reference("logcosh_pw", 0, 1000.0, {}), np.float64) <= 1
    assert mod.logcosh_pw(np.array([0.5, 20.0], dtype=np.float32)).dtype == np.float32


def test_a_limit_that_depends_on_a_parameter_exponent_is_refused_not_guessed(capsys):
    """Barron's rho(x, alpha, c) grows like |x|**alpha and its gradient like |x|**(alpha - 1):
    at x -> -oo the gradient tends to -oo, -1/c or 0 as alpha is above, at or below 1 (by
    hand). sympy 1.14 answers -oo*sign(Abs(alpha - 2)) for every alpha; generated code with
    alpha as an argument would return that (or NaN) at +-inf, so it is refused, while a fixed
    alpha generates and gives the limits."""
    import lossmath
    from lossmath import get_loss
    from lossmath.cli.main import main

    with pytest.raises(lossmath.LossError, match="depends on the sign of the exponent"):
        lossmath.compile("barron", target="numpy")
    assert main(["codegen", "barron", "--check", "-o", "/nonexistent/b.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "alpha" in err
    m = lossmath.compile(get_loss("barron").subs(alpha=sp.Rational(1, 2)), target="numpy")
    xs = np.array([-np.inf, np.inf])
    # alpha = 1/2, c = 1: rho = 3*((1 + x**2/(3/2))**(1/4) - 1) grows like |x|**(1/2): oo;
    # the gradient decays like |x|**(-1/2): 0 at both ends.
    assert list(m.barron(xs)) == [np.inf, np.inf]
    assert list(m.barron_grad(xs)) == [0.0, 0.0]
