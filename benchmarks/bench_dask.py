"""The array-API module on Dask against the numpy target in memory: time and peak memory.

``huber(x).sum()`` on ``--n`` float64 (default 10**8) in chunks of ``--chunk`` (10**6):
Dask generates each chunk where it is used (``da.random.default_rng``) and runs on 2 threads;
the numpy target gets the same count of normals in memory. Each case runs in a fresh process;
its peak resident memory (``resource.getrusage`` max RSS) minus that of a process that only
made the same imports and compiled the same modules (measured separately) is the case's own
peak. Also shown: the Dask time of generating the data and summing it (``x.sum()``), which the
Dask case includes and the numpy case does not (its data exist before the clock starts).
Run ``python benchmarks/bench_dask.py`` (``--n 10000000`` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

_CASE = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    import dask.array as da
    import lossmath
    n, chunk, which = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    amod = lossmath.compile(["huber"], "array-api")
    nmod = lossmath.compile(["huber"], "numpy")
    total, t = 0.0, time.perf_counter()
    if which == "dask":
        x = da.random.default_rng(12345).normal(0, 2, n, chunks=chunk)
        t = time.perf_counter()
        total = float(amod.huber(x).sum().compute(scheduler="threads", num_workers=2))
    elif which == "dask-data":
        x = da.random.default_rng(12345).normal(0, 2, n, chunks=chunk)
        t = time.perf_counter()
        total = float(x.sum().compute(scheduler="threads", num_workers=2))
    elif which == "numpy":
        x = np.random.default_rng(12345).normal(0, 2, n)
        t = time.perf_counter()
        total = float(nmod.huber(x).sum())
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB -> MB
    print(json.dumps({"time": elapsed, "peak_mb": peak, "sum": total}))
""")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10**8)
    ap.add_argument("--chunk", type=int, default=10**6)
    args = ap.parse_args()
    res = {}
    for which in ("imports", "dask-data", "dask", "numpy"):
        out = subprocess.run([sys.executable, "-c", _CASE, str(args.n), str(args.chunk), which],
                             capture_output=True, text=True, check=True)
        res[which] = json.loads(out.stdout.strip().splitlines()[-1])
    base = res["imports"]["peak_mb"]
    print(f"n = {args.n:.0e} float64, chunks {args.chunk:.0e}; imports alone: {base:.0f} MB")
    for which in ("dask-data", "dask", "numpy"):
        r = res[which]
        print(f"{which:10} {r['time']:7.2f} s  peak above imports {r['peak_mb'] - base:8.0f} MB"
              f"  sum {r['sum']:.6e}")
    d, m = res["dask"], res["numpy"]
    print(f"dask/numpy: time {d['time'] / m['time']:.2f}x, peak (imports subtracted) "
          f"{(d['peak_mb'] - base) / (m['peak_mb'] - base):.3f}x")


if __name__ == "__main__":
    main()
