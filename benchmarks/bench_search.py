"""What the measured search's accurate plans cost against the naive form, per user form.

For each loss of ``tests/data/user_forms.toml`` (and the catalog extremes of
``tests/support/user_form_harness.py``), the generated numpy value, gradient and Hessian against
``sympy.lambdify`` of the same table (the definition as written: the naive form, inf/nan
included), timed in one run on one input ``default_rng(12345).normal(0, 2, N)`` per dtype,
each implementation once per round in a shuffled order (``bench_stable.time_rows``). The
table gives the ratio of medians generated / naive (< 1: the accurate plan is faster).

Run ``python benchmarks/bench_search.py`` (N = 10**6, 7 rounds, float64 and float32);
``--loss NAME`` (repeatable) for a few.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stable import time_rows  # noqa: E402

from lossmath import x  # noqa: E402
from tests.support import ulp_harness as H  # noqa: E402
from tests.support import user_form_harness as U  # noqa: E402

SUFFIX = ("", "_grad", "_hess")


def rows_for(name, loss, mod, xs, out):
    rows = [("floor", lambda: np.copyto(out, xs), 1, None)]
    for order, suffix in enumerate(SUFFIX):
        fn = getattr(mod, name + suffix)
        table = loss.derivative(order).with_defaults().table
        naive = sp.lambdify(x, table.piecewise(), "numpy")
        rows.append((f"generated{suffix}", lambda fn=fn: fn(xs, out=out), 1, None))
        rows.append((f"naive{suffix}", lambda naive=naive: naive(xs), 1, None))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=float, default=1e6)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--loss", action="append")
    args = p.parse_args(argv)
    losses = U.losses()
    names = args.loss or list(losses)
    mod = H.generated_module({n: losses[n] for n in names})
    print(f"numpy {np.__version__}; N = {int(args.n):.0e}, {args.rounds} rounds; ratio: "
          "median generated / median naive (lambdify of the definition), same run")
    print("\n| loss | dtype | f | f' | f'' |")
    print("|---|---|---|---|---|")
    for dtype in (np.float64, np.float32):
        xs = np.random.default_rng(12345).normal(0, 2, int(args.n)).astype(dtype)
        out = np.ones_like(xs)
        for name in names:
            med = time_rows(rows_for(name, losses[name], mod, xs, out), args.rounds, args.warmup)
            cells = [f"{med['generated' + s] / med['naive' + s]:.2f}" for s in SUFFIX]
            print(f"| {name} | {np.dtype(dtype).name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
