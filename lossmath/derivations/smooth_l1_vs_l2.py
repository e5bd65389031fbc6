"""Why Fast R-CNN regresses boxes with smooth L1 and not L2: the classic gradient argument.

Follows the Zhihu answer by 杨指北 (2019) that started lossmath (definitions and derivatives
of L2, L1 and smooth L1, the argument about their gradients, the figure) with every
formula, number and table computed by lossmath, and adds what that answer leaves
implicit: the derivative of L1 at its kink, gradient descent with one fixed learning
rate on all three losses, and the smoothness check at |x| = 1.

The prose is in ``_smooth_l1_vs_l2_en.py`` and ``_smooth_l1_vs_l2_zh.py`` (the Chinese
edition, ``lossmath derive --lang zh``); this file computes what both editions show.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from lossmath import analyse, get_loss, x
from lossmath.core.loss import Reference
from lossmath.docs.document import (
    Document,
    claim,
    class_latex,
    convention_markup,
    decimal,
    decimal_latex,
    messages,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.render.latex import derivative_latex, expr_latex, loss_latex
from lossmath.render.plot import Curve, FigureSpec

L2, L1, SL1 = "L_2", "L_1", r"\operatorname{smooth}_{L_1}"

FASTER_RCNN = Reference(
    authors=("Shaoqing Ren", "Kaiming He", "Ross Girshick", "Jian Sun"),
    title="Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks",
    venue="NeurIPS",
    year=2015,
    arxiv="1506.01497",
)
SSD = Reference(
    authors=("Wei Liu", "Dragomir Anguelov", "Dumitru Erhan", "Christian Szegedy",
             "Scott Reed", "Cheng-Yang Fu", "Alexander C. Berg"),
    title="SSD: Single Shot MultiBox Detector",
    venue="ECCV",
    year=2016,
    arxiv="1512.02325",
)

#: Checked against the book's text (Theorem 2.1.14 states the fixed-step condition 0 < h < 2/L
#: for f in F_L^{1,1}) and its copyright page (DOI, series and volume).
NESTEROV = Reference(
    authors=("Yurii Nesterov",),
    title="Lectures on Convex Optimization",
    venue="Springer Optimization and Its Applications 137, 2nd edition",
    year=2018,
    doi="10.1007/978-3-319-91578-4",
    note="Theorem 2.1.14: gradient descent with a fixed step 0 < h < 2/L converges on a "
    "convex function whose gradient is L-Lipschitz",
)

#: Gradient descent illustration: start far from the optimum, one fixed learning rate.
START, RATE, STEPS = sp.Integer(3), sp.Rational(6, 5), 8


def _equation(doc: Document, name: str, loss, order: int) -> int:
    """``name^(order)(x) = <pieces>`` and, when it reads differently, ``= <by interval>``."""
    d = loss.derivative(order)
    rhs = [loss_latex(d)]
    by_interval = loss_latex(d, form="intervals")
    if by_interval not in rhs:
        rhs.append(by_interval)
    return doc.equation(derivative_latex(name, order) + " = " + " = ".join(rhs))


def _descent(loss, steps: int = STEPS) -> list[sp.Expr]:
    """Iterates of x <- x - RATE * f'(x), exactly (f' at a breakpoint: its owner's value)."""
    grad = loss.derivative(1)
    xs = [START]
    for _ in range(steps):
        xs.append(xs[-1] - RATE * grad(xs[-1]))
    return xs


def _interval_at(loss, point):
    return next(iv for iv in loss.table.intervals if iv.lo < point < iv.hi)


