"""Barron's general loss with alpha at run time (lossmath.emit.runtime_shape): its value
within 4 ulp of mpmath from x = 1e-300 to 1e300 at the issue's alphas (numpy, torch, JAX;
float64 and float32), its derivatives against mpmath's, the kernel alone (default tier).

Truths: the definition (|a-2|/a)(((x/c)**2/|a-2| + 1)**(a/2) - 1) in mpmath at 60 digits,
written as (b/a) expm1(a/2 log1p(z/b)) (the same function; mpmath's power - 1 would cancel
every digit at z = 1e-600), and at alpha = 0, 2, +-oo the forms of Barron's paper
(arXiv:1701.03077, as robust_loss_pytorch/general_test.py testAlphaEquals* checks them):
log(z/2 + 1), z/2, 1 - exp(-z/2), exp(z/2) - 1.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

from lossmath.emit.kernels.shape_kernels import _barron_core

ALPHAS = [-50.0, -2.0, -1e-8, 0.0, 1e-8, 1.0, 2 - 1e-8, 2.0, 2 + 1e-8, 50.0, np.inf, -np.inf]
XS = [10.0 ** k for k in range(-300, 301, 5)] + list(np.geomspace(1e-3, 1e3, 61))


def truth(x: float, a: float, c: float = 1.0) -> mpmath.mpf:
    with mpmath.workdps(60):
        z = (mpmath.mpf(x) / mpmath.mpf(c)) ** 2
        if a == 0:  # log1p, expm1: mpmath's log(1 + w) at 60 digits is 0 below w = 1e-60
            return mpmath.log1p(z / 2)
        if a == 2:
            return z / 2
        if a == -np.inf:
            return -mpmath.expm1(-z / 2)
        if a == np.inf:
            return mpmath.expm1(z / 2)
        a = mpmath.mpf(a)
        b = abs(a - 2)
        return b / a * mpmath.expm1(a / 2 * mpmath.log1p(z / b))


def ulps(got: float, want: mpmath.mpf, dtype) -> float:
    """|got - want| in units of the spacing of ``dtype`` at ``want`` (0 where both overflow
    to the same infinity or both are 0)."""
    info = np.finfo(dtype)
    if abs(want) > float(info.max):
        return 0.0 if got == np.inf else np.inf
    w = dtype(float(want))
    if not np.isfinite(got):
        return np.inf
    return abs(float(got) - float(want)) / float(np.spacing(abs(w)) if w != 0
                                                 else info.smallest_subnormal)


def test_kernel_within_4_ulp_at_a_sample():
    """The float64 kernel alone (no derivation: default tier), 40 points."""
    xs = np.array([1e-160, 1e-5, 0.3, 1.7, 20.0, 1e30, 1e150, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a in (-50.0, -1e-8, 1.0, 2 + 1e-8, 50.0):
            got = _barron_core(np, xs, np.float64(a), 1.0)[0]
            worst = max(ulps(g, truth(v, a), np.float64) for g, v in zip(got, xs))
            assert worst <= 4, (a, worst)


# -- the generated modules (slow: the derivation takes 1-3 minutes on a shared 2-core machine)


@pytest.fixture(scope="module")
def modules():
    from lossmath.emit.runtime_shape import compile_runtime

    return {t: compile_runtime("barron", t) for t in ("numpy", "torch", "jax")}


def _call(mods, target, x, a, c, dtype):
    """alpha and c given in x's dtype, as Barron's tests give them."""
    a, c = np.asarray(a, dtype), np.asarray(c, dtype)
    if target == "numpy":
        return np.asarray(mods["numpy"].barron(np.asarray(x, dtype), a, c))
    if target == "torch":
        import torch

        return mods["torch"].barron(*(torch.tensor(v) for v in (x, a, c))).numpy()
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    return np.asarray(mods["jax"].barron(*(jnp.asarray(v) for v in (x, a, c))))


@pytest.mark.slow
@pytest.mark.parametrize("target", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("c", [1.0, 3.3])
def test_run_time_alpha_is_within_4_ulp_of_mpmath(modules, target, dtype, c):
    pytest.importorskip(target)
    xs = np.array([v for v in XS if v < float(np.finfo(dtype).max)], dtype)
    info = np.finfo(dtype)
    worst = {}
    for a in ALPHAS:
        got = _call(modules, target, xs, a, c, dtype)
        # the truth at the arguments the function received: alpha and c rounded to dtype
        # (2 +- 1e-8 is 2 in float32)
        want = [truth(float(v), float(dtype(a)), float(dtype(c))) for v in xs]
        # XLA on the CPU flushes subnormal results to 0 (jax-ml/jax#4156): not measured there
        errs = [0.0 if target == "jax" and 0 < abs(w) < info.tiny else ulps(g, w, dtype)
                for g, w in zip(got, want)]
        worst[a] = (max(errs), float(xs[int(np.argmax(errs))]))
    assert all(e <= 4 for e, _ in worst.values()), worst
