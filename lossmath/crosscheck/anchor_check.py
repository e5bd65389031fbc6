r"""lossmath's verdict on each hand-declared trait of :mod:`~.anchors`, with its proof.

For every :class:`~lossmath.crosscheck.anchors.Declaration` :func:`compare` answers the same
question with lossmath's analysis (:func:`lossmath.analyse`) of the catalog loss the anchor is
(or of the anchor's own formula when the catalog has none), and says why:

- the **verdict** is three-valued like every lossmath property; a trait lossmath does not
  compute is *not compared*;
- the **reason** is read off the interval table and the report: which derivative jumps at
  which breakpoint, where ``f''`` vanishes or tends to 0, what ``sup |f'|`` is;
- a **witness** (:class:`Witness`) is a counterexample point for a trait that fails: two
  points whose midpoint lies above the chord (not convex) or on it (not strictly convex),
  a pair whose slope exceeds a bound (not Lipschitz), one-sided difference quotients that
  differ at a kink (not differentiable). Witnesses are searched numerically at the
  anchor's instance parameters and kept only when they hold at 50 digits; they are stated
  for the anchor's own function, so :func:`holds` (and the tests, independently of
  lossmath) can check them against the library's formula.

A declaration **disagrees** only when lossmath proves the opposite (never from an undecided
verdict). The comparison is fair to the library's definitions (:data:`~.anchors.TRAITS`):
LossFunctions' ``isdifferentiable`` means differentiable everywhere, ``isstronglyconvex``
means ``m``-strongly convex for some ``m > 0``; classification calibration is decided by
the criterion of Bartlett, Jordan and McAuliffe (2006) only for convex losses, for which it is
necessary and sufficient (Theorem 6), so a nonconvex loss's calibration is undecided here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from lossmath import catalog
from lossmath.analysis import LossReport, analyse
from lossmath.base import budget
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, Param
from lossmath.crosscheck.anchors import DECLARATIONS, AnchorLoss, Declaration
from lossmath.render.latex import expr_latex

__all__ = [
    "Comparison",
    "Witness",
    "anchor_loss",
    "compare",
    "compare_all",
    "holds",
    "instance_loss",
    "report_of",
]

#: Digits for witnesses: a witness is kept only when it holds by a wide margin at this
#: precision.
DIGITS = 50
#: The bound a "not Lipschitz" witness exceeds, and the modulus a "not strongly convex"
#: witness falls below (any bound would do: the reason says so).
STEEP = sp.Integer(1000)
MODULUS = sp.Rational(1, 1000)
#: Seconds for the analysis of one loss inside the comparison.
ANALYSIS_WORK = 40 * budget.STEP


@dataclass(frozen=True)
class Witness:
    """A counterexample, stated for the anchor's function at its instance parameters.

    ``kind`` and what it asserts about ``f`` (the anchor's formula):

    - ``midpoint`` ``(a, b)``: ``f((a+b)/2) > (f(a) + f(b))/2`` (not convex);
    - ``chord`` ``(a, b)``: ``f((a+b)/2) = (f(a) + f(b))/2`` with ``a != b`` (not strictly
      convex);
    - ``strong`` ``(a, b)``, ``bound = m``: ``(f(a) + f(b))/2 - f((a+b)/2) < m (b-a)^2/8``
      (not ``m``-strongly convex);
    - ``steep`` ``(a, b)``, ``bound = M``: ``|f(b) - f(a)| > M |b - a|`` (no Lipschitz
      constant ``<= M``);
    - ``kink`` ``(p, h)``, ``bound = g``: the one-sided difference quotients of ``f`` at
      ``p`` with step ``h`` differ by more than ``g`` (not differentiable at ``p``);
    - ``kink2`` ``(p, h)``, ``bound = g``: the one-sided second differences
      ``(f(p+2h) - 2f(p+h) + f(p))/h^2`` and ``(f(p) - 2f(p-h) + f(p-2h))/h^2`` differ by
      more than ``g`` (``f'`` not differentiable at ``p``);
    - ``mirror`` ``(t,)``: ``f(t) != f(-t)`` (not symmetric).
    """

    kind: str
    points: tuple[sp.Rational, ...]
    bound: sp.Expr | None = None
    statement: str = ""  # document markup


@dataclass(frozen=True)
class Comparison:
    """lossmath's answer to one declaration.

    ``status`` is ``"agrees"``, ``"disagrees"``, ``"undecided"`` or ``"not compared"``;
    ``verdict`` is lossmath's value of the declared trait (same type as the declaration's,
    None when undecided); ``reason`` is document markup.
    """

    declaration: Declaration
    status: str
    verdict: object
    reason: str
    witness: Witness | None = None


# -- the losses compared -----------------------------------------------------------------------


_INLINE: dict[str, Loss] = {}


def anchor_loss(anchor: AnchorLoss) -> Loss:
    """The lossmath loss an anchor is: its catalog loss, or its own formula."""
    if anchor.catalog is not None:
        return catalog.get(anchor.catalog)
    if anchor.key not in _INLINE:
        name = "".join(c if c.isalnum() else "_" for c in anchor.name.split(",")[0]).strip("_")
        params = tuple(Param(s.name, default=anchor.instance.get(s), assume="positive")
                       for s in anchor.params)
        _INLINE[anchor.key] = Loss(name, anchor.formula, params=params, title=anchor.name)
    return _INLINE[anchor.key]


def catalog_values(anchor: AnchorLoss) -> dict[str, sp.Expr]:
    """The catalog parameters at the anchor's instance."""
    if anchor.catalog is None:
        return {s.name: v for s, v in anchor.instance.items()}
    return {k: sp.nsimplify(v.xreplace(dict(anchor.instance)))
            for k, v in anchor.to_catalog.items()}


_INSTANCES: dict[str, Loss] = {}


def instance_loss(anchor: AnchorLoss) -> Loss:
    """The anchor's lossmath loss at the anchor's instance parameters (one object per
    anchor, so that its analysis is done once)."""
    if anchor.key not in _INSTANCES:
        loss = anchor_loss(anchor)
        _INSTANCES[anchor.key] = loss.subs(catalog_values(anchor)) if loss.params else loss
    return _INSTANCES[anchor.key]


# Keyed by the loss object itself (the losses above live as long as the module).
_REPORTS: dict[Loss, LossReport | None] = {}


def report_of(loss: Loss) -> LossReport | None:
    """The analysis of ``loss`` within its own budget; None when it runs out."""
    key = loss
    if key not in _REPORTS:
        try:
            # Only this loss's own budget is caught: the document's budget (or --timeout)
            # running out propagates, and nothing is cached then.
            _REPORTS[key] = budget.attempt(lambda: analyse(loss), ANALYSIS_WORK, None)
        except NotImplementedError:  # sympy's solve on q**q (DWD with symbolic q)
            _REPORTS[key] = None
    return _REPORTS[key]


# -- numbers -----------------------------------------------------------------------------------


def evaluator(loss: Loss) -> Callable[[sp.Rational], mpmath.mpf]:
    """``f(t)`` at :data:`DIGITS` digits from the interval table of a loss with numeric
    parameters (the value a breakpoint's owner gives there)."""
    table = loss.table
    points = [(sp.nsimplify(b.at), b.value) for b in table.breakpoints]
    pieces = []
    for iv in table.intervals:
        try:
            fn = sp.lambdify(x, iv.expr, modules="mpmath")
        except Exception:  # noqa: BLE001 - a function lambdify cannot print: evaluate
            fn = None
        pieces.append((iv, fn))

    def f(t: sp.Rational) -> mpmath.mpf:
        for at, value in points:
            if t == at:
                return _mp(value)
        for iv, fn in pieces:
            if (iv.lo == -sp.oo or iv.lo < t) and (iv.hi == sp.oo or t < iv.hi):
                if fn is not None:
                    with mpmath.workdps(DIGITS):
                        try:
                            return mpmath.mpf(fn(mpmath.mpf(t.p) / t.q))
                        except (TypeError, ValueError, NameError):
                            pass
                return _mp(iv.expr.xreplace({x: t}))
        raise ValueError(f"{loss.name}: no interval holds x = {t}")

    return f


def anchor_evaluator(anchor: AnchorLoss) -> Callable[[sp.Rational], mpmath.mpf]:
    """``f(t)`` from the anchor's own formula at its instance parameters (the library's
    function as transcribed, independent of lossmath's tables)."""
    fn = sp.lambdify(x, anchor.formula.xreplace(dict(anchor.instance)), modules="mpmath")

    def f(t: sp.Rational) -> mpmath.mpf:
        with mpmath.workdps(DIGITS):
            return mpmath.mpf(fn(mpmath.mpf(t.p) / t.q))

    return f


def _holds_for(w: Witness, fs) -> bool:
    try:
        return all(holds(w, f) for f in fs)
    except (ValueError, ZeroDivisionError, TypeError):
        return False


def _mp(e: sp.Expr) -> mpmath.mpf:
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(str(sp.N(e, DIGITS + 10)))


def holds(witness: Witness, f: Callable[[sp.Rational], mpmath.mpf]) -> bool:
    """Does ``witness`` hold for the function ``f`` (exact rationals in, mpmath out)?"""
    p, b = witness.points, witness.bound
    with mpmath.workdps(DIGITS):
        tiny = mpmath.mpf(10) ** (-(DIGITS - 10))
        if witness.kind in ("midpoint", "chord", "strong"):
            lo, hi = p
            gap = (f(lo) + f(hi)) / 2 - f((lo + hi) / 2)
            if witness.kind == "midpoint":
                return gap < -tiny
            if witness.kind == "chord":
                return lo != hi and abs(gap) < tiny
            return gap < _mp(b) * _mp((hi - lo) ** 2) / 8 - tiny
        if witness.kind == "steep":
            lo, hi = p
            return abs(f(hi) - f(lo)) > _mp(b) * _mp(abs(hi - lo)) + tiny
        if witness.kind == "kink":
            at, h = p
            right = (f(at + h) - f(at)) / _mp(h)
            left = (f(at) - f(at - h)) / _mp(h)
            return abs(right - left) > _mp(b)
        if witness.kind == "kink2":
            at, h = p
            hh = _mp(h) ** 2
            right = (f(at + 2 * h) - 2 * f(at + h) + f(at)) / hh
            left = (f(at) - 2 * f(at - h) + f(at - 2 * h)) / hh
            return abs(right - left) > _mp(b)
        if witness.kind == "mirror":
            (t,) = p
            return abs(f(t) - f(-t)) > tiny
    raise ValueError(f"unknown witness kind {witness.kind!r}")


def _candidates(loss: Loss) -> list[tuple[sp.Rational, sp.Rational]]:
    """Pairs ``a < b`` to try: around each breakpoint, interval sample and 0, at scales
    ``2^k``; in both tails."""
    centres = {sp.S.Zero}
    for b in loss.table.breakpoints:
        centres.add(sp.nsimplify(b.at))
    for iv in loss.table.intervals:
        if iv.lo != -sp.oo and iv.hi != sp.oo:
            centres.add(sp.nsimplify(iv.sample({})))
    pairs = []
    for c in sorted(centres, key=float):
        c = _rational(c)
        for k in range(-3, 40):
            h = sp.Rational(1, 2**k) if k >= 0 else sp.Integer(2 ** -k)
            pairs += [(c - h, c + h), (c - 2 * h, c), (c, c + 2 * h)]
    for k in range(1, 64):
        t = sp.Integer(2**k)
        pairs += [(t, t + 1), (-t - 1, -t)]
    return pairs


def _rational(c: sp.Expr) -> sp.Rational:
    """``c`` as an exact rational (a breakpoint such as ``pi`` is approximated, which only
    moves where the search looks)."""
    return c if c.is_Rational else sp.Rational(str(sp.N(c, 30)))


def _search(kind: str, loss: Loss, fs, bound=None) -> Witness | None:
    for a, b in _candidates(loss):
        w = Witness(kind, (a, b), bound)
        if _holds_for(w, fs):
            return w
    return None


def _kink(kind: str, at: sp.Expr, jump: sp.Expr, fs) -> Witness | None:
    p = _rational(sp.nsimplify(at))
    g = abs(sp.N(jump, 30)) / 2 if jump.is_finite else sp.Integer(1)
    g = sp.nsimplify(g, rational=True) if g != 0 else sp.Rational(1, 10**6)
    # Second differences divide by h^2: a larger step keeps their rounding far below g.
    for e in ((20, 12, 8) if kind == "kink" else (12, 8, 6)):
        w = Witness(kind, (p, sp.Rational(1, 10**e)), g)
        if _holds_for(w, fs):
            return w
    return None


# -- verdicts ----------------------------------------------------------------------------------


def _finite(v) -> bool | None:
    if v is None:
        return None
    v = sp.sympify(v)
    if v in (sp.oo, sp.zoo):
        return False
    return True if v.is_finite else None


def _bool(v) -> bool | None:
    """A lossmath verdict as True/False/None (a condition that is not settled is None)."""
    if v is None or isinstance(v, bool):
        return v
    if v in (sp.true, sp.false):
        return bool(v)
    return None


def _order_at(report: LossReport, k: int) -> bool | None:
    """Is the loss ``C^k``? From the classes at the breakpoints (a lower bound may
    prove it, only an exact class can disprove it)."""
    if report.order >= k:
        return True
    return False if report.exact else None


def _jumping(report: LossReport, k: int) -> tuple[list, bool]:
    """Breakpoints whose class is below ``C^k`` (``f`` or a derivative up to ``k`` jumps),
    and whether that set is exact."""
    bad = [b for b in report.breakpoints if b.order < k]
    exact = all(b.exact or b.order >= k for b in report.breakpoints)
    return bad, exact


def _first_jump(bp) -> tuple[int, sp.Expr]:
    """The first order that jumps at ``bp`` and by how much."""
    for k, j in enumerate(bp.jumps):
        if not (j == 0 or (j.is_zero is True)):
            return k, j
    return len(bp.jumps) - 1, bp.jumps[-1]


_NAMES = ("f", "f'", "f''", "f'''")


def _cls(report: LossReport) -> str:
    """The class in LaTeX: ``C^{1}``, ``C^{\\infty}``, or discontinuous."""
    if report.order == math.inf:
        return "C^{\\infty}"
    return "\\text{discontinuous}" if report.order < 0 else f"C^{{{int(report.order)}}}"


def _jump_text(bp, loss: Loss) -> str:
    k, j = _first_jump(bp)
    at = expr_latex(bp.at, loss)
    if k == 0:
        return (f"$f$ jumps at $x = {at}$ (from ${expr_latex(bp.left[0], loss)}$ to "
                f"${expr_latex(bp.right[0], loss)}$)")
    return (f"${_NAMES[k]}$ jumps at $x = {at}$, from ${expr_latex(bp.left[k], loss)}$ to "
            f"${expr_latex(bp.right[k], loss)}$")


def _linear_interval(loss: Loss):
    """An interval on which ``f'' = 0`` identically, or None."""
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        if iv.expr == 0 or sp.simplify(iv.expr) == 0:
            return iv
    return None


def _interval_text(iv, loss: Loss) -> str:
    lo = "-\\infty" if iv.lo == -sp.oo else expr_latex(iv.lo, loss)
    hi = "\\infty" if iv.hi == sp.oo else expr_latex(iv.hi, loss)
    return f"$({lo}, {hi})$"


def _chord_witness(loss: Loss) -> Witness | None:
    iv = _linear_interval(loss)
    if iv is None:
        return None
    lo = sp.nsimplify(iv.lo) if iv.lo != -sp.oo else None
    hi = sp.nsimplify(iv.hi) if iv.hi != sp.oo else None
    lo_r = _rational(lo) if lo is not None else _rational(hi) - 3
    hi_r = _rational(hi) if hi is not None else _rational(lo) + 3
    a, b = lo_r + (hi_r - lo_r) / 4, hi_r - (hi_r - lo_r) / 4
    return Witness("chord", (a, b))


@dataclass
class _Context:
    """What a comparison needs: the anchor, its loss symbolically and at the instance."""

    decl: Declaration
    loss: Loss
    report: LossReport | None
    inst: Loss
    inst_report: LossReport | None

    def f(self):
        """Both functions a witness must hold for: lossmath's table and the anchor's own
        formula (they differ only at single points, such as who owns a breakpoint)."""
        return (evaluator(self.inst), anchor_evaluator(self.decl.anchor))


def _ctx(decl: Declaration) -> _Context:
    inst = instance_loss(decl.anchor)
    # A formula outside the catalog is analysed at its instance only: a disproof there
    # disproves the declaration for all parameters, and an agreement is stated "at" them.
    loss = anchor_loss(decl.anchor) if decl.anchor.catalog else inst
    inst_report = report_of(inst) if inst is not loss else None
    return _Context(decl, loss, report_of(loss), inst, inst_report)


def _params_text(anchor: AnchorLoss) -> str:
    if not anchor.instance:
        return ""
    return ", ".join(f"${sp.latex(s)} = {sp.latex(v)}$" for s, v in anchor.instance.items())


def _state(w: Witness, anchor: AnchorLoss) -> Witness:
    """The witness with its statement (values at 6 digits) in document markup."""
    with mpmath.workdps(DIGITS):
        return _stated(w, anchor)


def _stated(w: Witness, anchor: AnchorLoss) -> Witness:
    f = anchor_evaluator(anchor)
    at = _params_text(anchor)
    at = f" (at {at})" if at else ""
    p = w.points

    def v(t):
        return mpmath.nstr(f(t), 6)

    def n(t):
        return sp.latex(t) if len(str(t)) <= 12 else mpmath.nstr(_mp(t), 6)

    if w.kind in ("midpoint", "chord", "strong"):
        a, b = p
        m = (a + b) / 2
        s = (f"$a = {n(a)}$, $b = {n(b)}$: $f(\\tfrac{{a+b}}{{2}}) = {v(m)}$, "
             f"$\\tfrac{{f(a) + f(b)}}{{2}} = {mpmath.nstr((f(a) + f(b)) / 2, 6)}$")
        if w.kind == "strong":
            gap = (f(a) + f(b)) / 2 - f(m)
            need = _mp(w.bound) * _mp((b - a) ** 2) / 8
            s += (f": the gap ${mpmath.nstr(gap, 6)}$ is below $m (b-a)^2/8 = "
                  f"{mpmath.nstr(need, 6)}$ for $m = {sp.latex(w.bound)}$")
    elif w.kind == "steep":
        a, b = p
        ratio = abs(f(b) - f(a)) / _mp(abs(b - a))
        s = (f"$a = {n(a)}$, $b = {n(b)}$: $|f(b) - f(a)| / |b - a| = "
             f"{mpmath.nstr(ratio, 6)} > {sp.latex(w.bound)}$")
    elif w.kind in ("kink", "kink2"):
        at_, h = p
        if w.kind == "kink":
            r = (f(at_ + h) - f(at_)) / _mp(h)
            left = (f(at_) - f(at_ - h)) / _mp(h)
            what = "difference quotients"
        else:
            r = (f(at_ + 2 * h) - 2 * f(at_ + h) + f(at_)) / _mp(h) ** 2
            left = (f(at_) - 2 * f(at_ - h) + f(at_ - 2 * h)) / _mp(h) ** 2
            what = "second differences"
        s = (f"at $x = {n(at_)}$ with $h = 10^{{{int(math.log10(float(h)))}}}$ the one-sided "
             f"{what} are ${mpmath.nstr(left, 6)}$ (left) and ${mpmath.nstr(r, 6)}$ (right)")
    else:
        (t,) = p
        s = f"$f({n(t)}) = {v(t)}$ but $f({n(-t)}) = {v(-t)}$"
    return Witness(w.kind, w.points, w.bound, s + at)


# -- the questions -----------------------------------------------------------------------------


def _convex(c: _Context):
    r = c.report
    v = None if r is None else _bool(r.convex)
    if v is None and c.inst_report is not None:
        v = _bool(c.inst_report.convex)
    if v is True:
        return True, ("lossmath proves $f'' \\geq 0$ on every interval and no downward jump "
                      "of $f'$."), None
    if v is False:
        rep = c.inst_report or c.report
        why = _nonconvex_reason(c.inst, rep)
        return False, why, _search("midpoint", c.inst, c.f())
    return None, "lossmath could not decide convexity.", None


def _nonconvex_reason(loss: Loss, report: LossReport | None) -> str:
    if report is not None:
        for bp in report.breakpoints:
            k, j = _first_jump(bp)
            if k == 0 or (k == 1 and j.is_negative):
                return _jump_text(bp, loss) + ", so $f$ lies above a chord there."
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        t = iv.sample({})
        val = iv.expr.xreplace({x: t})
        if sp.N(val, 20) < 0:
            return (f"$f''({sp.latex(t)}) = {mpmath.nstr(_mp(val), 6)} < 0$ on the interval "
                    f"{_interval_text(iv, loss)}.")
    return "lossmath proves that $f$ is not convex."


def _strictly_convex(c: _Context):
    r = c.report
    conv = None if r is None else _bool(r.convex)
    v = None if r is None else _bool(getattr(r, "strictly_convex", None))
    if conv is False:
        return False, "$f$ is not convex (previous trait), so not strictly convex.", \
            _search("midpoint", c.inst, c.f())
    iv = _linear_interval(c.inst)
    if iv is not None and v is not True:
        w = _chord_witness(c.inst)
        return False, (f"$f'' = 0$ on {_interval_text(iv, c.inst)}: $f$ is affine there, so "
                       "a chord lies on the graph."), w
    if v is True:
        return True, "lossmath proves strict convexity.", None
    if v is None and conv is True and iv is None:
        return None, ("$f'' > 0$ except at isolated points is not proved; lossmath leaves "
                      "strict convexity undecided."), None
    return v, "lossmath's verdict." if v is not None else "undecided.", None


def _strongly_convex(c: _Context):
    r = c.report
    conv = None if r is None else _bool(r.convex)
    if conv is False:
        return False, "$f$ is not convex, so not strongly convex.", \
            _search("midpoint", c.inst, c.f())
    m = None if r is None else getattr(r, "strong_convexity", None)
    iv = _linear_interval(c.inst)
    if iv is not None:
        return False, (f"$f'' = 0$ on {_interval_text(iv, c.inst)}, so "
                       "$\\inf f'' = 0$: no modulus $m > 0$ works."), \
            _chord_witness(c.inst) and _search("strong", c.inst, c.f(), MODULUS)
    if m is not None:
        m = sp.sympify(m)
        if m == 0:
            return False, ("$\\inf_x f''(x) = 0$ (lossmath's strong-convexity modulus is $0$): "
                           "for every $m > 0$ some pair of points violates "
                           "$m$-strong convexity."), _search("strong", c.inst, c.f(), MODULUS)
        if m.is_positive:
            return True, f"$\\inf_x f''(x) = {expr_latex(m, c.loss)} > 0$.", None
    if conv is True:
        w = _search("strong", c.inst, c.f(), MODULUS)
        if w is not None and _inf_second_is_zero(c.inst):
            return False, ("$\\inf_x f''(x) = 0$: $f''$ tends to 0 (or vanishes) where the "
                           "witness lies."), w
    return None, "lossmath could not decide the strong-convexity modulus.", None


def _inf_second_is_zero(loss: Loss) -> bool:
    """``inf f'' = 0``: ``f''`` has a zero, or tends to 0 in a tail (limits by sympy, each
    under its own time slice)."""
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        for end, side in ((iv.lo, "+"), (iv.hi, "-")):
            if end in (sp.oo, -sp.oo):
                lim = budget.attempt(lambda e=iv.expr, t=end: sp.limit(e, x, t), budget.STEP, None)
            else:
                lim = budget.attempt(lambda e=iv.expr, t=end, s=side: sp.limit(e, x, t, s),
                                     budget.STEP, None)
            if lim is not None and lim == 0:
                return True
    return False


def _differentiable(c: _Context, k: int):
    r = c.report or c.inst_report
    if r is None:
        return None, "the analysis ran out of time.", None
    v = _order_at(r, k)
    word = "differentiable" if k == 1 else "twice differentiable"
    if v is True:
        return True, f"$f$ is ${_cls(r)}$: {word} everywhere.", None
    if v is False:
        ri = c.inst_report or r
        bad, _ = _jumping(ri, k)
        bp = bad[0]
        kind = "kink" if _first_jump(bp)[0] < k else "kink2"
        j = bp.jumps[_first_jump(bp)[0]]
        w = _kink(kind if k == 2 else "kink", bp.at, j, c.f())
        return False, _jump_text(bp, c.inst) + f": not {word} there.", w
    return None, f"lossmath gives only a lower bound on the class ({_cls(r)}).", None


def _pointwise(c: _Context, k: int):
    """The declared exceptional points against the breakpoints where the class is below
    ``C^k`` (at the instance parameters)."""
    r = c.inst_report or c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    bad, exact = _jumping(r, k)
    values = dict(c.decl.anchor.instance)
    declared = {sp.nsimplify(p.xreplace(values)) for p in c.decl.declared}
    found = {sp.nsimplify(b.at) for b in bad}
    if not exact:
        return None, "some breakpoint's class is only a lower bound.", None
    shown = ", ".join(f"${expr_latex(p)}$" for p in sorted(found, key=float)) or "none"
    word = "differentiable" if k == 1 else "twice differentiable"
    missing = sorted(found - declared, key=float)
    extra = sorted(declared - found, key=float)
    if not missing and not extra:
        return c.decl.declared, f"lossmath's points where $f$ is not {word}: {shown}.", None
    if missing:
        bp = next(b for b in bad if sp.nsimplify(b.at) == missing[0])
        k0, j = _first_jump(bp)
        w = _kink("kink" if k0 < 2 else "kink2", bp.at, j, c.f())
        return tuple(sorted(found, key=float)), (
            f"{_jump_text(bp, c.inst)}, a point the declaration calls {word}; lossmath's "
            f"points where $f$ is not {word}: {shown}."), w
    return tuple(sorted(found, key=float)), (
        f"$f$ is {word} at ${expr_latex(extra[0])}$ (no breakpoint of that class there); "
        f"lossmath's points: {shown}."), None


def _lipschitz(c: _Context):
    r = c.report
    v = None
    if r is not None:
        lip = getattr(r, "lipschitz", None)
        v = _finite(lip) if lip is not None else None
        if v is None and r.order < 0 and r.exact:
            v = False
        if v is None and r.order >= 0 and r.gradient_bound is not None:
            v = _finite(r.gradient_bound)
    if v is True:
        bound = getattr(r, "lipschitz", None) or r.gradient_bound
        return True, f"$f$ is continuous and $\\sup |f'| = {expr_latex(bound, c.loss)}$.", None
    if v is False:
        rep = c.inst_report or r
        disc = [b for b in rep.breakpoints if b.order < 0]
        if disc:
            why = (_jump_text(disc[0], c.inst) + ": the slope of a chord across it grows "
                   "without bound.")
        else:
            why = "$\\sup |f'| = \\infty$: $f'$ grows without bound."
        return False, why, _search("steep", c.inst, c.f(), STEEP)
    return None, "lossmath could not decide a Lipschitz constant.", None


def _locally_lipschitz(c: _Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    if r.order < 0 and r.exact:
        disc = [b for b in (c.inst_report or r).breakpoints if b.order < 0]
        return False, (_jump_text(disc[0], c.inst) + ": near the jump no constant bounds "
                       "the slope of a chord, on any interval around it."), \
            _search("steep", c.inst, c.f(), STEEP)
    if r.order >= 1:
        return True, f"$f$ is ${_cls(r)}$, so $f'$ is bounded on every bounded interval.", None
    if _bool(r.convex) is True:
        return True, "$f$ is convex, and a convex function on $\\mathbb{R}$ is locally " \
            "Lipschitz.", None
    return None, "lossmath does not decide local Lipschitz continuity here.", None


def _curvature_bounded(c: _Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    cb = getattr(r, "curvature_bound", None)
    v = _finite(cb) if cb is not None else None
    if v is None and r.order < 1 and r.exact:
        v = False
    if v is False:
        bad, _ = _jumping(c.inst_report or r, 1)
        if bad:
            bp = bad[0]
            return False, _jump_text(bp, c.inst) + ", so $f'$ is not Lipschitz.", \
                _kink("kink", bp.at, bp.jumps[_first_jump(bp)[0]], c.f())
        return False, "$\\sup |f''| = \\infty$.", None
    if v is True:
        return True, f"$\\sup |f''| = {expr_latex(cb, c.loss)}$.", None
    return None, "lossmath could not decide whether $f'$ is Lipschitz.", None


def _symmetric(c: _Context):
    depends = c.decl.anchor.params and "τ" in c.decl.text
    r = c.inst_report if depends else (c.report or c.inst_report)
    v = None if r is None else _bool(r.symmetric)
    if v is None and not depends and c.inst_report is not None:
        v = _bool(c.inst_report.symmetric)
    if v is True:
        return True, "lossmath proves $f(-x) = f(x)$.", None
    if v is False:
        w = _search_mirror(c.inst, c.f())
        return False, "lossmath proves $f(-x) \\neq f(x)$ for some $x$.", w
    return None, "lossmath could not decide symmetry.", None


def _search_mirror(loss: Loss, fs) -> Witness | None:
    for t in (sp.Rational(1, 2), sp.Integer(1), sp.Rational(3, 2), sp.Integer(2),
              sp.Integer(3), sp.Integer(5)):
        w = Witness("mirror", (t,))
        if _holds_for(w, fs):
            return w
    return None


def _calibrated(c: _Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    if _bool(r.convex) is not True:
        if _bool(r.calibrated) is not True:
            return None, ("$f$ is not proved convex; the criterion of Bartlett, Jordan and "
                          "McAuliffe decides calibration only for convex losses."), None
        ours = _mp(c.inst.table.value_at(sp.S.Zero))
        theirs = anchor_evaluator(c.decl.anchor)(sp.S.Zero)
        why = ("lossmath proves the catalog loss calibrated by a sufficient condition for "
               "nonconvex losses: non-increasing, equal to its supremum on $x \\leq 0$, "
               "with a smaller limit at $+\\infty$")
        if ours != theirs:
            # The condition reads f(0); a loss that differs there is not covered by it.
            return None, (why + f"; but the library's function is ${mpmath.nstr(theirs, 6)}$ "
                          f"at $x = 0$ where the catalog's is ${mpmath.nstr(ours, 6)}$, so "
                          "the condition does not hold for it and lossmath has no proof "
                          "either way."), None
        return True, why + ".", None
    rep = c.inst_report or r
    at0 = [b for b in rep.breakpoints if b.at == 0 and b.order < 1]
    if at0:
        bp = at0[0]
        return False, (_jump_text(bp, c.inst) + ": $f$ is convex but not differentiable at "
                       "0, so not classification-calibrated."), \
            _kink("kink", bp.at, bp.jumps[_first_jump(bp)[0]], c.f())
    d1 = c.inst.derivative(1).table.value_at(sp.S.Zero)
    own = sp.sympify(d1).is_negative
    given = _bool(getattr(r, "calibrated", None))
    sign = given if given is not None else own
    at = _params_text(c.decl.anchor)
    at = f" (at {at})" if at else ""
    if sign is True:
        return True, (f"$f$ is convex, differentiable at 0 and $f'(0) = "
                      f"{expr_latex(d1, c.inst)} < 0${at}."), None
    if sign is False:
        return False, f"$f'(0) = {expr_latex(d1, c.inst)} \\geq 0${at}.", None
    return None, "the sign of $f'(0)$ is undecided.", None


def _continuity(c: _Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    k = c.decl.declared
    cls = _cls(r)
    if k >= 2:
        if r.order >= 2:
            return k, f"$\\rho$ is ${cls}$ (at least $C^2$).", None
    elif r.order == k and r.exact:
        return k, f"$\\rho$ is exactly ${cls}$.", None
    if not r.exact and r.order < k:
        return None, f"lossmath proves only a lower bound (${cls}$).", None
    bad, _ = _jumping(c.inst_report or r, min(k + 1, 3))
    why = f"$\\rho$ is ${cls}$" + (f": {_jump_text(bad[0], c.inst)}" if bad else "") + "."
    w = None
    if r.order < k and bad:
        k0, j = _first_jump(bad[0])
        w = _kink("kink" if k0 <= 1 else "kink2", bad[0].at, j, c.f()) if k0 >= 1 else \
            _search("steep", c.inst, c.f(), STEEP)
    order = -1 if r.order < 0 else (2 if r.order >= 2 else int(r.order))
    return order, why, w


def _redescending(c: _Context):
    d1 = c.inst.derivative(1).table.intervals
    ends = (d1[0], d1[-1])
    if all(iv.expr == 0 or sp.simplify(iv.expr) == 0 for iv in ends):
        return "hard", (f"$\\psi = \\rho' = 0$ on {_interval_text(d1[0], c.inst)} and "
                        f"{_interval_text(d1[-1], c.inst)}."), None
    lims = []
    for iv, end in ((ends[0], -sp.oo), (ends[1], sp.oo)):
        lims.append(budget.attempt(lambda e=iv.expr, t=end: sp.limit(e, x, t), budget.STEP, None))
    if any(v is None for v in lims):
        return None, "sympy could not take the limits of $\\psi$.", None
    if all(v == 0 for v in lims):
        return "soft", "$\\psi(z) \\to 0$ as $z \\to \\pm\\infty$ but is not 0 outside any " \
            "bounded interval.", None
    shown = ", ".join(f"${expr_latex(v)}$" for v in lims)
    return "not", f"$\\psi$ tends to {shown} at $-\\infty$ and $+\\infty$.", None


def _gradient_bound(c: _Context):
    r = c.inst_report or c.report
    if r is None or r.gradient_bound is None:
        return None, "lossmath could not decide $\\sup |f'|$.", None
    declared = sp.sympify(c.decl.declared).xreplace(dict(c.decl.anchor.instance))
    same = sp.simplify(r.gradient_bound - declared) == 0
    text = f"$\\sup |f'| = {expr_latex(r.gradient_bound)}$ at {_params_text(c.decl.anchor)}."
    return (c.decl.declared if same else r.gradient_bound), text, None


_QUESTIONS = {
    "convex": _convex,
    "strictly_convex": _strictly_convex,
    "strongly_convex": _strongly_convex,
    "differentiable": lambda c: _differentiable(c, 1),
    "twice_differentiable": lambda c: _differentiable(c, 2),
    "differentiable_at": lambda c: _pointwise(c, 1),
    "twice_differentiable_at": lambda c: _pointwise(c, 2),
    "lipschitz": _lipschitz,
    "locally_lipschitz": _locally_lipschitz,
    "curvature_bounded": _curvature_bounded,
    "symmetric": _symmetric,
    "calibrated": _calibrated,
    "continuity": _continuity,
    "redescending": _redescending,
    "gradient_bound": _gradient_bound,
}


def compare(decl: Declaration) -> Comparison:
    """lossmath's verdict on one declaration, with its reason and, for a disagreement, a
    checked counterexample."""
    question = decl.definition.compares
    if not question:
        return Comparison(decl, "not compared", None, "lossmath does not compute this trait.")
    c = _ctx(decl)
    verdict, reason, witness = _QUESTIONS[question](c)
    if verdict is None:
        return Comparison(decl, "undecided", None, reason)
    same = _same(decl.declared, verdict)
    if witness is not None:
        witness = _state(witness, decl.anchor)
    status = "agrees" if same else "disagrees"
    return Comparison(decl, status, verdict, reason, None if same else witness)


def _same(declared: object, verdict: object) -> bool:
    if isinstance(declared, tuple):
        return tuple(sorted(declared, key=str)) == tuple(sorted(verdict, key=str)) or (
            verdict is declared)
    return declared == verdict


_COMPARED: dict[Declaration, Comparison] = {}


def compare_all(declarations: Sequence[Declaration] = DECLARATIONS) -> list[Comparison]:
    """Every declaration's comparison, in order (each computed once per process)."""
    for d in declarations:
        if d not in _COMPARED:
            _COMPARED[d] = compare(d)
    return [_COMPARED[d] for d in declarations]
