"""Writing generated files: the path rules, atomic replacement, ``--check`` and ``--diff``.

Every emitter returns text (or bytes); this module is the one place that touches the disk, so
every command follows the same rules (black and cog are the models: ``--check`` never writes,
and what is written depends on the content only):

- Only regular files are written or read. A directory, character or block device, FIFO or
  socket is refused with its path, before anything is written; it is never opened, so a FIFO
  cannot block and ``/dev/zero`` cannot be read without end. A symlink is followed, and the
  run says so (:attr:`Outcome.notes`).
- An input of the same command (a spec) is never overwritten (compared by device and inode,
  so any spelling of its path counts), and a read-only file only with ``force``.
- Missing parent directories are created only when asked (``parents``; the outcome names
  each one made), so a typo in ``-o`` cannot create a tree of directories.
- New files get ``0o666`` less the umask, like any other file the user creates; a replaced
  file keeps its mode.
- Reads in ``--check`` and ``--diff`` are bounded (:data:`MAX_READ`), and a file longer than
  the new content is stale without being read to its end.
- Writes are atomic: each new content goes to a temporary file next to its target, named
  ``.NAME.lossmath-PID-XXXXXXXX.tmp``, and only when all are written are they renamed over
  the targets. SIGTERM, SIGINT, SIGHUP (each catchable signal that ends a process,
  :data:`_CAUGHT`) during a write remove the temporaries (the handler raises
  :class:`Interrupted`, so the clean-up runs); after SIGKILL, the next write into that
  directory removes the temporaries of processes that no longer exist.

:func:`display_path` spells an output path independently of the working directory, for the
headers that name the command regenerating a file.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Interrupted",
    "MAX_READ",
    "OutputError",
    "Outcome",
    "check_target",
    "display_path",
    "project_root",
    "read_bounded",
    "scratch_dir",
    "stale",
    "unified_diff",
    "write_files",
]

#: At most this many bytes are read from any existing file in ``--check`` or ``--diff``.
MAX_READ = 64 * 1024 * 1024
_TMP_TAG = "lossmath"
_TMP_RE = re.compile(r"^\..+\.lossmath-(\d+)-[A-Za-z0-9_]+\.tmp$")
_SCRATCH_PREFIX = "lossmath-tex-"
_SCRATCH_RE = re.compile(r"^lossmath-tex-(\d+)-[A-Za-z0-9_]+$")


class OutputError(OSError):
    """A file cannot be written (or read for a check); the message names it and why."""


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error
    """A signal of :data:`_CAUGHT` arrived during a write; the temporaries are already
    removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@dataclass(frozen=True)
