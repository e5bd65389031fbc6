"""The measured search (lossmath.numerics.measure, candidates, search, series) as theorems:
the measurement agrees with an independent mpmath computation, every identity it proposes is
an identity (checked numerically by mpmath at 50 digits, not by the sympy proof the search
uses), every form it keeps is proved equal to the piece or is a Taylor polynomial whose
truncation bound holds at random points, and what it keeps is accurate where the naive
form is not."""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.codegen.cfunctions import expm1, log1p

from lossmath import x
from lossmath.numerics.candidates import alternatives
from lossmath.numerics.measure import errors, evaluate, sample, truth
from lossmath.numerics.primitives import (
    elementary,
    hypotm2,
    logcosh,
    sigmoid,
    sinhmx,
    softplus,
)
from lossmath.numerics.regimes import single
from lossmath.numerics.rewrite import proved_equal
from lossmath.numerics.search import Domain, failures, search
from lossmath.numerics.series import LADDER, truncation_bound

LINE = Domain(((-math.inf, math.inf),))

#: nodes the identities apply to, each with some failure as written
NODES = (
    sp.exp(x) - 1,
    3 * sp.exp(-x / 2) - 3,
    sp.cosh(x) - 1,
    sp.cosh(2 * x) - sp.Rational(1, 2),
    1 - 1 / sp.cosh(x),
    1 - sp.tanh(x) ** 2,
    sp.tanh(x / 3) ** 2 - 1,
    sp.sech(x) ** 2 - 1,
    sp.exp(x) + sp.exp(-x),
    sp.log(2 + x**2),
    sp.log(2 * sp.cosh(x)) - sp.log(2),
    sigmoid(x) - sp.Rational(1, 2),
    softplus(x) - x,
    sp.sqrt(1 + sp.Abs(x)) - 1,
    sp.sqrt(x**2 + 4) - 2,
    1 - 1 / (1 + x**2),
    sp.sinh(x) / sp.cosh(x) ** 2,
    sp.sinh(x) ** 2 / sp.cosh(x) ** 3,
    sp.log(1 + sp.sinh(x) ** 2),
    (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)),
    softplus(-x) + x / 2 - sp.log(2),
    4 * x**3 * sp.exp(-(x**4)),
    (sp.exp(2 * x) - 1) / (sp.exp(2 * x) + 1),
    4 * sp.exp(2 * x) / (sp.exp(4 * x) + 2 * sp.exp(2 * x) + 1),
    x**2 / sp.sqrt(1 + x**2),
    sp.cosh(x) / 2,
    sp.exp(x) / 4,
    sp.sinh(x) / 3,
    1 / sp.cosh(x) ** 2,
    logcosh(3 * x),
    (sp.sinh(x / 2) ** 2 + sp.cosh(x / 2) ** 2) / 2,
    x * (x**2 + 2) / (x**2 + 1) ** sp.Rational(3, 2),
    4 * x**2 * (3 - 4 * x**4) * sp.exp(-(x**4)),
    x**2 / (x**2 + sp.Rational(1, 1000)),
    1000 * hypotm2(x, 1000),
    x * sp.sech(x) ** 2 - sp.tanh(x),
)


@functools.cache
def _alternatives(node: sp.Expr) -> tuple[sp.Expr, ...]:
    return tuple(alternatives(node))  # once per node, not once per example (trigsimp)


def _mp(e: sp.Expr):
    return sp.lambdify(x, elementary(e), "mpmath")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v=st.floats(-30, 30, allow_nan=False))
def test_every_proposed_alternative_is_an_identity(v):
    """Each alternative of each node equals the node at x = v (mpmath, 50 digits): the
    identities are real ones, whatever the proof step later says."""
    with mpmath.workdps(50):
        for node in NODES:
            want = _mp(node)(mpmath.mpf(v))
            for alt in _alternatives(node):
                try:
                    got = _mp(alt)(mpmath.mpf(v))
                except ZeroDivisionError:
                    # undefined at this point (x*sign(x)/sqrt(1 + x**-2) at 0): an identity
                    # where both are defined, used as a regime away from the point
                    continue
                assert abs(got - want) <= mpmath.mpf(10) ** -40 * (1 + abs(want)), (node, alt)


def test_every_node_gets_an_alternative():
    for node in NODES:
        assert alternatives(node), node


