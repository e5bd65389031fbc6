"""Cross-checks of the generated module against PyTorch and scipy.special.

PyTorch (``torch==2.13.0``, the CPU build; CI installs it) computes smooth L1 and Huber with
fused kernels and autograd: value and gradient must agree with ours for several beta and
delta, in float64 and float32, on random points, at the breakpoints (where torch's kernels
take the outer, linear branch, as smooth L1's table does), at 0, +-inf and NaN.
``scipy.special.huber(delta, r)`` is Huber's loss; smooth L1 is ``huber(beta, x)/beta``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F

from tests.support.codegen import write_and_load

BETAS = [1.0, 0.5, 2.0, 1 / 9, 3.0]
DELTAS = [1.0, 0.5, 2.0, 1.345]


@pytest.fixture(scope="module")
def mod(tmp_path_factory):
    return write_and_load(tmp_path_factory.mktemp("torch"), ["smooth_l1", "huber"])


def _points(b, dtype):
    rng = np.random.default_rng(2024)
    pts = np.concatenate([
        rng.normal(0, 2 * b, 500),
        [0.0, -0.0, b, -b, 3 * b, -3 * b, 1e-30, -1e30, np.inf, -np.inf, np.nan],
    ]).astype(dtype)
    bd = dtype(b)
    near = [np.nextafter(bd, dtype(0)), np.nextafter(bd, dtype(np.inf))]
    return np.concatenate([pts, near, [-n for n in near]]).astype(dtype)


def _torch(fn, xs, **kw):
    """Value and autograd gradient of ``fn(x, 0, reduction='none')``, elementwise."""
    t = torch.from_numpy(xs.copy()).requires_grad_(True)
    value = fn(t, torch.zeros_like(t), reduction="none", **kw)
    (grad,) = torch.autograd.grad(value, t, grad_outputs=torch.ones_like(value))
    return value.detach().numpy(), grad.numpy()


def _close(a, b, dtype):
    rtol = 4 * float(np.finfo(dtype).eps)
    return np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True)


CASES = [("smooth_l1", F.smooth_l1_loss, "beta", b) for b in BETAS]
CASES += [("huber", F.huber_loss, "delta", d) for d in DELTAS]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, fn, param, value", CASES)
def test_value_and_gradient_match_torch_autograd(mod, name, fn, param, value, dtype):
    xs = _points(value, dtype)
    tv, tg = _torch(fn, xs, **{param: value})
    v, g = getattr(mod, f"{name}_value_and_grad")(xs, **{param: value})
    assert v.dtype == g.dtype == tv.dtype == dtype
    assert _close(v, tv, dtype) and _close(g, tg, dtype)
    assert _close(getattr(mod, name)(xs, **{param: value}), tv, dtype)
    assert _close(getattr(mod, f"{name}_grad")(xs, **{param: value}), tg, dtype)


@pytest.mark.parametrize("beta", BETAS)
def test_smooth_l1_gradient_at_beta_is_torch_s_bit_for_bit(mod, beta):
    """At exactly +-beta torch's backward takes the linear branch, sign(x), as the table."""
    for dtype in (np.float64, np.float32):
        at = np.array([-beta, beta], dtype=dtype)
        want = _torch(F.smooth_l1_loss, at, beta=beta)[1].tolist()
        assert mod.smooth_l1_grad(at, beta=beta).tolist() == want == [-1.0, 1.0]


@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_second_derivative_matches_torch_double_backward_off_the_breakpoints(mod, beta):
    xs = _points(beta, np.float64)
    xs = xs[np.isfinite(xs) & (np.abs(np.abs(xs) - beta) > 1e-9)]
    t = torch.from_numpy(xs.copy()).requires_grad_(True)
    value = F.smooth_l1_loss(t, torch.zeros_like(t), reduction="none", beta=beta)
    (grad,) = torch.autograd.grad(value, t, torch.ones_like(value), create_graph=True)
    (hess,) = torch.autograd.grad(grad, t, torch.ones_like(grad))
    assert np.array_equal(mod.smooth_l1_hess(xs, beta=beta), hess.numpy())


@pytest.mark.parametrize("delta", DELTAS)
def test_huber_matches_scipy_special_huber(mod, delta):
    xs = _points(delta, np.float64)
    xs = xs[np.isfinite(xs) | np.isnan(xs)]
    assert _close(mod.huber(xs, delta=delta), scipy.special.huber(delta, xs), np.float64)
    inf = np.array([-np.inf, np.inf])
    assert mod.huber(inf, delta=delta).tolist() == scipy.special.huber(delta, inf).tolist()


@pytest.mark.parametrize("beta", BETAS)
def test_smooth_l1_is_huber_over_beta_as_scipy_computes_it(mod, beta):
    xs = _points(beta, np.float64)
    assert _close(mod.smooth_l1(xs, beta=beta), scipy.special.huber(beta, xs) / beta, np.float64)


def test_torch_and_numpy_differ_only_where_conventions_do(mod):
    """Huber at exactly |x| = delta: torch's fused backward sends the point to the linear
    branch (f'' = 0 by double backward), Huber's definition and scipy's |r| <= delta keep it
    quadratic: our huber_hess is 1 there. The gradient itself is delta either way."""
    at = np.array([-2.0, 2.0])
    t = torch.from_numpy(at.copy()).requires_grad_(True)
    value = F.huber_loss(t, torch.zeros_like(t), reduction="none", delta=2.0)
    (grad,) = torch.autograd.grad(value, t, torch.ones_like(value), create_graph=True)
    (hess,) = torch.autograd.grad(grad, t, torch.ones_like(grad))
    assert grad.tolist() == mod.huber_grad(at, delta=2.0).tolist() == [-2.0, 2.0]
    assert hess.tolist() == [0.0, 0.0] and mod.huber_hess(at, delta=2.0).tolist() == [1.0, 1.0]
