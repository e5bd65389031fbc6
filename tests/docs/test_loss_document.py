r"""Loss reports (``lossmath.docs.loss_document``, ``lossmath derive NAME|SPEC.toml|--expr``).

Every catalog loss and the example specs get a report computed from their analysis; the
command builds them like derivations (atomically, reproducibly, ``--check``). And the report
is safe against its input: a spec's name must be an identifier, and every other text a spec
carries reaches Markdown and LaTeX escaped, so ``\input{/etc/passwd}``, ``\write18``, math,
braces, ``%``, HTML and Markdown links are printed, not obeyed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lossmath import Loss, LossError, Param, Reference, analyse, get_loss, loss_names, x
from lossmath.cli.main import load_loss, main
from lossmath.docs.document import (
    DocumentError,
    build_pdf,
    class_latex,
    inline_markdown,
    literal,
    pdf_is_current,
)
from lossmath.docs.loss_document import FIGURE, loss_document
from lossmath.render.latex import expr_latex
from lossmath.render.plot import figure_files
from lossmath.spec.toml import SpecError, load_spec
from tests.support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
WING = REPO / "lossmath" / "examples" / "wing.toml"


def _pdflatex() -> None:
    require_tool("pdflatex")


def _figure_inputs(doc) -> dict[str, bytes]:
    return {
        f"figures/{fig.stem}.pdf": figure_files(fig.spec, formats=("pdf",))[f"{fig.spec.name}.pdf"]
        for fig in doc.figures
    }


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _spec(tmp_path: Path, body: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _toml(text: str) -> str:
    """A TOML basic string holding ``text`` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# -- every loss gets a report ---------------------------------------------------------------

SECTIONS = [
    "Parameters",
    "Definition",
    "Derivatives",
    "Smoothness",
    "Properties",
    "Conventions",
    "Figure",
]


@pytest.mark.parametrize("name", loss_names())
def test_every_catalog_loss_report_states_its_analysis(name):
    loss = get_loss(name)
    report = analyse(loss)
    doc = loss_document(loss)
    md = doc.markdown()
    assert doc.name == name and doc.command == f"lossmath derive {name}"
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == [
        *SECTIONS,
        *(["References"] if loss.references else []),
    ]
    # One table of one-sided values per breakpoint, and the class they add up to.
    assert md.count("One-sided values of the loss") == len(report.breakpoints)
    assert f"| smoothness class | ${class_latex(report.order)}$ |" in md
    if report.gradient_bound is None:  # barron with a symbolic alpha: said, not guessed
        assert "| gradient bound $`\\sup_x \\vert f'(x)\\vert `$ | undecided |" in md
    else:
        bound = expr_latex(report.gradient_bound, loss).replace("|", r"\vert ")
        assert f"| ${bound}$ |" in md
    # f, f' and f'' all drawn, at the defaults.
    (fig,) = doc.figures
    assert fig.stem == f"{name}-{FIGURE}" and fig.spec.orders == (0, 1, 2)
    assert not fig.spec.curves[0].loss.params
    for p in loss.params:
        symbol = p.latex or expr_latex(p.symbol)
        assert f"${symbol} = {p.decimal or expr_latex(p.default)}$" in fig.caption
    for conv in loss.conventions:
        # Typeset conventions show their markup's mathematics; others are literal text.
        assert inline_markdown(conv.topic_markup or literal(conv.topic)) in md


def test_huber_report_has_the_jump_in_curvature_and_the_owner_convention():
    md = loss_document("huber").markdown()
    assert "| curvature $f''$ | $1$ | $0$ | $-1$ |" in md  # at x = delta
    assert "| curvature $f''$ | $0$ | $1$ | $1$ |" in md  # at x = -delta
    assert (
        r"$x = \delta$ belongs to the piece $\frac{x^{2}}{2}$ ($`|x| \leq \delta`$), which "
        r"gives $f(\delta) = \frac{\delta^{2}}{2}$, $f'(\delta) = \delta$, "
        r"$f''(\delta) = 1$"
    ) in md
    assert "| delta | $\\delta$ | positive | $1$ | width of the quadratic zone" in md
    assert "| value at zero $f(0)$ | $0$, the minimum |" in md


