"""The prose of ``smooth_l1_vs_l2`` in Simplified Chinese (简体中文).

The same names as ``_smooth_l1_vs_l2_en.py``; every formula and number comes in ``v`` from
``smooth_l1_vs_l2.build``, so the two editions show the same mathematics. Written as
technical Chinese in the voice of the original Q&A (损失函数, 梯度, 导数, 光滑, 收敛), not
as a sentence-by-sentence translation. Inline math stands between spaces, as in that Q&A.
"""

from lossmath.core.loss import Reference

#: 本文所沿用的知乎回答（作者、问题、日期与链接均核对自回答页面）。
ORIGIN = Reference(
    authors=("杨指北",),
    title="请问 faster RCNN 和 SSD 中为什么用 smooth L1 loss，和 L2 有什么区别？（回答）",
    venue="知乎",
    year=2019,
    url="https://www.zhihu.com/question/58200555/answer/621174180",
)

TITLE = "Smooth $L_1$ 与 $L_2$：边框回归为什么用 smooth $L_1$"

AIMS = [
    "当预测框与 ground truth 差别过大（$|x|$ 很大）时，梯度值不至于过大，以免破坏网络参数；",
    "当预测框与 ground truth 差别很小（$|x|$ 很小）时，梯度值足够小，使训练能够稳定在最优点。",
]

H_LOSSES = "三种损失函数"
H_DERIVATIVES = "它们的导数"
H_NOT_L2 = "为什么不用 $L_2$：误差大时梯度也大"
H_NOT_L1 = "为什么不用 $L_1$：接近最优点时梯度不变小"
H_BOTH = "smooth $L_1$ 兼顾两者"
H_DESCENT = "同一个学习率，三种损失"
H_FAST_RCNN = "Fast R-CNN 中的用法"

DESCENT_HEADER = ["步数 $t$", "$L_2$", "$L_1$", "smooth $L_1$"]

FIGURE_CAPTION = (
    "$L_1$、$L_2$ 和 smooth $L_1$（左）及其导数（右）。实心点标出断点处的函数值；"
    "空心圆标出导数跳变处的单侧极限。"
)


def intro(v):
    return (
        f"Fast R-CNN {v.cite_girshick}、Faster R-CNN {v.cite_faster} 和 SSD {v.cite_ssd} "
        "在边框回归中都用 smooth $L_1$ 损失，而不用平方误差 $L_2$。原因在于梯度，本文把这个"
        "论证完整地推导一遍。记 $x$ 为预测框与 ground truth 之间 elementwise 的差异，"
        "我们希望从两个方面限制损失函数的梯度："
    )


def origin(v):
    return (
        f"本文的论证、三个损失函数、它们的导数和函数图像沿用杨指北 2019 年在知乎上的回答 "
        f"{v.cite_origin}（问题：请问 faster RCNN 和 SSD 中为什么用 smooth L1 loss，和 L2 "
        "有什么区别？），lossmath 项目正是从这个回答开始的。本文补充的内容：所有公式和数值都由 "
        "lossmath 计算并验证，而不是手写；$L_1$ 在尖点处的导数；同一个固定学习率下三个损失函数"
        "的梯度下降，以及保证收敛的步长 $\\eta < 2/L$；smooth $L_1$ 在分段衔接处的光滑性及其"
        "光滑类。"
    )


def computed(v):
    return (
        "下文的每个公式、数值、表格和图都由 lossmath 根据损失函数的定义计算得出，"
        f"没有一处是手写的；本文的源文件是 `{v.source}`。"
    )


def family(v):
    return (
        f"式 ({v.e3}) 的 smooth $L_1$ 是函数族 ${v.SL1}(x; {v.beta}) = {v.family}$ 中 "
        f"${v.beta} = {v.beta_default}$ 的一员，也就是 Fast R-CNN 所用的损失；"
        "一般的 $\\beta$ 见配套文档 `smooth_l1_beta_huber`。"
    )


def derivatives(v):
    return (
        f"式 ({v.e5}) 和式 ({v.e6}) 的第二种写法把 $\\operatorname{{sign}}(x)$ 按区间逐段"
        f"展开。$L_1$ 在尖点 $x = {v.kink}$ 处不可导；lossmath 取该点所属分段的值，"
        f"即 $\\operatorname{{sign}}({v.kink}) = {v.kink_value}$，与 PyTorch 一致"
        "（也常约定 $x \\geq 0$ 时取 $1$）。smooth $L_1$ 的导数不需要这样的约定："
        f"在 $|x| = {v.joint}$ 处左右两侧相等（见下文的光滑性检验）。"
    )


def not_l2(v):
    return (
        f"由式 ({v.e4})，$L_2$ 的梯度与误差成正比：$\\sup_x |{v.L2}'(x)| = {v.l2_bound}$。"
        "训练初期，预测值与 ground truth 差异很大，损失函数对预测值的梯度十分大，"
        f"参数的更新也随之很大：在 $x = {v.far}$ 处，$L_2$ 的梯度是 ${v.g2}$，"
        f"而 smooth $L_1$ 的梯度只有 ${v.gs}$。少数离群点就可能主导整个 batch，"
        "使训练不稳定。"
    )