def test_measured_error_of_a_cancelling_form_agrees_with_mpmath():
    """``cosh(x) - 1`` in float64 at 1e-9 is 0 (all digits lost), ``2*sinh(x/2)**2`` is
    within 2 ulp; the errors computed here agree with a direct mpmath comparison."""
    xs = np.array([1e-9, 1e-3, 0.5, 3.0])
    exact = truth(sp.cosh(x) - 1, xs)
    naive = evaluate(sp.cosh(x) - 1, xs)
    good = evaluate(2 * sp.sinh(x / 2) ** 2, xs)
    e_naive, _ = errors(naive, exact, np.float64)
    e_good, _ = errors(good, exact, np.float64)
    assert naive[0] == 0.0 and e_naive[0] > 1e6
    assert max(e_good) <= 2.0  # sinh, the square and the doubling: three roundings
    with mpmath.workdps(60):  # independent: 60 digits, no convergence loop
        ref = mpmath.cosh(mpmath.mpf(1e-9)) - 1
        spacing = float(np.spacing(np.float64(float(ref))))
        assert abs(float(abs(mpmath.mpf(good[0]) - ref)) / spacing - e_good[0]) < 1e-6


def test_overflowing_quotient_is_counted_spurious():
    xs = np.array([1.0, 800.0])
    exact = truth(sp.sinh(x) / sp.cosh(x) ** 2, xs)
    _, spurious = errors(evaluate(sp.sinh(x) / sp.cosh(x) ** 2, xs), exact, np.float64)
    assert spurious == 1


@pytest.mark.parametrize(
    "node, at",
    [(sp.cosh(x) / 2, 711.0), (sp.exp(x) / 4, 710.5), (-sp.sinh(x) / 3, -710.9),
     ((1 - 2 * sp.tanh(x) ** 2) / sp.cosh(x), 711.0), (1 / sp.cosh(x), 711.0),
     (logcosh(3 * x) / 9, 1.7e308), (x * (x**2 + 2) / (x**2 + 1) ** sp.Rational(3, 2), 1e200),
     (4 * x**2 * (3 - 4 * x**4) * sp.exp(-(x**4)), 1e100),
     (x**2 / (x**2 + sp.Rational(1, 1000)), 1.974267747441722e-161)],
    ids=str,
)
def test_a_variant_is_finite_and_accurate_where_the_node_overflows(node, at):
    """Where the node as written overflows to inf or underflows early to 0 (cosh(711) is inf,
    cosh(x)/2 is 1.5e308; 1/cosh(711) is 0, sech(711) 3.3e-309; 3*x is inf at 1.7e308; a
    cube of a quadratic, x**4*exp(-x**4) = inf*0; x**2 a subnormal before the quotient), some
    variant (an alternative at one of its nodes) is within 2 ulp of mpmath in float64 (the
    halved argument, sech, logcosh's linear form) and the node is not."""
    from lossmath.numerics.search import _variants

    xs = np.array([at])
    exact = truth(node, xs)
    naive, _ = errors(evaluate(node, xs), exact, np.float64)
    assert naive[0] > 100  # 109 ulp for the subnormal square, inf or 1e15 for the others
    best = min(errors(evaluate(v, xs), exact, np.float64)[0][0] for v in _variants(node))
    assert best <= 2.0


@pytest.mark.slow  # three proofs by simplify: 5 s
def test_a_proof_with_abs_is_by_the_sign_of_x():
    """``|x| - log 2 + log1p(exp(-2|x|)) = log(cosh(x))`` is proved (on x > 0, x < 0 and at 0
    separately); changing one ``|x|`` to ``x`` makes a function that differs for x < 0, which
    is not proved."""
    a = sp.Abs(x)
    assert proved_equal(a - sp.log(2) + log1p(sp.exp(-2 * a)), sp.log(sp.cosh(x)))
    assert not proved_equal(a - sp.log(2) + log1p(sp.exp(-2 * x)), sp.log(sp.cosh(x)))
    assert not proved_equal(a * sp.sign(x) + 1, x)


def test_an_unevaluated_square_survives_its_replacement_in_a_sum():
    """``x**2*exp(-x**2)`` replaced by ``(x*exp(-x**2/2))**2`` inside a sum: the evaluated
    rebuild distributes the square back (x**2 overflows at 1.8e308, and inf*0 is nan), the
    unevaluated one is kept among the variants and is finite there."""
    from lossmath.numerics.search import _variants

    e = -2 * x**2 * sp.exp(-(x**2)) + sp.exp(-(x**2))
    xs = np.array([1.7e308, 1.0])
    good = [v for v in _variants(e) if np.isfinite(evaluate(v, xs)).all()]
    assert good and all(proved_equal(v, e) for v in good)


def test_sample_is_fixed_and_inside_the_interval():
    a = sample(-2.0, 5.0, np.float64)
    assert np.array_equal(a, sample(-2.0, 5.0, np.float64))
    assert a.min() == -2.0 and a.max() == 5.0
    assert np.nextafter(5.0, 0.0) in a
    b = sample(0.0, math.inf, np.float32)
    assert b.dtype == np.float32 and b.min() == 0.0 and np.finfo(np.float32).max in b


