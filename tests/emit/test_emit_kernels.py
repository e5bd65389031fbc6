"""The stable primitives' kernels (lossmath/emit/kernels/), called directly, against mpmath.

Truth: each primitive's textbook definition (``Primitive.elementary()``, the formula the
rewrite stage proves equal to what the user wrote) evaluated by mpmath at 60 digits on the
exact float input. The points span |u| from 1e-300 to 1e300 and include, per kernel, a point
where the naive formula in float64 is wrong by far more than the bound (overflow to inf or
nan, or total cancellation): the test asserts that too, so it tells a stable kernel from a
naive one. Bounds are the measured maxima rounded up (float64 <= 2 ulp; float32, computed in
float64 and rounded once, <= 1 ulp).
"""

from __future__ import annotations

import functools
import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from lossmath.emit.kernels import array_kernels, numba_kernels, numpy_kernels
from lossmath.emit.lower import PRIMITIVES
from lossmath.numerics import primitives as P

_u, _q = sp.symbols("u q", real=True)
#: name -> (the primitive applied to u (and q), q's value, the domain: "all" or "nonneg")
CASES = {
    "softplus": (P.softplus(_u), None, "all"),
    "sigmoid": (P.sigmoid(_u), None, "all"),
    "sech": (sp.sech(_u), None, "all"),
    "logcosh": (P.logcosh(_u), None, "all"),
    "hypotm": (P.hypotm(_u, _q), 1.0, "all"),
    "hypotm1": (P.hypotm1(_u, _q), 1.0, "all"),
    "hypotm2": (P.hypotm2(_u, _q), 1.0, "all"),
    "log1p_sq": (P.log1p_sq(_u, _q), 0.5, "all"),
    "entr1p": (P.entr1p(_u), None, "nonneg"),
    "xmlog1p": (P.xmlog1p(_u), None, "nonneg"),
    "sinhmx": (P.sinhmx(_u), None, "all"),
    # q: a residual a bit larger than u = -700 rounded has (|u| eps = 1.6e-13)
    "expdd": (P.expdd(_u, _q), 1e-12, "all"),
}

#: where the naive formula fails in float64 (the kernel must not)
NAIVE = {
    "softplus": (800.0, lambda u: math.log(1 + math.exp(u) if u < 709 else math.inf)),
    "sigmoid": (-800.0, lambda u: 1 / (1 + math.exp(-u) if u > -709 else math.inf) or math.nan),
    # 1/cosh(u) is 0 where cosh overflows (|u| > 710.5), sech(711) is 3.3e-309 (subnormal)
    "sech": (711.0, lambda u: 1 / math.cosh(u) if abs(u) < 710 else 0.0),
    "logcosh": (1000.0, lambda u: math.log(math.cosh(u)) if abs(u) < 710 else math.inf),
    "hypotm": (1e-9, lambda u: math.sqrt(u * u + 1.0) - 1.0),
    "hypotm1": (1e200, lambda u: u / math.sqrt(u * u + 1.0) if u < 1e154 else 0.0),
    "hypotm2": (1e-9, lambda u: 1.0 / (u * u + 1.0) ** 1.5 - 1e-12),  # checked for value
    "log1p_sq": (1e200, lambda u: math.log(1 + 0.5 * u * u) if u < 1e154 else math.inf),
    "entr1p": (1e-9, lambda y: (1 + y) * math.log1p(y) - y),
    "xmlog1p": (1e-9, lambda y: y - math.log1p(y)),
    "sinhmx": (1e-6, lambda u: math.sinh(u) - u),
    "expdd": (50.0, lambda u: math.exp(u)),  # the residual dropped: 4500 ulp
}


def _points(domain: str) -> list[float]:
    mags = [0.0, *(10.0 ** k for k in range(-300, 301, 15)), *np.linspace(0.01, 40, 41)]
    mags += [v for v, _ in NAIVE.values()] + [0.5, 1.0, 2.0, 3.0, 4.999, 5.0, 5.001, 17.9, 18.1]
    pts = sorted(set(abs(m) for m in mags))
    return pts if domain == "nonneg" else sorted(set(pts + [-p for p in pts]))


@functools.cache
def _definition(name: str):
    expr, _, _ = CASES[name]
    e = expr.elementary() if isinstance(expr, P.Primitive) else 1 / sp.cosh(_u)
    return sp.lambdify([_u, _q], e, "mpmath")


def _truth(name: str, u: float, dtype) -> mpmath.mpf:
    """The definition at ``u`` (and q rounded to dtype), at 60 digits plus 2 per decade of
    |u| below 1 (sqrt(1 + u**2) - 1 and (1 + y)*log1p(y) - y cancel about that much) or
    ``|u|/2.3`` more for large |u| (exp(-|u|) beside 1)."""
    _, q, _ = CASES[name]
    extra = 0 if u == 0 or abs(u) >= 1 else int(-2 * math.log10(abs(u))) + 10
    if 100 < abs(u) < 1e4:  # log(1 + exp(-711)) needs 309 digits for 1 + 1.6e-309
        extra = int(abs(u) / 2.3)
    with mpmath.workdps(60 + extra):
        qv = mpmath.mpf(float(dtype(q))) if q is not None else mpmath.mpf(1)
        return +_definition(name)(mpmath.mpf(u), qv)


