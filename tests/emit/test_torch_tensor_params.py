"""Hyperparameters as tensors in the torch target: a scalar tensor or one per element,
requires_grad allowed. The derivatives in the hyperparameter are generated symbolically
(plan.param_derivative): checked by torch.autograd.gradcheck / gradgradcheck (forward mode
too) and against mpmath's numerical derivative of the definition written out by hand (an
independent truth); the values equal the Python-float calls'; a learned parameter trains."""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

# slow tier: the module of six losses with their derivatives in the parameter takes about
# 70 s to generate on a 2-core machine
pytestmark = pytest.mark.slow

import lossmath  # noqa: E402

DEFS = {  # the catalog's definitions, written out for mpmath (x, parameter)
    "smooth_l1": ("beta", lambda x, b: x * x / (2 * b) if abs(x) < b else abs(x) - b / 2),
    "huber": ("delta", lambda x, d: x * x / 2 if abs(x) <= d else d * (abs(x) - d / 2)),
    "pseudo_huber": ("delta", lambda x, d: d * d * (mpmath.sqrt(1 + (x / d) ** 2) - 1)),
    "cauchy": ("c", lambda x, c: c * c / 2 * mpmath.log(1 + (x / c) ** 2)),
    "welsch": ("c", lambda x, c: c * c / 2 * (1 - mpmath.exp(-(x / c) ** 2))),
    "charbonnier": ("epsilon", lambda x, e: mpmath.sqrt(x * x + e * e) - e),
}
XS = [-3.0, -0.7, -0.1, 0.2, 1.3, 6.0]


@pytest.fixture(scope="module")
def mod():
    return lossmath.compile(sorted(DEFS), target="torch")


def _x():
    return torch.tensor(XS, dtype=torch.float64, requires_grad=True)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", sorted(DEFS))
