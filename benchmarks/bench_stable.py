"""What the stable forms cost: transcendental losses, generated numpy against the floor,
the naive formula (``sympy.lambdify``, inf/nan included) and torch.

Method as in ``bench_numpy.py``: one input ``default_rng(12345).normal(0, 2, N)`` per dtype;
every implementation timed once per round in a shuffled order after warm-up rounds; the
median per implementation and its ratio to the median of ``np.copyto(out, x)`` in the same
run, and, for the generated functions, the ratio to torch's forward (value) and forward +
autograd backward (value_and_grad) of the same formula at the same thread count (1, and
torch's default).

Run ``python benchmarks/bench_stable.py`` (N = 10**6, 11 rounds, float64 and float32).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_numpy import stats, torch_threads  # noqa: E402

from lossmath import x  # noqa: E402
from tests.support import ulp_harness as H  # noqa: E402

try:
    import torch
except ImportError:  # pragma: no cover - said in the output
    torch = None

LOSSES = ("logcosh", "softplus", "pseudo_huber", "charbonnier", "cauchy", "geman_mcclure",
          "welsch", "tukey", "wing", "balanced_l1")


def _torch_forms():
    from compare_accuracy import _torch_written

    return _torch_written()


def rows_for(name, loss, mod, xs, out, out2, threads):
    value = getattr(mod, name)
    vg = getattr(mod, f"{name}_value_and_grad")
    naive = sp.lambdify(x, loss.with_defaults().table.piecewise(), "numpy")
    rows = [
        ("floor", lambda: np.copyto(out, xs), 1, None),
        ("generated value, out=", lambda: value(xs, out=out), 1, None),
        ("generated value_and_grad, out=", lambda: vg(xs, out=(out, out2)), 1, None),
        ("lambdify value (naive)", lambda: naive(xs), 1, None),
    ]
    if torch is not None:
        f = _torch_forms()[name]
        t = torch.from_numpy(xs)
        tg = torch.from_numpy(xs.copy()).requires_grad_(True)
        ones = torch.ones_like(t)

        def fwd():
            return f(t)

        def fwd_bwd():
            v = f(tg)
            (g,) = torch.autograd.grad(v, tg, grad_outputs=ones)
            return v.detach(), g

        for n in sorted({1, threads}):
            rows.append((f"torch forward [{n} thr]", fwd, n, torch_threads(n)))
            rows.append((f"torch forward + backward [{n} thr]", fwd_bwd, n, torch_threads(n)))
    return rows


def time_rows(rows, rounds, warmup):
    times = {r[0]: [] for r in rows}
    order = list(range(len(rows)))
    with np.errstate(all="ignore"):
        for k in range(warmup + rounds):
            random.shuffle(order)
            for i in order:
                name, fn, _, hook = rows[i]
                if hook:
                    hook()
                gc.disable()
                t0 = time.perf_counter()
                res = fn()
                t1 = time.perf_counter()
                gc.enable()
                del res
                if k >= warmup:
                    times[name].append(t1 - t0)
    return {k: stats(v)[0] for k, v in times.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=float, default=1e6)
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--loss", action="append", choices=LOSSES)
    args = p.parse_args(argv)
    names = args.loss or list(LOSSES)
    losses = H.all_losses()
    mod = H.generated_module({n: losses[n] for n in names})
    threads = torch.get_num_threads() if torch else 1
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else '-'} "
          f"({threads} threads by default); N = {int(args.n):.0e}, {args.rounds} rounds; "
          "ratios: median / median of np.copyto(out, x); vs torch: generated / torch at the "
          "same thread count")
    print("\n| loss | dtype | value | value_and_grad | naive value | value / torch fwd [1, "
          f"{threads} thr] | vg / torch fwd+bwd [1, {threads} thr] |")
    print("|---|---|---|---|---|---|---|")
    for dtype in (np.float64, np.float32):
        xs = np.random.default_rng(12345).normal(0, 2, int(args.n)).astype(dtype)
        out, out2 = np.ones_like(xs), np.ones_like(xs)
        for name in names:
            rows = rows_for(name, losses[name], mod, xs, out, out2, threads)
            med = time_rows(rows, args.rounds, args.warmup)
            floor = med["floor"]
            v, vg = med["generated value, out="], med["generated value_and_grad, out="]
            tf = [med.get(f"torch forward [{n} thr]", math.nan) for n in sorted({1, threads})]
            tb = [med.get(f"torch forward + backward [{n} thr]", math.nan)
                  for n in sorted({1, threads})]
            print(f"| {name} | {np.dtype(dtype).name} | {v / floor:.1f} | {vg / floor:.1f} | "
                  f"{med['lambdify value (naive)'] / floor:.1f} | "
                  + ", ".join(f"{v / t:.2f}" for t in tf) + " | "
                  + ", ".join(f"{vg / t:.2f}" for t in tb) + " |")
    if torch is not None:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    main()
