"""Is an expression ``>= 0`` on an open interval? Proved, disproved with a witness, or undecided.

The question behind convexity (``f'' >= 0``) and "f(0) is the minimum" (``f >= 0``):

1. **Symbolic proof**: ``x`` rewritten as ``lo + t`` (``t > 0``) so sympy's assumptions can
   answer, after ``expand``/``factor`` if needed.
2. **Exact roots**: a polynomial with numeric coefficients changes sign only at its real
   roots, which are listed exactly; one point between each pair decides.
3. **Interval arithmetic** (numbers only): every box's enclosure ``>= 0`` proves it.
4. **Witness**: a point where the value is certified negative disproves it. With symbolic
   parameters the witness is placed at the same *relative* position of the interval and
   must be negative for all parameter values (sympy proves it), else the answer depends on
   the parameters and is undecided, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from lossmath.base import budget
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.exact.certify import sign_on
from lossmath.exact.domain import reparametrise
from lossmath.exact.roots import InfiniteRoots, real_roots_in
from lossmath.exact.sampling import inside, numeric
from lossmath.exact.zeros import certified_value

__all__ = ["Sign", "nonnegative_on", "symbolic_sign"]

Sample = Mapping[sp.Symbol, sp.Expr]

_RELATIVE = [sp.Rational(k, 16) for k in range(1, 16)]
_OFFSETS = [sp.Rational(10) ** k for k in range(-3, 7)]


@dataclass(frozen=True)
class Sign:
    """``value``: True (proved ``>= 0``), False (disproved), None (undecided).

    ``method`` is ``"symbolic"`` or ``"numeric"`` (certified by interval arithmetic or by a
    certified value at a witness); ``witness`` a point where it fails; ``note`` why it is
    undecided, or what was only checked at sampled parameter values.
    """

    value: bool | None
    method: str = "symbolic"
    witness: sp.Expr | None = None
    note: str = ""


def _positions(lo: sp.Expr, hi: sp.Expr, scales: Sequence[sp.Expr] = ()) -> list[sp.Expr]:
    """Candidate witness points, as expressions in the interval's ends (so they stay inside
    for every parameter value). On an infinite interval the offsets are also scaled by each
    positive parameter: Welsch's f'' < 0 at x = 10c for every c, at x = 10 only for c < 14."""
    if lo != -sp.oo and hi != sp.oo:
        return [lo + (hi - lo) * r for r in _RELATIVE]
    offsets = [d * s for s in (*scales, sp.S.One) for d in _OFFSETS]
    if lo == -sp.oo and hi == sp.oo:
        return [sign * d for d in offsets for sign in (1, -1)] + [sp.S.Zero]
    if lo == -sp.oo:
        return [hi - d for d in offsets]
    return [lo + d for d in offsets]


def _assumed_sign(f: sp.Expr) -> bool | None:
    if f.is_nonnegative:
        return True
    if f.is_negative:
        return False
    return None


