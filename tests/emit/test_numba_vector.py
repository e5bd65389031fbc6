"""The branch-free kernels of lossmath/emit/kernels/numba_vector.py, compiled as the torch-fused
target compiles them, against mpmath, and vectorised.

Truth: mpmath at 120 bits on the exact float input (``log(cosh u)`` as ``log1p(2*sinh(u/2)**2)``,
which does not cancel); at the special points (+-0, +-inf, NaN, -1, the overflow and underflow
thresholds) numpy's ufuncs. Error in units in the last place of the correctly rounded value.
Bounds are the measured maxima over these tests rounded up: exp and log1p 1 ulp, expm1 2,
tanh 3 (-e/(2 + e) after expm1), logcosh 5 (forward error; where it is largest, near
|u| = 0.35, log cosh moves by 2 ulp between neighbouring floats, so the ulp harness's backward
criterion accepts it at 2.4: tests/emit/test_target_torch_fused.py).
"""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossmath.emit.kernels import numba_vector as V

numba = pytest.importorskip("numba")

TRUTH = {
    "___vexp": (mpmath.exp, np.exp, 1.0),
    "___vexpm1": (mpmath.expm1, np.expm1, 2.0),
    "___vlog1p": (mpmath.log1p, np.log1p, 1.0),
    "___vtanh": (mpmath.tanh, np.tanh, 3.0),
    "___vlogcosh": (lambda u: mpmath.log1p(2 * mpmath.sinh(u / 2) ** 2),
                    lambda u: np.logaddexp(u, -u) - np.log(2.0), 5.0),
}


@pytest.fixture(scope="module")
def loops():
    """name -> a numba loop ``o[i] = kernel(a[i])``, compiled with the generated module's
    flags (error_model="numpy": x/0 is inf)."""
    ns = {"numba": numba, "math": math, "np": np}
    exec(V.source(" ".join(f"{k}(" for k in TRUTH)), ns)  # noqa: S102 - lossmath's own text
    out = {}
    for name in TRUTH:
        src = f"def loop(a, o):\n    for i in range(a.size):\n        o[i] = {name}(a[i])\n"
        exec(src, ns)  # noqa: S102
        out[name] = numba.njit(error_model="numpy")(ns["loop"])
    return out


def _ulps(got: float, exact) -> float:
    if mpmath.isinf(exact) or abs(exact) > np.finfo(np.float64).max:
        return 0.0 if math.isinf(got) and (got > 0) == (exact > 0) else math.inf
    rounded = float(exact)
    spacing = math.ulp(rounded) if rounded != 0 else 5e-324
    return float(abs(mpmath.mpf(got) - exact) / spacing)


def _run(loop, xs: np.ndarray) -> np.ndarray:
    out = np.empty_like(xs)
    loop(xs, out)
    return out


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
small = st.floats(-40.0, 40.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(xs=st.lists(st.one_of(finite, small), min_size=1, max_size=40),
       name=st.sampled_from(sorted(TRUTH)))
def test_each_kernel_is_within_its_ulp_bound_of_mpmath(loops, xs, name):
    truth, _, bound = TRUTH[name]
    if name == "___vlog1p":
        xs = [abs(v) if v < -1 else v for v in xs]  # the domain: x >= -1
    got = _run(loops[name], np.array(xs, dtype=np.float64))
    with mpmath.workprec(120):
        for v, g in zip(xs, got.tolist()):
            assert _ulps(g, truth(mpmath.mpf(v))) <= bound, (name, v, g)


def test_the_bounds_hold_on_a_dense_grid_and_across_the_reduction_boundaries(loops):
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.uniform(-2, 2, 3000), rng.uniform(-40, 40, 2000),
                         np.log(2) * (np.arange(-60, 61) + 0.5),  # k*ln2 +- ln2/2: k changes
                         10.0 ** rng.uniform(-300, 2.8, 2000),
                         -(10.0 ** rng.uniform(-300, 2.8, 2000))])
    for name, (truth, _, bound) in TRUTH.items():
        pts = np.where(xs < -1, -xs, xs) if name == "___vlog1p" else xs
        got = _run(loops[name], pts)
        with mpmath.workprec(120):
            worst = max(_ulps(g, truth(mpmath.mpf(v))) for v, g in zip(pts.tolist(), got.tolist()))
        assert worst <= bound, (name, worst)


SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, -1.0, -2.0, 1e-320, -1e-320, 709.78,
           709.79, -708.5, -745.0, -745.2, 710.0, 1e300, -1e300]


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_special_values_are_numpy_s_including_the_sign_of_zero(loops, name):
    _, ufunc, _ = TRUTH[name]
    xs = np.array(SPECIAL)
    got = _run(loops[name], xs)
    with np.errstate(all="ignore"):
        want = ufunc(xs)
    for v, g, w in zip(SPECIAL, got.tolist(), want.tolist()):
        if math.isnan(w) or math.isinf(w) or w == 0:
            assert (math.isnan(g) and math.isnan(w)) or (
                g == w and math.copysign(1, g) == math.copysign(1, w)), (name, v, g, w)
        else:
            assert abs(g - w) <= 4 * math.ulp(w), (name, v, g, w)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_a_loop_over_each_kernel_is_inlined_and_vectorised(loops, name):
    loop = loops[name]
    _run(loop, np.ones(64))
    ir = loop.inspect_llvm(loop.signatures[0])
    assert not re.search(r" call [^\n]*@[^\s(]*___v", ir)  # inlined: no call to a kernel
    assert "x double>" in ir  # LLVM's vector type: the loop body runs on vectors


