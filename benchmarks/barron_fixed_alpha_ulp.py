"""Accuracy of Barron's general loss generated with alpha fixed (``codegen --fix``), in ulps
of mpmath, for alpha in {-50, -2, 0, 1, 2, 50, -inf, +inf} and x on a log grid from 1e-300 to
1e300 (float64) and 1e-38 to 1e38 (float32), numpy target, c = 1.

    PYTHONPATH=$PWD python benchmarks/barron_fixed_alpha_ulp.py

The reference: Barron (2019) eq. 1 written as |a-2|/a * expm1(a/2 * log1p(z/|a-2|)),
z = x**2 (no cancellation), with its limits at alpha = 0, 2, -inf, +inf, in mpmath at 60
digits. "refused": the module refuses float32 input because a constant of the loss (for
alpha = -50: c**38 * 1.85e39) is not finite in float32.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

import lossmath
from lossmath import catalog

mpmath.mp.dps = 60
ALPHAS = [("-50", -50), ("-2", -2), ("0", 0), ("1", 1), ("2", 2), ("50", 50),
          ("-inf", -mpmath.inf), ("inf", mpmath.inf)]


def reference(x: float, a) -> mpmath.mpf:
    z = mpmath.mpf(x) ** 2
    if a == 0:
        return mpmath.log1p(z / 2)
    if a == 2:
        return z / 2
    if a == -mpmath.inf:
        return -mpmath.expm1(-z / 2)
    if a == mpmath.inf:
        return mpmath.expm1(z / 2)
    b = abs(a - 2)
    return b / a * mpmath.expm1(mpmath.mpf(a) / 2 * mpmath.log1p(z / b))


def ulps(got: float, want: mpmath.mpf, dtype) -> float:
    info = np.finfo(dtype)
    if want > float(info.max):
        return 0.0 if np.isinf(got) else math.inf
    w = float(want)
    unit = float(np.spacing(dtype(abs(w)))) if abs(w) >= float(info.tiny) else float(
        info.smallest_subnormal)
    return float(abs(mpmath.mpf(float(got)) - want) / unit)


def main() -> None:
    print(f"{'alpha':>6} {'float64':>12} {'float32':>12}")
    for text, a in ALPHAS:
        loss = catalog.get("barron").subs({"alpha": text})
        fn = getattr(lossmath.compile([loss], target="numpy"), loss.name)
        row = []
        for dtype, lo, hi in ((np.float64, -300, 300), (np.float32, -38, 38)):
            xs = np.logspace(lo, hi, 121).astype(dtype)
            try:
                got = fn(xs)
            except ValueError:
                row.append("refused")
                continue
            worst = max(ulps(g, reference(float(x), a), dtype) for x, g in zip(xs, got))
            row.append(f"{worst:.3g}")
        print(f"{text:>6} {row[0]:>12} {row[1]:>12}")


if __name__ == "__main__":
    main()
