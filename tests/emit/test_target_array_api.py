"""The array-API target (``lossmath codegen --target array-api``) as theorems: one module, the
same results on numpy, torch, Dask, JAX and ``array_api_strict`` arrays as the numpy target
(the reference: its own suite pins it against mpmath and torch), a chunked Dask array stays
lazy, and autodiff through the module (jax.grad, torch.autograd) finds no NaN in an unused
singular branch (derivatives by hand: d/dx of x is 1, of sqrt(x) is 1/(2 sqrt(x)), of log(x)
is 1/x).
"""

from __future__ import annotations

import array_api_strict
import dask.array as da
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import lossmath
from lossmath import loss_from_expr
from tests.support import ulp_harness as H
from tests.support.agreement import bitwise_expected

#: the catalog and four stable forms (primitives softplus, sigmoid, log1p_sq, hypotm...);
#: the ulp harness test runs every form on the array module (numpy-backed)
NAMES = ["l1", "l2", "smooth_l1", "huber", "tukey", "wing", "softplus", "cauchy", "welsch",
         "pseudo_huber"]
LOSSES = {n: H.all_losses()[n] for n in NAMES}


@pytest.fixture(scope="module")
def mods():
    losses = list(LOSSES.values())
    return lossmath.compile(losses, "array-api"), lossmath.compile(losses, "numpy")


def _namespaces(xs: np.ndarray) -> dict:
    return {
        "numpy": lambda f: f(xs),
        "array_api_strict": lambda f: np.asarray(f(array_api_strict.asarray(xs))),
        "torch": lambda f: f(torch.from_numpy(xs)).numpy(),
        "dask": lambda f: f(da.from_array(xs, chunks=17)).compute(scheduler="synchronous"),
    }


def _same(got: np.ndarray, want: np.ndarray, ulps: float) -> bool:
    if np.array_equal(np.isnan(got), np.isnan(want)) is False:
        return False
    ok = np.isnan(want) | (got == want)
    with np.errstate(all="ignore"):  # spacing(inf) is nan
        ok |= np.abs(got - want) <= ulps * np.abs(np.spacing(want.astype(got.dtype)))
    return bool(ok.all())


def _agree_cases():
    for name in NAMES:
        for dtype in (np.float64, np.float32):
            yield pytest.param(name, dtype, id=f"{name}-{dtype.__name__}")


@pytest.mark.parametrize("name, dtype", list(_agree_cases()))
def test_numpy_torch_dask_and_strict_agree_with_the_numpy_target(mods, name, dtype):
    """numpy-backed namespaces are the numpy target bit for bit where both compute the same
    correctly rounded operations (``bitwise_expected``: no transcendental function, no pow,
    no hypot); elsewhere the library functions may differ (torch's exp/log are SLEEF's; the
    numpy target's softplus is np.logaddexp, a scalar libm loop, where the array module calls
    np.exp and np.log1p, numpy's AVX-512 loops: 1 ulp apart in float64 there), by at most 2
    ulp, as measured; each target is measured against mpmath by the ulp harness."""
    amod, nmod = mods
    xs = H.grid(LOSSES[name], dtype, 0.15, 20)
    same_operations = bitwise_expected(LOSSES[name])
    for suffix in ("", "_grad", "_hess"):
        want = getattr(nmod, name + suffix)(xs)
        for lib, run in _namespaces(xs).items():
            with np.errstate(all="ignore"):  # numpy reports overflow to inf (documented)
                got = run(getattr(amod, name + suffix))
            assert got.dtype == dtype
            exact = lib != "torch" and same_operations
            assert _same(got, want, 0 if exact else 2), (lib, name + suffix)


def test_a_chunked_dask_array_stays_lazy(mods):
    amod, nmod = mods
    xs = np.linspace(-20, 20, 10_001)
    d = da.from_array(xs, chunks=1000)
    value, grad = amod.tukey_value_and_grad(d, c=3.0)
    for r in (value, grad, amod.welsch_hess(d)):
        assert isinstance(r, da.Array) and r.chunks == d.chunks
    assert np.array_equal(value.compute(), nmod.tukey(xs, c=3.0))
    assert np.array_equal(grad.compute(), nmod.tukey_grad(xs, c=3.0))


def test_jax_arrays_agree_with_the_numpy_target_in_float32(mods):
    """JAX without x64 has no float64, so the pieces the numpy target widens stay float32
    here, and XLA on the CPU flushes subnormals to 0: tukey's gradient x*(1 - (x/c)**2)**2
    next to x = c cancels (1.5e-13 for 1.9e-13; the ulp harness accepts it by the backward
    criterion). So: relative 1e-5, absolute 1e-6 for these O(1) functions."""
    amod, nmod = mods
    for name in ("smooth_l1", "tukey", "softplus", "cauchy", "welsch"):
        xs = H.grid(LOSSES[name], np.float32, 0.15, 20)
        for suffix in ("", "_grad", "_hess"):
            got = np.asarray(getattr(amod, name + suffix)(jnp.asarray(xs)))
            assert got.dtype == np.float32
            want = getattr(nmod, name + suffix)(xs)
            assert np.allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True), name + suffix


SINGULAR = {
    "sqrt_branch": ("x if x < 1 else sqrt(x)", [0.0, -3.0, 0.5, 1.0, 4.0],
                    [1.0, 1.0, 1.0, 0.5, 0.25]),
    "log_branch": ("log(x) if x > 1 else x - 1", [-5.0, 0.0, 1.0, 2.0, 4.0],
                   [1.0, 1.0, 1.0, 0.5, 0.25]),
}


@pytest.mark.parametrize("case", list(SINGULAR))
def test_autodiff_through_the_module_skips_the_singular_branch(case):
    text, points, want = SINGULAR[case]
    mod = lossmath.compile(loss_from_expr(text, case), "array-api")
    fn = getattr(mod, case)
    g = jax.vmap(jax.grad(fn))(jnp.asarray(points, dtype=jnp.float32))
    assert np.asarray(g).tolist() == want
    t = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(fn(t).sum(), t)
    assert tg.tolist() == want
    assert np.asarray(getattr(mod, f"{case}_grad")(np.asarray(points))).tolist() == want


def test_inputs_and_errors(mods):
    amod, _ = mods
    assert amod.huber(np.arange(3)).dtype == np.float64
    assert amod.huber(np.ones(3, np.float16)).dtype == np.float16
    with pytest.raises(TypeError, match="array API library"):
        amod.huber(1.5)
    with pytest.raises(ValueError, match="delta must be finite and nonnegative"):
        amod.huber(np.ones(2), delta=-1.0)
