"""Hyperparameters as arrays in the JAX target: traced under jit and vmap, broadcast per
element, and differentiable; their derivatives checked against mpmath's numerical
derivative of the definition (an independent truth), their values against Python-float
calls."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import lossmath  # noqa: E402
from tests.support.jax_x64 import x64  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _float64():
    with x64():  # restored after this module: the setting is global
        yield

XS = [-3.0, -0.5, 0.2, 2.0, 7.5]
DEFS = {  # the catalog's definitions, written out for mpmath
    "huber": ("delta", lambda x, d: x * x / 2 if abs(x) <= d else d * (abs(x) - d / 2)),
    "pseudo_huber": ("delta", lambda x, d: d * d * (mpmath.sqrt(1 + (x / d) ** 2) - 1)),
    "cauchy": ("c", lambda x, c: c * c / 2 * mpmath.log(1 + (x / c) ** 2)),
}


@pytest.fixture(scope="module")
def mod():
    return lossmath.compile(sorted(DEFS), target="jax")


@pytest.mark.parametrize("name", sorted(DEFS))
@pytest.mark.parametrize("p", [0.7, 1.5, 4.0])
def test_derivative_in_the_parameter_is_mpmaths(mod, name, p):
    pname, f = DEFS[name]
    fn = getattr(mod, name)
    xs = jnp.asarray(XS)
    got = jax.jit(jax.vmap(jax.grad(lambda v, t: fn(t, **{pname: v}), argnums=0),
                           in_axes=(None, 0)))(p, xs)
    want = [float(mpmath.diff(lambda v, t=t: f(mpmath.mpf(t), v), mpmath.mpf(p))) for t in XS]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-300)
    # the second derivative in the parameter, through the same rule
    h = jax.hessian(lambda v: fn(xs, **{pname: v}).sum())(p)
    want2 = sum(float(mpmath.diff(lambda v, t=t: f(mpmath.mpf(t), v), mpmath.mpf(p), 2))
                for t in XS)
    np.testing.assert_allclose(float(h), want2, rtol=1e-9)


@pytest.mark.parametrize("name", sorted(DEFS))
def test_array_parameters_broadcast_per_element_and_equal_float_calls(mod, name):
    pname, _ = DEFS[name]
    fn = getattr(mod, name)
    ps = [0.5, 1.0, 2.0, 3.0, 0.25]
    got = fn(jnp.asarray(XS), **{pname: jnp.asarray(ps)})
    each = [float(fn(jnp.asarray([x]), **{pname: p})[0]) for x, p in zip(XS, ps)]
    np.testing.assert_allclose(np.asarray(got), each, rtol=4e-16)
    swept = jax.vmap(lambda v: fn(jnp.asarray(XS), **{pname: v}))(jnp.asarray(ps))
    for k, p in enumerate(ps):
        np.testing.assert_array_equal(np.asarray(swept[k]),
                                      np.asarray(fn(jnp.asarray(XS), **{pname: p})))


def test_concrete_array_parameter_out_of_domain_raises(mod):
    # huber's delta admits 0, where the loss is its limit (0); a negative delta is refused
    with pytest.raises(ValueError, match="delta must be finite and nonnegative"):
        mod.huber(jnp.asarray(XS), delta=jnp.asarray([1.0, -1.0, 1.0, 1.0, 1.0]))


def test_a_learned_delta_trains(mod):
    """Gradient descent on delta of pseudo_huber toward a target curve made with delta = 2:
    the learned delta reaches 2 (the derivative in delta is what the descent follows)."""
    xs = jnp.linspace(-5, 5, 41)
    target = mod.pseudo_huber(xs, delta=2.0)
    loss = jax.jit(lambda d: jnp.mean((mod.pseudo_huber(xs, delta=d) - target) ** 2))
    step = jax.jit(jax.grad(loss))
    d = jnp.asarray(0.8)
    for _ in range(300):
        d = d - 0.05 * step(d)
    assert abs(float(d) - 2.0) < 1e-6
