"""The generated functions agree with the interval tables evaluated by mpmath at 50 digits.

Every catalog loss and every loss in ``EXTRA`` (which exercise the generic masked path), with
several parameter values, at random points, at 0 and +-0.0, at +-1e-300, +-1e300, +-inf and NaN,
exactly at every breakpoint and at its floating-point neighbours on both sides: the value, the
gradient, the second derivative and value_and_grad, within a few ulp in float64, with the
input's dtype kept in float32 and float16. Gradients also agree with central differences of
the generated value (hypothesis), away from breakpoints.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.support.codegen import (
    EXTRA,
    PARAMS,
    loss_named,
    reference,
    special_points,
    ulps,
    write_and_load,
)

CATALOG = ["l2", "l1", "smooth_l1", "huber"]
NAMES = CATALOG + list(EXTRA)

#: Worst ulp error allowed in float64. The catalog's fast forms are within 2 ulp (a clip, or
#: g*(x - k*g): a handful of correctly rounded operations); the generic path's log/exp/sqrt
#: compositions go through numpy's libm-grade functions, several per expression.
TOL64 = {name: 2.0 for name in CATALOG} | {name: 8.0 for name in EXTRA}
#: Worst relative error in units of the dtype's eps, for float32 (computed in float32, with
#: parameters rounded to float32) and for float16 (computed in float32, rounded once).
TOL32, TOL16 = 8.0, 1.0


@pytest.fixture(scope="module")
def mod(tmp_path_factory):
    return write_and_load(
        tmp_path_factory.mktemp("gen"), [loss_named(n) for n in NAMES]
    )


def _points(name, params, dtype, rng):
    pts = special_points(name, params, dtype)
    pts += list(rng.normal(0, 3, 60)) + list(rng.normal(0, 30, 20))
    pts += list(np.exp(rng.uniform(-600, 600, 20)) * rng.choice([-1, 1], 20))
    with np.errstate(over="ignore", under="ignore"):
        return np.array(pts, dtype=dtype)


def _functions(mod, name):
    return [getattr(mod, name), getattr(mod, f"{name}_grad"), getattr(mod, f"{name}_hess")]


#: Formulas that are ill-conditioned as written, whatever code evaluates them: log(cosh(x))
#: (a log near 1) and its 1 - tanh(x)**2, sqrt(1 + t**2) - 1 and 1 - (1 - u)**3 near 0,
#: exp(-x**2/2) for large x (exp amplifies the rounding of its argument by x**2/2), sinc's
#: derivatives (cos(x)/x - sin(x)/x**2) near 0. The numerics stage rewrites most of these
#: (``tests/support/ulp_harness.py`` holds them to 4/8 ulp); this older check stays independent of
#: it and tolerant of the formulas as written: for these orders it allows an
#: absolute error of 8 working-precision eps times ``scale(x, params, |exact|)``, the size of
#: the terms that cancel (or of the amplified error), on top of the ulp tolerance.
CONDITION = {
    "logcosh_pw": {0: lambda x, p, r: 1 + abs(x), 2: lambda x, p, r: 1},
    "pseudo_huber": {0: lambda x, p, r: p["delta"] * (p["delta"] + abs(x))},
    "tukey": {
        0: lambda x, p, r: p["c"] ** 2,
        1: lambda x, p, r: abs(x) + 1,
        2: lambda x, p, r: x * x / p["c"] ** 2 + 1,
    },
    "welsch": {
        0: lambda x, p, r: x * x * r,
        1: lambda x, p, r: x * x * r,
        2: lambda x, p, r: (x * x + 1) ** 2 * mpmath.exp(-x * x / 2),
    },
    "sinc": {
        1: lambda x, p, r: 1 / abs(x) + 1 / x**2,
        2: lambda x, p, r: 1 / abs(x) + 2 / x**2 + 2 / abs(x) ** 3,
    },
}


def _extra(name, order, xv, params, ref, dtype):
    """Extra ulp allowed for an ill-conditioned formula; None where the formula's own terms
    overflow the working precision (x**2 in welsch beyond sqrt(max), 1/x**3 in sinc'')."""
    work = np.float32 if dtype == np.float16 else dtype
    big = float(np.finfo(work).max)
    if not isinstance(ref, mpmath.mpf) or not 0 < abs(xv) < math.inf:
        return 0.0
    if name == "welsch" and abs(xv) > math.sqrt(big):
        return None
    if name == "sinc" and order and abs(xv) < 1e3 * big ** (-1 / 3):
        return None
    scale = CONDITION.get(name, {}).get(order)
    if scale is None:
        return 0.0
    with mpmath.workdps(30):
        if ref == 0:
            return math.inf
        x = mpmath.mpf(xv)
        err = 8 * scale(x, params, abs(ref)) * float(np.finfo(work).eps)
        return float(err / (abs(ref) * float(np.finfo(dtype).eps)))


def _check(name, params, order, xs, got, dtype, tol):
    """Every element within ``tol`` ulp (plus the formula's condition) of the table's value,
    the breakpoints located in the working dtype (float32 for float16)."""
    assert got.dtype == dtype, (name, order, got.dtype)
    work = np.float32 if dtype == np.float16 else dtype
    worst, where = 0.0, None
    for xv, gv in zip(xs.tolist(), got.tolist()):
        ref = reference(name, order, xv, params, work)
        extra = _extra(name, order, xv, params, ref, dtype)
        if extra is None:  # past where the formula's own terms overflow
            continue
        err = ulps(gv, ref, dtype) - extra
        if err > worst:
            worst, where = err, (xv, gv, ref)
    assert worst <= tol, f"{name} order {order} {params}: {worst} ulp at x, got, exact = {where}"
    return worst


@pytest.mark.parametrize("name", NAMES)
def test_float64_is_within_a_few_ulp_everywhere(mod, name):
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for params in PARAMS[name]:
        xs = _points(name, params, np.float64, rng)
        for order, f in enumerate(_functions(mod, name)):
            _check(name, params, order, xs, f(xs, **params), np.float64, TOL64[name])
        value, grad = getattr(mod, f"{name}_value_and_grad")(xs, **params)
        assert np.array_equal(value, _functions(mod, name)[0](xs, **params), equal_nan=True)
        assert np.array_equal(grad, _functions(mod, name)[1](xs, **params), equal_nan=True)


@pytest.mark.parametrize("dtype, tol", [(np.float32, TOL32), (np.float16, TOL16)])
@pytest.mark.parametrize("name", NAMES)
def test_narrow_floats_keep_their_dtype_and_precision(mod, name, dtype, tol):
    rng = np.random.default_rng(7)
    # eps-relative tolerance: float16's 1/2 ulp rounding of a float32 result, float32's
    # few operations; expressed in ulps of the dtype by ulps() itself
    for params in PARAMS[name][:2]:
        small = {k: float(dtype(v)) for k, v in params.items()}
        xs = _points(name, small, dtype, rng)
        xs = xs[np.isfinite(xs) | np.isnan(xs) | np.isinf(xs)]
        for order, f in enumerate(_functions(mod, name)):
            _check(name, small, order, xs, f(xs, **small), dtype, tol + TOL64[name])


def test_breakpoint_conventions_hold_bit_for_bit(mod):
    for dtype in (np.float64, np.float32, np.float16):
        # float16 is computed in float32: its breakpoints must be float16 numbers
        for beta in (1.0, 0.5, 2.0, 3.0, 49.0) + ((0.1,) if dtype != np.float16 else ()):
            b = dtype(beta)
            xs = np.array([-b, b], dtype=dtype)
            assert mod.smooth_l1_grad(xs, beta=beta).tolist() == [-1.0, 1.0]
            assert mod.smooth_l1_hess(xs, beta=beta).tolist() == [0.0, 0.0]
            _, g = mod.smooth_l1_value_and_grad(xs, beta=beta)
            assert g.tolist() == [-1.0, 1.0]
        for delta in (1.0, 0.5, 2.0) + ((1.345,) if dtype != np.float16 else ()):
            d = dtype(delta)
            xs = np.array([-d, d], dtype=dtype)
            assert mod.huber_hess(xs, delta=delta).tolist() == [1.0, 1.0]
            assert mod.huber_grad(xs, delta=delta).tolist() == [float(-d), float(d)]
        zeros = np.array([0.0, -0.0], dtype=dtype)
        assert mod.l1_grad(zeros).tolist() == [0.0, 0.0]
        assert mod.l1_hess(zeros).tolist() == [0.0, 0.0]
        assert mod.l1(zeros).tolist() == [0.0, 0.0]
        assert not np.signbit(mod.l1(zeros)).any()
    # the owner of sinc's x = 0 is its own piece, 1, although sin(x)/x is 0/0 there
    assert mod.sinc(0.0) == 1.0 and mod.sinc_grad(0.0) == 0.0


def test_nan_gives_nan_in_every_function_and_dtype(mod):
    for name in NAMES:
        params = PARAMS[name][0]
        for dtype in (np.float16, np.float32, np.float64):
            xs = np.array([np.nan, 1.0, np.nan], dtype=dtype)
            for f in _functions(mod, name):
                got = f(xs, **params)
                assert np.isnan(got[[0, 2]]).all() and not np.isnan(got[1]), (name, f.__name__)


def test_infinities_give_the_limits(mod):
    inf = np.array([-np.inf, np.inf])
    expect = {
        "smooth_l1": ([np.inf, np.inf], [-1, 1], [0, 0]),
        "huber": ([np.inf, np.inf], [-1, 1], [0, 0]),
        "l1": ([np.inf, np.inf], [-1, 1], [0, 0]),
        "l2": ([np.inf, np.inf], [-np.inf, np.inf], [2, 2]),
        "welsch": ([1, 1], [0, 0], [0, 0]),
        "sinc": ([0, 0], [0, 0], [0, 0]),
    }
    for name, values in expect.items():
        for f, want in zip(_functions(mod, name), values):
            assert f(inf).tolist() == [float(v) for v in want], f.__name__
    assert mod.huber_grad(inf, delta=2.5).tolist() == [-2.5, 2.5]


# -- gradients are derivatives: central differences away from breakpoints ----------------


def _fd_case(name):
    loss = loss_named(name)
    return loss, [float(b.at.xreplace({p.symbol: PARAMS[name][0][p.name] for p in loss.params}))
                  for b in loss.table.breakpoints]


@pytest.mark.slow  # generative (hypothesis)
@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    xv=st.floats(-40, 40, allow_nan=False),
    scale=st.sampled_from([0.25, 1.0, 3.0]),
)
def test_gradient_and_hessian_match_central_differences(mod, name, xv, scale):
    loss, points = _fd_case(name)
    params = {k: v * scale if name in ("smooth_l1", "huber") else v
              for k, v in PARAMS[name][0].items()}
    points = [b * scale if name in ("smooth_l1", "huber") else b for b in points]
    h = 1e-5 * max(1.0, abs(xv))
    assume(all(abs(xv - b) > 100 * h for b in points))
    f, df, d2f = _functions(mod, name)
    xs = np.array([xv - h, xv + h])
    fd1 = (f(xs, **params) @ [-1, 1]) / (2 * h)
    fd2 = (df(xs, **params) @ [-1, 1]) / (2 * h)
    # central differences are O(h^2) accurate, with cancellation error eps*|f|/h
    scale1 = abs(float(f(xv, **params))) + abs(float(df(xv, **params)))
    assert math.isclose(float(df(xv, **params)), fd1, rel_tol=1e-6, abs_tol=1e-8 * (1 + scale1))
    scale2 = abs(float(df(xv, **params))) + abs(float(d2f(xv, **params)))
    assert math.isclose(float(d2f(xv, **params)), fd2, rel_tol=1e-5, abs_tol=1e-7 * (1 + scale2))