def test_l2_report_says_there_are_no_breakpoints():
    md = loss_document(get_loss("l2")).markdown()
    assert "The definition (1) is one analytic expression: no breakpoints." in md
    assert r"Without breakpoints the loss is $C^{\infty}$ on the whole real line." in md
    assert "The loss has no parameters." in md


def test_wing_spec_needs_its_constant_solved():
    with pytest.raises(LossError, match=r"wing: unknowns left unsolved: C \(pass --solve"):
        loss_document(load_spec(WING))
    with pytest.raises(LossError, match="unknowns left unsolved"):
        loss_document(str(WING))  # a path works wherever a loss does


def test_wing_spec_with_solve_reports_its_joins_and_reference():
    loss = load_loss(str(WING), solve="best")
    doc = loss_document(
        loss, command="lossmath derive examples/wing.toml --solve", source="examples/wing.toml"
    )
    md = doc.markdown()
    assert "change the source and run `lossmath derive examples/wing.toml --solve`." in md
    assert "Generated by lossmath" in md and "from examples/wing.toml." in md
    assert md.count("One-sided values of the loss") == 3  # -w, 0, w
    assert "### At $x = w$" in md and "### At $x = 0$" in md
    assert (
        r"At $x = w$ the value ($`w \log{\left(1 + \frac{w}{\epsilon} \right)}`$) joins, "
        r"while the slope jumps from $\frac{w}{\epsilon + w}$ to $1$: the loss is $C^{0}$ "
        r"there, not $C^{1}$."
    ) in md
    assert "Zhen-Hua Feng et al." in md and "<https://arxiv.org/abs/1711.06753>" in md
    assert r"at $w = 10$, $\epsilon = 2$." in md
    (fig,) = doc.figures
    assert fig.spec.xlim == (-20.0, 20.0)  # twice the outermost breakpoint


@pytest.mark.tex
@pytest.mark.parametrize("name", [*loss_names(), "wing"])
def test_every_report_compiles(name):
    _pdflatex()
    loss = load_loss(str(WING), solve="best") if name == "wing" else get_loss(name)
    doc = loss_document(loss)
    tex = doc.latex()
    assert pdf_is_current(build_pdf(tex, _figure_inputs(doc)), tex)


def test_a_parameter_without_default_asks_for_param(tmp_path):
    spec = _spec(
        tmp_path,
        'name = "scaled"\n[params]\na = { assume = "positive" }\n[[pieces]]\nexpr = "a*x**2"\n',
    )
    with pytest.raises(
        LossError,
        match=r"scaled: parameter\(s\) a have no default value.*"
        r"pass --param a=VALUE",
    ):
        loss_document(load_spec(spec))
    doc = loss_document(load_spec(spec).subs(a=3))
    assert "f(x) = 3 x^{2}" in doc.markdown()


def test_an_unbounded_derivative_is_left_out_of_the_figure_with_the_reason():
    doc = loss_document(load_loss(None, expr="sqrt(abs(x))"))
    (fig,) = doc.figures
    assert fig.spec.orders == (0,)
    assert (
        "Figure 1 leaves out $f'$ (value -oo is not a finite real number) and $f''$"
        in doc.markdown()
    )


# -- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [r"a\input{x}", "a}", "a$", "1abc", "-x", "a" * 65])
def test_a_loss_name_that_is_not_an_identifier_is_refused(name):
    with pytest.raises(DocumentError, match="cannot name a document"):
        loss_document(Loss(name, x**2))


@pytest.mark.parametrize(
    "symbol",
    [r"\input", r"\write", r"\def", r"\catcode", r"\end", r"\omicron", "w_{1", r"\beta\relax"],
)
def test_a_parameter_symbol_that_is_a_command_is_refused(symbol):
    # refused where the parameter is made, so no emitter ever sees it
    with pytest.raises(LossError, match=r"parameter a: latex .* is not a Greek letter"):
        Param("a", default=1, latex=symbol)


@pytest.mark.parametrize("symbol", [r"\beta", r"\Omega", "w", "w_1", r"\epsilon_{12}", "ab"])
def test_plain_parameter_symbols_are_accepted(symbol):
    p = Param("a", default=1, latex=symbol)
    doc = loss_document(Loss("scaled", p.symbol * x**2, params=(p,)))
    assert f"f(x; {symbol}) = {symbol} x^{{2}}" in doc.markdown()


