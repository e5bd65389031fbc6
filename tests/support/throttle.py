"""Run a command as if on a machine about 3x slower: the process is paused (SIGSTOP) for two
of every three tenths of a second by a thread of this process, and uses no extra CPU."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lossmath(argv: Sequence[str], *, throttle: bool, timeout: float = 1800) -> tuple[int, bytes,
                                                                                    bytes]:
    """``python -m lossmath ARGV`` from the repository root: (exit code, stdout, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "lossmath", *argv], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def pause() -> None:
        while not done.wait(0.1):  # runs for a tenth of a second ...
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGSTOP)
            done.wait(0.2)  # ... then stands still for two
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)

    pauser = threading.Thread(target=pause, daemon=True)
    if throttle:
        pauser.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        if throttle:
            pauser.join()
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGCONT)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err
