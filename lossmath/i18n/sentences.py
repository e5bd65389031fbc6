"""The sentences around computed mathematics that every document shares, in each language
(the smoothness sentence at a breakpoint); the mathematics arrives as LaTeX strings."""

from __future__ import annotations

__all__ = ["class_latex", "join_words", "smoothness_words"]


def class_latex(order: float) -> str:
    r"""``C^{1}``, ``C^{\infty}``, or ``\text{discontinuous}`` for a smoothness order."""
    if order == float("inf"):
        return r"C^{\infty}"
    return r"\text{discontinuous}" if order < 0 else f"C^{{{int(order)}}}"


def smoothness_words(at: str, joined: list[tuple[str, str]],
                     jumped: tuple[str, str, str] | None, order: float, numeric: bool,
                     lang: str = "en") -> str:
    """What a smoothness table says, in words: the derivatives that join at ``x = at``
    (name, LaTeX value), the first that jumps (name, left, right), and the resulting class
    (``C^1`` but not ``C^2``)."""
    if lang == "zh":
        return _smoothness_zh(at, joined, jumped, order, numeric)
    parts = []
    if joined:
        verb = "joins" if len(joined) == 1 else "join"
        parts.append(join_words([f"the {n} (${v}$)" for n, v in joined]) + f" {verb}")
    if jumped:
        parts.append(f"the {jumped[0]} jumps from ${jumped[1]}$ to ${jumped[2]}$")
    text = f"At $x = {at}$ " + ", while ".join(parts)
    if order == float("inf"):
        return text + "."
    if order < 0:
        return text + ": the loss is discontinuous there."
    text += f": the loss is ${class_latex(order)}$ there, not ${class_latex(order + 1)}$"
    if numeric:
        text += " (decided numerically at sampled parameter values)"
    return text + "."


def _smoothness_zh(at: str, joined, jumped, order: float, numeric: bool) -> str:
    """:func:`smoothness_words` in Chinese."""
    parts = []
    if joined:
        parts.append("、".join(f"{n}（${v}$）" for n, v in joined) + "在两侧相等")
    if jumped:
        parts.append(f"{jumped[0]}从 ${jumped[1]}$ 跳变到 ${jumped[2]}$")
    text = f"在 $x = {at}$ 处，" + "，而".join(parts)
    if order == float("inf"):
        return text + "。"
    if order < 0:
        return text + "：损失函数在该点不连续。"
    text += (f"：损失函数在该点是 ${class_latex(order)}$ 的，"
             f"但不是 ${class_latex(order + 1)}$ 的")
    if numeric:
        text += "（在若干参数取值上数值判定）"
    return text + "。"


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
