"""The ulp harness (``tests/support/ulp_harness.py``) as theorems: every catalog loss and the twelve
user-written forms of ``ulp_harness.USER_TEXT``, value, gradient and Hessian, float64 and
float32, within 4 ulp (value, gradient) and 8 ulp (Hessian) of mpmath, with the backward-error
criterion where the function is ill-conditioned, and no inf/nan where the truth is finite; and
the harness tells the naive formulas apart (they fail it)."""

from __future__ import annotations

import math
import random
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from lossmath import Loss, Param, x
from tests.support import ulp_harness as H

#: sparser than ``python -m tests.support.ulp_harness`` (0.3 per decade, 40 in [1e-4, 1e4]) to keep
#: the suite's time down; the special points and breakpoints are the same
PER_DECADE, DENSE = 0.15, 20

LOSSES = H.all_losses()


@pytest.fixture(scope="module")
def results():
    return H.run(per_decade=PER_DECADE, dense=DENSE, mod=H.numpy_module())


def test_stored_truths_are_what_the_script_writes_now():
    """One file per harness loss, written for the loss's current definition and exactly the
    suite's grid (``tests/support/precompute_truths.py``): a changed loss, grid or set of
    losses makes the stored truths stale, and this fails until they are rewritten with
    ``python -m tests.support.precompute_truths``."""
    from tests.support import precompute_truths as P

    assert sorted(p.stem for p in H.TRUTHS_DIR.glob("*.txt")) == sorted(LOSSES)
    for name, loss in LOSSES.items():
        digest, inputs, _ = H.stored_file(name)
        assert digest == H.fingerprint(loss), f"{name}: definition changed"
        assert [(d, v.hex()) for d, v in inputs] == [
            (d, v.hex()) for d, v in P.expected_inputs(name)], f"{name}: grid changed"


def test_a_random_sample_of_stored_truths_recomputes_with_mpmath():
    """50 stored truths drawn at random (seeded), recomputed with mpmath now: the same value
    (to the 96 stored bits) and the same interval."""
    entries = sorted((name, *key) for name in LOSSES for key in H.stored_truths(name))
    assert len(entries) > 40_000
    for name, dtype, order, value in random.Random(20261207).sample(entries, 50):
        want, k = H.stored_truths(name)[(dtype, order, value)]
        got, j = H.computed_truth(LOSSES[name], order, value, np.dtype(dtype).type)
        assert (H.encode(got), j) == (H.encode(want), k), (name, dtype, order, value)


def test_stored_values_decode_to_what_was_encoded():
    """The text form is exact for a float64, an int and the specials, and keeps 96 bits."""
    with mpmath.workdps(60):
        third = mpmath.mpf(1) / 3
        for v in (mpmath.mpf(0.1), mpmath.mpf(-2.5e-310), mpmath.mpf(1e300) * 2**700, 3, math.nan,
                  -math.inf, mpmath.mpf("inf")):
            back = H.decode(H.encode(v))
            assert type(back) is type(v) and (back == v or (back != back and v != v)), v
        assert abs(H.decode(H.encode(third)) / third - 1) < mpmath.mpf(2) ** -95
    # far beyond every float: only the side and the sign are kept
    assert H.decode(H.encode(-mpmath.exp(-mpmath.mpf(10) ** 300))) == -mpmath.mpf(2) ** -4096


def test_the_harness_covers_the_catalog_and_twelve_user_forms():
    from lossmath import catalog

    assert set(catalog.names()) <= set(LOSSES)
    assert len(set(LOSSES) - set(catalog.names())) >= 12


def _cases():
    for name in LOSSES:
        for order in (0, 1, 2):
            for dtype in ("float64", "float32"):
                why = H.KNOWN_FAILURES.get((name, order, dtype))
                marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
                yield pytest.param(name, order, dtype, marks=marks,
                                   id=f"{name}-{order}-{dtype}")


@pytest.mark.parametrize("name, order, dtype", list(_cases()))
def test_within_bounds_and_no_spurious_inf_or_nan(results, name, order, dtype):
    r = results[(name, order, dtype)]
    assert r.spurious == 0, (name, order, dtype, r)
    assert r.accepted <= H.BOUNDS[order], (name, order, dtype, r.accepted, r.worst)