def test_a_spec_parameter_symbol_that_is_a_command_is_refused_from_the_cli(tmp_path, capsys):
    spec = _spec(
        tmp_path,
        'name = "scaled"\n[params]\na = { default = 1, latex = "\\\\input" }'
        '\n[[pieces]]\nexpr = "a*x**2"\n',
    )
    assert main(["derive", str(spec), "-o", str(tmp_path / "out")]) == 2
    assert "parameter a: latex '\\\\input' is not a Greek letter" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_reference_link_must_be_http():
    ref = Reference(authors=("A",), title="T", year=2020, url="javascript:alert(1)")
    loss = Loss("linked", x**2, references=(ref,))
    doc = loss_document(loss)
    with pytest.raises(DocumentError, match="is not an http"):
        doc.markdown()


# -- injection ----------------------------------------------------------------------------

#: Text a hostile spec might carry, by what it tries.
HOSTILE = {
    "quotes": """it's "quoted" and 'single'""",
    "newlines": "one\n\\section{Injected}\n\n# Heading\n- item\n    code",
    "triple_quotes": '""" closes a docstring """ \'\'\'',
    "input": r"\input{/etc/passwd}",
    "write18": r"\immediate\write18{touch pwned}",
    "math": r"$\input{x}$ and $$x$$",
    "close_brace": "}",
    "open_brace": "{",
    "percent": "100% % rest of line",
    "catcode": r"\catcode`\{=12 \def\x{y}",
    "html": "<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- c -->",
    "link": "[click](javascript:alert(1)) ![i](x.png) <javascript:alert(1)>",
    "markup": "*em* **bold** `code` ~~strike~~ &lt; &amp; | a | b |",
    "specials": "# $ & ^ ~ | < > \\ [ ] * ` @",
    "block_start": "- not a list",
    "numbered": "1. not a list",
    "bracket": "[not an option] * not a star",
}

#: What pdftotext reports for glyphs OT1 fonts draw instead of ASCII quotes, ^ and ~, and
#: for ligatures.
_GLYPHS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "`",
        "\u201c": '"',
        "\u201d": '"',
        "\u02c6": "^",
        "\u02dc": "~",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
    }
)


def _words(text: str) -> str:
    """Whitespace collapsed, words hyphenated at a line end joined, glyphs read as ASCII."""
    return " ".join(re.sub(r"(?<=\w)-\n(?=\w)", "", text).translate(_GLYPHS).split())


# The escapes a literal may use in LaTeX; after removing them no special may remain.
_TEX_ESCAPE = re.compile(
    r"\\text(?:backslash|less|greater|bar)\{\}|\\[{}$&#%_]|\\[\^~]\{\}|['-]\{\}"
    r"|\\allowbreak\{\}"  # a break point in a long word: lossmath's own, inert
    r"|\{\}(?=[\[*])"
)
_TEX_SPECIALS = set("\\{}$&#^_%~")
_MD_SPECIALS = set("\\`*_[]<>|$#&~")


def _tex_is_inert(tex: str) -> bool:
    """``tex`` runs no command: every special character is one of the text escapes."""
    return not _TEX_SPECIALS & set(_TEX_ESCAPE.sub("", tex))


def _md_is_inert(md: str) -> bool:
    """Every Markdown special in ``md`` is backslash-escaped, and it starts no block."""
    i = 0
    while i < len(md):
        if md[i] == "\\":
            i += 2
            continue
        if md[i] in _MD_SPECIALS:
            return False
        i += 1
    return not re.match(r"\s|[-+=]|\d+[.)]", md)


