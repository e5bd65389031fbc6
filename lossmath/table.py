"""The interval table: the normal form every analysis and emitter reads.

A ``Piecewise`` is normalised once into sorted breakpoints ``b_1 < ... < b_n`` (symbolic ones
too: ``-beta < beta`` given ``beta > 0``), one *analytic* expression per open interval
``(b_i, b_{i+1})`` (``Abs``, ``sign``, ``Heaviside``, ``Max`` and ``Min`` resolved to the branch
that holds there), and, for each breakpoint, the piece that owns it and its value there.

Why not use sympy's own machinery: ``as_expr_set_pairs``/``as_set`` raise as soon as a parameter
appears in a condition (sympy #16715, #27836), ``limit`` on a whole Piecewise returns silently
wrong one-sided limits (#23836), and ``simplify``/``piecewise_fold`` produce conditions nobody
can read. Here breakpoints come from ``solveset`` on each relational and on the argument of
each non-smooth function, and everything that depends on *where* ``x`` is gets decided by
evaluating at a sample point with exact rationals, for several generic parameter samples that
must all agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import mpmath
import sympy as sp

from .symbols import NONSMOOTH, x

if TYPE_CHECKING:
    from .loss import Param

__all__ = [
    "Interval",
    "Breakpoint",
    "IntervalTable",
    "build_table",
    "clean_derivative",
    "tidy",
]


@dataclass(frozen=True)
class Interval:
    """An open interval ``(lo, hi)`` of ``x`` and the loss on it."""

    lo: sp.Expr
    hi: sp.Expr
    piece: int  # index of the source piece that is active on the interval
    expr: sp.Expr  # analytic form: no Abs/sign/Heaviside/Max/Min of x left

    def sample(self, subs: Mapping[sp.Symbol, sp.Expr]) -> sp.Rational:
        """An exact rational strictly inside the interval, for the given parameter values."""
        return _inside(self.lo.xreplace(subs), self.hi.xreplace(subs))


@dataclass(frozen=True)
class Breakpoint:
    """A point where the definition changes: a condition boundary or a kink inside a piece."""

    at: sp.Expr
    owner: int  # index of the source piece whose condition holds at the point
    value: sp.Expr  # that piece's expression at the point (the value a function returns)
    kind: str  # "boundary" (between conditions) or "kink" (inside one piece, e.g. |x| at 0)


@dataclass(frozen=True)
class IntervalTable:
    """Sorted breakpoints, one analytic expression per open interval, and ownership.

    ``pieces`` keeps the definition as written (``(expr, condition)`` pairs, as in the
    ``Piecewise``), for printing; ``intervals`` and ``breakpoints`` are what analyses use.
    ``samples`` are the generic parameter values used to decide orderings and signs.
    """

    pieces: tuple[tuple[sp.Expr, sp.Basic], ...]
    breakpoints: tuple[Breakpoint, ...]
    intervals: tuple[Interval, ...]
    samples: tuple[dict[sp.Symbol, sp.Expr], ...]
    order: int = 0
    #: consecutive breakpoints whose order held at every sample but sympy could not prove
    assumed_order: tuple[tuple[sp.Expr, sp.Expr], ...] = ()

    @property
    def points(self) -> tuple[sp.Expr, ...]:
        return tuple(b.at for b in self.breakpoints)

    def piecewise(self) -> sp.Expr:
        """The definition as a sympy expression (a ``Piecewise`` unless it has one piece)."""
        if len(self.pieces) == 1 and self.pieces[0][1] == sp.true:
            return self.pieces[0][0]
        return sp.Piecewise(*self.pieces, evaluate=False)

    def neighbours(self, k: int) -> tuple[Interval, Interval]:
        """The intervals left and right of breakpoint ``k``."""
        return self.intervals[k], self.intervals[k + 1]

    def value_at(self, point: sp.Expr) -> sp.Expr:
        """The value at ``point`` by the first piece whose condition holds there."""
        for expr, cond in self.pieces:
            holds = cond.xreplace({x: point}) if cond is not sp.true else sp.true
            if holds == sp.true:
                return expr.xreplace({x: point})
            if holds != sp.false:
                raise ValueError(f"cannot decide whether {cond} holds at x = {point}")
        raise ValueError(f"no piece is defined at x = {point}")

    def diff(self, n: int = 1) -> IntervalTable:
        """The table of the n-th derivative, over the same breakpoints."""
        pieces = tuple((tidy(clean_derivative(sp.diff(e, x, n))), c) for e, c in self.pieces)
        intervals = tuple(replace(iv, expr=tidy(sp.diff(iv.expr, x, n))) for iv in self.intervals)
        breakpoints = tuple(
            replace(b, value=pieces[b.owner][0].xreplace({x: b.at})) for b in self.breakpoints
        )
        return replace(
            self, pieces=pieces, breakpoints=breakpoints, intervals=intervals, order=self.order + n
        )


def tidy(e: sp.Expr) -> sp.Expr:
    """The shortest of ``e`` and two cheap rewrites (never ``simplify``: slow, and it turns
    ``sign(x)**2`` into a Piecewise). ``cancel`` treats ``log``/``exp`` terms as generators,
    which collapses the quotient rule's clutter in derivatives of Balanced L1 and the like."""
    cands = [e]
    if e.is_rational_function():
        cands.append(sp.cancel(e))
    else:
        cands.append(sp.factor_terms(sp.cancel(e)))
    cands.append(sp.factor_terms(cands[-1]))
    return min(cands, key=lambda u: (sp.count_ops(u), cands.index(u)))


