"""The questions: for each trait the anchors declare, lossmath's verdict, its reason and a
witness when the trait fails (:data:`QUESTIONS`, by the name a trait definition compares)."""

from __future__ import annotations

import mpmath
import sympy as sp

from lossmath.analysis import LossReport
from lossmath.base import budget
from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.crosscheck.witnesses import (
    MODULUS,
    STEEP,
    Context,
    Witness,
    anchor_evaluator,
    as_bool,
    chord_witness,
    class_text,
    finite_value,
    first_jump,
    holds_for,
    interval_text,
    jump_text,
    jumping,
    kink_witness,
    linear_interval,
    order_at,
    params_text,
    search_witness,
    to_mpf,
)
from lossmath.render.latex import expr_latex

__all__ = ["QUESTIONS"]


# -- the questions -----------------------------------------------------------------------------


def _convex(c: Context):
    r = c.report
    v = None if r is None else as_bool(r.convex)
    if v is None and c.inst_report is not None:
        v = as_bool(c.inst_report.convex)
    if v is True:
        return True, ("lossmath proves $f'' \\geq 0$ on every interval and no downward jump "
                      "of $f'$."), None
    if v is False:
        rep = c.inst_report or c.report
        why = _nonconvex_reason(c.inst, rep)
        return False, why, search_witness("midpoint", c.inst, c.f())
    return None, "lossmath could not decide convexity.", None


def _nonconvex_reason(loss: Loss, report: LossReport | None) -> str:
    if report is not None:
        for bp in report.breakpoints:
            k, j = first_jump(bp)
            if k == 0 or (k == 1 and j.is_negative):
                return jump_text(bp, loss) + ", so $f$ lies above a chord there."
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        t = iv.sample({})
        val = iv.expr.xreplace({x: t})
        if sp.N(val, 20) < 0:
            return (f"$f''({sp.latex(t)}) = {mpmath.nstr(to_mpf(val), 6)} < 0$ on the interval "
                    f"{interval_text(iv, loss)}.")
    return "lossmath proves that $f$ is not convex."


def _strictly_convex(c: Context):
    r = c.report
    conv = None if r is None else as_bool(r.convex)
    v = None if r is None else as_bool(getattr(r, "strictly_convex", None))
    if conv is False:
        return False, "$f$ is not convex (previous trait), so not strictly convex.", \
            search_witness("midpoint", c.inst, c.f())
    iv = linear_interval(c.inst)
    if iv is not None and v is not True:
        w = chord_witness(c.inst)
        return False, (f"$f'' = 0$ on {interval_text(iv, c.inst)}: $f$ is affine there, so "
                       "a chord lies on the graph."), w
    if v is True:
        return True, "lossmath proves strict convexity.", None
    if v is None and conv is True and iv is None:
        return None, ("$f'' > 0$ except at isolated points is not proved; lossmath leaves "
                      "strict convexity undecided."), None
    return v, "lossmath's verdict." if v is not None else "undecided.", None


def _strongly_convex(c: Context):
    r = c.report
    conv = None if r is None else as_bool(r.convex)
    if conv is False:
        return False, "$f$ is not convex, so not strongly convex.", \
            search_witness("midpoint", c.inst, c.f())
    m = None if r is None else getattr(r, "strong_convexity", None)
    iv = linear_interval(c.inst)
    if iv is not None:
        return False, (f"$f'' = 0$ on {interval_text(iv, c.inst)}, so "
                       "$\\inf f'' = 0$: no modulus $m > 0$ works."), \
            chord_witness(c.inst) and search_witness("strong", c.inst, c.f(), MODULUS)
    if m is not None:
        m = sp.sympify(m)
        if m == 0:
            reason = ("$\\inf_x f''(x) = 0$ (lossmath's strong-convexity modulus is $0$): "
                      "for every $m > 0$ some pair of points violates $m$-strong convexity.")
            return False, reason, search_witness("strong", c.inst, c.f(), MODULUS)
        if m.is_positive:
            return True, f"$\\inf_x f''(x) = {expr_latex(m, c.loss)} > 0$.", None
    if conv is True:
        w = search_witness("strong", c.inst, c.f(), MODULUS)
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


