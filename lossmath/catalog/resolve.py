"""Which loss a name means: a catalog name or alias, or the path of a TOML spec; and the check
that commands needing numbers make before they start."""

from __future__ import annotations

from lossmath import catalog
from lossmath.base.errors import LossError
from lossmath.core.loss import Loss

__all__ = ["require_solved", "resolve"]


def resolve(name: str) -> Loss:
    """A catalog name or alias, or the path of a TOML spec (anything ending in ``.toml``)."""
    if name.endswith(".toml") or "/" in name:
        from lossmath.spec.toml import load_spec

        return load_spec(name)
    return catalog.get(name)


def require_solved(loss: Loss) -> Loss:
    """Commands that need numbers (documents, code) refuse unsolved unknowns."""
    if loss.unknowns:
        raise LossError(
            f"{loss.name}: unknowns left unsolved: {', '.join(loss.unknowns)} "
            "(pass --solve, or write a solved spec with 'lossmath solve SPEC -o FILE')"
        )
    return loss
