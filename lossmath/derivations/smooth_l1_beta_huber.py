"""Smooth L1 with a width parameter beta, Huber's loss with delta, and how they convert.

Derives both losses, their derivatives and their smoothness at the symbolic breakpoints
|x| = beta and |x| = delta, proves huber(x; delta) = delta * smooth_l1(x; beta=delta) interval
by interval, and takes the limits of the parameters.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from lossmath import Loss, analyse, get_loss, x
from lossmath.docs.document import (
    Document,
    claim,
    class_latex,
    convention_markup,
    messages,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.exact.zeros import is_zero
from lossmath.render.latex import derivative_latex, expr_latex, loss_latex
from lossmath.render.plot import Curve, FigureSpec

SL1, HUBER = r"\operatorname{smooth}_{L_1}", r"\operatorname{Huber}"

#: Parameter values drawn in the figures.
WIDTHS = (sp.Rational(1, 2), sp.Integer(1), sp.Integer(2))


def _equations(doc: Document, name: str, loss, orders=(0, 1, 2)) -> list[int]:
    args = "x; " + ", ".join(p.latex or p.name for p in loss.params)
    numbers = []
    for n in orders:
        d = loss.derivative(n)
        rhs = [loss_latex(d)]
        by_interval = loss_latex(d, form="intervals")
        if n > 0 and by_interval not in rhs:
            rhs.append(by_interval)
        lhs = derivative_latex(name, n, args=args)
        numbers.append(doc.equation(lhs + " = " + " = ".join(rhs)))
    return numbers


def _same_function(a, b) -> bool:
    """Equal on every interval and at every breakpoint (values as the tables define them)."""
    ta, tb = a.table, b.table
    if len(ta.breakpoints) != len(tb.breakpoints):
        return False
    samples = ta.samples
    for p, q in zip(ta.breakpoints, tb.breakpoints):
        if is_zero(p.at - q.at, samples).value is not True:
            return False
        if is_zero(p.value - q.value, samples).value is not True:
            return False
    return all(
        is_zero(u.expr - v.expr, samples).value is True
        for u, v in zip(ta.intervals, tb.intervals)
    )


def _piece_on(loss, where: str) -> sp.Expr:
    """The source piece active near 0 (``"inner"``) or for large |x| (``"outer"``)."""
    ivs = loss.table.intervals
    iv = ivs[-1] if where == "outer" else next(i for i in ivs if i.lo < 0 < i.hi)
    return loss.table.pieces[iv.piece][0]


def _owner(loss, bp) -> str:
    """Which piece owns ``bp``: ``"both"`` (one piece on both sides), ``"inner"`` (the one
    around 0) or ``"outer"``."""
    left, right = loss.table.neighbours(analyse(loss).breakpoints.index(bp))
    if bp.owner == left.piece == right.piece:
        return "both"
    inner = next(i for i in loss.table.intervals if i.lo < 0 < i.hi).piece
    return "inner" if bp.owner == inner else "outer"


def build(doc: Document) -> None:
    """Compute every formula, number, table and figure once; the sentences come from the
    message module of ``doc.lang`` (``_smooth_l1_beta_huber_en.py``, ``..._zh.py``)."""
    m = messages(__file__, doc.lang)
    family = get_loss("smooth_l1")
    huber = get_loss("huber")
    (p_beta,) = family.params
    (p_delta,) = huber.params
    beta, delta = p_beta.symbol, p_delta.symbol
    v = SimpleNamespace(SL1=SL1, HUBER=HUBER, b=p_beta.latex, d=p_delta.latex, source=doc.source)
    girshick, huber_ref = family.references[0], huber.references[0]
    rs, rh = analyse(family), analyse(huber)

    doc.title = m.title(v)
    v.cite_girshick, v.cite_huber = doc.cite(girshick), doc.cite(huber_ref)
    doc.paragraph(m.intro(v))

    # -- smooth L1 with beta --------------------------------------------------------------
    doc.heading(m.h_sl1(v))
    v.s0, v.s1, v.s2 = _equations(doc, SL1, family)
    sb = next(b for b in rs.breakpoints if b.at.is_positive)
    v.sb_at, v.sb_value = expr_latex(sb.at, family), expr_latex(sb.value, family)
    v.sl1_tab = smoothness_table(doc, family, sb, m.sl1_caption(v))
    claim(rs.symmetric, "smooth L1 is even")
    curv_sl1 = _piece_on(family.derivative(2), "inner")
    claim(sp.diff(curv_sl1, beta).is_negative, "the curvature of smooth L1 falls as beta grows")
    v.sl1_sentence = smoothness_sentence(family, sb, doc.lang)
    v.sb_mirror = expr_latex(-sb.at, family)
    v.sl1_bound, v.sl1_curv = expr_latex(rs.gradient_bound, family), expr_latex(curv_sl1, family)
    doc.paragraph(m.sl1(v))

    # -- Huber with delta -----------------------------------------------------------------
    doc.heading(m.h_huber(v))
    v.h0, v.h1, v.h2 = _equations(doc, HUBER, huber)
    hb = next(b for b in rh.breakpoints if b.at.is_positive)
    v.hb_at, v.hb_value = expr_latex(hb.at, huber), expr_latex(hb.value, huber)
    v.h_tab = smoothness_table(doc, huber, hb, m.huber_caption(v))
    curv_h = _piece_on(huber.derivative(2), "inner")
    claim(delta not in curv_h.free_symbols, "Huber's curvature near 0 does not depend on delta")
    claim(sp.diff(rh.gradient_bound, delta).is_positive, "Huber's gradient bound grows with delta")
    claim(_piece_on(huber.derivative(1), "inner") == x, "Huber's gradient is x near 0")
    v.huber_sentence = smoothness_sentence(huber, hb, doc.lang)
    v.h_bound, v.h_bound_neg = expr_latex(rh.gradient_bound, huber), expr_latex(
        -rh.gradient_bound, huber)
    v.h_curv = expr_latex(curv_h, huber)
    doc.paragraph(m.huber(v))

    # -- the conversion -------------------------------------------------------------------
    doc.heading(m.H_CONVERSION)
    at_delta = family.expr.xreplace({beta: delta})
    # piecewise_fold: lossmath tables read a Piecewise at the top level only.
    scaled = Loss("scaled_smooth_l1", sp.piecewise_fold(delta * at_delta), params=(p_delta,))
    claim(_same_function(scaled, huber), "huber(x; delta) = delta * smooth_l1(x; beta=delta)")
    for n in (1, 2):
        # The derivatives agree on every open interval; at the breakpoints they follow each
        # loss's owner convention, compared below.
        claim(all(is_zero(u.expr - v_.expr, huber.table.samples).value for u, v_ in
                  zip(scaled.derivative(n).table.intervals, huber.derivative(n).table.intervals)),
              f"the derivatives of order {n} agree between the breakpoints")
    v.conv = doc.equation(
        f"{HUBER}(x; {v.d}) = {v.d} \\, {SL1}(x; {v.b} = {v.d}) = {loss_latex(scaled)}"
    )
    bound_product = delta * rs.gradient_bound.xreplace({beta: delta})
    claim(bound_product == rh.gradient_bound, "the gradient bounds convert by the factor delta")
    v.bound_product = expr_latex(bound_product, huber)
    v.d2_sl1 = expr_latex(family.derivative(2)(beta), family)
    v.d2_hub = expr_latex(huber.derivative(2)(delta), huber)
    v.sl1_owner, v.h_owner = m.OWNERS[_owner(family, sb)], m.OWNERS[_owner(huber, hb)]
    doc.paragraph(m.conversion(v))
    labels = m.ROW_LABELS
    rows = [
        [labels["breakpoints"], f"$x = \\pm {v.sb_at}$", f"$x = \\pm {v.hb_at}$"],
        [labels["value"], f"${v.sb_value}$", f"${v.hb_value}$"],
        [labels["bound"], f"${v.sl1_bound}$", f"${v.h_bound}$"],
        [labels["curvature"], f"${v.sl1_curv}$", f"${v.h_curv}$"],
        [labels["class"], f"${class_latex(rs.order)}$", f"${class_latex(rh.order)}$"],
        [labels["growth"], m.GROWTH[rs.growth], m.GROWTH[rh.growth]],
        [labels["owner"], v.sl1_owner, v.h_owner],
    ]
    doc.table(m.side_by_side_header(v), rows, m.SIDE_BY_SIDE_CAPTION, align="lcc")

    # -- limits ---------------------------------------------------------------------------
    doc.heading(m.H_LIMITS)
    lims = {}
    for name, loss, sym in (("sl1", family, beta), ("huber", huber, delta)):
        outer, inner = _piece_on(loss, "outer"), _piece_on(loss, "inner")
        # For a fixed x != 0, a small enough parameter puts x in the outer piece and a
        # large enough one in the inner piece; so the pointwise limits are those pieces'.
        lims[name] = (sp.limit(outer, sym, 0, "+"), sp.limit(inner, sym, sp.oo))
    scaled = (sp.limit(beta * _piece_on(family, "outer"), beta, 0, "+"),
              sp.limit(beta * _piece_on(family, "inner"), beta, sp.oo))
    doc.table(
        m.LIMITS_HEADER,
        [
            [f"${SL1}(x; {v.b})$", f"${expr_latex(lims['sl1'][0])}$",
             f"${expr_latex(lims['sl1'][1])}$"],
            [f"${v.b} \\, {SL1}(x; {v.b})$", f"${expr_latex(scaled[0])}$",
             f"${expr_latex(scaled[1])}$"],
            [f"${HUBER}(x; {v.d})$", f"${expr_latex(lims['huber'][0])}$",
             f"${expr_latex(lims['huber'][1])}$"],
        ],
        m.LIMITS_CAPTION,
        align="lcc",
    )
    claim(lims["sl1"][0] == get_loss("l1").expr, "smooth L1 tends to L1 as beta -> 0")
    claim(lims["huber"][1] == get_loss("l2").expr / 2, "Huber tends to L2/2 as delta -> oo")
    claim(scaled[1] == lims["huber"][1], "beta * smooth L1 and Huber have the same large limit")
    v.sl1_at_0, v.sl1_at_oo = expr_latex(lims["sl1"][0]), expr_latex(lims["sl1"][1])
    v.h_at_0, v.h_at_oo = expr_latex(lims["huber"][0]), expr_latex(lims["huber"][1])
    doc.paragraph(m.limits(v))

    # -- figures ----------------------------------------------------------------------------
    l1 = get_loss("l1")
    sl1_curves = tuple(
        Curve(family.subs({p_beta.name: w}), f"$\\beta = {_label(w)}$") for w in WIDTHS
    ) + (Curve(l1, m.limit_label("l1", v), color="#555555", linestyle="--"),)
    v.f1 = doc.figure(
        FigureSpec("smooth_l1_beta", sl1_curves, xlim=(-3.0, 3.0),
                   ylims=((-0.15, 3.15), (-1.35, 1.35))),
        m.sl1_figure_caption(v),
    )
    hub_curves = tuple(
        Curve(huber.subs({p_delta.name: w}), f"$\\delta = {_label(w)}$") for w in WIDTHS
    ) + (Curve(Loss("half_l2", lims["huber"][1]), m.limit_label("half_l2", v),
               color="#555555", linestyle="--"),)
    v.f2 = doc.figure(
        FigureSpec("huber_delta", hub_curves, xlim=(-3.0, 3.0),
                   ylims=((-0.15, 4.65), (-3.15, 3.15))),
        m.huber_figure_caption(v),
    )
    doc.paragraph(m.figures(v))

    # -- conventions ----------------------------------------------------------------------
    doc.heading(doc.words["conventions"])
    doc.bullets(
        [m.convention(m.SL1_LABEL, *convention_markup(family.name, c, doc.lang))
         for c in family.conventions]
        + [m.convention(m.HUBER_LABEL, *convention_markup(huber.name, c, doc.lang))
           for c in huber.conventions]
    )


def _label(value: sp.Expr) -> str:
    return f"{float(value):g}"
