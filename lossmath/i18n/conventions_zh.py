r"""The catalog's conventions in Simplified Chinese, for the Chinese edition of the documents.

Keyed by (loss name, the convention's plain-text topic), each entry is (topic, statement) as
document markup, in the voice of the Chinese Q&A the project started from. A document in
Chinese that shows a convention missing here fails to build, naming it
(:func:`lossmath.docs.document.convention_markup`), so an edition cannot silently fall back to
English. ``tests/docs/test_zh.py`` checks that the entries still belong to catalog conventions.
"""

from __future__ import annotations

__all__ = ["CONVENTIONS_ZH"]

CONVENTIONS_ZH: dict[tuple[str, str], tuple[str, str]] = {
    ("l1", "derivative at the kink"): (
        "尖点处的导数",
        r"$|x|$ 在 $x = 0$ 处的导数取 $\operatorname{sign}(0) = 0$（即 "
        "`torch.nn.functional.l1_loss` 所用的次梯度；JAX 的 `jnp.abs` 给出 $+1$）。",
    ),
    ("smooth_l1", "owner of the breakpoint"): (
        "断点的归属",
        r"$x = \pm\beta$ 属于线性段（$|x| < \beta$ 是严格不等号），与 PyTorch 的实现一致。",
    ),
    ("smooth_l1", "derivative at ±beta"): (
        r"$\pm\beta$ 处的导数",
        r"$f'(\pm\beta) = \pm1$，即线性段的斜率；左右两侧相等，所以这就是该点的导数。",
    ),
    ("smooth_l1", "second derivative at ±beta"): (
        r"$\pm\beta$ 处的二阶导数",
        r"取线性段的值 $0$；左极限是 $1/\beta$，所以 $f''$ 在该点跳变 $\mp1/\beta$。",
    ),
    ("smooth_l1", "relation to Huber"): (
        "与 Huber 损失的关系",
        r"参数为 $\beta$ 的 `smooth_l1` 等于参数 $\delta = \beta$ 的 `huber` 除以 $\beta$。",
    ),
    ("smooth_l1", "limits in beta"): (
        r"$\beta$ 的极限",
        r"$\beta \to 0$ 时收敛到 $|x|$（即 $L_1$）；$\beta \to \infty$ 时收敛到 $0$。",
    ),
    ("huber", "owner of the breakpoint"): (
        "断点的归属",
        r"$x = \pm\delta$ 属于二次段（$|x| \leq \delta$），与 Huber (1964)、Keras 和 "
        r"`scipy.special.huber` 一致；两段在该点的函数值和斜率都相等。",
    ),
    ("huber", "second derivative at ±delta"): (
        r"$\pm\delta$ 处的二阶导数",
        r"取二次段的值 $1$；右极限是 $0$，所以 $f''$ 在该点跳变 $\mp1$。",
    ),
    ("huber", "relation to smooth L1"): (
        "与 smooth $L_1$ 的关系",
        r"参数为 $\delta$ 的 `huber` 等于 $\delta$ 乘以参数 $\beta = \delta$ 的 `smooth_l1`。",
    ),
    ("huber", "limits in delta"): (
        r"$\delta$ 的极限",
        r"$\delta \to 0$ 时收敛到 $0$；$\delta \to \infty$ 时收敛到 $x^2/2$（是 MSE 的一半，"
        "而不是 PyTorch 文档所说的 MSE）。",
    ),
}
