"""The prose of ``smooth_l1_beta_huber`` in English.

Every formula and number comes in ``v`` from ``smooth_l1_beta_huber.build``; the Chinese
edition (``_smooth_l1_beta_huber_zh.py``) defines the same names.
"""


def title(v):
    return f"Smooth $L_1$ with ${v.b}$ and the Huber loss with ${v.d}$"


def intro(v):
    return (
        f"Fast R-CNN's smooth $L_1$ {v.cite_girshick} joins a parabola to two straight "
        f"lines at $|x| = 1$. Its general form has a parameter ${v.b} > 0$, the half-width of "
        "the quadratic zone (PyTorch's `smooth_l1_loss(..., beta)`); Huber's robust loss "
        f"{v.cite_huber} is the same construction with a parameter ${v.d}$ and "
        "another scaling. This document derives both, proves the conversion between them, "
        "and takes the limits of the parameters. Everything is computed by lossmath from the "
        f"two definitions; the source is `{v.source}`."
    )


def h_sl1(v):
    return f"Smooth $L_1$ with ${v.b}$"


def sl1_caption(v):
    return f"Smooth $L_1$ at its breakpoint $x = {v.sb_at}$."


def sl1(v):
    return (
        f"The breakpoints are $x = \\pm {v.sb_at}$, where ({v.s0}) takes the "
        f"value ${v.sb_value}$; Table {v.sl1_tab} lists the one-sided limits "
        f"there. {v.sl1_sentence} The loss is even, so "
        f"$x = {v.sb_mirror}$ is the mirror image. By ({v.s1}) the slope never "
        "exceeds "
        f"$\\sup_x |{v.SL1}'(x)| = {v.sl1_bound}$, whatever "
        f"${v.b}$ is, while by ({v.s2}) the curvature in the quadratic zone is "
        f"${v.sl1_curv}$: a smaller ${v.b}$ makes a narrower, sharper "
        "parabola."
    )


def h_huber(v):
    return f"The Huber loss with ${v.d}$"


def huber_caption(v):
    return f"The Huber loss at its breakpoint $x = {v.hb_at}$."


def huber(v):
    return (
        f"The breakpoints are $x = \\pm {v.hb_at}$, where ({v.h0}) takes the "
        f"value ${v.hb_value}$; Table {v.h_tab} lists the one-sided limits "
        f"there. {v.huber_sentence} By ({v.h1}) the gradient is $x$ clipped to "
        f"$[{v.h_bound_neg}, {v.h_bound}]$, "
        f"so $\\sup_x |{v.HUBER}'(x)| = {v.h_bound}$ grows with "
        f"${v.d}$, and by ({v.h2}) the curvature in the quadratic zone is "
        f"${v.h_curv}$ whatever ${v.d}$ is."
    )


H_CONVERSION = "From one to the other"

#: Who owns a breakpoint, by the piece (``_owner_text`` in the source).
OWNERS = {"both": "both sides", "inner": "the quadratic piece", "outer": "the linear piece"}


def conversion(v):
    return (
        f"Substituting ${v.b} = {v.d}$ in ({v.s0}) and multiplying by ${v.d}$ gives "
        f"({v.conv}); lossmath checks that it equals ({v.h0}) on every interval and at every "
        "breakpoint, so the two losses are one function up to scale: "
        f"$\\sup_x |{v.HUBER}'| = {v.d} \\sup_x |{v.SL1}'| = "
        f"{v.bound_product}$, and "
        f"smooth $L_1$ with ${v.b}$ is Huber with ${v.d} = {v.b}$ divided by ${v.b}$. "
        f"The only difference is who owns the breakpoint: smooth $L_1$ gives "
        f"$|x| = {v.b}$ to {v.sl1_owner} (strict $<$), Huber gives "
        f"$|x| = {v.d}$ to {v.h_owner} ($\\leq$). Value and slope agree on both "
        "sides, so only the second derivative at the breakpoint depends on it: "
        f"${v.SL1}''({v.b}) = {v.d2_sl1}$ but "
        f"${v.HUBER}''({v.d}) = {v.d2_hub}$."
    )


ROW_LABELS = {
    "breakpoints": "breakpoints",
    "value": "value there",
    "bound": "$\\sup_x |f'(x)|$",
    "curvature": "curvature near 0",
    "class": "smoothness",
    "growth": "growth",
    "owner": "owner of the breakpoint",
}

#: The analysis's growth names, as they read in the table.
GROWTH = {"linear": "linear", "quadratic": "quadratic"}


def side_by_side_header(v):
    return ["", f"smooth $L_1$ (${v.b}$)", f"Huber (${v.d}$)"]


SIDE_BY_SIDE_CAPTION = "The two parameterisations side by side."

H_LIMITS = "Limits of the parameters"
LIMITS_HEADER = ["", "parameter $\\to 0^+$", "parameter $\\to \\infty$"]
LIMITS_CAPTION = (
    "Pointwise limits for every fixed $x$, from the piece that holds there in the limit."
)


def limits(v):
    return (
        f"As ${v.b} \\to 0$ the quadratic zone vanishes and smooth $L_1$ becomes "
        f"${v.sl1_at_0}$, the $L_1$ loss; as ${v.b} \\to \\infty$ it flattens "
        f"to ${v.sl1_at_oo}$. Huber tends to ${v.h_at_0}$ "
        f"as ${v.d} \\to 0$ and to ${v.h_at_oo}$, half the squared error "
        f"$L_2$, as ${v.d} \\to \\infty$; rescaled by ${v.b}$, smooth $L_1$ has the same "
        "limits as Huber, as the conversion requires."
    )


def limit_label(which, v):
    return {"l1": "$|x|$ ($\\beta \\to 0$)", "half_l2": "$x^2/2$ ($\\delta \\to \\infty$)"}[which]


def sl1_figure_caption(v):
    return (
        f"Smooth $L_1$ for several ${v.b}$ (left) and its derivative (right); dashed: "
        f"the limit ${v.b} \\to 0$. Dots mark the breakpoints $x = \\pm {v.b}$."
    )


def huber_figure_caption(v):
    return (
        f"The Huber loss for several ${v.d}$ (left) and its derivative (right); dashed: "
        f"the limit ${v.d} \\to \\infty$. Dots mark the breakpoints $x = \\pm {v.d}$."
    )


def figures(v):
    return (
        f"Figure {v.f1} shows every smooth $L_1$ with slope at most "
        f"${v.sl1_bound}$ and the corner of $L_1$ rounded off over "
        f"$|x| < {v.b}$. Figure {v.f2} shows the Huber gradients capped at $\\pm {v.d}$, "
        f"rising with slope ${v.h_curv}$ "
        "between."
    )


def convention(label, topic, statement):
    return f"{label}, {topic}: {statement}"


SL1_LABEL, HUBER_LABEL = "smooth $L_1$", "Huber"
