"""The user-form harness: the losses of ``tests/data/user_forms.toml`` and the catalog at
extreme parameters, generated and measured like ``tests/support/ulp_harness.py`` (same truth, grid,
bounds and backward-error criterion) for any target module.

Run ``python -m tests.support.user_forms [NAME ...]`` for the numpy table (max ulp per order and
dtype, spurious inf/nan count).
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


if __name__ == "__main__":
    import time

    t = time.time()
    args = sys.argv[1:]
    sparse = "--sparse" in args
    names = [a for a in args if a != "--sparse"] or None
    res = run(names, *((0.15, 20) if sparse else ()))
    print(H.table(res))
    print(f"\n{sum(r.points for r in res.values())} evaluations in {time.time() - t:.0f} s")
    for k, r in res.items():
        if r.accepted > H.BOUNDS[k[1]] or r.spurious:
            print("FAIL", k, r.accepted, r.spurious, r.worst)
