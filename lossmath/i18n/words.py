"""The fixed words of documents and figures, one table per language.

A document's own prose lives with its source (a derivation's message modules, see
:func:`lossmath.docs.document.messages`); what every document shares -- "Table", "Figure",
"References", the panel titles of a figure, the words the smoothness helpers put around
computed mathematics -- lives here, so that an edition is complete when its table is.

Languages: ``en`` (English, the default) and ``zh`` (Simplified Chinese, in the voice of the
Chinese Q&A that started the project: 损失函数, 梯度, 导数, 光滑, 分段函数, 收敛).
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "WORDS", "check_language", "words"]

#: Languages a document can be written in; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "table": "Table",
        "figure": "Figure",
        "table_label": "Table {n}.",
        "figure_label": "Figure {n}.",
        "references": "References",
        "conventions": "Conventions",
        # {pdf} and {tex} are the sibling files' names.
        "also_as": "*Also as [PDF]({pdf}) and [LaTeX]({tex}).*",
        "jump": "jump (right $-$ left)",
        "value": "value",
        "slope": "slope",
        "curvature": "curvature",
        "derivative_n": "derivative {n}",
        "panel_0": "loss",
        "panel_1": "first derivative",
        "panel_2": "second derivative",
        "panel_n": "derivative {n}",
    },
    "zh": {
        "table": "表",
        "figure": "图",
        "table_label": "表 {n}：",
        "figure_label": "图 {n}：",
        "references": "参考文献",
        "conventions": "约定",
        "also_as": "*另有 [PDF]({pdf}) 与 [LaTeX]({tex}) 版本。*",
        "jump": "跳跃（右 $-$ 左）",
        "value": "函数值",
        "slope": "一阶导数",
        "curvature": "二阶导数",
        "derivative_n": "{n} 阶导数",
        "panel_0": "损失函数",
        "panel_1": "一阶导数",
        "panel_2": "二阶导数",
        "panel_n": "{n} 阶导数",
    },
}


def check_language(lang: str) -> str:
    """``lang`` if it is a known language, else a ValueError naming the known ones."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    return lang


def words(lang: str) -> dict[str, str]:
    """The word table of ``lang``."""
    return WORDS[check_language(lang)]


def derivative_word(k: int, lang: str = "en") -> str:
    """What the k-th derivative is called in prose: value, slope, curvature, ..."""
    w = words(lang)
    names = (w["value"], w["slope"], w["curvature"])
    return names[k] if k < len(names) else w["derivative_n"].format(n=k)


def panel_title(n: int, lang: str = "en") -> str:
    """A figure panel's title for derivative order ``n``."""
    w = words(lang)
    return w[f"panel_{n}"] if n < 3 else w["panel_n"].format(n=n)
