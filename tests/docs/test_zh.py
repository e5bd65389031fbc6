"""The Chinese edition (``lossmath derive --lang zh`` -> ``docs/zh/``): current, complete, the
same computed mathematics as the English one, and a PDF that XeLaTeX builds."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from lossmath import get_loss
from lossmath.cli import derive
from lossmath.cli.main import main
from lossmath.docs.document import (
    Equation,
    Figure,
    Table,
    build_pdf,
    convention_markup,
    pdf_is_current,
)
from lossmath.render.plot import figure_files
from tests.support.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "lossmath" / "derivations"


#: The derivations with a Chinese edition (a ``_NAME_zh.py`` message module).
EDITIONS = ("smooth_l1_vs_l2", "smooth_l1_beta_huber")


@pytest.fixture(scope="module")
def editions():
    return derive.build("smooth_l1_vs_l2"), derive.build("smooth_l1_vs_l2", lang="zh")


@pytest.fixture(scope="module", params=EDITIONS)
def both_editions(request):
    return derive.build(request.param), derive.build(request.param, lang="zh")


def _is_mathematics(cell: str) -> bool:
    """A table cell that is only mathematics (``$...$``, no words of either language)."""
    return cell.startswith("$") and cell.endswith("$") and not any(
        "\u4e00" <= ch <= "\u9fff" for ch in cell)


def test_committed_chinese_edition_is_up_to_date(monkeypatch, capsys):
    """What CI checks: docs/zh/ matches the sources, the PDF included (CI has XeLaTeX)."""
    require_tool("xelatex", "texlive-xetex")
    monkeypatch.chdir(ROOT)
    assert main(["derive", "--check", "--lang", "zh"]) == 0, capsys.readouterr().err
    out, err = capsys.readouterr()
    assert f"{len(EDITIONS)} documents up to date" in out and "not checked" not in out + err


def test_both_editions_show_the_same_computed_mathematics(both_editions):
    en, zh = both_editions
    assert zh.lang == "zh" and zh.name == en.name
    # Equations, table cells that are mathematics, figures and references are computed
    # once: only the words differ.
    assert [b.latex for b in en.blocks if isinstance(b, Equation)] == \
        [b.latex for b in zh.blocks if isinstance(b, Equation)]
    tables = [[b for b in d.blocks if isinstance(b, Table)] for d in both_editions]
    assert len(tables[0]) == len(tables[1])
    for t_en, t_zh in zip(*tables):
        assert len(t_en.rows) == len(t_zh.rows)
        for r_en, r_zh in zip(t_en.rows, t_zh.rows):
            math = [(a, b) for a, b in zip(r_en, r_zh) if _is_mathematics(a)]
            assert all(a == b for a, b in math), math
    figs = [[b for b in d.blocks if isinstance(b, Figure)] for d in both_editions]
    def drawn(f):  # what each curve plots (a Loss compares by identity)
        return [(c.label, c.color, c.loss.name, str(c.loss.expr)) for c in f.spec.curves]

    assert [drawn(f) for f in figs[0]] == [drawn(f) for f in figs[1]]
    assert {f.spec.titles for f in figs[1]} == {("损失函数", "一阶导数")}
    # The same sources in the same order; a source written in Chinese (the Zhihu answer
    # the derivation follows) is cited in each edition's script, so only its link agrees.
    assert [r.link() for r in en.references] == [r.link() for r in zh.references]
    assert all(a == b for a, b in zip(en.references, zh.references) if b.title.isascii())


def test_the_descent_table_is_the_same_in_both_editions(editions):
    tables = [[b for b in d.blocks if isinstance(b, Table)] for d in editions]
    assert tables[0][0].rows == tables[1][0].rows  # every cell is a number


@pytest.mark.parametrize("name", EDITIONS)
def test_the_message_modules_define_the_same_names(name):
    def names(lang: str) -> set[str]:
        tree = ast.parse((SOURCES / f"_{name}_{lang}.py").read_text("utf-8"))
        out = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        out |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
        return out

    assert names("en") == names("zh")


def test_the_chinese_prose_is_chinese_in_the_seeds_vocabulary(both_editions):
    _, zh = both_editions
    md = zh.markdown()
    # The words of the original Q&A (tests/catalog/test_seed.py reads it): loss function,
    # gradient, derivative, smooth; and the fixed words of a Chinese document.
    for word in ("损失函数", "梯度", "导数", "光滑", "**表 1：**", "**图 1：**",
                 "## 约定", "## 参考文献"):
        assert word in md, word
    if zh.name == "smooth_l1_vs_l2":
        assert "收敛" in md  # converge: the descent argument
    for english in ("the gradient", "Table 1", "Figure 1", "Conventions", "References",
                    "belongs to", "jumps from", "the quadratic piece", "the linear piece",
                    "side by side", "Limits", "smooth L1 with"):
        assert english not in md, english


def test_every_convention_shown_in_chinese_has_chinese_text():
    from lossmath.i18n.conventions_zh import CONVENTIONS_ZH

    for (name, topic), (zh_topic, statement) in CONVENTIONS_ZH.items():
        assert topic in [c.topic for c in get_loss(name).conventions], (name, topic)
        assert zh_topic and statement
    for name in ("l1", "smooth_l1", "huber"):  # the losses the Chinese documents list
        for c in get_loss(name).conventions:
            assert convention_markup(name, c, "zh") == CONVENTIONS_ZH[(name, c.topic)]


def test_the_chinese_figure_has_cjk_titles_in_an_embedded_cjk_font(editions):
    _, zh = editions
    (fig,) = zh.figures
    pdf = figure_files(fig.spec, formats=("pdf",))[f"{fig.spec.name}.pdf"]
    assert b"NotoSerifCJK" in pdf and b"Cmr10" in pdf
    assert b"/Type3" not in pdf  # Type 42 (TrueType) or CFF outlines, never Type 3


@pytest.mark.tex
def test_the_chinese_pdf_compiles_with_xelatex_and_reads_as_chinese(editions, tmp_path):
    require_tool("xelatex", "texlive-xetex")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    _, zh = editions
    inputs = {f"figures/{f.stem}.pdf": figure_files(f.spec, formats=("pdf",))[
        f"{f.spec.name}.pdf"] for f in zh.figures}
    tex = zh.latex()
    assert r"\usepackage[UTF8,fontset=none]{ctex}" in tex
    pdf = build_pdf(tex, inputs, engine="xelatex")
    assert pdf_is_current(pdf, tex)
    assert build_pdf(tex, inputs, engine="xelatex") == pdf  # reproducible
    (tmp_path / "zh.pdf").write_bytes(pdf)
    text = subprocess.run([pdftotext, str(tmp_path / "zh.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "边框回归为什么用 smooth" in text and "smooth_l1_beta_huber" in text


def test_loss_reports_are_english_only(capsys):
    assert main(["derive", "huber", "--lang", "zh", "-o", "/nonexistent"]) == 2
    assert "loss reports are English only" in capsys.readouterr().err


def test_a_derivation_without_a_chinese_edition_is_named(tmp_path, capsys):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "english_only.py").write_text(
        "def build(doc):\n    doc.title = 'English only'\n    doc.paragraph('One edition.')\n",
        encoding="utf-8")
    assert main(["derive", "english_only", "--sources", str(sources), "--lang", "zh",
                 "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "derivation english_only has no zh edition (editions: en)" in err
    assert not (tmp_path / "zh").exists()
