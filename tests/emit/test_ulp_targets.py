"""The ulp harness on the numba, torch, array-API (on numpy arrays) and JAX targets: every
catalog loss and the user-written forms, value, gradient and Hessian, against mpmath, with the
harness's backward-error criterion, and no inf/nan where the truth is finite; torch also in
float16 and bfloat16, within 1 ulp of the correctly rounded value.

Bounds: the numpy target's (4, 4, 8 ulp) for every target in float64 and float32. Every target
prints the same plan: the numpy target's forms in the same order and, for float32, the pieces
the plan widens (``lossmath.emit.lower.computed_wide``) computed in float64 and rounded once.
torch computes float16/bfloat16 in float32 (input and target widened before the subtraction),
so its result is the float32 result rounded once more: within 1 ulp of the correctly rounded
value (``ulp_targets.half_ulps``; the exact value at the half input, with float32 parameters).
JAX runs in float32 only (its default: no float64, so nothing is widened) and XLA on the CPU
flushes subnormals (inputs, intermediates, results) to 0, so its grid leaves out |x| < 1e-30
and the points whose exact result is subnormal.

``python -m tests.support.ulp_targets --table`` prints the table these tests assert.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.support import ulp_harness as H
from tests.support import ulp_targets as U

PER_DECADE, DENSE = H.SUITE_GRID  # the suite's grid (tests/emit/test_ulp_harness.py)
LOSSES = H.all_losses()

TARGETS = {t: d for t, d in U.TARGETS.items() if t != "numpy"}  # numpy: test_ulp_harness.py


@pytest.fixture(scope="module")
def results():
    return {t: U.run(t, dtypes, PER_DECADE, DENSE) for t, dtypes in TARGETS.items()}


#: (loss, order, dtype) each target misses, measured on the suite's grid
#: (``python -m tests.support.ulp_targets --table TARGET``). The test requires exactly these:
#: a fix, or a new failure, shows up. The numpy target's (``ulp_harness.KNOWN_FAILURES``) hold
#: for every target that prints its plan in float64.
KNOWN_FAILURES = {
    "numba": dict(H.KNOWN_FAILURES),
    "torch": dict(H.KNOWN_FAILURES),
    "array-api": dict(H.KNOWN_FAILURES),
    # andrews f' float32 (a*sin(x/a) next to x = pi*a, no float64 to widen to) passes since
    # the search measures at its forms' crossings (lossmath/numerics/crossings.py)
    "jax": {},
}


def _failures(results: dict) -> dict:
    return {k: (r.accepted, r.spurious, r.worst) for k, r in results.items()
            if r.spurious or r.accepted > U.bound(k[2], k[1])}


@pytest.mark.slow
@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_within_its_bounds_and_no_spurious_inf_or_nan(results, target):
    failures = _failures(results[target])
    assert set(failures) == set(KNOWN_FAILURES[target]), failures
    assert not any(r.spurious for r in results[target].values())  # no spurious inf/NaN
    assert {k[0] for k in results[target]} == set(LOSSES)
    assert {k[2] for k in results[target]} == set(TARGETS[target])


@pytest.mark.parametrize(
    "target", [pytest.param(t, marks=[pytest.mark.slow] if t == "torch" else []) for t in TARGETS])
def test_every_target_within_its_bounds_on_the_representative_losses(target):
    """The default tier's share of the test above: the representative losses only."""
    got = U.run(target, TARGETS[target], PER_DECADE, DENSE, names=H.REPRESENTATIVE)
    known = {k for k in KNOWN_FAILURES[target] if k[0] in H.REPRESENTATIVE}
    assert set(_failures(got)) == known, _failures(got)
    assert not any(r.spurious for r in got.values())
    assert {k[0] for k in got} == set(H.REPRESENTATIVE)


@pytest.mark.slow
def test_piecewise_polynomials_are_exact_in_every_target(results):
    for target in ("numba", "torch", "array-api"):
        for name in ("l1", "l2", "smooth_l1", "huber"):
            for dtype in ("float64", "float32"):
                assert results[target][(name, 0, dtype)].forward <= 0.5
                assert results[target][(name, 1, dtype)].forward == 0
                assert results[target][(name, 2, dtype)].forward == 0


