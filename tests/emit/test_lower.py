"""The target-neutral lowering (``lossmath.emit.lower``): the exponent split of a power whose
rational exponent no double is, negative integer powers as divisions, and the float32 rule
(``computed_wide``) every printer asks."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lossmath
from lossmath.base.symbols import x
from lossmath.emit.forms import Clip, Masked, Single
from lossmath.emit.lower import LOWERED, computed_wide, exponent_split, steps
from tests.support.codegen import ulps


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(2, 10**6))
def test_exponent_split_is_a_float32_toward_zero_and_the_rest(p, q):
    """hi + lo = p/q within 2**-70 relative, hi a float32 no farther from 0 than p/q, lo of
    p/q's sign; None exactly when p/q is a double (a dyadic rational)."""
    r = sp.Rational(p, q)
    split = exponent_split(r)
    if r.q & (r.q - 1) == 0:
        assert split is None
        return
    hi, lo = (float(v) for v in split)
    assert float(np.float32(hi)) == hi
    assert abs(sp.Rational(hi)) <= abs(r) and (lo > 0) == (r > 0)
    assert abs(sp.Rational(hi) + sp.Rational(lo) - r) <= abs(r) * sp.Rational(1, 2**70)


def test_a_power_with_the_split_exponent_is_within_2_ulp_where_the_rounded_one_is_not():
    """|b|**(21/10) in float64 against mpmath (50 digits), |b| log-spaced from 1e-300 to 1e140:
    b**hi * b**lo within 2 ulp; np.power(b, 2.1) (the nearest double, 8.9e-17 above 21/10)
    about 200 ulp off at 1e-134 (adaptive wing's exponent). 0 and inf stay 0 and inf."""
    q = sp.Rational(21, 10)
    hi, lo = (float(v) for v in exponent_split(q))
    bs = np.logspace(-300, 140, 400)
    split = np.power(bs, hi) * np.power(bs, lo)
    rounded = np.power(bs, 2.1)
    worst_split = worst_rounded = 0.0
    with mpmath.workdps(50):
        for b, s, r in zip(bs.tolist(), split.tolist(), rounded.tolist()):
            want = mpmath.mpf(b) ** (mpmath.mpf(21) / 10)
            worst_split = max(worst_split, ulps(s, want, np.float64))
            worst_rounded = max(worst_rounded, ulps(r, want, np.float64))
    assert worst_split <= 2 and worst_rounded > 100
    ends = np.array([0.0, math.inf])
    assert (np.power(ends, hi) * np.power(ends, lo)).tolist() == [0.0, math.inf]
    neg_hi, neg_lo = (float(v) for v in exponent_split(-q))
    with np.errstate(divide="ignore"):  # 0**-2.1 is inf, as it should be
        assert (np.power(ends, neg_hi) * np.power(ends, neg_lo)).tolist() == [math.inf, 0.0]


def test_a_negative_integer_power_is_lowered_as_divisions():
    """(1 + |x|)**-2 as 1/(1 + |x|)/(1 + |x|): no power step (torch.pow(b, -2) is 1/(b*b),
    0 where b*b overflows but the quotient is subnormal); in numpy the quotient underflows
    gradually: at b = 2e154 it is 2.5e-309 (by hand: 1/4e308)."""
    b = 1 + sp.Abs(x)
    sched = steps(b**-2)
    assert [s.op for s in sched] == ["divide", "divide"]
    with np.errstate(over="ignore"):
        v = np.float64(2e154)
        assert 1.0 / v / v == 2.5e-309 and 1.0 / (v * v) == 0.0


def test_float32_is_widened_where_the_planned_form_rounds_more_than_once():
    """x*tanh(x) (two roundings) is computed wide; x**2/2 (one, a power-of-2 scaling) and a
    clip (exact) are not."""
    assert computed_wide(Single(x * sp.tanh(x)))
    assert not computed_wide(Single(x**2 / 2))
    assert not computed_wide(Clip(sp.S.One, sp.S.One, sp.S.Zero, sp.S.NegativeOne, sp.S.One))
    assert computed_wide((Single(x**2 / 2), Single(x * sp.tanh(x))))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["log_cosh", "pseudo_huber", "welsch", "cauchy"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_lowered_measurement_is_the_numpy_targets_output(name, dtype):
    """What the numerics stage measures (``Lowered``, on the planned form of each order) is
    what the generated numpy module returns at inputs from the dtype's subnormals to its largest
    float, both signs, wherever one planned expression is used on the whole line: inf and nan at
    the same inputs, and within 2 ulp elsewhere (not bit for bit: the measurement rounds each
    constant once from its exact value, the module computes it from the parameters in floating
    point, ``c*c*0.5`` for Welsch's ``c**2/2``, one ulp off at the default c)."""
    from lossmath.emit.plan import forms, make_spec, resolve

    mod = lossmath.compile(name, target="numpy")
    spec = make_spec(resolve(name), {})
    params = {p.symbol: p.default for p in spec.loss.params}
    info = np.finfo(dtype)
    mags = np.logspace(np.log10(float(info.smallest_subnormal)), np.log10(float(info.max)) - 1,
                       97).astype(dtype)
    xs = np.concatenate([-mags[::-1], [dtype(0)], mags])
    checked = 0
    for order, fname in enumerate((name, name + "_grad", name + "_hess")):
        form = forms(spec)[order]
        exprs = ([form.expr] if isinstance(form, Single) else
                 [r.expr for r in form.plans[0]] if isinstance(form, Masked) and form.plans and
                 len(form.plans) == 1 and len(form.plans[0]) == 1 else [])
        if not exprs:
            continue
        wide = LOWERED.wide(exprs) and dtype == np.float32
        want = LOWERED(exprs[0], xs.astype(np.float64) if wide else xs, params).astype(dtype)
        got = getattr(mod, fname)(xs)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=fname)
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want), err_msg=fname)
        fin = np.isfinite(got)
        np.testing.assert_array_equal(got[~fin & ~np.isnan(got)], want[~fin & ~np.isnan(got)])
        spacing = np.spacing(np.abs(want[fin])).astype(np.float64)
        dist = np.abs(got[fin].astype(np.float64) - want[fin].astype(np.float64)) / spacing
        assert dist.max(initial=0.0) <= 2, (fname, exprs[0], float(dist.max()))
        checked += 1
    assert checked