def test_the_inertness_checks_discriminate():
    assert not _tex_is_inert(r"\input{/etc/passwd}") and not _tex_is_inert("a}")
    assert not _tex_is_inert("100%") and _tex_is_inert(r"100\% \textbackslash{}input\{x\}")
    assert not _md_is_inert("<script>") and not _md_is_inert("[a](javascript:b)")
    assert not _md_is_inert("- item") and _md_is_inert(r"\<script\> \[a\]")


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_literal_text_is_escaped_for_both_backends(text):
    from lossmath.docs.document import inline_latex

    tex, md = inline_latex(literal(text)), inline_markdown(literal(text))
    assert _tex_is_inert(tex), tex
    assert _md_is_inert(md), md
    assert "\n" not in tex and "\n" not in md


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_spec_name_is_refused(tmp_path, text, capsys):
    spec = _spec(tmp_path, f'name = {_toml(text)}\n[[pieces]]\nexpr = "x**2"\n')
    with pytest.raises(SpecError, match="is not a valid name"):
        load_spec(spec)
    out = tmp_path / "out"
    assert main(["derive", str(spec), "-o", str(out)]) == 2
    assert "is not a valid name" in capsys.readouterr().err
    assert main(["derive", "--expr", "x**2", "--name", text, "-o", str(out)]) == 2
    assert "is not a valid name" in capsys.readouterr().err
    assert not out.exists()


def _hostile_spec(tmp_path: Path, text: str) -> Path:
    """A valid spec whose every free-text field carries ``text`` (after a marker)."""
    return _spec(
        tmp_path,
        f"""\
name = "hostile"
title = {_toml("Title " + text)}
description = {_toml("DESCRIPTION " + text)}
[params]
a = {{ default = 1, description = {_toml("PARAM " + text)} }}
[[pieces]]
expr = "a*x**2"
when = "abs(x) < 1"
[[pieces]]
expr = "a*(2*abs(x) - 1)"
when = "otherwise"
[[references]]
authors = [{_toml("AUTHOR " + text)}]
title = {_toml("REFTITLE " + text)}
venue = {_toml("VENUE " + text)}
year = 2020
doi = {_toml("10.1/" + text)}
""",
    )


def _line(text: str, marker: str) -> str:
    (line,) = [s for s in text.splitlines() if marker in s]
    return line


@pytest.mark.tex
@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_spec_text_is_escaped_and_the_document_compiles(tmp_path, text):
    doc = loss_document(load_spec(_hostile_spec(tmp_path, text)))
    md, tex = doc.markdown(), doc.latex()
    commands = (
        r"\input",
        r"\write18",
        r"\immediate",
        r"\catcode",
        r"\def",
        "\\section{",
        "$\\input",
    )
    for raw in commands:
        assert raw not in tex, raw  # LaTeX shows a backslash as \textbackslash{}
    for raw in (*commands, "<script", "<img", "<!-- c", "](javascript", "<javascript"):
        # Markdown shows a backslash as \\ and escapes < [ ] with one.
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw
    # The description is a paragraph of its own: one line, nothing in it live.
    assert _md_is_inert(_line(md, "DESCRIPTION"))
    assert _tex_is_inert(_line(tex, "DESCRIPTION"))
    # The reference link is percent-encoded: it ends the line, with nothing live in it.
    url = re.search(r"\\url\{(.*)\}$", tex, re.M).group(1)
    assert url.startswith("https://doi.org/10.1/") and not set(url) & set('{}\\ <>"')
    url = re.search(r"<(https://doi.org/[^\n]*)>$", md, re.M).group(1)
    assert not set(url) & set('{}\\ <>"')

    _pdflatex()
    require_tool("pdftotext", "poppler-utils")
    pdf = build_pdf(tex, _figure_inputs(doc))
    (tmp_path / "doc.pdf").write_bytes(pdf)
    shown = subprocess.run(
        # -raw: without it pdftotext drops a hyphen that ends a line ("<!-- c --" + ">")
        ["pdftotext", "-raw", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, check=True,
        text=True,
    ).stdout
    # OT1 draws _ as a rule, which pdftotext cannot read back.
    want = _words(text).replace("_", " ")
    # A long word may break at the end of a line (lossmath allows it, so that it stays
    # inside the margin), which pdftotext reads as a space: compare without spaces.
    page = "".join(_words(shown).replace("_", " ").split())
    for marker in ("DESCRIPTION", "AUTHOR", "REFTITLE"):
        assert "".join(f"{marker} {want}".split()) in page
    assert "root:" not in shown  # /etc/passwd was not read


@pytest.mark.tex
def test_hostile_text_stays_inert_even_with_shell_escape_enabled(tmp_path):
    """Compiled with ``-shell-escape``, a live ``\\write18{touch pwned}`` creates ``pwned``
    (the control shows it); the report carrying every hostile text at once creates none."""
    _pdflatex()

    def compile_in(folder: Path, tex: str, files: dict[str, bytes]) -> int:
        for name, content in {"doc.tex": tex.encode("utf-8"), **files}.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        return subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-shell-escape", "doc.tex"],
            cwd=folder,
            capture_output=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        ).returncode

    control = (
        "\\documentclass{article}\\begin{document}\n\\immediate\\write18{touch pwned}"
        "\nx\n\\end{document}\n"
    )
    assert compile_in(tmp_path / "control", control, {}) == 0
    assert (tmp_path / "control" / "pwned").exists()

    doc = loss_document(load_spec(_hostile_spec(tmp_path, "\n".join(HOSTILE.values()))))
    assert compile_in(tmp_path / "report", doc.latex(), _figure_inputs(doc)) == 0
    assert (tmp_path / "report" / "doc.pdf").exists()
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("pwned")] == [Path("control", "pwned")]


