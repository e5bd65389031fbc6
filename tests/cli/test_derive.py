"""``lossmath derive``: builds, byte-identical rebuilds, ``--check``, and bad input that
leaves nothing behind."""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from lossmath.cli import derive
from lossmath.cli.main import main
from tests.support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "lossmath" / "derivations"
DOCS = REPO / "docs"


def _pdflatex() -> None:
    require_tool("pdflatex")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def sources(tmp_path) -> Path:
    """A private copy of the derivation sources, safe to edit."""
    dst = tmp_path / "derivations"
    shutil.copytree(SOURCES, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


@pytest.mark.tex
def test_no_name_builds_the_smooth_l1_vs_l2_document_twice_identically(tmp_path, capsys):
    _pdflatex()
    out = tmp_path / "docs"
    assert main(["derive", "-q", "-o", str(out)]) == 0
    first = _snapshot(out)
    assert sorted(first) == [
        "figures/smooth_l1_vs_l2-losses.pdf",
        "figures/smooth_l1_vs_l2-losses.png",
        "figures/smooth_l1_vs_l2-losses.svg",
        "smooth_l1_vs_l2.md",
        "smooth_l1_vs_l2.pdf",
        "smooth_l1_vs_l2.tex",
    ]
    assert first["smooth_l1_vs_l2.pdf"].startswith(b"%PDF")
    capsys.readouterr()
    assert main(["derive", "-q", "-o", str(out)]) == 0
    assert "0 file(s) written, 6 unchanged" in capsys.readouterr().out
    shutil.rmtree(out)
    assert main(["derive", "-q", "-o", str(out)]) == 0
    assert _snapshot(out) == first  # a fresh build is byte-identical, PDF included


def test_the_markdown_reproduces_the_seed_derivation(tmp_path):
    md = derive.build("smooth_l1_vs_l2").markdown()
    # The seed's equations (1)-(6), in order, and the Fast R-CNN loss.
    tags = [int(t) for t in re.findall(r"\\tag\{(\d+)\}", md)]
    assert tags == list(range(1, len(tags) + 1)) and len(tags) >= 7
    for fragment in (
        r"L_2(x) = x^{2} \tag{1}",
        r"L_1(x) = |x| \tag{2}",
        r"\frac{x^{2}}{2} & \text{if } |x| < 1 \\ |x| - \frac{1}{2} & \text{otherwise}",
        r"\frac{d}{dx} L_2(x) = 2 x \tag{4}",
        r"x & \text{if } |x| < 1 \\ \operatorname{sign}(x) & \text{otherwise}",
        r"\sum_{i \in \lbrace x, y, w, h\rbrace }",
        "the curvature jumps from $1$ to $0$",
        "![Figure 1](figures/smooth_l1_vs_l2-losses.svg)",
        "arXiv:1504.08083",
    ):
        assert fragment in md, fragment


@pytest.mark.slow  # builds every document twice: about a minute of CPU
def test_check_passes_after_a_build_and_fails_after_a_source_edit(tmp_path, sources, capsys):
    out = tmp_path / "docs"
    args = ["-o", str(out), "--sources", str(sources)]
    assert main(["derive", "--all", "--format", "md,tex", *args]) == 0
    assert main(["derive", "--check", "--format", "md,tex", *args]) == 0
    capsys.readouterr()

    src = sources / "_smooth_l1_vs_l2_en.py"  # the English prose of smooth_l1_vs_l2
    text = src.read_text(encoding="utf-8")
    edited = text.replace("keeps the good half of each", "keeps the best of both")
    assert edited != text
    src.write_text(edited, encoding="utf-8")
    before = _snapshot(out)
    assert main(["derive", "--check", "--format", "md,tex", *args]) == 1
    err = capsys.readouterr().err
    assert f"stale: {out / 'smooth_l1_vs_l2.md'} (out of date)" in err
    assert (f"regenerate with: lossmath derive smooth_l1_vs_l2 -o {out} --sources {sources}"
            in err)
    assert _snapshot(out) == before  # --check writes nothing

    assert main(["derive", "--check", "--diff", "--format", "md", *args]) == 1
    diff = capsys.readouterr().out.splitlines()
    assert any(line.startswith("+") and "keeps the best of both" in line for line in diff)
    assert any(line.startswith("-") and "keeps the good half of each" in line for line in diff)


def test_check_flags_a_figure_that_shows_something_else(tmp_path, capsys):
    out = tmp_path / "docs"
    assert main(["derive", "-o", str(out), "--format", "md,tex"]) == 0
    png = out / "figures" / "smooth_l1_vs_l2-losses.png"
    png.write_bytes(b"\x89PNG not this figure")
    assert main(["derive", "smooth_l1_vs_l2", "--check", "-o", str(out),
                 "--format", "md,tex"]) == 1
    assert f"stale: {png} (shows an older figure)" in capsys.readouterr().err


@pytest.mark.tex
def test_check_flags_a_pdf_built_from_an_older_tex(tmp_path, sources, capsys):
    _pdflatex()
    out = tmp_path / "docs"
    args = ["smooth_l1_vs_l2", "-o", str(out), "--sources", str(sources)]
    assert main(["derive", *args]) == 0
    assert main(["derive", "--check", *args]) == 0
    src = sources / "_smooth_l1_vs_l2_en.py"
    text = src.read_text(encoding="utf-8")
    assert "cannot produce " in text
    src.write_text(text.replace("cannot produce ", "cannot ever produce "), encoding="utf-8")
    assert main(["derive", *args, "--format", "md,tex"]) == 0  # PDF left behind
    capsys.readouterr()
    assert main(["derive", "--check", *args]) == 1
    pdf = out / "smooth_l1_vs_l2.pdf"
    assert f"stale: {pdf} (was built from an older .tex)" in capsys.readouterr().err


def test_missing_files_are_stale(tmp_path, capsys):
    assert main(["derive", "--check", "--all", "-q", "-o", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "(missing)" in err and "regenerate with: lossmath derive atlas smooth_l1_beta_huber " \
        "smooth_l1_vs_l2 -o" in err
    assert not (tmp_path / "nowhere").exists()


def test_committed_docs_are_up_to_date(monkeypatch, capsys):
    """What CI runs: the documents under docs/ match their sources."""
    monkeypatch.chdir(REPO)
    code = main(["derive", "--check", "--all"])
    assert code == 0, capsys.readouterr().err


def test_unknown_derivation_is_exit_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "docs"
    assert main(["derive", "smooth_l1_vs_l3", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lossmath: error: unknown derivation or loss 'smooth_l1_vs_l3' "
                          "(derivations: atlas, smooth_l1_beta_huber, smooth_l1_vs_l2; catalog "
                          "losses: ")
    assert err.count("\n") == 1
    assert not out.exists()


def test_unwritable_output_directory_is_exit_2_and_writes_nothing(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    assert main(["derive", "-o", str(blocker / "docs")]) == 2
    err = capsys.readouterr().err
    assert err == f"lossmath: error: cannot write to {blocker / 'docs'}: {blocker} is not a " \
        "directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_a_failing_derivation_is_one_line_and_nothing_is_written(tmp_path, sources, capsys):
    (sources / "broken.py").write_text(
        "def build(doc):\n    doc.title = 'x'\n    raise ZeroDivisionError('boom')\n"
    )
    out = tmp_path / "docs"
    assert main(["derive", "broken", "-q", "-o", str(out), "--sources", str(sources)]) == 2
    assert capsys.readouterr().err == (
        "lossmath: error: derivation broken failed at broken.py:3: ZeroDivisionError: boom\n"
    )
    assert not out.exists()


def test_unbalanced_latex_is_refused_before_pdflatex_and_leaves_nothing(tmp_path, sources,
                                                                        capsys):
    (sources / "badtex.py").write_text(
        "def build(doc):\n    doc.title = 'x'\n    doc.equation(r'\\frac{1}{')\n"
    )
    out = tmp_path / "docs"
    assert main(["derive", "badtex", "-q", "-o", str(out), "--sources", str(sources)]) == 2
    assert capsys.readouterr().err == (
        "lossmath: error: internal error: derivation badtex: badtex.tex: \\end{gather*} on "
        "line 28 closes nothing open (near '\\\\end{gather*}'); nothing was written\n"
    )
    assert not out.exists()  # not even the Markdown, which was fine


@pytest.mark.tex
def test_latex_that_does_not_compile_leaves_nothing_behind(tmp_path, sources, capsys):
    _pdflatex()
    # Balanced, so it passes lossmath's check; pdflatex itself refuses the undefined macro.
    (sources / "badtex.py").write_text(
        "def build(doc):\n    doc.title = 'x'\n    doc.equation(r'\\undefinedmacro{1}')\n"
    )
    out = tmp_path / "docs"
    assert main(["derive", "badtex", "-q", "-o", str(out), "--sources", str(sources)]) == 2
    assert capsys.readouterr().err.startswith("lossmath: error: pdflatex failed: ")
    assert not out.exists()  # not even the Markdown, which was fine


def test_missing_pdflatex_skips_the_pdf_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    out = tmp_path / "docs"
    assert main(["derive", "-q", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "figures", "smooth_l1_vs_l2.md", "smooth_l1_vs_l2.tex"
    ]
    err = capsys.readouterr().err
    assert err.startswith("lossmath derive: PDF skipped: pdflatex not found")
    assert err.count("\n") == 1


def test_missing_pdflatex_with_pdf_asked_for_is_exit_2_and_writes_nothing(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    out = tmp_path / "docs"
    assert main(["derive", "--format", "md,pdf", "-o", str(out)]) == 2
    assert "cannot build PDF: pdflatex not found" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "md,docx"], "unknown format docx in --format"),
        (["--diff"], "--diff only goes with --check"),
        (["--all", "smooth_l1_vs_l2"], "give derivation names or --all, not both"),
        (["--sources", "/nonexistent/derivations"], "no derivation sources"),
    ],
)
def test_usage_errors(argv, message, tmp_path, capsys):
    assert main(["derive", "-o", str(tmp_path / "d"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_list_names_every_derivation(capsys):
    assert main(["derive", "--list"]) == 0
    assert capsys.readouterr().out.split() == ["atlas", "smooth_l1_beta_huber",
                                               "smooth_l1_vs_l2"]


def test_help_states_how_check_decides(capsys):
    with pytest.raises(SystemExit):
        main(["derive", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "compares .md and .tex byte for byte" in out
    assert "fingerprint" in out and "exit codes: 0" in out


def test_every_folder_of_python_under_lossmath_is_a_package_that_find_installs():
    """pyproject installs ``lossmath*`` by ``packages.find``, which skips a folder without
    ``__init__.py``: a new folder without one would be missing from the wheel."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["lossmath*"]
    folders = {p.parent for p in (REPO / "lossmath").rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file())
    assert not missing, f"add __init__.py to: {missing}"


def test_derive_says_where_it_wrote(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)  # no PDF: faster
    out = tmp_path / "docs"
    assert main(["derive", "-q", "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].endswith(f"file(s) written, 0 unchanged, in {out}{os.sep}")
    assert lines[-1] == f"  {out / 'smooth_l1_vs_l2.md'}, {out / 'smooth_l1_vs_l2.tex'}"


def test_check_without_tex_checks_the_rest_and_says_the_pdf_was_not_checked(
    tmp_path, monkeypatch, capsys
):
    """Right after `derive` without TeX (no PDF written), --check passes, says so, and still
    finds stale text; asked for explicitly, the PDF is checked (and missing)."""
    monkeypatch.setattr(derive, "engine_path", lambda engine: None)
    out = tmp_path / "docs"
    assert main(["derive", "-q", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["derive", "smooth_l1_vs_l2", "--check", "-q", "-o", str(out)]) == 0
    stdout, err = capsys.readouterr()
    assert "1 document up to date (PDF not checked)" in stdout
    assert err == ("lossmath derive --check: PDF not checked: pdflatex not found (install "
                   "TeX, e.g. apt-get install texlive-latex-base texlive-latex-recommended); "
                   "the rest was\n")
    md = out / "smooth_l1_vs_l2.md"
    md.write_text(md.read_text(encoding="utf-8") + "edit\n", encoding="utf-8")
    assert main(["derive", "smooth_l1_vs_l2", "--check", "-o", str(out)]) == 1
    assert f"stale: {md} (out of date)" in capsys.readouterr().err
    assert main(["derive", "smooth_l1_vs_l2", "--check", "--format", "pdf", "-o",
                 str(out)]) == 1
    assert f"stale: {out / 'smooth_l1_vs_l2.pdf'} (missing)" in capsys.readouterr().err


def test_the_title_never_leaves_its_last_word_alone_on_a_line():
    tex = derive.build("smooth_l1_vs_l2").latex()
    title = next(line for line in tex.splitlines() if r"\LARGE" in line)
    assert title.endswith(r"uses smooth~$L_1$\par}\end{center}")
