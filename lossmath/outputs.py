"""Writing generated files: atomically, deterministically, and with a ``--check`` mode.

Every emitter returns text (or bytes); this module is the one place that touches the disk, so
atomic replacement, ``--check`` (never writes) and ``--diff`` behave the same for documents,
figures and generated code.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OutputError", "Outcome", "stale", "write_files", "unified_diff"]


class OutputError(OSError):
    """A file could not be written; the message names it and why."""


@dataclass(frozen=True)
class Outcome:
    """Which files were (or, in check mode, would be) created or changed."""

    changed: tuple[Path, ...]
    unchanged: tuple[Path, ...]


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def stale(files: Mapping[Path | str, str | bytes]) -> Outcome:
    """Compare without writing: the files whose content on disk differs (or is missing)."""
    changed, unchanged = [], []
    for path, content in files.items():
        p = Path(path)
        (unchanged if _current(p) == _as_bytes(content) else changed).append(p)
    return Outcome(tuple(changed), tuple(unchanged))


def unified_diff(path: Path | str, new: str | bytes) -> str:
    """A unified diff from the file on disk to ``new`` (binary files get a one-line note)."""
    p = Path(path)
    old = _current(p)
    new_b = _as_bytes(new)
    try:
        old_t = (old or b"").decode("utf-8")
        new_t = new_b.decode("utf-8")
    except UnicodeDecodeError:
        return f"Binary file {p} differs\n"
    return "".join(
        difflib.unified_diff(
            old_t.splitlines(keepends=True),
            new_t.splitlines(keepends=True),
            fromfile=f"{p} (on disk)" if old is not None else "/dev/null",
            tofile=f"{p} (generated)",
        )
    )


def write_files(files: Mapping[Path | str, str | bytes]) -> Outcome:
    """Write every file atomically; files whose content is already current are not touched.

    All new contents go to temporary files in their target directories first; only when every
    one of them is written are they renamed over the targets (``os.replace`` is atomic on
    POSIX). A failure part-way removes the temporaries and leaves every target as it was.
    """
    files = {Path(k): v for k, v in files.items()}
    outcome = stale(files)
    temps: list[tuple[str, Path]] = []
    try:
        for p in outcome.changed:
            content = _as_bytes(files[p])
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
            except OSError as exc:
                raise OutputError(f"cannot write {p}: {exc.strerror or exc}") from exc
            temps.append((tmp, p))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            mode = p.stat().st_mode & 0o777 if p.exists() else 0o644
            os.chmod(tmp, mode)
        for tmp, p in temps:
            os.replace(tmp, p)
        temps.clear()
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write output: {exc}") from exc
    finally:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return outcome
