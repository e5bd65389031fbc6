"""A loss at the boundary value of a parameter: the pointwise limit, derived and checked.

A parameter declared ``positive`` (``negative``) is excluded from 0, where the formula is
often singular: smooth L1's ``x**2/(2*beta)``, pseudo-Huber's ``(x/delta)**2``. Where the
loss has a limit as the parameter tends to 0 from inside its range, the frameworks take it
as the value (``torch.nn.functional.smooth_l1_loss(beta=0)`` is ``l1_loss``;
``scipy.special.pseudo_huber(0, r)`` is 0). :func:`boundary_limit` derives that limit from
the definition, for any loss:

* each breakpoint's limit (a breakpoint that tends to another one closes its interval);
* on each interval that stays open, split at 0, the limit of its analytic expression with
  ``x`` of that interval's sign (``sympy.limit`` with ``x`` merely real is generic: it gives
  ``x**2/(sigma**2 + x**2) -> 1`` also at ``x = 0``, where the value is 0);
* at each limit point (a breakpoint's limit, and 0), the limit of the loss's own value
  there, taken with ``x`` fixed at that point;
* every open interval's limit checked at an exact rational point inside it, against the
  limit of the loss's value at that point (a second ``sympy.limit``, of numbers).

A limit point where the pieces beside it differ keeps its own (constant) piece: the
derivative there is 0, the limit of the family's own (``smooth_l1'(0) = 0`` for every
``beta``, as ``sign(0)`` in ``l1_loss``); a breakpoint that does not move keeps its owner.
No limit (infinite, undecided within the work share, not checked) gives None: the
parameter then stays excluded from 0, with the error saying so.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from lossmath.base import budget
from lossmath.base.errors import LossError, Undecided
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, Param
from lossmath.exact.sampling import inside

__all__ = ["EDGE_WORK", "boundary_limit", "interior_limit", "limit_side", "singular_values"]

#: the work share of one parameter's limit (all its sympy.limit calls together)
EDGE_WORK = 4 * budget.STEP

_BAD = (sp.nan, sp.zoo, sp.oo, -sp.oo)


def limit_side(p: Param) -> str | None:
    """``"+"`` for a parameter declared positive (its boundary 0 approached from above),
    ``"-"`` for negative, None for the others (0 is in their range, or they are real)."""
    return {"positive": "+", "negative": "-"}.get(p.assume)


def boundary_limit(loss: Loss, name: str) -> Loss | None:
    """``loss`` at ``name = 0``, where ``name`` is declared positive or negative: the
    pointwise limit as the parameter tends to 0 from its side, as a :class:`Loss` of the
    other parameters; None when there is none (or it cannot be derived and checked)."""
    p = next(q for q in loss.params if q.name == name)
    side = limit_side(p)
    if side is None or loss.order != 0:
        return None
    try:
        return budget.attempt(lambda: _limit(loss, p, side), EDGE_WORK, None)
    except (LossError, Undecided, ValueError, TypeError, ZeroDivisionError):
        return None


def _lim(e: sp.Expr, s: sp.Symbol, side: str) -> sp.Expr | None:
    """lim e as s -> 0 from ``side``: finite, or None."""
    v = sp.limit(e, s, 0, side)
    if v.has(sp.Limit, *_BAD) or not v.is_finite:
        return None
    return v


def _point(e: sp.Expr, s: sp.Symbol, side: str) -> sp.Expr | None:
    """A breakpoint's limit: finite (the point it tends to), +-oo (it leaves), or None."""
    v = sp.limit(e, s, 0, side)
    if v in (sp.oo, -sp.oo):
        return v
    return None if v.has(sp.Limit, sp.nan, sp.zoo) or x in v.free_symbols else v


def _order(a: sp.Expr, b: sp.Expr) -> int | None:
    """-1, 0, 1 as a <, =, > b for every value of the other parameters; None if unknown."""
    if a == b:
        return 0
    d = sp.simplify(a - b)
    if d == 0:
        return 0
    if d.is_negative or a == -sp.oo or b == sp.oo:
        return -1
    if d.is_positive or a == sp.oo or b == -sp.oo:
        return 1
    return None


