"""Example loss specs (TOML) shipped with the package: Wing, Balanced L1, a template to solve.

In a checkout they are ``lossmath/examples/*.toml``; installed, they are package data, found
with :func:`path` (or ``python -m lossmath.examples``, which prints where they are)::

    >>> import lossmath, lossmath.examples
    >>> wing = lossmath.load_spec(lossmath.examples.path("wing"))
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DIR", "names", "path"]

#: The directory holding the example specs.
DIR = Path(__file__).resolve().parent


def names() -> list[str]:
    """The examples' names (file stems), sorted."""
    return sorted(p.stem for p in DIR.glob("*.toml"))


def path(name: str) -> Path:
    """The spec file of example ``name`` (``"wing"`` or ``"wing.toml"``)."""
    stem = name.removesuffix(".toml")
    target = DIR / f"{stem}.toml"
    if stem not in names():
        raise ValueError(f"no example {name!r} (examples: {', '.join(names())})")
    return target