@pytest.mark.parametrize(
    "piece",
    [
        sp.cosh(x) - 1,
        1 - 1 / sp.cosh(x),
        sp.sinh(x) / sp.cosh(x) ** 2,
        sp.log(sp.exp(x) + sp.exp(-x)) - sp.log(2),
        1 - 1 / (1 + x**2),
        sp.sqrt(1 + x**2) - 1,
        sp.log(1 + sp.sinh(x) ** 2),
        (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)),
        4 * x**3 * sp.exp(-(x**4)),
        (sp.exp(2 * x) - 1) / (sp.exp(2 * x) + 1),
        4 * sp.exp(2 * x) / (sp.exp(4 * x) + 2 * sp.exp(2 * x) + 1),
        2 * sp.sqrt(1 + sp.Abs(x)) - 2,
        sp.log(1 + sp.exp(x)) - sp.log(2),
        x**2 / sp.sqrt(1 + x**2),
    ],
    ids=str,
)
def test_search_keeps_a_proved_equal_form_within_the_bound(piece):
    found = search(piece, single(piece), LINE)
    assert found.score is not None and found.score.good(), found
    assert found.start is not None and not found.start.good()  # the written form fails
    for regime in found.plan:
        assert proved_equal(regime.expr, piece)


def test_search_keeps_an_accurate_plan_as_it_is():
    plan = single(logcosh(x))
    found = search(sp.log(sp.cosh(x)), plan, LINE)
    assert found.plan == plan and not found.searched


def test_series_regime_for_what_no_identity_fixes():
    """``exp(x) - 1 - x`` cancels near 0 in every closed spelling; the search keeps a Taylor
    polynomial below a threshold, and its error is measured within the bound."""
    piece = sp.exp(x) - 1 - x
    found = search(piece, single(piece), LINE)
    assert found.score.good(), found
    assert len(found.plan) == 2 and found.series is not None
    assert proved_equal(found.plan[1].expr, piece)
    assert found.plan[0].expr.is_polynomial(x)


@settings(max_examples=40, deadline=None)
@given(
    which=st.sampled_from([(sp.exp(x) - 1 - x, 8), (sp.cosh(x) - 1 - x**2 / 2, 8),
                           (sp.log(1 + x) - x, 8), (sp.sin(x) - x, 6)]),
    u=st.floats(1e-6, 1.0) | st.floats(-1.0, -1e-6),
    k=st.integers(4, 14),
)
def test_truncation_bound_holds_at_random_points(which, u, k):
    """Where :func:`truncation_bound` proves ``|f - T| <= b |T|`` on ``|x| <= t``, mpmath
    finds it so at ``x = u*t``."""
    f, n = which
    t = LADDER[k]
    poly = sp.series(f, x, 0, n + 1).removeO()
    b = truncation_bound(f, poly, n, t)
    if b is None or u == 0:
        return
    # 80 digits beyond those the formula cancels (|x|**2 below 1 for exp(x) - 1 - x)
    digits = -float(mpmath.log10(abs(mpmath.mpf(u)) * t.p / t.q))
    with mpmath.workdps(80 + int(3 * max(0.0, digits))):
        xv = mpmath.mpf(u) * t.p / t.q
        fv = sp.lambdify(x, f, "mpmath")(xv)
        tv = sp.lambdify(x, poly, "mpmath")(xv)
        assert abs(fv - tv) <= b * abs(tv) * (1 + mpmath.mpf(10) ** -30)


def test_primitives_are_measured_as_rounded_from_mpmath():
    xs = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    got = evaluate(softplus(x), xs)
    with mpmath.workdps(40):
        want = [float(mpmath.log1p(mpmath.exp(mpmath.mpf(v)))) for v in xs.tolist()]
    assert got.tolist() == want


def test_codegen_functions_are_measured_with_their_numpy_kernels():
    xs = np.array([1e-12, 0.5])
    assert evaluate(expm1(x) + log1p(x), xs).tolist() == (np.expm1(xs) + np.log1p(xs)).tolist()


@pytest.mark.parametrize("text", ["sqrt(x**2 + 1e-12)", "sqrt(x**2 + 1)", "sqrt(x*x + 0.01)"])
def test_a_bare_norm_generates(text):
    """A norm without the constant subtracted used to fail in the limit at +-inf (sympy
    cannot take limits through codegen's hypot); the limits are of the definition now."""
    from lossmath import loss_from_expr
    from lossmath.emit.plan import forms, make_spec

    f0, _, _ = forms(make_spec(loss_from_expr(text, "norm"), {}))
    assert f0 is not None


