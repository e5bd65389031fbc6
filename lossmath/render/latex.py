r"""Textbook LaTeX for losses and their derivatives.

sympy's own LaTeX for a piecewise loss reads like a computer wrote it (``sympy.latex`` of
smooth L1, sympy 1.14: the residual on the right, ``\text{for}\:``, ``\left|{x}\right|``)::

    \begin{cases} \frac{x^{2}}{2 \beta} & \text{for}\: \beta > \left|{x}\right| \\
    - \frac{\beta}{2} + \left|{x}\right| & \text{otherwise} \end{cases}

:class:`LossLatexPrinter` prints what a textbook would::

    \begin{cases} \frac{x^{2}}{2 \beta} & \text{if } |x| < \beta \\
    |x| - \frac{\beta}{2} & \text{otherwise} \end{cases}

The differences, each a small override of :class:`sympy.printing.latex.LatexPrinter`:

- conditions come from :mod:`lossmath.render.conditions`: residual on the left, chained bounds
  (``-\beta < x < \beta``), ``\leq``/``\geq``, "if" and "otherwise";
- terms in natural order (:func:`natural_terms`): the residual's highest power first,
  constants last, and a positive term in front of a leading minus (``1 - x``, not ``-x + 1``;
  ``|x| - \frac{\beta}{2}``; ``x^{2} + 2 x + 1``). Neither sympy's default order nor
  ``order='rev-lex'`` gets all three right;
- ``|x|`` rather than ``\left|{x}\right|``; ``\operatorname{sign}(x)``;
- ``Heaviside`` as ``\operatorname{H}(x)``, not ``\theta``; ``DiracDelta`` is refused: a
  loss's tables never contain it (:func:`lossmath.core.table.clean_derivative`), and sympy's
  ``\delta(x)`` would clash with Huber's parameter δ;
- parameters print with their own LaTeX (:attr:`lossmath.Param.latex`: ``\beta``, ``\delta``).

The output needs ``amsmath`` (``cases``, ``\text``, ``\operatorname``); every standalone
``.tex`` lossmath writes loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

from lossmath.base.symbols import x as _x
from lossmath.exact.zeros import is_zero, one_sided
from lossmath.render import conditions as _cond

if TYPE_CHECKING:
    from lossmath.core.loss import Loss
    from lossmath.core.table import IntervalTable

__all__ = [
    "LatexError",
    "LossLatexPrinter",
    "derivative_latex",
    "expr_latex",
    "condition_latex",
    "definition_rows",
    "loss_latex",
    "loss_text",
    "natural_terms",
    "piece_rows",
    "interval_rows",
]


class LatexError(ValueError):
    """An expression lossmath refuses to print (the message names the node)."""


# -- term order -------------------------------------------------------------------------


def _degree(term: sp.Expr, var: sp.Symbol) -> float:
    """How a term grows in ``var``, for ordering: its degree once ``|u|`` is read as ``u``.

    Non-polynomial terms that involve ``var`` (``e^{-x}``, ``\\log(1 + x^2)``) sit between
    the linear terms and the constants; constants come last.
    """
    if var not in term.free_symbols:
        return -1.0
    plain = term.replace(lambda e: isinstance(e, sp.Abs), lambda e: e.args[0])
    if plain.is_polynomial(var):
        return float(sp.degree(plain, var))
    return 0.5


def natural_terms(expr: sp.Expr, var: sp.Symbol = _x) -> list[sp.Expr]:
    """The terms of a sum in textbook order.

    Highest degree in ``var`` first, constants last (stable within a degree, in sympy's
    default order); then, if the first term is negative and some term is not, that term
    moves to the front, so ``1 - x`` and ``1 - e^{-x^2/2}`` read as written by hand.

    >>> import sympy as sp
    >>> from lossmath import x
    >>> beta = sp.Symbol("beta", positive=True)
    >>> natural_terms(abs(x) - beta / 2)
    [Abs(x), -beta/2]
    >>> natural_terms(1 - x)
    [1, -x]
    """
    terms = sorted(expr.as_ordered_terms(), key=lambda t: -_degree(t, var))
    if terms and terms[0].could_extract_minus_sign():
        for i, t in enumerate(terms):
            if not t.could_extract_minus_sign():
                terms.insert(0, terms.pop(i))
                break
    return terms


# -- the printer ------------------------------------------------------------------------

_LATEX_OPS = {
    "<": "<",
    "<=": r"\leq",
    ">": ">",
    ">=": r"\geq",
    "=": "=",
    "!=": r"\neq",
    "and": r" \text{ and } ",
    "or": r" \text{ or } ",
    "otherwise": r"\text{otherwise}",
}


class LossLatexPrinter(LatexPrinter):
    """A :class:`~sympy.printing.latex.LatexPrinter` that prints losses as a textbook would.

    Extra setting ``residual`` (default :data:`lossmath.x`): the variable conditions are
    solved for. Parameter symbols are passed with sympy's ``symbol_names`` setting.
    """

    _default_settings: dict[str, Any] = {**LatexPrinter._default_settings, "residual": _x}

    def _as_ordered_terms(self, expr, order=None):
        if isinstance(expr, sp.Add):
            return natural_terms(expr, self._settings["residual"])
        return super()._as_ordered_terms(expr, order=order)

    def _tall(self, tex: str) -> bool:
        return r"\frac" in tex or r"\sum" in tex or r"\begin" in tex

    def _paren(self, tex: str) -> str:
        return rf"\left({tex}\right)" if self._tall(tex) else f"({tex})"

    def _print_Abs(self, expr, exp=None):
        inner = self._print(expr.args[0])
        tex = rf"\left|{inner}\right|" if self._tall(inner) else f"|{inner}|"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_sign(self, expr, exp=None):
        tex = r"\operatorname{sign}" + self._paren(self._print(expr.args[0]))
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_Heaviside(self, expr, exp=None):
        # H(x), not sympy's \theta(x): theta is a common parameter name.
        tex = r"\operatorname{H}" + self._paren(self._print(expr.args[0]))
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex

    def _print_DiracDelta(self, expr, exp=None):
        raise LatexError(
            f"cannot print {expr} (DiracDelta) as textbook LaTeX: it belongs to no piece of a "
            "loss; apply lossmath.core.table.clean_derivative first"
        )

    def _print_Piecewise(self, expr):
        rows = [(e, _cond.normalise(c, self._settings["residual"])) for e, c in expr.args]
        return self.cases(rows)

    def condition(self, cond: _cond.Condition) -> str:
        return _cond.render(cond, self._print, _LATEX_OPS)

    def cases(self, rows: list[tuple[sp.Expr, _cond.Condition]]) -> str:
        """A ``cases`` environment, or the bare expression for one unconditional row."""
        if len(rows) == 1 and isinstance(rows[0][1], _cond.Otherwise):
            return self._print(rows[0][0])
        body = []
        for e, c in rows:
            when = self.condition(c)
            if not isinstance(c, _cond.Otherwise):
                # A leading minus right after \text{...} would be spaced as a binary
                # operator ("if - 1 < x"); a group makes it unary.
                when = r"\text{if } " + (f"{{{when}}}" if when.startswith("-") else when)
            body.append(f"{self._print(e)} & {when}")
        return r"\begin{cases} " + r" \\ ".join(body) + r" \end{cases}"


def _printer(loss: Loss | None, **settings: Any) -> LossLatexPrinter:
    names = {}
    if loss is not None:
        names = {p.symbol: p.latex for p in loss.params if p.latex}
    return LossLatexPrinter({"symbol_names": names, **settings})


# -- rows of a definition -----------------------------------------------------------------


def piece_rows(table: IntervalTable) -> list[tuple[sp.Expr, _cond.Condition]]:
    """The definition as written: one row per source piece, its condition normalised.

    A ``Piecewise`` is read top to bottom, and sympy shortens a condition that an earlier
    piece makes partly redundant: ``(x < -1), (-1 <= x <= 1), ...`` is stored as
    ``(x < -1), (x <= 1), ...``. In a ``cases`` environment, which a reader takes as
    mutually exclusive, ``x <= 1`` would be wrong, so such a piece gets the condition where
    the table says it is in force (``-1 <= x <= 1``). Conditions that do not overlap an
    earlier piece print as written.
    """
    rows = []
    for i, (e, c) in enumerate(table.pieces):
        if c != sp.true and _overlaps_earlier(table, i):
            rows.append((e, _where_active(table, i)))
        else:
            rows.append((e, _cond.normalise(c, _x)))
    return rows


def _overlaps_earlier(table: IntervalTable, i: int) -> bool:
    """Does piece i's condition hold somewhere another piece is in force?"""
    cond = table.pieces[i][1]
    s = table.samples[0]
    points = [(iv.sample(s), iv.piece) for iv in table.intervals]
    points += [(b.at.xreplace(s), b.owner) for b in table.breakpoints]
    return any(p != i and cond.xreplace({**s, _x: t}) == sp.true for t, p in points)


