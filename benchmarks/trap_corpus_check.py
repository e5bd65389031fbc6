"""`lossmath check SPEC --json` on every case of the trap corpus (tests/support/trap_corpus.py):
wall and CPU time per case, their median and maximum, and the exit codes.

    PYTHONPATH=. python benchmarks/trap_corpus_check.py

CPU time (user + system of the child) is the figure to compare between machines and loads;
wall time depends on what else runs.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.trap_corpus import CASES  # noqa: E402


def _toml(spec: dict) -> str:
    lines = [f'name = "{spec["name"]}"']
    for name, p in spec.get("params", {}).items():
        lines += ["[params]", f'{name} = {{ default = {p["default"]}, assume = "{p["assume"]}" }}']
    for piece in spec["pieces"]:
        lines.append("[[pieces]]")
        lines.append(f'expr = "{piece["expr"]}"')
        if piece.get("when"):
            lines.append(f'when = "{piece["when"]}"')
    return "\n".join(lines) + "\n"


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            path = Path(tmp) / f"{case.id}.toml"
            path.write_text(_toml(case.spec))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "lossmath", "check", str(path),
                                   "--json", "--timeout", "600"], env=env, cwd=REPO,
                                  capture_output=True, text=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            rows.append((case.id, proc.returncode, wall, cpu))
            print(f"{case.id:<14} exit {proc.returncode}  wall {wall:6.1f} s  cpu {cpu:6.1f} s",
                  flush=True)
    walls, cpus = [r[2] for r in rows], [r[3] for r in rows]
    slow = max(rows, key=lambda r: r[3])
    print(json.dumps({
        "cases": len(rows),
        "median_wall_s": round(statistics.median(walls), 2),
        "max_wall_s": round(max(walls), 2),
        "median_cpu_s": round(statistics.median(cpus), 2),
        "max_cpu_s": round(max(cpus), 2),
        "slowest": slow[0],
        "exit_codes": {str(k): sum(1 for r in rows if r[1] == k)
                       for k in sorted({r[1] for r in rows})},
    }, indent=2))


if __name__ == "__main__":
    main()