@pytest.mark.parametrize("shape", [(), (len(XS),)])
def test_gradcheck_in_x_and_the_hyperparameter(mod, name, shape):
    pname = DEFS[name][0]
    p = (0.45 + 0.3 * torch.arange(len(XS), dtype=torch.float64)).reshape(-1)[:1].reshape(
        shape) if shape == () else 0.45 + 0.3 * torch.arange(len(XS), dtype=torch.float64)
    p.requires_grad_(True)
    fn = lambda a, q: getattr(mod, name)(a, reduction="none", **{pname: q})  # noqa: E731
    assert torch.autograd.gradcheck(fn, (_x(), p), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(fn, (_x(), p))
    g = lambda a, q: getattr(mod, name + "_grad")(a, **{pname: q})  # noqa: E731
    assert torch.autograd.gradcheck(g, (_x(), p), check_forward_ad=True)


@pytest.mark.parametrize("name", sorted(DEFS))
@pytest.mark.parametrize("p", [0.6, 1.5, 4.0])
def test_derivative_in_the_parameter_is_mpmaths(mod, name, p):
    pname, f = DEFS[name]
    q = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    for order, fname in ((0, name), (1, name + "_grad")):
        x = torch.tensor(XS, dtype=torch.float64)
        kw = {"reduction": "none"} if order == 0 else {}
        (d,) = torch.autograd.grad(getattr(mod, fname)(x, **{pname: q}, **kw).sum(), q)
        def in_x(b, v, order=order):
            return mpmath.diff(lambda u: f(u, b), v, order) if order else f(v, b)

        with mpmath.workdps(40):  # not the process-wide precision: other tests read it
            want = sum(mpmath.diff(lambda b, v=v: in_x(b, v), mpmath.mpf(p))
                       for v in (mpmath.mpf(v) for v in XS))
        assert float(d) == pytest.approx(float(want), rel=1e-12, abs=1e-14), (name, order)


@pytest.mark.parametrize("name", sorted(DEFS))
def test_tensor_values_equal_the_number_calls(mod, name):
    pname = DEFS[name][0]
    ps = [0.5, 1.0, 2.0, 3.0, 0.25, 7.0]
    x = torch.tensor(XS, dtype=torch.float64)
    got = getattr(mod, name)(x, reduction="none", **{pname: torch.tensor(ps)})
    each = [float(getattr(mod, name)(x[i:i + 1], reduction="none", **{pname: p})[0])
            for i, p in enumerate(ps)]
    np.testing.assert_allclose(got.numpy(), each, rtol=4e-16)


def test_a_learned_hyperparameter_trains(mod):
    """An nn.Parameter given to the module is a parameter of it; gradient descent on it
    lowers the loss (the derivative in delta reaches the optimiser)."""
    delta = torch.nn.Parameter(torch.tensor(2.0, dtype=torch.float64))
    crit = mod.PseudoHuber(delta=delta)
    assert any(p is delta for p in crit.parameters())
    x = torch.tensor(XS, dtype=torch.float64)
    opt = torch.optim.SGD(crit.parameters(), lr=0.05)
    before = float(crit(x).detach())
    for _ in range(20):
        opt.zero_grad()
        crit(x).backward()
        opt.step()
    assert float(crit(x).detach()) < before and float(delta.detach()) < 2.0


def test_a_tensor_outside_the_domain_is_refused(mod):
    with pytest.raises(ValueError, match="delta must be finite and nonnegative"):
        mod.huber(torch.tensor(XS), delta=torch.tensor([1.0, -1.0, 1, 1, 1, 1]))
    with pytest.raises(TypeError, match="floating-point"):
        mod.huber(torch.tensor(XS), delta=torch.tensor(1))


WIDE = [-1e200, -1e120, -3e40, 1e-150, 2e-30, 5e60, 1e150]


def _wide_param_derivative(mod, name, order):
    pname, f = DEFS[name]
    q = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(WIDE, dtype=torch.float64)
    fname = name + "_grad" if order else name
    kw = {} if order else {"reduction": "none"}
    out = getattr(mod, fname)(x, **{pname: q}, **kw)
    got = [float(torch.autograd.grad(out[i], q, retain_graph=True)[0]) for i in range(len(WIDE))]

    def in_x(b, v):
        return mpmath.diff(lambda u: f(u, b), v, order) if order else f(v, b)

    with mpmath.workdps(500):  # |x| - b/2 at |x| = 1e200 keeps b's digits
        want = [float(mpmath.diff(lambda b, v=v: in_x(b, mpmath.mpf(v)), mpmath.mpf(1.5)))
                for v in WIDE]
    return got, want


#: measured (this test, and lossmath.emit.lower.Lowered on the planned form at c = 1.5): the
#: derivatives in c of Cauchy's and Welsch's values cancel near 0 (c*log1p(u) - c*u/(1 + u) and
#: c*(1 - exp(-u)) - c*u*exp(-u), u = x**2/c**2, both ~x**4/(2*c**3)): at x = 2e-30 the
#: true 2.37e-120 comes out as -5.5e-76 (Cauchy) and 0 (Welsch). No identity of the search
#: removes the cancellation, and its Taylor regimes are made for pieces without parameters only.
#: (Far out they are accurate: the overflow there is gone, see lossmath.numerics.balance.)
_NEAR_ZERO = {("cauchy", 0): "-5.5e-76", ("welsch", 0): "0"}


@pytest.mark.parametrize("name", sorted(DEFS))
@pytest.mark.parametrize("order", [0, 1])
def test_derivative_in_the_parameter_is_finite_and_accurate_far_out(mod, name, order, request):
    # the truth: mpmath's numerical derivative in the parameter of the written definition
    # (500 digits), at inputs from 1e-150 to 1e200 where every exact value is a normal float
    if (name, order) in _NEAR_ZERO:
        request.applymarker(pytest.mark.xfail(
            strict=True, reason="cancellation near 0 in the planned derivative in the parameter "
            f"(measured: {_NEAR_ZERO[name, order]} for 2.37e-120 at x = 2e-30, c = 1.5)"))
    got, want = _wide_param_derivative(mod, name, order)
    for v, g, w in zip(WIDE, got, want):
        assert np.isfinite(g), (name, order, v, g)
        assert g == pytest.approx(w, rel=1e-9, abs=1e-300), (name, order, v, g, w)


#: the definitions again, for sympy (x, parameter), written out by hand as DEFS are: the truth
#: of the random test below is sympy's derivative of these, evaluated by mpmath
_X, _P = sp.symbols("x p", real=True)
SYMBOLIC = {
    "pseudo_huber": _P**2 * (sp.sqrt(1 + (_X / _P) ** 2) - 1),
    "charbonnier": sp.sqrt(_X**2 + _P**2) - _P,
    "cauchy": _P**2 / 2 * sp.log(1 + (_X / _P) ** 2),
    "welsch": _P**2 / 2 * (1 - sp.exp(-((_X / _P) ** 2))),
}
#: (loss, order in x) whose derivative in the parameter is accurate at every input
RANDOM = [(name, order) for name in sorted(SYMBOLIC) for order in (0, 1)
          if (name, order) not in _NEAR_ZERO]


@functools.cache
def _exact_param_derivative(name: str, order: int):
    e = sp.diff(SYMBOLIC[name], _P)
    return sp.lambdify((_X, _P), sp.diff(e, _X, order) if order else e, modules="mpmath")


def _converged(f, xv: float, pv: float):
    """f at (xv, pv) with mpmath at 60, 120, ... digits until two agree to 30 digits (the
    formula as written cancels: 2*p*(sqrt(1 + x**2/p**2) - 1) - ... near 0)."""
    prev = None
    for dps in (60, 120, 240, 480, 960, 1920):
        with mpmath.workdps(dps):
            r = f(mpmath.mpf(xv), mpmath.mpf(pv))
            if prev is not None and abs(r - prev) <= abs(r) * mpmath.mpf(10) ** -30:
                return r
            prev = r
    raise AssertionError(f"mpmath did not converge at {xv}, {pv}")


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(RANDOM), xe=st.floats(-300, 300), pe=st.floats(-100, 100),
       negative=st.booleans())
def test_derivative_in_the_parameter_at_random_parameters_and_inputs(mod, case, xe, pe, negative):
    """d f/dp and d f'/dp from torch's autograd through the generated module, at x = +-10**xe
    (1e-300 to 1e300) and p = 10**pe (1e-100 to 1e100), within 1e-9 relative of sympy's
    derivative of the definition written out above (mpmath, converged), wherever that is a
    normal float; 0 (or subnormal) where it underflows."""
    name, order = case
    pname = DEFS[name][0]
    xv, pv = (-1.0 if negative else 1.0) * 10.0**xe, 10.0**pe
    q = torch.tensor(pv, dtype=torch.float64, requires_grad=True)
    xt = torch.tensor([xv], dtype=torch.float64)
    fname, kw = (name + "_grad", {}) if order else (name, {"reduction": "none"})
    (d,) = torch.autograd.grad(getattr(mod, fname)(xt, **{pname: q}, **kw).sum(), q)
    got = float(d)
    want = _converged(_exact_param_derivative(name, order), xv, pv)
    if abs(want) < mpmath.mpf(2.0**-1022):
        assert abs(got) <= 2.0**-1000, (name, order, xv, pv, got, want)
        return
    assume(abs(want) < mpmath.mpf(1e300))
    assert math.isfinite(got), (name, order, xv, pv, got)
    assert got == pytest.approx(float(want), rel=1e-9), (name, order, xv, pv, got, float(want))
