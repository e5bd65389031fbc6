"""How long lossmath takes to start: ``import lossmath`` against ``import sympy``, and
``lossmath --help`` / ``--version``.

Every row is a fresh interpreter (``python -c ...`` or ``python -m lossmath ...``) timed from
spawn to exit, with this checkout first on ``PYTHONPATH``; the rows run interleaved, in a new
random order each round, so a machine whose load changes during the run slows them alike.
The table reports each row's median over ``--rounds`` rounds (11 by default), its
interquartile range and its ratio to ``import sympy`` measured in the same run.

Two more rows show what first use costs: ``loss_names()`` defines the catalog's losses
(sympy expressions, no interval table), ``get_loss('huber').table`` builds one table.

Goals: ``import lossmath`` at most 1.3 times ``import sympy`` (both the bare import and the
whole public API, ``from lossmath import *``, which imports sympy and the catalog's
definitions but builds no interval table), and ``lossmath --help`` at most 0.3 s.

Run ``python benchmarks/bench_startup.py`` (about a minute), ``--rounds N`` to change N.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (label, argv after the interpreter)
ROWS: tuple[tuple[str, list[str]], ...] = (
    ("python -c pass (interpreter floor)", ["-c", "pass"]),
    ("import sympy", ["-c", "import sympy"]),
    ("import lossmath", ["-c", "import lossmath"]),
    ("from lossmath import * (public API)", ["-c", "from lossmath import *"]),
    ("+ loss_names() (catalog, no table)", ["-c", "import lossmath; lossmath.loss_names()"]),
    ("+ get_loss('huber').table (one table)",
     ["-c", "import lossmath; lossmath.get_loss('huber').table"]),
    ("lossmath --help", ["-m", "lossmath", "--help"]),
    ("lossmath --version", ["-m", "lossmath", "--version"]),
)
BASELINE = "import sympy"
#: label -> (goal, what it bounds): a ratio to the baseline, or seconds
GOALS = {
    "import lossmath": (1.3, "ratio"),
    "from lossmath import * (public API)": (1.3, "ratio"),
    "lossmath --help": (0.3, "seconds"),
}


def _run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(rounds: int, seed: int = 12345) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    order = random.Random(seed)
    times: dict[str, list[float]] = {label: [] for label, _ in ROWS}
    for _, argv in ROWS:  # one untimed warm-up each: the page cache, .pyc files
        _run(argv, env)
    for _ in range(rounds):
        rows = list(ROWS)
        order.shuffle(rows)
        for label, argv in rows:
            times[label].append(_run(argv, env))
    return times


def _iqr(values: list[float]) -> float:
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


def report(times: dict[str, list[float]]) -> str:
    base = statistics.median(times[BASELINE])
    lines = [
        f"{'row':<38} {'median s':>9} {'IQR s':>7} {'/ sympy':>8}",
        f"{'-' * 38} {'-' * 9} {'-' * 7} {'-' * 8}",
    ]
    for label, _ in ROWS:
        med = statistics.median(times[label])
        lines.append(f"{label:<38} {med:>9.3f} {_iqr(times[label]):>7.3f} {med / base:>8.2f}")
    lines.append("")
    for label, (goal, unit) in GOALS.items():
        med = statistics.median(times[label])
        value = med / base if unit == "ratio" else med
        verdict = "met" if value <= goal else "NOT met"
        what = "x import sympy" if unit == "ratio" else "s"
        lines.append(f"goal: {label} <= {goal:g}{what}: {value:.2f}{what} ({verdict})")
    try:
        lines.append(f"load average at the end: {os.getloadavg()[0]:.2f} "
                     f"on {os.cpu_count()} CPUs")
    except OSError:  # pragma: no cover - no getloadavg on this platform
        pass
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11, help="rounds (default 11)")
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error("--rounds must be at least 2 (the IQR needs two values)")
    print(report(measure(args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
