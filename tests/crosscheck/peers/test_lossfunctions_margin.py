"""LossFunctions.jl's own tests of its margin-based losses, ported to the numpy target.

Sources (JuliaML/LossFunctions.jl): ``test/core.jl`` (read at commit
d52f9160a830d541f6c77d7aadd5dac5285d5334): ``test_value`` (line 66: ``abs(l(o, t) - f(o, t))
< 1e-10``) with the reference functions of the testset "Test margin-based loss against
reference function" (lines 272-333, ``o`` in ``-10:0.2:10``, ``t`` in ``[-1, 1]``);
``test_deriv(l::MarginLoss, o_vec)`` (line 77: ``abs(d_dual - d_comp) < 1e-10``, ``d_dual``
the dual-number derivative in ``o`` of the library's ``l(o, t) = l(t*o)``) and
``test_deriv2(l::MarginLoss, o_vec)`` (line 124: the same for its ``deriv(l, o, t) = t *
deriv(l, t*o)``), called at lines 427 and 442 for each loss of ``margin_losses``
(``test/runtests.jl``) with ``o`` in ``-10:0.2:10``, skipping the points where
``isdifferentiable(l, o*t)`` (and, for deriv2, ``istwicedifferentiable``) is false. The
value and ``deriv`` functions and the predicates are transcribed from
``src/losses/margin.jl``, the two-argument forms from ``src/LossFunctions.jl`` (commit
680c10d73fc768d8439ec10b19b1dc70c26a6cd0); the dual numbers are ``tests/support/dual.py``.

Mapping: the numpy target's margin losses take the agreement ``a = t*o`` (its ``x``), so
``d_comp`` is ``t * f'(t*o)`` and ``deriv2(l, o, t)`` is ``f''(t*o)``, as in the library.
``L1HingeLoss`` is ``hinge``, ``L2HingeLoss`` ``squared_hinge``, ``PerceptronLoss``
``perceptron``, ``LogitMarginLoss`` ``logistic``, ``SmoothedL1HingeLoss(g)``
``smoothed_hinge(gamma=g)``, ``ModifiedHuberLoss`` ``modified_huber``, ``ExpLoss``
``exponential``, ``ZeroOneLoss`` ``zero_one`` (all at scale 1). ``L2MarginLoss`` ``(1 -
a)^2``, ``SigmoidLoss`` ``1 - tanh(a)`` and ``DWDMarginLoss(q)`` (``1 - a`` for ``a <=
q/(q+1)``, else ``q^q/(q+1)^(q+1)/a^q``) have no catalog counterpart and are defined from
text (``lossmath.loss_from_expr``), one loss per ``q``.

One expectation differs, on purpose: ``ZeroOneLoss`` is 0 at ``a = 0`` (``sign(a) < 0 ? 1 :
0``); the catalog's ``zero_one`` gives 1 there (its documented owner of the breakpoint,
``1[x <= 0]``, which keeps the loss calibrated). At the two points with ``o = 0`` the port
asserts the catalog's 1.

Not ported: the lines that compare the library with itself (``val ≈ l(o, t)``, ``val ≈
l(o*t)``, ``d_comp ≈ t*deriv(l, o*t)``, lines 79-81 and 125-126); ``test_weightedloss`` and
``test_scaledloss`` (``WeightedMarginLoss`` and ``ScaledLoss`` are LossFunctions types); the
type-stability tests (lines 1-61).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import lossmath
from tests.support import gencache
from tests.support.dual import Dual, dexp, dlog1p, dsech, dtanh, where
from tests.support.lossfunctions_jl import STEP_0_2, direct, fail_report, grid, jl_max0

OUT, TGT = grid(STEP_0_2, np.array([-1.0, 1.0]))  # core.jl:73 and 120; the callers pass -10:0.2:10
AGREE = TGT * OUT  # the library's target * output

_EXPR = {
    "l2_margin": "(1 - x)**2",
    "sigmoid": "1 - tanh(x)",
    "dwd_half": "1 - x if x <= 1/3 else (1/2)**(1/2)/(3/2)**(3/2)/x**(1/2)",
    "dwd_one": "1 - x if x <= 1/2 else 1/4/x",
    "dwd_two": "1 - x if x <= 2/3 else 4/27/x**2",
}
# The default tier generates these (about 1 s); logistic, smoothed_hinge, exponential,
# sigmoid (11 s alone) and the DWD losses run in the slow tier.
CHEAP = ["hinge", "squared_hinge", "perceptron", "modified_huber", "zero_one", "l2_margin"]


def _always(a):
    return np.ones_like(a, dtype=bool)


def _not_at(*points):
    return lambda a: np.all([a != p for p in points], axis=0)


# -- src/losses/margin.jl, transcribed: (value, deriv) of the agreement a ---------------------
def _smoothed(g):
    def value(a):
        m = jl_max0(1 - a)
        return where(a >= 1 - g, 0.5 / g * (m * m), 1 - g / 2 - a)

    return value, lambda a: where(a >= 1 - g, where(a >= 1, 0.0, (a - 1) / g), -1.0)


def _dwd(q):
    def value(a):
        with np.errstate(invalid="ignore", divide="ignore"):
            return where(a <= q / (q + 1), 1 - a, (q**q / (q + 1) ** (q + 1)) / a**q)

    def deriv(a):
        with np.errstate(invalid="ignore", divide="ignore"):
            return where(a <= q / (q + 1), -1.0, -((q / (q + 1)) ** (q + 1)) / a ** (q + 1))

    return value, deriv


def _sq_hinge_value(a):
    return where(a >= 1, 0.0, (1 - a) * (1 - a))


def _sigmoid_deriv(a):
    s = dsech(a)
    return -(s * s)


LF = {
    "ZeroOneLoss()": (lambda a: Dual(np.where(np.sign(a.re) < 0, 1.0, 0.0)),
                      lambda a: Dual(np.zeros_like(a.re))),
    "PerceptronLoss()": (lambda a: jl_max0(-a), lambda a: where(a >= 0, 0.0, -1.0)),
    "LogitMarginLoss()": (lambda a: dlog1p(dexp(-a)), lambda a: -1 / (1 + dexp(a))),
    "L1HingeLoss()": (lambda a: jl_max0(1 - a), lambda a: where(a >= 1, 0.0, -1.0)),
    "L2HingeLoss()": (_sq_hinge_value, lambda a: where(a >= 1, 0.0, 2 * (a - 1))),
    "ModifiedHuberLoss()": (
        lambda a: where(a >= -1, jl_max0(1 - a) * jl_max0(1 - a), -4 * a),
        lambda a: where(a >= -1, where(a > 1, 0.0, 2 * a - 2), -4.0),
    ),
    "L2MarginLoss()": (lambda a: (1 - a) * (1 - a), lambda a: 2 * (a - 1)),
    "ExpLoss()": (lambda a: dexp(-a), lambda a: -dexp(-a)),
    "SigmoidLoss()": (lambda a: 1 - dtanh(a), _sigmoid_deriv),
    **{f"SmoothedL1HingeLoss({g})": _smoothed(g) for g in (0.5, 1, 2)},
    **{f"DWDMarginLoss({q})": _dwd(q) for q in (0.5, 1, 2)},
}


@dataclass(frozen=True)
class Port:
    label: str
    ours: Callable  # module -> (f, f', f'') of a
    differentiable: Callable = _always
    twice: Callable = _always
    name: str = ""  # the lossmath loss (tier)


def _port(label, name, *predicates, **kw):
    return Port(label, direct(name, **kw), *predicates, name=name)


#: test/runtests.jl's margin_losses, in its order.
MARGIN_LOSSES = [
    _port("LogitMarginLoss()", "logistic"),
    _port("L1HingeLoss()", "hinge", _not_at(1), _not_at(1)),
    _port("L2HingeLoss()", "squared_hinge", _always, _not_at(1)),
    _port("PerceptronLoss()", "perceptron", _not_at(0), _not_at(0)),
    *[_port(f"SmoothedL1HingeLoss({g})", "smoothed_hinge", _always, _not_at(1, 1 - g),
            gamma=g) for g in (0.5, 1, 2)],
    _port("ModifiedHuberLoss()", "modified_huber", _always, _not_at(1, -1)),
    _port("ZeroOneLoss()", "zero_one", _not_at(0), _not_at(0)),
    _port("L2MarginLoss()", "l2_margin"),
    _port("ExpLoss()", "exponential"),
    _port("SigmoidLoss()", "sigmoid"),
    *[_port(f"DWDMarginLoss({q})", name) for q, name in
      ((0.5, "dwd_half"), (1, "dwd_one"), (2, "dwd_two"))],
]


def _ref_smoothed(g):  # core.jl:288-297
    return lambda o, t: np.where(o * t >= 1 - g, 1 / (2 * g) * np.maximum(0, 1 - o * t) ** 2,
                                 1 - g / 2 - o * t)


def _ref_dwd(q):  # core.jl:320-329
    def ref(o, t):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(o * t <= q / (q + 1), 1 - o * t,
                            ((q**q) / (q + 1) ** (q + 1)) / (o * t) ** q)

    return ref


#: core.jl:272-333, the reference functions (o, t) -> value, by label
REFERENCE = {
    "ZeroOneLoss()": lambda o, t: np.where(np.sign(o * t) < 0, 1.0, 0.0),
    "L1HingeLoss()": lambda o, t: np.maximum(0, 1 - o * t),
    "L2HingeLoss()": lambda o, t: np.maximum(0, 1 - o * t) ** 2,
    "PerceptronLoss()": lambda o, t: np.maximum(0, -o * t),
    "LogitMarginLoss()": lambda o, t: np.log(1 + np.exp(-o * t)),
    **{f"SmoothedL1HingeLoss({g})": _ref_smoothed(g) for g in (0.5, 1, 2)},
    "ModifiedHuberLoss()": lambda o, t: np.where(o * t >= -1, np.maximum(0, 1 - o * t) ** 2,
                                                 -4 * o * t),
    "L2MarginLoss()": lambda o, t: (1 - o * t) ** 2,
    "ExpLoss()": lambda o, t: np.exp(-o * t),
    "SigmoidLoss()": lambda o, t: 1 - np.tanh(o * t),
    **{f"DWDMarginLoss({q})": _ref_dwd(q) for q in (0.5, 1, 2)},
}


@pytest.fixture(scope="module")
def cheap():
    return gencache.compile([lossmath.loss_from_expr(_EXPR[n], n) if n in _EXPR else n
                             for n in CHEAP], "numpy")


@pytest.fixture(scope="module")
def costly():
    names = ["logistic", "smoothed_hinge", "exponential"]
    return gencache.compile([*names, *(lossmath.loss_from_expr(_EXPR[n], n) for n in _EXPR
                                       if n not in CHEAP)], "numpy")


def _params(ports):
    return [pytest.param(p, id=p.label, marks=[] if p.name in CHEAP else [pytest.mark.slow])
            for p in ports]


def _module(port, request):
    return request.getfixturevalue("cheap" if port.name in CHEAP else "costly")


@pytest.mark.parametrize("port", _params(MARGIN_LOSSES))
def test_value_equals_the_reference_function_within_1e_10(port, request):
    """core.jl:66 (test_value) at the points of core.jl:272-333 (o*t = 0 of ZeroOneLoss:
    the catalog's owner, see the module docstring)."""
    got = np.asarray(port.ours(_module(port, request))[0](AGREE), dtype=float)
    want = REFERENCE[port.label](OUT, TGT)
    if port.label == "ZeroOneLoss()":
        assert np.all(want[AGREE == 0] == 0)
        want = np.where(AGREE == 0, 1.0, want)
    bad = ~(np.abs(got - want) < 1e-10)
    assert not bad.any(), fail_report(bad, AGREE, got, want)


@pytest.mark.parametrize("port", _params(MARGIN_LOSSES))
def test_first_derivative_equals_the_dual_number_derivative_within_1e_10(port, request):
    """core.jl:77 (test_deriv(l::MarginLoss)): |epsilon(l(dual(o, 1), dual(t, 0))) - deriv(l,
    o, t)| < 1e-10 at the differentiable points."""
    keep = port.differentiable(AGREE)
    t, a = TGT[keep], AGREE[keep]
    d_dual = LF[port.label][0](Dual(a, t)).eps  # dual(t, 0) * dual(o, 1) = Dual(t*o, t)
    got = t * np.asarray(port.ours(_module(port, request))[1](a), dtype=float)
    bad = ~(np.abs(d_dual - got) < 1e-10)
    assert a.size and not bad.any(), fail_report(bad, a, got, d_dual)


@pytest.mark.parametrize("port", _params(MARGIN_LOSSES))
def test_second_derivative_equals_the_dual_number_derivative_of_deriv_within_1e_10(port,
                                                                                  request):
    """core.jl:124 (test_deriv2(l::MarginLoss)): |epsilon(deriv(l, dual(o, 1), dual(t, 0))) -
    deriv2(l, o, t)| < 1e-10 where isdifferentiable and istwicedifferentiable."""
    keep = port.differentiable(AGREE) & port.twice(AGREE)
    t, a = TGT[keep], AGREE[keep]
    d2_dual = (t * LF[port.label][1](Dual(a, t))).eps  # deriv(l, o, t) = t * deriv(l, t*o)
    got = np.asarray(port.ours(_module(port, request))[2](a), dtype=float)
    bad = ~(np.abs(d2_dual - got) < 1e-10)
    assert a.size and not bad.any(), fail_report(bad, a, got, d2_dual)
