"""The catalog of named losses: one module per family, each loss with its references.

``get(name)`` accepts a loss's name or one of its aliases (case-insensitive; ``-`` and ``_``
are interchangeable).
"""

from __future__ import annotations

import difflib
import importlib
from functools import cache

from lossmath.base.errors import LossError
from lossmath.core.loss import Loss

__all__ = ["get", "names", "all_losses", "UnknownLoss"]

#: The family modules, each with a ``LOSSES`` tuple. They are imported on the first call of
#: :func:`get`, :func:`names` or :func:`all_losses`, not with this package: defining their
#: expressions costs sympy about 0.2 s (its first ``Add`` imports ``sympy.tensor``), which
#: ``import lossmath`` should not pay. Their losses are :meth:`Loss.deferred`: no interval
#: table is built until a loss is used.
FAMILIES: tuple[str, ...] = (
    "basic", "huber", "wing", "tukey", "pseudo_huber", "robust", "hybrid", "insensitive",
    "quantile", "barron", "margin",
)


class UnknownLoss(LossError):
    """No catalog loss has this name or alias."""


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


@cache
def _losses() -> tuple[Loss, ...]:
    return tuple(loss for family in FAMILIES
                 for loss in importlib.import_module(f"{__name__}.{family}").LOSSES)


@cache
def _index() -> dict[str, Loss]:
    index: dict[str, Loss] = {}
    for loss in _losses():
        for alias in (loss.name, *loss.aliases):
            if _key(alias) in index:  # a duplicate alias is a programming error
                raise RuntimeError(f"catalog alias {alias!r} is used twice")
            index[_key(alias)] = loss
    return index


def names() -> list[str]:
    """Canonical names, sorted."""
    return sorted(loss.name for loss in _losses())


def all_losses() -> list[Loss]:
    return sorted(_losses(), key=lambda loss: loss.name)


def get(name: str) -> Loss:
    """The catalog loss called ``name`` (or an alias); :class:`UnknownLoss` names the options."""
    index = _index()
    try:
        return index[_key(name)]
    except KeyError:
        close = difflib.get_close_matches(_key(name), list(index), n=1)
        hint = f"; did you mean {index[close[0]].name!r}?" if close else ""
        raise UnknownLoss(f"unknown loss {name!r} (known: {', '.join(names())}){hint}") from None
