"""The numba target against the numpy target, PyTorch and the memory-copy floor.

Method: ``bench_numpy.py``'s (one input ``default_rng(12345).normal(0, 2, N)`` per dtype, every
implementation timed once per round in a freshly shuffled order after untimed warm-up rounds,
single calls, GC off, ``out=`` buffers pre-faulted and shared, torch's thread count set in an
untimed hook); ratios are medians over the median of ``np.copyto(out, x)`` in the same run.
Every row is checked against a float64 reference first.

Sections, per dtype: smooth L1 and Huber (value, gradient, value+gradient: numba at 1 and 2
threads, the numpy target, torch at 1 and 2 threads); pseudo-Huber and log-cosh (the
transcendental case: the same against the numpy target and torch's formula); then the numba
loops' first-call compile time in a fresh process, and the same call in a second process that
loads them from the on-disk cache.

Run ``python benchmarks/bench_numba.py`` (N = 10**7, 15 rounds, float64 and float32, about
six minutes on an idle machine) or ``--quick`` (N = 10**6).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_numpy import Impl, report, run_section_rows, torch, torch_threads  # noqa: E402

from lossmath import Loss, Param, __version__, catalog, x  # noqa: E402
from lossmath.emit import numba as numba_printer  # noqa: E402
from lossmath.emit import numpy as numpy_printer  # noqa: E402

_delta = Param("delta", default=1, description="scale")
PSEUDO_HUBER = Loss(
    "pseudo_huber", _delta.symbol**2 * (sp.sqrt(1 + (x / _delta.symbol) ** 2) - 1),
    params=(_delta,),
)
LOGCOSH = Loss("logcosh", sp.log(sp.cosh(x)))
LOSSES = [catalog.get("smooth_l1"), catalog.get("huber"), PSEUDO_HUBER, LOGCOSH]


def load(printer, name):
    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(printer.generate(LOSSES, command="benchmarks/bench_numba.py"), "utf-8")
    return _import(path)


def _import(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_forms(name):
    """torch's own loss (smooth L1, Huber) or the formula written in torch (the others)."""
    F = torch.nn.functional
    if name == "smooth_l1":
        return lambda t, z: F.smooth_l1_loss(t, z, reduction="none", beta=1.0)
    if name == "huber":
        return lambda t, z: F.huber_loss(t, z, reduction="none", delta=1.0)
    if name == "pseudo_huber":
        return lambda t, z: torch.sqrt(1 + (t - z) ** 2) - 1
    log2 = math.log(2.0)
    return lambda t, z: (t - z).abs() + torch.log1p(torch.exp(-2 * (t - z).abs())) - log2


def reference(name, x64):
    """float64 value, gradient, Hessian by hand (parameter 1; log-cosh stable)."""
    a = np.abs(x64)
    if name in ("smooth_l1", "huber"):
        inside = a < 1 if name == "smooth_l1" else a <= 1
        return {"value": np.where(inside, 0.5 * x64 * x64, a - 0.5),
                "grad": np.where(inside, x64, np.sign(x64)), "hess": np.where(inside, 1.0, 0.0)}
    if name == "pseudo_huber":
        h = np.hypot(x64, 1.0)
        return {"value": x64 * x64 / (1 + h), "grad": x64 / h, "hess": 1 / h**3}
    return {"value": a + np.log1p(np.exp(-2 * a)) - math.log(2.0), "grad": np.tanh(x64),
            "hess": 1 / np.cosh(x64) ** 2}


def implementations(name, x, nb, npt, buffers):
    out, out2, _ = buffers
    kw = {"delta": 1.0} if name in ("huber", "pseudo_huber") else (
        {"beta": 1.0} if name == "smooth_l1" else {})
    rows = [Impl("np.copyto(out, x)  [the floor]", lambda: np.copyto(out, x))]
    for kind, suffix in (("value", ""), ("grad", "_grad"), ("vg", "_value_and_grad")):
        dest = (out, out2) if kind == "vg" else out
        f_nb, f_np = getattr(nb, name + suffix), getattr(npt, name + suffix)
        for threads in (1, 2):
            rows.append(Impl(f"numba {kind}, out= [{threads} thr]",
                             lambda f=f_nb, d=dest, t=threads: f(x, out=d, threads=t, **kw),
                             threads, kind=kind))
        rows.append(Impl(f"numpy target {kind}, out=", lambda f=f_np, d=dest: f(x, out=d, **kw),
                         kind=kind))
    if torch is not None:
        t = torch.from_numpy(x)
        tg = torch.from_numpy(x.copy()).requires_grad_(True)
        zeros, ones = torch.zeros_like(t), torch.ones_like(t)
        fn = torch_forms(name)

        def fwd():
            return fn(t, zeros)

        def fwd_bwd():
            v = fn(tg, zeros)
            (g,) = torch.autograd.grad(v, tg, grad_outputs=ones)
            return v.detach(), g

        for n in (1, 2):
            rows.append(Impl(f"torch value [{n} thr]", fwd, n, torch_threads(n)))
            rows.append(Impl(f"torch value + autograd grad [{n} thr]", fwd_bwd, n,
                             torch_threads(n), kind="vg"))
    return rows


