"""Smooth L1 with a width parameter beta, Huber's loss with delta, and how they convert.

Derives both losses, their derivatives and their smoothness at the symbolic breakpoints
|x| = beta and |x| = delta, proves huber(x; delta) = delta * smooth_l1(x; beta=delta) interval
by interval, and takes the limits of the parameters.
"""

from __future__ import annotations

import sympy as sp

from lossmath import Loss, analyse, get_loss, x
from lossmath.document import (
    Document,
    claim,
    class_latex,
    convention_markup,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.latex import derivative_latex, expr_latex, loss_latex
from lossmath.plot import Curve, FigureSpec
from lossmath.zeros import is_zero

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


def _owner_text(loss, bp) -> str:
    left, right = loss.table.neighbours(analyse(loss).breakpoints.index(bp))
    if bp.owner == left.piece == right.piece:
        return "both sides"
    inner = next(i for i in loss.table.intervals if i.lo < 0 < i.hi).piece
    return "the quadratic piece" if bp.owner == inner else "the linear piece"


def build(doc: Document) -> None:
    family = get_loss("smooth_l1")
    huber = get_loss("huber")
    (p_beta,) = family.params
    (p_delta,) = huber.params
    beta, delta = p_beta.symbol, p_delta.symbol
    b_tex, d_tex = p_beta.latex, p_delta.latex
    girshick, huber_ref = family.references[0], huber.references[0]
    rs, rh = analyse(family), analyse(huber)

    doc.title = f"Smooth $L_1$ with ${b_tex}$ and the Huber loss with ${d_tex}$"
    doc.paragraph(
        f"Fast R-CNN's smooth $L_1$ {doc.cite(girshick)} joins a parabola to two straight "
        f"lines at $|x| = 1$. Its general form has a parameter ${b_tex} > 0$, the half-width of "
        "the quadratic zone (PyTorch's `smooth_l1_loss(..., beta)`); Huber's robust loss "
        f"{doc.cite(huber_ref)} is the same construction with a parameter ${d_tex}$ and "
        "another scaling. This document derives both, proves the conversion between them, "
        "and takes the limits of the parameters. Everything is computed by lossmath from the "
        f"two definitions; the source is `{doc.source}`."
    )

    # -- smooth L1 with beta --------------------------------------------------------------
    doc.heading(f"Smooth $L_1$ with ${b_tex}$")
    s0, s1, s2 = _equations(doc, SL1, family)
    sb = next(b for b in rs.breakpoints if b.at.is_positive)
    sl1_tab = smoothness_table(
        doc, family, sb, f"Smooth $L_1$ at its breakpoint $x = {expr_latex(sb.at, family)}$."
    )
    claim(rs.symmetric, "smooth L1 is even")
    curv_sl1 = _piece_on(family.derivative(2), "inner")
    claim(sp.diff(curv_sl1, beta).is_negative, "the curvature of smooth L1 falls as beta grows")
    doc.paragraph(
        f"The breakpoints are $x = \\pm {expr_latex(sb.at, family)}$, where ({s0}) takes the "
        f"value ${expr_latex(sb.value, family)}$; Table {sl1_tab} lists the one-sided limits "
        f"there. {smoothness_sentence(family, sb)} The loss is even, so "
        f"$x = {expr_latex(-sb.at, family)}$ is the mirror image. By ({s1}) the slope never "
        "exceeds "
        f"$\\sup_x |{SL1}'(x)| = {expr_latex(rs.gradient_bound, family)}$, whatever "
        f"${b_tex}$ is, while by ({s2}) the curvature in the quadratic zone is "
        f"${expr_latex(curv_sl1, family)}$: a smaller ${b_tex}$ makes a narrower, sharper "
        "parabola."
    )

    # -- Huber with delta -----------------------------------------------------------------
    doc.heading(f"The Huber loss with ${d_tex}$")
    h0, h1, h2 = _equations(doc, HUBER, huber)
    hb = next(b for b in rh.breakpoints if b.at.is_positive)
    h_tab = smoothness_table(
        doc, huber, hb, f"The Huber loss at its breakpoint $x = {expr_latex(hb.at, huber)}$."
    )
    curv_h = _piece_on(huber.derivative(2), "inner")
    claim(delta not in curv_h.free_symbols, "Huber's curvature near 0 does not depend on delta")
    claim(sp.diff(rh.gradient_bound, delta).is_positive, "Huber's gradient bound grows with delta")
    claim(_piece_on(huber.derivative(1), "inner") == x, "Huber's gradient is x near 0")
    doc.paragraph(
        f"The breakpoints are $x = \\pm {expr_latex(hb.at, huber)}$, where ({h0}) takes the "
        f"value ${expr_latex(hb.value, huber)}$; Table {h_tab} lists the one-sided limits "
        f"there. {smoothness_sentence(huber, hb)} By ({h1}) the gradient is $x$ clipped to "
        f"$[{expr_latex(-rh.gradient_bound, huber)}, {expr_latex(rh.gradient_bound, huber)}]$, "
        f"so $\\sup_x |{HUBER}'(x)| = {expr_latex(rh.gradient_bound, huber)}$ grows with "
        f"${d_tex}$, and by ({h2}) the curvature in the quadratic zone is "
        f"${expr_latex(curv_h, huber)}$ whatever ${d_tex}$ is."
    )

    # -- the conversion -------------------------------------------------------------------
    doc.heading("From one to the other")
    at_delta = family.expr.xreplace({beta: delta})
    # piecewise_fold: lossmath tables read a Piecewise at the top level only.
    scaled = Loss("scaled_smooth_l1", sp.piecewise_fold(delta * at_delta), params=(p_delta,))
    claim(_same_function(scaled, huber), "huber(x; delta) = delta * smooth_l1(x; beta=delta)")
    for n in (1, 2):
        # The derivatives agree on every open interval; at the breakpoints they follow each
        # loss's owner convention, compared below.
        claim(all(is_zero(u.expr - v.expr, huber.table.samples).value for u, v in
                  zip(scaled.derivative(n).table.intervals, huber.derivative(n).table.intervals)),
              f"the derivatives of order {n} agree between the breakpoints")
    conv = doc.equation(
        f"{HUBER}(x; {d_tex}) = {d_tex} \\, {SL1}(x; {b_tex} = {d_tex}) = {loss_latex(scaled)}"
    )
    bound_product = delta * rs.gradient_bound.xreplace({beta: delta})
    claim(bound_product == rh.gradient_bound, "the gradient bounds convert by the factor delta")
    d2_sl1 = family.derivative(2)(beta)
    d2_hub = huber.derivative(2)(delta)
    doc.paragraph(
        f"Substituting ${b_tex} = {d_tex}$ in ({s0}) and multiplying by ${d_tex}$ gives "
        f"({conv}); lossmath checks that it equals ({h0}) on every interval and at every "
        "breakpoint, so the two losses are one function up to scale: "
        f"$\\sup_x |{HUBER}'| = {d_tex} \\sup_x |{SL1}'| = "
        f"{expr_latex(bound_product, huber)}$, and "
        f"smooth $L_1$ with ${b_tex}$ is Huber with ${d_tex} = {b_tex}$ divided by ${b_tex}$. "
        f"The only difference is who owns the breakpoint: smooth $L_1$ gives "
        f"$|x| = {b_tex}$ to {_owner_text(family, sb)} (strict $<$), Huber gives "
        f"$|x| = {d_tex}$ to {_owner_text(huber, hb)} ($\\leq$). Value and slope agree on both "
        "sides, so only the second derivative at the breakpoint depends on it: "
        f"${SL1}''({b_tex}) = {expr_latex(d2_sl1, family)}$ but "
        f"${HUBER}''({d_tex}) = {expr_latex(d2_hub, huber)}$."
    )
    rows = [
        ["breakpoints", f"$x = \\pm {expr_latex(sb.at, family)}$",
         f"$x = \\pm {expr_latex(hb.at, huber)}$"],
        ["value there", f"${expr_latex(sb.value, family)}$", f"${expr_latex(hb.value, huber)}$"],
        ["$\\sup_x |f'(x)|$", f"${expr_latex(rs.gradient_bound, family)}$",
         f"${expr_latex(rh.gradient_bound, huber)}$"],
        ["curvature near 0", f"${expr_latex(_piece_on(family.derivative(2), 'inner'), family)}$",
         f"${expr_latex(_piece_on(huber.derivative(2), 'inner'), huber)}$"],
        ["smoothness", f"${class_latex(rs.order)}$", f"${class_latex(rh.order)}$"],
        ["growth", rs.growth, rh.growth],
        ["owner of the breakpoint", _owner_text(family, sb), _owner_text(huber, hb)],
    ]
    doc.table(["", f"smooth $L_1$ (${b_tex}$)", f"Huber (${d_tex}$)"], rows,
              "The two parameterisations side by side.", align="lcc")

    # -- limits ---------------------------------------------------------------------------
    doc.heading("Limits of the parameters")
    lims = {}
    for name, loss, sym in (("sl1", family, beta), ("huber", huber, delta)):
        outer, inner = _piece_on(loss, "outer"), _piece_on(loss, "inner")
        # For a fixed x != 0, a small enough parameter puts x in the outer piece and a
        # large enough one in the inner piece; so the pointwise limits are those pieces'.
        lims[name] = (sp.limit(outer, sym, 0, "+"), sp.limit(inner, sym, sp.oo))
    scaled = (sp.limit(beta * _piece_on(family, "outer"), beta, 0, "+"),
              sp.limit(beta * _piece_on(family, "inner"), beta, sp.oo))
    doc.table(
        ["", "parameter $\\to 0^+$", "parameter $\\to \\infty$"],
        [
            [f"${SL1}(x; {b_tex})$", f"${expr_latex(lims['sl1'][0])}$",
             f"${expr_latex(lims['sl1'][1])}$"],
            [f"${b_tex} \\, {SL1}(x; {b_tex})$", f"${expr_latex(scaled[0])}$",
             f"${expr_latex(scaled[1])}$"],
            [f"${HUBER}(x; {d_tex})$", f"${expr_latex(lims['huber'][0])}$",
             f"${expr_latex(lims['huber'][1])}$"],
        ],
        "Pointwise limits for every fixed $x$, from the piece that holds there in the limit.",
        align="lcc",
    )
    claim(lims["sl1"][0] == get_loss("l1").expr, "smooth L1 tends to L1 as beta -> 0")
    claim(lims["huber"][1] == get_loss("l2").expr / 2, "Huber tends to L2/2 as delta -> oo")
    claim(scaled[1] == lims["huber"][1], "beta * smooth L1 and Huber have the same large limit")
    doc.paragraph(
        f"As ${b_tex} \\to 0$ the quadratic zone vanishes and smooth $L_1$ becomes "
        f"${expr_latex(lims['sl1'][0])}$, the $L_1$ loss; as ${b_tex} \\to \\infty$ it flattens "
        f"to ${expr_latex(lims['sl1'][1])}$. Huber tends to ${expr_latex(lims['huber'][0])}$ "
        f"as ${d_tex} \\to 0$ and to ${expr_latex(lims['huber'][1])}$, half the squared error "
        f"$L_2$, as ${d_tex} \\to \\infty$; rescaled by ${b_tex}$, smooth $L_1$ has the same "
        "limits as Huber, as the conversion requires."
    )

    # -- figures ----------------------------------------------------------------------------
    l1 = get_loss("l1")
    sl1_curves = tuple(
        Curve(family.subs({p_beta.name: w}), f"$\\beta = {_label(w)}$") for w in WIDTHS
    ) + (Curve(l1, "$|x|$ ($\\beta \\to 0$)", color="#555555", linestyle="--"),)
    f1 = doc.figure(
        FigureSpec("smooth_l1_beta", sl1_curves, xlim=(-3.0, 3.0),
                   ylims=((-0.15, 3.15), (-1.35, 1.35))),
        f"Smooth $L_1$ for several ${b_tex}$ (left) and its derivative (right); dashed: "
        f"the limit ${b_tex} \\to 0$. Dots mark the breakpoints $x = \\pm {b_tex}$.",
    )
    hub_curves = tuple(
        Curve(huber.subs({p_delta.name: w}), f"$\\delta = {_label(w)}$") for w in WIDTHS
    ) + (Curve(Loss("half_l2", lims["huber"][1]), "$x^2/2$ ($\\delta \\to \\infty$)",
               color="#555555", linestyle="--"),)
    f2 = doc.figure(
        FigureSpec("huber_delta", hub_curves, xlim=(-3.0, 3.0),
                   ylims=((-0.15, 4.65), (-3.15, 3.15))),
        f"The Huber loss for several ${d_tex}$ (left) and its derivative (right); dashed: "
        f"the limit ${d_tex} \\to \\infty$. Dots mark the breakpoints $x = \\pm {d_tex}$.",
    )
    doc.paragraph(
        f"Figure {f1} shows every smooth $L_1$ with slope at most "
        f"${expr_latex(rs.gradient_bound, family)}$ and the corner of $L_1$ rounded off over "
        f"$|x| < {b_tex}$. Figure {f2} shows the Huber gradients capped at $\\pm {d_tex}$, "
        f"rising with slope ${expr_latex(_piece_on(huber.derivative(2), 'inner'), huber)}$ "
        "between."
    )

    # -- conventions ----------------------------------------------------------------------
    doc.heading("Conventions")
    doc.bullets(
        ["smooth $L_1$, " + ": ".join(convention_markup(family.name, c))
         for c in family.conventions]
        + ["Huber, " + ": ".join(convention_markup(huber.name, c)) for c in huber.conventions]
    )


def _label(value: sp.Expr) -> str:
    return f"{float(value):g}"
