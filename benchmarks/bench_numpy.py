"""Generated numpy losses against lambdify, hand-written numpy, scipy and PyTorch.

Method (the one our performance baselines were measured with): one input
``default_rng(12345).normal(0, 2, N)`` per dtype, read by every implementation (torch
through ``torch.from_numpy``); every implementation timed once per round, in a freshly
shuffled order, after untimed warm-up
rounds; single calls timed with ``perf_counter``, GC off; results deleted after each call;
``out=`` implementations share one pool of pre-faulted buffers; torch's thread count is set
in an untimed hook before its call. Reported: the median, its IQR in %, and the ratio to the
median of ``np.copyto(out, x)`` measured in the same run (the single-thread streaming floor).
Every implementation's output is checked against a float64 reference before timing.

Run ``python benchmarks/bench_numpy.py`` (N = 10**7, 31 rounds, float64 and float32, about
five minutes), or ``--quick`` (N = 10**6, 15 rounds).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.special
import sympy as sp

from lossmath import __version__, catalog, x
from lossmath.emit.numpy import generate

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - the benchmark says so in its output
    torch = None


@dataclass
class Impl:
    name: str
    fn: object
    threads: int = 1
    hook: object = None
    kind: str = "value"  # value / grad / hess / vg: what the correctness check compares
    times: list = field(default_factory=list)
    out_dtype: str = ""


def load_generated(losses):
    path = Path(tempfile.mkdtemp()) / "bench_losses.py"
    path.write_text(generate(losses, command="benchmarks/bench_numpy.py"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("bench_losses", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_threads(n):
    """A hook: set torch's intra-op threads, then wake the pool on unrelated data."""

    def hook():
        torch.set_num_threads(n)
        torch.ones(1 << 16).add_(1)

    return hook


def implementations(name, param, x, gen, buffers):
    """Every row of one section (loss ``name`` at ``param = 1``) on input ``x``."""
    loss = catalog.get(name).with_defaults()
    f_expr = loss.table.piecewise()
    df_expr = loss.derivative(1).table.piecewise()
    lam_f = sp.lambdify(x_sym, f_expr, "numpy")
    lam_df = sp.lambdify(x_sym, df_expr, "numpy")
    lam_both = sp.lambdify(x_sym, [f_expr, df_expr], "numpy", cse=True)
    out, out2, _ = buffers
    kw = {param: 1.0}
    value = getattr(gen, name)
    grad = getattr(gen, f"{name}_grad")
    hess = getattr(gen, f"{name}_hess")
    vg = getattr(gen, f"{name}_value_and_grad")
    rows = [
        Impl("np.copyto(out, x)  [the floor]", lambda: np.copyto(out, x)),
        Impl("generated value, out=", lambda: value(x, out=out, **kw)),
        Impl("generated value", lambda: value(x, **kw)),
        Impl("generated grad, out=", lambda: grad(x, out=out, **kw), kind="grad"),
        Impl("generated grad", lambda: grad(x, **kw), kind="grad"),
        Impl("generated hess, out=", lambda: hess(x, out=out, **kw), kind="hess"),
        Impl("generated value_and_grad, out=", lambda: vg(x, out=(out, out2), **kw), kind="vg"),
        Impl("generated value_and_grad", lambda: vg(x, **kw), kind="vg"),
        Impl("lambdify value", lambda: lam_f(x)),
        Impl("lambdify grad", lambda: lam_df(x), kind="grad"),
        Impl("lambdify value + lambdify grad (2 calls)", lambda: (lam_f(x), lam_df(x)), kind="vg"),
        Impl("lambdify([f, f'], cse=True)", lambda: tuple(lam_both(x)), kind="vg"),
    ]
    if name == "smooth_l1":
        rows.append(Impl("np.where(|x| < 1, x*x/2, |x| - 1/2)", lambda: np.where(
            np.abs(x) < 1, 0.5 * x * x, np.abs(x) - 0.5)))
        rows.append(Impl("np.where(|x| < 1, x, sign(x))", lambda: np.where(
            np.abs(x) < 1, x, np.sign(x)), kind="grad"))
        rows.append(Impl("scipy.special.huber(1, x) / 1", lambda: scipy.special.huber(1.0, x)))
        tfn = F.smooth_l1_loss if torch else None
        tkw = {"beta": 1.0}
    else:
        rows.append(Impl("np.where(|x| <= 1, x*x/2, |x| - 1/2)", lambda: np.where(
            np.abs(x) <= 1, 0.5 * x * x, np.abs(x) - 0.5)))
        rows.append(Impl("scipy.special.huber(1, x)", lambda: scipy.special.huber(1.0, x)))
        tfn = F.huber_loss if torch else None
        tkw = {"delta": 1.0}
    if torch is not None:
        t = torch.from_numpy(x)
        tg = torch.from_numpy(x.copy()).requires_grad_(True)
        zeros = torch.zeros_like(t)
        ones = torch.ones_like(t)

        def fwd():
            return tfn(t, zeros, reduction="none", **tkw)

        def fwd_bwd():
            v = tfn(tg, zeros, reduction="none", **tkw)
            (g,) = torch.autograd.grad(v, tg, grad_outputs=ones)
            return v.detach(), g

        default = torch_threads_default
        for n in sorted({1, default}):
            rows.append(Impl(f"torch {tfn.__name__} forward [{n} thr]", fwd, n, torch_threads(n)))
            rows.append(Impl(f"torch {tfn.__name__} forward + autograd backward [{n} thr]",
                             fwd_bwd, n, torch_threads(n), kind="vg"))
    return rows


