"""Runs ``lossmath.cli.main.main`` on one request per line (JSON), for
tests/cli/test_hostile_corpus.py.

One process serves every case, so the corpus pays for importing sympy once. Each request is
``{"argv": [...], "cwd": DIR, "umask": int, "pre": [[...], ...], "timeout": s, "stdout":
MODE}`` (MODE: ``closed``, ``broken`` or ``ascii``; default a string buffer); the reply
(one JSON line on the original stdout) has the exit code, the output, the time taken, the
growth of the peak resident memory (KiB) and any exception that escaped ``main``. A case that
runs past its timeout is stopped by a signal (even inside a blocking ``open`` of a FIFO), and
the address space is capped, so a case that reads without end fails instead of taking the
machine with it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import resource
import signal
import sys
import threading
import time
import traceback

resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
# Replies go to a private copy of stdout; fd 1 itself goes nowhere, so nothing stray can
# corrupt the protocol.
reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(devnull, 1)

from lossmath.cli.main import main  # noqa: E402 - after the limits


class Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise Timeout


# The watchdog is a thread sending SIGUSR1, not SIGALRM: lossmath's own time budget
# (--timeout) uses SIGALRM and ITIMER_REAL, and would disarm a timer of ours.
signal.signal(signal.SIGUSR1, _alarm)
MAIN = threading.main_thread().ident


class BrokenStdout(io.TextIOBase):
    """A stdout whose reader has gone (``| head``): every write raises EPIPE."""

    def write(self, s: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def writable(self) -> bool:
        return True


def _stdout(mode: str | None):
    """The stdout a case runs with: a string buffer; None (closed before the run); a broken
    pipe; or a terminal that is not UTF-8 (ASCII, strict, with a byte buffer under it)."""
    if mode == "closed":
        return None
    if mode == "broken":
        return BrokenStdout()
    if mode == "ascii":
        return io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    return io.StringIO()


def _text(out) -> str:
    if isinstance(out, io.TextIOWrapper):
        out.flush()
        return out.buffer.getvalue().decode("ascii", "backslashreplace")
    return out.getvalue() if isinstance(out, io.StringIO) else ""


def run(argv: list[str], timeout: float, stdout: str | None = None) -> dict:
    out, err = _stdout(stdout), io.StringIO()
    rc, tb = None, None
    timer = threading.Timer(timeout, signal.pthread_kill, (MAIN, signal.SIGUSR1))
    timer.start()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        rc = exc.code if isinstance(exc.code, int) else 2
    except Timeout:
        rc = "timeout"
    except BaseException:  # noqa: BLE001 - a traceback is what the corpus looks for
        tb = traceback.format_exc()
    finally:
        timer.cancel()
    return {"rc": rc, "out": _text(out), "err": err.getvalue(), "traceback": tb}


for line in sys.stdin:
    request = json.loads(line)
    os.chdir(request["cwd"])
    old_mask = os.umask(request.get("umask", 0o022))
    try:
        timeout = request.get("timeout", 20)
        pre = [run(argv, timeout) for argv in request.get("pre", [])]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # CPU seconds of this process, not wall time: a case's cost is its work, whatever
        # else the machine runs (a blocked case is stopped by the wall-clock timeout above)
        start = time.process_time()
        result = run(request["argv"], timeout, request.get("stdout"))
        result["seconds"] = time.process_time() - start
        result["rss_growth_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        result["pre"] = pre
    finally:
        os.umask(old_mask)
    reply.write(json.dumps(result) + "\n")
    reply.flush()
