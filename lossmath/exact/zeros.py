"""Three-valued zero tests, and one-sided values of one analytic expression.

Zero is proved symbolically or not at all: a value that is tiny at a few sampled parameter
values (or at 30 digits) proves nothing (``exp(-100)``, ``beta - 1`` near a sample of 1).
*Nonzero* can be certified numerically: sympy's ``evalf(strict=True)`` returns only digits
it has verified, so a nonzero value at a sample is a witness. Hence:

- ``value=True``: proved zero (``method="symbolic"``);
- ``value=False``: proved nonzero, symbolically or by a certified value at a parameter
  sample (``method="numeric"``; ``condition`` then lists the parameter values where it
  vanishes, when sympy can solve for them);
- ``value=None``: undecided (numerically tiny but not proved zero, or not evaluable).

One-sided values come from a single piece's expression, never from ``limit`` on a whole
``Piecewise`` (https://github.com/sympy/sympy/issues/23836). Where the expression is analytic
at the point, substitution is its value; at a singular point sympy's ``limit`` (Gruntz,
reliable on one exp-log expression) decides, and an oscillation (``AccumBounds``) means the
limit does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.calculus.accumulationbounds import AccumBounds

from lossmath.base import budget
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.exact.singular import singular_arguments

__all__ = [
    "NO_LIMIT",
    "ZeroTest",
    "analytic_at",
    "certified_value",
    "is_zero",
    "one_sided",
    "singular_at",
]

#: the one-sided limit does not exist (the expression oscillates)
NO_LIMIT = sp.nan

#: the work (function calls) one expensive rewrite (``simplify``) or ``limit`` may take
STEP_WORK = budget.STEP
#: ``simplify`` is not attempted on larger expressions (it rarely helps, and costs seconds)
MAX_SIMPLIFY_OPS = 200

Sample = Mapping[sp.Symbol, sp.Expr]


@dataclass(frozen=True)
class ZeroTest:
    """Whether an expression is zero: ``value`` is True, False or None (undecided)."""

    value: bool | None
    method: str  # "symbolic" or "numeric"
    condition: str = ""
    simplest: sp.Expr | None = None  # the shortest equivalent form the ladder found


_REWRITES = (
    sp.cancel,
    sp.together,
    lambda e: sp.expand(sp.expand_log(e, force=True)),
    sp.simplify,  # last: slow, and under a time share
)


def is_zero(expr: sp.Expr, samples: Sequence[Sample] = ()) -> ZeroTest:
    """Three-valued zero test: cheap rewrites, a certified numeric witness of nonzero-ness,
    and only then ``simplify`` (slow) to prove a zero."""
    if expr.has(sp.nan, sp.zoo) or expr.has(AccumBounds):
        return ZeroTest(None, "symbolic", simplest=expr)
    candidates = [expr]
    for k in range(len(_REWRITES) + 1):
        e = candidates[-1]
        if e == 0:
            return ZeroTest(True, "symbolic", simplest=sp.S.Zero)
        z = e.is_zero
        if z is not None:
            return ZeroTest(z, "symbolic", simplest=sp.S.Zero if z else _shortest(candidates))
        if k == len(_REWRITES):
            break
        if _REWRITES[k] is sp.simplify:
            # A certified nonzero value at a sample proves it is not identically zero;
            # simplify is needed only to prove a zero.
            witness = _certified_nonzero(_shortest(candidates), samples)
            if witness.value is False:
                return witness
            if sp.count_ops(e) > MAX_SIMPLIFY_OPS:
                break
        try:
            out = budget.attempt(lambda r=_REWRITES[k], p=e: r(p), STEP_WORK, None)
        except (NotImplementedError, TypeError, ValueError, RecursionError):
            out = None
        candidates.append(e if out is None else out)
    return _certified_nonzero(_shortest(candidates), samples)


def _shortest(candidates: list[sp.Expr]) -> sp.Expr:
    return min(candidates, key=lambda u: (sp.count_ops(u), sp.default_sort_key(u)))


def certified_value(expr: sp.Expr) -> sp.Expr | None:
    """A verified 20-digit real value of a number, or None when sympy cannot verify its
    digits (``evalf(strict=True)`` raises rather than return unverified digits) or the value
    is not real. A complex value means a point outside the expression's real domain (or
    across a branch cut), where it witnesses nothing."""
    try:
        v = expr.evalf(20, strict=True)
    except (sp.core.evalf.PrecisionExhausted, ValueError, TypeError):
        return None
    return v if v.is_number and v.is_real else None


#: generic points where an expression in x is evaluated to witness that it is not zero
_PROBES = (sp.Rational(37, 101), sp.Rational(-53, 97), sp.Rational(389, 113))


def _certified_nonzero(expr: sp.Expr, samples: Sequence[Sample]) -> ZeroTest:
    if x in expr.free_symbols:
        # an analytic expression that is nonzero at one point is not identically zero
        for t in _PROBES:
            test = _certified_nonzero(expr.xreplace({x: t}), samples)
            if test.value is False:
                return ZeroTest(False, "numeric", "", expr)
        return ZeroTest(None, "numeric", simplest=expr)
    values = [certified_value(expr.xreplace(dict(s))) for s in (samples or ({},))]
    if values and all(v is not None and v != 0 for v in values):
        cond = ""
        free = sorted(expr.free_symbols, key=str)
        if len(free) == 1:
            solve = lambda: sp.solve(expr, free[0])  # noqa: E731
            try:
                roots = budget.attempt(solve, STEP_WORK, None)
            except (NotImplementedError, ValueError, TypeError):  # sympy: q**q - 1 = 0
                roots = None
            if roots is None:  # the values where it vanishes are unknown: say so
                cond = f"{sp.sstr(expr)} = 0 (values of {free[0]} sympy cannot solve for)"
            else:
                roots = [r for r in roots if _admissible(free[0], r)]
                if roots:
                    cond = " or ".join(f"{free[0]} = {r}" for r in roots)
        return ZeroTest(False, "numeric", cond, expr)
    return ZeroTest(None, "numeric", simplest=expr)


def _admissible(sym: sp.Symbol, value: sp.Expr) -> bool:
    v = sp.N(value)
    if not v.is_real:
        return False
    if sym.is_positive:
        return bool(v > 0)
    if sym.is_nonnegative:
        return bool(v >= 0)
    if sym.is_negative:
        return bool(v < 0)
    return True


def singular_at(expr: sp.Expr, point: sp.Expr, samples: Sequence[Sample] = ()) -> bool:
    """Whether ``expr`` may fail to be analytic at ``point`` (a root of a singular argument).

    Errs towards True: a point wrongly called singular is only examined more carefully.
    """
    if point in (sp.oo, -sp.oo):
        return True
    for u in singular_arguments(expr):
        v = u.xreplace({x: point})
        if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return True
        t = is_zero(v, samples)
        if t.value is not False:
            return True
    return False


def _zero_order(e: sp.Expr, p: sp.Expr, samples: Sequence[Sample], cap: int) -> int | None:
    """The order of the zero of ``e`` (analytic at ``p``) at ``p``; None if undecided."""
    d = e
    for n in range(cap + 1):
        t = is_zero(d.xreplace({x: p}), samples)
        if t.value is False:
            return n
        if t.value is None:
            return None
        d = d.diff(x)
    return None


def analytic_at(expr: sp.Expr, p: sp.Expr, samples: Sequence[Sample] = ()) -> bool:
    """Whether ``expr`` is (the restriction of) a function analytic at ``p``.

    True when no singular argument vanishes at ``p``, or when ``expr = num/den`` with both
    analytic at ``p`` and ``num`` vanishing there to at least the order of ``den``: a
    removable singularity, as in ``sin(x)/x`` at 0. False means "not proved analytic".
    """
    if not singular_at(expr, p, samples):
        return True
    num, den = sp.fraction(sp.together(expr))
    if den == 1 or singular_at(num, p, samples) or singular_at(den, p, samples):
        return False
    m = _zero_order(den, p, samples, 12)
    if m is None:
        return False
    d = num
    for _ in range(m):
        if is_zero(d.xreplace({x: p}), samples).value is not True:
            return False
        d = d.diff(x)
    return True


def _limit(expr: sp.Expr, point: sp.Expr, side: str) -> sp.Expr:
    side = "" if point in (sp.oo, -sp.oo) else side  # for messages: x = oo, not oo+

    def run():
        if point in (sp.oo, -sp.oo):
            return sp.limit(expr, x, point)
        return sp.limit(expr, x, point, side)

    try:
        value = budget.attempt(run, STEP_WORK, None)
    except (NotImplementedError, ValueError, TypeError, RecursionError) as exc:
        raise Undecided(
            f"sympy cannot find the limit of {expr} at x = {point}{side}: {exc}"
        ) from None
    if value is None:
        raise Undecided(f"the limit of {expr} at x = {point}{side} ran out of its work share")
    if isinstance(value, AccumBounds) or _scaled_bounds(value):
        return NO_LIMIT
    if value.has(sp.Limit) or value.has(AccumBounds):
        raise Undecided(f"sympy cannot find the limit of {expr} at x = {point}{side}")
    return value


def _scaled_bounds(value: sp.Expr) -> bool:
    """Whether ``value`` is ``a + k*B`` for ``a``, ``k != 0`` free of x and one accumulation
    interval ``B`` of positive width: sympy leaves ``pi*AccumBounds(-2, 2)`` unevaluated (the
    limit of ``2*pi*sin(2*pi*x)`` at -oo), which oscillates as ``B`` does: no limit."""
    bounds = value.atoms(AccumBounds)
    if len(bounds) != 1 or x in value.free_symbols:
        return False
    (b,) = bounds
    t = sp.Dummy("t")
    line = value.xreplace({b: t})
    k = sp.diff(line, t)
    return ((b.max - b.min).is_positive is True and k.is_zero is False
            and sp.diff(line, t, 2) == 0)


def _limit_checked(
    expr: sp.Expr, point: sp.Expr, side: str, samples: Sequence[Sample]
) -> sp.Expr:
    """``_limit``, cross-checked at every parameter sample when parameters are symbolic.

    With a symbolic parameter sympy may answer for one case silently: the limit at infinity
    of Barron's gradient comes back ``oo``, true for alpha > 1 only. The limit is taken
    again with each sample substituted, and any disagreement is undecided.
    """
    params = (expr.free_symbols | point.free_symbols) - {x}
    _trusted_exponents(expr, point, side, params)
    value = _limit(expr, point, side)
    if not params or not samples:
        return value
    for s in samples:
        at = _limit(expr.xreplace(dict(s)), point.xreplace(dict(s)), side)
        want = value.xreplace(dict(s)) if value is not NO_LIMIT else NO_LIMIT
        if at is NO_LIMIT or want is NO_LIMIT:
            same = at is want
        elif at.has(sp.oo, -sp.oo, sp.zoo) or want.has(sp.oo, -sp.oo, sp.zoo):
            same = at == want
        else:
            same = is_zero(at - want).value is True
        if not same:
            raise Undecided(
                f"the limit of {expr} at x = {point}{side} depends on the parameters "
                f"({value} in general, {at} at {_show(s)})"
            )
    return value


def _trusted_exponents(expr: sp.Expr, point: sp.Expr, side: str, params: set) -> None:
    """Refuse a limit whose answer hinges on the sign of a parameter-dependent exponent.

    ``x * (1 + x**2/|alpha - 2|)**(alpha/2 - 1)`` grows like ``x**(alpha - 1)``: its limit at
    ``oo`` is ``oo``, a constant or 0 as ``alpha`` is above, at or below 1, yet sympy 1.14
    answers ``oo*sign(Abs(alpha - 2))``, and samples near a default of 1.5 all agree. So when
    a power of an ``x``-dependent base (or an ``exp``) has an exponent in the parameters
    whose sign the assumptions do not fix, the limit is undecided (the conditions of
    :mod:`lossmath.analysis.conditions` decide such cases interval by interval)."""
    if not params:
        return
    for node in expr.atoms(sp.Pow, sp.exp):
        e = node.exp
        if not (e.free_symbols & params) or x not in node.free_symbols:
            continue
        if isinstance(node, sp.exp):
            free = {s for s in e.free_symbols & params if not (s.is_positive or s.is_negative)}
        else:
            free = set() if (e.is_positive or e.is_negative) else e.free_symbols & params
        if free:
            names = ", ".join(sorted(str(s) for s in free))
            raise Undecided(
                f"the limit of {expr} at x = {point}{'' if point in (sp.oo, -sp.oo) else side} "
                f"depends on the sign of the exponent {e} (on {names})"
            )


def _show(sample: Sample) -> str:
    return ", ".join(f"{k} = {sp.N(v, 4)}" for k, v in sample.items())


def one_sided(
    expr: sp.Expr, point: sp.Expr, side: str, samples: Sequence[Sample] = ()
) -> sp.Expr:
    """Limit of one piece's expression at ``point`` from ``side`` ('-' or '+').

    ``NO_LIMIT`` (nan) when it does not exist; ``oo``/``-oo`` when it is infinite; raises
    :class:`~lossmath.base.errors.Undecided` when sympy cannot tell.
    """
    if point in (sp.oo, -sp.oo) or singular_at(expr, point, samples):
        return _limit_checked(expr, point, side, samples)
    value = expr.xreplace({x: point})
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return _limit_checked(expr, point, side, samples)
    return value
