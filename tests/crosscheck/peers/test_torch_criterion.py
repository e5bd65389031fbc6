"""PyTorch's own criterion tests for the distance and margin losses, ported to the torch target.

Source: pytorch/pytorch ``torch/testing/_internal/common_nn.py`` (read at commit
0140b62d8bab203e4699faeba802b5204fa51d26): the criterion configs ``smoothl1loss_no_reduce_test``,
``smoothl1loss_no_reduce_scalar_test``, ``smoothl1loss_beta_test``,
``smoothl1loss_zero_beta_test``, ``mseloss_no_reduce_test``, ``l1loss_no_reduce_test``,
``softmarginloss_no_reduce_test`` and the ``HuberLoss`` criterion test (delta 0.5), each with
its ``reference_fn`` (``smoothl1loss_reference``: the mask formula, beta == 0 -> abs), input
shapes (2, 3, 4) or (), ``supports_forward_ad=True`` and the harness' checks: the value
against the reference at ``PRECISION = 1e-5``, ``gradcheck`` and ``gradgradcheck`` (forward
mode included, as the harness runs them for configs that declare forward AD). torch's
harness draws its inputs with ``torch.randn``; the same draws with a fixed seed here.

Half precision (float16, bfloat16): the reference is computed in float64 from the half
values (input and target widened, the residual not rounded to half first) and the result
must be that value rounded once to the dtype (torch's own kernels round the residual first:
5.296875 where the exact loss is 5.29713...).
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import lossmath  # noqa: E402

PRECISION = 1e-5  # common_nn.py's PRECISION for criterion tests


@pytest.fixture(scope="module")
def mod():
    return lossmath.compile(["smooth_l1", "huber", "l1", "l2", "logistic"], target="torch")


def smoothl1_reference(i, t, beta=1.0):
    """common_nn.py's smoothl1loss_reference (reduction='none')."""
    d = (i - t).abs()
    if beta == 0:
        return d
    return (d >= beta).type_as(d) * (d - 0.5 * beta) + (d < beta).type_as(d) * 0.5 * d ** 2 / beta


def huber_reference(i, t, delta):
    d = (i - t).abs()
    return torch.where(d < delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))


# (name in common_nn, lossmath call, reference, input shape, target draw)
CONFIGS = {
    "SmoothL1Loss_no_reduce": (lambda m, i, t: m.smooth_l1(i, t, reduction="none"),
                               lambda i, t: smoothl1_reference(i, t), (2, 3, 4), "randn"),
    "SmoothL1Loss_no_reduce_scalar": (lambda m, i, t: m.smooth_l1(i, t, reduction="none"),
                                      lambda i, t: smoothl1_reference(i, t), (), "randn"),
    "SmoothL1Loss_beta": (lambda m, i, t: m.smooth_l1(i, t, beta=0.5, reduction="none"),
                          lambda i, t: smoothl1_reference(i, t, 0.5), (2, 3, 4), "randn"),
    # smoothl1loss_zero_beta_test: beta=0 is the L1 loss (the limit beta -> 0, which the
    # target takes at that value); reference smoothl1loss_reference(..., beta=0) = abs
    "SmoothL1Loss_zero_beta": (lambda m, i, t: m.smooth_l1(i, t, beta=0.0, reduction="none"),
                               lambda i, t: smoothl1_reference(i, t, 0), (2, 3, 4), "randn"),
    "HuberLoss_delta": (lambda m, i, t: m.huber(i, t, delta=0.5, reduction="none"),
                        lambda i, t: huber_reference(i, t, 0.5), (2, 3, 4), "randn"),
    "MSELoss_no_reduce": (lambda m, i, t: m.l2(i, t, reduction="none"),
                          lambda i, t: (i - t).pow(2), (2, 3, 4), "randn"),
    "L1Loss_no_reduce": (lambda m, i, t: m.l1(i, t, reduction="none"),
                         lambda i, t: (i - t).abs(), (2, 3, 4), "randn"),
    # softmarginloss_no_reduce_test: target = randn(5, 5).sign(), reference
    # (1 + (-input * target).exp()).log(): the margin convention of soft_margin_loss
    "SoftMarginLoss_no_reduce": (lambda m, i, t: m.logistic(i, t, reduction="none"),
                                 lambda i, t: (1 + (-i * t).exp()).log(), (5, 5), "sign"),
}