def _where_active(table: IntervalTable, i: int) -> _cond.Condition:
    """The set where piece i is in force, from the table, as a condition."""
    spans: list[list[Any]] = []  # [lo, lo_closed, hi, hi_closed]
    bps = table.breakpoints
    for k, iv in enumerate(table.intervals):
        lo_owned = k > 0 and bps[k - 1].owner == i
        if iv.piece == i:
            if spans and spans[-1][2] == iv.lo and spans[-1][3]:
                spans[-1][2:] = [iv.hi, False]
            else:
                spans.append([iv.lo, lo_owned, iv.hi, False])
        elif lo_owned and not (spans and spans[-1][2] == iv.lo):
            spans.append([iv.lo, True, iv.lo, True])
        if k < len(bps) and bps[k].owner == i and spans and spans[-1][2] == bps[k].at:
            spans[-1][3] = True
    parts: list[_cond.Condition] = []
    for lo, lo_closed, hi, hi_closed in spans:
        if lo == hi:
            parts.append(_cond.Equal(_x, lo))
            continue
        lower = None if lo == -sp.oo else _cond.Bound(lo, strict=not lo_closed)
        upper = None if hi == sp.oo else _cond.Bound(hi, strict=not hi_closed)
        parts.append(_cond.Range(_x, lower, upper))
    if len(parts) == 1:
        return parts[0]
    return _cond.any_of(parts)