def _ulps(r: float, t: mpmath.mpf, dtype) -> float:
    info = np.finfo(dtype)
    # in mpf: float(info.max)*(1 + eps) is inf in float, so a finite t beyond it (exp(1e300))
    # would be compared with inf
    if mpmath.isinf(t) or abs(t) > mpmath.mpf(float(info.max)) * (1 + mpmath.mpf(float(info.eps))):
        return 0.0 if math.isinf(r) and (r > 0) == (t > 0) else math.inf
    if not math.isfinite(r):
        return math.inf
    rounded = dtype(float(t))
    spacing = float(np.spacing(np.abs(rounded))) if rounded != 0 else float(info.smallest_subnormal)
    return float(abs(mpmath.mpf(r) - t) / spacing)


def _worst(name: str, kernel, dtype) -> float:
    _, q, domain = CASES[name]
    with np.errstate(all="ignore"):
        pts = [float(dtype(p)) for p in _points(domain)]
        pts = [p for p in pts if math.isfinite(p)]
        xs = np.array(pts, dtype=dtype)
        r = kernel(xs) if q is None else kernel(xs, float(dtype(q)))
    assert r.dtype == dtype
    return max(_ulps(float(v), _truth(name, p, dtype), dtype) for v, p in zip(r, pts))


def test_every_primitive_of_the_lowering_has_a_kernel_in_every_target():
    ops = set(PRIMITIVES.values())
    assert set(numpy_kernels.KERNELS) == ops == set(numba_kernels.KERNELS)
    assert set(array_kernels.KERNELS) == ops == set(CASES)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_kernel_is_within_its_ulp_bound_of_mpmath(name, dtype):
    bound = 2.0 if dtype == np.float64 else 1.0
    assert _worst(name, numpy_kernels.KERNELS[name], dtype) <= bound


@pytest.mark.parametrize("name", sorted(CASES))
def test_numba_kernel_as_python_is_within_2_ulp_of_mpmath(name):
    """The numba kernels are scalar float64 code; here ``_jit`` is the identity. Python's
    math raises OverflowError where the compiled C call returns inf (cosh(1e300) in sech):
    those points are left out, and they are only sech's."""
    fn = numba_kernels.KERNELS[name]
    _, q, domain = CASES[name]
    worst, raised = 0.0, 0
    for p in _points(domain):
        try:
            r = fn(p) if q is None else fn(p, q)
        except OverflowError:
            raised += 1
            continue
        worst = max(worst, _ulps(r, _truth(name, p, np.float64), np.float64))
    assert worst <= 2.0
    assert raised == 0 or name == "sech"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CASES))
def test_array_kernel_on_numpy_is_within_its_ulp_bound_of_mpmath(name, dtype):
    array_api_compat = pytest.importorskip("array_api_compat")
    xp = array_api_compat.array_namespace(np.zeros(1))
    fn = array_kernels.KERNELS[name]
    bound = 2.0 if dtype == np.float64 else 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy reports overflow to inf
        assert _worst(name, lambda xs, *a: fn(xp, xs, *a), dtype) <= bound


@pytest.mark.parametrize("name", sorted(NAIVE))
def test_the_points_tell_a_stable_kernel_from_the_naive_formula(name):
    """At the listed point the naive float64 formula is off by far more than the bound,
    while the kernel is within it: the ulp tests above would catch a naive kernel."""
    u, naive = NAIVE[name]
    _, q, _ = CASES[name]
    t = _truth(name, u, np.float64)
    with np.errstate(all="ignore"):
        xs = np.array([u])
        k = numpy_kernels.KERNELS[name](xs) if q is None else numpy_kernels.KERNELS[name](xs, q)
    assert _ulps(float(k[0]), t, np.float64) <= 2.0
    if name != "hypotm2":  # the naive form is stable: no claim
        try:
            bad = naive(u)
        except (OverflowError, ValueError):
            bad = math.nan
        assert _ulps(bad, t, np.float64) > 1e3


def test_numba_thresholds_written_as_numbers_are_numpys():
    """The numba kernels carry float64 thresholds as literals; each equals what the numpy
    kernels compute from np.finfo(float64)."""
    src = numba_kernels.source("___sech( ___logcosh( ___norm( ___hypotm2( ___log1p_sq( "
                               "___entr1p( ___xmlog1p( ___sinhmx(")
    f64 = np.finfo(np.float64)
    assert repr(-0.5 * math.log(float(f64.eps))) in src
    assert repr(1.0 - 0.5 * math.log(float(f64.eps))) in src
    assert repr(float(f64.tiny)) in src
    assert repr(math.log(float(f64.max)) + math.log(2.0)) in src  # sinh overflows beyond
    assert repr(2.0 ** ((int(f64.maxexp) - 8) // 3)) in src
    assert repr(2.0 ** ((int(f64.maxexp) - 4) // 2)) in src
    entr = math.ceil(math.log(float(f64.eps)) / math.log(25.0 / 49.0))
    xml = math.ceil(math.log(float(f64.eps)) / math.log(0.36))
    assert f"1.0 / {2 * entr + 3}" in src and f"range({entr - 1}, -1, -1)" in src
    assert f"1.0 / {2 * xml + 3}" in src and f"range({xml - 1}, -1, -1)" in src


def test_pasted_kernel_text_is_the_function_source():
    import inspect

    text = numpy_kernels.source("__softplus(")
    assert inspect.getsource(numpy_kernels.KERNELS["softplus"]) in text
    assert "def __wide(" in text
