"""Conditions of a piecewise definition, normalised for printing.

sympy stores ``Abs(x) < beta`` as written but canonicalises many relations with the residual on
the right (``beta > Abs(x)`` after ``Piecewise`` evaluation, ``x > 1`` first in an ``Or``) and
prints ``And`` as ``\\wedge`` (``x > -1 \\wedge x < 1``, sympy 1.14). A textbook writes the
residual on the left, chains two bounds (``-1 < x < 1``), writes ``|x| > 1`` for
``x < -1 or x > 1``, and says "otherwise" for the catch-all piece. :func:`normalise` turns a
condition into that form once; the LaTeX and plain-text printers only choose symbols
(:func:`render`).

Solving a relation for the residual is purely structural: ``lhs - rhs`` is split into
``a*g(x) + b`` with ``a`` and ``b`` free of ``x`` (``as_independent``), and the relation
becomes ``g(x) op -b/a``, flipped when ``a`` is provably negative. Nothing is simplified or
solved with ``solveset``, so the printed condition is the definition's own, rearranged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.core.relational import Relational

from lossmath.base.symbols import x as _x

__all__ = [
    "Bound",
    "Range",
    "Equal",
    "Relation",
    "AllOf",
    "AnyOf",
    "Otherwise",
    "Condition",
    "any_of",
    "normalise",
    "render",
]


@dataclass(frozen=True)
class Bound:
    """One side of a range: ``value`` and whether the inequality is strict."""

    value: sp.Expr
    strict: bool


@dataclass(frozen=True)
class Range:
    """``lower < subject < upper``; either bound may be absent (``x >= 0``, ``|x| < beta``).

    ``subject`` is the part of the condition that depends on the residual: ``x`` itself,
    ``Abs(x)``, or any other expression of ``x`` the definition compares (``x**2``).
    """

    subject: sp.Expr
    lower: Bound | None = None
    upper: Bound | None = None


@dataclass(frozen=True)
class Equal:
    """``subject = value`` (or ``subject != value`` when ``negated``)."""

    subject: sp.Expr
    value: sp.Expr
    negated: bool = False


@dataclass(frozen=True)
class Relation:
    """A relation that could not be solved for the residual, printed as given (residual side
    first when one side is free of it)."""

    lhs: sp.Expr
    op: str  # one of "<", "<=", ">", ">=", "=", "!="
    rhs: sp.Expr


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Otherwise:
    """The catch-all piece (condition ``True``)."""


Condition = Range | Equal | Relation | AllOf | AnyOf | Otherwise

_OPS = {
    sp.StrictLessThan: "<",
    sp.LessThan: "<=",
    sp.StrictGreaterThan: ">",
    sp.GreaterThan: ">=",
    sp.Equality: "=",
    sp.Unequality: "!=",
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


def normalise(cond: sp.Basic, var: sp.Symbol = _x) -> Condition:
    """The printable normal form of a piece's condition.

    Examples
    --------
    >>> import sympy as sp
    >>> from lossmath import x
    >>> beta = sp.Symbol("beta", positive=True)
    >>> normalise(beta > abs(x))
    Range(subject=Abs(x), lower=None, upper=Bound(value=beta, strict=True))
    >>> normalise(sp.And(x > -1, x < 1))  # doctest: +NORMALIZE_WHITESPACE
    Range(subject=x, lower=Bound(value=-1, strict=True), upper=Bound(value=1, strict=True))
    """
    if cond is sp.true or cond == sp.true:
        return Otherwise()
    if cond is sp.false or cond == sp.false:
        raise ValueError("a piece with condition False is never used")
    if isinstance(cond, Relational):
        return _relation(cond, var)
    if isinstance(cond, sp.Not):
        # sympy negates a single relation itself (Not(x < 1) -> x >= 1); what is left is a
        # negated And/Or, which De Morgan turns into the other connective.
        inner = cond.args[0]
        if isinstance(inner, (sp.And, sp.Or)):
            flipped = sp.Or if isinstance(inner, sp.And) else sp.And
            return normalise(flipped(*(sp.Not(a) for a in inner.args), evaluate=False), var)
        return normalise(inner.func(*inner.args).negated, var)  # pragma: no cover - sympy folds
    if isinstance(cond, sp.And):
        return _all_of([normalise(a, var) for a in cond.args])
    if isinstance(cond, sp.Or):
        return any_of([normalise(a, var) for a in cond.args], var)
    raise ValueError(f"cannot print the condition {cond} ({type(cond).__name__})")


def _relation(rel: Relational, var: sp.Symbol) -> Condition:
    op = _OPS.get(type(rel))
    if op is None:  # pragma: no cover - every sympy relational class is listed
        raise ValueError(f"cannot print the relation {rel}")
    lhs, rhs = rel.lhs, rel.rhs
    diff = lhs - rhs
    if var not in diff.free_symbols:
        return Relation(lhs, op, rhs)
    b, rest = diff.as_independent(var, as_Add=True)
    a, subject = rest.as_independent(var, as_Add=False)
    if a.is_positive or a.is_negative:
        if a.is_negative:
            op = _FLIP[op]
        value = sp.cancel(-b / a) if b != 0 else sp.S.Zero
        return _atom(subject, op, value)
    # The coefficient's sign is unknown: keep the relation, residual side first.
    if var in rhs.free_symbols and var not in lhs.free_symbols:
        return Relation(rhs, _FLIP[op], lhs)
    return Relation(lhs, op, rhs)


def _atom(subject: sp.Expr, op: str, value: sp.Expr) -> Condition:
    if op in ("=", "!="):
        return Equal(subject, value, negated=op == "!=")
    bound = Bound(value, strict=op in ("<", ">"))
    if op in ("<", "<="):
        return Range(subject, upper=bound)
    return Range(subject, lower=bound)


def _tighter(a: Bound, b: Bound, lower: bool) -> Bound | None:
    """The tighter of two bounds on the same side, or None when it cannot be decided."""
    d = sp.cancel(a.value - b.value)
    if d.is_zero:
        return a if a.strict else b
    if d.is_positive:
        return a if lower else b
    if d.is_negative:
        return b if lower else a
    return None


def _all_of(parts: list[Condition]) -> Condition:
    """Merge ranges on the same subject into one chained range where the bounds allow."""
    flat: list[Condition] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, AllOf) else (part,))
    merged: list[Condition] = []
    for part in flat:
        if isinstance(part, Range):
            for i, other in enumerate(merged):
                if isinstance(other, Range) and other.subject == part.subject:
                    combined = _intersect(other, part)
                    if combined is not None:
                        merged[i] = combined
                        break
            else:
                merged.append(part)
            continue
        merged.append(part)
    return merged[0] if len(merged) == 1 else AllOf(tuple(merged))


def _intersect(a: Range, b: Range) -> Range | None:
    lower = _side(a.lower, b.lower, lower=True)
    upper = _side(a.upper, b.upper, lower=False)
    if lower is False or upper is False:
        return None
    return Range(a.subject, lower, upper)


def _side(a: Bound | None, b: Bound | None, lower: bool) -> Bound | None | bool:
    if a is None or b is None:
        return a or b
    t = _tighter(a, b, lower)
    return False if t is None else t


def any_of(parts: list[Condition], var: sp.Symbol = _x) -> Condition:
    """Alternatives; ``x < -c or x > c`` (either order, same strictness) is ``|x| > c``."""
    if len(parts) == 2 and all(isinstance(p, Range) and p.subject == var for p in parts):
        below = [p for p in parts if p.upper is not None and p.lower is None]
        above = [p for p in parts if p.lower is not None and p.upper is None]
        if len(below) == 1 and len(above) == 1:
            lo, hi = below[0].upper, above[0].lower
            if lo.strict == hi.strict and sp.cancel(lo.value + hi.value).is_zero:
                return Range(sp.Abs(var), lower=hi)
    # Left to right along the axis: "x < a" parts before "x > b" parts.
    def key(p: Condition) -> int:
        if isinstance(p, Range) and p.lower is None:
            return 0
        return 1

    return AnyOf(tuple(sorted(parts, key=key)))


# -- rendering --------------------------------------------------------------------------


def render(
    cond: Condition,
    expr: Callable[[sp.Expr], str],
    ops: Mapping[str, str],
) -> str:
    """Lay out a normalised condition with a printer's expression function and symbols.

    ``ops`` maps ``"<"``, ``"<="``, ``">"``, ``">="``, ``"="``, ``"!="``, ``"and"``, ``"or"``
    and ``"otherwise"`` to the printer's spelling (``\\leq``, ``≤``, ...). Ranges with both
    bounds are chained: ``lower < subject < upper``.
    """
    if isinstance(cond, Otherwise):
        return ops["otherwise"]
    if isinstance(cond, Range):
        s = expr(cond.subject)
        lo, hi = cond.lower, cond.upper
        if lo is not None and hi is not None:
            return (
                f"{expr(lo.value)} {ops['<' if lo.strict else '<=']} {s} "
                f"{ops['<' if hi.strict else '<=']} {expr(hi.value)}"
            )
        if hi is not None:
            return f"{s} {ops['<' if hi.strict else '<=']} {expr(hi.value)}"
        assert lo is not None
        return f"{s} {ops['>' if lo.strict else '>=']} {expr(lo.value)}"
    if isinstance(cond, Equal):
        return f"{expr(cond.subject)} {ops['!=' if cond.negated else '=']} {expr(cond.value)}"
    if isinstance(cond, Relation):
        return f"{expr(cond.lhs)} {ops[cond.op]} {expr(cond.rhs)}"
    if isinstance(cond, (AllOf, AnyOf)):
        joiner = ops["and"] if isinstance(cond, AllOf) else ops["or"]
        return joiner.join(_grouped(p, expr, ops) for p in cond.parts)
    raise TypeError(f"not a normalised condition: {cond!r}")  # pragma: no cover


def _grouped(part: Condition, expr: Callable[[sp.Expr], str], ops: Mapping[str, str]) -> str:
    text = render(part, expr, ops)
    # An "or" inside an "and" (or vice versa) needs parentheses to keep its meaning.
    if isinstance(part, (AllOf, AnyOf)):
        return f"({text})"
    return text
