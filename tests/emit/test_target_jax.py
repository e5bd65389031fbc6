"""The JAX target (``lossmath codegen --target jax``) as theorems: ``grad``, ``jit(grad)``,
``vmap`` and ``hessian`` of the custom_jvp functions agree with the numpy target (pinned
against mpmath and torch by its own suite) and with the torch target, in float32 (JAX's
default) and in float64 (x64 is global state: checked in a subprocess of its own).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import lossmath
from tests.support import ulp_harness as H

#: (loss, parameters): piecewise polynomials, a masked transcendental, a primitive
CASES = [("smooth_l1", {"beta": 0.5}), ("huber", {"delta": 1.345}), ("tukey", {}),
         ("wing", {}), ("softplus", {})]
EXACT = {"smooth_l1", "huber"}  # Clip/HuberLike/Steps: exact in every library


@pytest.fixture(scope="module")
def mods():
    losses = [H.all_losses()[n] for n, _ in CASES]
    return tuple(lossmath.compile(losses, t) for t in ("jax", "numpy", "torch"))


def _xs(name: str) -> np.ndarray:
    loss = H.all_losses()[name]
    rng = np.random.default_rng(5)
    pts = list(rng.normal(0, 4, 60)) + [0.0, -0.0, 1e-30, 30.0, -1e4]
    for b in H.breakpoints(loss, np.float32):
        b = np.float32(b)
        pts += [float(b), float(np.nextafter(b, np.float32(np.inf))),
                float(np.nextafter(b, np.float32(-np.inf)))]
    xs = np.array(pts, dtype=np.float32)
    # XLA on the CPU flushes subnormals to 0 (the neighbours of the kink at 0 become 0)
    return xs[(xs == 0) | (np.abs(xs) >= np.finfo(np.float32).tiny)]


def _agree(got, want, name) -> bool:
    got = np.asarray(got)
    if name in EXACT:
        return np.array_equal(got, want)
    # JAX without x64 keeps the float32 pieces the numpy target widens in float32
    return np.allclose(got, want, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name, params", CASES)
def test_grad_jit_vmap_and_hessian_agree_with_numpy_and_torch(mods, name, params):
    jmod, nmod, tmod = mods
    f = getattr(jmod, name)
    xs = _xs(name)
    scalar = lambda t: f(t, **params)  # noqa: E731
    grad = jax.vmap(jax.grad(scalar))(jnp.asarray(xs))
    want = getattr(nmod, f"{name}_grad")(xs, **params)
    assert grad.dtype == jnp.float32 and _agree(grad, want, name)
    jitted = jax.jit(jax.vmap(jax.grad(scalar)))(jnp.asarray(xs))
    assert np.allclose(np.asarray(jitted), np.asarray(grad), rtol=2e-6, atol=1e-7)
    hess = jax.vmap(jax.hessian(scalar))(jnp.asarray(xs))
    assert np.array_equal(np.asarray(hess), np.asarray(getattr(jmod, f"{name}_hess")(xs, **params)))
    assert _agree(hess, getattr(nmod, f"{name}_hess")(xs, **params), name)
    t = torch.from_numpy(xs.copy()).requires_grad_(True)
    (tg,) = torch.autograd.grad(getattr(tmod, name)(t, reduction="sum", **params), t)
    assert _agree(grad, tg.numpy(), name)
    assert _agree(f(xs, **params), getattr(nmod, name)(xs, **params), name)


def test_optax_signature_and_errors(mods):
    jmod, nmod, _ = mods
    p, t = jnp.asarray([0.5, 3.0, -2.0]), jnp.asarray([0.0, 1.0, 1.0])
    assert np.array_equal(np.asarray(jmod.huber(p, t, delta=1.0)),
                          nmod.huber(np.asarray(p - t), delta=1.0))
    assert jmod.huber(jnp.ones(2, jnp.bfloat16)).dtype == jnp.bfloat16
    with pytest.raises(ValueError, match="delta must be finite and nonnegative"):
        jmod.huber(p, delta=-1.0)
    # a traced parameter is taken (optax's own tests call jit(huber_loss)(..., delta=1.0))
    traced = jax.jit(lambda d: jmod.huber(p, delta=d))(1.0)
    assert np.array_equal(np.asarray(traced), np.asarray(jmod.huber(p, delta=1.0)))
    with pytest.raises(TypeError, match="must be a real number"):
        jmod.huber(p, delta="1.0")


_X64 = textwrap.dedent("""
    import sys
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    sys.path.insert(0, {root!r})
    from tests.support import ulp_harness as H
    import lossmath
    losses = [H.all_losses()[n] for n in ("smooth_l1", "tukey", "softplus")]
    jmod, nmod = (lossmath.compile(losses, t) for t in ("jax", "numpy"))
    xs = np.concatenate([np.linspace(-8, 8, 41), [0.0, 1e-300, 4.685, -4.685]])
    for name in ("smooth_l1", "tukey", "softplus"):
        f = getattr(jmod, name)
        g = np.asarray(jax.jit(jax.vmap(jax.grad(f)))(jnp.asarray(xs)))
        h = np.asarray(jax.vmap(jax.hessian(f))(jnp.asarray(xs)))
        assert g.dtype == np.float64, g.dtype
        loss = H.all_losses()[name]
        for order, got, want in ((1, g, getattr(nmod, name + "_grad")(xs)),
                                 (2, h, getattr(nmod, name + "_hess")(xs))):
            # near tukey's c the gradient is ill-conditioned (1 - (x/c)**2 cancels): XLA's
            # rounding of x**2/c**2 (jit reassociates) moves it by up to 15 ulp from numpy's
            # at x = 4.4; both are within the ulp harness bound (mpmath truth, backward error)
            assert np.allclose(got, want, rtol=1e-13, atol=1e-30), (name, order)
            r = H.measure(loss, order, lambda v, got=got: got, np.float64, xs)
            assert r.accepted <= H.BOUNDS[order] and r.spurious == 0, (name, order, r.worst)
        print(name, "ok")
""")


@pytest.mark.subprocess
def test_float64_with_x64_enabled_in_a_subprocess():
    """float64 through jit(grad) and hessian: within the ulp harness's bounds of mpmath, and
    within 1e-13 (relative; 1e-30 absolute) of the numpy target."""
    script = _X64.format(root=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["smooth_l1", "ok", "tukey", "ok", "softplus", "ok"]