def test_a_comment_in_expr_is_refused_and_nothing_is_written(tmp_path, capsys):
    # '#' would start a Python comment the parser silently drops; it is refused instead,
    # so no text outside the expression language reaches the provenance header.
    out = tmp_path / "out"
    expr = "x**2 # --> <script>alert(1)</script> \\input{/etc/passwd}"
    assert main(["derive", "--expr", expr, "-o", str(out), "--format", "md,tex"]) == 2
    assert "comments are not allowed" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.tex
def test_a_hostile_spec_builds_from_the_cli_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = _hostile_spec(tmp_path, "\n".join(HOSTILE.values()))
    assert main(["derive", str(spec), "-o", "out"]) == 0
    written = _snapshot(tmp_path / "out")
    assert {"hostile.md", "hostile.tex", f"figures/hostile-{FIGURE}.svg"} <= set(written)
    assert not list(tmp_path.rglob("pwned"))


# -- the command ----------------------------------------------------------------------------


@pytest.mark.tex
def test_derive_huber_writes_a_report_twice_identically(tmp_path, capsys):
    if os.environ.get("CI") == "true":
        _pdflatex()
    out = tmp_path / "out"
    assert main(["derive", "huber", "-o", str(out)]) == 0
    first = _snapshot(out)
    expected = {
        "huber.md",
        "huber.tex",
        *(f"figures/huber-{FIGURE}.{f}" for f in ("svg", "png", "pdf")),
    }
    if shutil.which("pdflatex"):
        expected.add("huber.pdf")
        assert first["huber.pdf"].startswith(b"%PDF")
    assert set(first) == expected
    assert first["huber.md"].startswith(b"<!--\nGenerated by lossmath")
    capsys.readouterr()
    assert main(["derive", "huber", "-o", str(out)]) == 0
    assert f"0 file(s) written, {len(expected)} unchanged" in capsys.readouterr().out
    shutil.rmtree(out)
    assert main(["derive", "huber", "-o", str(out)]) == 0
    assert _snapshot(out) == first


