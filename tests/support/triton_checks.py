"""The torch-fused target's Triton kernels in Triton's interpreter (``TRITON_INTERPRET=1``,
set before triton is imported: ``tests/emit/test_target_torch_fused.py`` runs this file so).

Truths: mpmath through the ulp harness (float32, value and gradient, 4 ulp); the eager torch
functions of the same module (float32 and bfloat16, every reduction, input's and target's
gradients).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

import lossmath
from tests.support import ulp_harness as H

PER_DECADE, DENSE = 0.15, 20  # the suite's grid (tests/emit/test_ulp_harness.py)


# every loss whose kernels Triton takes (torch_triton.lower) among the quick ones: the widened
# float32 steps (welsch, tukey) and the transcribed primitives (expdd, expm1, logcosh, tanh,
# hypotm)
TRITON_LOSSES = ["smooth_l1", "huber", "l1", "l2", "welsch", "tukey", "log_cosh", "pseudo_huber"]


@pytest.fixture(autouse=True)
def _interpreter_overflow_is_inf():
    """The interpreter computes with numpy, which warns on overflow to inf (the result the
    GPU gives silently); a warning raised as an error inside it would break its state."""
    with np.errstate(all="ignore"):
        yield


@pytest.fixture(scope="module")
def tmod():
    # triton reads TRITON_INTERPRET when it is imported (its own tl.sum is a kernel
    # function): so these run in a process started with it (test_target_torch_fused.py)
    assert os.environ.get("TRITON_INTERPRET") == "1"
    pytest.importorskip("triton")
    return lossmath.compile(TRITON_LOSSES, "torch-fused")


def _triton_call(fn, order):
    def call(xs):
        t = torch.from_numpy(np.array(xs)).requires_grad_(order == 1)
        v = fn(t, None, reduction="none")
        if order == 0:
            return v.detach().numpy()
        (g,) = torch.autograd.grad(v, t, grad_outputs=torch.ones_like(v))
        return g.numpy()
    return call


@pytest.mark.parametrize("name", TRITON_LOSSES)
def test_triton_kernels_in_the_interpreter_within_the_ulp_bounds_of_mpmath(tmod, name):
    loss = H.all_losses()[name]
    xs = H.grid(loss, np.float32, PER_DECADE, DENSE)
    for order in (0, 1):
        r = H.measure(loss, order, _triton_call(getattr(tmod, f"_lm_triton_{name}"), order),
                      np.float32, xs)
        assert not r.spurious and r.accepted <= H.BOUNDS[order], (order, r.accepted, r.worst)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_triton_kernels_agree_with_the_eager_module(tmod, dtype, reduction):
    gen = torch.Generator().manual_seed(5)
    a = (torch.randn(3000, generator=gen) * 3).to(dtype)  # three programs, the last partial
    b = torch.randn(3000, generator=gen).to(dtype)
    w = torch.rand(3000, generator=gen).to(dtype)
    # bfloat16: numpy has none, and the interpreter's emulation of it rounds its own way
    # (measured: 3 units of bfloat16 off torch's for smooth_l1 at x = 0.5527): 4 units here;
    # the bound is the interpreter's, and holds on a GPU only where it rounds no worse
    rtol = 4 * torch.finfo(torch.float32).eps if dtype == torch.float32 else 2.0**-5
    for name in TRITON_LOSSES:
        outs = []
        for fn in (getattr(tmod, f"_lm_triton_{name}"), getattr(tmod, f"_lm_eager_{name}")):
            ai, bi = a.clone().requires_grad_(True), b.clone().requires_grad_(True)
            v = fn(ai, bi, reduction=reduction)
            gi = torch.autograd.grad(v, (ai, bi), grad_outputs=w if reduction == "none"
                                     else None)
            outs.append((v.detach().float(), *(g.float() for g in gi)))
        for got, want in zip(*outs):
            assert torch.allclose(got, want, rtol=rtol, atol=1e-6), name


def test_the_transcribed_kernels_are_the_numba_kernels_bit_for_bit(tmp_path, monkeypatch):
    """Truth: the Python functions of numba_vector (measured against mpmath in
    tests/emit/test_numba_vector.py), run here as Python floats, element by element."""
    import math

    from lossmath.emit.kernels import numba_vector as V
    from lossmath.emit.kernels import triton_kernels as TK

    src = TK.source(" ".join(f"{c}(" for c in TK.PRIMITIVES))
    body = "\n".join(t[4:] for t in src.split("\n"))
    # the second argument: expdd's residual (a[i]*2**-60), the hypot kernels' q (0.7)
    second = {"_tp_expdd": "v * 8.673617379884035e-19", "_tp_hypotm": "0.7",
              "_tp_hypotm1": "0.7", "_tp_hypotm2": "0.7"}
    assert set(second) == set(TK.ARITY)
    for c in TK.PRIMITIVES:  # a launcher per kernel: o[i] = kernel(a[i][, second])
        arg = f"v, {second[c]}" if c in second else "v"
        body += (f"\n\n@triton.jit\ndef run{c}(a, o, n, B: tl.constexpr):\n"
                 "    i = tl.program_id(0) * B + tl.arange(0, B)\n"
                 "    v = tl.load(a + i, mask=i < n)\n"
                 f"    tl.store(o + i, {TK.PRIMITIVES[c]}({arg}), mask=i < n)\n")
    (tmp_path / "tk_mod.py").write_text("import triton\nimport triton.language as tl\n" + body)
    monkeypatch.syspath_prepend(str(tmp_path))
    import tk_mod

    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.standard_normal(300) * 30, rng.standard_normal(300) * 0.3,
                         [0.0, -0.0, 1e-300, -1e-300, 709.7, 710.0, -745.0, -746.0, 800.0,
                          -800.0, -1.0, -0.5, 1e300, math.inf, -math.inf, math.nan]])
    for c in TK.PRIMITIVES:
        py = getattr(V, TK.PRIMITIVES[c].replace("_tv_", "___v"))
        a = torch.from_numpy(xs)
        o = torch.empty_like(a)
        getattr(tk_mod, f"run{c}")[(1,)](a, o, xs.size, B=1024)
        # numpy scalars: x/0 is inf as on the GPU (a Python float raises)
        want = np.array([py(v, v * 2.0**-60) if c == "_tp_expdd" else
                         py(v, np.float64(0.7)) if c in second else py(v) for v in xs])
        got = o.numpy()
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        assert same.all(), (c, xs[~same][:5], got[~same][:5], want[~same][:5])
        # and the sign of zero
        assert (np.signbit(got[got == 0]) == np.signbit(want[got == 0])).all(), c
