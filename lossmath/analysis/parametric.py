"""Properties as conditions on one real parameter: ``convex iff alpha >= 1``.

For a loss with one real parameter ``p`` (any others positive), the real line of ``p`` is cut
at finitely many *candidate* values ``v_1 < ... < v_n``; each property is decided on every
open interval between them and at every ``v_i``, and the condition is the union of the
pieces where it holds (a sympy Boolean such as ``alpha >= 1``).

**Why a verdict holds on a whole interval.** On an open interval ``I`` the decisions are
made by exact evaluation at one sample ``p0`` in ``I``, but every sign the decision used is
the sign of an expression ``g(p)`` whose real roots and poles are listed completely
(:func:`lossmath.exact.roots.real_roots`) and none lies in ``I``: ``g`` is continuous and nonzero on
``I``, so its sign at ``p0`` is its sign on ``I``. A root found inside ``I`` becomes a new
candidate and the decisions are made again on the finer cut. The decisions themselves:

- **limits at ``±oo``** (``bounded``, ``redescending``, bounded ``f'`` and ``f''``) from the
  leading term ``K x**d log(x)**l`` (:mod:`lossmath.exact.asymptotics`): the limit is infinite,
  finite or zero as ``(d, l)`` is positive, zero or negative;
- **convexity** of a loss without breakpoints: ``f''`` is split into factors positive for
  every ``x`` (constants of known sign, real powers of sums of a positive constant and
  nonnegative terms, even powers) and a polynomial ``Q`` in ``x``; ``Q >= 0`` on the line when
  all its coefficients are ``>= 0`` and only even powers occur, and fails when its leading or
  constant coefficient is negative or its degree is odd. Anything else is undecided.

**At a candidate** ``p = v`` the loss is ``loss.subs(p=v)``, decided by the same rules with
nothing left to prove, and by :func:`~lossmath.analysis.analyse` when they do not apply.
Where the formula has no value (0/0 in Barron's ``|alpha - 2|/alpha`` at ``alpha = 0, 2``)
the value is left out, and a note says so: the condition is stated for the values where the
loss is defined, and may go either way at those left out.

Candidates come from the expressions whose signs are used (Barron's
``rho(x, alpha, c)`` gets ``0, 1, 2``: the exponents ``alpha``, ``alpha - 1``, ``alpha - 2`` of
``f``, ``f'``, ``f''`` at infinity, the coefficient ``alpha - 1`` of ``f''`` and the poles of
``|alpha - 2|/alpha``). A property left undecided anywhere gets no condition, only a note
naming the part that was decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sympy as sp

from lossmath.analysis.tails import sign_by_assumptions
from lossmath.base import budget
from lossmath.base.errors import LossError, OutOfTime, Undecided
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable
from lossmath.exact.asymptotics import NoLeadingTerm, limit_kind, signed_limit_kind
from lossmath.exact.roots import InfiniteRoots, real_roots
from lossmath.exact.sampling import inside
from lossmath.exact.zeros import certified_value, is_zero, singular_at

__all__ = ["CONDITIONED", "Conditions", "conditions"]

#: the properties that get conditions: flags, and the constants whose finiteness is decided
CONDITIONED = (
    "convex", "strictly_convex", "bounded", "redescending",
    "gradient_bound", "lipschitz", "curvature_bound",
)
#: refinement rounds (each adds the roots found inside an interval as candidates)
MAX_ROUNDS = 6


class _GiveUp(Exception):
    pass


@dataclass
class _Signs:
    """Signs of expressions free of ``x``: by assumptions when they hold for every value, else
    at the sample ``p0`` with the expression recorded in ``relied`` (the caller proves it has
    no root or pole inside the interval). ``p0 = None``: ``p`` is already substituted."""

    p: sp.Symbol
    p0: sp.Expr | None
    relied: list[sp.Expr] = field(default_factory=list)
    memo: dict = field(default_factory=dict)

    def __call__(self, g: sp.Expr) -> int:
        if g not in self.memo:
            self.memo[g] = self._sign(g)
        return self.memo[g]

    def _sign(self, g: sp.Expr) -> int:
        if x in g.free_symbols:
            raise NoLeadingTerm(f"{g} depends on x")
        known = sign_by_assumptions(g)
        if known is not None:
            return known
        if g.is_Mul:
            out = 1
            for f in g.args:
                out *= self(f)
            return out
        if g.is_Pow:
            b, e = g.args
            if e.is_Integer:
                s = self(b)
                if s == 0 and e.is_negative:
                    raise NoLeadingTerm(f"{g} is infinite")
                return s ** int(e)
            if self(b) > 0:
                return 1
            raise NoLeadingTerm(f"a real power of {b}, which is not positive")
        if isinstance(g, sp.Abs):
            return 1 if self(g.args[0]) != 0 else 0
        if isinstance(g, sp.exp):
            return 1
        if g.is_Add:
            h = sp.factor_terms(g)  # c**2*|alpha - 2|*(alpha - 1): the c**2 has a known sign
            if h != g:
                return self(h)
        return self._at_sample(g)

    def _at_sample(self, g: sp.Expr) -> int:
        if g.free_symbols - {self.p}:
            raise NoLeadingTerm(f"the sign of {g} is not fixed by the assumptions")
        if self.p in g.free_symbols:
            if self.p0 is None:
                raise NoLeadingTerm(f"{g} depends on {self.p}")
            if g.has(sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.Piecewise):
                # a jump in p that no root list shows: the sign at p0 proves nothing
                raise NoLeadingTerm(f"{g} may jump as {self.p} varies")
            self.relied.append(g)
            g = g.xreplace({self.p: self.p0})
        v = certified_value(g)
        if v is None:
            if is_zero(g).value is True:
                return 0
            raise NoLeadingTerm(f"the sign of {g} could not be certified")
        return 1 if v > 0 else -1 if v < 0 else 0


def _positive_everywhere(b: sp.Expr, sign: _Signs) -> bool:
    """``b > 0`` for every real ``x``: a positive constant plus terms ``q * x**(2k)`` with
    ``q >= 0`` (or ``b`` positive by the assumptions)."""
    if b.is_positive:
        return True
    if x not in b.free_symbols:
        return sign(b) > 0
    if b.is_Mul:
        return all(_positive_everywhere(f, sign) for f in b.args)
    if b.is_Pow:
        return _positive_everywhere(b.base, sign)
    if not b.is_Add:
        return False
    const = False
    for t in b.args:
        if x not in t.free_symbols:
            s = sign(t)
            if s < 0:
                return False
            const = const or s > 0
            continue
        q, m = t.as_independent(x, as_Add=False)
        if not (m.is_Pow and m.base == x and m.exp.is_even and m.exp.is_positive) and m != x**2:
            return False
        if sign(q) < 0:
            return False
    return const


def _nonnegative_everywhere(e: sp.Expr, sign: _Signs) -> tuple[bool, bool]:
    """``(e >= 0 for every real x, e is identically 0)``; raises NoLeadingTerm when the rules
    do not apply."""
    num, den = sp.fraction(sp.together(e))
    total, q = 1, sp.S.One
    for part, is_den in ((num, False), (den, True)):
        for f in sp.Mul.make_args(part):
            if x not in f.free_symbols:
                total *= sign(f)
            elif f.is_Pow and f.exp.is_even and f.exp.is_number:
                if is_den:
                    total *= 1  # an even power in a denominator: positive where defined
                else:
                    q *= f
            elif f.is_Pow and _positive_everywhere(f.base, sign):
                continue
            elif _positive_everywhere(f, sign):
                continue
            elif is_den:
                raise NoLeadingTerm(f"the denominator factor {f} may vanish")
            else:
                q *= f
    if total == 0:
        return True, True
    q = sp.expand(q * total)
    if not q.is_polynomial(x):
        raise NoLeadingTerm(f"{q} is not a polynomial in x")
    poly = sp.Poly(q, x)
    terms = poly.terms()
    signs = {k[0]: sign(c) for k, c in terms}
    if all(s == 0 for s in signs.values()):
        return True, True
    degree = max(k for k, s in signs.items() if s != 0)
    if degree % 2 == 1 or signs[degree] < 0 or signs.get(0, 0) < 0:
        return False, False
    if all(k % 2 == 0 for k in signs) and all(s >= 0 for s in signs.values()):
        return True, False
    raise NoLeadingTerm(f"the sign of the polynomial {q} on the line")


def _kinds(t: IntervalTable, sign: _Signs, signed: bool = False) -> list[str]:
    """The limit kinds of ``t`` at ``-oo`` and ``+oo`` (``signed``: ``"+infinite"`` and
    ``"-infinite"`` apart), and at each finite end (substituted: the pieces must be analytic
    there)."""
    kind = signed_limit_kind if signed else limit_kind
    kinds = [kind(t.intervals[0].expr, -sp.oo, sign), kind(t.intervals[-1].expr, sp.oo, sign)]
    for k, b in enumerate(t.breakpoints):
        for iv in t.neighbours(k):
            if singular_at(iv.expr, b.at, t.samples):
                raise NoLeadingTerm(f"{iv.expr} is singular at x = {b.at}")
            v = sp.together(iv.expr.xreplace({x: b.at}))
            num, den = sp.fraction(v)
            if sign(den) == 0:
                raise NoLeadingTerm(f"{v} is infinite")
            kinds.append("finite")
    return kinds


Verdicts = dict[str, bool | None]


def _decide(tables: Sequence[IntervalTable], sign: _Signs, continuity: tuple) -> Verdicts:
    """Every property of :data:`CONDITIONED` for one parameter value or interval."""
    f, d1, d2 = tables
    out: Verdicts = dict.fromkeys(CONDITIONED)

    def attempt(fn: Callable[[], object]) -> object:
        try:
            return fn()
        except (NoLeadingTerm, Undecided, ValueError, TypeError, sp.PolynomialError):
            return None

    # f: bounded above (sup f < oo, the report's meaning); f', f'': |f'|, |f''| bounded
    bounded = [attempt(lambda: all(k not in ("infinite", "+infinite")
                                   for k in _kinds(f, sign, signed=True)))]
    bounded += [attempt(lambda t=t: all(k != "infinite" for k in _kinds(t, sign)))
                for t in (d1, d2)]
    out["bounded"] = bounded[0]
    out["gradient_bound"] = bounded[1]
    cont0, cont1 = continuity
    out["lipschitz"] = False if cont0 is False else bounded[1] if cont0 else None
    out["curvature_bound"] = False if cont1 is False else bounded[2] if cont1 else None
    out["redescending"] = attempt(
        lambda: all(limit_kind(d1.intervals[i].expr, end, sign) == "zero"
                    for i, end in ((0, -sp.oo), (-1, sp.oo))))
    if not f.breakpoints:
        conv = attempt(lambda: _nonnegative_everywhere(d2.intervals[0].expr, sign))
        if conv is not None:
            out["convex"], zero = conv
            out["strictly_convex"] = conv[0] and not zero
    return out


@dataclass(frozen=True)
class Conditions:
    """``conditions``: property -> the sympy Boolean in the parameter where it holds (for the
    constants: where it is finite); ``notes``: what was decided only in part."""

    conditions: dict[str, sp.Basic]
    notes: tuple[str, ...] = ()


def _tables(loss) -> tuple[IntervalTable, IntervalTable, IntervalTable]:
    t = loss.table
    return t, t.diff(1), t.diff(2)


def _point_loss(loss, p: sp.Symbol, v: sp.Expr):
    """``loss`` at ``p = v``, or None where its formula has no value there (0/0 in Barron's
    ``|alpha - 2|/alpha`` at 0 and 2). Such a value is left out of the conditions rather than
    replaced by a limit (a limit in ``p`` of every piece costs seconds of sympy time), unless
    the loss defines its singular values itself: the catalog's Barron has a ``special`` hook
    that ``Loss.subs`` consults (its limits, derived once by sympy)."""
    singular = any(e.xreplace({p: v}).has(sp.nan, sp.zoo) for e, _ in loss.table.pieces)
    if singular and getattr(loss, "special", None) is None:
        return None
    try:  # a loss that defines its singular values (``Loss.special``) substitutes them
        return loss.subs({p.name: v})
    except LossError:
        return None


def _at_point(loss, p: sp.Symbol, v: sp.Expr, analyse) -> Verdicts | None:
    point = _point_loss(loss, p, v)
    if point is None:
        return None
    from lossmath.analysis.continuity import continuous_to

    tables = _tables(point)
    sign = _Signs(p, None)
    smooth = (True, True) if not tables[0].breakpoints else (None, None)
    out = _decide(tables, sign, smooth) if _defined(point.expr, sign) else \
        dict.fromkeys(CONDITIONED)
    if all(v is not None for v in out.values()):
        return out
    report = budget.attempt(lambda: analyse(point), 2 * budget.STEP, None)
    if report is None:
        return out
    if tables[0].breakpoints:
        bps = report.breakpoints
        cont = (continuous_to(bps, 0), continuous_to(bps, 1))
        out = _decide(tables, sign, cont) if _defined(point.expr, sign) else out
    full = {
        "convex": report.convex, "strictly_convex": report.strictly_convex,
        "bounded": report.bounded, "redescending": report.redescending,
        "gradient_bound": _finite(report.gradient_bound),
        "lipschitz": _finite(report.lipschitz),
        "curvature_bound": _finite(report.curvature_bound),
    }
    for k, val in full.items():
        if out[k] is None:
            out[k] = val if isinstance(val, bool) else None
        elif val is not None and val != out[k]:
            out[k] = None  # two methods disagree: trust neither
    return out


def _finite(v: sp.Expr | None) -> bool | None:
    return None if v is None else v != sp.oo


def _real_roots_of(g: sp.Expr, p: sp.Symbol, memo: dict) -> list[sp.Expr]:
    """Every real root and pole of ``g(p)`` (complete lists; memoised: the same signs are
    used on every interval)."""
    if g in memo:
        return memo[g]
    num, den = sp.fraction(sp.together(g))
    out = []
    for part in (num, den):
        if p not in part.free_symbols:
            continue
        try:
            roots = real_roots(part.xreplace({p: x}))
        except (InfiniteRoots, Undecided) as exc:
            raise _GiveUp(str(exc)) from None
        for r in roots:
            if r.free_symbols:
                raise _GiveUp(f"the root {r} depends on the parameters")
            out.append(r)
    memo[g] = out
    return out


def _seeds(loss, p: sp.Symbol) -> set[sp.Expr]:
    """First candidates: where an absolute value or a denominator in ``p`` vanishes."""
    out: set[sp.Expr] = set()
    for node in loss.expr.atoms(sp.Abs, sp.Pow):
        arg = node.args[0] if isinstance(node, sp.Abs) else node.base
        if isinstance(node, sp.Pow) and not node.exp.is_negative:
            continue
        if x in arg.free_symbols or p not in arg.free_symbols:
            continue
        try:
            out |= {r for r in real_roots(arg.xreplace({p: x})) if not r.free_symbols}
        except (InfiniteRoots, Undecided):
            pass
    return out


def _where_p_is_resolved(loss, p: sp.Symbol) -> str:
    """Why the table (built at parameter samples) may not hold for every ``p``, or ""."""
    table = loss.table
    if any(p in b.at.free_symbols for b in table.breakpoints):
        return f"a breakpoint depends on {p}"
    for node in loss.expr.atoms(sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min):
        if x in node.free_symbols and p in node.free_symbols:
            return f"which branch of {node} holds depends on {p}"
    for _, cond in table.pieces:
        if p in getattr(cond, "free_symbols", set()):
            return f"a condition of the definition depends on {p}"
    return ""


def _defined(expr: sp.Expr, sign: _Signs) -> bool:
    """Every real power, log and denominator of ``expr`` is defined for every ``x`` (and, in
    interval mode, every ``p`` of the interval: the signs used are recorded)."""
    try:
        for node in expr.atoms(sp.Pow, sp.log):
            arg = node.args[0]
            if isinstance(node, sp.log) or not node.exp.is_integer:
                if x in arg.free_symbols:
                    if not _positive_everywhere(arg, sign):
                        return False
                elif sign(arg) <= 0:
                    return False
            elif node.exp.is_negative:
                if x in arg.free_symbols:
                    if not (_positive_everywhere(arg, sign) or _positive_everywhere(-arg, sign)):
                        return False
                elif sign(arg) == 0:
                    return False
    except NoLeadingTerm:
        return False
    return True


def conditions(
    loss, p: sp.Symbol, continuity: tuple, analyse, tables: Sequence[IntervalTable] = ()
) -> Conditions:
    """The conditions on ``p`` (see the module docstring); ``continuity`` is what the loss's
    own report proved about f and f' for every value of ``p``; ``tables`` the tables of f,
    f' and f'' when the caller has them."""
    why = _where_p_is_resolved(loss, p)
    if why:
        return Conditions({}, (f"no conditions on {p}: {why}",))
    tables = tuple(tables) or _tables(loss)
    cands = sorted(_seeds(loss, p), key=lambda r: sp.N(r, 30))
    memo: dict = {}
    for _ in range(MAX_ROUNDS):
        ends = [-sp.oo, *cands, sp.oo]
        pieces: list[Verdicts] = []
        new: set[sp.Expr] = set()
        for lo, hi in zip(ends, ends[1:]):
            sign = _Signs(p, inside(lo, hi))
            ok = _defined(loss.expr, sign)
            pieces.append(_decide(tables, sign, continuity) if ok else dict.fromkeys(CONDITIONED))
            try:
                for g in dict.fromkeys(sign.relied):
                    new |= {r for r in _real_roots_of(g, p, memo)
                            if bool(lo < r) and bool(r < hi)}
            except _GiveUp:
                return Conditions({}, ("conditions on " + str(p) + ": a sign could not be "
                                       "proved constant between the candidate values",))
        if not new:
            break
        cands = sorted(set(cands) | new, key=lambda r: sp.N(r, 30))
    else:
        return Conditions({}, (f"conditions on {p}: the candidate values did not settle",))
    points = []
    for v in cands:
        try:
            points.append(_at_point(loss, p, v, analyse))
        except OutOfTime:
            raise
        except (LossError, Undecided, ValueError, TypeError):
            points.append(None)
    return _assemble(p, cands, pieces, points)


