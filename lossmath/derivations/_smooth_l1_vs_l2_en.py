"""The prose of ``smooth_l1_vs_l2`` in English.

Every function takes ``v``, the values ``smooth_l1_vs_l2.build`` computed (LaTeX strings,
equation and table numbers), and returns document markup; constants are fixed text. The
Chinese edition, ``_smooth_l1_vs_l2_zh.py``, defines the same names.
"""

from lossmath.core.loss import Reference

#: The answer this document follows (the author's name romanised, the question translated:
#: the English edition is typeset by pdflatex, without Chinese fonts). Its link, author and
#: date: the answer page, https://www.zhihu.com/question/58200555/answer/621174180.
ORIGIN = Reference(
    authors=("Yang Zhibei",),
    title="Answer to: Why do Faster R-CNN and SSD use the smooth L1 loss, and how does it "
    "differ from L2? (in Chinese)",
    venue="Zhihu",
    year=2019,
    url="https://www.zhihu.com/question/58200555/answer/621174180",
)

# (The LaTeX title ties its last two words, so it never ends with "L1" alone on a line.)
TITLE = "Smooth $L_1$ versus $L_2$: why box regression uses smooth $L_1$"

AIMS = [
    "when the prediction is far from the ground truth ($|x|$ large), the gradient should "
    "not be so large that it destabilises the network's parameters;",
    "when the prediction is close ($|x|$ small), the gradient should be small, so that "
    "training can settle at the optimum.",
]

H_LOSSES = "The three losses"
H_DERIVATIVES = "Their derivatives"
H_NOT_L2 = "Why not $L_2$: large errors give large gradients"
H_NOT_L1 = "Why not $L_1$: the gradient does not shrink near the optimum"
H_BOTH = "Smooth $L_1$ avoids both"
H_DESCENT = "One learning rate, three losses"
H_FAST_RCNN = "In Fast R-CNN"

DESCENT_HEADER = ["step $t$", "$L_2$", "$L_1$", "smooth $L_1$"]

FIGURE_CAPTION = (
    "$L_1$, $L_2$ and smooth $L_1$ (left) and their derivatives (right). Dots mark "
    "breakpoints (the value there); open circles mark one-sided limits where the "
    "derivative jumps."
)


def intro(v):
    return (
        f"Fast R-CNN {v.cite_girshick}, Faster R-CNN {v.cite_faster} and SSD {v.cite_ssd} "
        "regress bounding boxes with the smooth $L_1$ loss instead of the squared error "
        "$L_2$. The reason is an argument about gradients, which this document derives. Let "
        "$x$ be the elementwise difference between a predicted box coordinate and its ground "
        "truth. We want the loss's gradient to be limited in two ways:"
    )


def origin(v):
    return (
        f"This argument, its three losses, their derivatives and the figure follow the "
        f"answer by Yang Zhibei on Zhihu (2019) {v.cite_origin} to the question why Faster "
        "R-CNN and SSD use smooth $L_1$, which started the lossmath project. This document "
        "adds: every formula and number computed and checked by lossmath rather than "
        "typed; the derivative of $L_1$ at its kink; gradient descent with one fixed "
        "learning rate on all three losses, and the step sizes $\\eta < 2/L$ that converge; "
        "and the smoothness of smooth $L_1$ where its pieces meet, with its class."
    )


def computed(v):
    return (
        "Every equation, number, table and figure below is computed by lossmath from the "
        f"losses' definitions; the source of this document is `{v.source}`."
    )


def family(v):
    return (
        f"Smooth $L_1$ ({v.e3}) is the member ${v.beta} = {v.beta_default}$ of the family "
        f"${v.SL1}(x; {v.beta}) = {v.family}$, the loss Fast R-CNN uses; the companion "
        "document `smooth_l1_beta_huber` derives the general case."
    )


def derivatives(v):
    return (
        f"In ({v.e5}) and ({v.e6}) the second form resolves $\\operatorname{{sign}}(x)$ "
        f"interval by interval. At the kink $x = {v.kink}$ of $L_1$ the derivative does not "
        "exist; lossmath uses the value of the piece that owns the point, "
        f"$\\operatorname{{sign}}({v.kink}) = {v.kink_value}$, as PyTorch does (often written "
        "$1$ for $x \\geq 0$ instead). The slope of smooth $L_1$ needs no such convention: "
        f"both sides agree at $|x| = {v.joint}$ (see the smoothness check below)."
    )


def not_l2(v):
    return (
        f"By ({v.e4}) the gradient of $L_2$ grows in proportion to the error: "
        f"$\\sup_x |{v.L2}'(x)| = {v.l2_bound}$. Early in training, when predictions are far "
        "from the ground truth, the gradient is very large, and so are the parameter "
        f"updates: at $x = {v.far}$ the gradient of $L_2$ is ${v.g2}$, that of smooth $L_1$ "
        f"is ${v.gs}$. A few outliers can dominate a batch and make training unstable."
    )


