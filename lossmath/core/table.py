"""The interval table: the normal form every analysis and emitter reads.

A ``Piecewise`` is normalised once into sorted breakpoints ``b_1 < ... < b_n`` (symbolic ones
too: ``-beta < beta`` given ``beta > 0``), one *analytic* expression per open interval
``(b_i, b_{i+1})`` (``Abs``, ``sign``, ``Heaviside``, ``Max`` and ``Min`` resolved to the branch
that holds there), and, for each breakpoint, the piece that owns it and its value there.

Why not use sympy's own machinery: ``as_expr_set_pairs``/``as_set`` raise as soon as a
parameter appears in a condition (https://github.com/sympy/sympy/issues/16715 and
https://github.com/sympy/sympy/issues/27836), ``limit`` on a whole Piecewise returns silently
wrong one-sided limits (https://github.com/sympy/sympy/issues/23836), and
``simplify``/``piecewise_fold`` produce conditions nobody can read. Here breakpoints come from
``solveset`` on each relational and on the argument of each non-smooth function, and everything
that depends on *where* ``x`` is gets decided by evaluating at a sample point with exact
rationals, for several generic parameter samples that must all agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sympy as sp

from lossmath.base.errors import Undecided
from lossmath.base.symbols import NONSMOOTH, x
from lossmath.exact.domain import check_defined
from lossmath.exact.roots import InfiniteRoots, real_roots
from lossmath.exact.sampling import inside, numeric, parameter_samples
from lossmath.exact.singular import singular_arguments

if TYPE_CHECKING:
    from lossmath.core.loss import Param

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
        return inside(self.lo.xreplace(subs), self.hi.xreplace(subs))


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
    #: what construction decided only at the parameter samples (e.g. a domain condition)
    notes: tuple[str, ...] = ()

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
    """Drop distributional clutter from a piecewise derivative.

    sympy differentiates a Piecewise piece by piece, and distributions leak in: the second
    derivative of ``Piecewise((x**2/2, Abs(x) < 1), (Abs(x) - 1/2, True))`` is
    ``Piecewise((1, Abs(x) < 1), (2*DiracDelta(x), True))`` (sympy 1.14).

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

def _roots(u: sp.Expr, where: str, samples) -> set[sp.Expr]:
    """Real roots of ``u`` in ``x``, complete, or a clear error naming ``where``.

    With symbolic parameters the candidates are a superset (``b*|x| + 1`` gives ``±1/b``
    for a merely real ``b``); those that are not roots at any parameter sample are dropped.
    """
    try:
        cands = real_roots(u)
    except InfiniteRoots as exc:
        # abs(sin(x)) kinks at every k*pi: an interval table cannot hold them
        raise ValueError(
            f"{where} changes at infinitely many points ({exc}); "
            "lossmath needs finitely many breakpoints"
        ) from None
    except Undecided as exc:
        raise Undecided(f"cannot locate the points where {where} changes: {exc}") from None
    out = set()
    for c in cands:
        if not (u.free_symbols - {x}):
            out.add(c)
            continue
        values = [sp.N(u.xreplace({x: c}).xreplace(s), 30) for s in samples]
        if all(v.is_number and abs(v) > 1e-20 for v in values):
            continue  # not a root for these parameter values
        out.add(c)
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


def _same_point(a: sp.Expr, b: sp.Expr, ka: tuple, kb: tuple) -> bool:
    """Are two candidate breakpoints the same point? Decided with relative scales (so
    ``-1e-30`` and ``1e-30`` stay apart) and, when they agree to 20 digits at every sample,
    by an exact zero test of their difference."""
    if any(abs(u - v) > sp.Float("1e-20", 30) * max(abs(u), abs(v)) for u, v in zip(ka, kb)):
        return False
    d = sp.cancel(sp.expand(a - b))
    if d == 0 or d.is_zero:
        return True
    if d.is_zero is False:
        return False
    d = sp.simplify(d)
    if d == 0:
        return True
    raise Undecided(f"cannot decide whether the breakpoints {a} and {b} coincide")


def _singular_at(expr: sp.Expr, point: sp.Expr, samples) -> bool:
    """Whether ``point`` is a root of one of ``expr``'s singular arguments (where it may not
    be analytic). Errs on the side of True: an extra breakpoint is analysed, not lost."""
    for u in singular_arguments(expr):
        v = u.xreplace({x: point})
        if v == 0 or v.is_zero:
            return True
        if v.is_zero is False:
            continue
        if all(abs(sp.N(v.xreplace(s), 30)) < 1e-25 for s in samples):
            return True
    return False


