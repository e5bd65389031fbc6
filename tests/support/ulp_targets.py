"""The ulp harness (``tests/support/ulp_harness.py``) on the array targets: each target's functions
wrapped to take and return numpy arrays, measured against mpmath on the harness's grid.

Run ``python -m tests.support.ulp_targets`` to print one table per target (torch, array-api on
numpy, jax in float32 only: JAX's default has no float64).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

import lossmath
from tests.support import ulp_harness as H


class Wrapped:
    """``getattr(w, name)(xs)`` calls the target's function on ``xs`` converted to its
    arrays, and returns numpy."""

    def __init__(self, target: str, losses):
        self.target = target
        self.mod = lossmath.compile(list(losses.values()), target)

    def __getattr__(self, fname: str):
        fn = getattr(self.mod, fname)
        if self.target == "torch-fused" and fname.endswith("_grad"):
            import torch

            value = getattr(self.mod, fname[:-5])

            def call(xs):  # the fused backward: g * f'(x) with g = 1
                t = torch.from_numpy(np.array(xs)).requires_grad_(True)
                v = value(t, reduction="none")
                (g,) = torch.autograd.grad(v, t, grad_outputs=torch.ones_like(v))
                return g.numpy()
        elif self.target in ("torch", "torch-fused"):
            import torch

            def call(xs):
                t = torch.from_numpy(np.ascontiguousarray(xs))
                r = fn(t, reduction="none") if not fname.endswith(("_grad", "_hess")) else fn(t)
                return r.detach().numpy()
        elif self.target == "jax":
            import jax.numpy as jnp

            def call(xs):
                return np.asarray(fn(jnp.asarray(xs)))
        else:
            def call(xs):
                with np.errstate(all="ignore"):  # numpy reports overflow to inf
                    return fn(xs)
        return call


def run(target: str, dtypes=H.DTYPES, per_decade: float = 0.3, dense: int = 40, names=None):
    losses = H.all_losses()
    if names:
        losses = {n: losses[n] for n in names}
    mod = Wrapped(target, losses)
    out = {}
    for name, loss in losses.items():
        for dtype in dtypes:
            xs = H.grid(loss, dtype, per_decade, dense)
            if target == "jax":
                # XLA on the CPU flushes subnormals to 0, inputs, intermediates (|x|/eps at
                # |x| = 1.2e-38: wing's value 0 for 5.9e-38) and results: |x| < 1e-30 left out
                xs = xs[(xs == 0) | ~np.isfinite(xs) | (np.abs(xs) >= 1e-30)]
            for order, suffix in enumerate(("", "_grad", "_hess")):
                if target == "jax":  # ... and results below the smallest normal
                    xs = _normal_results(loss, order, dtype, xs)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = H.measure(loss, order, getattr(mod, name + suffix), dtype, xs)
                out[(name, order, np.dtype(dtype).name)] = r
    return out


def _normal_results(loss, order, dtype, xs):
    tiny = float(np.finfo(dtype).tiny)
    keep = []
    for v in xs.tolist():
        ref, _ = H.truth(loss, order, v, dtype)
        keep.append(not (isinstance(ref, H.mpmath.mpf) and 0 < abs(ref) < tiny))
    return xs[np.array(keep, dtype=bool)]


def table(results, dtypes) -> str:
    names = list(dict.fromkeys(k[0] for k in results))
    cols = [(d, o) for d in dtypes for o in range(3)]
    lines = ["| loss | " + " | ".join(f"{('f', 'f1', 'f2')[o]} {d}" for d, o in cols)
             + " | inf/nan |", "|" + "---|" * (len(cols) + 2)]
    for n in names:
        cells = [f"{results[(n, o, d)].accepted:.2f}" for d, o in cols]
        spur = sum(results[(n, o, d)].spurious for d, o in cols)
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {spur} |")
    return "\n".join(lines)


if __name__ == "__main__":
    for target in sys.argv[1:] or ["torch", "array-api", "jax"]:
        dtypes = (np.float32,) if target == "jax" else H.DTYPES
        res = run(target, dtypes)
        print(f"\n{target}\n" + table(res, [np.dtype(d).name for d in dtypes]))