def compile_times(dtype: str) -> dict[str, float]:
    """Seconds to the first result of smooth_l1_value_and_grad and of all four smooth L1
    functions, in a fresh process (compiling) and in a second one (the on-disk cache)."""
    directory = Path(tempfile.mkdtemp())
    path = directory / "bench_cache.py"
    path.write_text(numba_printer.generate(["smooth_l1"]), "utf-8")
    code = (
        "import time\n"
        "t0 = time.perf_counter(); import numba, numpy as np; t1 = time.perf_counter()\n"
        "import bench_cache as m  # from the working directory, as a user imports it\n"
        f"x = np.linspace(-3, 3, 1000).astype({dtype!r})\n"
        "t2 = time.perf_counter(); m.smooth_l1_value_and_grad(x); t3 = time.perf_counter()\n"
        "m.smooth_l1(x); m.smooth_l1_grad(x); m.smooth_l1_hess(x); t4 = time.perf_counter()\n"
        "print(t1 - t0, t3 - t2, t4 - t2)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    out = {}
    for label in ("first", "cached"):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env, cwd=directory)
        imp, vg, four = (float(v) for v in run.stdout.split())
        out[f"{label}: import numba"] = imp
        out[f"{label}: value_and_grad"] = vg
        out[f"{label}: all four"] = four
    return out


def goals(section, dtype, n, r):
    if dtype != "float64":
        return
    print(f"\nGoals ({section}, N = {n:.0e} float64 (the goals are for 1e7), out=):")
    if section in ("smooth_l1", "huber"):
        checks = [
            ("value <= 1.0x the floor [1 thr]", r["numba value, out= [1 thr]"], 1.0),
            ("value+grad <= 1.5x the floor [1 thr]", r["numba vg, out= [1 thr]"], 1.5),
            ("value+grad below the 1-thread floor [2 thr]", r["numba vg, out= [2 thr]"], 1.0),
        ]
        for text, got, limit in checks:
            print(f"- {text}: {got:.2f} {'met' if got <= limit else 'NOT met'}")
        return
    for kind in ("value", "grad", "vg"):
        speedup = r[f"numpy target {kind}, out="] / r[f"numba {kind}, out= [1 thr]"]
        print(f"- {kind}: numba [1 thr] {speedup:.2f}x faster than the numpy target "
              f"({'met' if speedup >= 2 else 'NOT met'} the goal of 2x)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=float, default=1e7, help="elements (default 1e7)")
    p.add_argument("--rounds", type=int, default=15, help="timed rounds (default 15)")
    p.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    p.add_argument("--dtype", action="append", choices=("float64", "float32"))
    p.add_argument("--section", action="append",
                   choices=("smooth_l1", "huber", "pseudo_huber", "logcosh"))
    p.add_argument("--quick", action="store_true", help="N = 1e6")
    args = p.parse_args(argv)
    n = int(1e6 if args.quick else args.n)
    import numba

    print(f"lossmath {__version__}, numpy {np.__version__}, numba {numba.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"command: {' '.join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])])}")
    nb, npt = load(numba_printer, "bench_numba_losses"), load(numpy_printer, "bench_np_losses")
    for dtype in args.dtype or ["float64", "float32"]:
        xs = np.random.default_rng(12345).normal(0, 2, n).astype(dtype)
        buffers = [np.ones_like(xs) for _ in range(3)]
        for section in args.section or ["smooth_l1", "huber", "pseudo_huber", "logcosh"]:
            rows = implementations(section, xs, nb, npt, buffers)
            ref = reference(section, xs.astype(np.float64))
            # the transcendental rows take up to a second per call at 1e7
            rounds = args.rounds if section in ("smooth_l1", "huber") else max(5, args.rounds // 3)
            run_section_rows(rows, xs, ref, rounds, args.warmup)
            goals(section, dtype, n, report(section, dtype, n, rows))
    print("\n### compile time (smooth L1, a fresh process, then a second one with the cache)\n")
    for dtype in args.dtype or ["float64", "float32"]:
        for key, seconds in compile_times(dtype).items():
            print(f"- {dtype} {key}: {seconds:.2f} s")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
