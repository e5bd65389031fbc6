"""The catalog of named losses: one module per family, each loss with its references.

``get(name)`` accepts a loss's name or one of its aliases (case-insensitive; ``-`` and ``_``
are interchangeable).
"""

from __future__ import annotations

import difflib

from lossmath.catalog import (
    barron,
    basic,
    huber,
    hybrid,
    insensitive,
    margin,
    pseudo_huber,
    quantile,
    robust,
    tukey,
    wing,
)
from lossmath.core.loss import Loss, LossError

__all__ = ["get", "names", "all_losses", "UnknownLoss"]

_LOSSES: tuple[Loss, ...] = (
    *basic.LOSSES, *huber.LOSSES, *wing.LOSSES, *tukey.LOSSES, *pseudo_huber.LOSSES,
    *robust.LOSSES, *hybrid.LOSSES, *insensitive.LOSSES, *quantile.LOSSES, *barron.LOSSES,
    *margin.LOSSES,
)


class UnknownLoss(LossError):
    """No catalog loss has this name or alias."""


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


_INDEX: dict[str, Loss] = {}
for _loss in _LOSSES:
    for _alias in (_loss.name, *_loss.aliases):
        if _key(_alias) in _INDEX:  # a duplicate alias is a programming error; fail at import
            raise RuntimeError(f"catalog alias {_alias!r} is used twice")
        _INDEX[_key(_alias)] = _loss


def names() -> list[str]:
    """Canonical names, sorted."""
    return sorted(loss.name for loss in _LOSSES)


def all_losses() -> list[Loss]:
    return sorted(_LOSSES, key=lambda loss: loss.name)


def get(name: str) -> Loss:
    """The catalog loss called ``name`` (or an alias); :class:`UnknownLoss` names the options."""
    try:
        return _INDEX[_key(name)]
    except KeyError:
        close = difflib.get_close_matches(_key(name), list(_INDEX), n=1)
        hint = f"; did you mean {_INDEX[close[0]].name!r}?" if close else ""
        raise UnknownLoss(f"unknown loss {name!r} (known: {', '.join(names())}){hint}") from None
