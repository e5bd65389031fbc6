"""The prose of ``smooth_l1_beta_huber`` in Simplified Chinese (简体中文).

The same names as ``_smooth_l1_beta_huber_en.py``; every formula and number comes in ``v``
from ``smooth_l1_beta_huber.build``, so the two editions show the same mathematics. Written
in the voice of the Chinese Q&A the project started from (损失函数, 梯度, 导数, 分段函数,
光滑), not as a sentence-by-sentence translation.
"""


def title(v):
    return f"带参数 ${v.b}$ 的 smooth $L_1$ 与带参数 ${v.d}$ 的 Huber 损失"


def intro(v):
    return (
        f"Fast R-CNN 的 smooth $L_1$ {v.cite_girshick} 在 $|x| = 1$ 处把一段抛物线和两条直线"
        f"接在一起。它的一般形式有一个参数 ${v.b} > 0$，即二次区域的半宽（PyTorch 的 "
        f"`smooth_l1_loss(..., beta)`）；Huber 的稳健损失 {v.cite_huber} 是同样的构造，"
        f"参数记作 ${v.d}$，只是缩放不同。本文推导这两个损失函数，证明它们之间的换算关系，"
        "并求参数的极限。所有内容都由 lossmath 根据两个定义计算得出，"
        f"本文的源文件是 `{v.source}`。"
    )


def h_sl1(v):
    return f"带参数 ${v.b}$ 的 smooth $L_1$"


def sl1_caption(v):
    return f"smooth $L_1$ 在断点 $x = {v.sb_at}$ 处。"


def sl1(v):
    return (
        f"断点是 $x = \\pm {v.sb_at}$，式 ({v.s0}) 在该处的值为 ${v.sb_value}$；"
        f"表 {v.sl1_tab} 列出了那里的单侧极限。{v.sl1_sentence}损失函数是偶函数，"
        f"$x = {v.sb_mirror}$ 处与之对称。由式 ({v.s1})，无论 ${v.b}$ 取何值，斜率都不超过 "
        f"$\\sup_x |{v.SL1}'(x)| = {v.sl1_bound}$；而由式 ({v.s2})，二次区域内的二阶导数是 "
        f"${v.sl1_curv}$：${v.b}$ 越小，抛物线越窄、越陡。"
    )


def h_huber(v):
    return f"带参数 ${v.d}$ 的 Huber 损失"


def huber_caption(v):
    return f"Huber 损失在断点 $x = {v.hb_at}$ 处。"


def huber(v):
    return (
        f"断点是 $x = \\pm {v.hb_at}$，式 ({v.h0}) 在该处的值为 ${v.hb_value}$；"
        f"表 {v.h_tab} 列出了那里的单侧极限。{v.huber_sentence}由式 ({v.h1})，梯度就是把 $x$ "
        f"截断到 $[{v.h_bound_neg}, {v.h_bound}]$，所以 "
        f"$\\sup_x |{v.HUBER}'(x)| = {v.h_bound}$ 随 ${v.d}$ 增大；由式 ({v.h2})，"
        f"二次区域内的二阶导数是 ${v.h_curv}$，与 ${v.d}$ 无关。"
    )


H_CONVERSION = "两者之间的换算"

#: Who owns a breakpoint, by the piece (``_owner`` in the source).
OWNERS = {"both": "两侧", "inner": "二次段", "outer": "线性段"}


def conversion(v):
    return (
        f"在式 ({v.s0}) 中令 ${v.b} = {v.d}$ 并乘以 ${v.d}$，得到式 ({v.conv})；lossmath 检验了"
        f"它在每个区间上、每个断点处都等于式 ({v.h0})，所以两个损失函数只差一个缩放："
        f"$\\sup_x |{v.HUBER}'| = {v.d} \\sup_x |{v.SL1}'| = {v.bound_product}$，"
        f"而参数为 ${v.b}$ 的 smooth $L_1$ 就是 ${v.d} = {v.b}$ 的 Huber 除以 ${v.b}$。"
        f"唯一的区别是断点归谁：smooth $L_1$ 把 $|x| = {v.b}$ 归给{v.sl1_owner}"
        f"（严格不等号 $<$），Huber 把 $|x| = {v.d}$ 归给{v.h_owner}（$\\leq$）。"
        "两侧的函数值和斜率都相等，所以只有断点处的二阶导数取决于这个约定："
        f"${v.SL1}''({v.b}) = {v.d2_sl1}$，而 ${v.HUBER}''({v.d}) = {v.d2_hub}$。"
    )


ROW_LABELS = {
    "breakpoints": "断点",
    "value": "断点处的值",
    "bound": "$\\sup_x |f'(x)|$",
    "curvature": "0 附近的二阶导数",
    "class": "光滑性",
    "growth": "增长",
    "owner": "断点的归属",
}

#: The analysis's growth names, as they read in the table.
GROWTH = {"linear": "线性", "quadratic": "二次"}


def side_by_side_header(v):
    return ["", f"smooth $L_1$（${v.b}$）", f"Huber（${v.d}$）"]


SIDE_BY_SIDE_CAPTION = "两种参数化的对照。"

H_LIMITS = "参数的极限"
LIMITS_HEADER = ["", "参数 $\\to 0^+$", "参数 $\\to \\infty$"]
LIMITS_CAPTION = "对每个固定的 $x$ 的逐点极限，取极限时该点所在分段给出。"


def limits(v):
    return (
        f"${v.b} \\to 0$ 时二次区域消失，smooth $L_1$ 变成 ${v.sl1_at_0}$，即 $L_1$ 损失；"
        f"${v.b} \\to \\infty$ 时它变平为 ${v.sl1_at_oo}$。Huber 在 ${v.d} \\to 0$ 时趋于 "
        f"${v.h_at_0}$，在 ${v.d} \\to \\infty$ 时趋于 ${v.h_at_oo}$，即平方误差 $L_2$ 的一半；"
        f"乘以 ${v.b}$ 之后，smooth $L_1$ 与 Huber 有相同的极限，正如换算关系所要求的。"
    )


def limit_label(which, v):
    # ASCII brackets: a figure label may not mix CJK characters and $...$ math (one font)
    return {"l1": "$|x|$ ($\\beta \\to 0$)", "half_l2": "$x^2/2$ ($\\delta \\to \\infty$)"}[which]


def sl1_figure_caption(v):
    return (
        f"几个 ${v.b}$ 下的 smooth $L_1$（左）及其导数（右）；虚线是 ${v.b} \\to 0$ 的极限。"
        f"圆点标出断点 $x = \\pm {v.b}$。"
    )


def huber_figure_caption(v):
    return (
        f"几个 ${v.d}$ 下的 Huber 损失（左）及其导数（右）；虚线是 ${v.d} \\to \\infty$ "
        f"的极限。圆点标出断点 $x = \\pm {v.d}$。"
    )


def figures(v):
    return (
        f"由图 {v.f1} 可以看出，每个 smooth $L_1$ 的斜率都不超过 ${v.sl1_bound}$，"
        f"$L_1$ 的尖角在 $|x| < {v.b}$ 上被磨平。图 {v.f2} 中 Huber 的梯度被截断在 "
        f"$\\pm {v.d}$，中间以斜率 ${v.h_curv}$ 上升。"
    )


def convention(label, topic, statement):
    return f"{label}，{topic}：{statement}"


SL1_LABEL, HUBER_LABEL = "smooth $L_1$", "Huber"