def _assemble(p, cands, pieces, points) -> Conditions:
    """Conditions from the verdicts on the segments of the line, in order: the interval
    below ``cands[0]``, ``cands[0]``, the next interval, ... (a point of ``points`` that is
    None has no loss: it may go either way)."""
    ends = [-sp.oo, *cands, sp.oo]
    out: dict[str, sp.Basic] = {}
    notes = []
    excluded = [v for v, pt in zip(cands, points) if pt is None]
    for prop in CONDITIONED:
        segs = []  # (lo, hi, verdict): an open interval, or a point when lo == hi
        for i, verdicts in enumerate(pieces):
            segs.append((ends[i], ends[i + 1], verdicts[prop]))
            if i < len(cands):
                pt = points[i]
                segs.append((cands[i], cands[i], "any" if pt is None else pt[prop]))
        if any(v is None for _, _, v in segs):
            decided = [(lo, hi, v) for lo, hi, v in segs if v in (True, False)]
            if decided:
                notes.append(
                    f"{_word(prop)}: holds for {p} in {_where(segs, True)}, fails for {p} "
                    f"in {_where(segs, False)}; undecided for {p} in {_where(segs, None)}"
                )
            continue
        out[prop] = _relational(segs, p)
    if excluded:
        notes.append(
            f"conditions on {p}: the definition has no value at {p} = "
            + ", ".join(str(v) for v in excluded)
            + " (its formula is 0/0 or infinite there); those values are left out of the "
            "conditions"
        )
    return Conditions(out, tuple(notes))