class Outcome:
    """Which files were (or, in check mode, would be) created or changed, the directories
    made, and notes for the user (a symlink followed)."""

    changed: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    made_dirs: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO"); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _stat(path: Path) -> os.stat_result | None:
    """``os.stat`` (symlinks followed); None when nothing is there."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise OutputError(f"{path}: {exc.strerror or exc}") from None


def read_bounded(path: Path | str, limit: int = MAX_READ) -> bytes | None:
    """The content of a regular file, at most ``limit + 1`` bytes (so a caller sees that it
    is longer than ``limit``); None when it does not exist.

    Anything but a regular file is refused without being opened for reading (a FIFO would
    block, a device would never end); the file is opened non-blocking and checked again
    after opening, so it cannot be swapped for one in between.
    """
    p = Path(path)
    st = _stat(p)
    if st is None:
        return None
    kind = _kind(st.st_mode)
    if kind:
        raise OutputError(f"{p}: is {kind}, not a regular file")
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot read {p}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        kind = _kind(os.fstat(fd).st_mode)
        if kind:
            raise OutputError(f"{p}: is {kind}, not a regular file")
        return fh.read(limit + 1)


def stale(files: Mapping[Path | str, str | bytes]) -> Outcome:
    """Compare without writing: the files whose content on disk differs (or is missing).

    A file is read only as far as the new content goes (one byte more shows it is longer).
    """
    changed, unchanged = [], []
    for path, content in files.items():
        p, new = Path(path), _as_bytes(content)
        (unchanged if read_bounded(p, len(new)) == new else changed).append(p)
    return Outcome(tuple(changed), tuple(unchanged))


def unified_diff(path: Path | str, new: str | bytes) -> str:
    """A unified diff from the file on disk to ``new`` (binary or huge files get a note)."""
    p = Path(path)
    old = read_bounded(p)
    new_b = _as_bytes(new)
    if old is not None and len(old) > MAX_READ:
        return f"File {p} differs (longer than {MAX_READ} bytes: no diff shown)\n"
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


# -- where a file may be written --------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    given: Path
    real: Path  # symlinks resolved
    mode: int | None  # the existing file's permission bits; None for a new file
    missing: tuple[Path, ...]  # parent directories to create, outermost first


def _identity(path: Path) -> tuple[int, int] | None:
    st = _stat(path)
    return (st.st_dev, st.st_ino) if st is not None else None


def _plan(
    path: Path, inputs: set[tuple[int, int]], force: bool, parents: bool, allowed: set[Path]
) -> tuple[_Plan, list[str]]:
    notes = []
    real = Path(os.path.realpath(path))
    if path.is_symlink():
        notes.append(f"{path} is a symlink: writing {real}")
    st = _stat(real)
    mode = None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind:
            raise OutputError(f"cannot write {path}: it is {kind}, not a regular file")
        if (st.st_dev, st.st_ino) in inputs:
            raise OutputError(
                f"cannot write {path}: it is an input of this command; choose another file"
            )
        if not force and (not os.access(real, os.W_OK) or not st.st_mode & 0o222):
            raise OutputError(f"cannot write {path}: it is read-only (pass --force to replace it)")
        mode = stat.S_IMODE(st.st_mode)
    missing: list[Path] = []
    parent = real.parent
    while _stat(parent) is None:
        missing.append(parent)
        parent = parent.parent
    if not stat.S_ISDIR(os.stat(parent).st_mode):
        raise OutputError(f"cannot write {path}: {parent} is not a directory")
    missing.reverse()
    if missing and not parents and not set(missing) <= allowed:
        first = next(d for d in missing if d not in allowed)
        raise OutputError(
            f"cannot write {path}: directory {first} does not exist (pass --parents to "
            "create it)"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: directory {parent} is not writable")
    return _Plan(path, real, mode, tuple(missing)), notes


def check_target(
    path: Path | str,
    *,
    inputs: Iterable[Path | str] = (),
    force: bool = False,
    parents: bool = False,
    check: bool = False,
) -> None:
    """Raise :class:`OutputError` now if ``path`` could not be written (or, with ``check``,
    read for a comparison), so a command refuses before its work, not after. The same rules
    apply again when writing."""
    p = Path(path)
    if check:
        st = _stat(p)
        kind = _kind(st.st_mode) if st is not None else None
        if kind:
            raise OutputError(f"{p}: is {kind}, not a regular file")
        return
    ids = {i for i in map(_identity, map(Path, inputs)) if i is not None}
    _plan(p, ids, force, parents, set())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove_stale(directory: Path, pattern: re.Pattern[str], tree: bool = False) -> None:
    """Remove our own leftovers in ``directory``: names matching ``pattern`` whose process
    (the PID in the name) is gone, owned by this user."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_uid != os.getuid():
                continue
            if tree and stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif not tree and stat.S_ISREG(st.st_mode):
                os.unlink(entry.path)
        except OSError:
            pass


