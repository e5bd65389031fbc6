"""A readable one-line unicode form of a loss, for terminals and logs.

``x²/(2β) if |x| < β; |x| − β/2 otherwise``: the same rows and normalised conditions as the
LaTeX printer (:func:`~.latex.piece_rows`, :mod:`~.conditions`), in the same
term order, with Greek parameter names, superscript powers, ``|x|``, ``≤`` and ``−``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy as sp
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.str import StrPrinter

from lossmath.render import conditions as _cond
from lossmath.render.latex import LatexError, definition_rows, natural_terms

if TYPE_CHECKING:
    from lossmath.core.loss import Loss

__all__ = ["TextPrinter", "expr_text", "loss_text"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_TEXT_OPS = {
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "=": "=",
    "!=": "≠",
    "and": " and ",
    "or": " or ",
    "otherwise": "otherwise",
}


class TextPrinter(StrPrinter):
    """sympy's ``str`` printer with textbook term order and unicode symbols.

    Multiplication signs are replaced after printing (:func:`expr_text`): ``2β``, ``β·x``.
    """

    def _as_ordered_terms(self, expr, order=None):
        if isinstance(expr, sp.Add):
            return natural_terms(expr)
        return super()._as_ordered_terms(expr, order=order)

    def _print_Symbol(self, expr):
        return pretty_symbol(expr.name)

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.as_base_exp()
        if exp.is_Integer and exp > 1:
            return self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Pow"],
                                     strict=False) + str(exp).translate(_SUPERSCRIPT)
        return super()._print_Pow(expr, rational=rational)

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Heaviside(self, expr):
        return f"H({self._print(expr.args[0])})"

    def _print_DiracDelta(self, expr):
        raise LatexError(f"cannot print {expr} (DiracDelta): it belongs to no piece of a loss")

    def _print_Piecewise(self, expr):
        return _rows(self, [(e, _cond.normalise(c)) for e, c in expr.args])


def _tidy(text: str) -> str:
    text = text.replace("**", "^")
    # A number times anything reads best juxtaposed (2β, 2(x + 1)); other products keep a
    # visible middle dot so that names do not run together (β·x).
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\*(?=[^\d\s])", r"\1", text)
    text = text.replace("*", "·")
    return text.replace("-", "−")


def expr_text(expr: sp.Basic) -> str:
    """One expression in the unicode text form: ``|x| − β/2``."""
    return _tidy(TextPrinter().doprint(expr))


def _rows(printer: TextPrinter, rows: list[tuple[sp.Expr, _cond.Condition]]) -> str:
    if len(rows) == 1 and isinstance(rows[0][1], _cond.Otherwise):
        return printer.doprint(rows[0][0])
    parts = []
    for e, c in rows:
        when = _cond.render(c, printer.doprint, _TEXT_OPS)
        if not isinstance(c, _cond.Otherwise):
            when = "if " + when
        parts.append(f"{printer.doprint(e)} {when}")
    return "; ".join(parts)


def loss_text(loss: Loss, form: str = "pieces") -> str:
    """A loss on one line: ``x²/(2β) if |x| < β; |x| − β/2 otherwise``.

    ``form`` is ``"pieces"`` (the definition as written) or ``"intervals"`` (one row per
    interval of the table), as in :func:`lossmath.render.latex.loss_latex`.

    >>> from lossmath import get_loss
    >>> loss_text(get_loss("smooth_l1"))
    'x²/(2β) if |x| < β; |x| − β/2 otherwise'
    """
    return _tidy(_rows(TextPrinter(), definition_rows(loss, form)))


def piece_texts(loss: Loss) -> list[str]:
    """The definition's pieces, one text each, numbered as ``loss.table.pieces`` (the
    ``piece k`` that owns a breakpoint): ``["x²/(2β) if |x| < β", "|x| − β/2 otherwise"]``."""
    printer = TextPrinter()
    out = []
    for e, c in definition_rows(loss):
        text = _rows(printer, [(e, c)])
        out.append(_tidy(text + (" otherwise" if isinstance(c, _cond.Otherwise) else "")))
    return out