def test_piecewise_polynomials_stay_exact(results):
    """The numerics stage leaves Clip/HuberLike/Steps alone: at most the value's one
    rounding of x**2/2, and exact derivatives."""
    for name in ("l1", "l2", "smooth_l1", "huber"):
        for dtype in ("float64", "float32"):
            assert results[(name, 0, dtype)].forward <= 0.5
            assert results[(name, 1, dtype)].forward == 0
            assert results[(name, 2, dtype)].forward == 0


def _lambdified(loss: Loss, order: int):
    expr = loss.derivative(order).table.piecewise()
    f = sp.lambdify(x, expr, modules="numpy")

    def call(xs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return np.asarray(f(xs), dtype=xs.dtype)

    return call


@pytest.mark.parametrize(
    "name, order",
    [("logcosh", 0), ("logcosh", 2), ("softplus", 0), ("tukey_user", 0), ("cauchy_user", 0),
     ("geman_mcclure_user", 0), ("welsch_user", 2), ("sqrt1pm1", 0)],
)
def test_the_naive_formula_fails_the_harness(name, order):
    """sympy.lambdify of the same definition: inf/nan or far more than the bound, so the
    harness can tell stable code from naive code."""
    loss = LOSSES[name]
    xs = H.grid(loss, np.float64, PER_DECADE, DENSE)
    r = H.measure(loss, order, _lambdified(loss, order), np.float64, xs)
    assert r.spurious > 0 or r.accepted > H.BOUNDS[order], r


def test_backward_criterion_accepts_only_what_an_input_within_one_ulp_explains():
    """exp(-x**2/2)'s derivative at x = 30: the value of the neighbouring float is accepted,
    a value 1% off is not."""
    loss = LOSSES["welsch_user"]
    xv = 30.0
    exact, _ = H.truth(loss, 1, float(np.nextafter(xv, 40.0)), np.float64)
    r_ok = H.measure(loss, 1, lambda xs: np.full_like(xs, float(exact)), np.float64,
                     np.array([xv]))
    assert r_ok.accepted <= 0.5 and r_ok.forward > 4 and r_ok.backward_only == 1
    r_bad = H.measure(loss, 1, lambda xs: np.full_like(xs, float(exact) * 1.01),
                      np.float64, np.array([xv]))
    assert r_bad.accepted > 1e10


def test_truth_converges_where_the_formula_cancels():
    """1 - tanh(x)**2 at x = 88 in mpmath at 50 digits is 0; the harness's truth is
    sech(88)**2 = 4*exp(-176)/(1 + exp(-176))**2 (by hand)."""
    loss = LOSSES["logcosh"]
    got, _ = H.truth(loss, 2, 88.0, np.float64)
    with mpmath.workdps(50):
        assert abs(got / (4 * mpmath.exp(-176) / (1 + mpmath.exp(-176)) ** 2) - 1) < 1e-20
        with mpmath.workdps(50):
            naive = 1 - mpmath.tanh(88) ** 2
        assert naive == 0


def test_pseudo_huber_with_a_huge_delta_stays_finite_in_float32(tmp_path):
    """delta = 1e20: delta**2 is inf in float32, and the naive form gave nan everywhere.
    Truth (by hand): delta**2*(sqrt(1 + (1/delta)**2) - 1) = 1/2 - 1/(8 delta**2) + ...;
    f'(1) = 1/sqrt(1 + 1e-40) = 1 (in float32), f''(1) = 1."""
    loss = Loss("ph", LOSSES["pseudo_huber_user"].expr, params=(Param("delta", default=1),))
    mod = H.generated_module({"ph": loss}, tmp_path)
    one = np.float32(1)
    assert mod.ph(one, delta=1e20) == np.float32(0.5)
    assert mod.ph_grad(one, delta=1e20) == np.float32(1)
    assert mod.ph_hess(one, delta=1e20) == np.float32(1)


def test_a_constant_that_overflows_the_dtype_names_its_parameters(tmp_path):
    """Balanced L1's b = exp(gamma/alpha) - 1 is 2.7e43 for gamma/alpha = 100: fine in
    float64, inf in float32, where the inner piece would be 0*inf."""
    mod = H.generated_module({"balanced_l1": LOSSES["balanced_l1"]}, tmp_path)
    assert np.isfinite(mod.balanced_l1(np.float64(0.5), alpha=0.01, gamma=1.0))
    with pytest.raises(ValueError, match=r"alpha=0\.01, gamma=1\.0.*float32"):
        mod.balanced_l1(np.float32(0.5), alpha=0.01, gamma=1.0)
