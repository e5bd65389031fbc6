"""The torch, JAX and array-API targets against the libraries' own losses, in one run.

* torch: the generated ``smooth_l1``/``huber`` forward + backward (``reduction="sum"``, then
  ``autograd.grad``) against ``F.smooth_l1_loss``/``F.huber_loss`` the same way, on 1 and 2
  threads (``torch.set_num_threads``), 10**7 float32 and float64;
* JAX: ``jit(value_and_grad(sum of huber))`` of the generated module against the same of
  ``optax.losses.huber_loss``, 10**7 float32;
* array API on Dask: ``huber(x).sum()`` of the array-API module on a chunked 10**8-element
  float64 Dask array (chunks of 10**6, generated chunk by chunk) against the numpy target on
  the same data held in memory (800 MB); each in a subprocess of its own, with its time and
  peak memory (``resource.getrusage`` max RSS, which sees numpy's buffers).

Method: each implementation warmed up (compiled) first, then timed ``--rounds`` times in
alternation, medians reported with the ratio ours / theirs. Run ``python
benchmarks/bench_targets.py`` (about three minutes) or ``--quick`` (10**6, no Dask).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np

import lossmath


def _median(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_torch(n: int, rounds: int) -> list[tuple[str, float, float]]:
    import torch
    import torch.nn.functional as F

    mod = lossmath.compile(["smooth_l1", "huber"], "torch")
    rows = []
    for dtype in (torch.float32, torch.float64):
        x0 = torch.from_numpy(np.random.default_rng(12345).normal(0, 2, n)).to(dtype)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for name, ref, kw in (("smooth_l1", F.smooth_l1_loss, {"beta": 1.0}),
                                  ("huber", F.huber_loss, {"delta": 1.0})):
                ours_fn = getattr(mod, name)

                def ours(ours_fn=ours_fn, kw=kw, x0=x0):
                    x = x0.detach().requires_grad_(True)
                    torch.autograd.grad(ours_fn(x, reduction="sum", **kw), x)

                def theirs(ref=ref, kw=kw, x0=x0):
                    x = x0.detach().requires_grad_(True)
                    torch.autograd.grad(ref(x, torch.zeros_like(x), reduction="sum", **kw), x)

                ours(), theirs()
                t_ours, t_theirs = _median(ours, rounds), _median(theirs, rounds)
                label = f"torch {name} fwd+bwd {str(dtype)[6:]} {threads} thr"
                rows.append((label, t_ours, t_theirs))
    torch.set_num_threads(2)
    return rows


def bench_jax(n: int, rounds: int) -> list[tuple[str, float, float]]:
    import jax
    import jax.numpy as jnp
    import optax

    mod = lossmath.compile(["huber"], "jax")
    x = jnp.asarray(np.random.default_rng(12345).normal(0, 2, n).astype(np.float32))
    ours = jax.jit(jax.value_and_grad(lambda t: mod.huber(t, delta=1.0).sum()))
    theirs = jax.jit(jax.value_and_grad(lambda t: optax.losses.huber_loss(t, delta=1.0).sum()))
    for f in (ours, theirs):
        jax.block_until_ready(f(x))
    v1, g1 = ours(x)
    v2, g2 = theirs(x)
    diff = float(np.max(np.abs(np.asarray(g1) - np.asarray(g2))))
    print(f"jax: max |ours - optax| gradient difference {diff:.3g}")
    t_ours = _median(lambda: jax.block_until_ready(ours(x)), rounds)
    t_theirs = _median(lambda: jax.block_until_ready(theirs(x)), rounds)
    return [("jax huber jit(value_and_grad) float32", t_ours, t_theirs)]


_DASK = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    import lossmath
    n, chunk, which = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if which == "dask":
        import dask, dask.array as da
        mod = lossmath.compile(["huber"], "array-api")
        x = da.random.default_rng(12345).normal(0, 2, n, chunks=chunk)
        t = time.perf_counter()
        with np.errstate(all="ignore"):
            total = float(mod.huber(x).sum().compute(scheduler="threads", num_workers=2))
    else:
        mod = lossmath.compile(["huber"], "numpy")
        rng = np.random.default_rng(12345)
        x = rng.normal(0, 2, n)
        t = time.perf_counter()
        total = float(mod.huber(x).sum())
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB -> MB
    print(json.dumps({"time": elapsed, "peak_mb": peak, "sum": total}))
""")


def bench_dask(n: int, chunk: int) -> list[str]:
    out = {}
    for which in ("dask", "numpy"):
        res = subprocess.run([sys.executable, "-c", _DASK, str(n), str(chunk), which],
                             capture_output=True, text=True, check=True)
        out[which] = json.loads(res.stdout.strip().splitlines()[-1])
    d, m = out["dask"], out["numpy"]
    return [
        f"dask array-api huber(x).sum(), {n:.0e} float64, chunks {chunk:.0e}: "
        f"{d['time']:.2f} s, peak RSS {d['peak_mb']:.0f} MB (data generated chunk by chunk)",
        f"numpy target huber(x).sum() on the same data in memory: {m['time']:.2f} s, "
        f"peak RSS {m['peak_mb']:.0f} MB",
        f"ratio dask/numpy: time {d['time'] / m['time']:.2f}x, peak memory "
        f"{d['peak_mb'] / m['peak_mb']:.2f}x; sums {d['sum']:.6e} / {m['sum']:.6e} (different "
        "random streams: dask's per chunk)",
    ]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=9)
    args = p.parse_args(argv)
    n = 10**6 if args.quick else 10**7
    rows = bench_torch(n, args.rounds) + bench_jax(n, args.rounds)
    print(f"{'':48} {'ours ms':>9} {'theirs ms':>10} {'ratio':>6}")
    for label, a, b in rows:
        print(f"{label:48} {a * 1e3:9.1f} {b * 1e3:10.1f} {a / b:6.2f}")
    if not args.quick:
        for line in bench_dask(10**8, 10**6):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