def interval_rows(table: IntervalTable) -> list[tuple[sp.Expr, _cond.Condition]]:
    """The definition by interval: one row per open interval of the table, ``Abs``/``sign``
    resolved (``-1 if x < 0; 0 if x = 0; 1 if x > 0`` for ``sign(x)``).

    A breakpoint joins the row on its side whose expression takes the breakpoint's value
    there (the owning piece's side first, else the right side), closing that bound
    (``x \\leq -\\beta``); when neither side does, it gets a row of its own (``x = 0``).
    Neighbouring rows with the same expression merge.
    """
    ivs, bps = table.intervals, table.breakpoints
    # spans: [expr, lo, lo_closed, hi, hi_closed]
    spans: list[list[Any]] = [[iv.expr, iv.lo, False, iv.hi, False] for iv in ivs]
    points: dict[int, sp.Expr] = {}
    for k, bp in enumerate(bps):
        left, right = ivs[k], ivs[k + 1]
        sides = []
        # Preference: the owning piece's side; on a tie the right side, so a kink reads as
        # textbooks write it ("x if x >= 0").
        for rank, iv, direction in ((1, left, "-"), (0, right, "+")):
            limit = one_sided(iv.expr, bp.at, direction)
            if is_zero(limit - bp.value, table.samples).value:
                sides.append((iv.piece != bp.owner, rank))
        if not sides:
            points[k] = bp.value
        elif min(sides)[1] == 1:
            spans[k][4] = True
        else:
            spans[k + 1][2] = True
    ordered: list[list[Any]] = []
    for k, span in enumerate(spans):
        ordered.append(span)
        if k in points:
            ordered.append([points[k], bps[k].at, True, bps[k].at, True])
    merged: list[list[Any]] = [ordered[0]]
    for span in ordered[1:]:
        last = merged[-1]
        joined = last[4] or span[2]
        if joined and is_zero(span[0] - last[0], table.samples).value:
            merged[-1] = [last[0], last[1], last[2], span[3], span[4]]
        else:
            merged.append(span)
    rows: list[tuple[sp.Expr, _cond.Condition]] = []
    for e, lo, lo_closed, hi, hi_closed in merged:
        if lo == hi:
            rows.append((e, _cond.Equal(_x, lo)))
            continue
        lower = None if lo == -sp.oo else _cond.Bound(lo, strict=not lo_closed)
        upper = None if hi == sp.oo else _cond.Bound(hi, strict=not hi_closed)
        rows.append((e, _cond.Range(_x, lower, upper) if lower or upper else _cond.Otherwise()))
    return rows


