"""Numerics for generated code: stable primitives, the rewriting stage and numeric regimes.

Target-neutral: everything here is sympy in and sympy out. The data flow is
interval table -> :func:`rewrite.plan_pieces` (per piece: the value, gradient and Hessian,
each a :data:`regimes.Plan` of sympy expressions that may use the primitives of
:mod:`primitives`, every one proved equal to the table's piece) -> a printer, which prints
each primitive with its own stable kernel (``lossmath/emit/kernels/``).
"""

from __future__ import annotations

from lossmath.numerics.params import may_leave_the_range
from lossmath.numerics.primitives import PRIMITIVES, Primitive, elementary
from lossmath.numerics.regimes import DtypeBound, Plan, Regime
from lossmath.numerics.rewrite import PiecePlans, plan_pieces, proved_equal, rewrite, stabilise

__all__ = [
    "PRIMITIVES",
    "DtypeBound",
    "PiecePlans",
    "Plan",
    "Primitive",
    "Regime",
    "elementary",
    "may_leave_the_range",
    "plan_pieces",
    "proved_equal",
    "rewrite",
    "stabilise",
]
