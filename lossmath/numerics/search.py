"""The measured search: per piece, the most accurate form found, proved equal to the piece.

Herbie's loop (Panchekha et al., "Automatically improving accuracy for floating point
expressions", PLDI 2015), kept inside lossmath's rule that nothing unproved is emitted:

1. the plan the rewrite rules give is measured (:mod:`lossmath.numerics.measure`, float64
   and float32, on a fixed sample of the piece's intervals at the parameters' defaults);
   within the bound and without a spurious inf/nan it is kept as it is;
2. otherwise candidates are generated where the form fails: every identity of
   :mod:`lossmath.numerics.candidates` at every node, each result also passed through the
   rewrite rules (so ``log(cosh(x))`` found by combining logarithms becomes ``logcosh``),
   for :data:`ROUNDS` rounds from the best few (the seeds: the plan, the piece as written and
   the piece rewritten);
3. candidates are ranked by their measured :class:`~lossmath.numerics.measure.Score`, then
   by their operation count; the best that sympy proves equal to the piece is kept;
4. where no single candidate is within the bound, two that fail on opposite sides of some
   magnitude (one only near 0, the other only far out) are used as two regimes split at a
   power of 2 found by the measurement (:func:`_split_regimes`; where no pair is so, the
   points where both fail are set aside), each regime proved;
5. if the error is still concentrated near ``x = 0``, a Taylor polynomial is tried there
   (:mod:`lossmath.numerics.series`: its remainder bounded by interval arithmetic), as a
   regime below a threshold measured from a ladder of powers of 2.

Bounded by work, not time: at most :data:`BUDGET` candidates measured, :data:`MAX_SPLITS`
split plans and :data:`PROOFS` proofs attempted per piece; the samples are fixed, so the
same piece gives the same plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from lossmath.base.symbols import x
from lossmath.numerics.balance import balanced, normalised
from lossmath.numerics.balance import exact as exact_ops
from lossmath.numerics.candidates import alternatives
from lossmath.numerics.crossings import points
from lossmath.numerics.measure import (
    AS_WRITTEN,
    DTYPES,
    Evaluator,
    Score,
    Unmeasurable,
    errors,
    sample,
    score,
    truth,
)
from lossmath.numerics.regimes import DtypeBound, Plan, Regime, single

__all__ = ["BUDGET", "TARGETS", "Domain", "Found", "failures", "search"]

#: candidates measured per piece and order; rounds of rewriting from the best few; proofs
BUDGET, ROUNDS, KEEP, PROOFS = 60, 3, 3, 6

#: the error bound the search aims at per order (value, gradient, Hessian), in ulps of each
#: dtype: half of what the ulp harness allows (4, 4, 8), the printers' own rounding and
#: operation order take some of the rest
TARGETS = (2.0, 2.0, 4.0)


@dataclass(frozen=True)
class Domain:
    """Where a piece is used: its intervals as ``(lo, hi)`` floats (``+-inf`` for an open
    end) and values of its parameters to measure at; ``evaluator``: how a plan is computed in
    a dtype (the code generators give the one that runs their lowering)."""

    intervals: tuple[tuple[float, float], ...]
    params: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    evaluator: Evaluator = field(default=AS_WRITTEN, compare=False)


@dataclass(frozen=True)
class Found:
    """The search's result for one piece and order: the plan, its measured score and that of
    the plan it started from, and whether it differs from that start."""

    plan: Plan
    score: Score | None
    start: Score | None
    searched: bool
    series: str | None = None
    target: float = TARGETS[0]
    parametric: bool = False

    def note(self) -> str | None:
        """What a reader of the generated code should know: a series regime and its proof,
        and the measured error where no form within the bound was found."""
        s = self.score
        parts = [self.series] if self.series else []
        # with parameters the sample is at their defaults only, and the error of a form that
        # cancels at a parameter-dependent root is not told from its conditioning there: only
        # spurious inf/nan are stated
        if s is not None and not s.good() and (not self.parametric or s.spurious):
            parts.append(
                f"no form within {self.target:g} ulp was found; measured worst {s.worst:.3g} ulp "
                f"with {s.spurious} spurious inf/nan on the numerics stage's sample"
            )
        return "; ".join(parts) or None


class _Bench:
    """The fixed sample and truths of one piece."""

    def __init__(self, piece: sp.Expr, domain: Domain, target: float = TARGETS[0]):
        self.target = target
        self.params = dict(domain.params)
        self.intervals = domain.intervals
        self.evaluator = domain.evaluator
        self.piece = piece.xreplace(self.params)
        self.data = []
        self._near: dict[tuple[object, int], list] = {}
        self._truths: dict[tuple[object, float], object] = {}
        for dt in DTYPES:
            xs = np.unique(np.concatenate([sample(lo, hi, dt) for lo, hi in domain.intervals]))
            self.data.append((dt, xs, truth(self.piece, xs)))

    def extended(self, exprs: Sequence[sp.Expr]):
        """Per dtype the sample and truths with the points where an exponential or a power
        of ``exprs`` overflows or underflows (:func:`lossmath.numerics.crossings.points`) on
        the piece's intervals: a form that fails between the fixed sample's points from such
        an overflow is measured there."""
        concrete = [self.concrete(e) for e in exprs]
        for dt, xs, exact in self.data:
            extra = points(concrete, dt)
            keep = np.zeros(len(extra), dtype=bool)
            for lo, hi in self.intervals:
                keep |= ((extra > lo) & (extra < hi)) | (extra == dt(lo)) | (extra == dt(hi))
            extra = np.setdiff1d(extra[keep], xs)
            if not len(extra):
                yield dt, xs, exact
                continue
            new = [v for v in extra.tolist() if (dt, v) not in self._truths]
            if new:
                self._truths.update(
                    zip([(dt, v) for v in new], truth(self.piece, np.array(new, dtype=dt))))
            yield (dt, np.concatenate([xs, extra]),
                   [*exact, *(self._truths[(dt, v)] for v in extra.tolist())])

    def near(self, dt, xs: np.ndarray, i: int) -> list:
        """The exact values of the piece at the float neighbours of ``xs[i]`` (computed
        once, when a form's error there first exceeds the bound)."""
        key = (dt, float(xs[i]))
        if key not in self._near:
            with np.errstate(all="ignore"):
                nbs = [np.nextafter(xs[i], dt(s)) for s in (-np.inf, np.inf)]
            # beyond an end of its interval the piece's formula is the exact value at the
            # breakpoint the input rounds (continued analytically; nan where undefined)
            nbs = [v for v in nbs if np.isfinite(v)]
            self._near[key] = truth(self.piece, np.array(nbs, dtype=dt)) if nbs else []
        return self._near[key]

    def concrete(self, e: sp.Expr) -> sp.Expr:
        return e.xreplace(self.params)

    def plan_score(self, plan: Plan) -> Score:
        return self.plan_failures(plan)[0]

    def plan_failures(self, plan: Plan) -> tuple[Score, np.ndarray]:
        """The score of ``plan`` and the magnitudes ``|x|`` of the sample points where it is
        beyond the bound or spuriously inf/nan (both dtypes)."""
        per, base = {}, {}
        failing = []
        for (dt, xs, exact), (_, fixed, _) in zip(self.extended([r.expr for r in plan]),
                                                  self.data):
            got = np.empty_like(xs)
            lo = 0.0
            ax = np.abs(xs)
            # float32 as the targets compute it: in float64 and rounded once where they widen
            work = np.float64 if self.evaluator.wide([r.expr for r in plan]) else dt
            for r in plan:
                hi = np.inf if r.upto is None else _bound(r.upto, self.params, dt)
                mask = (ax >= lo) & (ax < hi) if r.upto is not None else ax >= lo
                if mask.any():
                    with np.errstate(all="ignore"):
                        got[mask] = self.evaluator(
                            r.expr, xs[mask].astype(work), self.params).astype(dt)
                lo = hi
            per[dt] = errors(
                got, exact, dt, self.target, lambda i, dt=dt, xs=xs: self.near(dt, xs, i)
            )
            failing.append(np.abs(xs[~(per[dt][0] <= self.target)]).astype(np.float64))
            base[dt] = (per[dt][0][:len(fixed)], 0)
        # the mean error on the fixed sample only: each form has crossings of its own, and
        # forms alike but for where their powers overflow are ranked on the same points
        return (dataclasses.replace(score(per, self.target), bits=score(base, self.target).bits),
                np.concatenate(failing))

    def fails_near_zero(self, plan: Plan, near: float = 1e-2) -> bool:
        """Whether ``plan`` is beyond the bound somewhere in ``0 < |x| < near``."""
        for dt, xs, exact in self.data:
            keep = (np.abs(xs) < near) & (xs != 0)
            if keep.any():
                sub = _Bench.__new__(_Bench)
                sub.params, sub.piece = self.params, self.piece
                sub._near, sub._truths = self._near, self._truths
                # the crossings measured with it are those in 0 < |x| < near too
                eps = float(np.finfo(np.float64).smallest_subnormal)
                sub.intervals = tuple(
                    (max(lo, a), min(hi, b)) for lo, hi in self.intervals
                    for a, b in ((-near, -eps), (eps, near)) if lo < b and hi > a)
                sub.target, sub.evaluator = self.target, self.evaluator
                sub.data = [(dt, xs[keep], [e for e, k in zip(exact, keep) if k])]
                if not sub.plan_score(plan).good():
                    return True
        return False

    def expr_score(self, e: sp.Expr) -> Score:
        return self.plan_score(single(e))


def _bound(b, params: Mapping, dt) -> float:
    if isinstance(b, DtypeBound):
        return b.value(dt)
    return float(sp.N(sp.sympify(b).xreplace(params), 30))


def _cost(e: sp.Expr) -> int:
    return int(sp.count_ops(e))


def _plan_cost(plan: Plan) -> int:
    return sum(_cost(r.expr) for r in plan)


def _plan_key(plan: Plan):
    return tuple(sp.default_sort_key(r.expr) for r in plan)


def _overflow_regimes(e: sp.Expr) -> list[Plan]:
    """The rewrite stage's regimes for large |x| (a rational function divided by its top
    power, a quadratic as a product), each proved equal to ``e`` where it is made."""
    from lossmath.numerics.rewrite import (
        _abs_rational_regimes,
        _quadratic_regimes,
        _rational_regimes,
    )

    out = []
    for make in (_rational_regimes, _abs_rational_regimes, _quadratic_regimes):
        plan = make(e)
        if plan is not None:
            out.append(plan)
    return out


#: the thresholds a split may use: powers of 2 that are normal floats in float32 and float64
SPLITS = tuple(sp.Integer(2) ** k for k in range(-126, 128))
#: split plans measured per piece (the pairs of candidates fewest operations first)
MAX_SPLITS = 6


def _split_regimes(pool: Mapping[sp.Expr, Score], fails: Mapping[sp.Expr, np.ndarray]):
    """Plans of two regimes by ``|x|`` from two measured candidates, where one fails only
    below some magnitude and the other only above it (``softplus(x) - log(2)`` cancels near
    0, ``logcosh(x/2) + x/2`` at -1e300): ``low`` below a power of 2 ``t`` with every
    failure of ``high`` under ``t`` and every failure of ``low`` at or above it. Where no
    pair splits so, the sample points where both fail are set aside (a 0/0 of both near 0:
    log-cosh's rho'' in z, ``-sinhmx(2r)/(4 r**3 cosh(r)**2)``, holds from z = 1e-205 to
    1.2e5 and the closed form from z = 4 on; what neither holds is left to a series
    regime). The threshold is found by the measurement; each regime is proved equal to the
    piece before the plan is used, as every candidate is."""
    def key(c):
        return (_cost(c), sp.default_sort_key(c))

    cands = sorted((c for c in pool if len(fails[c])), key=key)
    for shared in (False, True):
        out = _pairs(cands, fails, shared)
        if out:
            break
    return out[:MAX_SPLITS]


def _pairs(cands, fails, shared: bool) -> list[Plan]:
    out: list[Plan] = []
    for high in cands:
        for low in cands:
            if low == high or len(out) >= MAX_SPLITS:
                continue
            own_high, own_low = fails[high], fails[low]
            if shared:
                both = np.intersect1d(own_high, own_low)
                own_high, own_low = np.setdiff1d(own_high, both), np.setdiff1d(own_low, both)
                if not len(own_high) or not len(own_low):
                    continue  # one holds wherever the other does: no split beats it
            # high must be used only above its failures, low only below them
            top, bottom = float(np.max(own_high)), float(np.min(own_low))
            fit = [t for t in SPLITS if top < float(t) <= bottom]
            if fit:
                # the middle power of 2 (in the exponent): both forms' errors grow gradually
                # towards their failures (softplus(x) - log(2) is 8.8 ulp at 0.23 where the
                # sample saw it fail only below 0.1), so neither is used up to its edge
                out.append((Regime(fit[(len(fit) - 1) // 2], low), Regime(None, high)))
    return out


def _put(e: sp.Expr, node: sp.Expr, alt: sp.Expr) -> sp.Expr:
    """``e`` with ``node`` replaced by ``alt``, the parents rebuilt unevaluated: an evaluated
    sum or product would distribute ``(x*exp(-x**2/2))**2`` back into ``x**2*exp(-x**2)``,
    whose ``x**2`` overflows where the square of the product does not."""
    if e == node:
        return alt
    if not e.args:
        return e
    args = [_put(a, node, alt) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return e.func(*args, evaluate=False)


def _variants(e: sp.Expr) -> list[sp.Expr]:
    """One identity applied at one node of ``e``, in every way, each also rewritten."""
    from lossmath.numerics.rewrite import rewrite

    out = []
    nodes = [n for n in sp.preorder_traversal(e) if x in n.free_symbols and n.args]
    for node in dict.fromkeys(nodes):
        for alt in [*alternatives(node), *balanced(node), *normalised(node)]:
            c = e.xreplace({node: alt})
            out.append(c)
            if not c.has(alt):  # the parents' rebuild may have undone an unevaluated product
                out.append(_put(e, node, alt))
            r = rewrite(c, factor=False)
            if r != c:
                out.append(r)
    return out


def search(piece: sp.Expr, start: Plan, domain: Domain, target: float = TARGETS[0]) -> Found:
    """The plan of ``piece`` (one order of one piece of a table) to emit, given the plan
    the rewrite rules made (``start``), where the piece is used and the bound in ulps."""
    from lossmath.numerics.rewrite import proved_equal
    from lossmath.numerics.series import series_regimes

    if not domain.intervals:  # a piece used on no interval (a parameter at its limit)
        return Found(start, None, None, False, target=target)
    bench = _Bench(piece, domain, target)
    try:
        base = bench.plan_score(start)
    except Unmeasurable:
        return Found(start, None, None, False, target=target)
    if base.good():
        return Found(start, base, base, False, target=target)
    pool: dict[sp.Expr, Score] = {}
    fails: dict[sp.Expr, np.ndarray] = {}
    plans: dict[Plan, Score] = {}

    def consider(c: sp.Expr) -> None:
        if c in pool or len(pool) >= BUDGET:
            return
        try:
            pool[c], fails[c] = bench.plan_failures(single(c))
        except Unmeasurable:
            return
        plans[single(c)] = pool[c]
        if not pool[c].good():
            for plan in _overflow_regimes(c):
                try:
                    plans[plan] = bench.plan_score(plan)
                except Unmeasurable:
                    pass

    from lossmath.numerics.rewrite import rewrite

    seeds = [r.expr for r in start] if len(start) == 1 else []
    seeds += [piece, rewrite(piece, factor=False)]
    for s in seeds:
        consider(s)
    frontier = list(dict.fromkeys(seeds))
    for _ in range(ROUNDS):
        fresh = []
        for c in frontier:
            for v in _variants(c):
                if v not in pool:
                    consider(v)
                    if v in pool:
                        fresh.append(v)
        if not fresh:
            break
        frontier = sorted(fresh, key=lambda c: (pool[c], _cost(c), sp.default_sort_key(c)))[
            :KEEP
        ]
        if min(plans.values()).good():
            break
    if not min(plans.values()).good():
        for plan in _split_regimes(pool, fails):
            try:
                plans[plan] = bench.plan_score(plan)
            except Unmeasurable:
                continue
    ranked = sorted(plans, key=lambda p: (plans[p], _plan_cost(p), _plan_key(p)))
    best_plan, best = start, base
    tried = 0
    for plan in ranked:
        # only a plan that fails less is worth changing the written form for: one that fails
        # alike with fewer bits on average (an expanded numerator beside a factored one that
        # is exact at its roots) is a measurement's noise, not an improvement
        if not plans[plan].failure() < best.failure() or tried >= PROOFS:
            break
        tried += 1
        if all(r.expr == piece or proved_equal(exact_ops(r.expr), piece) for r in plan):
            best_plan, best = plan, plans[plan]
            break
    if not best.good() and bench.fails_near_zero(best_plan):
        regimes = series_regimes(piece, best_plan, bench)
        if regimes is not None:
            plan, s = regimes
            if s.failure() < best.failure():
                best_plan, best = plan, s
                series = (
                    f"below |x| = {plan[0].upto} a Taylor polynomial of degree "
                    f"{sp.degree(plan[0].expr.xreplace({sp.Abs(x): x}), x)}, its truncation "
                    "proved below 2**-56 relative "
                    "by interval arithmetic"
                )
                return Found(best_plan, best, base, True, series, target)
    return Found(best_plan, best, base, best_plan != start, target=target)


def _parametric(found: Found, piece: sp.Expr) -> Found:
    return dataclasses.replace(found, parametric=piece.free_symbols != {x})


def plan_orders(
    pieces: Sequence[sp.Expr], plans: Sequence[Plan], domain: Domain | None
) -> tuple[Found, ...]:
    """:func:`search` for each order of one piece (none without a domain)."""
    if domain is None:
        return tuple(Found(p, None, None, False) for p in plans)
    return tuple(
        _parametric(search(e, p, domain, t), e) for e, p, t in zip(pieces, plans, TARGETS)
    )


def failures(piece: sp.Expr, plan: Plan, domain: Domain, target: float) -> np.ndarray:
    """The magnitudes ``|x|`` of the search's sample points (float64 and float32) where
    ``plan`` of ``piece`` is beyond ``target`` ulp or spuriously inf/nan (empty where it
    holds everywhere or cannot be measured)."""
    bench = _Bench(piece, domain, target)
    try:
        return bench.plan_failures(plan)[1]
    except Unmeasurable:
        return np.zeros(0)
