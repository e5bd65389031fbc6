"""Generated module text for the test harnesses, computed once per source tree and shared by
the xdist workers and the tiers of one run: a content-addressed cache, as ccache is for C.

Why: the harnesses of every target generate the whole catalog (about 40 losses: the numerics
stage's measured search and sympy proofs, 70 s of CPU for the numpy module on a loaded
2-core machine), and each xdist worker and each tier (default, slow) is a fresh process that
used to generate the same text again. Generation is deterministic (the same source and the
same losses give byte-identical text: ``tests/emit/test_codegen.py``'s determinism and golden
tests check it on every run, without this cache), so text keyed by a hash of everything it
depends on is the text generation would give:

* every file of the ``lossmath`` package (bytes and path),
* the versions of Python, sympy, mpmath and numpy,
* the target and the generator's keyword arguments,
* each loss's definition field by field (sympy expressions by ``srepr``).

A loss's ``special`` (a Python callable, e.g. Barron's limits) is code of the package, so
the package hash covers it. Tests of generation itself (determinism, goldens, errors, the
numerics stage) call the generators directly and never read this cache.

The cache lives in ``$LOSSMATH_TEST_CACHE`` or ``.cache/generated`` at the repository root
(ignored by git); entries are written atomically (a temporary file renamed into place), and
a lock file per key makes a second worker wait for the first instead of generating twice.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

import lossmath
from lossmath.core.loss import Loss

ROOT = Path(__file__).resolve().parents[2]
_SKIP_FIELDS = {"special", "_table"}


def directory() -> Path:
    return Path(os.environ.get("LOSSMATH_TEST_CACHE") or ROOT / ".cache" / "generated")


@cache
def _package_digest() -> str:
    h = hashlib.sha256()
    package = Path(lossmath.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    for version in (sys.version, sp.__version__, mpmath.__version__, np.__version__):
        h.update(version.encode() + b"\0")
    return h.hexdigest()


def _describe(value) -> str:
    if isinstance(value, sp.Basic):
        return sp.srepr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(
            f"{f.name}={_describe(getattr(value, f.name))}"
            for f in dataclasses.fields(value) if f.name not in _SKIP_FIELDS
        )
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_describe(k)}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    raise TypeError(f"no stable description of {type(value).__name__}: {value!r}")


def key(target: str, losses: Iterable[Loss | str], kwargs: dict) -> str:
    """The hash of everything the generated text depends on."""
    h = hashlib.sha256(_package_digest().encode())
    h.update(f"\0{target}\0{_describe(dict(sorted(kwargs.items())))}\0".encode())
    for loss in losses:
        h.update((_describe(loss) + "\0").encode())
    return h.hexdigest()


def text(target: str, generate: Callable[..., str], losses, **kwargs) -> str:
    """``generate(losses, **kwargs)``, read from the cache when this source tree generated
    it before (in any process)."""
    losses = list(losses)
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    k = key(target, losses, kwargs)
    path = folder / f"{target}-{k[:40]}.py"
    with open(folder / f"{k[:40]}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                return path.read_text(encoding="utf-8")
            out = generate(losses, **kwargs)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(out)
            os.replace(tmp, path)
            return out
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def compile(losses, target: str = "numpy", **options):  # noqa: A001 - lossmath.compile's twin
    """``lossmath.compile(losses, target, **options)`` with its text from the cache."""
    from lossmath.emit import targets

    one = isinstance(losses, (Loss, str))
    chosen = [losses] if one else list(losses)
    spec = targets.get(target)
    targets.check_options(spec, options)
    return targets.load(text(target, spec.generator(), chosen, params=None, **options),
                        f"lossmath.compile {target}")
