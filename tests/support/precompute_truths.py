"""Write the ulp harness's mpmath truths to ``tests/data/ulp_truths/<loss>.txt``.

The harness (``tests/support/ulp_harness.py``) measures generated code against mpmath at every point
of its grid; computing those ~46,000 truths (value, gradient, Hessian, float64 and float32, at
up to 1,280 digits where a formula cancels) is most of its cost, and they change only when a
loss's definition or the grid does. So, as scipy.special does with its ``_precompute/``
scripts, they are data: this script computes them, the tests read them, and
``tests/emit/test_ulp_harness.py`` recomputes a random sample with mpmath and checks that the
stored inputs and definitions are the ones this script would write now (stale data fails).

Run from the repository root after changing a loss or the grid::

    python -m tests.support.precompute_truths [LOSS ...]

One file per loss; a line per input: dtype, the input as a float hex, then per order
``value@interval`` (value: a float word or the mpf rounded to 96 bits as ``MANTISSAhexpEXP``;
interval: the table's interval index, ``-`` at a breakpoint, +-inf or NaN). The bytes depend on
the definitions and mpmath only, not on the machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from tests.support import ulp_harness as H


def lines(name: str) -> list[str]:
    """The file of ``name``'s truths, as this script writes it (computed with mpmath)."""
    loss = H.all_losses()[name]
    out = [f"# ulp truths of {name}: python -m tests.support.precompute_truths {name}",
           f"# definition {H.fingerprint(loss)}"]
    per_decade, dense = H.SUITE_GRID
    for dtype in H.DTYPES:
        for xv in H.grid(loss, dtype, per_decade, dense).tolist():
            cells = [H.computed_truth(loss, order, xv, dtype) for order in range(3)]
            out.append(H.truth_line(loss, dtype, xv, cells))
    return out


def expected_inputs(name: str) -> tuple[tuple[str, float], ...]:
    """The (dtype name, x) this script would store for ``name`` (cheap: no truth)."""
    loss = H.all_losses()[name]
    per_decade, dense = H.SUITE_GRID
    return tuple((np.dtype(d).name, xv) for d in H.DTYPES
                 for xv in H.grid(loss, d, per_decade, dense).tolist())


def main(names: list[str]) -> int:
    return _write(names)


def _write(names: list[str]) -> int:
    H.TRUTHS_DIR.mkdir(parents=True, exist_ok=True)
    unknown = sorted(set(names) - set(H.all_losses()))
    if unknown:
        print(f"unknown loss: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for name in names or sorted(H.all_losses()):
        start = time.perf_counter()
        text = "\n".join(lines(name)) + "\n"
        path = H.truths_file(name)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        print(f"{path.name}: {text.count(chr(10)) - 2} inputs in "
              f"{time.perf_counter() - start:.1f} s")
    stale = sorted(p.stem for p in H.TRUTHS_DIR.glob("*.txt"))
    for extra in sorted(set(stale) - set(H.all_losses())):
        H.truths_file(extra).unlink()
        print(f"removed {extra}.txt (no such harness loss)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