def _word(prop: str) -> str:
    return {"gradient_bound": "sup |f'| finite", "lipschitz": "lipschitz finite",
            "curvature_bound": "curvature_bound finite"}.get(prop, prop)


def _where(segs, verdict) -> str:
    parts = []
    for lo, hi, v in segs:
        if v is not verdict:
            continue
        parts.append(f"{{{lo}}}" if lo == hi else f"({lo}, {hi})")
    return " U ".join(parts) or "nothing"


def _runs(segs, want: bool) -> list[tuple]:
    """Maximal runs of segments with verdict ``want`` ("any" joins a run it is inside)."""
    runs, cur = [], None
    for i, (lo, hi, v) in enumerate(segs):
        ok = v is want or (v == "any" and cur is not None and i + 1 < len(segs)
                           and segs[i + 1][2] is want)
        if ok:
            cur = [lo, hi, lo == hi, lo == hi] if cur is None else [cur[0], hi, cur[2], lo == hi]
        elif cur is not None:
            runs.append(tuple(cur))
            cur = None
    if cur is not None:
        runs.append(tuple(cur))
    return runs


def _run_relational(run, p: sp.Symbol) -> sp.Basic:
    lo, hi, lo_closed, hi_closed = run
    if lo == hi:
        return sp.Eq(p, lo)
    conds = []
    if lo != -sp.oo:
        conds.append(p >= lo if lo_closed else p > lo)
    if hi != sp.oo:
        conds.append(p <= hi if hi_closed else p < hi)
    return sp.And(*conds)


def _relational(segs, p: sp.Symbol) -> sp.Basic:
    """The Boolean that is true on the segments that hold and false on those that fail: the
    union of the holding runs, or the negation of the failing ones when that is shorter."""
    yes, no = _runs(segs, True), _runs(segs, False)
    if not no:
        return sp.true
    if not yes:
        return sp.false
    direct = sp.Or(*[_run_relational(r, p) for r in yes])
    negated = sp.And(*[_negate(_run_relational(r, p)) for r in no])
    return min((direct, negated), key=lambda c: (sp.count_ops(c), str(c)))


def _negate(c: sp.Basic) -> sp.Basic:
    return sp.Ne(*c.args) if isinstance(c, sp.Eq) else sp.Not(c)