def _limit(loss: Loss, p: Param, side: str) -> Loss | None:
    s = p.symbol
    table = loss.table
    sample = {k: v for k, v in table.samples[0].items() if k != s}
    # The intervals that stay open: their limit ends, in order.
    spans: list[tuple[sp.Expr, sp.Expr, sp.Expr]] = []
    for iv in table.intervals:
        lo = iv.lo if iv.lo in (sp.oo, -sp.oo) else _point(iv.lo, s, side)
        hi = iv.hi if iv.hi in (sp.oo, -sp.oo) else _point(iv.hi, s, side)
        if lo is None or hi is None:
            return None
        gap = _order(lo, hi)
        if gap is None:
            return None
        if gap < 0:
            spans.append((lo, hi, iv.expr))
    if not spans:
        return None
    # Split at 0, so that each part's x has a sign.
    parts: list[tuple[sp.Expr, sp.Expr, sp.Expr]] = []
    for lo, hi, e in spans:
        if _order(lo, 0) == -1 and _order(hi, 0) == 1:
            parts += [(lo, sp.Integer(0), e), (sp.Integer(0), hi, e)]
        else:
            parts.append((lo, hi, e))
    limits: list[tuple[sp.Expr, sp.Expr, sp.Expr]] = []
    for lo, hi, e in parts:
        sign = 1 if _order(lo, 0) in (0, 1) else -1 if _order(hi, 0) in (-1, 0) else None
        if sign is None:
            return None
        t = sp.Dummy("t", positive=sign > 0, negative=sign < 0)
        v = _lim(e.xreplace({x: t}), s, side)
        if v is None:
            return None
        v = v.xreplace({t: x})
        if not _checked(e, s, side, v, lo, hi, sample):
            return None
        limits.append((lo, hi, v))
    return _assemble(loss, p, s, side, limits)


def _checked(e: sp.Expr, s: sp.Symbol, side: str, v: sp.Expr, lo: sp.Expr, hi: sp.Expr,
             sample: dict) -> bool:
    """The part's limit ``v`` equals, at an exact rational point inside it, the limit of the
    interval's expression ``e`` there (numbers but ``s``: the other parameters at a sample),
    a limit taken without the sign assumption on ``x``."""
    t = inside(lo.xreplace(sample), hi.xreplace(sample))
    truth = _lim(e.xreplace({x: t, **sample}), s, side)
    return truth is not None and sp.simplify(truth - v.xreplace({x: t, **sample})) == 0


def _eventual_sign(e: sp.Expr, s: sp.Symbol, side: str) -> int | None:
    """The sign of ``e`` for every ``s`` near 0 on ``side`` (0: e is 0 there)."""
    if e == 0 or sp.simplify(e) == 0:
        return 0
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    v = sp.limit(sp.sign(e), s, 0, side)
    return int(v) if v in (-1, 1) else None


def _at(table, point: sp.Expr, s: sp.Symbol, side: str) -> sp.Expr | None:
    """The loss's expression at ``x = point`` for ``s`` near 0 on ``side``: the interval or
    breakpoint of the table that holds the point then."""
    for k, b in enumerate(table.breakpoints):
        d = _eventual_sign(b.at - point, s, side)
        if d is None:
            return None
        if d == 0:
            return b.value.xreplace({x: point})
        if d > 0:
            return table.intervals[k].expr.xreplace({x: point})
    return table.intervals[-1].expr.xreplace({x: point})


