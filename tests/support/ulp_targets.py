"""The ulp harness (``tests/support/ulp_harness.py``) on every target: each target's functions
wrapped to take and return numpy arrays, measured against mpmath on the harness's grid.

Targets: numpy, numba, torch, array-api (on numpy arrays) and jax (float32 only: JAX's default
has no float64), in float64 and float32; torch also in float16 and bfloat16 (:func:`run_half`).

Run ``python -m tests.support.ulp_targets --table [TARGET ...]`` to print the table loss x
target x dtype x order (max ulp, spurious inf/nan) on the suite's grid (its truths are stored:
about a minute per target); ``python -m tests.support.ulp_targets TARGET ...`` prints the same
on the denser grid of ``python -m tests.support.ulp_harness`` (truths computed: slower).
"""

from __future__ import annotations

import math
import sys
import warnings

import mpmath
import numpy as np

from tests.support import gencache
from tests.support import ulp_harness as H

#: Every target the harness measures, with its dtypes (numpy names; JAX computes in float32 by
#: default, and float16/bfloat16 are torch's: :func:`run_half`).
TARGETS = {
    "numpy": ("float64", "float32"),
    "numba": ("float64", "float32"),
    "torch": ("float64", "float32", "float16", "bfloat16"),
    "array-api": ("float64", "float32"),
    "jax": ("float32",),
}
HALF = ("float16", "bfloat16")


class Wrapped:
    """``getattr(w, name)(xs)`` calls the target's function on ``xs`` converted to its
    arrays, and returns numpy (float16/bfloat16 torch results as float32: exact)."""

    def __init__(self, target: str, losses):
        self.target = target
        self.mod = gencache.compile(losses.values(), target)

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

            def call(xs, half=None):
                t = torch.from_numpy(np.ascontiguousarray(xs))
                if half is not None:  # xs: float32 values exact in the half format
                    t = t.to(getattr(torch, half))
                r = fn(t, reduction="none") if not fname.endswith(("_grad", "_hess")) else fn(t)
                if half is not None:
                    assert r.dtype == t.dtype, (fname, r.dtype)
                    r = r.float()
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


def run(target: str, dtypes=None, per_decade: float = 0.3, dense: int = 40, names=None):
    """Results per ``(loss, order, dtype name)``: :func:`ulp_harness.measure` for float64 and
    float32, :func:`measure_half` for torch's float16 and bfloat16."""
    dtypes = [np.dtype(d).name if not isinstance(d, str) else d
              for d in (dtypes or TARGETS[target])]
    losses = H.all_losses()
    if names:
        losses = {n: losses[n] for n in names}
    mod = Wrapped(target, losses)
    out = {}
    for name, loss in losses.items():
        for dname in dtypes:
            if dname in HALF:
                xs = half_grid(loss, dname, per_decade, dense)
                for order, suffix in enumerate(("", "_grad", "_hess")):
                    fn = getattr(mod, name + suffix)
                    out[(name, order, dname)] = measure_half(
                        loss, order, lambda v, fn=fn, d=dname: fn(v, half=d), dname, xs)
                continue
            dtype = np.dtype(dname).type
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
                out[(name, order, dname)] = r
    return out


def _normal_results(loss, order, dtype, xs):
    tiny = float(np.finfo(dtype).tiny)
    keep = []
    for v in xs.tolist():
        ref, _ = H.truth(loss, order, v, dtype)
        keep.append(not (isinstance(ref, H.mpmath.mpf) and 0 < abs(ref) < tiny))
    return xs[np.array(keep, dtype=bool)]


# -- half precision (torch's float16 and bfloat16) --------------------------------------------

#: (significand bits after the point, smallest normal exponent, largest finite) of each format
#: (IEEE 754 binary16; bfloat16: float32's exponent with 7 bits of significand).
_FORMATS = {"float16": (10, -14, 65504.0), "bfloat16": (7, -126, float.fromhex("0x1.fep127"))}


def round_half(value, fmt: str) -> float:
    """The exact ``value`` (an mpf or float) rounded to nearest, ties to even, in ``fmt``
    (``inf`` where the rounding with an unbounded exponent is beyond its largest finite)."""
    bits, emin, top = _FORMATS[fmt]
    if not isinstance(value, mpmath.mpf):
        value = mpmath.mpf(value)
    if value == 0 or mpmath.isinf(value) or mpmath.isnan(value):
        return float(value)
    with mpmath.workprec(200):
        e = max(int(mpmath.frexp(value)[1]) - 1, emin)
        q = value / mpmath.mpf(2) ** (e - bits)
        n = mpmath.floor(q)
        if q - n > 0.5 or (q - n == 0.5 and int(n) % 2):
            n += 1
        got = float(n * mpmath.mpf(2) ** (e - bits))  # exact: at most bits + 1 bits
    # beyond the largest finite (rounded with an unbounded exponent): inf (IEEE 754 7.4)
    return got if abs(got) <= top else math.copysign(math.inf, got)


