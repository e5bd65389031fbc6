"""Where a piece is defined: finite and real on the whole of its own open interval.

A definition is refused when any piece is undefined anywhere on its interval: ``tan(x)``
(poles at every ``pi/2 + k*pi``), ``1/sin(x)``, ``log(x**2)`` (at 0), ``log(x - 0.001)`` on
``x > 0`` (a narrow strip). The decision comes from the singularities of every subexpression
(:func:`lossmath.exact.singular.domain_conditions`), never from a few sample points:

1. sympy proves the condition on the whole interval (``x`` rewritten as ``lo + t``, ``t > 0``);
2. or the real roots of the condition's expression are listed completely
   (:func:`lossmath.exact.roots.real_roots`) and its sign is checked between them;
3. or, for numbers, an interval-arithmetic enclosure certifies it (:mod:`lossmath.exact.certify`).

A violation is reported with a point where it happens (exit 2); a condition none of these
can decide is :class:`~lossmath.base.errors.Undecided` (exit 3), never assumed to hold.
A condition on parameters must hold for every value their declarations allow: besides the
generic samples, each parameter of the condition is probed across its whole declared range
(0 for a nonnegative one, both signs for a real one), and a certified violation at any of
them refuses the definition (``log(x**2 + c)`` with ``c`` real: undefined at ``x = 0`` when
``c = -1/1000``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.exact.certify import sign_on
from lossmath.exact.roots import InfiniteRoots, real_roots_in
from lossmath.exact.sampling import inside
from lossmath.exact.singular import Condition, domain_conditions

__all__ = ["check_defined", "reparametrise"]

Sample = Mapping[sp.Symbol, sp.Expr]


class _Violation(Exception):
    def __init__(self, at: sp.Expr, sample: Sample | None = None) -> None:
        self.at, self.sample = at, sample


#: parameter values probed across a declared range (with their negatives, and 0 where allowed)
_PROBES = tuple(sp.Rational(v) for v in ("1/1000", "1/10", "1/2", "1", "2", "10", "1000"))


def _probes(sample: Sample, params: set[sp.Symbol]) -> list[Sample]:
    """``sample`` with one parameter at a time moved across its whole declared range: the
    boundary value 0 of a nonnegative parameter, and both signs of a real one."""
    out = []
    for p in sorted(params, key=str):
        pos, neg = list(_PROBES), [-v for v in _PROBES]
        values = (pos if p.is_positive else [sp.S.Zero, *pos] if p.is_nonnegative
                  else neg if p.is_negative else [sp.S.Zero, *neg] if p.is_nonpositive
                  else [*neg, sp.S.Zero, *pos])
        out += [{**sample, p: v} for v in values]
    return out


def reparametrise(lo: sp.Expr, hi: sp.Expr) -> tuple[sp.Expr, sp.Symbol]:
    """``x`` as a function of a positive ``t`` sweeping the open interval ``(lo, hi)``.

    Lets sympy's assumption system decide signs on an interval: ``u(beta + t) > 0`` with
    ``t > 0`` is a question ``is_positive`` can answer; "x in (a, b)" is not.
    """
    t = sp.Dummy("t", positive=True)
    if lo == -sp.oo and hi == sp.oo:
        return sp.Dummy("s", real=True), t
    if lo == -sp.oo:
        return hi - t, t
    if hi == sp.oo:
        return lo + t, t
    return (lo + hi * t) / (1 + t), t  # a convex combination: signs stay visible


def _assumed(e: sp.Expr, rel: str) -> bool | None:
    return {">": e.is_positive, ">=": e.is_nonnegative, "!=": e.is_nonzero}[rel]


def _holds(value: sp.Expr, rel: str) -> bool:
    v = sp.N(value, 30)
    if not v.is_real:
        return False
    return bool(v > 0) if rel == ">" else bool(v >= 0) if rel == ">=" else bool(v != 0)


def _num(e: sp.Expr) -> sp.Float:
    return sp.N(e, 30)


def _decide(cond: Condition, lo: sp.Expr, hi: sp.Expr, samples: Sequence[Sample],
            unswept: frozenset[sp.Symbol] = frozenset()) -> str | None:
    """None when the condition holds on (lo, hi); else raise _Violation or Undecided.
    Returns a note when it was decided only at the sampled parameter values."""
    u, rel = cond.u, cond.rel
    sub, _ = reparametrise(lo, hi)
    e = u.xreplace({x: sub})
    if any(_assumed(form(e), rel) for form in (lambda v: v, sp.together, sp.expand)):
        return None
    try:
        candidates = real_roots_in(u, lo, hi)
    except InfiniteRoots:
        if (lo == -sp.oo or hi == sp.oo) and rel != ">=":
            raise  # every one of those roots violates the condition
        candidates = None  # finitely many inside, or touching zeros only: certify
    except Undecided:
        candidates = None
    symbolic = bool(u.free_symbols - {x} or (lo.free_symbols | hi.free_symbols))

    def check_at(s: Sample, probe: bool) -> None:
        lo_s, hi_s, u_s = lo.xreplace(s), hi.xreplace(s), u.xreplace(s)
        if probe and (u_s.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not _num(lo_s) < _num(hi_s)):
            return  # a special value of the family (handled apart), or an empty interval
        if candidates is None:
            ok, witness = sign_on(u_s if rel != "!=" else u_s**2, lo_s, hi_s, strict=rel != ">=")
            if ok is True:
                return
            if ok is False and _num(lo_s) < witness < _num(hi_s):
                raise _Violation(sp.Float(witness, 15), s if probe else None)
            if probe:
                return  # nothing certified either way at this probe
            raise Undecided(
                f"cannot decide whether {cond.what} is defined on ({lo}, {hi}) "
                f"(it needs {u} {rel} 0)"
            )
        inner = []
        for r in candidates:
            rv = _num(r.xreplace(s))
            if rv.is_real and _num(lo_s) < rv < _num(hi_s):
                inner.append((rv, r))
        inner.sort(key=lambda pair: pair[0])
        for _, r in inner:  # candidates may be a superset: a violation is checked exactly
            if rel in (">", "!=") and not _holds(u_s.xreplace({x: r.xreplace(s)}), rel):
                raise _Violation(r.xreplace(s), s if probe else None)
        cuts = [lo_s, *(r.xreplace(s) for _, r in inner), hi_s]
        for a, b in zip(cuts, cuts[1:]):
            t = inside(a, b)
            if not _holds(u_s.xreplace({x: t}), rel):
                raise _Violation(t, s if probe else None)

    for s in samples if symbolic else samples[:1]:
        check_at(s, probe=False)
    if symbolic and samples:
        # every allowed value, not only the generic samples: the parameters of the condition
        # (not those of the interval's ends, which relations between parameters may tie)
        # swept over their whole declared range, boundary values included
        swept = (u.free_symbols - {x}) - lo.free_symbols - hi.free_symbols - unswept
        for s in _probes(samples[0], swept):
            check_at(s, probe=True)
    return (
        f"{cond.what} is defined on ({lo}, {hi}) at the sampled parameter values; "
        "sympy could not prove it for all"
        if symbolic
        else None
    )


def check_defined(
    expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, samples: Sequence[Sample], where: str,
    unswept: frozenset[sp.Symbol] = frozenset(),
) -> list[str]:
    """Refuse (``ValueError``) a piece that is undefined somewhere on ``(lo, hi)``.

    ``expr`` is the piece's analytic form there; ``where`` names the piece in messages.
    Returns notes for conditions decided only at the sampled parameter values. The
    parameters in ``unswept`` (constants still to be solved for) are checked at the samples
    only, not over their whole declared range: their value is fixed by the solving.
    """
    notes = []
    for cond in domain_conditions(expr):
        try:
            note = _decide(cond, lo, hi, samples, unswept)
        except _Violation as v:
            when = "" if v.sample is None else " when " + ", ".join(
                f"{p} = {val}" for p, val in sorted(v.sample.items(), key=lambda kv: str(kv[0]))
                if p in cond.u.free_symbols)
            allowed = "" if v.sample is None else " (a value its declaration allows)"
            raise ValueError(
                f"{where} is undefined at x = {v.at}{when}{allowed}: {cond.what} needs "
                f"{cond.u} {cond.rel} 0, and x = {v.at} lies inside its interval ({lo}, {hi})"
            ) from None
        except InfiniteRoots as exc:
            raise ValueError(
                f"{where} is undefined at infinitely many points of ({lo}, {hi}): "
                f"{cond.what} needs {cond.u} {cond.rel} 0, and {exc}"
            ) from None
        if note:
            notes.append(note)
    return notes
