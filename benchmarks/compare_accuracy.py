"""The ulp harness's grid, side by side: lossmath's generated numpy against other libraries.

For every loss of ``tests/support/ulp_harness.py`` (the catalog and the twelve user-written forms)
and each implementation that has it:

* ``lossmath``: the generated numpy module;
* ``torch``: the built-in loss where torch has one (``mse_loss``, ``l1_loss``,
  ``smooth_l1_loss``, ``huber_loss``, ``softplus``), derivatives by autograd (double
  backward for f'');
* ``torch-ag``: the formula as the user wrote it, in torch ops, derivatives by autograd;
* ``scipy``: ``scipy.special.huber`` and ``pseudo_huber`` (value only);
* ``lambdify``: ``sympy.lambdify(x, table.piecewise(), "numpy")`` of f, f', f'';
* ``optax``: optax's formulas written in numpy (value only; optax has no derivatives
  without JAX): ``squared_error``, ``huber_loss`` (its min trick), ``log_cosh``
  (``logaddexp(x, -x) - log 2``), ``jax.nn.softplus`` (``logaddexp(x, 0)``).

Each cell is the max error in ulp (with the harness's backward criterion) over the grid's
finite points (at +-inf and NaN each library has its own conventions; lossmath's are
checked by the harness itself),
``*`` marking inf/nan where the truth is finite. The summary checks, per loss, function and
dtype, that lossmath is at least as accurate as the best other implementation and has no
inf/nan where any other has none.

Run ``python benchmarks/compare_accuracy.py`` (a few minutes; ``--quick`` for a sparser grid).
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy.special
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lossmath import x  # noqa: E402
from tests.support import ulp_harness as H  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - said in the output
    torch = None

C_TUKEY = 4.685
ALPHA, GAMMA = 0.5, 1.5
B_BAL = math.expm1(GAMMA / ALPHA)


def _quiet(fn):
    """Run a competitor the way its users do: numpy's warnings off (they are not errors)."""

    def call(xs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return np.broadcast_to(np.asarray(fn(xs)), xs.shape).astype(xs.dtype)

    return call


# -- torch ----------------------------------------------------------------------------------

def _torch_written():
    t = torch
    c = C_TUKEY

    def tukey(v):
        inner = (c**2 / 6) * (1 - (1 - (v / c) ** 2) ** 3)
        return t.where(v.abs() <= c, inner, t.full_like(v, c**2 / 6))

    def balanced(v):
        a = v.abs()
        inner = ALPHA / B_BAL * (B_BAL * a + 1) * t.log(B_BAL * a + 1) - ALPHA * a
        return t.where(a < 1, inner, GAMMA * a + GAMMA / B_BAL - ALPHA)

    def wing(v):
        a = v.abs()
        w, e = 10.0, 2.0
        return t.where(a < w, w * t.log(1 + a / e), a - (w - w * math.log(1 + w / e)))

    return {
        "l1": lambda v: v.abs(),
        "l2": lambda v: v**2,
        "smooth_l1": lambda v: t.where(v.abs() < 1, 0.5 * v**2, v.abs() - 0.5),
        "huber": lambda v: t.where(v.abs() <= 1, 0.5 * v**2, v.abs() - 0.5),
        "tukey": tukey,
        "tukey_user": tukey,
        "wing": wing,
        "logcosh": lambda v: t.log(t.cosh(v)),
        "logcosh_exp": lambda v: t.log((t.exp(v) + t.exp(-v)) / 2),
        "softplus": lambda v: t.log(1 + t.exp(v)),
        "softplus_neg": lambda v: t.log(1 + t.exp(-v)),
        "sqrt1pm1": lambda v: t.sqrt(1 + v**2) - 1,
        "pseudo_huber": lambda v: t.sqrt(1 + v**2) - 1,
        "charbonnier": lambda v: t.sqrt(v**2 + 1e-6) - 1e-3,
        "cauchy": lambda v: t.log(1 + v**2 / 2),
        "geman_mcclure": lambda v: 2 * v**2 / (v**2 + 4),
        "welsch": lambda v: 1 - t.exp(-(v**2) / 2),
        "balanced_l1": balanced,
    }


def _torch_builtin():
    z = torch.zeros_like
    return {
        "l2": lambda v: F.mse_loss(v, z(v), reduction="none"),
        "l1": lambda v: F.l1_loss(v, z(v), reduction="none"),
        "smooth_l1": lambda v: F.smooth_l1_loss(v, z(v), reduction="none", beta=1.0),
        "huber": lambda v: F.huber_loss(v, z(v), reduction="none", delta=1.0),
        "softplus": F.softplus,
        "softplus_neg": lambda v: F.softplus(-v),
    }


def _autograd(f, order):
    def call(xs):
        v = torch.from_numpy(xs.copy()).requires_grad_(order > 0)
        y = f(v)
        for _ in range(order):
            (g,) = torch.autograd.grad(y.sum(), v, create_graph=True, allow_unused=True)
            y = torch.zeros_like(v) if g is None else g
        return torch.zeros_like(v).add(y).detach().numpy()  # add(): y may be a ZeroTensor

    return call


# -- scipy, optax (numpy), lambdify -----------------------------------------------------------

def _values_only():
    return {
        "scipy": {
            "huber": lambda v: scipy.special.huber(1.0, v),
            "pseudo_huber": lambda v: scipy.special.pseudo_huber(1.0, v),
            "sqrt1pm1": lambda v: scipy.special.pseudo_huber(1.0, v),
        },
        "optax": {
            "l2": lambda v: v * v,  # squared_error
            "huber": lambda v: _optax_huber(v, 1.0),
            "logcosh": lambda v: np.logaddexp(v, -v) - np.log(2.0).astype(v.dtype),
            "logcosh_exp": lambda v: np.logaddexp(v, -v) - np.log(2.0).astype(v.dtype),
            "softplus": lambda v: np.logaddexp(v, 0.0),
            "softplus_neg": lambda v: np.logaddexp(-v, 0.0),
        },
    }


def _optax_huber(e, delta):
    """optax.losses.huber_loss: q = min(|e|, delta); 0.5*q**2 + delta*(|e| - q)."""
    a = np.abs(e)
    q = np.minimum(a, delta)
    return 0.5 * q**2 + delta * (a - q)


def _lambdify(loss, order):
    expr = loss.with_defaults().derivative(order).table.piecewise()
    return sp.lambdify(x, expr, modules="numpy")


# -- the comparison ---------------------------------------------------------------------------

def implementations(name, loss, order):
    out = {}
    if torch is not None:
        builtin = _torch_builtin().get(name)
        if builtin is not None:
            out["torch"] = _autograd(builtin, order)
        out["torch-ag"] = _autograd(_torch_written()[name], order)
    if order == 0:
        for lib, fns in _values_only().items():
            if name in fns:
                out[lib] = fns[name]
    out["lambdify"] = _lambdify(loss, order)
    return {k: _quiet(v) for k, v in out.items()}


def compare(per_decade, dense):
    losses = H.all_losses()
    mod = H.generated_module(losses)
    rows = []  # (loss, order, dtype, {impl: Result})
    for name, loss in losses.items():
        ours = [getattr(mod, name), getattr(mod, f"{name}_grad"), getattr(mod, f"{name}_hess")]
        for dtype in H.DTYPES:
            xs = H.grid(loss, dtype, per_decade, dense)
            # finite inputs only: at +-inf and NaN the libraries follow their own
            # conventions (torch's l1 gradient at NaN is 0), which is not accuracy
            xs = xs[np.isfinite(xs)]
            for order in range(3):
                res = {"lossmath": H.measure(loss, order, ours[order], dtype, xs)}
                for impl, fn in implementations(name, loss, order).items():
                    res[impl] = H.measure(loss, order, fn, dtype, xs)
                rows.append((name, order, np.dtype(dtype).name, res))
    return rows


IMPLS = ("lossmath", "torch", "torch-ag", "scipy", "optax", "lambdify")


def _cell(r):
    if r is None:
        return "-"
    v = f"{r.accepted:.3g}" if r.accepted < 1e6 else f"{r.accepted:.0e}"
    return v + (f" *{r.spurious}" if r.spurious else "")


def report(rows) -> str:
    lines = ["| loss | f | dtype | " + " | ".join(IMPLS) + " |", "|" + "---|" * (3 + len(IMPLS))]
    worse, spurious = [], []
    for name, order, dtype, res in rows:
        cells = [_cell(res.get(i)) for i in IMPLS]
        fn = ["f", "df", "d2f"][order]
        lines.append(f"| {name} | {fn} | {dtype} | " + " | ".join(cells) + " |")
        ours = res["lossmath"]
        others = [r for k, r in res.items() if k != "lossmath"]
        clean = [r for r in others if r.spurious == 0]
        best = min((r.accepted for r in clean), default=math.inf)
        if ours.accepted > max(best, 0.5):
            worse.append(f"{name} {order} {dtype}: {ours.accepted:.3g} vs {best:.3g}")
        if ours.spurious and clean:
            spurious.append(f"{name} {order} {dtype}")
    lines.append("")
    lines.append(f"lossmath less accurate than the best clean competitor: {worse or 'nowhere'}")
    lines.append(f"lossmath inf/nan where a competitor has none: {spurious or 'nowhere'}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a sparser grid")
    args = ap.parse_args(argv)
    per_decade, dense = (0.15, 20) if args.quick else (0.3, 40)
    print(f"torch {torch.__version__ if torch else 'not installed'}, scipy {scipy.__version__}, "
          f"numpy {np.__version__}; max ulp over the harness grid (backward criterion), "
          "*n = n inf/nan where the truth is finite")
    print(report(compare(per_decade, dense)))


if __name__ == "__main__":
    main()