def half_ulps(got: float, ref, fmt: str) -> float:
    """Distance from ``got`` to the correctly rounded exact value ``ref`` in ulps of ``fmt`` at
    that value (0 for matching NaN/inf, inf for a mismatch or an inf/NaN against a number)."""
    bits, emin, _ = _FORMATS[fmt]
    if isinstance(ref, (float, int)) and not isinstance(ref, bool) and (
            math.isnan(ref) or math.isinf(ref)):
        return 0.0 if got == ref or (math.isnan(ref) and math.isnan(got)) else math.inf
    want = round_half(ref, fmt)
    if math.isnan(got) or math.isinf(got) or math.isinf(want):
        return 0.0 if got == want else math.inf
    e = max(math.frexp(abs(want))[1] - 1, emin) if want else emin
    return abs(got - want) / 2.0 ** (e - bits)


def half_grid(loss, fmt: str, per_decade: float = 0.3, dense: int = 40) -> np.ndarray:
    """The float32 grid (breakpoints and their neighbours, specials, log-spaced |x|) rounded
    to ``fmt``, with each breakpoint's neighbours in ``fmt``; as float32 values (exact)."""
    pts = [round_half(float(v), fmt) if math.isfinite(v) else float(v)
           for v in H.grid(loss, np.float32, per_decade, dense).tolist()]
    bits, emin, _ = _FORMATS[fmt]
    for b in H.breakpoints(loss, np.float32):
        r = round_half(b, fmt)
        if math.isfinite(r):
            e = max(math.frexp(abs(r))[1] - 1, emin) if r else emin
            pts += [r, r - 2.0 ** (e - bits), r + 2.0 ** (e - bits)]
    return np.unique(np.array([round_half(p, fmt) if math.isfinite(p) else p for p in pts],
                              dtype=np.float32))


def measure_half(loss, order: int, fn, fmt: str, xs: np.ndarray) -> H.Result:
    """The worst distance (ulps of ``fmt``) to the correctly rounded exact value, and the
    spurious inf/NaN: the exact value is f^(order) at the half input, with the parameters and
    breakpoints of float32 (torch computes half input in float32: its defaults rounded to
    float32)."""
    res = H.Result(points=len(xs))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = fn(xs)
    top = _FORMATS[fmt][2]
    for xv, gv in zip(xs.tolist(), got.tolist()):
        ref, _ = H.truth(loss, order, xv, np.float32)
        if isinstance(ref, mpmath.mpf) and abs(ref) <= top and not math.isfinite(gv):
            res.spurious += 1
        err = half_ulps(gv, ref, fmt)
        res.forward = max(res.forward, err)
        if err > res.accepted:
            res.accepted, res.worst = err, (xv, gv, float(ref) if ref == ref else ref)
    return res


# -- the table ----------------------------------------------------------------------------------

_ORDERS = ("f", "f'", "f''")


def table(results, dtypes) -> str:
    """One row per loss; per dtype and order the max ulp (with the count of spurious inf/NaN
    in brackets where there are any)."""
    names = list(dict.fromkeys(k[0] for k in results))
    cols = [(d, o) for d in dtypes for o in range(3)]
    lines = ["| loss | " + " | ".join(f"{_ORDERS[o]} {d}" for d, o in cols) + " | inf/nan |",
             "|" + "---|" * (len(cols) + 2)]
    for n in names:
        cells = []
        for d, o in cols:
            r = results[(n, o, d)]
            cells.append(f"{r.accepted:.3g}" + (f" ({r.spurious})" if r.spurious else ""))
        spur = sum(results[(n, o, d)].spurious for d, o in cols)
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {spur} |")
    return "\n".join(lines)


def bound(dtype: str, order: int) -> float:
    """The harness's bound (4, 4, 8 ulp); 1 ulp of the correctly rounded value in half."""
    return 1.0 if dtype in HALF else H.BOUNDS[order]


def main(argv: list[str]) -> None:
    import time

    suite = "--table" in argv
    targets = [a for a in argv if a != "--table"] or list(TARGETS)
    grid = H.SUITE_GRID if suite else (0.3, 40)
    for target in targets:
        t = time.time()
        res = run(target, None, *grid)
        dtypes = list(TARGETS[target])
        print(f"\n{target} ({time.time() - t:.0f} s; max ulp per column, spurious inf/nan in "
              "brackets; half: ulps from the correctly rounded value)\n" + table(res, dtypes))
        over = [(k, f"{r.accepted:.3g}", r.spurious, r.worst) for k, r in res.items()
                if r.spurious or r.accepted > bound(k[2], k[1])]
        for k, acc, spur, worst in over:
            print("over the bound:", k, acc, spur, worst)


if __name__ == "__main__":
    main(sys.argv[1:])