def _differentiable(c: Context, k: int):
    r = c.report or c.inst_report
    if r is None:
        return None, "the analysis ran out of time.", None
    v = order_at(r, k)
    word = "differentiable" if k == 1 else "twice differentiable"
    if v is True:
        return True, f"$f$ is ${class_text(r)}$: {word} everywhere.", None
    if v is False:
        ri = c.inst_report or r
        bad, _ = jumping(ri, k)
        bp = bad[0]
        kind = "kink" if first_jump(bp)[0] < k else "kink2"
        j = bp.jumps[first_jump(bp)[0]]
        w = kink_witness(kind if k == 2 else "kink", bp.at, j, c.f())
        return False, jump_text(bp, c.inst) + f": not {word} there.", w
    return None, f"lossmath gives only a lower bound on the class ({class_text(r)}).", None


def _pointwise(c: Context, k: int):
    """The declared exceptional points against the breakpoints where the class is below
    ``C^k`` (at the instance parameters)."""
    r = c.inst_report or c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    bad, exact = jumping(r, k)
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
        k0, j = first_jump(bp)
        w = kink_witness("kink" if k0 < 2 else "kink2", bp.at, j, c.f())
        return tuple(sorted(found, key=float)), (
            f"{jump_text(bp, c.inst)}, a point the declaration calls {word}; lossmath's "
            f"points where $f$ is not {word}: {shown}."), w
    return tuple(sorted(found, key=float)), (
        f"$f$ is {word} at ${expr_latex(extra[0])}$ (no breakpoint of that class there); "
        f"lossmath's points: {shown}."), None


def _lipschitz(c: Context):
    r = c.report
    v = None
    if r is not None:
        lip = getattr(r, "lipschitz", None)
        v = finite_value(lip) if lip is not None else None
        if v is None and r.order < 0 and r.exact:
            v = False
        if v is None and r.order >= 0 and r.gradient_bound is not None:
            v = finite_value(r.gradient_bound)
    if v is True:
        bound = getattr(r, "lipschitz", None) or r.gradient_bound
        return True, f"$f$ is continuous and $\\sup |f'| = {expr_latex(bound, c.loss)}$.", None
    if v is False:
        rep = c.inst_report or r
        disc = [b for b in rep.breakpoints if b.order < 0]
        if disc:
            why = (jump_text(disc[0], c.inst) + ": the slope of a chord across it grows "
                   "without bound.")
        else:
            why = "$\\sup |f'| = \\infty$: $f'$ grows without bound."
        return False, why, search_witness("steep", c.inst, c.f(), STEEP)
    return None, "lossmath could not decide a Lipschitz constant.", None


