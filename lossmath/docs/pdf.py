"""The PDF backend: compile a document's LaTeX with pdflatex or XeLaTeX, and tell whether a
PDF was built from the current LaTeX (its info dictionary carries the LaTeX's fingerprint)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping

from lossmath.docs.latex import DOCUMENT_PREFIX, RERUN
from lossmath.docs.markup import DocumentError
from lossmath.docs.model import ENGINE_PACKAGES, PdfUnavailable
from lossmath.io.outputs import scratch_dir, write_files

__all__ = ["build_pdf", "compile_tex", "document_fingerprint", "engine_missing", "engine_path",
           "pdf_is_current", "pdflatex_path"]


def document_fingerprint(tex: str) -> str | None:
    """The fingerprint a LaTeX file from :meth:`Document.latex` carries (None if none)."""
    m = re.search(re.escape(DOCUMENT_PREFIX) + r"([0-9a-f]{64})", tex)
    return m.group(1) if m else None


def pdf_is_current(pdf: bytes | None, tex: str) -> bool:
    """Was ``pdf`` compiled from exactly this LaTeX? (Its info dictionary says so.)"""
    digest = document_fingerprint(tex)
    return pdf is not None and digest is not None and (
        (DOCUMENT_PREFIX + digest).encode("ascii") in pdf
    )


def pdflatex_path() -> str | None:
    return shutil.which("pdflatex")


def engine_path(engine: str = "pdflatex") -> str | None:
    """Where ``engine`` (pdflatex, xelatex) is installed, or None."""
    return shutil.which(engine)


def engine_missing(engine: str) -> str:
    """The message for a missing TeX engine: what to install."""
    return (f"{engine} not found (install TeX, e.g. apt-get install "
            f"{ENGINE_PACKAGES[engine]})")


def build_pdf(
    tex: str, files: Mapping[str, bytes], timeout: float = 120, engine: str = "pdflatex"
) -> bytes:
    """Compile ``tex`` with ``engine`` (pdflatex or xelatex); return the PDF
    (:func:`compile_tex`)."""
    return compile_tex(tex, files, timeout, engine)[0]


def compile_tex(
    tex: str, files: Mapping[str, bytes], timeout: float = 120, engine: str = "pdflatex"
) -> tuple[bytes, str]:
    """Compile ``tex`` with ``engine`` (pdflatex or xelatex) in a private temporary
    directory; return the PDF and TeX's log (overfull boxes, for the tests).

    ``files`` are the other inputs by relative path (``figures/x.pdf``). Dates come from
    ``SOURCE_DATE_EPOCH=0``; nothing is written outside the temporary directory.
    Raises :class:`PdfUnavailable` when the engine is not installed and
    :class:`DocumentError` with TeX's first error message when compilation fails.
    """
    if engine not in ENGINE_PACKAGES:
        raise DocumentError(f"unknown TeX engine {engine!r} (use pdflatex or xelatex)")
    exe = pdflatex_path() if engine == "pdflatex" else engine_path(engine)
    if exe is None:
        raise PdfUnavailable(engine_missing(engine))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    # A private directory, removed on every catchable signal too; a later build removes the ones
    # that killed runs left (lossmath.io.outputs.scratch_dir).
    with scratch_dir() as root:
        write_files({root / "doc.tex": tex, **{root / k: v for k, v in files.items()}},
                    parents=True)
        cmd = [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
               "doc.tex"]
        output, returncode = _run_engine(cmd, root, env, engine, timeout)
        log_path = root / "doc.log"
        if returncode == 0 and log_path.exists() \
                and RERUN in log_path.read_text("utf-8", "replace"):
            # A second pass reads the first's measurements (.aux) of the turned pages.
            output, returncode = _run_engine(cmd, root, env, engine, timeout)
        pdf = root / "doc.pdf"
        if returncode != 0 or not pdf.exists():
            log = (root / "doc.log").read_text("utf-8", "replace") if (root / "doc.log").exists() \
                else output.decode("utf-8", "replace")
            raise DocumentError(f"{engine} failed: {_first_tex_error(log)}")
        log = log_path.read_text("utf-8", "replace") if log_path.exists() else ""
        return pdf.read_bytes(), log


def _run_engine(cmd: list[str], root, env: Mapping[str, str], engine: str,
                timeout: float) -> tuple[bytes, int]:
    """One pass of the TeX engine in ``root``: its output and exit status."""
    # In a session of its own, so that on a timeout or a signal (SIGHUP included: the
    # scratch directory's handler raises) the engine and anything it started are
    # killed as a group, never left running.
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise DocumentError(f"{engine} took longer than {timeout:g} s") from exc
        raise
    return output, proc.returncode


def _first_tex_error(log: str) -> str:
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            context = " ".join(s.strip() for s in lines[i + 1 : i + 3] if s.strip())
            return f"{line[1:].strip()} {context}".strip()
    return "see the pdflatex log (no error line found)"


