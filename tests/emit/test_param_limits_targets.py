"""Every array target takes a parameter's limit at its boundary value 0 (smooth_l1 with
beta = 0 is L1, pseudo_huber with delta = 0 is 0, ...): the value and the first derivative
at 0 equal the definition's at a parameter 10**-60 away, evaluated by sympy/mpmath in 50
digits (an independent truth: the catalog's expression, no limit taken); the second
derivative too away from the points where the family's own does not converge (smooth_l1's
f''(0) = 1/beta)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import lossmath
from lossmath import catalog, x
from tests.support.jax_x64 import x64

TINY = sp.Rational(1, 10**60)
LOSSES = {"smooth_l1": "beta", "huber": "delta", "pseudo_huber": "delta",
          "charbonnier": "epsilon", "quantile": "tau", "geman_mcclure": "sigma",
          "epsilon_insensitive": "epsilon", "welsch": "c"}
XS = [-3.5, -1.0, -1e-3, 0.0, 1e-3, 0.7, 2.0]


def _truth(name: str, order: int) -> np.ndarray:
    loss = catalog.get(name)
    subs = {p.symbol: (TINY if p.name == LOSSES[name] else p.default) for p in loss.params}
    e = sp.diff(loss.expr.xreplace(subs), x, order) if order else loss.expr.xreplace(subs)
    return np.array([float(sp.N(e.xreplace({x: sp.nsimplify(v, rational=True)}), 50))
                     for v in XS])


TRUTHS = {}


def _want(name, order):
    if (name, order) not in TRUTHS:
        TRUTHS[name, order] = _truth(name, order)
    return TRUTHS[name, order]


def _calls(target):
    """(value, grad, hess) of a target as functions of a float64 numpy array, parameter 0."""
    names = sorted(LOSSES)
    if target == "torch":
        torch = pytest.importorskip("torch")
        mod = lossmath.compile(names, target="torch")

        def call(name, n):
            fn = getattr(mod, name + ("", "_grad", "_hess")[n])
            kw = {LOSSES[name]: 0.0}
            if n == 0:
                return lambda v: fn(torch.tensor(v), reduction="none", **kw).numpy()
            return lambda v: fn(torch.tensor(v), **kw).numpy()
        return call
    if target == "jax":
        jnp = pytest.importorskip("jax.numpy")
        mod = lossmath.compile(names, target="jax")
        return lambda name, n: (lambda v: np.asarray(getattr(
            mod, name + ("", "_grad", "_hess")[n])(jnp.asarray(v), **{LOSSES[name]: 0.0})))
    if target == "numba":
        pytest.importorskip("numba")
    if target == "array-api":
        pytest.importorskip("array_api_compat")
    mod = lossmath.compile(names, target=target)
    return lambda name, n: (lambda v: np.asarray(getattr(
        mod, name + ("", "_grad", "_hess")[n])(v, **{LOSSES[name]: 0.0})))


TARGETS = ["numpy", pytest.param("torch", marks=pytest.mark.slow), "jax", "array-api",
           pytest.param("numba", marks=pytest.mark.slow)]


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_takes_the_limit_at_zero(target):
    with x64():
        call = _calls(target)
        xs = np.array(XS)
        for name in sorted(LOSSES):
            for n in (0, 1, 2):
                got = call(name, n)(xs)
                want = _want(name, n)
                keep = np.ones(len(XS), bool) if n < 2 else np.abs(xs) > 1e-2
                np.testing.assert_allclose(got[keep], want[keep], rtol=1e-14, atol=1e-14,
                                           err_msg=f"{target} {name} order {n}")


def test_a_parameter_without_a_limit_still_refuses_zero():
    """berhu's c -> 0 has no finite limit: 0 stays outside the domain, with the error."""
    mod = lossmath.compile(["berhu"], target="numpy")
    with pytest.raises(ValueError, match="c must be finite and positive"):
        mod.berhu(1.0, c=0.0)


@pytest.mark.slow  # generating balanced_l1's torch module with two parameters' derivatives: ~80 s
def test_two_parameters_at_zero_at_once_are_refused():
    """balanced_l1 has a limit in alpha and one in gamma; both at 0 is neither."""
    for target in ("numpy", "torch"):
        mod = lossmath.compile(["balanced_l1"], target=target)
        with pytest.raises(ValueError, match="0"):
            x0 = np.ones(3) if target == "numpy" else pytest.importorskip("torch").ones(3)
            mod.balanced_l1(x0, alpha=0.0, gamma=0.0)


def test_jax_takes_the_limit_per_element_under_jit():
    """A per-element parameter array with zeros among positive values, traced by jit: the
    limit where it is 0, the formula elsewhere, and grad with respect to x finite."""
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    with x64():
        mod = lossmath.compile(["smooth_l1"], target="jax")
        v = jnp.asarray([-2.0, -0.25, 0.0, 0.25, 3.0])
        beta = jnp.asarray([0.0, 1.0, 0.0, 0.0, 2.0])
        got = jax.jit(lambda a, b: mod.smooth_l1(a, beta=b))(v, beta)
        np.testing.assert_allclose(np.asarray(got), [2.0, 0.03125, 0.0, 0.25, 2.0], rtol=1e-15)
        g = jax.grad(lambda a: mod.smooth_l1(a, beta=beta).sum())(v)
        np.testing.assert_allclose(np.asarray(g), [-1.0, -0.25, 0.0, 1.0, 1.0], rtol=1e-15)