#: The signals that end a run with its clean-up (temporaries and scratch directories
#: removed, a TeX engine killed): every one whose default action ends the process and that
#: can be caught. SIGKILL cannot; the next run removes what it left.
_CAUGHT = tuple(getattr(signal, n) for n in (
    "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU",
    "SIGVTALRM", "SIGPROF",
) if hasattr(signal, n))


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While inside, the signals of :data:`_CAUGHT` raise :class:`Interrupted` (so
    ``finally`` clean-up runs); outside the main thread signals cannot be caught, and
    nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in _CAUGHT}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer the signals of :data:`_CAUGHT` (delivered on leaving): renames and clean-up
    run to the end."""
    sigs = set(_CAUGHT)
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "pthread_sigmask"):  # POSIX only
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _commit(temps: list[tuple[str, Path]]) -> None:
    """Rename every temporary over its target (signals held: all renames happen)."""
    with _signals_held():
        for tmp, target in temps:
            os.replace(tmp, target)
        temps.clear()


#: The longest file name (in bytes) most file systems take (ext4, XFS, APFS, NTFS: 255).
NAME_MAX = 255


def _tmp_prefix(name: str) -> str:
    """``.NAME.lossmath-PID-``, NAME shortened (at a character boundary) so the temporary's
    whole name, with mkstemp's 8 random characters and ``.tmp``, fits :data:`NAME_MAX`: a
    target whose own name fits can always be written."""
    tail = f".{_TMP_TAG}-{os.getpid()}-"
    room = NAME_MAX - len(b".") - len(tail) - 8 - len(".tmp")
    short = name.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return f".{short}{tail}"


def write_files(
    files: Mapping[Path | str, str | bytes],
    *,
    inputs: Iterable[Path | str] = (),
    force: bool = False,
    parents: bool = False,
    new_dirs: Iterable[Path | str] = (),
) -> Outcome:
    """Write every file atomically; files whose content is already current are not touched.

    Every target is checked first (the rules in the module docstring): a refusal raises
    :class:`OutputError` naming the path, and nothing is written. ``inputs`` are the files
    the command read (never overwritten); ``force`` replaces read-only files; ``parents``
    creates missing directories, and ``new_dirs`` names directories that may be created
    anyway (a command's own output directory). Then all new contents go to temporary files
    in their target directories; only when every one is written are they renamed over the
    targets (``os.replace`` is atomic on POSIX). A failure or SIGTERM/SIGINT part-way
    removes the temporaries and leaves every target as it was.
    """
    files = {Path(k): v for k, v in files.items()}
    ids = {i for i in map(_identity, map(Path, inputs)) if i is not None}
    allowed = {Path(os.path.realpath(d)) for d in new_dirs}
    plans, notes = [], []
    unchanged = []
    for p, content in files.items():
        plan, why = _plan(p, ids, force, parents, allowed)
        notes += why
        if read_bounded(plan.real, len(_as_bytes(content))) == _as_bytes(content):
            unchanged.append(p)
        else:
            plans.append(plan)
    made: list[Path] = []
    temps: list[tuple[str, Path]] = []
    new_mode = 0o666 & ~_umask()
    with _signals_raise():
        try:
            for plan in plans:
                for d in plan.missing:
                    if d not in made and not d.exists():
                        d.mkdir()
                        made.append(d)
                _remove_stale(plan.real.parent, _TMP_RE)
                fd, tmp = tempfile.mkstemp(
                    prefix=_tmp_prefix(plan.real.name), suffix=".tmp", dir=plan.real.parent,
                )
                temps.append((tmp, plan.real))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_as_bytes(files[plan.given]))
                    # mkstemp makes 0600 files: give the new file the mode any other would get.
                    os.fchmod(fh.fileno(), plan.mode if plan.mode is not None else new_mode)
            _commit(temps)
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            where = f" {exc.filename}" if exc.filename else ""
            raise OutputError(f"cannot write output{where}: {exc.strerror or exc}") from exc
        finally:
            with _signals_held():
                for tmp, _ in temps:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
    return Outcome(tuple(pl.given for pl in plans), tuple(unchanged), tuple(made), tuple(notes))


@contextlib.contextmanager
def scratch_dir(parent: Path | str | None = None) -> Iterator[Path]:
    """A private temporary directory (for a TeX build), removed on leaving and on
    every signal of :data:`_CAUGHT`; stale ones left by killed runs are removed first.

    Named ``lossmath-tex-PID-XXXXXXXX`` in ``parent`` (default: the system's temporary
    directory), so a later run knows which are its own and which process made them.
    """
    base = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    _remove_stale(base, _SCRATCH_RE, tree=True)
    with _signals_raise():
        path = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-", dir=base))
        try:
            yield path
        finally:
            with _signals_held():
                shutil.rmtree(path, ignore_errors=True)


# -- spelling a path in a header --------------------------------------------------------

#: What marks a project's root directory: a git checkout (``.git`` is a directory, or a file
#: in a worktree) or a Python project (``pyproject.toml``: a source tree unpacked from an
#: sdist has no ``.git``). The nearest marked directory wins, so a project vendored inside
#: another names its files from its own root, where its regenerate commands are run.
ROOT_MARKERS = (".git", "pyproject.toml")


def project_root(path: Path | str) -> Path | None:
    """The nearest directory at or above ``path`` (symlinks resolved) holding a
    :data:`ROOT_MARKERS` entry; None outside any project."""
    here = Path(os.path.realpath(path))
    for d in (here, *here.parents):
        if any((d / m).exists() for m in ROOT_MARKERS):
            return d
    return None


def display_path(path: Path | str) -> str:
    """``path`` as a header records it: relative to its project root (:func:`project_root`)
    when inside one, else its file name. The same file gives the same text whether it was
    named ``gen/h.py``, ``./gen/h.py``, by its absolute path or as ``h.py`` from ``gen/``,
    so a header (and ``--check``) depends on the content only, not on the working directory.
    """
    real = Path(os.path.realpath(path))
    root = project_root(real.parent)
    if root is None:
        return real.name
    return real.relative_to(root).as_posix()