# -- public API -------------------------------------------------------------------------


def expr_latex(expr: sp.Basic, loss: Loss | None = None) -> str:
    r"""Textbook LaTeX for a sympy expression, with ``loss``'s parameter symbols.

    >>> from lossmath import get_loss, x
    >>> f = get_loss("smooth_l1")
    >>> expr_latex(f.table.intervals[2].expr, f)
    'x - \\frac{\\beta}{2}'
    """
    return _printer(loss).doprint(expr)


def condition_latex(cond: sp.Basic | _cond.Condition, loss: Loss | None = None) -> str:
    r"""A condition with the residual on the left: ``|x| < \beta``, ``-1 < x < 1``."""
    if not isinstance(cond, (_cond.Range, _cond.Equal, _cond.Relation, _cond.AllOf,
                             _cond.AnyOf, _cond.Otherwise)):
        cond = _cond.normalise(cond)
    return _printer(loss).condition(cond)


def loss_latex(loss: Loss, form: str = "pieces") -> str:
    r"""The right-hand side of ``f(x) = ...``: a ``cases`` environment or one expression.

    ``form="pieces"`` prints the definition's own pieces (for a derivative, the piecewise
    derivatives of those pieces: ``\operatorname{sign}(x)`` where the loss has ``|x|``);
    ``form="intervals"`` prints one row per interval of the table, with ``|x|`` and
    ``\operatorname{sign}(x)`` resolved and each breakpoint assigned to a row.

    .. math::

        \operatorname{smooth}_{L_1}(x) =
        \begin{cases} \frac{x^{2}}{2 \beta} & \text{if } |x| < \beta \\
        |x| - \frac{\beta}{2} & \text{otherwise} \end{cases}

    Examples
    --------
    >>> from lossmath import get_loss
    >>> print(loss_latex(get_loss("smooth_l1")))  # doctest: +NORMALIZE_WHITESPACE
    \begin{cases} \frac{x^{2}}{2 \beta} & \text{if } |x| < \beta \\
    |x| - \frac{\beta}{2} & \text{otherwise} \end{cases}
    >>> print(loss_latex(get_loss("l1").derivative(), form="intervals"))
    ... # doctest: +NORMALIZE_WHITESPACE
    \begin{cases} -1 & \text{if } x < 0 \\ 0 & \text{if } x = 0 \\
    1 & \text{if } x > 0 \end{cases}
    """
    return _printer(loss).cases(definition_rows(loss, form))


def definition_rows(loss: Loss, form: str = "pieces") -> list[tuple[sp.Expr, _cond.Condition]]:
    """The rows a printer lays out: :func:`piece_rows` or :func:`interval_rows`."""
    if form == "pieces":
        return piece_rows(loss.table)
    if form == "intervals":
        return interval_rows(loss.table)
    raise ValueError(f"unknown form {form!r} (expected 'pieces' or 'intervals')")


def derivative_latex(name: str, order: int, var: str = "x", args: str | None = None) -> str:
    r"""The left-hand side for the ``order``-th derivative of a function called ``name``.

    ``derivative_latex("L_2", 1)`` is ``\frac{d}{dx} L_2(x)``; order 0 gives ``L_2(x)``;
    ``args`` replaces what is written in the parentheses (``"x; \beta"``).
    """
    if order < 0:
        raise ValueError(f"derivative order must be >= 0, got {order}")
    call = f"{name}({var if args is None else args})"
    if order == 0:
        return call
    if order == 1:
        return rf"\frac{{d}}{{d{var}}} {call}"
    return rf"\frac{{d^{{{order}}}}}{{d{var}^{{{order}}}}} {call}"


def loss_text(loss: Loss, form: str = "pieces") -> str:
    """A one-line unicode form for terminals: ``x²/(2β) if |x| < β; |x| − β/2 otherwise``.

    See :func:`lossmath.render.textform.loss_text`.
    """
    from lossmath.render.textform import loss_text as _loss_text

    return _loss_text(loss, form)
