"""The statsmodels target: generated RobustNorm subclasses reproduce statsmodels' own norms in
sm.RLM on the stackloss data (params and bse to 1e-10, the same iterations), and the traits
(continuous, redescending, max_rho, weights at 0) are the proved ones.

The truths are statsmodels' hand-written norms (statsmodels.robust.norms, 0.15): HuberT(t),
TukeyBiweight(c), Hampel(a=c/4, b=c/2, c), AndrewWave(a), TrimmedMean(c)."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import sympy as sp

import lossmath
from lossmath.emit import statsmodels as sm_target

sm = pytest.importorskip("statsmodels.api")
norms = pytest.importorskip("statsmodels.robust.norms")

#: (loss, generated constructor keywords, statsmodels' norm with the same tuning)
PAIRS = [
    ("huber", {"delta": 1.345}, lambda: norms.HuberT(t=1.345)),
    ("tukey", {"c": 4.685}, lambda: norms.TukeyBiweight(c=4.685)),
    ("hampel", {"c": 8.0}, lambda: norms.Hampel(a=2.0, b=4.0, c=8.0)),
    ("andrews", {"a": 1.339}, lambda: norms.AndrewWave(a=1.339)),
    ("talwar", {"c": 2.0}, lambda: norms.TrimmedMean(c=2.0)),
]


CLASSES = {"huber": "HuberNorm", "tukey": "TukeyNorm", "hampel": "HampelNorm",
           "andrews": "AndrewsNorm", "talwar": "TalwarNorm"}


@pytest.fixture(scope="module")
def generated():
    return lossmath.compile([p[0] for p in PAIRS], "statsmodels")


@pytest.fixture(scope="module")
def stackloss():
    data = sm.datasets.stackloss.load()
    return np.asarray(data.endog, float), sm.add_constant(np.asarray(data.exog, float))


def _fit_both(module, name, kw, theirs, data):
    y, X = data
    ours = getattr(module, CLASSES[name])(**kw)
    a = sm.RLM(y, X, M=ours).fit()
    b = sm.RLM(y, X, M=theirs()).fit()
    return ours, theirs(), a, b


def test_rlm_with_the_generated_norm_equals_statsmodels_own(stackloss):
    name, kw, theirs = PAIRS[0]
    _check_fit(lossmath.compile(name, "statsmodels"), stackloss, name, kw, theirs)


@pytest.mark.slow
@pytest.mark.parametrize("name, kw, theirs", PAIRS)
def test_rlm_with_every_generated_norm_equals_statsmodels_own(generated, stackloss, name, kw,
                                                              theirs):
    _check_fit(generated, stackloss, name, kw, theirs)


def _check_fit(module, data, name, kw, theirs):
    ours, ref, a, b = _fit_both(module, name, kw, theirs, data)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10, atol=0)
    np.testing.assert_allclose(a.bse, b.bse, rtol=1e-10, atol=0)
    assert a.fit_history["iteration"] == b.fit_history["iteration"]
    assert ours.continuous == ref.continuous
    assert ours.redescending == ref.redescending
    assert ours.max_rho() == pytest.approx(ref.max_rho(), rel=1e-15)
    z = np.array([-30.0, -3.0, -1.0, -0.25, 0.0, 1e-300, 0.25, 1.0, 3.0, 30.0])
    for method in ("rho", "psi", "psi_deriv", "weights"):
        np.testing.assert_allclose(getattr(ours, method)(z), getattr(ref, method)(z),
                                   rtol=1e-13, atol=1e-300, err_msg=method)


def test_traits_follow_the_proved_class_and_tails():
    # Cauchy and Welsch: f' -> 0 only at infinity; l2 is C-infinity, not redescending
    assert sm_target.norm_traits(lossmath.get_loss("cauchy"))[:2] == (2, "soft")
    assert sm_target.norm_traits(lossmath.get_loss("l2"))[:3] == (2, "not", 2)  # k = 2
    with pytest.raises(lossmath.LossError, match="no finite limit at 0"):
        sm_target.norm_traits(lossmath.get_loss("l1"))
    # Fair's formula has |x| (a breakpoint at 0), its f' = x/(1 + |x|/c) none: weights(0) = 1
    assert sm_target.norm_traits(lossmath.get_loss("fair")) == (2, "not", 1, sp.oo)


def test_weights_at_zero_is_the_limit_of_psi_over_z():
    m = lossmath.compile("andrews", "statsmodels")
    norm = m.AndrewsNorm(a=2.0)
    # a*sin(z/a)/z -> 1 at 0; 1 - z**2/(6 a**2) next to it (the series, independent of the code)
    assert norm.weights(0.0) == 1.0
    z = 1e-4
    assert norm.weights(z) == pytest.approx(1 - z**2 / 24, rel=1e-15)


def test_the_module_imports_only_numpy_and_statsmodels_and_names_classes_in_camel_case():
    text = sm_target.generate(["smooth_l1"])
    tree = ast.parse(text)
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
               for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert modules - {"__future__", "math", "numbers"} == {"numpy", "statsmodels"}
    assert "class SmoothL1Norm(RobustNorm):" in text
    assert "def __init__(self, *, beta=1.0):" in text


@pytest.mark.parametrize("name, cls, kw, theirs", [
    ("l2", "L2Norm", {}, lambda: norms.LeastSquares()),
    ("smooth_l1", "SmoothL1Norm", {"beta": 1.345}, lambda: norms.HuberT(t=1.345)),
])
def test_losses_with_another_scale_map_to_statsmodels_rho(stackloss, name, cls, kw, theirs):
    """rho = f/f''(0): l2 = x**2 is LeastSquares' x**2/2; smooth_l1 with beta is huber/beta,
    so beta*smooth_l1 is HuberT(t=beta). Same params, bse and iterations."""
    m = lossmath.compile(name, "statsmodels")
    y, X = stackloss
    ours = getattr(m, cls)(**kw)
    a, b = sm.RLM(y, X, M=ours).fit(), sm.RLM(y, X, M=theirs()).fit()
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10, atol=0)
    np.testing.assert_allclose(a.bse, b.bse, rtol=1e-10, atol=0)
    assert a.fit_history["iteration"] == b.fit_history["iteration"]
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    for method in ("rho", "psi", "psi_deriv", "weights"):
        np.testing.assert_allclose(getattr(ours, method)(z), getattr(theirs(), method)(z),
                                   rtol=1e-15, atol=0, err_msg=method)
