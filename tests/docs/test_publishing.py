"""Published documents: no drafting notes, nothing wider than the page, PDFs that rebuild
byte for byte, and ``derive`` / ``derive --check`` that agree in an empty directory.

The TeX log is the truth for "fits the page": TeX reports every line or table row wider
than its box as ``Overfull \\hbox (12.3pt too wide)``; a few points are invisible (a
formula's italic correction), more is text in the margin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lossmath import catalog
from lossmath.cli import derive
from lossmath.cli.main import main
from lossmath.docs.latex import SCALED
from lossmath.docs.pdf import compile_tex
from lossmath.docs.sources import available, languages
from lossmath.io import progress
from tests.support.tools import require_tool

#: Overfull boxes up to this wide are invisible at print size; wider ones are text (or a
#: table) running into the margin.
OVERFULL_POINTS = 3.0
DRAFTING = "UNVERIFIED"
REPO = Path(__file__).resolve().parents[2]
EDITIONS = [(name, lang) for name, path in available().items() for lang in languages(path)]


#: A formula cell scaled below this (of the tables' small type, 7 pt) is unreadable in print:
#: its exponents fall below 4 pt.
LEAST_SCALE = 0.75


def _scales(log: str) -> list[float]:
    """The factor of each table cell scaled down to its column (the log says from and to)."""
    return [float(to) / float(wide) for wide, to in re.findall(
        re.escape(SCALED) + r" ([0-9.]+)pt to ([0-9.]+)pt", log)]


def _overfull(log: str) -> list[float]:
    return [float(m) for m in re.findall(r"Overfull \\[hv]box \(([0-9.]+)pt too", log)]


def _compiled(name: str, lang: str) -> tuple[str, str, str]:
    """(markdown, latex, TeX log) of one edition, built from the installed sources."""
    doc = derive.build(name, lang=lang)
    built = derive._text(doc, derive.Path("out"), "derivation", name)
    files = {f"figures/{p.name}": c for p, c in built.figure_contents().items()
             if p.suffix == ".pdf"}
    engine = derive.tex_engine(lang)
    require_tool(engine, "texlive-xetex" if engine == "xelatex" else "texlive-latex-base")
    _, log = compile_tex(built.latex, files, timeout=600, engine=engine)
    return built.markdown, built.latex, log


def test_no_catalog_reference_is_a_drafting_note():
    for loss in catalog.all_losses():
        for ref in loss.references:
            assert DRAFTING not in " ".join(map(str, vars(ref).values())), (loss.name, ref)


@pytest.mark.tex
@pytest.mark.parametrize("name, lang", [
    pytest.param(n, lang, marks=[pytest.mark.slow] if n == "atlas" else [])
    for n, lang in EDITIONS])
def test_documents_print_no_drafting_note_and_fit_their_pages(name, lang):
    markdown, latex, log = _compiled(name, lang)
    assert DRAFTING not in markdown and DRAFTING not in latex
    too_wide = [w for w in _overfull(log) if w > OVERFULL_POINTS]
    assert not too_wide, f"{name} ({lang}): overfull boxes {too_wide} pt (TeX log)"
    shrunk = [round(f, 2) for f in _scales(log) if f < LEAST_SCALE]
    assert not shrunk, f"{name} ({lang}): table cells scaled to {shrunk} of their type size"


def test_the_overfull_check_reads_what_tex_writes():
    # The line TeX writes for a too-wide paragraph line and a too-tall page.
    log = ("Overfull \\hbox (15.86122pt too wide) in paragraph at lines 12--13\n"
           "Overfull \\vbox (2.5pt too high) has occurred while \\output is active\n")
    assert _overfull(log) == [15.86122, 2.5]


@pytest.mark.tex
def test_a_formula_wider_than_the_page_is_an_overfull_box_the_check_refuses():
    require_tool("pdflatex")
    doc = derive.Document("wide", title="Wide")
    doc.paragraph("A display that cannot break:")
    doc.equation("+".join(f"x_{{{i}}}" for i in range(60)))
    _, log = compile_tex(doc.latex(), {})
    # 60 terms of about 0.9 cm at 11 pt against a 16 cm line: some 35 cm into the margin.
    assert [w for w in _overfull(log) if w > OVERFULL_POINTS], log[-2000:]


@pytest.mark.tex
def test_the_scale_check_reads_what_the_table_cells_write(tmp_path):
    require_tool("pdflatex")
    doc = derive.Document("cells", title="Cells")
    doc.table(["f"], [["$" + "+".join(f"x_{{{i}}}" for i in range(20)) + "$"], ["$x$"]],
              "A formula twice as wide as its column.", long=True, colspec="p{3cm}")
    _, log = compile_tex(doc.latex(), {})
    # 20 terms of about 0.75 cm each (x_i and a plus, at 7 pt) in a 3 cm column: one cell,
    # scaled to about a fifth; the short one is not scaled.
    (scale,) = _scales(log)
    assert 0.1 < scale < 0.5


@pytest.mark.tex
@pytest.mark.parametrize("engine, preamble", [
    ("pdflatex", ""),
    ("xelatex", "\\usepackage[UTF8,fontset=none]{ctex}\\setCJKmainfont{Noto Serif CJK SC}"),
])
def test_the_same_latex_compiles_to_the_same_bytes(engine, preamble):
    require_tool(engine)
    doc = derive.Document("twice", title="Twice", lang="zh" if engine == "xelatex" else "en")
    doc.paragraph("Smooth $L_1$: $\\frac{x^2}{2}$ 平滑" if engine == "xelatex"
                  else "Smooth $L_1$: $\\frac{x^2}{2}$")
    tex = doc.latex()
    first, _ = compile_tex(tex, {}, engine=engine)
    second, _ = compile_tex(tex, {}, engine=engine)
    assert first == second


@pytest.mark.tex
def test_derive_then_check_in_an_empty_directory_agree(tmp_path, monkeypatch, capsys):
    require_tool("pdflatex")
    monkeypatch.chdir(tmp_path)
    assert main(["derive", "-q"]) == 0
    assert main(["derive", "--check"]) == 0
    out, err = capsys.readouterr()
    assert "1 document up to date" in out
    assert "not checked (no files in docs): atlas, smooth_l1_beta_huber" in err
    assert "'lossmath derive --check --all' checks every derivation" in err


def test_check_in_an_empty_directory_says_what_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    assert main(["derive", "--check", "-q"]) == 1
    err = capsys.readouterr().err
    assert "regenerate with: lossmath derive smooth_l1_vs_l2" in err


def test_derive_keeps_figures_that_show_the_current_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    out = tmp_path / "docs"
    assert main(["derive", "-q", "-o", str(out), "--format", "md,tex"]) == 0
    png = out / "figures" / "smooth_l1_vs_l2-losses.png"
    # Same fingerprint, other bytes: what another matplotlib draws on a fresh machine.
    redrawn = png.read_bytes() + b"\0"
    png.write_bytes(redrawn)
    capsys.readouterr()
    assert main(["derive", "-q", "-o", str(out), "--format", "md,tex"]) == 0
    assert png.read_bytes() == redrawn and "0 file(s) written" in capsys.readouterr().out
    assert main(["derive", "-q", "--rebuild", "-o", str(out), "--format", "md,tex"]) == 0
    assert png.read_bytes() != redrawn


def test_progress_is_one_line_per_step_on_a_pipe_and_nothing_when_quiet(tmp_path, capsys,
                                                                        monkeypatch):
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    assert main(["derive", "-o", str(tmp_path), "--format", "md,tex"]) == 0
    err = capsys.readouterr().err.splitlines()
    steps = [line for line in err if line.startswith("lossmath derive: ")]
    assert steps[:3] == ["lossmath derive: [1/1] smooth_l1_vs_l2",
                         "lossmath derive: smooth_l1_vs_l2: loading smooth_l1_vs_l2.py",
                         "lossmath derive: smooth_l1_vs_l2: drawing 1 figure(s)"]
    assert main(["derive", "-q", "--rebuild", "-o", str(tmp_path), "--format", "md,tex"]) == 0
    assert not [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("lossmath derive: ")]


class _Terminal:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_on_a_terminal_is_a_bar_redrawn_on_one_line():
    term = _Terminal()
    with progress.reporting("lossmath derive", stream=term):
        with progress.task("atlas", 1, 1):
            for i in range(1, 5):
                progress.step(f"analysing loss {i}", i, 4)
    assert "\n" not in term.text
    assert term.text.count("\r\x1b[K") == 6  # five steps and the final erase
    assert "lossmath derive: [##########..........] [2/4] atlas: analysing loss 2" in term.text
    assert term.text.endswith("\r\x1b[K")


COMMITTED = sorted(p.relative_to(REPO) for p in (REPO / "docs").rglob("*.tex")
                   if "figures" not in p.parts)


@pytest.mark.tex
@pytest.mark.parametrize("tex", COMMITTED, ids=str)
def test_a_committed_pdf_is_its_committed_latex_compiled_again(tex):
    # What a fresh clone's TeX builds from the committed LaTeX and figures is the committed
    # PDF, byte for byte: no date, path or build order reaches the PDF, and the second pass
    # that balances turned pages converges.
    source = (REPO / tex).read_text(encoding="utf-8")
    engine = "xelatex" if "{ctex}" in source else "pdflatex"
    require_tool(engine, "texlive-xetex" if engine == "xelatex" else "texlive-latex-base")
    figures = (REPO / tex).parent / "figures"
    used = set(re.findall(r"\\includegraphics(?:\[[^]]*\])?\{figures/([^}]+)\}", source))
    files = {f"figures/{n}": (figures / n).read_bytes() for n in used}
    pdf, _ = compile_tex(source, files, timeout=600, engine=engine)
    assert pdf == (REPO / tex).with_suffix(".pdf").read_bytes()