def _locally_lipschitz(c: Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    if r.order < 0 and r.exact:
        disc = [b for b in (c.inst_report or r).breakpoints if b.order < 0]
        return False, (jump_text(disc[0], c.inst) + ": near the jump no constant bounds "
                       "the slope of a chord, on any interval around it."), \
            search_witness("steep", c.inst, c.f(), STEEP)
    if r.order >= 1:
        return (True, f"$f$ is ${class_text(r)}$, so $f'$ is bounded on every bounded "
                "interval.", None)
    if as_bool(r.convex) is True:
        return True, "$f$ is convex, and a convex function on $\\mathbb{R}$ is locally " \
            "Lipschitz.", None
    return None, "lossmath does not decide local Lipschitz continuity here.", None


def _curvature_bounded(c: Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    cb = getattr(r, "curvature_bound", None)
    v = finite_value(cb) if cb is not None else None
    if v is None and r.order < 1 and r.exact:
        v = False
    if v is False:
        bad, _ = jumping(c.inst_report or r, 1)
        if bad:
            bp = bad[0]
            return False, jump_text(bp, c.inst) + ", so $f'$ is not Lipschitz.", \
                kink_witness("kink", bp.at, bp.jumps[first_jump(bp)[0]], c.f())
        return False, "$\\sup |f''| = \\infty$.", None
    if v is True:
        return True, f"$\\sup |f''| = {expr_latex(cb, c.loss)}$.", None
    return None, "lossmath could not decide whether $f'$ is Lipschitz.", None


def _symmetric(c: Context):
    depends = c.decl.anchor.params and "τ" in c.decl.text
    r = c.inst_report if depends else (c.report or c.inst_report)
    v = None if r is None else as_bool(r.symmetric)
    if v is None and not depends and c.inst_report is not None:
        v = as_bool(c.inst_report.symmetric)
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
        if holds_for(w, fs):
            return w
    return None


def _calibrated(c: Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    if as_bool(r.convex) is not True:
        if as_bool(r.calibrated) is not True:
            return None, ("$f$ is not proved convex; the criterion of Bartlett, Jordan and "
                          "McAuliffe decides calibration only for convex losses."), None
        ours = to_mpf(c.inst.table.value_at(sp.S.Zero))
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
        return False, (jump_text(bp, c.inst) + ": $f$ is convex but not differentiable at "
                       "0, so not classification-calibrated."), \
            kink_witness("kink", bp.at, bp.jumps[first_jump(bp)[0]], c.f())
    d1 = c.inst.derivative(1).table.value_at(sp.S.Zero)
    own = sp.sympify(d1).is_negative
    given = as_bool(getattr(r, "calibrated", None))
    sign = given if given is not None else own
    at = params_text(c.decl.anchor)
    at = f" (at {at})" if at else ""
    if sign is True:
        return True, (f"$f$ is convex, differentiable at 0 and $f'(0) = "
                      f"{expr_latex(d1, c.inst)} < 0${at}."), None
    if sign is False:
        return False, f"$f'(0) = {expr_latex(d1, c.inst)} \\geq 0${at}.", None
    return None, "the sign of $f'(0)$ is undecided.", None


def _continuity(c: Context):
    r = c.report
    if r is None:
        return None, "the analysis ran out of time.", None
    k = c.decl.declared
    cls = class_text(r)
    if k >= 2:
        if r.order >= 2:
            return k, f"$\\rho$ is ${cls}$ (at least $C^2$).", None
    elif r.order == k and r.exact:
        return k, f"$\\rho$ is exactly ${cls}$.", None
    if not r.exact and r.order < k:
        return None, f"lossmath proves only a lower bound (${cls}$).", None
    bad, _ = jumping(c.inst_report or r, min(k + 1, 3))
    why = f"$\\rho$ is ${cls}$" + (f": {jump_text(bad[0], c.inst)}" if bad else "") + "."
    w = None
    if r.order < k and bad:
        k0, j = first_jump(bad[0])
        w = kink_witness("kink" if k0 <= 1 else "kink2", bad[0].at, j, c.f()) if k0 >= 1 else \
            search_witness("steep", c.inst, c.f(), STEEP)
    order = -1 if r.order < 0 else (2 if r.order >= 2 else int(r.order))
    return order, why, w


def _redescending(c: Context):
    d1 = c.inst.derivative(1).table.intervals
    ends = (d1[0], d1[-1])
    if all(iv.expr == 0 or sp.simplify(iv.expr) == 0 for iv in ends):
        return "hard", (f"$\\psi = \\rho' = 0$ on {interval_text(d1[0], c.inst)} and "
                        f"{interval_text(d1[-1], c.inst)}."), None
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


def _gradient_bound(c: Context):
    r = c.inst_report or c.report
    if r is None or r.gradient_bound is None:
        return None, "lossmath could not decide $\\sup |f'|$.", None
    declared = sp.sympify(c.decl.declared).xreplace(dict(c.decl.anchor.instance))
    same = sp.simplify(r.gradient_bound - declared) == 0
    text = f"$\\sup |f'| = {expr_latex(r.gradient_bound)}$ at {params_text(c.decl.anchor)}."
    return (c.decl.declared if same else r.gradient_bound), text, None


QUESTIONS = {
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


