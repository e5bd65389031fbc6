"""The array-API module on Dask streams: each function is one task per chunk after dask's
blockwise fusion (nothing holds the whole array), and ``f(x).sum()`` on 4 * 10**7 float64
(320 MB, generated chunk by chunk) peaks at a few chunks per thread.

Truths: the task count of dask's own optimised graph (``dask.optimize``: a source layer of
one task per chunk, then, if the loss streams, one fused task per chunk); the process's peak
resident memory (``resource.getrusage``, which sees numpy's buffers) in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import lossmath

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

#: a loss of each form the plan makes, and those whose primitives went through clip
LOSSES = ["huber", "smooth_l1", "logistic", "tukey", "pseudo_huber", "log_cosh",
          "modified_huber", "smoothed_hinge", "squared_hinge"]


@pytest.mark.parametrize("name", LOSSES)
def test_every_function_is_one_fused_task_per_chunk(name):
    mod = lossmath.compile([name], "array-api")
    x = da.from_array(np.linspace(-5.0, 5.0, 40), chunks=4)  # 10 chunks
    for suffix in ("", "_grad", "_hess"):
        (y,) = dask.optimize(getattr(mod, name + suffix)(x))
        assert len(dict(y.__dask_graph__())) == 2 * x.npartitions, (name, suffix)
        assert np.array_equal(y.compute(), getattr(mod, name + suffix)(x.compute()),
                              equal_nan=True)


_PEAK = """
import resource, sys
import numpy as np
import dask.array as da
import lossmath
mod = lossmath.compile(["huber"], "array-api")
x = da.random.default_rng(1).normal(0, 2, 4 * 10**7, chunks=10**6)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
total = float(mod.huber(x).sum().compute(scheduler="threads", num_workers=2))
print(total, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
"""


@pytest.mark.subprocess
def test_a_reduction_over_320_mb_peaks_below_a_quarter_of_the_data():
    out = subprocess.run([sys.executable, "-c", _PEAK], capture_output=True, text=True,
                         check=True, timeout=300)
    total, peak_mb = map(float, out.stdout.split())
    assert np.isfinite(total) and total > 0
    assert peak_mb < 80, json.dumps({"peak_mb_above_imports": peak_mb})  # data: 320 MB