def clean_derivative(expr: sp.Expr) -> sp.Expr:
    """Drop distributional clutter from a piecewise derivative (``reference/sympy.md`` F2.2).

    ``DiracDelta`` terms are zero wherever the piece applies away from its kinks, and
    ``sign(u)**2`` is 1 there; both would otherwise block code generation and clutter LaTeX.
    """
    expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    expr = expr.replace(
        lambda e: (
            e.is_Pow
            and isinstance(e.base, sp.sign)
            and e.exp.is_integer
            and e.exp.is_even
            and e.exp.is_positive
        ),
        lambda e: sp.S.One,
    )
    return expr


# -- construction -------------------------------------------------------------------------

# Generic factors applied to parameter defaults (or used as values when there is no default):
# distinct, irrational-looking rationals, so no breakpoint coincides with a special number by
# accident; several of them so a decision that depends on the parameters shows up as a
# disagreement instead of a silent wrong answer.
_FACTORS = (sp.Rational(1013, 1000), sp.Rational(977, 1000), sp.Rational(1291, 1000))
_GENERIC = (sp.Rational(137, 100), sp.Rational(59, 100), sp.Rational(231, 100))


def parameter_samples(params: Sequence[Param]) -> tuple[dict[sp.Symbol, sp.Expr], ...]:
    """Deterministic generic parameter values, consistent with each parameter's assumption.

    Defaults are scaled slightly (each parameter by a different factor) rather than replaced,
    so relations between parameters that the defaults satisfy (``a < b < c`` in Hampel's loss)
    keep holding.
    """
    samples = []
    for k, factor in enumerate(_FACTORS):
        sample: dict[sp.Symbol, sp.Expr] = {}
        for i, p in enumerate(params):
            f = factor + sp.Rational(i, 997)
            if p.default is not None and p.default != 0:
                value = p.default * f
            else:
                value = _GENERIC[(k + i) % len(_GENERIC)] * f
                if p.assume in ("negative", "nonpositive"):
                    value = -value
            if not value.is_Rational:  # e.g. a default of pi: a nearby rational will do
                value = sp.Rational(str(sp.N(value, 20)))
            sample[p.symbol] = value
        samples.append(sample)
    return tuple(samples)


def _numeric(value: sp.Expr) -> sp.Expr:
    v = sp.N(value, 30)
    if not (v.is_real or v.is_infinite):
        raise ValueError(f"breakpoint {value} is not real")
    return v