def not_l1(v):
    return (
        f"By ({v.e5}) the gradient of $L_1$ has magnitude ${v.magnitude}$ for every "
        "$x \\neq 0$: bounded, which is good early in training, but just as large when the "
        "prediction is already close. Late in training, with a fixed learning rate $\\eta$, "
        "every step moves the prediction by the same amount $\\eta$, so it keeps jumping "
        "over the optimum and oscillates around it instead of converging."
    )


def both(v):
    return (
        f"By ({v.e6}), for ${v.inner_lo} < x < {v.inner_hi}$ the gradient of smooth $L_1$ is "
        f"${v.inner}$: it shrinks with the error and tends to ${v.at_zero}$ as $x \\to 0$, as "
        f"for $L_2$. Outside, it is $\\pm {v.tail}$: its magnitude is capped at "
        f"$\\sup_x |{v.SL1}'(x)| = {v.bound}$, as for $L_1$, so large errors cannot produce "
        "large updates. Smooth $L_1$ keeps the good half of each."
    )


def descent_caption(v):
    return (
        f"Gradient descent $x_{{t+1}} = x_t - \\eta f'(x_t)$ from $x_0 = {v.start}$ with "
        f"$\\eta = {v.rate}$, computed exactly from the derivatives ({v.e4}), ({v.e5}), "
        f"({v.e6})."
    )


def descent(v):
    return (
        f"Table {v.table} runs the three losses with the same fixed learning rate. For $L_2$ "
        f"each step multiplies the error by ${v.l2_factor} = {v.l2_mult}$, so the iterates "
        f"grow without bound (any $\\eta > {v.l2_limit}$ diverges). $L_1$ takes steps of size "
        f"$\\eta$ whatever the error and ends cycling between ${v.cycle_lo}$ and "
        f"${v.cycle_hi}$. Smooth $L_1$ first takes the same bounded steps, then, inside the "
        f"quadratic zone, multiplies the error by ${v.sl1_factor} = {v.sl1_mult}$ per step "
        "and converges."
    )


def smoothness_rate(v):
    return (
        "These outcomes are no accident. lossmath computes each loss's curvature bound $L$, the "
        "Lipschitz constant of its derivative (the loss is $L$-smooth): "
        f"$L = {v.L_l2}$ for $L_2$, $L = {v.L_sl1}$ for smooth $L_1$, and $L = {v.L_l1}$ for "
        "$L_1$, whose slope jumps at $0$. On a convex $L$-smooth loss, gradient descent "
        f"with a fixed step $0 < \\eta < 2/L$ converges {v.cite_nesterov}. The table's "
        f"$\\eta = {v.rate}$ is beyond $2/L = {v.safe_l2}$ for $L_2$ (where every larger step "
        f"diverges) and within $2/L = {v.safe_sl1}$ for smooth $L_1$; for $L_1$ no fixed step "
        f"is safe. With a general width, smooth $L_1$ has $L = {v.L_family}$, so the safe "
        f"steps are $\\eta < {v.safe_family}$: a narrower quadratic zone needs a smaller "
        "learning rate."
    )


def h_joint(v):
    return f"The joint at $|x| = {v.joint}$"


def joint_caption(v):
    return f"One-sided values of smooth $L_1$ and its derivatives at $x = {v.joint}$."


def joint(v):
    mirror = (
        f" The loss is even, so the same holds, mirrored, at $x = {v.mirror}$."
        if v.mirror else ""
    )
    return (
        f"Table {v.tab} lists the one-sided limits. {v.sentence}{mirror} $L_1$, by contrast, "
        f"is only ${v.corner_class}$ at $x = {v.corner}$: its slope jumps from "
        f"${v.corner_left}$ to ${v.corner_right}$, the corner that smooth $L_1$ rounds off."
    )


def figure(v):
    return (
        f"Figure {v.fig}: away from the origin smooth $L_1$ runs parallel to $L_1$, "
        f"${v.offset}$ below it; near the origin it is a parabola with no corner, which is "
        "where the name comes from. Its derivative is continuous, that of $L_1$ jumps at "
        "$0$, that of $L_2$ leaves the plot."
    )


def fast_rcnn(v):
    return (
        f"Fast R-CNN {v.cite_girshick} sums smooth $L_1$ ({v.e3}) over the four box offsets "
        f"in ({v.loc}), where $t^u$ are the predicted offsets for class $u$ and $v$ the "
        f"regression targets. Each offset's gradient is ${v.SL1}'(t^u_i - v_i)$, bounded by "
        f"${v.bound}$, so no single badly placed box can produce an exploding update: the "
        "paper's stated reason is that smooth $L_1$ is less sensitive to outliers than the "
        "$L_2$ loss used in R-CNN and SPPnet."
    )


def convention(label, topic, statement):
    return f"{label}, {topic}: {statement}"
