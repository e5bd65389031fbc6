"""How long ``lossmath check`` takes: every catalog loss, cold and warm, and a corpus.

- **cold**: a fresh ``python -m lossmath.cli.main check NAME --json`` process, against the floor
  of a process that imports what every command needs and defines the catalog, without
  analysing or building any table (``FLOOR`` below), measured in the same run;
- **warm**: ``analyse`` of a freshly constructed, equal ``Loss`` in a process that has
  analysed it once (imports done, sympy's caches warm), best of ``--rounds``;
- **corpus**: warm in-process time of every case of ``tests/support/verdict_corpus.py`` (when it
  exists): median and slowest.

Goal: warm ``check`` of any catalog loss under 0.1 s.

Run ``python benchmarks/bench_check.py`` (about a minute), ``--quick`` to skip the corpus.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lossmath import Loss, analyse, catalog, loss_from_expr
from lossmath.base.errors import LossError, OutOfTime, Undecided
from lossmath.spec.toml import loss_from_toml

ROOT = Path(__file__).resolve().parent.parent


def _cold(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], capture_output=True, check=False, cwd=ROOT)
    return time.perf_counter() - start


def _fresh(loss: Loss) -> Loss:
    return Loss(loss.name, loss.expr, loss.params, unknowns=loss.unknowns)


def _warm(loss: Loss, rounds: int) -> float:
    analyse(loss)
    best = float("inf")
    for _ in range(rounds):
        fresh = _fresh(loss)
        start = time.perf_counter()
        analyse(fresh)
        best = min(best, time.perf_counter() - start)
    return best


#: The floor of a cold run: sympy, the command line, the public API and the catalog's
#: definitions (a bare ``import lossmath`` imports none of them now; tables are built on use).
FLOOR = "import lossmath.cli.main; from lossmath import *; loss_names()"


def catalog_table(rounds: int) -> None:
    floor = min(_cold(["-c", FLOOR]) for _ in range(3))
    print(f"cold floor ({FLOOR}): {floor:.2f} s")
    print(f"{'loss':<14} {'cold s':>7} {'/floor':>7} {'warm s':>8}  class")
    for loss in catalog.all_losses():
        cold = min(
            _cold(["-m", "lossmath.cli.main", "check", loss.name, "--json"]) for _ in range(rounds)
        )
        warm = _warm(loss, rounds)
        report = analyse(loss)
        flag = "" if warm < 0.1 else "  (goal 0.1 s missed)"
        print(f"{loss.name:<14} {cold:7.2f} {cold / floor:7.2f} {warm:8.3f}  {report.cls}{flag}")


def _corpus_cases():
    path = ROOT / "tests" / "support" / "verdict_corpus.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("verdict_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["verdict_corpus"] = module
    spec.loader.exec_module(module)
    return getattr(module, "CASES", None)


def corpus_table() -> None:
    cases = _corpus_cases()
    if not cases:
        print("corpus: tests/support/verdict_corpus.py not found")
        return
    times = []
    for case in cases:
        get = case.get if isinstance(case, dict) else lambda k, c=case: getattr(c, k, None)
        start = time.perf_counter()
        try:
            loss = loss_from_expr(get("expr")) if get("expr") else loss_from_toml(get("spec"))
            if get("subs_defaults"):
                loss = loss.with_defaults()
            analyse(loss, timeout=20)
        except (LossError, Undecided, OutOfTime):
            pass
        times.append((time.perf_counter() - start, get("id")))
    times.sort()
    median = statistics.median(t for t, _ in times)
    print(f"corpus: {len(times)} cases, median {median:.3f} s, slowest {times[-1][0]:.2f} s "
          f"({times[-1][1]}); cold process start not included")
    for t, name in times[-5:]:
        print(f"  {t:6.2f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="catalog only, 1 round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalog_table(1 if args.quick else args.rounds)
    if not args.quick:
        corpus_table()


if __name__ == "__main__":
    main()
