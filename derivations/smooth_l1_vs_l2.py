"""Why Fast R-CNN regresses boxes with smooth L1 and not L2: the classic gradient argument.

Reproduces the well-known answer (definitions and derivatives of L2, L1 and smooth L1, the
argument about their gradients, the figure) with every formula, number and table computed
by lossmath, and adds what that answer leaves implicit: the derivative of L1 at its kink,
gradient descent with one fixed learning rate on all three losses, and the smoothness check
at |x| = 1.
"""

from __future__ import annotations

import sympy as sp

from lossmath import analyse, get_loss, x
from lossmath.document import (
    Document,
    claim,
    class_latex,
    decimal,
    decimal_latex,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.latex import derivative_latex, expr_latex, loss_latex
from lossmath.loss import Reference
from lossmath.plot import Curve, FigureSpec

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
    l2 = get_loss("l2")
    l1 = get_loss("l1")
    sl1_family = get_loss("smooth_l1")
    sl1 = sl1_family.with_defaults()  # beta = 1, Fast R-CNN's loss
    girshick = sl1_family.references[0]
    r2, r1, rs = analyse(l2), analyse(l1), analyse(sl1)
    beta = sl1_family.params[0]

    doc.title = "Smooth L1 versus L2: why box regression uses smooth L1"
    doc.paragraph(
        f"Fast R-CNN {doc.cite(girshick)}, Faster R-CNN {doc.cite(FASTER_RCNN)} and SSD "
        f"{doc.cite(SSD)} regress bounding boxes with the smooth $L_1$ loss instead of the "
        "squared error $L_2$. The reason is an argument about gradients, which this document "
        "derives. Let $x$ be the elementwise difference between a predicted box coordinate "
        "and its ground truth. We want the loss's gradient to be limited in two ways:"
    )
    doc.bullets([
        "when the prediction is far from the ground truth ($|x|$ large), the gradient should "
        "not be so large that it destabilises the network's parameters;",
        "when the prediction is close ($|x|$ small), the gradient should be small, so that "
        "training can settle at the optimum.",
    ])
    doc.paragraph(
        "Every equation, number, table and figure below is computed by lossmath from the "
        f"losses' definitions; the source of this document is `{doc.source}`."
    )

    # -- definitions and derivatives ------------------------------------------------------
    doc.heading("The three losses")
    doc.equation(f"{L2}(x) = {loss_latex(l2)}")
    doc.equation(f"{L1}(x) = {loss_latex(l1)}")
    e3 = doc.equation(f"{SL1}(x) = {loss_latex(sl1)}")
    doc.paragraph(
        f"Smooth $L_1$ ({e3}) is the member ${beta.latex} = {expr_latex(beta.default)}$ of the "
        f"family ${SL1}(x; {beta.latex}) = {loss_latex(sl1_family)}$, the loss Fast R-CNN "
        "uses; the companion document `smooth_l1_beta_huber` derives the general case."
    )

    doc.heading("Their derivatives")
    e4 = _equation(doc, L2, l2, 1)
    e5 = _equation(doc, L1, l1, 1)
    e6 = _equation(doc, SL1, sl1, 1)
    kink = r1.breakpoints[0]
    joint = next(b for b in rs.breakpoints if b.at.is_positive)
    doc.paragraph(
        f"In ({e5}) and ({e6}) the second form resolves $\\operatorname{{sign}}(x)$ interval "
        f"by interval. At the kink $x = {expr_latex(kink.at)}$ of $L_1$ the derivative does "
        f"not exist; lossmath uses the value of the piece that owns the point, "
        f"$\\operatorname{{sign}}({expr_latex(kink.at)}) = "
        f"{expr_latex(l1.derivative(1)(kink.at))}$, as PyTorch does (often written "
        "$1$ for $x \\geq 0$ instead). The slope of smooth $L_1$ needs no such convention: "
        f"both sides agree at $|x| = {expr_latex(joint.at)}$ (see the smoothness check below)."
    )

    # -- the argument -----------------------------------------------------------------------
    doc.heading("Why not $L_2$: large errors give large gradients")
    claim(r2.gradient_bound == sp.oo, "the gradient of L2 is unbounded")
    far = sp.Integer(10)
    g2, gs = l2.derivative(1)(far), sl1.derivative(1)(far)
    doc.paragraph(
        f"By ({e4}) the gradient of $L_2$ grows in proportion to the error: "
        f"$\\sup_x |{L2}'(x)| = {expr_latex(r2.gradient_bound)}$. Early in training, when "
        "predictions are far from the ground truth, the gradient is very large, and so are "
        f"the parameter updates: at $x = {expr_latex(far)}$ the gradient of $L_2$ is "
        f"${expr_latex(g2)}$, that of smooth $L_1$ is ${expr_latex(gs)}$. A few outliers can "
        "dominate a batch and make training unstable."
    )

    doc.heading("Why not $L_1$: the gradient does not shrink near the optimum")
    magnitudes = {sp.Abs(iv.expr) for iv in l1.derivative(1).table.intervals}
    claim(magnitudes == {sp.Integer(1)}, "|L1'(x)| = 1 for every x != 0")
    (magnitude,) = magnitudes
    doc.paragraph(
        f"By ({e5}) the gradient of $L_1$ has magnitude ${expr_latex(magnitude)}$ for every "
        "$x \\neq 0$: bounded, which is good early in training, but just as large when the "
        "prediction is already close. Late in training, with a fixed learning rate $\\eta$, "
        "every step moves the prediction by the same amount $\\eta$, so it keeps jumping "
        "over the optimum and oscillates around it instead of converging."
    )

    doc.heading("Smooth $L_1$ avoids both")
    inner = _interval_at(sl1.derivative(1), sp.S.Zero)
    at_zero = sp.limit(inner.expr, x, 0)
    claim(rs.gradient_bound.is_finite, "the gradient of smooth L1 is bounded")
    claim(at_zero == 0, "the gradient of smooth L1 vanishes at 0")
    tails = {sp.Abs(iv.expr) for iv in sl1.derivative(1).table.intervals if iv != inner}
    claim(len(tails) == 1 and not tails & {sp.S.Zero}, "smooth L1's slope is constant outside")
    (tail_slope,) = tails
    bound = expr_latex(rs.gradient_bound)
    doc.paragraph(
        f"By ({e6}), for ${expr_latex(inner.lo)} < x < {expr_latex(inner.hi)}$ the gradient "
        f"of smooth $L_1$ is ${expr_latex(inner.expr)}$: it shrinks with the error and "
        f"tends to ${expr_latex(at_zero)}$ as $x \\to 0$, as for $L_2$. "
        f"Outside, it is $\\pm {expr_latex(tail_slope)}$: its magnitude is capped at "
        f"$\\sup_x |{SL1}'(x)| = {bound}$, as for $L_1$, so large errors cannot produce large "
        "updates. Smooth $L_1$ keeps the good half of each."
    )

    # -- gradient descent illustration ----------------------------------------------------
    doc.heading("One learning rate, three losses")
    runs = {name: _descent(loss) for name, loss in (("l2", l2), ("l1", l1), ("sl1", sl1))}
    eta = sp.Symbol("eta", positive=True)
    l2_factor = sp.factor(sp.cancel((x - eta * l2.derivative(1).table.intervals[0].expr) / x))
    sl1_factor = sp.factor(sp.cancel((x - eta * inner.expr) / x))
    rows = [
        [f"${t}$", *(f"${decimal_latex(runs[k][t])}$" for k in ("l2", "l1", "sl1"))]
        for t in range(STEPS + 1)
    ]
    table = doc.table(
        ["step $t$", "$L_2$", "$L_1$", "smooth $L_1$"],
        rows,
        f"Gradient descent $x_{{t+1}} = x_t - \\eta f'(x_t)$ from $x_0 = {expr_latex(START)}$ "
        f"with $\\eta = {decimal(RATE)}$, computed exactly from the derivatives "
        f"({e4}), ({e5}), ({e6}).",
        align="rrrr",
    )
    l2_mult = l2_factor.subs(eta, RATE)
    (l2_limit,) = sp.solve(l2_factor + 1, eta)  # |1 - 2 eta| > 1 for eta beyond this
    sl1_mult = sl1_factor.subs(eta, RATE)
    tail = runs["l1"][-4:]
    claim(abs(l2_mult) > 1, "L2 diverges at this learning rate")
    claim(abs(sl1_mult) < 1, "smooth L1 contracts near 0 at this learning rate")
    claim(len(set(tail)) == 2 and tail[0] == tail[2] and tail[1] == tail[3],
          "L1 ends in a two-cycle")
    doc.paragraph(
        f"Table {table} runs the three losses with the same fixed learning rate. For $L_2$ "
        f"each step multiplies the error by ${expr_latex(l2_factor)} = {decimal(l2_mult)}$, "
        f"so the iterates grow without bound (any $\\eta > {expr_latex(l2_limit)}$ "
        "diverges). $L_1$ takes steps of size $\\eta$ whatever the error and ends cycling "
        f"between ${decimal(min(tail))}$ and ${decimal(max(tail))}$. Smooth $L_1$ first takes "
        "the same bounded steps, then, inside the quadratic zone, multiplies the error by "
        f"${expr_latex(sl1_factor)} = {decimal(sl1_mult)}$ per step and converges."
    )

    # -- smoothness at |x| = 1 ------------------------------------------------------------
    right = joint
    doc.heading(f"The joint at $|x| = {expr_latex(right.at)}$")
    tab = smoothness_table(
        doc, sl1, right,
        f"One-sided values of smooth $L_1$ and its derivatives at $x = {expr_latex(right.at)}$.",
    )
    mirror = "" if not rs.symmetric else (
        f" The loss is even, so the same holds, mirrored, at $x = {expr_latex(-right.at)}$."
    )
    corner = r1.breakpoints[0]
    doc.paragraph(
        f"Table {tab} lists the one-sided limits. {smoothness_sentence(sl1, right)}{mirror} "
        "$L_1$, by contrast, is only "
        f"${class_latex(corner.order)}$ at $x = {expr_latex(corner.at)}$: "
        f"its slope jumps from ${expr_latex(corner.left[1])}$ to "
        f"${expr_latex(corner.right[1])}$, the corner that smooth $L_1$ rounds off."
    )

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
    offset = sp.simplify(sp.Abs(x) - outer.expr).subs(x, 2 * right.at)
    fig = doc.figure(
        spec,
        "$L_1$, $L_2$ and smooth $L_1$ (left) and their derivatives (right). Dots mark "
        "breakpoints (the value there); open circles mark one-sided limits where the "
        "derivative jumps.",
    )
    doc.paragraph(
        f"Figure {fig}: away from the origin smooth $L_1$ runs parallel to $L_1$, "
        f"${expr_latex(offset)}$ below it; near the origin it is a parabola with no corner, "
        "which is where the name comes from. Its derivative is continuous, that of $L_1$ "
        "jumps at $0$, that of $L_2$ leaves the plot."
    )

    # -- Fast R-CNN ---------------------------------------------------------------------------
    doc.heading("In Fast R-CNN")
    loc = doc.equation(
        r"L_{\text{loc}}(t^u, v) = \sum_{i \in \{x, y, w, h\}} "
        rf"{SL1}(t^u_i - v_i)"
    )
    doc.paragraph(
        f"Fast R-CNN {doc.cite(girshick)} sums smooth $L_1$ ({e3}) over the four box "
        f"offsets in ({loc}), where $t^u$ are the predicted offsets for class $u$ and $v$ the "
        "regression targets. Each offset's gradient is "
        f"${SL1}'(t^u_i - v_i)$, bounded by ${bound}$, so no single badly placed box can "
        "produce an exploding update: the paper's stated reason is that smooth $L_1$ is less "
        "sensitive to outliers than the $L_2$ loss used in R-CNN and SPPnet."
    )

    # -- conventions --------------------------------------------------------------------------
    doc.heading("Conventions")
    items = []
    for loss, label in ((l1, "$L_1$"), (sl1_family, "smooth $L_1$")):
        for conv in loss.conventions:
            items.append(f"{label}, {conv.topic}: {conv.statement}")
    doc.bullets(items)
