"""What the measured search costs at generation: the numpy module of every catalog loss,
generated in one process, and the share of that spent in ``lossmath.numerics.search``.

The search is bounded by work, not time (at most ``search.BUDGET`` candidates measured and
``search.PROOFS`` proofs per piece and order; a plan that measures within the bound is kept
without searching), so the share is the figure to watch; the CPU seconds are given for the
closing note and depend on the machine and its load.

Run ``python benchmarks/bench_generation.py`` (Barron's shape fixed at its default, as the
ulp harness and the goldens fix it; ``--target`` for another printer).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lossmath.emit import targets  # noqa: E402

SEARCH = importlib.import_module("lossmath.numerics.search")
catalog_losses = importlib.import_module("tests.support.write_goldens").catalog_losses


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="numpy")
    args = ap.parse_args(argv)
    losses = catalog_losses()  # the golden modules' catalog set
    spent, calls, searched = [0.0], [0], [0]
    original = SEARCH.search

    def timed(*a, **k):
        t = time.process_time()
        found = original(*a, **k)
        spent[0] += time.process_time() - t
        calls[0] += 1
        searched[0] += found.start is not None and not found.start.good()
        return found

    SEARCH.search = timed
    try:
        t = time.process_time()
        text = targets.get(args.target).generator()(losses)
        total = time.process_time() - t
    finally:
        SEARCH.search = original
    print(f"{args.target}: {len(losses)} catalog losses, {len(text)} characters; generation "
          f"{total:.1f} s CPU, of which the numerics search {spent[0]:.1f} s "
          f"({spent[0] / total:.0%}) in {calls[0]} measured pieces, {searched[0]} searched "
          f"(their plan measured beyond the bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