def test_expdd_is_within_1_5_ulp_of_the_exponential_of_the_unrounded_argument():
    """Truth: mpmath's exp of h + lo, the exact product a*b (h its rounding, lo the residual,
    both from mpmath): the argument's rounding, which exp amplifies by |a*b| ulp, is taken
    back (lossmath/numerics/rounding.py)."""
    ns = {"numba": numba, "math": math, "np": np}
    exec(V.source("___vexpdd("), ns)  # noqa: S102 - lossmath's own text
    exec("def loop(h, lo, o):\n    for i in range(h.size):\n"  # noqa: S102
         "        o[i] = ___vexpdd(h[i], lo[i])\n", ns)
    loop = numba.njit(error_model="numpy")(ns["loop"])
    rng = np.random.default_rng(11)
    a, b = rng.uniform(-27, 27, 4000), rng.uniform(-27, 27, 4000)
    h = a * b
    with mpmath.workprec(200):
        lo = np.array([float(mpmath.mpf(p) * mpmath.mpf(q) - mpmath.mpf(r))
                       for p, q, r in zip(a.tolist(), b.tolist(), h.tolist())])
        out = np.empty_like(h)
        loop(h, lo, out)
        worst = max(_ulps(g, mpmath.exp(mpmath.mpf(p) * mpmath.mpf(q)))
                    for p, q, g in zip(a.tolist(), b.tolist(), out.tolist()))
        loop(h, 0.0 * lo, out)  # the residual dropped: exp's condition |a*b| shows
        dropped = max(_ulps(g, mpmath.exp(mpmath.mpf(p) * mpmath.mpf(q)))
                      for p, q, g in zip(a.tolist(), b.tolist(), out.tolist()))
    # bound: ___vexp's 1 ulp and the rounding of e + e*lo (measured 1.28)
    assert worst <= 1.5 < 10 < dropped, (worst, dropped)
    ir = loop.inspect_llvm(loop.signatures[0])
    assert re.search(r"<\d+ x double>", ir)  # vectorised


#: truth in mpmath (sqrt(u**2 + q**2) - q as u**2/(sqrt(u**2 + q**2) + q), the same number
#: without the cancellation 200 bits cannot hold at u = 1e-35), and the bound: the measured
#: maxima (2.1, 2.2, 4.2; hypotm2: w*sqrt(w) and a division where the scalar kernel has one
#: pow) rounded up; these kernels serve the Triton kernels, whose results are float32
HYPOT = {
    "___vhypotm": (lambda u, q: u * u / (mpmath.sqrt(u * u + q * q) + q), 2.5),
    "___vhypotm1": (lambda u, q: u / mpmath.sqrt(u * u + q * q), 2.5),
    "___vhypotm2": (lambda u, q: q * q / (u * u + q * q) ** mpmath.mpf(1.5), 4.5),
}


@pytest.mark.parametrize("name", sorted(HYPOT))
def test_the_hypot_kernels_are_within_their_ulp_bounds_of_mpmath_and_vectorise(name):
    truth, bound = HYPOT[name]
    ns = {"numba": numba, "math": math, "np": np}
    exec(V.source(f"{name}("), ns)  # noqa: S102 - lossmath's own text
    exec(f"def loop(u, q, o):\n    for i in range(u.size):\n"  # noqa: S102
         f"        o[i] = {name}(u[i], q)\n", ns)
    loop = numba.njit(error_model="numpy")(ns["loop"])
    rng = np.random.default_rng(13)
    us = np.concatenate([rng.standard_normal(1500) * 10.0 ** rng.uniform(-8, 8, 1500),
                         10.0 ** rng.uniform(-300, 300, 300), [0.0, -0.0, 1e-320, 1e300]])
    out = np.empty_like(us)
    worst = 0.0
    with mpmath.workprec(200):
        for q in (1.0, 0.7, 1e-160, 3e200):  # the scaling: q**2 underflows or overflows
            loop(us, q, out)
            worst = max([worst] + [_ulps(g, truth(mpmath.mpf(u), mpmath.mpf(q)))
                                   for u, g in zip(us.tolist(), out.tolist())])
    assert worst <= bound, (name, worst)
    loop(np.array([math.inf, -math.inf]), 1.0, out[:2])
    assert out[:2].tolist() == {"___vhypotm": [math.inf, math.inf],
                                "___vhypotm1": [1.0, -1.0], "___vhypotm2": [0.0, 0.0]}[name]
    ir = loop.inspect_llvm(loop.signatures[0])
    assert re.search(r"<\d+ x double>", ir)  # vectorised