def reference(name, x64):
    """float64 value, gradient, Hessian, written out by hand (param = 1)."""
    a = np.abs(x64)
    inside = a < 1 if name == "smooth_l1" else a <= 1
    return {
        "value": np.where(inside, 0.5 * x64 * x64, a - 0.5),
        "grad": np.where(inside, x64, np.sign(x64)),
        "hess": np.where(inside, 1.0, 0.0),
    }


def as_numpy(r):
    if torch is not None and isinstance(r, torch.Tensor):
        return r.detach().numpy()
    return np.asarray(r)


def check(impl, name, x, ref):
    r = impl.fn()
    if r is None:  # copyto
        impl.out_dtype = "-"
        return
    parts = r if isinstance(r, tuple) else (r,)
    parts = [as_numpy(p) for p in parts]
    impl.out_dtype = ",".join(str(p.dtype) for p in parts)
    keys = ("value", "grad") if impl.kind == "vg" else (impl.kind,)
    eps = float(np.finfo(x.dtype).eps)
    for key, p in zip(keys, parts):
        err = np.max(np.abs(p.astype(np.float64) - ref[key]) / (1 + np.abs(ref[key])))
        if not err <= 8 * eps:
            raise SystemExit(f"{impl.name}: {key} is off by {err:.3g} (relative); not timing it")


def run_section(name, param, x, gen, buffers, rounds, warmup):
    rows = implementations(name, param, x, gen, buffers)
    return run_section_rows(rows, x, reference(name, x.astype(np.float64)), rounds, warmup)


def run_section_rows(rows, x, ref, rounds, warmup):
    """Check every row against ``ref``, then time them in shuffled round-robin rounds
    (``bench_numba.py`` times its own rows with this too)."""
    name = ""
    for impl in rows:
        if impl.hook:
            impl.hook()
        check(impl, name, x, ref)
    order = list(range(len(rows)))
    for r in range(warmup + rounds):
        random.shuffle(order)
        for i in order:
            impl = rows[i]
            if impl.hook:
                impl.hook()
            gc.disable()
            t0 = time.perf_counter()
            res = impl.fn()
            t1 = time.perf_counter()
            gc.enable()
            del res
            if r >= warmup:
                impl.times.append(t1 - t0)
    if torch is not None:
        torch.set_num_threads(torch_threads_default)
    return rows


def stats(times):
    q = statistics.quantiles(times, n=4)
    med = statistics.median(times)
    return med, 100 * (q[2] - q[0]) / med


