"""The comparison's material: the losses compared, their evaluation at 50 digits, counterexample
witnesses (searched, checked, stated) and the verdict helpers the questions share."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp

from lossmath import catalog
from lossmath.analysis import LossReport, analyse
from lossmath.base import budget
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, Param
from lossmath.crosscheck.anchors import AnchorLoss, Declaration
from lossmath.render.latex import expr_latex

__all__ = [
    "ANALYSIS_WORK",
    "Comparison",
    "Context",
    "DIGITS",
    "MODULUS",
    "STEEP",
    "Witness",
    "anchor_evaluator",
    "anchor_loss",
    "as_bool",
    "catalog_values",
    "chord_witness",
    "class_text",
    "context",
    "evaluator",
    "finite_value",
    "first_jump",
    "holds",
    "holds_for",
    "instance_loss",
    "interval_text",
    "jump_text",
    "jumping",
    "kink_witness",
    "linear_interval",
    "order_at",
    "params_text",
    "report_of",
    "search_witness",
    "state",
    "to_mpf",
]

#: Digits for witnesses: a witness is kept only when it holds by a wide margin at this
#: precision.
DIGITS = 50
#: The bound a "not Lipschitz" witness exceeds, and the modulus a "not strongly convex"
#: witness falls below (any bound would do: the reason says so).
STEEP = sp.Integer(1000)
MODULUS = sp.Rational(1, 1000)
#: Work for the analysis of one loss inside the comparison (:mod:`lossmath.base.budget`).
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
                return to_mpf(value)
        for iv, fn in pieces:
            if (iv.lo == -sp.oo or iv.lo < t) and (iv.hi == sp.oo or t < iv.hi):
                if fn is not None:
                    with mpmath.workdps(DIGITS):
                        try:
                            return mpmath.mpf(fn(mpmath.mpf(t.p) / t.q))
                        except (TypeError, ValueError, NameError):
                            pass
                return to_mpf(iv.expr.xreplace({x: t}))
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


def holds_for(w: Witness, fs) -> bool:
    try:
        return all(holds(w, f) for f in fs)
    except (ValueError, ZeroDivisionError, TypeError):
        return False


def to_mpf(e: sp.Expr) -> mpmath.mpf:
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
            return gap < to_mpf(b) * to_mpf((hi - lo) ** 2) / 8 - tiny
        if witness.kind == "steep":
            lo, hi = p
            return abs(f(hi) - f(lo)) > to_mpf(b) * to_mpf(abs(hi - lo)) + tiny
        if witness.kind == "kink":
            at, h = p
            right = (f(at + h) - f(at)) / to_mpf(h)
            left = (f(at) - f(at - h)) / to_mpf(h)
            return abs(right - left) > to_mpf(b)
        if witness.kind == "kink2":
            at, h = p
            hh = to_mpf(h) ** 2
            right = (f(at + 2 * h) - 2 * f(at + h) + f(at)) / hh
            left = (f(at) - 2 * f(at - h) + f(at - 2 * h)) / hh
            return abs(right - left) > to_mpf(b)
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


def search_witness(kind: str, loss: Loss, fs, bound=None) -> Witness | None:
    for a, b in _candidates(loss):
        w = Witness(kind, (a, b), bound)
        if holds_for(w, fs):
            return w
    return None


def kink_witness(kind: str, at: sp.Expr, jump: sp.Expr, fs) -> Witness | None:
    p = _rational(sp.nsimplify(at))
    g = abs(sp.N(jump, 30)) / 2 if jump.is_finite else sp.Integer(1)
    g = sp.nsimplify(g, rational=True) if g != 0 else sp.Rational(1, 10**6)
    # Second differences divide by h^2: a larger step keeps their rounding far below g.
    for e in ((20, 12, 8) if kind == "kink" else (12, 8, 6)):
        w = Witness(kind, (p, sp.Rational(1, 10**e)), g)
        if holds_for(w, fs):
            return w
    return None


# -- verdicts ----------------------------------------------------------------------------------


def finite_value(v) -> bool | None:
    if v is None:
        return None
    v = sp.sympify(v)
    if v in (sp.oo, sp.zoo):
        return False
    return True if v.is_finite else None


def as_bool(v) -> bool | None:
    """A lossmath verdict as True/False/None (a condition that is not settled is None)."""
    if v is None or isinstance(v, bool):
        return v
    if v in (sp.true, sp.false):
        return bool(v)
    return None


def order_at(report: LossReport, k: int) -> bool | None:
    """Is the loss ``C^k``? From the classes at the breakpoints (a lower bound may
    prove it, only an exact class can disprove it)."""
    if report.order >= k:
        return True
    return False if report.exact else None


def jumping(report: LossReport, k: int) -> tuple[list, bool]:
    """Breakpoints whose class is below ``C^k`` (``f`` or a derivative up to ``k`` jumps),
    and whether that set is exact."""
    bad = [b for b in report.breakpoints if b.order < k]
    exact = all(b.exact or b.order >= k for b in report.breakpoints)
    return bad, exact


def first_jump(bp) -> tuple[int, sp.Expr]:
    """The first order that jumps at ``bp`` and by how much."""
    for k, j in enumerate(bp.jumps):
        if not (j == 0 or (j.is_zero is True)):
            return k, j
    return len(bp.jumps) - 1, bp.jumps[-1]


_NAMES = ("f", "f'", "f''", "f'''")


def class_text(report: LossReport) -> str:
    """The class in LaTeX: ``C^{1}``, ``C^{\\infty}``, or discontinuous."""
    if report.order == math.inf:
        return "C^{\\infty}"
    return "\\text{discontinuous}" if report.order < 0 else f"C^{{{int(report.order)}}}"


def jump_text(bp, loss: Loss) -> str:
    k, j = first_jump(bp)
    at = expr_latex(bp.at, loss)
    if k == 0:
        return (f"$f$ jumps at $x = {at}$ (from ${expr_latex(bp.left[0], loss)}$ to "
                f"${expr_latex(bp.right[0], loss)}$)")
    return (f"${_NAMES[k]}$ jumps at $x = {at}$, from ${expr_latex(bp.left[k], loss)}$ to "
            f"${expr_latex(bp.right[k], loss)}$")


def linear_interval(loss: Loss):
    """An interval on which ``f'' = 0`` identically, or None."""
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        if iv.expr == 0 or sp.simplify(iv.expr) == 0:
            return iv
    return None


def interval_text(iv, loss: Loss) -> str:
    lo = "-\\infty" if iv.lo == -sp.oo else expr_latex(iv.lo, loss)
    hi = "\\infty" if iv.hi == sp.oo else expr_latex(iv.hi, loss)
    return f"$({lo}, {hi})$"


def chord_witness(loss: Loss) -> Witness | None:
    iv = linear_interval(loss)
    if iv is None:
        return None
    lo = sp.nsimplify(iv.lo) if iv.lo != -sp.oo else None
    hi = sp.nsimplify(iv.hi) if iv.hi != sp.oo else None
    lo_r = _rational(lo) if lo is not None else _rational(hi) - 3
    hi_r = _rational(hi) if hi is not None else _rational(lo) + 3
    a, b = lo_r + (hi_r - lo_r) / 4, hi_r - (hi_r - lo_r) / 4
    return Witness("chord", (a, b))


@dataclass
class Context:
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


def context(decl: Declaration) -> Context:
    inst = instance_loss(decl.anchor)
    # A formula outside the catalog is analysed at its instance only: a disproof there
    # disproves the declaration for all parameters, and an agreement is stated "at" them.
    loss = anchor_loss(decl.anchor) if decl.anchor.catalog else inst
    inst_report = report_of(inst) if inst is not loss else None
    return Context(decl, loss, report_of(loss), inst, inst_report)


def params_text(anchor: AnchorLoss) -> str:
    if not anchor.instance:
        return ""
    return ", ".join(f"${sp.latex(s)} = {sp.latex(v)}$" for s, v in anchor.instance.items())


def state(w: Witness, anchor: AnchorLoss) -> Witness:
    """The witness with its statement (values at 6 digits) in document markup."""
    with mpmath.workdps(DIGITS):
        return _stated(w, anchor)


def _stated(w: Witness, anchor: AnchorLoss) -> Witness:
    f = anchor_evaluator(anchor)
    at = params_text(anchor)
    at = f" (at {at})" if at else ""
    p = w.points

    def v(t):
        return mpmath.nstr(f(t), 6)

    def n(t):
        return sp.latex(t) if len(str(t)) <= 12 else mpmath.nstr(to_mpf(t), 6)

    if w.kind in ("midpoint", "chord", "strong"):
        a, b = p
        m = (a + b) / 2
        s = (f"$a = {n(a)}$, $b = {n(b)}$: $f(\\tfrac{{a+b}}{{2}}) = {v(m)}$, "
             f"$\\tfrac{{f(a) + f(b)}}{{2}} = {mpmath.nstr((f(a) + f(b)) / 2, 6)}$")
        if w.kind == "strong":
            gap = (f(a) + f(b)) / 2 - f(m)
            need = to_mpf(w.bound) * to_mpf((b - a) ** 2) / 8
            s += (f": the gap ${mpmath.nstr(gap, 6)}$ is below $m (b-a)^2/8 = "
                  f"{mpmath.nstr(need, 6)}$ for $m = {sp.latex(w.bound)}$")
    elif w.kind == "steep":
        a, b = p
        ratio = abs(f(b) - f(a)) / to_mpf(abs(b - a))
        s = (f"$a = {n(a)}$, $b = {n(b)}$: $|f(b) - f(a)| / |b - a| = "
             f"{mpmath.nstr(ratio, 6)} > {sp.latex(w.bound)}$")
    elif w.kind in ("kink", "kink2"):
        at_, h = p
        if w.kind == "kink":
            r = (f(at_ + h) - f(at_)) / to_mpf(h)
            left = (f(at_) - f(at_ - h)) / to_mpf(h)
            what = "difference quotients"
        else:
            r = (f(at_ + 2 * h) - 2 * f(at_ + h) + f(at_)) / to_mpf(h) ** 2
            left = (f(at_) - 2 * f(at_ - h) + f(at_ - 2 * h)) / to_mpf(h) ** 2
            what = "second differences"
        s = (f"at $x = {n(at_)}$ with $h = 10^{{{int(math.log10(float(h)))}}}$ the one-sided "
             f"{what} are ${mpmath.nstr(left, 6)}$ (left) and ${mpmath.nstr(r, 6)}$ (right)")
    else:
        (t,) = p
        s = f"$f({n(t)}) = {v(t)}$ but $f({n(-t)}) = {v(-t)}$"
    return Witness(w.kind, w.points, w.bound, s + at)


