"""Differential fuzzing of the numerics stage (slow tier): random losses from the expression
grammar, written the ways users write them, generated for the numpy target and compared with
mpmath in float64 and float32 by the ulp harness (``tests/support/ulp_harness.py``: truth, grid,
bounds, backward-error criterion).

The theorem: the generated code is within the harness bounds (4, 4, 8 ulp) with no spurious
inf/nan, or its docstring states the measured error of the function that is not (the
numerics stage found no form within its bound and says so). Shrunk failures are kept as
``@example`` cases below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from lossmath import loss_from_expr
from tests.support import ulp_harness as H

pytestmark = pytest.mark.slow

#: the grammar: templates of a residual ``x`` with a scale ``a`` (each a shape users write,
#: several that cancel, overflow or underflow as written), summed and scaled
TEMPLATES = (
    "cosh({a}*x) - 1",
    "log(1 + {a}*x**2)",
    "sqrt(x**2 + {a}) - sqrt({a})",
    "1 - exp(-{a}*x**2)",
    "exp({a}*x) - 1 - {a}*x",
    "log(cosh({a}*x))",
    "x*tanh({a}*x)",
    "log(1 + exp({a}*x)) - log(2)",
    "1 - 1/cosh({a}*x)",
    "tanh({a}*x)**2",
    "{a}*x**2/(1 + {a}*x**2)",
    "1 - 1/(1 + {a}*x**2)",
    "sqrt(1 + {a}*abs(x)) - 1",
    "abs(x) - log(1 + abs(x))",
    "(exp(x) + exp(-x))/2 - 1",
)
SCALES = ("0.001", "0.5", "1", "3", "100")


@st.composite
def user_loss(draw) -> str:
    n = draw(st.integers(1, 2))
    parts = []
    for _ in range(n):
        t = draw(st.sampled_from(TEMPLATES)).format(a=draw(st.sampled_from(SCALES)))
        k = draw(st.sampled_from(("", "2*", "0.5*")))
        parts.append(f"{k}({t})" if k else t)
    return " + ".join(parts)


def _check(text: str) -> None:
    loss = loss_from_expr(text, "fuzz")
    mod = H.generated_module({"fuzz": loss})
    fns = [mod.fuzz, mod.fuzz_grad, mod.fuzz_hess]
    for dtype in H.DTYPES:
        xs = H.grid(loss, dtype, 0.1, 12)
        for order, fn in enumerate(fns):
            r = H.measure(loss, order, fn, dtype, xs)
            ok = r.accepted <= H.BOUNDS[order] and r.spurious == 0
            stated = "no form within" in (fn.__doc__ or "")
            assert ok or stated, (text, order, np.dtype(dtype).name, r.accepted, r.spurious,
                                  r.worst)
            assert math.isfinite(r.accepted) or stated, (text, order, r.worst)


#: shrunk by the property below (slow tier), now regression tests: a spurious inf in the
#: gradient at x = -711 (cosh overflowed before 0.5*cosh did: now from the halved argument)
#: and inf*0 = nan in the Hessian at 1.8e308 (x**2*exp(-100*x**2): now the square of
#: x*exp(-50*x**2), kept unevaluated inside the sum)
_SHRUNK = ("log(1 + exp(0.001*x)) - log(2) + 0.5*(cosh(1*x) - 1)",
           "log(1 + exp(100*x)) - log(2) + 0.5*(1 - exp(-100*x**2))")


@pytest.mark.parametrize("text", _SHRUNK)
def test_shrunk_failures_of_the_fuzzer_are_accurate(text):
    _check(text)


# The whole run (the two examples and 6 derandomized ones, no shrink phase: one failing example
# shrinks through dozens of generations) takes about a minute since limits at +-oo of sums with
# hyperbolic terms are bounded (tests/emit/test_forms_limits.py; before, one example's limit
# ran for over 20 minutes). It stops at its 8th example, a failure the search does not yet fix:
# the gradient 0.002*tanh(x/1000)*(1 - tanh(x/1000)**2) + ... loses 1 - tanh**2 = sech**2 to
# cancellation at x = -10000 (5.6e7 ulp). Strict: a fix shows up here.
@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "tanh(0.001*x)**2 + 2*(1 - exp(-100*x**2)): f' float64 5.6e7 ulp at x = -10000 "
    "(got -1.6489229025279118e-11, true -1.6489228843561128e-11)"))
@settings(max_examples=6, deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow])
@given(text=user_loss())
@example(text="cosh(0.001*x) - 1")
@example(text="1 - 1/(1 + 100*x**2)")
def test_random_user_losses_are_accurate_or_say_how_far_they_are(text):
    _check(text)