def not_l1(v):
    return (
        f"由式 ({v.e5})，对所有 $x \\neq 0$，$L_1$ 的梯度的绝对值都是 ${v.magnitude}$："
        "梯度有界，这在训练初期是好事；但预测值已经很接近时，梯度仍然一样大。训练后期，"
        "如果学习率 $\\eta$ 不变，每一步都把预测值移动同样的距离 $\\eta$，"
        "于是它不断越过最优点，在稳定值附近来回波动，难以继续收敛。"
    )


def both(v):
    return (
        f"由式 ({v.e6})，当 ${v.inner_lo} < x < {v.inner_hi}$ 时 smooth $L_1$ 的梯度是 "
        f"${v.inner}$：随误差减小而变小，$x \\to 0$ 时趋于 ${v.at_zero}$，这一点与 $L_2$ "
        f"相同。在这个区间之外梯度是 $\\pm {v.tail}$，其绝对值的上限为 "
        f"$\\sup_x |{v.SL1}'(x)| = {v.bound}$，这一点与 $L_1$ 相同，所以大误差不会产生过大"
        "的更新。smooth $L_1$ 兼取了两者的长处，完美地避开了 $L_1$ 和 $L_2$ 的缺陷。"
    )


def descent_caption(v):
    return (
        f"梯度下降 $x_{{t+1}} = x_t - \\eta f'(x_t)$，从 $x_0 = {v.start}$ 出发，"
        f"$\\eta = {v.rate}$，由导数 ({v.e4})、({v.e5})、({v.e6}) 精确计算。"
    )


def descent(v):
    return (
        f"表 {v.table} 用同一个固定的学习率分别对三种损失做梯度下降。对 $L_2$，每一步把误差"
        f"乘以 ${v.l2_factor} = {v.l2_mult}$，迭代值无界地增长（任何 "
        f"$\\eta > {v.l2_limit}$ 都会发散）。$L_1$ 无论误差多大，每步都走 $\\eta$，"
        f"最后在 ${v.cycle_lo}$ 和 ${v.cycle_hi}$ 之间来回跳动。smooth $L_1$ 起初同样走"
        f"有界的步长，进入二次区域后，每一步把误差乘以 ${v.sl1_factor} = {v.sl1_mult}$，"
        "从而收敛。"
    )


def smoothness_rate(v):
    return (
        "这样的结果并非偶然。lossmath 计算了每个损失函数的曲率上界 $L$，即导数的 "
        f"Lipschitz 常数（损失函数是 $L$-光滑的）：$L_2$ 的 $L = {v.L_l2}$，smooth $L_1$ 的 "
        f"$L = {v.L_sl1}$，而 $L_1$ 的导数在 $0$ 处跳变，$L = {v.L_l1}$。对凸的 $L$-光滑"
        f"损失函数，固定步长 $0 < \\eta < 2/L$ 的梯度下降收敛 {v.cite_nesterov}。表中的 "
        f"$\\eta = {v.rate}$ 超出了 $L_2$ 的 $2/L = {v.safe_l2}$（更大的步长都会发散），"
        f"却在 smooth $L_1$ 的 $2/L = {v.safe_sl1}$ 之内；对 $L_1$，没有哪个固定步长是安全的。"
        f"对一般的宽度，smooth $L_1$ 的 $L = {v.L_family}$，安全的步长是 "
        f"$\\eta < {v.safe_family}$：二次区域越窄，学习率就要越小。"
    )


def h_joint(v):
    return f"$|x| = {v.joint}$ 处的衔接"


def joint_caption(v):
    return f"smooth $L_1$ 及其导数在 $x = {v.joint}$ 处的单侧极限。"


def joint(v):
    mirror = f"损失函数是偶函数，在 $x = {v.mirror}$ 处对称地有同样的结论。" if v.mirror else ""
    return (
        f"表 {v.tab} 列出了单侧极限。{v.sentence}{mirror}相比之下，$L_1$ 在 "
        f"$x = {v.corner}$ 处只是 ${v.corner_class}$ 的：导数从 ${v.corner_left}$ 跳变到 "
        f"${v.corner_right}$，这正是 smooth $L_1$ 磨平的那个尖角。"
    )


def figure(v):
    return (
        f"由图 {v.fig} 可以看出，在远离坐标原点处，smooth $L_1$ 与 $L_1$ 平行，比它低 "
        f"${v.offset}$；在原点附近是一段抛物线，转折十分平滑，不像 $L_1$ 有个尖角，"
        "因此叫做 smooth $L_1$。它的导数是连续的；$L_1$ 的导数在 $0$ 处跳变，"
        "$L_2$ 的导数则超出了图的范围。"
    )


def fast_rcnn(v):
    return (
        f"Fast R-CNN {v.cite_girshick} 在式 ({v.loc}) 中对四个边框偏移量的 smooth $L_1$"
        f"（式 ({v.e3})）求和，其中 $t^u$ 是类别 $u$ 的预测偏移量，$v$ 是回归目标。"
        f"每个偏移量的梯度是 ${v.SL1}'(t^u_i - v_i)$，上界为 ${v.bound}$，"
        "所以即使某个框偏得很远，也不会产生梯度爆炸：论文给出的理由正是 smooth $L_1$ "
        "对离群点不如 R-CNN 和 SPPnet 所用的 $L_2$ 损失敏感。"
    )


def convention(label, topic, statement):
    return f"{label}，{topic}：{statement}"