@pytest.mark.parametrize(
    "piece", [2 * sp.sqrt(1 + sp.Abs(x)) - 2, sp.log(1 + sp.exp(x)) - sp.log(2)], ids=str
)
def test_two_regimes_where_no_single_form_is_accurate(piece):
    """``2*sqrt(1 + |x|) - 2`` cancels near 0 and its conjugate ``4|x|/(2*sqrt(1 + |x|) + 2)``
    overflows at the largest floats; ``softplus(x) - log(2)`` cancels near 0 and ``logcosh(x/2)
    + x/2`` at -1e300: the search splits at a power of 2 found by the measurement, and each
    regime alone measures beyond the bound (the split is needed), each proved equal."""
    found = search(piece, single(piece), LINE)
    assert found.score.good(), found
    assert len(found.plan) == 2 and found.plan[0].upto is not None
    for regime in found.plan:
        assert proved_equal(regime.expr, piece)
        assert not search(piece, single(regime.expr), LINE).start.good()


def test_a_taylor_tail_and_a_split_past_what_both_forms_fail():
    """``(x*sech(x)**2 - tanh(x))/x**3`` (log-cosh's rho'' in r) cancels for |x| below about
    2 as written; ``-sinhmx(2x)/(2 x**3 cosh(x)**2)`` holds there but is 0/0 where x**3
    underflows and inf/inf past sinh's overflow (355): the search splits between them,
    though both fail near 0, and what is left fails only where x**3 underflows. Each regime
    proved equal."""
    piece = (x * sp.sech(x) ** 2 - sp.tanh(x)) / x**3
    found = search(piece, single(piece), LINE, 4.0)
    assert len(found.plan) == 2 and found.plan[0].expr.has(sinhmx), found.plan
    assert found.score < found.start
    for regime in found.plan:
        assert proved_equal(regime.expr, piece)
    left = failures(piece, found.plan, LINE, 4.0)
    assert len(left) and left.max() < 1e-100  # x**3 < 1e-300: subnormal or 0


@pytest.mark.parametrize(
    "text, points",
    [
        # shrunk from the user-form harness: 0 at 3.7e-19 (all digits lost), inf at 1.8e308
        ("2*(sqrt(1 + abs(x)) - 1)", (3.730995887722339e-19, -1e-300, 0.5, 1e300, 1.7e308)),
        # 0 at -1.8e308 (true -log 2); 0.5*x lost near 0
        ("log(1 + exp(x)) - log(2)", (-1.7976931348623157e308, -40.0, 1e-12, -3e-5, 700.0)),
        # nan at 545 (inf/inf in the gradient's exponential quotient)
        ("log(exp(x) + exp(-x)) - log(2)", (545.5594781168514, -800.0, 1e-9, 2.0)),
        # the user-form harness: f', f'' 0 at -711 (true -3.3e-309: 1/cosh underflowed early)
        pytest.param("1 - 1/cosh(x)", (-711.0, 730.0, 1e-9, 3.0), marks=pytest.mark.slow),
        # f'' inf at -711 (cosh(x)/2 as the sum of two squares)
        pytest.param("sinh(x/2)**2", (-711.0, 711.2, 1e-9, 3.0), marks=pytest.mark.slow),
        # f inf at -1.8e308 (3*x overflowed inside logcosh)
        pytest.param("log(cosh(3*x))/9", (-1.7976931348623157e308, 1e300, 1e-9, 3.0),
                     marks=pytest.mark.slow),
    ],
)
def test_generated_numpy_is_accurate_where_the_written_form_fails(tmp_path, text, points):
    """The generated numpy functions (value, gradient, Hessian) at the points where the form
    as written failed, against mpmath at 60 digits of the definition's derivatives: within the
    ulp harness's bounds (4, 4, 8) in float64."""
    from lossmath import loss_from_expr
    from tests.support.codegen import ulps, write_and_load

    loss = loss_from_expr(text, "user")
    mod = write_and_load(tmp_path, [loss])
    exprs = [loss.derivative(n).table.pieces[0][0] for n in range(3)]  # one piece each
    xs = np.array(points)
    for n, (fn, bound) in enumerate(zip((mod.user, mod.user_grad, mod.user_hess), (4, 4, 8))):
        got = fn(xs)
        f = sp.lambdify(x, exprs[n], "mpmath")
        with mpmath.workdps(60 + 700):  # exp(-x) at -1.8e308 underflows in mpmath's range
            for xv, gv in zip(points, got.tolist()):
                assert ulps(gv, f(mpmath.mpf(xv)), np.float64) <= bound, (text, n, xv, gv)