def build(doc: Document) -> None:
    """Compute every formula, number, table and figure once; the sentences around them come
    from the message module of ``doc.lang`` (``_smooth_l1_vs_l2_en.py``, ``..._zh.py``)."""
    m = messages(__file__, doc.lang)
    v = SimpleNamespace(L2=L2, L1=L1, SL1=SL1, source=doc.source)
    l2 = get_loss("l2")
    l1 = get_loss("l1")
    sl1_family = get_loss("smooth_l1")
    sl1 = sl1_family.with_defaults()  # beta = 1, Fast R-CNN's loss
    girshick = sl1_family.references[0]
    r2, r1, rs = analyse(l2), analyse(l1), analyse(sl1)
    beta = sl1_family.params[0]

    doc.title = m.TITLE
    v.cite_girshick, v.cite_faster, v.cite_ssd = (
        doc.cite(girshick), doc.cite(FASTER_RCNN), doc.cite(SSD))
    doc.paragraph(m.intro(v))
    doc.bullets(m.AIMS)
    # The answer this document follows, and that started lossmath; each edition cites it in
    # its own script (pdflatex typesets no Chinese).
    v.cite_origin = doc.cite(m.ORIGIN)
    doc.paragraph(m.origin(v))
    doc.paragraph(m.computed(v))

    # -- definitions and derivatives ------------------------------------------------------
    doc.heading(m.H_LOSSES)
    doc.equation(f"{L2}(x) = {loss_latex(l2)}")
    doc.equation(f"{L1}(x) = {loss_latex(l1)}")
    v.e3 = doc.equation(f"{SL1}(x) = {loss_latex(sl1)}")
    v.beta, v.beta_default = beta.latex, expr_latex(beta.default)
    v.family = loss_latex(sl1_family)
    doc.paragraph(m.family(v))

    doc.heading(m.H_DERIVATIVES)
    v.e4 = _equation(doc, L2, l2, 1)
    v.e5 = _equation(doc, L1, l1, 1)
    v.e6 = _equation(doc, SL1, sl1, 1)
    kink = r1.breakpoints[0]
    joint = next(b for b in rs.breakpoints if b.at.is_positive)
    v.kink, v.kink_value = expr_latex(kink.at), expr_latex(l1.derivative(1)(kink.at))
    v.joint = expr_latex(joint.at)
    doc.paragraph(m.derivatives(v))

    # -- the argument -----------------------------------------------------------------------
    claim(r2.gradient_bound == sp.oo, "the gradient of L2 is unbounded")
    far = sp.Integer(10)
    v.l2_bound = expr_latex(r2.gradient_bound)
    v.far = expr_latex(far)
    v.g2, v.gs = expr_latex(l2.derivative(1)(far)), expr_latex(sl1.derivative(1)(far))
    doc.heading(m.H_NOT_L2)
    doc.paragraph(m.not_l2(v))

    magnitudes = {sp.Abs(iv.expr) for iv in l1.derivative(1).table.intervals}
    claim(magnitudes == {sp.Integer(1)}, "|L1'(x)| = 1 for every x != 0")
    (magnitude,) = magnitudes
    v.magnitude = expr_latex(magnitude)
    doc.heading(m.H_NOT_L1)
    doc.paragraph(m.not_l1(v))

    inner = _interval_at(sl1.derivative(1), sp.S.Zero)
    at_zero = sp.limit(inner.expr, x, 0)
    claim(rs.gradient_bound.is_finite, "the gradient of smooth L1 is bounded")
    claim(at_zero == 0, "the gradient of smooth L1 vanishes at 0")
    tails = {sp.Abs(iv.expr) for iv in sl1.derivative(1).table.intervals if iv != inner}
    claim(len(tails) == 1 and not tails & {sp.S.Zero}, "smooth L1's slope is constant outside")
    (tail_slope,) = tails
    v.bound = expr_latex(rs.gradient_bound)
    v.inner_lo, v.inner_hi = expr_latex(inner.lo), expr_latex(inner.hi)
    v.inner, v.at_zero, v.tail = expr_latex(inner.expr), expr_latex(at_zero), expr_latex(tail_slope)
    doc.heading(m.H_BOTH)
    doc.paragraph(m.both(v))

    # -- gradient descent illustration ----------------------------------------------------
    doc.heading(m.H_DESCENT)
    runs = {name: _descent(loss) for name, loss in (("l2", l2), ("l1", l1), ("sl1", sl1))}
    eta = sp.Symbol("eta", positive=True)
    l2_factor = sp.factor(sp.cancel((x - eta * l2.derivative(1).table.intervals[0].expr) / x))
    sl1_factor = sp.factor(sp.cancel((x - eta * inner.expr) / x))
    rows = [
        [f"${t}$", *(f"${decimal_latex(runs[k][t])}$" for k in ("l2", "l1", "sl1"))]
        for t in range(STEPS + 1)
    ]
    v.start, v.rate = expr_latex(START), decimal(RATE)
    v.table = doc.table(m.DESCENT_HEADER, rows, m.descent_caption(v), align="rrrr")
    l2_mult = l2_factor.subs(eta, RATE)
    (l2_limit,) = sp.solve(l2_factor + 1, eta)  # |1 - 2 eta| > 1 for eta beyond this
    sl1_mult = sl1_factor.subs(eta, RATE)
    tail = runs["l1"][-4:]
    claim(abs(l2_mult) > 1, "L2 diverges at this learning rate")
    claim(abs(sl1_mult) < 1, "smooth L1 contracts near 0 at this learning rate")
    claim(len(set(tail)) == 2 and tail[0] == tail[2] and tail[1] == tail[3],
          "L1 ends in a two-cycle")
    v.l2_factor, v.l2_mult, v.l2_limit = expr_latex(l2_factor), decimal(l2_mult), \
        expr_latex(l2_limit)
    v.cycle_lo, v.cycle_hi = decimal(min(tail)), decimal(max(tail))
    v.sl1_factor, v.sl1_mult = expr_latex(sl1_factor), decimal(sl1_mult)
    doc.paragraph(m.descent(v))

    # The step sizes of the table, explained: the curvature bound L (the Lipschitz constant
    # of f', computed and proved by the analysis) gives the fixed steps eta < 2/L that
    # converge on a convex L-smooth loss.
    family_report = analyse(sl1_family)
    for report in (r2, r1, rs, family_report):
        claim(report.convex is True and report.curvature_bound is not None
              and report.curvature_bound_method == "symbolic",
              "the curvature bounds are proved and the losses convex")
    claim(r1.curvature_bound == sp.oo, "L1's slope jumps, so no fixed step is safe")
    safe2, safes = 2 / r2.curvature_bound, 2 / rs.curvature_bound
    claim(RATE > safe2 and RATE < safes, "the table's rate is beyond L2's safe steps and "
          "within smooth L1's")
    claim(safe2 == l2_limit, "L2 diverges exactly beyond 2/L")
    v.cite_nesterov = doc.cite(NESTEROV)
    v.L_l2, v.L_l1, v.L_sl1 = (expr_latex(r.curvature_bound) for r in (r2, r1, rs))
    v.safe_l2, v.safe_sl1 = expr_latex(safe2), expr_latex(safes)
    v.L_family = expr_latex(family_report.curvature_bound, sl1_family)
    v.safe_family = expr_latex(2 / family_report.curvature_bound, sl1_family)
    doc.paragraph(m.smoothness_rate(v))

    # -- smoothness at |x| = 1 ------------------------------------------------------------
    right = joint
    doc.heading(m.h_joint(v))
    v.tab = smoothness_table(doc, sl1, right, m.joint_caption(v))
    v.mirror = expr_latex(-right.at) if rs.symmetric else None
    corner = r1.breakpoints[0]
    v.sentence = smoothness_sentence(sl1, right, doc.lang)
    v.corner_class, v.corner = class_latex(corner.order), expr_latex(corner.at)
    v.corner_left, v.corner_right = expr_latex(corner.left[1]), expr_latex(corner.right[1])
    doc.paragraph(m.joint(v))

    # -- the figure -------------------------------------------------------------------------
    spec = FigureSpec(
        name="losses",
        curves=(
            Curve(l1, "$L_1$"),
            Curve(l2, "$L_2$"),
            Curve(sl1, r"smooth $L_1$"),
        ),
        orders=(0, 1),
        xlim=(-3.0, 3.0),
        ylims=((-0.25, 4.25), (-3.2, 3.2)),
    )
    outer = _interval_at(sl1, 2 * right.at)
    v.offset = expr_latex(sp.simplify(sp.Abs(x) - outer.expr).subs(x, 2 * right.at))
    v.fig = doc.figure(spec, m.FIGURE_CAPTION)
    doc.paragraph(m.figure(v))

    # -- Fast R-CNN ---------------------------------------------------------------------------
    doc.heading(m.H_FAST_RCNN)
    v.loc = doc.equation(
        r"L_{\text{loc}}(t^u, v) = \sum_{i \in \{x, y, w, h\}} "
        rf"{SL1}(t^u_i - v_i)"
    )
    doc.paragraph(m.fast_rcnn(v))

    # -- conventions --------------------------------------------------------------------------
    doc.heading(doc.words["conventions"])
    items = []
    for loss, label in ((l1, "$L_1$"), (sl1_family, "smooth $L_1$")):
        for conv in loss.conventions:
            topic, statement = convention_markup(loss.name, conv, doc.lang)
            items.append(m.convention(label, topic, statement))
    doc.bullets(items)