def test_derive_check_compares_a_named_loss_report(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["huber", "-o", str(out), "--format", "md,tex"]
    assert main(["derive", "--check", *args]) == 1
    assert f"regenerate with: lossmath derive huber -o {out}" in capsys.readouterr().err
    assert not out.exists()
    assert main(["derive", *args]) == 0
    assert main(["derive", "--check", *args]) == 0
    md = out / "huber.md"
    md.write_text(md.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["derive", "--check", *args]) == 1
    assert f"stale: {md} (out of date)" in capsys.readouterr().err
    # Without NAME, --check covers the derivations only, not reports lying in the folder.
    assert main(["derive", "--check", "-o", str(out), "--format", "md,tex"]) == 1
    err = capsys.readouterr().err
    assert str(md) not in err and "smooth_l1_vs_l2.md (missing)" in err


def test_derive_spec_without_solve_is_exit_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["derive", str(WING), "-q", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "lossmath: error: wing: unknowns left unsolved: C (pass --solve, or write a "
        "solved spec with 'lossmath solve SPEC -o FILE')\n"
    )
    assert not out.exists()


def test_derive_spec_with_solve_names_the_files_after_the_loss(tmp_path):
    out = tmp_path / "out"
    assert main(["derive", str(WING), "--solve", "-o", str(out), "--format", "md,tex"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["figures", "wing.md", "wing.tex"]
    md = (out / "wing.md").read_text(encoding="utf-8")
    # The spec is named relative to the repository root, however it was spelled.
    assert "run `lossmath derive lossmath/examples/wing.toml --solve`." in md


@pytest.mark.tex
def test_derive_expr_builds_a_report_named_expr_or_name(tmp_path):
    out = tmp_path / "out"
    assert main(["derive", "--expr", "x**2 if x < 1 else x", "-o", str(out)]) == 0
    md = (out / "expr.md").read_text(encoding="utf-8")
    assert (
        r"f(x) = \begin{cases} x^{2} & \text{if } x < 1 \\ x & \text{otherwise} \end{cases}" in md
    )
    assert "user expression: x\\*\\*2 if x \\< 1 else x" in md
    assert "| value $f$ | $1$ | $1$ | $0$ |" in md and "| slope $f'$ | $2$ | $1$ | $-1$ |" in md
    assert "run `lossmath derive --expr 'x**2 if x < 1 else x'`." in md
    assert (
        main(["derive", "--expr", "abs(x)", "--name", "mine", "-o", str(out), "--format", "md"])
        == 0
    )
    assert (out / "mine.md").is_file()


def test_derive_check_of_an_expr_report_says_how_to_rebuild_it(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["derive", "--check", "--expr", "abs(x)", "--name", "mine", "-o", str(out)]) == 1
    assert capsys.readouterr().err.endswith(
        f"regenerate with: lossmath derive --expr 'abs(x)' --name mine -o {out}\n"
    )


def test_derive_param_substitutes_before_the_report(tmp_path):
    out = tmp_path / "out"
    assert main(["derive", "huber", "--param", "delta=2", "-o", str(out), "--format", "md"]) == 0
    md = (out / "huber.md").read_text(encoding="utf-8")
    assert r"f(x) = \begin{cases} \frac{x^{2}}{2} & \text{if } |x| \leq 2" in md
    assert "The loss has no parameters." in md
    assert "run `lossmath derive huber --param delta=2`." in md


def test_a_derivation_source_wins_over_a_catalog_loss_of_the_same_name(tmp_path):
    sources = tmp_path / "derivations"
    sources.mkdir()
    (sources / "huber.py").write_text("def build(doc):\n    doc.title = 'Hand-written'\n")
    out = tmp_path / "out"
    assert (
        main(["derive", "huber", "-o", str(out), "--sources", str(sources), "--format", "md"]) == 0
    )
    assert "# Hand-written" in (out / "huber.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["smooth_l1_vs_l3"],
            "unknown derivation or loss 'smooth_l1_vs_l3' (derivations: "
            "atlas, smooth_l1_beta_huber, smooth_l1_vs_l2; "
            f"catalog losses: {', '.join(loss_names())}"
            "; or a SPEC.toml path, or --expr TEXT); did you mean 'smooth_l1_vs_l2'?",
        ),
        (["huber", "--param", "beta=1"], "huber: unknown parameter(s) beta"),
        (["smooth_l1_vs_l2", "--param", "beta=1"], "--param and --solve apply to losses"),
        (["--name", "mine"], "--name only goes with --expr"),
        (["--solve", "huber"], "--solve 'huber': unknown smoothness class"),
        (
            ["--expr", "x**2", "--name", "smooth_l1_vs_l2"],
            "--expr and lossmath/derivations/smooth_l1_vs_l2.py both make the document "
            "smooth_l1_vs_l2",
        ),
        (["huber", "huber_loss"], "huber_loss and huber both make the document huber"),
        (["missing.toml"], "missing.toml: no such file"),
        (["--expr", "x +* 2"], "--expr"),
    ],
)
def test_loss_usage_errors_are_exit_2_and_write_nothing(argv, message, tmp_path, capsys):
    assert main(["derive", *argv, "-q", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lossmath: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
