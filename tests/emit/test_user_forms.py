"""The user-form harness (``tests/support/user_form_harness.py``) as theorems (slow tier):
the 52 forms of
``tests/data/user_forms.toml`` and the catalog at extreme parameters, generated for the numpy
target, are within the ulp harness's bounds (value and gradient 4 ulp, Hessian 8) in float64
and float32 against mpmath, with no spurious inf/nan; the cases that still fail are strict
xfails with the measured reason, so a fix shows up here."""

from __future__ import annotations

import pytest

from tests.support import ulp_harness as H
from tests.support import user_form_harness as U

pytestmark = pytest.mark.slow

LOSSES = U.losses()

#: (loss, order, dtype) -> why it fails today (measured by
#: ``python -m tests.support.user_form_harness --sparse``: max ulp, spurious inf/nan, the
#: worst point as (x, got, true)). What the search lacks for them: a sample that sees the
#: one decade where pseudo_huber_k's f'' is a subnormal from a primitive that underflowed
#: below it (1000*hypotm2(x, 1000) at 2e110 is 1000*0; hypotm2(x/1000, 1), a candidate, is
#: right there), (1 + u)**p - 1 as expm1(p*log1p(u)) for Barron's shapes near 0 and 2, and
#: Barron's c**50 constant, which is beyond float32 (the generated code refuses the dtype).
KNOWN_FAILURES: dict[tuple[str, int, str], str] = {
    ('pseudo_huber_k', 2, 'float64'):
        '25.8 ulp, 0 spurious; worst at x = -1.987e+110: 0, true 1.2846e-322',
    ('barron_0_001', 0, 'float64'):
        '48 spurious: (-1.798e+308, inf, 2065)',
    ('barron_0_001', 2, 'float64'):
        '48 spurious: (-1.798e+308, nan, -0)',
    ('barron_0_001', 0, 'float32'):
        '1.32e+07 ulp, 0 spurious; worst at x = -1.057e-07: 0, true 5.5862e-15',
    ('barron_1_999', 0, 'float64'):
        '2 spurious: (-1.4e+154, inf, 6.852e+307)',
    ('barron_1_999', 0, 'float32'):
        '1.05e+07 ulp, 0 spurious; worst at x = -2.809e-15: 0, true 3.9455e-30',
    ('barron_50', 1, 'float64'):
        '8.58 ulp, 0 spurious; worst at x = -0.01274: -0.012744, true -0.012744',
    ('barron_50', 2, 'float64'):
        '8.4 ulp, 0 spurious; worst at x = -0.6158: 1.6624, true 1.6624',
    ('barron_50', 0, 'float32'):
        '94 spurious: barron_50: 1118818660757250820862656043574908210380800*c**50',
    ('barron_50', 1, 'float32'):
        '94 spurious: barron_50: 22376373215145016417253120871498164207616*c**50 i',
    ('barron_50', 2, 'float32'):
        '94 spurious: barron_50: 22376373215145016417253120871498164207616*c**2 is',
}


@pytest.fixture(scope="module")
def results():
    return U.run(per_decade=0.15, dense=20)


def test_the_set_has_forty_forms_and_the_extremes():
    assert len(U.forms()) >= 40
    assert {"pseudo_huber_1e30", "barron_0_001", "barron_1_999", "barron_50"} <= set(LOSSES)


def _cases():
    for name in LOSSES:
        for order in (0, 1, 2):
            for dtype in ("float64", "float32"):
                why = KNOWN_FAILURES.get((name, order, dtype))
                marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
                yield pytest.param(name, order, dtype, marks=marks, id=f"{name}-{order}-{dtype}")


@pytest.mark.parametrize("name, order, dtype", list(_cases()))
def test_user_form_within_bounds_and_no_spurious_inf_or_nan(results, name, order, dtype):
    r = results[(name, order, dtype)]
    assert r.spurious == 0, (r.spurious, r.worst)
    assert r.accepted <= H.BOUNDS[order], (r.accepted, r.worst)
