"""Numeric regimes: where one formula is not accurate on a whole interval, split it by ``|x|``.

A :class:`Regime` holds one expression and the upper end of the ``|x|`` range it is used on
(``None``: to the end of the interval); a :data:`Plan` is the tuple of regimes of one piece,
ordered by ``|x|``. A bound is an expression in the parameters (Tukey's ``c/2``) or a
:class:`DtypeBound`, whose value depends on the precision the kernel runs in: it is derived
from the dtype's exponent range, never a constant tuned by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["DtypeBound", "Plan", "Regime", "overflow_bound", "single"]


@dataclass(frozen=True)
class DtypeBound:
    """``2**floor((emax - margin)/power)``: below it ``|x|**power`` times a coefficient up to
    ``2**margin`` cannot overflow (``emax`` is 1024 for float64, 128 for float32)."""

    power: int
    margin: int = 8

    def value(self, dtype) -> float:
        emax = np.finfo(dtype).maxexp
        return 2.0 ** ((emax - self.margin) // self.power)

    def text(self) -> str:
        return f"2**((emax - {self.margin})//{self.power})"


Bound = sp.Expr | DtypeBound | None


@dataclass(frozen=True)
class Regime:
    """``expr`` on the elements with ``previous bound <= |x| < upto`` of its interval."""

    upto: Bound
    expr: sp.Expr


Plan = tuple[Regime, ...]


def single(expr: sp.Expr) -> Plan:
    return (Regime(None, expr),)


def overflow_bound(power: int) -> DtypeBound:
    """Where ``x**power`` (the highest power in a rational function) may overflow."""
    return DtypeBound(power)