def report(section, dtype, n, rows):
    floor = statistics.median(rows[0].times)
    print(f"\n### {section}, {np.dtype(dtype).name}, N = {n:.0e} (floor {floor * 1e3:.2f} ms)\n")
    print("| implementation | thr | out | median ms (IQR) | x copy |")
    print("|---|---|---|---|---|")
    ratios = {}
    for impl in rows:
        med, iqr = stats(impl.times)
        ratios[impl.name] = med / floor
        print(f"| {impl.name} | {impl.threads} | {impl.out_dtype} | {med * 1e3:.2f} ({iqr:.0f}%) "
              f"| {med / floor:.2f} |")
    return ratios


def goals(section, ratios):
    """The goals for the generated functions (10**7 float64), with ``out=`` buffers (what a
    training loop reuses); the allocating calls are shown beside them."""
    r = ratios
    value, grad = r["generated value, out="], r["generated grad, out="]
    gen_vg = r["generated value_and_grad, out="]
    lam_vg = min(r["lambdify value + lambdify grad (2 calls)"], r["lambdify([f, f'], cse=True)"])
    checks = [
        ("value <= 4x the floor", value, value <= 4, r["generated value"]),
        ("grad <= 1.5x the floor", grad, grad <= 1.5, r["generated grad"]),
        ("value_and_grad <= 4.5x the floor", gen_vg, gen_vg <= 4.5,
         r["generated value_and_grad"]),
        ("best lambdify value_and_grad / generated >= 8", lam_vg / gen_vg, lam_vg / gen_vg >= 8,
         lam_vg / r["generated value_and_grad"]),
    ]
    for key, value in r.items():
        if "autograd backward" in key:
            thr = key.rsplit("[", 1)[1]
            checks.append((f"torch fwd+bwd [{thr} / generated value_and_grad > 1", value / gen_vg,
                           value / gen_vg > 1, value / r["generated value_and_grad"]))
    print(f"\nGoals ({section}; with out= buffers, and in parentheses allocating the outputs):")
    for text, got, ok, alloc in checks:
        print(f"- {text}: {got:.2f} {'met' if ok else 'NOT met'} ({alloc:.2f})")


def main(argv=None):
    global torch_threads_default  # read by implementations(): torch's own default
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=float, default=1e7, help="elements (default 1e7)")
    p.add_argument("--rounds", type=int, default=31, help="timed rounds (default 31)")
    p.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    p.add_argument("--dtype", action="append", choices=("float64", "float32"),
                   help="repeatable (default: both)")
    p.add_argument("--section", action="append", choices=("smooth_l1", "huber"),
                   help="repeatable (default: both)")
    p.add_argument("--quick", action="store_true", help="N = 1e6 and 15 rounds")
    args = p.parse_args(argv)
    if args.quick:
        args.n, args.rounds = 1e6, 15
    n = int(args.n)
    torch_threads_default = torch.get_num_threads() if torch else 1
    print(f"lossmath {__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"sympy {sp.__version__}, torch {torch.__version__ if torch else 'not installed'} "
          f"({torch_threads_default} threads by default), Python {platform.python_version()}")
    print(f"command: {' '.join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])])}")
    print(f"rounds {args.rounds} after {args.warmup} warm-up; ratios are median / median of "
          "np.copyto(out, x) in the same run")
    gen = load_generated(["smooth_l1", "huber"])
    for dtype in args.dtype or ["float64", "float32"]:
        xs = np.random.default_rng(12345).normal(0, 2, n).astype(dtype)
        buffers = [np.ones_like(xs) for _ in range(3)]  # pre-faulted
        for section in args.section or ["smooth_l1", "huber"]:
            param = "beta" if section == "smooth_l1" else "delta"
            rows = run_section(section, param, xs, gen, buffers, args.rounds, args.warmup)
            ratios = report(section, dtype, n, rows)
            if dtype == "float64":
                goals(section, ratios)


x_sym = x
torch_threads_default = 1

if __name__ == "__main__":
    main()