def _draw(shape, how, seed):
    g = torch.Generator().manual_seed(seed)
    i = torch.randn(shape, generator=g, dtype=torch.float64)
    t = torch.randn(shape, generator=g, dtype=torch.float64)
    if how == "sign":
        t = t.sign()
    return i, t


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16, torch.bfloat16])
def test_criterion_value_matches_torchs_reference(mod, name, dtype):
    """The value against common_nn's reference_fn: within PRECISION (float64, float32), and
    in half the reference from the half values rounded once to the dtype."""
    call, ref, shape, how = CONFIGS[name]
    for seed in range(5):
        i, t = _draw(shape, how, seed)
        i, t = i.to(dtype), t.to(dtype)
        got = call(mod, i, t)
        assert got.dtype == dtype and got.shape == i.shape
        want = ref(i.double(), t.double())
        if dtype in (torch.float16, torch.bfloat16):
            assert torch.equal(got, want.to(dtype)), (name, seed)
        else:
            torch.testing.assert_close(got.double(), want, rtol=PRECISION, atol=PRECISION)


# gradcheck's batched-grad check calls torch.jit.script, deprecated in this torch
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_criterion_gradcheck_forward_and_backward(mod, name):
    """gradcheck and gradgradcheck in float64, forward mode included (every one of these
    configs declares supports_forward_ad=True)."""
    call, _, shape, how = CONFIGS[name]
    i, t = _draw(shape, how, 0)
    i.requires_grad_(True)
    fn = lambda a: call(mod, a, t)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (i,), check_forward_ad=True, check_backward_ad=True,
                                    check_batched_grad=True)
    assert torch.autograd.gradgradcheck(fn, (i,), check_fwd_over_rev=True,
                                        check_rev_over_rev=True)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_torch_func_transforms_agree_with_autograd(mod, name):
    """torch.func.jacfwd, jacrev, hessian and vmap(grad) of the summed loss agree with
    torch's own loss' autograd on the reference (the OpInfos' forward-AD declarations)."""
    from torch.func import grad, hessian, jacfwd, jacrev, vmap

    call, ref, shape, how = CONFIGS[name]
    i, t = _draw(shape, how, 1)
    f = lambda a: call(mod, a, t).sum()  # noqa: E731
    r = lambda a: ref(a, t).sum()  # noqa: E731
    torch.testing.assert_close(jacfwd(f)(i), jacrev(r)(i))
    torch.testing.assert_close(jacrev(f)(i), jacrev(r)(i))
    torch.testing.assert_close(hessian(f)(i), hessian(r)(i))
    flat_i, flat_t = i.reshape(-1), t.reshape(-1)
    per = vmap(grad(lambda a, b: call(mod, a, b)))(flat_i, flat_t)
    torch.testing.assert_close(per, jacrev(r)(i).reshape(-1))


def test_negative_beta_raises_runtime_error_as_torch(mod):
    """torch: smooth_l1_loss(beta=-1) raises RuntimeError ("does not support negative values
    for beta"); the target's error is a RuntimeError and a ValueError."""
    i, t = _draw((3,), "randn", 0)
    with pytest.raises(RuntimeError):
        torch.nn.functional.smooth_l1_loss(i, t, beta=-1.0)
    with pytest.raises(RuntimeError, match="beta") as err:
        mod.smooth_l1(i, t, beta=-1.0)
    assert isinstance(err.value, ValueError)


def test_target_of_another_size_warns_as_mse_loss(mod):
    """F.mse_loss warns on a (4,) input against a (4, 1) target; so does the target."""
    i, t = torch.randn(4), torch.randn(4, 1)
    with pytest.warns(UserWarning, match="different to the input size"):
        torch.nn.functional.mse_loss(i, t)
    with pytest.warns(UserWarning, match="different to the input size"):
        got = mod.l2(i, t, reduction="none")
    assert got.shape == (4, 4)