def build_table(expr: sp.Expr, params: Sequence[Param],
                unknowns: Sequence[str] = ()) -> IntervalTable:
    """Normalise ``expr`` (a Piecewise or a plain expression in ``x``) into an interval table.

    Raises ``ValueError`` naming the problem: a part of the real line no piece covers, a
    breakpoint sympy cannot locate, an order of breakpoints that depends on the parameters,
    a piece that is undefined somewhere on its interval (:mod:`lossmath.exact.domain`).
    Raises :class:`~lossmath.base.errors.Undecided` when a condition's boundary cannot be listed.
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

    # 1. Candidate points: condition boundaries, and every point where a piece may not be
    #    analytic (kinks however written, poles, roots under fractional powers).
    boundary: set[sp.Expr] = set()
    kinks: set[sp.Expr] = set()
    for i, (e, c) in enumerate(pieces):
        for rel in c.atoms(sp.core.relational.Relational):
            where = f"the condition {rel} of piece {i + 1}"
            boundary |= _roots(rel.lhs - rel.rhs, where, samples)
            for u in singular_arguments(rel.lhs - rel.rhs):
                boundary |= _roots(u, where, samples)
        for u in singular_arguments(e):
            kinks |= _roots(u, f"{u} in piece {i + 1}", samples)

    # 2. Sort them; drop duplicates (symbolically equal points).
    cands = sorted(boundary | kinks, key=sp.default_sort_key)
    keyed = []
    for p in cands:
        key = tuple(sp.N(p.xreplace(s), 30) for s in samples)
        real = [bool(k.is_real) for k in key]
        if not any(real):
            continue  # a complex root of a condition or of a singular argument
        if not all(real):
            raise ValueError(f"whether the breakpoint {p} is real depends on the parameters")
        keyed.append((key, p))
    keyed.sort(key=lambda kp: kp[0][0])
    points: list[tuple[tuple, sp.Expr]] = []
    for key, p in keyed:
        if points and _same_point(p, points[-1][1], key, points[-1][0]):
            continue
        points.append((key, p))
    pts = [p for _, p in points]

    # 3. The active piece on each open interval, decided at every parameter sample.
    bounds = [-sp.oo, *pts, sp.oo]
    intervals = []
    for lo, hi in zip(bounds, bounds[1:]):
        actives = []
        for s in samples:
            t = inside(lo.xreplace(s), hi.xreplace(s))
            actives.append(_active(pieces, t, s))
        piece = _agree(actives, f"which piece holds on ({lo}, {hi})")
        if piece is None:
            raise ValueError(f"no piece covers x in ({lo}, {hi}): the pieces leave a gap")
        s0 = samples[0]
        t0 = inside(lo.xreplace(s0), hi.xreplace(s0))
        analytic = resolve_nonsmooth(pieces[piece][0], t0, s0)
        for s in samples[1:]:
            other = resolve_nonsmooth(pieces[piece][0], inside(lo.xreplace(s), hi.xreplace(s)), s)
            if not _identical(other, analytic):
                raise ValueError(
                    f"the form of piece {piece + 1} on ({lo}, {hi}) depends on the parameters"
                )
        intervals.append(Interval(lo, hi, piece, analytic))

    # 4. Ownership; merge away candidate points where nothing changes (the same piece, the
    #    same expression, and analytic there).
    breakpoints: list[Breakpoint] = []
    merged = [intervals[0]]
    for k, p in enumerate(pts):
        owner = _agree(
            [_active(pieces, p.xreplace(s), s) for s in samples], f"which piece owns x = {p}"
        )
        if owner is None:
            raise ValueError(f"no piece covers x = {p}: the pieces leave a gap")
        left, right = merged[-1], intervals[k + 1]
        if (
            owner == left.piece == right.piece
            and _identical(left.expr, right.expr)
            and not _singular_at(left.expr, p, samples)
        ):
            merged[-1] = replace(left, hi=right.hi)
            continue
        kind = "kink" if left.piece == right.piece == owner else "boundary"
        breakpoints.append(Breakpoint(p, owner, pieces[owner][0].xreplace({x: p}), kind))
        merged.append(right)

    # 5. Every piece is finite and real on its interval and at the points it owns.
    notes: list[str] = []
    for iv in merged:
        notes += check_defined(
            iv.expr, iv.lo, iv.hi, samples, f"piece {iv.piece + 1} ({pieces[iv.piece][0]})",
            frozenset(p.symbol for p in params if p.name in unknowns),
        )
    for bp in breakpoints:
        for s in samples:
            v = sp.N(bp.value.xreplace(s), 30)
            if not (v.is_real and v.is_finite):
                raise ValueError(
                    f"piece {bp.owner + 1} ({pieces[bp.owner][0]}) owns x = {bp.at} but is "
                    f"undefined there (its value is {bp.value})"
                )
    assumed = []
    for a, b in zip(breakpoints, breakpoints[1:]):
        if not all(numeric((b.at - a.at).xreplace(s)) > 0 for s in samples):
            raise ValueError(
                f"the order of the breakpoints {a.at} and {b.at} depends on the parameters; "
                "substitute values or add assumptions"
            )
        if (b.at - a.at).is_positive is not True:
            assumed.append((a.at, b.at))
    return IntervalTable(
        pieces,
        tuple(breakpoints),
        tuple(merged),
        samples,
        assumed_order=tuple(assumed),
        notes=tuple(dict.fromkeys(notes)),
    )
