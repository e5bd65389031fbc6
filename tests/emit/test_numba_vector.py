"""The branch-free kernels of lossmath/emit/kernels/numba_vector.py, compiled as the torch-fused
target compiles them, against mpmath, and vectorised.

Truth: mpmath at 120 bits on the exact float input (``log(cosh u)`` as ``log1p(2*sinh(u/2)**2)``,
which does not cancel); at the special points (+-0, +-inf, NaN, -1, the overflow and underflow
thresholds) numpy's ufuncs. Error in units in the last place of the correctly rounded value.
Bounds are the measured maxima over these tests rounded up: exp and log1p 1 ulp, expm1 2,
tanh 3 (-e/(2 + e) after expm1), logcosh 5 (forward error; where it is largest, near
|u| = 0.35, log cosh moves by 2 ulp between neighbouring floats, so the ulp harness's backward
criterion accepts it at 2.4: tests/emit/test_target_torch_fused.py). The float32 loops' twins
(numba_vector.NARROW): relative error at most 2**-34 against mpmath on float32 inputs.
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


def _expdd_case(name: str, lim: float, seed: int):
    """A loop over the kernel ``name(h, lo)``, and points: h = a*b rounded, lo the residual
    (mpmath at 200 bits), with the exact products."""
    ns = {"numba": numba, "math": math, "np": np}
    exec(V.source(f"{name}("), ns)  # noqa: S102 - lossmath's own text
    exec("def loop(h, lo, o):\n    for i in range(h.size):\n"  # noqa: S102
         f"        o[i] = {name}(h[i], lo[i])\n", ns)
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-lim, lim, 4000), rng.uniform(-lim, lim, 4000)
    h = a * b
    with mpmath.workprec(200):
        exact = [mpmath.mpf(p) * mpmath.mpf(q) for p, q in zip(a.tolist(), b.tolist())]
        lo = np.array([float(e - mpmath.mpf(r)) for e, r in zip(exact, h.tolist())])
    return numba.njit(error_model="numpy")(ns["loop"]), h, lo, exact


def test_expdd_is_within_1_5_ulp_of_the_exponential_of_the_unrounded_argument():
    """Truth: mpmath's exp of h + lo, the exact product a*b (h its rounding, lo the residual,
    both from mpmath): the argument's rounding, which exp amplifies by |a*b| ulp, is taken
    back (lossmath/numerics/rounding.py)."""
    loop, h, lo, exact = _expdd_case("___vexpdd", 27, 11)
    with mpmath.workprec(200):
        out = np.empty_like(h)
        loop(h, lo, out)
        worst = max(_ulps(g, mpmath.exp(e)) for e, g in zip(exact, out.tolist()))
        loop(h, 0.0 * lo, out)  # the residual dropped: exp's condition |a*b| shows
        dropped = max(_ulps(g, mpmath.exp(e)) for e, g in zip(exact, out.tolist()))
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


#: the float32 loops' twins (numba_vector.NARROW) and their truth in mpmath; their bound is
#: relative, 2**-34: a float32's half ulp is at least 2**-25 of it, so a twin's result rounds
#: to the float32 the exact value rounds to except within 2**-9 of a tie (measured: 2**-37.6,
#: log cosh at |u| = 0.44, the cancellation of a - log 2 + log(w) above its series' range)
TWINS = {
    "___vexp32": mpmath.exp,
    "___vexpm1_32": mpmath.expm1,
    "___vtanh32": mpmath.tanh,
    "___vlogcosh32": lambda u: mpmath.log1p(2 * mpmath.sinh(u / 2) ** 2),
}


@pytest.fixture(scope="module")
def twins():
    ns = {"numba": numba, "math": math, "np": np}
    exec(V.source(" ".join(f"{k}(" for k in TWINS)), ns)  # noqa: S102 - lossmath's own text
    out = {}
    for name in TWINS:
        exec(f"def loop(a, o):\n    for i in range(a.size):\n"  # noqa: S102
             f"        o[i] = {name}(a[i])\n", ns)
        out[name] = numba.njit(error_model="numpy")(ns["loop"])
    return out


def _rel(got: float, exact) -> float:
    """|got - exact|/|exact| where exact is a normal float64 (0 where both underflow: a
    float32 result that small is 0 or subnormal, an absolute 2**-149 matter)."""
    if abs(exact) < 1e-300:
        return 0.0 if abs(got) < 1e-290 else math.inf
    return float(abs(mpmath.mpf(got) - exact) / abs(exact))


@settings(max_examples=200, deadline=None)
@given(xs=st.lists(st.floats(-100.0, 100.0, width=32) | st.floats(width=32, allow_nan=False,
                                                                   allow_infinity=False),
                   min_size=1, max_size=40),
       name=st.sampled_from(sorted(TWINS)))
def test_each_float32_twin_is_within_2_to_the_minus_34_of_mpmath(twins, xs, name):
    xs = [v for v in xs if name not in ("___vexp32", "___vexpm1_32") or v < 709.0]
    got = _run(twins[name], np.array(xs, dtype=np.float32).astype(np.float64))
    with mpmath.workprec(120):
        for v, g in zip(xs, got.tolist()):
            assert _rel(g, TWINS[name](mpmath.mpf(v))) <= 2.0**-34, (name, v, g)


def test_the_twins_hold_on_a_dense_grid_and_are_numpy_s_at_special_points(twins, loops):
    rng = np.random.default_rng(17)
    xs = np.concatenate([rng.uniform(-2, 2, 3000), rng.uniform(-40, 40, 2000),
                         rng.uniform(0.2, 0.5, 1000),  # log cosh: series | log(w)
                         np.log(2) * (np.arange(-60, 61) + 0.5),
                         10.0 ** rng.uniform(-45, 2.8, 1500)]).astype(np.float32)
    for name, truth in TWINS.items():
        got = _run(twins[name], xs.astype(np.float64))
        with mpmath.workprec(120):
            worst = max(_rel(g, truth(mpmath.mpf(v))) for v, g in zip(xs.tolist(), got.tolist()))
        assert worst <= 2.0**-34, (name, worst)
        # inf, NaN and signed zeros as the float64 kernel they stand for
        wide = name.replace("_32", "").replace("32", "")
        pts = np.array(SPECIAL)
        a, b = _run(twins[name], pts), _run(loops[wide], pts)
        for v, p, q in zip(SPECIAL, a.tolist(), b.tolist()):
            if math.isnan(q) or math.isinf(q) or q == 0:
                assert (math.isnan(p) and math.isnan(q)) or (
                    p == q and math.copysign(1, p) == math.copysign(1, q)), (name, v, p, q)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_a_loop_over_each_twin_is_inlined_and_vectorised(twins, name):
    loop = twins[name]
    _run(loop, np.ones(64))
    ir = loop.inspect_llvm(loop.signatures[0])
    assert not re.search(r" call [^\n]*@[^\s(]*___v", ir)
    assert "x double>" in ir


def test_narrow_names_each_float64_kernel_s_twin_and_the_twins_are_pasted():
    assert set(V.NARROW) <= set(V.SCALAR.values())
    for wide, narrow in V.NARROW.items():
        text = V.source(f"{narrow}(")
        assert f"def {narrow}(" in text and f"def {wide}(" not in text


def test_expdd32_is_within_2_to_the_minus_34_of_the_exponential_of_the_unrounded_argument():
    """As the float64 expdd's test: truth mpmath's exp of the exact product a*b."""
    loop, h, lo, exact = _expdd_case("___vexpdd32", 9, 19)
    out = np.empty_like(h)
    loop(h, lo, out)
    with mpmath.workprec(200):
        worst = max(_rel(g, mpmath.exp(e)) for e, g in zip(exact, out.tolist()))
    assert worst <= 2.0**-34, worst
