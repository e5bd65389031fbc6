"""Print sympy expressions in lossmath's expression language (what :mod:`~.parse` reads).

Used to write solved constants back into a spec file; :func:`to_text` checks the round trip,
so a file lossmath writes is always one it can read back to the same expression.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp
from sympy.printing.str import StrPrinter

from lossmath.spec.parse import parse_expression

__all__ = ["to_text"]


class _Printer(StrPrinter):
    def _print_Abs(self, e: sp.Abs) -> str:
        return f"abs({self._print(e.args[0])})"

    def _print_Exp1(self, e: sp.Basic) -> str:
        return "e"

    def _print_Max(self, e: sp.Max) -> str:
        return "max(" + ", ".join(self._print(a) for a in e.args) + ")"

    def _print_Min(self, e: sp.Min) -> str:
        return "min(" + ", ".join(self._print(a) for a in e.args) + ")"

    def _print_Piecewise(self, e: sp.Piecewise) -> str:
        *init, (last, cond) = e.args
        text = self._print(last) if cond == sp.true else None
        if text is None:
            raise ValueError(f"cannot print a Piecewise without an 'otherwise' piece: {e}")
        for expr, c in reversed(init):
            text = f"({self._print(expr)} if {self._print(c)} else {text})"
        return text

    def _print_And(self, e: sp.And) -> str:
        return "(" + " and ".join(self._print(a) for a in e.args) + ")"

    def _print_Or(self, e: sp.Or) -> str:
        return "(" + " or ".join(self._print(a) for a in e.args) + ")"

    def _print_Not(self, e: sp.Not) -> str:
        return f"(not {self._print(e.args[0])})"


def to_text(expr: sp.Expr, names: Mapping[str, sp.Symbol]) -> str:
    """``expr`` as text in the expression language; raises ValueError if it does not round-trip."""
    text = _Printer({"order": "none"}).doprint(expr)
    back = parse_expression(text, names)
    if back != expr and sp.simplify(back - expr) != 0:
        raise ValueError(f"cannot write {expr} as a lossmath expression (read back as {back})")
    return text