def _assemble(loss: Loss, p: Param, s: sp.Symbol, side: str,
              limits: list[tuple[sp.Expr, sp.Expr, sp.Expr]]) -> Loss | None:
    """The limit as a Piecewise: each open part's limit, and at each point between two
    parts the loss's own limit there (a piece of its own where the parts differ)."""
    args: list[tuple[sp.Expr, sp.Basic]] = []
    table = loss.table
    # a condition's boundary that does not move keeps its owner's side
    owner: dict[sp.Expr, str] = {}
    for i, b in enumerate(table.breakpoints):
        left, right = table.neighbours(i)
        if b.kind == "boundary" and left.piece != right.piece:
            owner[b.at] = ("left" if b.owner == left.piece else
                           "right" if b.owner == right.piece else "")
    for k, (lo, hi, v) in enumerate(limits):
        if k + 1 == len(limits):
            args.append((v, sp.true))
            break
        nxt = limits[k + 1][2]
        point = _at(table, hi, s, side)
        val = None if point is None else _lim(point, s, side)
        if val is None:
            return None
        left, right = (sp.simplify(e.xreplace({x: hi}) - val) == 0 for e in (v, nxt))
        if v == nxt and left:
            limits[k + 1] = (lo, limits[k + 1][1], v)  # nothing changes at hi: merged
            continue
        if owner.get(hi) == "left" and left:  # a breakpoint that stays: its owner's side
            args.append((v, x <= hi))
        elif owner.get(hi) == "right" and right:
            args.append((v, x < hi))
        else:
            args += [(v, x < hi), (val, sp.Eq(x, hi))]
    expr = args[0][0] if len(args) == 1 else sp.Piecewise(*args)
    rest = tuple(q for q in loss.params if q.name != p.name)
    out = replace(loss, expr=expr, params=rest, special=None,
                  unknowns=tuple(u for u in loss.unknowns if u != p.name), _table=None)
    if x not in out.expr.free_symbols and out.expr.free_symbols - {q.symbol for q in rest}:
        return None
    return out


# -- a parameter's interior singular values (Barron's alpha = 0, 2 and +-oo) ------------------

#: how far from a singular value the limit is confirmed numerically: 10**-30 from a finite
#: value, 10**30 for +-oo, at 60 digits (sympy 1.14 answers 0 for Barron's d rho/d alpha at
#: alpha -> 2, which diverges like (z/4) log(1/|alpha - 2|): 4.1 at 1e-8, 8.7 at 1e-16)
_NEAR, _FAR, _DIGITS = sp.Rational(1, 10**30), sp.Integer(10**30), 60


def singular_values(expr: sp.Expr, s: sp.Symbol, extended: bool) -> tuple[sp.Expr, ...]:
    """The real values of ``s`` at which ``expr`` has no value: the zeros of each
    denominator (a power with a negative exponent) and of each ``Abs`` under one, solved by
    sympy, and +-oo for a parameter declared ``extended``; sorted, each once."""
    found: set[sp.Expr] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative and s in node.base.free_symbols:
            roots = sp.solveset(node.base, s, sp.S.Reals)
            if not isinstance(roots, sp.FiniteSet):
                raise LossError(f"the zeros of {node.base} in {s} are not a finite set")
            found |= {r for r in roots if not r.free_symbols}
    finite = sorted(found, key=float)
    return (-sp.oo, *finite, sp.oo) if extended else tuple(finite)


def interior_limit(expr: sp.Expr, s: sp.Symbol, value: sp.Expr, z: sp.Symbol,
                   sample: dict[sp.Symbol, sp.Expr] | None = None) -> sp.Expr | None:
    """lim ``expr`` as ``s -> value`` (both one-sided limits, equal, at a finite value), an
    expression in the positive variable ``z`` (sympy's limit in ``x`` merely real stops on
    ``sign(x**2)``, and at alpha -> -oo it does not return: write the loss in ``z = (x/c)**2``),
    confirmed at ``z = 1/3, 5/2, 70`` (other symbols at ``sample``) against ``expr``
    evaluated by mpmath at ``s = value +- 10**-30`` (``+-10**30`` for +-oo), both sides
    against the one limit. None: no finite limit, or one that fails the confirmation."""
    import mpmath

    sample = dict(sample or {})
    sides = ("+", "-") if value.is_finite else ("+",)
    vals = [sp.limit(expr, s, value, d) for d in sides]
    if any(v.has(sp.Limit, *_BAD) or not v.is_finite for v in vals):
        return None
    lim = vals[0]
    near = ([value + _NEAR, value - _NEAR] if value.is_finite
            else [_FAR if value == sp.oo else -_FAR])
    with mpmath.workdps(_DIGITS):
        for point in (sp.Rational(1, 3), sp.Rational(5, 2), sp.Integer(70)):
            want = lim.evalf(_DIGITS, subs={z: point, **sample})
            for v in near:
                # floats, not exact rationals: (1 + 70*10**30)**(10**30/2) exactly never ends
                got = expr.evalf(_DIGITS, subs={z: point, s: sp.Float(v, _DIGITS), **sample})
                if not (got.is_finite and abs(got - want) <= sp.Float("1e-12") * (1 + abs(want))):
                    return None
    return lim
