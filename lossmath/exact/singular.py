"""Where an expression in ``x`` may stop being analytic, and where it is defined.

Two questions about one piece's expression, answered from its syntax tree:

- :func:`singular_arguments`: the expressions ``u`` such that the piece can fail to be
  analytic only where ``u = 0``. Kinks written with ``Abs``/``sign``/``Max``/``Min``, but also
  the ones that are not: ``sqrt(x**2 + x**6)`` (= ``|x|·sqrt(1 + x**4)``) is not analytic at
  the root of ``x**2 + x**6``, ``(x**2)**(1/3)`` at 0, ``log(u)`` and ``1/u`` at the roots of
  ``u``, ``tan(u)`` at the roots of ``cos(u)``. Every real root is a candidate breakpoint;
  away from all of them the expression is a composition of analytic functions at points
  where they are analytic, hence analytic.
- :func:`domain_conditions`: what must hold for the expression to be a finite real number
  (sympy's semantics, which numpy follows: a non-integer power of a negative number is
  complex, so ``u**(1/3)`` needs ``u >= 0``).

Functions outside the known set are refused (:class:`~lossmath.base.errors.Undecided`): without
knowing where a function is analytic, no verdict about smoothness could be proved.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from lossmath.base.errors import Undecided
from lossmath.base.symbols import x

__all__ = ["Condition", "domain_conditions", "singular_arguments"]

#: Analytic on the whole real line: contribute no singular points of their own.
ENTIRE = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asinh, sp.erf)


@dataclass(frozen=True)
class Condition:
    """``u rel 0`` must hold: ``rel`` is ``">"``, ``">="`` or ``"!="``; ``what`` names the
    subexpression that needs it (for the error message)."""

    u: sp.Expr
    rel: str
    what: sp.Expr


def _depends(e: sp.Basic) -> bool:
    return x in e.free_symbols


def singular_arguments(expr: sp.Expr) -> list[sp.Expr]:
    """Expressions whose real roots are the only points where ``expr`` may not be analytic."""
    out: list[sp.Expr] = []
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Expr) or not _depends(node) or node.is_Symbol:
            continue
        if node.is_Add or node.is_Mul or node.is_Number:
            continue
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            out.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            args = node.args
            out += [a - b for i, a in enumerate(args) for b in args[i + 1 :]]
        elif node.is_Pow:
            base, e = node.args
            if _depends(e):
                out.append(base)  # b**e(x) = exp(e·log b): singular where b = 0
            elif _depends(base) and not (e.is_integer and e.is_nonnegative):
                out.append(base)  # a pole, or a non-integer power, at the roots of b
        elif isinstance(node, sp.log):
            out.append(node.args[0])
        elif isinstance(node, (sp.tan, sp.sec)):
            out.append(sp.cos(node.args[0]))
        elif isinstance(node, (sp.cot, sp.csc)):
            out.append(sp.sin(node.args[0]))
        elif isinstance(node, (sp.asin, sp.acos, sp.atanh)):
            out += [node.args[0] - 1, node.args[0] + 1]
        elif isinstance(node, sp.acosh):
            out.append(node.args[0] - 1)
        elif isinstance(node, ENTIRE):
            continue
        elif callable(getattr(node, "elementary", None)):
            # a stable primitive (lossmath.numerics: softplus, logcosh, ...): its definition
            out += singular_arguments(node.elementary())
        elif isinstance(node, sp.Piecewise):
            raise Undecided(f"a Piecewise nested inside an expression ({node}) is not supported")
        else:
            raise Undecided(
                f"lossmath does not know where {type(node).__name__} is analytic ({node})"
            )
    return list(dict.fromkeys(out))


def domain_conditions(expr: sp.Expr) -> list[Condition]:
    """What must hold for ``expr`` to be finite and real, one :class:`Condition` each."""
    out: list[Condition] = []
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Expr) or not _depends(node):
            continue
        if callable(getattr(node, "elementary", None)):
            out += domain_conditions(node.elementary())  # a stable primitive's definition
        elif node.is_Pow:
            base, e = node.args
            if not _depends(base) and not _depends(e):
                continue
            if _depends(e):
                if _depends(base) or not (base.is_positive or base == sp.E):
                    out.append(Condition(base, ">", node))
            elif e.is_integer:
                if e.is_negative:
                    out.append(Condition(base, "!=", node))
            elif e.is_nonnegative:
                out.append(Condition(base, ">=", node))
            else:
                out.append(Condition(base, ">", node))
        elif isinstance(node, sp.log):
            out.append(Condition(node.args[0], ">", node))
        elif isinstance(node, (sp.tan, sp.sec)):
            out.append(Condition(sp.cos(node.args[0]), "!=", node))
        elif isinstance(node, (sp.cot, sp.csc)):
            out.append(Condition(sp.sin(node.args[0]), "!=", node))
        elif isinstance(node, (sp.asin, sp.acos)):
            out.append(Condition(1 - node.args[0] ** 2, ">=", node))
        elif isinstance(node, sp.atanh):
            out.append(Condition(1 - node.args[0] ** 2, ">", node))
        elif isinstance(node, sp.acosh):
            out.append(Condition(node.args[0] - 1, ">=", node))
    return list(dict.fromkeys(out))
