"""Branch-free forms recognised in an interval table, each proved equal to it by sympy.

An emitter reads a loss through its :class:`~lossmath.core.table.IntervalTable` and asks
:func:`recognise` how to evaluate it. The answer is one of

* :class:`Steps` -- piecewise constant (a Hessian of Huber-type losses): a ladder of
  comparisons, no arithmetic at all;
* :class:`Clip` -- constant, linear, constant with continuous joins:
  ``clip(a*(x - x0), lo, hi)`` (smooth L1's and Huber's gradients);
* :class:`HuberLike` -- the value whose derivative is a :class:`Clip` and whose middle is
  quadratic: ``g*((x - x0) - g/(2a)) + f0`` with ``g`` that clip, one pass per operation and
  no comparison at all;
* :class:`Single` -- one expression valid on the whole line (``|x|``, ``sign(x)``, ``x**2``);
* :class:`Masked` -- the generic path: every interval evaluated only on its own elements.

Nothing is recognised by name. A fast form is returned only when sympy *proves* (a symbolic
zero test, never a numeric one) that it equals the table on every open interval and at every
breakpoint (the owner-piece value), and that IEEE arithmetic at ``x = +-inf`` gives the
function's limit; otherwise the table falls through to :class:`Masked`, which is correct for
any table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.functions.elementary.miscellaneous import MinMaxBase

from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.loss import LossError
from lossmath.core.table import IntervalTable
from lossmath.exact.zeros import is_zero, one_sided
from lossmath.numerics.primitives import Primitive, elementary

__all__ = [
    "Clip",
    "UnsupportedExpression",
    "Form",
    "HuberLike",
    "Masked",
    "Run",
    "Single",
    "Steps",
    "at_infinity",
    "ownership",
    "proved_zero",
    "recognise",
]


def proved_zero(expr: sp.Expr, samples=()) -> bool:
    """True only when sympy proves ``expr == 0`` (a numeric agreement is not a proof)."""
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return False
    test = is_zero(expr, samples)
    return test.value is True and test.method == "symbolic"


def _at(expr: sp.Expr, point: sp.Expr) -> sp.Expr | None:
    """``expr`` at ``x = point`` when that is a finite number-like expression, else None."""
    value = expr.xreplace({x: point})
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.AccumBounds):
        return None
    return value


# -- ownership of breakpoints -------------------------------------------------------------


def ownership(table: IntervalTable) -> tuple[str, ...]:
    """For each breakpoint: ``"left"``, ``"right"`` or ``"point"``.

    ``"left"`` (``"right"``) means the left (right) interval's expression, evaluated at the
    breakpoint, is provably the owner-piece value, so the point can join that interval;
    the side whose piece is the owner is preferred. ``"point"`` means neither side gives
    the owner's value (``l1'`` at 0 is ``sign(0) = 0``, between ``-1`` and ``1``): the point
    gets its own constant.
    """
    sides = []
    for k, bp in enumerate(table.breakpoints):
        left, right = table.neighbours(k)
        candidates = []
        for name, iv in (("left", left), ("right", right)):
            value = _at(iv.expr, bp.at)
            if value is not None and proved_zero(value - bp.value, table.samples):
                candidates.append((iv.piece != bp.owner, name))
        sides.append(min(candidates)[1] if candidates else "point")
    return tuple(sides)


# -- behaviour at +-inf ---------------------------------------------------------------------

#: Functions whose numpy value at +-inf (and at inf-valued arguments) is the IEEE limit that
#: sympy's extended-real arithmetic also gives. sin/cos/tan are not here: numpy returns NaN
#: (with a warning) where sympy returns AccumBounds.
_INF_SAFE = (
    sp.exp,
    sp.log,
    sp.Abs,
    sp.sign,
    sp.tanh,
    sp.atan,
    sp.asinh,
    sp.sinh,
    sp.cosh,
    sp.Heaviside,
    log1p,
    expm1,
    MinMaxBase,
    sp.sech,
    Primitive,  # their kernels return the limit at +-inf (lossmath.numerics.primitives)
)


class UnsupportedExpression(LossError):
    """What a printer cannot emit (an expression node, a limit it cannot prove); the message
    names it."""


#: Generic values of a parameter by its sign assumption, for cross-checking a limit taken
#: with symbolic parameters (:func:`lossmath.exact.zeros.one_sided` takes it again at each).
_SAMPLES = {
    "positive": (sp.Rational(1, 3), sp.Rational(7, 5), sp.Rational(9, 2)),
    "negative": (-sp.Rational(1, 3), -sp.Rational(7, 5), -sp.Rational(9, 2)),
    "real": (-sp.Rational(5, 2), sp.Rational(1, 3), sp.Rational(7, 2)),
}


def _samples(symbols: set[sp.Symbol]) -> tuple[dict[sp.Symbol, sp.Expr], ...]:
    order = sorted(symbols, key=str)
    kinds = ["positive" if s.is_positive else "negative" if s.is_negative else "real"
             for s in order]
    return tuple({s: _SAMPLES[k][(i + j) % 3] for j, (s, k) in enumerate(zip(order, kinds))}
                 for i in range(3))


@lru_cache(maxsize=4096)  # sympy's limit takes ~0.1 s; every printer and docstring asks
def limit_at(expr: sp.Expr, point: sp.Expr) -> sp.Expr:
    """The limit of ``expr`` as ``x -> point`` (+-oo), or ``nan`` when it has none.

    Taken by :func:`lossmath.exact.zeros.one_sided`, the analysis's limit: with symbolic parameters
    it is cross-checked at parameter samples, and a limit that hinges on the sign of a
    parameter-dependent exponent is refused (sympy 1.14 gives ``-oo*sign(Abs(alpha - 2))``
    for Barron's gradient at -oo, true only for alpha > 1). What cannot be proved is
    :class:`UnsupportedExpression`: generated code never returns a guessed limit at +-inf.
    """
    if x not in expr.free_symbols:
        return expr
    params = expr.free_symbols - {x}
    # the limit of the definition: sympy cannot take limits through codegen's hypot (its
    # rewrite to Pow has the wrong signature in sympy 1.14), so the stable forms are expanded
    expr = elementary(expr)
    try:
        try:
            lim = one_sided(expr, point, "", _samples(params))
        except Undecided:
            if not expr.has(*_HYPERBOLIC):
                raise
            lim = _grouped_limit(expr, point, params)
    except Undecided as exc:
        raise UnsupportedExpression(
            f"cannot emit the limit at x = {point}: {exc}; fix the parameters it depends on "
            "(Loss.subs) to generate code"
        ) from None
    if lim.has(sp.AccumBounds, sp.zoo, sp.nan, sp.I) or lim.free_symbols & {x}:
        return sp.nan
    return lim


def _grouped_limit(expr: sp.Expr, point: sp.Expr, params) -> sp.Expr:
    """The limit at +-oo of a sum whose hyperbolic terms defeat sympy's limit: the sum of the
    limits of each hyperbolic term (:func:`_hyperbolic_limit`) and of the other terms
    together, where that sum is defined (not oo - oo); otherwise the whole sum as one.
    ``tanh(100*x)**2/2 + exp(x/1000)/2 - x/2000``: the hyperbolic part tends to 1/2 and the
    rest to oo, each in a fraction of a second, where the whole as one rational function of
    exp(x/1000) has degree 2*10**5."""
    terms = sp.Add.make_args(expr)
    hyperbolic = [t for t in terms if t.has(*_HYPERBOLIC)]
    rest = expr - sp.Add(*hyperbolic)
    try:  # either group undecided: the whole sum as one, as before the grouping
        tail = one_sided(rest, point, "", _samples(params)) if rest != 0 else sp.S.Zero
        parts = [_hyperbolic_limit(t, point, params) for t in hyperbolic]
    except Undecided:
        parts = None
    if parts is not None:
        total = sp.Add(*parts, tail)
        if not total.has(sp.nan) or any(p.has(sp.nan) for p in parts) or tail.has(sp.nan):
            return total
    return _hyperbolic_limit(expr, point, params)


_HYPERBOLIC = (sp.sinh, sp.cosh, sp.tanh, sp.sech, sp.csch, sp.coth)

#: The largest degree :func:`_hyperbolic_limit` cancels. ``cosh(100*x) + exp(x/1000)`` is
#: rational in ``exp(x/1000)`` of degree 2*10**5, and sympy's cancel on it did not finish in
#: 20 minutes (a random user form of the search's fuzzer); ``x/2000 + log(cosh(x/2000)) +
#: sinh(x/2)**2`` (degree 2000, sparse) cancels in a second, and its terms' limits alone are
#: oo - oo.
HYPERBOLIC_DEGREE = 4096


def _hyperbolic_limit(expr: sp.Expr, point: sp.Expr, params) -> sp.Expr:
    """The limit at +-oo of hyperbolic quotients (``1 - sinh(x/2)**2/cosh(x/2)**2``, which
    exhaust the limit's budget as written): with ``exp(x) = y**-+1`` they are rational in y,
    and the limit is taken at ``y -> 0+`` (y the least power of exp(x) in the terms:
    ``tanh(100*x)`` is of degree 2 in exp(-100*x)); refused (:class:`Undecided`) past degree
    :data:`HYPERBOLIC_DEGREE` in y."""
    written = expr.rewrite(sp.exp)
    rates = [f.args[0].as_coefficient(x) for f in written.atoms(sp.exp) if f.has(x)]
    if not rates or not all(r is not None and r.is_Rational for r in rates):
        raise Undecided(f"the limit of {expr} at x = {point}: not rational in exp(x)")
    unit = abs(sp.gcd(rates))  # y = exp(-+unit*x): the least power of exp(x) in the terms
    y = (-sp.log(x) if point == sp.oo else sp.log(x)) / unit
    e = sp.powsimp(written.xreplace({x: y}), force=True)
    exponents = [p.exp for p in e.atoms(sp.Pow) if p.base == x]
    exponents += [sp.S.One] if e.has(x) else []
    if not all(q.is_Rational for q in exponents):
        raise Undecided(f"the limit of {expr} at x = {point}: not rational in exp(x)")
    unit = sp.ilcm(*[q.q for q in exponents]) if exponents else 1
    if max((abs(q) * unit for q in exponents), default=0) > HYPERBOLIC_DEGREE:
        raise Undecided(f"the limit of {expr} at x = {point}: degree beyond "
                        f"{HYPERBOLIC_DEGREE} in exp(x)")
    return one_sided(sp.cancel(e), sp.S.Zero, "+", _samples(params))


def at_infinity(expr: sp.Expr, point: sp.Expr) -> tuple[bool, sp.Expr]:
    """``(safe, limit)``: whether evaluating ``expr`` at ``x = point`` (+-inf) in IEEE
    arithmetic gives its limit there, and that limit (``nan`` if it has none).

    sympy's ``oo`` arithmetic mirrors IEEE (``oo - oo`` and ``0*oo`` are ``nan``,
    ``exp(-oo)`` is 0), so substituting ``oo`` into the expression *as emitted* and comparing
    with ``limit`` decides it, for the functions in ``_INF_SAFE``; anything else is unsafe
    and gets patched with the limit.
    """
    limit = limit_at(expr, point)
    funcs = [f for f in expr.atoms(sp.Function) if x in f.free_symbols]
    if any(not isinstance(f, _INF_SAFE) for f in funcs):
        return False, limit
    # Parameter-only parts are finite numbers at run time (hoisted constants); say so, with
    # their sign, or sympy leaves gamma/(exp(gamma/alpha) - 1) + oo unevaluated.
    stand_ins: dict[sp.Expr, sp.Dummy] = {}
    value = _finite_constants(expr, stand_ins).xreplace({x: point})
    value = value.xreplace({d: e for e, d in stand_ins.items()})
    if value.has(sp.nan, sp.zoo, sp.AccumBounds, sp.I) or limit.has(sp.nan):
        return False, limit
    if value == limit:
        return True, limit
    if value.is_infinite or limit.is_infinite:
        return False, limit
    return proved_zero(value - limit), limit


def _finite_constants(e: sp.Expr, stand_ins: dict) -> sp.Expr:
    """``e`` with each maximal x-free, non-numeric part replaced by a finite real Dummy that
    carries the part's known sign."""
    if x not in e.free_symbols:
        if e.is_number or not e.free_symbols:
            return e
        if e not in stand_ins:
            sign = {"positive": e.is_positive, "negative": e.is_negative}
            known = {k: True for k, v in sign.items() if v}
            if not known and e.is_zero is False:
                known = {"nonzero": True}
            stand_ins[e] = sp.Dummy("c", real=True, finite=True, **known)
        return stand_ins[e]
    if not e.args:
        return e
    return e.func(*[_finite_constants(a, stand_ins) for a in e.args])


# -- the forms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    """Piecewise constant: ``values[k]`` on interval k, breakpoints joined per ``sides``."""

    values: tuple[sp.Expr, ...]
    points: tuple[sp.Expr, ...]
    sides: tuple[str, ...]
    specials: tuple[sp.Expr, ...]  # the owner value at each breakpoint


@dataclass(frozen=True)
class Clip:
    """``clip(a*(x - x0), lo, hi)``; ``lo``/``hi`` is None for a side without a tail.

    ``a`` is kept as ``num/den`` so that the emitted code divides by ``den`` (``x/beta`` is
    exactly 1 at ``x = beta``; ``x*(1/beta)`` need not be).
    """

    num: sp.Expr
    den: sp.Expr
    x0: sp.Expr
    lo: sp.Expr | None
    hi: sp.Expr | None

    @property
    def slope(self) -> sp.Expr:
        return self.num / self.den

    def text(self) -> str:
        arg = "x" if self.x0 == 0 else f"(x - {sp.sstr(self.x0)})"
        if self.num != 1:
            arg = f"{sp.sstr(self.num)}*{arg}"
        if self.den != 1:
            den = sp.sstr(self.den)
            arg = f"{arg}/{den if self.den.is_Atom else '(' + den + ')'}"
        lo = "-inf" if self.lo is None else sp.sstr(self.lo)
        hi = "inf" if self.hi is None else sp.sstr(self.hi)
        return f"clip({arg}, {lo}, {hi})"


@dataclass(frozen=True)
class HuberLike:
    """``g*((x - x0) + k*g) + f0`` with ``g`` the :class:`Clip` derivative and ``k = -1/(2a)``."""

    clip: Clip
    k: sp.Expr
    f0: sp.Expr

    def text(self) -> str:
        inner = "x" if self.clip.x0 == 0 else f"x - {sp.sstr(self.clip.x0)}"
        k = sp.sstr(-self.k)
        form = f"g*({inner} - {k}*g)" if k != "1" else f"g*({inner} - g)"
        if self.f0 != 0:
            form += f" + {sp.sstr(self.f0)}"
        return f"{form} with g = {self.clip.text()}"


@dataclass(frozen=True)
class Single:
    """One expression, valid on the whole line (kinks included): the only piece, as written."""

    expr: sp.Expr
    #: what the numerics stage measured or proved beyond equality (None: nothing to say)
    note: str | None = None


@dataclass(frozen=True)
class Run:
    """A stretch of the line where one piece holds: ``lo < x < hi`` (``<=`` when inclusive),
    ``None`` for an unbounded side; ``lo == hi`` inclusive on both sides is a single point."""

    lo: sp.Expr | None
    lo_closed: bool
    hi: sp.Expr | None
    hi_closed: bool


@dataclass(frozen=True)
class Masked:
    """The generic path: each piece, as written, evaluated on the elements where its
    condition holds and nowhere else.

    ``regions`` pairs each piece index with the runs of the line it owns (open intervals and
    the breakpoints it owns, joined where consecutive), read off the table. ``safe[0]`` /
    ``safe[1]`` says whether the piece on the outer run evaluates to its own limit at
    ``-inf``/``+inf``; where it does not, the infinite elements are kept away from it and get
    ``limits[0]``/``limits[1]`` (``nan`` when there is no limit).
    """

    table: IntervalTable
    regions: tuple[tuple[int, tuple[Run, ...]], ...]
    safe: tuple[bool, bool]
    limits: tuple[sp.Expr, sp.Expr]
    #: per piece, the numeric regimes the rewrite stage chose (``lossmath.numerics``); None:
    #: every piece as written
    plans: tuple | None = None
    #: what the numerics stage measured or proved beyond equality (None: nothing to say)
    note: str | None = None


def regions(table: IntervalTable) -> tuple[tuple[int, tuple[Run, ...]], ...]:
    """The runs of each piece: intervals and owned breakpoints in order, consecutive items of
    one piece joined (``|x| < w`` is one run across the kink at 0, ``|x| >= w`` two)."""
    items: list[tuple[int, sp.Expr | None, sp.Expr | None]] = []  # (piece, lo, hi)
    points = [None, *table.points, None]
    for k, iv in enumerate(table.intervals):
        items.append((iv.piece, points[k], points[k + 1]))
        if k < len(table.breakpoints):
            bp = table.breakpoints[k]
            items.append((bp.owner, bp.at, bp.at))
    runs: dict[int, list[Run]] = {}
    start = 0
    for i in range(1, len(items) + 1):
        if i < len(items) and items[i][0] == items[start][0]:
            continue
        piece, first, last = items[start][0], items[start], items[i - 1]
        # an item that is a breakpoint has lo == hi: the run includes it
        lo_point = first[1] is not None and first[1] == first[2]
        hi_point = last[2] is not None and last[1] == last[2]
        runs.setdefault(piece, []).append(Run(first[1], lo_point, last[2], hi_point))
        start = i
    return tuple((p, tuple(r)) for p, r in sorted(runs.items()))


Form = Steps | Clip | HuberLike | Single | Masked


def _has_x(e: sp.Expr) -> bool:
    return x in e.free_symbols


def steps_form(table: IntervalTable) -> Steps | None:
    if any(_has_x(iv.expr) for iv in table.intervals):
        return None
    values = [table.intervals[0].expr]
    points, sides, specials = [], [], []
    for k, side in enumerate(ownership(table)):
        bp, nxt = table.breakpoints[k], table.intervals[k + 1].expr
        # A kink where nothing changes (|x|'' = 0 on both sides and at 0) needs no step.
        if proved_zero(nxt - values[-1], table.samples) and proved_zero(
            bp.value - values[-1], table.samples
        ):
            continue
        values.append(nxt)
        points.append(bp.at)
        sides.append(side)
        specials.append(bp.value)
    return Steps(tuple(values), tuple(points), tuple(sides), tuple(specials))


def _sign(e: sp.Expr) -> int | None:
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    return None


def clip_form(table: IntervalTable) -> Clip | None:
    """Constant tails around one linear interval, continuous at the joins (proved)."""
    ivs = table.intervals
    if len(ivs) not in (2, 3):
        return None
    linear = [k for k, iv in enumerate(ivs) if _has_x(iv.expr)]
    if len(linear) != 1 or (len(ivs) == 3 and linear != [1]):
        return None
    k = linear[0]
    m = sp.expand(ivs[k].expr)
    a = sp.diff(m, x)
    if _has_x(a) or a == 0:
        return None
    b = sp.expand(m - a * x)
    if _has_x(b):
        return None
    sign = _sign(a)
    if sign is None:
        return None
    num, den = sp.fraction(sp.together(a))
    x0 = sp.together(-b / a)
    # The constant before the linear interval is its value at the left join, and so on.
    left = ivs[0].expr if k == 1 else None
    right = ivs[k + 1].expr if k + 1 < len(ivs) else None
    joins = ([(0, left)] if left is not None else []) + (
        [(k, right)] if right is not None else []
    )
    for bp_index, const in joins:
        bp = table.breakpoints[bp_index]
        if not proved_zero(m.xreplace({x: bp.at}) - const, table.samples):
            return None
        # clip() returns the (continuous) value; the owner must agree with it.
        if not proved_zero(bp.value - const, table.samples):
            return None
    lo, hi = (left, right) if sign > 0 else (right, left)
    return Clip(num, den, x0, lo, hi)


def huber_form(table: IntervalTable, dtable: IntervalTable, clip: Clip | None) -> HuberLike | None:
    """``f = g*((x - x0) - g/(2a)) + f0`` where ``g = f'`` is a clip; proved per interval."""
    if clip is None or len(table.intervals) != len(dtable.intervals):
        return None
    # At +-inf, g is the tail constant c and the form is c*(+-inf): the right infinite limit
    # unless c = 0 (then 0*inf = nan), or unless there is no tail (a one-sided clip).
    for c in (clip.lo, clip.hi):
        if c is None or c.is_zero is not False:
            return None
    a = clip.slope
    k = sp.together(-1 / (2 * a))
    # f0 = f(x0), read off the interval where g is linear (x0 is its zero, maybe outside it).
    mid = next(iv for iv, div in zip(table.intervals, dtable.intervals) if _has_x(div.expr))
    f0 = sp.together(mid.expr.xreplace({x: clip.x0}))
    for iv, div in zip(table.intervals, dtable.intervals):
        g = div.expr
        form = g * ((x - clip.x0) + k * g) + f0
        if not proved_zero(sp.expand(form - iv.expr), table.samples):
            return None
    # The form is continuous, so at a breakpoint it is the left interval's limit; the owner
    # piece must have that value.
    for j, bp in enumerate(table.breakpoints):
        value = _at(table.neighbours(j)[0].expr, bp.at)
        if value is None or not proved_zero(value - bp.value, table.samples):
            return None
    return HuberLike(clip, k, f0)


def single_form(table: IntervalTable) -> Single | None:
    pieces = {iv.piece for iv in table.intervals}
    if len(pieces) != 1:
        return None
    (p,) = pieces
    if any(bp.owner != p for bp in table.breakpoints):
        return None
    expr = table.pieces[p][0]
    if not _has_x(expr):
        return None
    if not all(at_infinity(expr, s)[0] for s in (-sp.oo, sp.oo)):
        return None
    return Single(expr)


def masked_form(table: IntervalTable) -> Masked:
    lo_piece = table.pieces[table.intervals[0].piece][0]
    hi_piece = table.pieces[table.intervals[-1].piece][0]
    lo_safe, _ = at_infinity(lo_piece, -sp.oo)
    hi_safe, _ = at_infinity(hi_piece, sp.oo)
    limits = (limit_at(table.intervals[0].expr, -sp.oo), limit_at(table.intervals[-1].expr, sp.oo))
    return Masked(table, regions(table), (lo_safe, hi_safe), limits)


def recognise(table: IntervalTable, dtable: IntervalTable | None = None) -> Form:
    """The cheapest form proved equal to ``table``; ``dtable`` (its derivative's table)
    enables :class:`HuberLike`."""
    clip = clip_form(table)
    if clip is not None:
        return clip
    if dtable is not None:
        huber = huber_form(table, dtable, clip_form(dtable))
        if huber is not None:
            return huber
    # One ufunc (sign(x)) beats a ladder of comparisons; a constant goes to Steps, which
    # keeps NaN.
    return single_form(table) or steps_form(table) or masked_form(table)