# -- the half-precision measure -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", U.HALF)
def test_rounding_to_half_is_torchs_rounding_of_float32(fmt):
    """Independent truth: torch's float32 -> float16/bfloat16 conversion (one IEEE rounding,
    to nearest even, inf beyond the range) of random float32 values over the whole range,
    their halfway points included."""
    import torch

    rng = np.random.default_rng(20261207)
    with np.errstate(over="ignore"):
        v = (rng.normal(0, 1, 4000) * np.exp(rng.uniform(-100, 100, 4000))).astype(np.float32)
    bits = U._FORMATS[fmt][0]
    halfway = v.view(np.uint32) & ~np.uint32((1 << (23 - bits)) - 1) | np.uint32(
        1 << (22 - bits))  # the point halfway between two neighbours of fmt
    v = np.concatenate([v, halfway.view(np.float32), np.float32([65504, 65519.996, 65520,
                                                                  3.4e38, 6e-8, 2.9e-8])])
    want = torch.from_numpy(v).to(getattr(torch, fmt)).float().numpy()
    got = np.array([U.round_half(float(a), fmt) for a in v.tolist()], dtype=np.float32)
    assert np.array_equal(got, want, equal_nan=True)


@pytest.mark.parametrize("fmt", U.HALF)
def test_the_half_measure_rejects_arithmetic_in_half(fmt):
    """log(cosh(x)) and 1 - exp(-x**2/2) evaluated in float16 arithmetic (numpy's float16
    ufuncs, a rounding per operation) are off by more than 1 ulp of the correctly rounded
    value somewhere on the grid (1e-2 <= |x| < 10); the same formulas in float64, rounded
    once, are not."""
    for name, formula in (("logcosh", lambda t: np.log(np.cosh(t))),
                          ("welsch_user", lambda t: 1 - np.exp(-t * t / 2))):
        loss = LOSSES[name]
        xs = U.half_grid(loss, fmt, PER_DECADE, DENSE)
        # 1e-2 <= |x| < 10: the formulas in float64 lose at most 1e-12 relative there
        xs = xs[(np.abs(xs) >= 1e-2) & (np.abs(xs) < 10)]

        def rounded_once(v, f=formula):
            return np.array([U.round_half(float(r), fmt) for r in f(v.astype(np.float64))],
                            dtype=np.float32)

        def in_half(v, f=formula):
            with np.errstate(all="ignore"):
                return f(v.astype(np.float16)).astype(np.float32)

        assert U.measure_half(loss, 0, rounded_once, fmt, xs).accepted <= 1
        if fmt == "float16":  # numpy has no bfloat16 arithmetic
            assert U.measure_half(loss, 0, in_half, fmt, xs).accepted > 1


@pytest.mark.parametrize("fmt", U.HALF)
def test_half_input_and_target_are_widened_before_the_subtraction(fmt):
    """torch's ``loss(input, target)`` in float16/bfloat16 is within 1 ulp of the correctly
    rounded loss at the float32 difference of input and target (both exact in float32), on
    random pairs; rounding the difference to half first (what computing in the input's dtype
    would do) is off by more than 1 ulp on some of them (at 3 - 2**-10, l2: 4.5 for 4.496)."""
    import torch

    import lossmath

    names = ("l2", "welsch_user", "logcosh")
    mod = lossmath.compile([LOSSES[n] for n in names], "torch")
    tdtype = getattr(torch, fmt)
    rng = np.random.default_rng(20261207)
    a = torch.from_numpy(rng.uniform(-6, 6, 300).astype(np.float32)).to(tdtype)
    b = torch.from_numpy(rng.uniform(-0.05, 0.05, 300).astype(np.float32)).to(tdtype)
    a, b = torch.cat([a, torch.tensor([3.0], dtype=tdtype)]), torch.cat(
        [b, torch.tensor([2.0**-10], dtype=tdtype)])
    diff = (a.float() - b.float()).numpy()  # float32, as the code computes it
    early = (a - b).float().numpy()  # the difference rounded to half first
    for name in names:
        got = getattr(mod, name)(a, b, reduction="none")
        assert got.dtype == tdtype
        got = got.float().numpy()
        worst_early = 0.0
        for d, e, g in zip(diff.tolist(), early.tolist(), got.tolist()):
            ref, _ = H.computed_truth(LOSSES[name], 0, d, np.float32)
            assert U.half_ulps(g, ref, fmt) <= 1, (name, d, g)
            worst_early = max(worst_early, U.half_ulps(U.round_half(
                H.computed_truth(LOSSES[name], 0, e, np.float32)[0], fmt), ref, fmt))
        if name == "l2":
            assert worst_early > 1
