"""The user-form harness: the losses of ``tests/data/user_forms.toml`` and the catalog at
extreme parameters, generated and measured like ``tests/support/ulp_harness.py`` (same truth, grid,
bounds and backward-error criterion) for any target module.

Run ``python -m tests.support.user_form_harness [--sparse] [--catalog] [NAME ...]`` for the
numpy table
(per loss and dtype, per order the max ulp and the spurious inf/nan count; ``--catalog`` adds
every loss of the ulp harness).
"""

from __future__ import annotations

import math
import sys
import tomllib
from functools import cache
from pathlib import Path

import numpy as np

from lossmath import Loss, catalog, loss_from_expr
from tests.support import ulp_harness as H

FORMS_FILE = Path(__file__).resolve().parents[1] / "data" / "user_forms.toml"

#: catalog losses at the extremes of their parameters: (name, loss name, parameter values)
EXTREMES = (
    ("pseudo_huber_1e30", "pseudo_huber", {"delta": 10**30}),
    ("barron_0_001", "barron", {"alpha": "1/1000"}),
    ("barron_1_999", "barron", {"alpha": "1999/1000"}),
    ("barron_50", "barron", {"alpha": 50}),
)


def forms() -> dict[str, str]:
    return dict(tomllib.loads(FORMS_FILE.read_text(encoding="utf-8"))["forms"])


@cache
def _losses() -> dict[str, Loss]:
    out = {name: loss_from_expr(text, name) for name, text in forms().items()}
    for name, base, values in EXTREMES:
        sub = catalog.get(base).subs(values)
        out[name] = Loss(name, sub.expr, params=sub.params)
    return out


def losses() -> dict[str, Loss]:
    return dict(_losses())


def run(names=None, per_decade: float = 0.3, dense: int = 40, mod=None):
    """Results per ``(loss, order, dtype name)`` as :func:`ulp_harness.run`."""
    chosen = losses()
    if names:
        chosen = {n: chosen[n] for n in names}
    mod = mod or H.generated_module(chosen)
    out = {}

    for name, loss in chosen.items():
        fns = [getattr(mod, name), getattr(mod, f"{name}_grad"), getattr(mod, f"{name}_hess")]
        for dtype in H.DTYPES:
            xs = H.grid(loss, dtype, per_decade, dense)
            for order, fn in enumerate(fns):
                key = (name, order, np.dtype(dtype).name)
                try:
                    out[key] = H.measure(loss, order, fn, dtype, xs)
                except ValueError as exc:  # the generated code refuses the dtype
                    out[key] = H.Result(points=len(xs), forward=math.inf, accepted=math.inf,
                                        spurious=len(xs), worst=(str(exc),))
    return out


def cells_table(results, bounds=H.BOUNDS) -> str:
    """The closing note's table: one row per loss and dtype, per order the max ulp (with the
    backward criterion) and the spurious inf/nan count, and whether every order is within
    ``bounds`` with no spurious value."""
    lines = ["| loss | dtype | f ulp (inf/nan) | f' ulp (inf/nan) | f'' ulp (inf/nan) | ok |",
             "|---|---|---|---|---|---|"]
    names = list(dict.fromkeys(k[0] for k in results))
    for n in names:
        for d in ("float64", "float32"):
            rs = [results[(n, o, d)] for o in range(3)]
            ok = all(r.accepted <= b and not r.spurious for r, b in zip(rs, bounds))
            cells = [f"{r.accepted:.3g} ({r.spurious})" for r in rs]
            lines.append(f"| {n} | {d} | " + " | ".join(cells) + f" | {'yes' if ok else 'NO'} |")
    return "\n".join(lines)


def passing(results, bounds=H.BOUNDS) -> tuple[int, int]:
    """(losses within ``bounds`` in every order and dtype with no spurious value, losses)."""
    names = list(dict.fromkeys(k[0] for k in results))
    good = [n for n in names
            if all(r.accepted <= bounds[k[1]] and not r.spurious
                   for k, r in results.items() if k[0] == n)]
    return len(good), len(names)


def main(argv=None) -> int:
    """``python -m tests.support.user_form_harness [--sparse] [--catalog] [NAME ...]``: the table
    for the user forms (``--catalog``: and every loss of the ulp harness, the catalog included)."""
    import argparse
    import time

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--sparse", action="store_true", help="the test suite's grid (0.15, 20)")
    ap.add_argument("--catalog", action="store_true", help="also the ulp harness's losses")
    args = ap.parse_args(argv)
    grid = (0.15, 20) if args.sparse else (0.3, 40)
    t = time.time()
    res = run(args.names or None, *grid)
    if args.catalog:
        res.update(H.run(None, *grid))
    print(cells_table(res))
    good, total = passing(res)
    print(f"\n{good}/{total} losses within (4, 4, 8) ulp with no spurious inf/nan; "
          f"{sum(r.points for r in res.values())} evaluations in {time.time() - t:.0f} s")
    for k, r in res.items():
        if r.accepted > H.BOUNDS[k[1]] or r.spurious:
            print("FAIL", k, r.accepted, r.spurious, r.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
