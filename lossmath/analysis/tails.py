"""Limits at the ends of every interval: is a function bounded, does ``f'`` redescend?

- **Bounded**: a function continuous on each open interval of its table, with a finite
  one-sided limit at both ends of every interval (``±oo`` included), is bounded on the line
  (and its values at the breakpoints are finite numbers). An infinite limit anywhere
  disproves it. A missing limit (oscillation) leaves it undecided.
  The report's ``bounded`` means **bounded above** (``sup f < oo``: a loss that saturates;
  ``|x| - x**2`` has ``sup f = 1/4``), so there a limit ``-oo`` disproves nothing
  (``above=True``); ``f'`` and ``f''`` are asked whether ``|f'|``, ``|f''|`` are bounded.
- **Redescending** (Hampel's term for M-estimators whose influence function ``psi = f'``
  returns to 0): ``f'(x) -> 0`` as ``x -> -oo`` and as ``x -> +oo``.

The limits are :func:`lossmath.exact.zeros.one_sided` on one piece's expression (never on a whole
``Piecewise``), cross-checked at the parameter samples.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable
from lossmath.exact.asymptotics import NoLeadingTerm, limit_value
from lossmath.exact.zeros import NO_LIMIT, certified_value, is_zero, one_sided

__all__ = ["Limits", "SignDepends", "assumed_sign", "bounded_table", "redescending"]


class Limits:
    """One-sided limits of the pieces, memoised for one analysis (``bounded`` of ``f`` and
    ``f'``, and ``redescending`` ask for the same limits at ``±oo``)."""

    def __init__(self, samples) -> None:
        self.samples = samples
        self._memo: dict[tuple[sp.Expr, sp.Expr, str], sp.Expr] = {}

    def __call__(self, expr: sp.Expr, point: sp.Expr, side: str) -> sp.Expr:
        key = (expr, point, side)
        if key not in self._memo:
            self._memo[key] = self._limit(expr, point, side)
        return self._memo[key]

    def _limit(self, expr: sp.Expr, point: sp.Expr, side: str) -> sp.Expr:
        if point in (sp.oo, -sp.oo):
            # the leading term first: exact when its signs hold for every parameter value,
            # and milliseconds where sympy's limit of 1 - tanh(x)**2 takes seconds
            try:
                return limit_value(expr, point, assumed_sign)
            except SignDepends as exc:
                # the order of the leading term depends on the parameters: so does the
                # limit, whatever sympy's limit says (it answered oo for Barron's gradient)
                raise Undecided(f"the limit of {expr} at x = {point} depends on the "
                                f"parameters ({exc})") from None
            except NoLeadingTerm:
                pass
        return one_sided(expr, point, side, self.samples)


def assumed_sign(g: sp.Expr) -> int:
    """The sign of ``g`` (free of ``x``) for every parameter value, from the assumptions
    (a number's from its certified value); NoLeadingTerm when they do not fix it."""
    if x in g.free_symbols:
        raise NoLeadingTerm(f"{g} depends on x")
    if not g.free_symbols:
        v = certified_value(g)
        if v is None:
            if g.is_zero:
                return 0
            raise NoLeadingTerm(f"the sign of {g} could not be certified")
        return 1 if v > 0 else -1 if v < 0 else 0
    s = sign_by_assumptions(g)
    if s is None:
        raise SignDepends(f"the sign of {g} is not fixed by the assumptions")
    return s


class SignDepends(NoLeadingTerm):
    """The leading term needs the sign of an expression in the parameters that the
    assumptions leave open."""


def sign_by_assumptions(g: sp.Expr) -> int | None:
    """1, 0 or -1 when sympy's assumptions fix the sign of ``g``, else None."""
    if g.is_zero:
        return 0
    return 1 if g.is_positive else -1 if g.is_negative else None


def _infinite(v: sp.Expr) -> bool:
    return bool(v.has(sp.oo, -sp.oo, sp.zoo))


def bounded_table(
    table: IntervalTable, limit: Callable, name: str = "f", above: bool = False
) -> tuple[bool | None, str]:
    """Is the function of ``table`` bounded on the line (``above``: bounded above)?
    ``(verdict, note)``."""
    undecided = ""
    for iv in table.intervals:
        for end, side in ((iv.lo, "+"), (iv.hi, "-")):
            try:
                v = limit(iv.expr, end, side)
            except Undecided as exc:
                undecided = f"whether {name} is bounded: {exc}"
                continue
            if v is NO_LIMIT:
                undecided = f"whether {name} is bounded: {name} has no limit at x = {end}"
            elif above and v == -sp.oo:
                continue  # tends to -oo: bounded above near this end
            elif v == sp.oo or (_infinite(v) and not above):
                return False, ""
            elif _infinite(v):
                undecided = f"whether {name} is bounded above: its limit at x = {end} is {v}"
    for b in table.breakpoints:
        if _infinite(b.value) or b.value.has(sp.nan):
            return None, f"whether {name} is bounded: {name}({b.at}) = {b.value}"
    return (None, undecided) if undecided else (True, "")


def redescending(d1: IntervalTable, limit: Callable) -> tuple[bool | None, str]:
    """``f'(x) -> 0`` at both ends of the line? ``(verdict, note)``."""
    verdict: bool | None = True
    note = ""
    for iv, end in ((d1.intervals[0], -sp.oo), (d1.intervals[-1], sp.oo)):
        try:
            v = limit(iv.expr, end, "")
        except Undecided as exc:
            verdict, note = None, f"redescending: {exc}"
            continue
        if v is NO_LIMIT or _infinite(v):
            return False, ""  # no limit, or an infinite one: f' does not tend to 0
        t = is_zero(v, d1.samples)
        if t.value is False and (t.method == "symbolic" or not (v.free_symbols)):
            return False, ""
        if t.value is False:
            verdict = None
            note = f"redescending: lim f' at x = {end} is {v}, nonzero at the sampled parameters"
            if t.condition:
                note += f"; it vanishes when {t.condition}"
        elif t.value is None:
            verdict, note = None, f"redescending: lim f' at x = {end} ({v}) is not proved zero"
    return verdict, note
