"""The torch target (``lossmath codegen --target torch``) as theorems.

Truths: PyTorch's own ``F.smooth_l1_loss`` and ``F.huber_loss`` (fused kernels with
hand-written backward passes, independent of lossmath) for values and gradients;
``torch.autograd.gradcheck``/``gradgradcheck`` (finite differences) for the generated
backward passes; the singular-branch cases by hand (d/dx of x is 1, of sqrt(x) is
1/(2 sqrt(x)), of x - 1 is 1, of log(x) is 1/x).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossmath
from lossmath import loss_from_expr

BETAS = [1.0, 0.5, 2.0, 1 / 9]
DELTAS = [1.0, 0.5, 2.0, 1.345]
DTYPES = [torch.float64, torch.float32]


@pytest.fixture(scope="module")
def mod():
    return lossmath.compile(["l1", "l2", "smooth_l1", "huber", "tukey", "wing"], "torch")


def _points(b: float, dtype: torch.dtype) -> torch.Tensor:
    """Random residuals, and the edges: +-0, the breakpoints +-b and their float neighbours,
    large values, +-inf, NaN."""
    rng = np.random.default_rng(7)
    ndt = np.float64 if dtype == torch.float64 else np.float32
    bd = ndt(b)
    near = [np.nextafter(bd, ndt(0)), bd, np.nextafter(bd, ndt(np.inf))]
    pts = np.concatenate([
        rng.normal(0, 2 * b, 300),
        [0.0, -0.0, 3 * b, 1e-30, -1e30, 1e30, np.inf, -np.inf, np.nan],
        near, [-n for n in near],
    ]).astype(ndt)
    return torch.from_numpy(pts)


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    eps = torch.finfo(a.dtype).eps
    return torch.allclose(a, b, rtol=4 * eps, atol=0, equal_nan=True)


CASES = [("smooth_l1", F.smooth_l1_loss, "beta", b) for b in BETAS]
CASES += [("huber", F.huber_loss, "delta", d) for d in DELTAS]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, ref, param, value", CASES)
def test_values_and_gradients_equal_torch_s_own_losses(mod, name, ref, param, value, dtype,
                                                       reduction):
    xs = _points(value, dtype)
    finite = xs[torch.isfinite(xs)] if reduction != "none" else xs  # a NaN/inf mean is NaN
    target = torch.linspace(-1, 1, finite.numel(), dtype=dtype)
    out = []
    for fn in (getattr(mod, name), ref):
        inp = (finite + target).detach().requires_grad_(True)
        loss = fn(inp, target, reduction=reduction, **{param: value})
        (grad,) = torch.autograd.grad(loss, inp, torch.ones_like(loss))
        out.append((loss.detach(), grad))
    (lv, lg), (tv, tg) = out
    assert lv.dtype == tv.dtype == dtype and lv.shape == tv.shape
    assert _close(lv, tv) and _close(lg, tg)


@pytest.mark.parametrize("beta", BETAS)
def test_gradient_at_the_breakpoints_is_torch_s_bit_for_bit(mod, beta):
    for dtype in DTYPES:
        at = torch.tensor([-beta, beta, 0.0], dtype=dtype, requires_grad=True)
        ours = torch.autograd.grad(mod.smooth_l1(at, beta=beta, reduction="sum"), at)[0]
        theirs = torch.autograd.grad(F.smooth_l1_loss(at, torch.zeros_like(at), beta=beta,
                                                      reduction="sum"), at)[0]
        assert ours.tolist() == theirs.tolist() == [-1.0, 1.0, 0.0]


def _interior(name: str) -> torch.Tensor:
    """float64 points away from every breakpoint (finite differences straddle none)."""
    rng = np.random.default_rng(3)
    xs = rng.uniform(-12, 12, 40)
    bps = {"smooth_l1": [1], "huber": [1], "tukey": [4.685], "wing": [10], "l1": [0]}.get(name, [])
    keep = [v for v in xs if all(abs(abs(v) - b) > 1e-3 for b in bps) and abs(v) > 1e-3]
    return torch.tensor(keep, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("name", ["l1", "l2", "smooth_l1", "huber", "tukey", "wing"])
def test_gradcheck_and_gradgradcheck_in_float64(mod, name):
    fn = getattr(mod, name)
    xs = _interior(name)
    assert torch.autograd.gradcheck(lambda t: fn(t, reduction="none"), (xs,))
    assert torch.autograd.gradgradcheck(lambda t: fn(t, reduction="none"), (xs,))
    grad = getattr(mod, f"{name}_grad")
    assert torch.autograd.gradcheck(grad, (xs,))


@pytest.mark.parametrize("name", ["l1", "l2", "smooth_l1", "huber", "tukey", "wing"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_double_backward_is_the_generated_hessian(mod, name, dtype):
    xs = _points(1.0, dtype).requires_grad_(True)
    value = getattr(mod, name)(xs, reduction="none")
    (g,) = torch.autograd.grad(value, xs, torch.ones_like(value), create_graph=True)
    (h,) = torch.autograd.grad(g, xs, torch.ones_like(g))
    hess = getattr(mod, f"{name}_hess")(xs.detach())
    assert torch.equal(g.detach().nan_to_num(7.0), getattr(mod, f"{name}_grad")(
        xs.detach()).nan_to_num(7.0))
    assert torch.equal(h.nan_to_num(7.0), hess.nan_to_num(7.0))


def test_the_hessian_s_backward_is_the_third_derivative(mod):
    """tukey's f''' by hand: f'' = (1 - u)(1 - 5u) with u = (x/c)**2, so
    f''' = 4x(5u - 3)/c**2 inside |x| <= c, 0 outside."""
    c = 4.685
    xs = torch.tensor([-3.0, -0.5, 0.25, 2.0, 4.0, 6.0], dtype=torch.float64,
                      requires_grad=True)
    (third,) = torch.autograd.grad(mod.tukey_hess(xs).sum(), xs)
    u = (xs.detach() / c) ** 2
    want = torch.where(xs.detach().abs() <= c, 4 * xs.detach() * (5 * u - 3) / c**2, 0.0)
    assert torch.allclose(third, want, rtol=1e-13, atol=0)


SINGULAR = {
    "sqrt_branch": ("x if x < 1 else sqrt(x)", [0.0, -3.0, 0.5, 1.0, 4.0],
                    [1.0, 1.0, 1.0, 0.5, 0.25]),
    "log_branch": ("log(x) if x > 1 else x - 1", [-5.0, 0.0, 1.0, 2.0, 4.0],
                   [1.0, 1.0, 1.0, 0.5, 0.25]),
}


@pytest.mark.parametrize("case", list(SINGULAR))
def test_an_unused_singular_branch_gives_finite_correct_gradients(case):
    text, points, want = SINGULAR[case]
    mod = lossmath.compile(loss_from_expr(text, case), "torch")
    xs = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    value = getattr(mod, case)(xs, reduction="none")
    assert torch.isfinite(value).all()
    (g,) = torch.autograd.grad(value.sum(), xs, create_graph=True)
    assert g.tolist() == want  # hand derivatives, breakpoint 1 owned as the text says
    (h,) = torch.autograd.grad(g.sum(), xs)
    assert torch.isfinite(h).all()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32_and_rounded_once(mod, dtype):
    xs = _points(1.0, torch.float32)
    ours = mod.tukey(xs.to(dtype), reduction="none")
    assert ours.dtype == dtype
    want = mod.tukey(xs.to(dtype).float(), reduction="none").to(dtype)
    assert torch.equal(ours.nan_to_num(7.0), want.nan_to_num(7.0))


def test_module_class_and_errors(mod):
    loss = mod.SmoothL1(beta=0.5, reduction="sum")
    a, b = torch.randn(5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    assert torch.equal(loss(a, b), mod.smooth_l1(a, b, beta=0.5, reduction="sum"))
    assert "beta=0.5" in repr(loss)
    # beta admits 0 (the limit there is L1); a negative beta is refused
    with pytest.raises(ValueError, match="beta must be finite and nonnegative"):
        mod.smooth_l1(a, beta=-1.0)
    with pytest.raises(ValueError, match="reduction"):
        mod.huber(a, reduction="avg")
    with pytest.raises(ValueError, match="not nonzero in float32"):
        mod.huber(a.float(), delta=1e-50)  # (0 is the limit, taken only at 0 itself)
    with pytest.raises(TypeError, match="floating-point"):
        mod.huber(torch.arange(3))
    w = torch.rand(5, dtype=torch.float64)
    assert torch.allclose(mod.huber(a, b, weight=w, reduction="sum"),
                          (w * F.huber_loss(a, b, reduction="none")).sum())


# torch 2.13's dynamo instantiates torch.autograd.Function itself to trace ctx
# (torch/_dynamo/side_effects.py, track_object_new), and torch warns about exactly that
@pytest.mark.slow  # torch.compile builds with inductor
@pytest.mark.filterwarnings("ignore:.*should not be instantiated:DeprecationWarning")
def test_works_under_torch_compile(mod):
    """The eager backend (dynamo tracing, no compiler toolchain): same values and grads.
    inductor works too (measured: 40 s for the first compile on this machine, a C++
    toolchain build), too slow for the suite."""
    fn = torch.compile(lambda t: mod.huber(t, delta=0.5, reduction="sum"), backend="eager")
    xs = _points(0.5, torch.float64)
    xs = xs[torch.isfinite(xs)].requires_grad_(True)
    got = fn(xs)
    (g,) = torch.autograd.grad(got, xs)
    want = F.huber_loss(xs, torch.zeros_like(xs), delta=0.5, reduction="sum")
    (wg,) = torch.autograd.grad(want, xs)
    assert _close(got.detach(), want.detach()) and torch.equal(g, wg)