def _inside(lo: sp.Expr, hi: sp.Expr) -> sp.Rational:
    """An exact rational strictly between ``lo`` and ``hi`` (either may be infinite)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Rational(1, 7)
    if lo == -sp.oo:
        h = _rational_below(hi)
        return h - 1 - abs(h)
    if hi == sp.oo:
        lo_r = _rational_above(lo)
        return lo_r + 1 + abs(lo_r)
    a, b = _rational_above(lo), _rational_below(hi)
    if not a < b:  # an extremely narrow interval: fall back to a finer rational
        mid = (_numeric(lo) + _numeric(hi)) / 2
        return sp.nsimplify(mid, rational=True)
    return (a + b) / 2


def _rational_below(v: sp.Expr) -> sp.Rational:
    return v if v.is_Rational else sp.Rational(sp.floor(_numeric(v) * 10**12), 10**12)


def _rational_above(v: sp.Expr) -> sp.Rational:
    return v if v.is_Rational else sp.Rational(sp.ceiling(_numeric(v) * 10**12), 10**12)


def _roots(u: sp.Expr, where: str) -> set[sp.Expr]:
    """Real roots of ``u`` in ``x``; a clear error when sympy cannot list them."""
    u = sp.factor_terms(u)
    if x not in u.free_symbols:
        return set()
    try:
        sol = sp.solveset(u, x, sp.S.Reals)
    except NotImplementedError as exc:
        raise ValueError(f"cannot find where {where} changes: {exc}") from exc
    if isinstance(sol, sp.FiniteSet):
        return set(sol)
    if sol.has(sp.ImageSet) or sol.is_finite_set is False:
        # abs(sin(x)) kinks at every k*pi: an interval table cannot hold them
        raise ValueError(
            f"{where} changes at infinitely many points ({u} = 0 for x in {sol}); "
            "lossmath needs finitely many breakpoints"
        )
    # With parameters solveset may wrap a finite answer in an Intersection/Complement
    # (e.g. x**2 - beta for a merely real beta); solve() gives the candidates.
    try:
        cands = sp.solve(u, x)
    except NotImplementedError:
        cands = None
    if cands is not None and all(c.is_real is not False for c in cands):
        return set(cands)
    raise ValueError(
        f"cannot list the points where {where} changes (sympy returned {sol}); "
        "give the parameters assumptions (e.g. positive) or substitute values"
    )


def _kink_arguments(expr: sp.Basic) -> list[sp.Expr]:
    """Arguments whose sign change is a kink: Abs(u), sign(u), Heaviside(u): u; Max(a,b): a-b."""
    out = []
    for atom in expr.atoms(*NONSMOOTH):
        if x not in atom.free_symbols:
            continue
        if isinstance(atom, (sp.Max, sp.Min)):
            args = atom.args
            out += [a - b for i, a in enumerate(args) for b in args[i + 1 :]]
        else:
            out.append(atom.args[0])
    return out


def _truth(cond: sp.Basic, point: sp.Expr, subs: Mapping[sp.Symbol, sp.Expr]) -> bool:
    value = cond.xreplace({**subs, x: point})
    if value == sp.true:
        return True
    if value == sp.false:
        return False
    value = sp.simplify(value)
    if value in (sp.true, sp.false):
        return bool(value)
    raise ValueError(f"cannot decide the condition {cond} at x = {point}")


def _active(pieces, point, subs) -> int | None:
    for i, (_, cond) in enumerate(pieces):
        if _truth(cond, point, subs):
            return i
    return None


def _agree(values: list, what: str):
    if any(v != values[0] for v in values[1:]):
        raise ValueError(
            f"{what} depends on the parameter values; substitute values or add assumptions"
        )
    return values[0]


def resolve_nonsmooth(expr: sp.Expr, point: sp.Expr, subs: Mapping[sp.Symbol, sp.Expr]):
    """Replace Abs/sign/Heaviside/Max/Min of ``x`` by the branch that holds near ``point``.

    Innermost first, so ``Abs(Abs(x) - 1)`` resolves correctly. Valid on a whole interval
    because every root of their arguments is a breakpoint.
    """
    at = {**subs, x: point}
    while True:
        atoms = [a for a in expr.atoms(*NONSMOOTH) if x in a.free_symbols]
        inner = [a for a in atoms if not (set(a.atoms(*NONSMOOTH)) - {a}) & set(atoms)]
        if not inner:
            return expr
        mapping = {}
        for a in inner:
            if isinstance(a, (sp.Max, sp.Min)):
                vals = [sp.N(arg.xreplace(at), 30) for arg in a.args]
                pick = max if isinstance(a, sp.Max) else min
                mapping[a] = a.args[vals.index(pick(vals))]
                continue
            u = a.args[0]
            s = sp.sign(sp.N(u.xreplace(at), 30))
            if isinstance(a, sp.Abs):
                mapping[a] = u if s >= 0 else -u
            elif isinstance(a, sp.sign):
                mapping[a] = s
            else:  # Heaviside
                mapping[a] = sp.S.One if s > 0 else sp.S.Zero
        expr = expr.xreplace(mapping)


def _identical(a: sp.Expr, b: sp.Expr) -> bool:
    d = a - b
    return d == 0 or sp.cancel(sp.expand(d)) == 0


def _check_defined(iv: Interval, written: sp.Expr, samples) -> None:
    """A piece must be real and finite on its whole open interval.

    Poles are found exactly (roots of the denominator inside the interval); other failures
    (log or sqrt of a negative number, a complex value) on a grid of points at every
    parameter sample, which also catches what sympy cannot solve for.
    """
    where = f"piece {iv.piece + 1} ({written})"
    denominator = sp.denom(sp.together(iv.expr))
    if x in denominator.free_symbols:
        try:
            poles = sp.solveset(denominator, x, sp.S.Reals)
        except NotImplementedError:
            poles = sp.S.EmptySet
        if isinstance(poles, sp.FiniteSet):
            for pole in poles:
                inside = [
                    _numeric(iv.lo.xreplace(s))
                    < _numeric(pole.xreplace(s))
                    < _numeric(iv.hi.xreplace(s))
                    for s in samples
                ]
                if any(inside):
                    raise ValueError(
                        f"{where} divides by zero at x = {pole}, inside ({iv.lo}, {iv.hi})"
                    )
    # mpmath evaluation of our own (already parsed) expression: ~100x faster than sp.N, and
    # it reports log(-1) or sqrt(-1) as a complex number instead of raising.
    symbols = sorted(iv.expr.free_symbols - {x}, key=str)
    fn = sp.lambdify([x, *symbols], iv.expr, modules="mpmath")
    for s in samples:
        lo, hi = iv.lo.xreplace(s), iv.hi.xreplace(s)
        args = [
            mpmath.mpf(sp.Rational(s[k]).p) / s[k].q
            if s[k].is_Rational
            else mpmath.mpf(str(sp.N(s[k], 20)))
            for k in symbols
        ]
        for t in _probe_points(lo, hi):
            try:
                value = mpmath.mpmathify(fn(mpmath.mpf(t.p) / t.q, *args))
            except (ZeroDivisionError, ValueError, OverflowError):
                value = mpmath.nan
            if not (isinstance(value, mpmath.mpf) and mpmath.isfinite(value)):
                raise ValueError(
                    f"{where} is not a finite real number at x = {sp.N(t, 6)} "
                    f"(it is {mpmath.nstr(value, 6)}), inside its interval ({iv.lo}, {iv.hi})"
                )


def _probe_points(lo: sp.Expr, hi: sp.Expr) -> list[sp.Rational]:
    """Points spread over an open interval, dense near its ends, far out on infinite ends."""
    mid = _inside(lo, hi)
    pts = [mid]
    for k in range(1, 8):
        step = sp.Rational(1, 2**k)
        if lo == -sp.oo:
            pts.append(mid - 4**k)
        else:
            a = _rational_above(lo)
            pts.append(a + (mid - a) * step)
        if hi == sp.oo:
            pts.append(mid + 4**k)
        else:
            b = _rational_below(hi)
            pts.append(b - (b - mid) * step)
    return pts


def build_table(expr: sp.Expr, params: Sequence[Param]) -> IntervalTable:
    """Normalise ``expr`` (a Piecewise or a plain expression in ``x``) into an interval table.

    Raises ``ValueError`` naming the problem: a part of the real line no piece covers, a
    breakpoint sympy cannot locate, an order of breakpoints that depends on the parameters.
    """
    if not isinstance(expr, sp.Piecewise) and expr.has(sp.Piecewise):
        # c*Piecewise(...), Piecewise(...) + g: fold into one Piecewise first, or the
        # interval analysis would see a single "piece" with conditions hidden inside it.
        expr = sp.piecewise_fold(expr)
    if isinstance(expr, sp.Piecewise):
        pieces = tuple((e, c) for e, c in expr.args)
    else:
        pieces = ((expr, sp.true),)
    samples = parameter_samples(params)

    # 1. Candidate points: condition boundaries and kinks of the pieces.
    boundary: set[sp.Expr] = set()
    kinks: set[sp.Expr] = set()
    for i, (e, c) in enumerate(pieces):
        for rel in c.atoms(sp.core.relational.Relational):
            boundary |= _roots(rel.lhs - rel.rhs, f"the condition {rel} of piece {i + 1}")
            for u in _kink_arguments(rel):
                boundary |= _roots(u, f"the condition {rel} of piece {i + 1}")
        for u in _kink_arguments(e):
            kinks |= _roots(u, f"{u} in piece {i + 1}")

    # 2. Sort them; drop duplicates (symbolically equal or equal at every sample).
    cands = sorted(boundary | kinks, key=sp.default_sort_key)
    keyed = [(tuple(_numeric(p.xreplace(s)) for s in samples), p) for p in cands]
    keyed.sort(key=lambda kp: kp[0][0])
    points: list[tuple[tuple, sp.Expr]] = []
    for key, p in keyed:
        if points and all(abs(a - b) < 1e-25 * (1 + abs(a)) for a, b in zip(key, points[-1][0])):
            continue
        points.append((key, p))
    pts = [p for _, p in points]

    # 3. The active piece on each open interval, decided at every parameter sample.
    bounds = [-sp.oo, *pts, sp.oo]
    intervals = []
    for lo, hi in zip(bounds, bounds[1:]):
        actives = []
        for s in samples:
            t = _inside(lo.xreplace(s), hi.xreplace(s))
            actives.append(_active(pieces, t, s))
        piece = _agree(actives, f"which piece holds on ({lo}, {hi})")
        if piece is None:
            raise ValueError(f"no piece covers x in ({lo}, {hi}): the pieces leave a gap")
        s0 = samples[0]
        t0 = _inside(lo.xreplace(s0), hi.xreplace(s0))
        analytic = resolve_nonsmooth(pieces[piece][0], t0, s0)
        for s in samples[1:]:
            other = resolve_nonsmooth(pieces[piece][0], _inside(lo.xreplace(s), hi.xreplace(s)), s)
            if not _identical(other, analytic):
                raise ValueError(
                    f"the form of piece {piece + 1} on ({lo}, {hi}) depends on the parameters"
                )
        intervals.append(Interval(lo, hi, piece, analytic))

    # 4. Ownership; merge away candidate points where nothing changes.
    breakpoints: list[Breakpoint] = []
    merged = [intervals[0]]
    for k, p in enumerate(pts):
        owner = _agree(
            [_active(pieces, p.xreplace(s), s) for s in samples], f"which piece owns x = {p}"
        )
        if owner is None:
            raise ValueError(f"no piece covers x = {p}: the pieces leave a gap")
        left, right = merged[-1], intervals[k + 1]
        if owner == left.piece == right.piece and _identical(left.expr, right.expr):
            merged[-1] = replace(left, hi=right.hi)
            continue
        kind = "kink" if left.piece == right.piece == owner else "boundary"
        breakpoints.append(Breakpoint(p, owner, pieces[owner][0].xreplace({x: p}), kind))
        merged.append(right)
    for iv in merged:
        _check_defined(iv, pieces[iv.piece][0], samples)
    assumed = []
    for a, b in zip(breakpoints, breakpoints[1:]):
        if not all(_numeric((b.at - a.at).xreplace(s)) > 0 for s in samples):
            raise ValueError(
                f"the order of the breakpoints {a.at} and {b.at} depends on the parameters; "
                "substitute values or add assumptions"
            )
        if (b.at - a.at).is_positive is not True:
            assumed.append((a.at, b.at))
    return IntervalTable(
        pieces, tuple(breakpoints), tuple(merged), samples, assumed_order=tuple(assumed)
    )