def symbolic_sign(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> bool | None:
    """True: sympy proves ``expr >= 0`` on ``(lo, hi)``; False: ``expr < 0`` there; None."""
    sub, _ = reparametrise(lo, hi)
    e = expr.xreplace({x: sub})
    for form in (lambda u: u, sp.together, sp.expand, sp.factor, sp.simplify):
        if form is sp.simplify and sp.count_ops(e) > 60:
            break
        try:
            # the assumption queries themselves can be slow (they isolate real roots of
            # the expanded numerator), so they share the time slice of the rewrite
            verdict = budget.attempt(lambda g=form: _assumed_sign(g(e)), budget.STEP, None)
        except (NotImplementedError, TypeError, ValueError, RecursionError):
            verdict = None
        if verdict is not None:
            return verdict
    return None


def _names(*exprs: sp.Expr) -> str:
    """The parameters an answer depends on, for notes: ``alpha`` or ``alpha, c``."""
    free = set().union(*(e.free_symbols for e in exprs)) - {x}
    return ", ".join(sorted(str(s) for s in free)) or "the parameters"


def _certified_at(expr: sp.Expr, sample: Sample) -> sp.Expr | None:
    """:func:`~lossmath.exact.zeros.certified_value` of ``expr`` at ``sample``, substituted inside
    ``evalf``: substituting exactly first would make sympy build exact rational powers of
    huge rationals (``(10**12/c**2 + 1)**(3039/4000)``), whose perfect-power and factoring
    tests take minutes (Barron's loss with a symbolic alpha)."""
    if not sample or not any(p.exp.free_symbols & set(sample) for p in expr.atoms(sp.Pow)):
        return certified_value(expr.xreplace(dict(sample)))  # no parameter in an exponent
    try:
        v = expr.evalf(20, subs=dict(sample), strict=True)
    except (sp.core.evalf.PrecisionExhausted, ValueError, TypeError):
        return None
    return v if v.is_number and v.is_real else None


def _witness(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, samples: Sequence[Sample]):
    """The first candidate position where ``expr`` is certified negative at some sample."""
    scales = sorted((s for s in expr.free_symbols - {x} if s.is_positive), key=str)
    for pos in _positions(lo, hi, scales):
        at = expr.xreplace({x: pos})
        for s in samples or ({},):
            v = _certified_at(at, s)
            if v is not None and v < 0:
                return pos
    return None


def nonnegative_on(
    expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, samples: Sequence[Sample], what: str
) -> Sign:
    """Decide ``expr >= 0`` on ``(lo, hi)``; ``what`` names it in notes (``"f'' >= 0"``).

    A cheap disproof comes first (a certified negative value at a few points), then proofs.
    """
    if x not in expr.free_symbols and not expr.free_symbols:
        v = certified_value(expr)
        if v is None:
            return Sign(None, note=f"the sign of {expr} could not be certified")
        return Sign(bool(v >= 0), "numeric" if not expr.is_number else "symbolic")
    parametric = bool((expr.free_symbols | lo.free_symbols | hi.free_symbols) - {x})
    if not parametric and expr.is_polynomial(x):
        return _numeric(expr, lo, hi, what)  # exact: real roots and a point between each
    pos = _witness(expr, lo, hi, samples)
    if pos is not None and not parametric:
        return Sign(False, "numeric", pos)
    if pos is not None:
        # negative at some parameter sample: false for every parameter value only if sympy
        # proves it at that relative position of the interval
        at = expr.xreplace({x: pos})
        neg = budget.attempt(lambda: sp.simplify(at).is_negative, budget.STEP, None)
        if neg:
            return Sign(False, witness=pos)
        return Sign(
            None,
            "numeric",
            pos,
            f"{what} fails at x = {pos} for sampled values of {_names(expr, lo, hi)}, and "
            f"could not be decided for all: it depends on {_names(expr, lo, hi)}",
        )
    proved = symbolic_sign(expr, lo, hi)
    if proved is True:
        return Sign(True)
    if proved is False:
        return Sign(False, witness=_positions(lo, hi)[0])
    if not parametric:
        return _numeric(expr, lo, hi, what)
    return Sign(
        None, note=f"{what} on ({lo}, {hi}) could not be proved for all {_names(expr, lo, hi)}"
    )


def _numeric(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, what: str) -> Sign:
    if expr.is_polynomial(x):
        try:
            roots = real_roots_in(expr, lo, hi)
        except (Undecided, InfiniteRoots):
            roots = None
        if roots is not None:
            lo_n = -sp.oo if lo == -sp.oo else numeric(lo)
            hi_n = sp.oo if hi == sp.oo else numeric(hi)
            cuts = sorted((r for r in roots if lo_n < numeric(r) < hi_n), key=numeric)
            ends = [lo, *cuts, hi]
            for a, b in zip(ends, ends[1:]):
                t = inside(a, b)
                v = certified_value(expr.xreplace({x: t}))
                if v is not None and v < 0:
                    return Sign(False, witness=t)
            return Sign(True)
    ok, witness = sign_on(expr, lo, hi, strict=False)
    if ok is True:
        return Sign(True, "numeric")
    if ok is False:
        lo_n = -sp.oo if lo == -sp.oo else numeric(lo)
        hi_n = sp.oo if hi == sp.oo else numeric(hi)
        if lo_n < witness < hi_n:
            return Sign(False, "numeric", sp.Float(witness, 15))
    for pos in _positions(lo, hi):
        v = certified_value(expr.xreplace({x: pos}))
        if v is not None and v < 0:
            return Sign(False, "numeric", pos)
    return Sign(None, note=f"{what} on ({lo}, {hi}) could be neither proved nor disproved")
