r"""Derivation documents: a small model with Markdown and LaTeX backends, and PDF via pdflatex.

A :class:`Document` is a list of blocks (headings, paragraphs, bullet lists, display
equations with tags, tables, figures, code) plus the references cited in it. Derivation
sources (``derivations/*.py``) fill one in; :meth:`Document.markdown` and
:meth:`Document.latex` turn it into text, and :func:`build_pdf` compiles the LaTeX.

Inline markup in text (paragraphs, bullets, table cells, captions) is deliberately small:
``$...$`` math, ``*emphasis*``, ``**bold**`` and ```code```. Everything else is literal
text and is escaped for each backend.

Text from outside the program (a spec's name, title, description, references) must not be
read as markup at all: :func:`literal` wraps it so that both backends show it exactly as
written, on one line. Every character that means something to LaTeX (``\ { } $ & # ^ _ %
~``) or to Markdown/HTML (``* _ ` [ ] < > | & ~``, a list or heading marker at the start) is
escaped, and newlines become spaces, so such text cannot run a TeX command (``\input``,
``\write18``), open math, a link or an HTML tag, or start a new block. Reference links must
be http(s) URLs and are percent-encoded; the provenance comment is kept on one line.

Markdown targets GitHub: display math as ``$$`` on lines of their own, ``\{``/``\}`` written
``\lbrace``/``\rbrace`` (GitHub's Markdown pass eats the backslash, sympy's LaTeX never needs
it otherwise), inline math with Markdown-significant characters (``_``, ``*``, ``\\``, ...)
in GitHub's ``$`...`$`` form, ``|`` in table cells as ``\vert``, images by relative path.

LaTeX is a standalone ``article`` using only packages from Debian's ``texlive-latex-base``
and ``texlive-latex-recommended`` (amsmath, graphicx, booktabs, geometry, url). It embeds a
fingerprint of itself in the PDF's info dictionary (``/Subject``), so a PDF can be checked
against the current LaTeX without running pdflatex (:func:`pdf_is_current`), and it asks
pdfTeX to leave out dates, the trailer id and its own version banner, so rebuilding with the
same TeX gives the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from . import __version__
from .loss import Reference
from .outputs import scratch_dir, write_files
from .plot import FigureSpec, fingerprint

__all__ = [
    "Document",
    "claim",
    "decimal",
    "decimal_latex",
    "DocumentError",
    "PdfUnavailable",
    "build_pdf",
    "document_fingerprint",
    "pdf_is_current",
    "inline_markdown",
    "inline_latex",
    "literal",
]

FIGURE_DIR = "figures"
DOCUMENT_PREFIX = "lossmath-document sha256:"
_PLACEHOLDER = "0" * 64


class DocumentError(ValueError):
    """A document cannot be built (bad markup, a character LaTeX cannot typeset, a failed
    pdflatex run); the message says where."""


class PdfUnavailable(DocumentError):
    """pdflatex is not installed; the message says how to get it."""


# -- blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Equation:
    latex: str
    number: int


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str
    number: int
    align: str


@dataclass(frozen=True)
class Figure:
    spec: FigureSpec
    stem: str  # file name without extension, under figures/
    caption: str
    number: int
    digest: str


@dataclass(frozen=True)
class Code:
    text: str


Block = Heading | Paragraph | Bullets | Equation | Table | Figure | Code


@dataclass
class Document:
    """A derivation document, built block by block.

    Parameters
    ----------
    name
        File stem of the outputs (``smooth_l1_vs_l2`` -> ``smooth_l1_vs_l2.md``, ...).
    title
        The document's title.
    source
        The derivation source, named in the generated files' header.
    regenerate
        The command that rebuilds the document, for the header (default
        ``lossmath derive NAME``).
    """

    name: str
    title: str = ""
    source: str = ""
    blocks: list[Block] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    regenerate: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", self.name):
            raise DocumentError(f"invalid document name {self.name!r} (letters, digits, _ -)")

    # -- building -------------------------------------------------------------------------
    def heading(self, text: str, level: int = 2) -> None:
        """A section heading; level 2 is a section, 3 a subsection (1 is the title)."""
        if level not in (2, 3):
            raise DocumentError(f"heading level must be 2 or 3, got {level}")
        self.blocks.append(Heading(_check_markup(text), level))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Paragraph(_check_markup(text)))

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append(Bullets(tuple(_check_markup(t) for t in items)))

    def equation(self, latex: str) -> int:
        """A display equation; returns its number (shown as a tag, ``(1)``)."""
        number = 1 + sum(isinstance(b, Equation) for b in self.blocks)
        self.blocks.append(Equation(latex.strip(), number))
        return number

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        caption: str,
        align: str | None = None,
    ) -> int:
        """A table of text cells (inline markup allowed); returns its number."""
        width = len(header)
        if any(len(r) != width for r in rows):
            raise DocumentError(f"table {caption!r}: every row needs {width} cells")
        align = align or "l" * width
        if len(align) != width or set(align) - set("lcr"):
            raise DocumentError(f"table {caption!r}: align must be {width} of l/c/r")
        number = 1 + sum(isinstance(b, Table) for b in self.blocks)
        cells = tuple(tuple(_check_markup(c) for c in r) for r in rows)
        self.blocks.append(
            Table(tuple(_check_markup(h) for h in header), cells, _check_markup(caption),
                  number, align)
        )
        return number

    def figure(self, spec: FigureSpec, caption: str | None = None) -> int:
        """A figure (rendered by :mod:`lossmath.plot`); returns its number."""
        stem = f"{self.name}-{spec.name}"
        if any(isinstance(b, Figure) and b.stem == stem for b in self.blocks):
            raise DocumentError(f"figure {spec.name!r} appears twice in {self.name}")
        number = 1 + sum(isinstance(b, Figure) for b in self.blocks)
        text = _check_markup(caption if caption is not None else spec.caption)
        self.blocks.append(Figure(spec, stem, text, number, fingerprint(spec)))
        return number

    def code(self, text: str) -> None:
        self.blocks.append(Code(text.rstrip("\n")))

    def cite(self, ref: Reference) -> str:
        """Register ``ref`` (once) and return its marker, ``[1]``."""
        if ref not in self.references:
            self.references.append(ref)
        return f"[{self.references.index(ref) + 1}]"

    # -- outputs --------------------------------------------------------------------------
    @property
    def command(self) -> str:
        return self.regenerate or f"lossmath derive {self.name}"

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def _provenance(self) -> list[str]:
        src = f" from {self.source}" if self.source else ""
        return [
            _comment_text(f"Generated by lossmath {__version__}{src}. Do not edit by hand:"),
            _comment_text(f"change the source and run `{self.command}`."),
        ]

    def markdown(self) -> str:
        """The document as GitHub-flavoured Markdown."""
        out = ["<!--", *self._provenance(), "-->", "", f"# {inline_markdown(self.title)}", ""]
        # Siblings written by `lossmath derive` from the same source.
        out += [f"*Also as [PDF]({self.name}.pdf) and [LaTeX]({self.name}.tex).*", ""]
        for b in self.blocks:
            out += _md_block(b)
            out.append("")
        if self.references:
            out += ["## References", ""]
            for i, ref in enumerate(self.references, 1):
                link = _safe_link(ref.link())
                line = f"{i}. {_md_literal(ref.cite())}."
                if link:
                    line += f" <{link}>"
                if ref.note:
                    line += f" {_md_literal(_sentence(ref.note))}"
                out.append(line)
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    def latex(self) -> str:
        """The document as a standalone LaTeX file (pdflatex, amsmath)."""
        head = [f"% {line}" for line in self._provenance()]
        head += [
            r"\documentclass[11pt]{article}",
            r"\usepackage{amsmath}",
            r"\usepackage{graphicx}",
            r"\usepackage{booktabs}",
            r"\usepackage{url}",
            r"\usepackage[margin=2.5cm]{geometry}",
            "% Reproducible PDF: no dates, no trailer id, no pdfTeX banner; no object",
            "% streams, so the info dictionary (and its fingerprint) stays readable.",
            r"\ifdefined\pdftrailerid \pdftrailerid{}\fi",
            r"\ifdefined\pdfinfoomitdate \pdfinfoomitdate=1\fi",
            r"\ifdefined\pdfsuppressptexinfo \pdfsuppressptexinfo=-1\fi",
            r"\ifdefined\pdfobjcompresslevel \pdfobjcompresslevel=0\fi",
            r"\ifdefined\pdfinfo \pdfinfo{/Subject (" + DOCUMENT_PREFIX + _PLACEHOLDER + ")}\\fi",
            r"\setlength{\parindent}{0pt}",
            r"\setlength{\parskip}{0.6\baselineskip}",
            r"\renewcommand{\arraystretch}{1.3}  % room for fractions in table cells",
            r"\begin{document}",
            r"\begin{center}{\LARGE\bfseries " + inline_latex(self.title) + r"\par}\end{center}",
            "",
        ]
        body: list[str] = []
        for b in self.blocks:
            body += _tex_block(b)
            body.append("")
        if self.references:
            body += [r"\section*{References}", r"\begin{itemize}"]
            for i, ref in enumerate(self.references, 1):
                link = _safe_link(ref.link())
                line = rf"\item[{{[{i}]}}] {_tex_literal(ref.cite())}."
                if link:
                    line += rf" \url{{{link}}}"
                if ref.note:
                    line += " " + _tex_literal(_sentence(ref.note))
                body.append(line)
            body += [r"\end{itemize}", ""]
        text = "\n".join(head + body + [r"\end{document}", ""])
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return text.replace(DOCUMENT_PREFIX + _PLACEHOLDER, DOCUMENT_PREFIX + digest, 1)


def claim(holds: object, statement: str) -> None:
    """Stop the build when a statement the prose makes is no longer true of the library.

    Prose is generated from lossmath's results; where a sentence relies on a fact (the
    gradient magnitude of L1 is 1 everywhere but 0), the derivation checks it with this, so
    an edit to a loss fails the build instead of leaving a false sentence.
    """
    if not holds:
        raise DocumentError(f"claim no longer holds: {statement}")


def decimal_latex(value: object, digits: int = 5) -> str:
    """:func:`decimal` as LaTeX math: ``-4.2``, ``3.84 \\times 10^{-5}``."""
    mantissa, _, exponent = decimal(value, digits).partition("e")
    if not exponent:
        return mantissa
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def decimal(value: object, digits: int = 5) -> str:
    """A number for a table cell: ``3``, ``-4.2``, ``0.024``, ``1.2346e+05``.

    Python's float formatting is correctly rounded, so the text is the same on every
    platform.
    """
    v = float(value)  # type: ignore[arg-type]
    text = f"{v:.{digits}g}"
    return "0" if text == "-0" else text


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# -- inline markup ----------------------------------------------------------------------

# Literal text is delimited by two private-use characters, which no other token may contain,
# so markup can neither start inside literal text nor reach into it.
_LIT_OPEN, _LIT_CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(
    r"(\ue000[^\ue000\ue001]*\ue001)|(\$[^$\ue000\ue001]+\$)|(\*\*[^*\ue000\ue001]+\*\*)"
    r"|(\*[^*\ue000\ue001]+\*)|(`[^`\ue000\ue001]+`)"
)
_KINDS = ("literal", "math", "bold", "emph", "code")


def literal(text: str) -> str:
    r"""Markup that shows ``text`` exactly as written (whitespace runs become one space).

    For text from outside the program: nothing in it is read as markup, and each backend
    escapes every character it gives a meaning to (see the module docstring). It cannot be
    nested inside ``*...*``, ``**...**``, ``$...$`` or ```...```.

    >>> inline_latex("Spec: " + literal(r"$\input{x}$ 50%"))
    'Spec: \\$\\textbackslash{}input\\{x\\}\\$ 50\\%'
    """
    if _LIT_OPEN in text or _LIT_CLOSE in text:
        raise DocumentError(f"text {text!r} contains U+E000 or U+E001, reserved by lossmath")
    return _LIT_OPEN + text + _LIT_CLOSE


def _tokens(text: str) -> list[tuple[str, str]]:
    """Split text into (kind, content): text, literal, math, bold, emph, code."""
    out, pos = [], 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos : m.start()]))
        kind = _KINDS[m.lastindex - 1]
        width = 2 if kind == "bold" else 1
        out.append((kind, m.group(0)[width:-width]))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def _check_markup(text: str) -> str:
    """Reject unbalanced markup early, naming the text (a stray ``$`` would swallow prose)."""
    for kind, content in _tokens(text):
        if kind == "text" and any(c in content for c in "$`"):
            raise DocumentError(f"unbalanced $ or ` in {text!r}")
        if kind == "text" and any(c in content for c in _LIT_OPEN + _LIT_CLOSE):
            raise DocumentError(f"literal text inside other markup, or unbalanced, in {text!r}")
    return text


def _one_line(text: str) -> str:
    """Runs of whitespace and unprintable characters as one space: the text stays on the
    line it is written on (a newline could end a comment or start a Markdown block)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _comment_text(text: str) -> str:
    """Text for a one-line comment in both backends: no line break, and no ``-->`` (or
    ``--!>``) that would end the Markdown file's HTML comment early."""
    return re.sub(r"--(?=!?>)", "- -", _one_line(text))


def _safe_link(link: str | None) -> str | None:
    """An http(s) URL with everything outside RFC 3986's characters (and brackets)
    percent-encoded, so it can neither close ``\\url{...}`` (a brace) nor a Markdown
    autolink (``>``, a space)."""
    if link is None:
        return None
    if not re.match(r"https?://", link):
        raise DocumentError(f"reference link {link!r} is not an http(s) URL")
    return urllib.parse.quote(link, safe="/:?#@!$&'()*+,;=%-._~")


# Markdown: characters that start emphasis, links, HTML or escapes.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")
# Inline math that GitHub's Markdown pass could mangle is written $`...`$.
_MD_RISKY_MATH = re.compile(r"[_*`<>]|\\[^A-Za-z]")


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


# Literal text also escapes entities (&) and strikethrough (~), and a list or heading marker
# at its start, where it may begin a line (a paragraph, a bullet, a table cell).
_MD_LITERAL = re.compile(r"([\\`*_\[\]<>|$#&~])")
_MD_BLOCK_START = re.compile(r"^(?:[-+=]|\d+[.)])")


def _md_literal(text: str) -> str:
    text = _MD_LITERAL.sub(r"\\\1", _one_line(text))
    return _MD_BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


def _md_math(tex: str, in_table: bool = False) -> str:
    tex = tex.replace(r"\{", r"\lbrace ").replace(r"\}", r"\rbrace ")
    if in_table:
        tex = tex.replace("|", r"\vert ")
    return tex


def inline_markdown(text: str, in_table: bool = False) -> str:
    """Inline markup as GitHub Markdown."""

    def math(content: str) -> str:
        tex = _md_math(content, in_table)
        return f"$`{tex}`$" if _MD_RISKY_MATH.search(tex) else f"${tex}$"

    return _render(text, {
        "text": _md_text,
        "literal": _md_literal,
        "math": math,
        "bold": lambda c: f"**{_md_text(c)}**",
        "emph": lambda c: f"*{_md_text(c)}*",
        "code": lambda c: f"`{c}`",
    })


def _render(text: str, backend: Mapping[str, Callable[[str], str]]) -> str:
    """Inline markup through one backend's table of token renderers."""
    return "".join(backend[kind](content) for kind, content in _tokens(text))


def _md_block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + inline_markdown(b.text)]
    if isinstance(b, Paragraph):
        return [inline_markdown(b.text)]
    if isinstance(b, Bullets):
        return [f"- {inline_markdown(t)}" for t in b.items]
    if isinstance(b, Equation):
        return ["$$", f"{_md_math(b.latex)} \\tag{{{b.number}}}", "$$"]
    if isinstance(b, Table):
        sep = {"l": ":---", "c": ":---:", "r": "---:"}
        lines = [f"**Table {b.number}.** {inline_markdown(b.caption)}", ""]
        lines.append("| " + " | ".join(inline_markdown(h, True) for h in b.header) + " |")
        lines.append("|" + "|".join(sep[a] for a in b.align) + "|")
        for row in b.rows:
            lines.append("| " + " | ".join(inline_markdown(c, True) for c in row) + " |")
        return lines
    if isinstance(b, Figure):
        return [
            f"<!-- {FIGURE_DIR}/{b.stem}: lossmath-figure sha256:{b.digest} -->",
            f"![Figure {b.number}]({FIGURE_DIR}/{b.stem}.svg)",
            "",
            f"**Figure {b.number}.** {inline_markdown(b.caption)}",
        ]
    if isinstance(b, Code):
        return ["```", b.text, "```"]
    raise TypeError(f"unknown block {b!r}")  # pragma: no cover


# LaTeX: special characters of text mode, and the few non-ASCII characters prose may use.
_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2013": "--",
    "\u2014": "---",
    "\u2026": r"\ldots{}",
    "\u00a0": "~",
    # Math symbols that plain-text statements (a loss's conventions) use.
    "\u00b1": r"\ensuremath{\pm}",
    "\u2213": r"\ensuremath{\mp}",
    "\u2212": r"\ensuremath{-}",
    "\u2192": r"\ensuremath{\to}",
    "\u2264": r"\ensuremath{\leq}",
    "\u2265": r"\ensuremath{\geq}",
    "\u2260": r"\ensuremath{\neq}",
    "\u00d7": r"\ensuremath{\times}",
    "\u221e": r"\ensuremath{\infty}",
    "\u03b2": r"\ensuremath{\beta}",
    "\u03b4": r"\ensuremath{\delta}",
    "\u00e9": r"\'e",
    "\u00f6": r'\"o',
    "\u00fc": r'\"u',
}


def _tex_text(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch == '"':
            # Typewriter quotes: opening after a space or bracket, closing otherwise.
            out.append("``" if i == 0 or text[i - 1] in " ([{" else "''")
        elif ch == "'":
            out.append("'{}")  # no ligature: f'' stays two primes, not a closing quote
        elif ch == "-" and text[i + 1 : i + 2] == "-":
            out.append("-{}")  # no en dash from "--"
        elif ch in _TEX_ESCAPES:
            out.append(_TEX_ESCAPES[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            raise DocumentError(
                f"character {ch!r} (U+{ord(ch):04X}) in {text!r} cannot be typeset by "
                "pdflatex without extra packages; write it as $...$ math or plain ASCII"
            )
    return "".join(out)


def _tex_literal(text: str) -> str:
    try:
        tex = _tex_text(_one_line(text))
    except DocumentError:
        bad = next(c for c in text if ord(c) >= 128 and c not in _TEX_ESCAPES)
        raise DocumentError(
            f"character {bad!r} (U+{ord(bad):04X}) in {text!r} cannot be typeset by pdflatex "
            "without extra packages; use plain ASCII"
        ) from None
    # After \item, \\ or a booktabs rule, LaTeX would read a leading [ as an optional
    # argument and a leading * as a star; {} ends that look-ahead.
    return "{}" + tex if tex[:1] in ("[", "*") else tex


def inline_latex(text: str) -> str:
    """Inline markup as LaTeX (text escaped, math passed through)."""
    return _render(text, {
        "text": _tex_text,
        "literal": _tex_literal,
        "math": lambda c: f"${c}$",
        "bold": lambda c: rf"\textbf{{{_tex_text(c)}}}",
        "emph": lambda c: rf"\emph{{{_tex_text(c)}}}",
        "code": lambda c: rf"\texttt{{{_tex_text(c)}}}",
    })


def _tex_block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        cmd = "section" if b.level == 2 else "subsection"
        return [rf"\{cmd}*{{{inline_latex(b.text)}}}"]
    if isinstance(b, Paragraph):
        return [inline_latex(b.text)]
    if isinstance(b, Bullets):
        return [r"\begin{itemize}", *(rf"\item {inline_latex(t)}" for t in b.items),
                r"\end{itemize}"]
    if isinstance(b, Equation):
        return [r"\begin{equation*}", f"{b.latex} \\tag{{{b.number}}}", r"\end{equation*}"]
    if isinstance(b, Table):
        # Not a float: the table stays where the prose refers to it, as in the Markdown.
        lines = [
            r"\begin{center}",
            r"\begin{minipage}{\linewidth}",
            r"\centering",
            rf"\textbf{{Table {b.number}.}} {inline_latex(b.caption)}\\[0.4em]",
            rf"\begin{{tabular}}{{{b.align}}}",
            r"\toprule",
            " & ".join(inline_latex(h) for h in b.header) + r" \\",
            r"\midrule",
        ]
        lines += [" & ".join(inline_latex(c) for c in row) + r" \\" for row in b.rows]
        lines += [r"\bottomrule", r"\end{tabular}", r"\end{minipage}", r"\end{center}"]
        return lines
    if isinstance(b, Figure):
        return [
            f"% {FIGURE_DIR}/{b.stem}: lossmath-figure sha256:{b.digest}",
            r"\begin{center}",
            r"\begin{minipage}{\linewidth}",
            rf"\includegraphics[width=\linewidth]{{{FIGURE_DIR}/{b.stem}.pdf}}\\[0.3em]",
            rf"\small\textbf{{Figure {b.number}.}} {inline_latex(b.caption)}",
            r"\end{minipage}",
            r"\end{center}",
        ]
    if isinstance(b, Code):
        return [r"\begin{verbatim}", b.text, r"\end{verbatim}"]
    raise TypeError(f"unknown block {b!r}")  # pragma: no cover


# -- PDF --------------------------------------------------------------------------------


def document_fingerprint(tex: str) -> str | None:
    """The fingerprint a LaTeX file from :meth:`Document.latex` carries (None if none)."""
    m = re.search(re.escape(DOCUMENT_PREFIX) + r"([0-9a-f]{64})", tex)
    return m.group(1) if m else None


def pdf_is_current(pdf: bytes | None, tex: str) -> bool:
    """Was ``pdf`` compiled from exactly this LaTeX? (Its info dictionary says so.)"""
    digest = document_fingerprint(tex)
    return pdf is not None and digest is not None and (
        (DOCUMENT_PREFIX + digest).encode("ascii") in pdf
    )


def pdflatex_path() -> str | None:
    return shutil.which("pdflatex")


def build_pdf(tex: str, files: Mapping[str, bytes], timeout: float = 120) -> bytes:
    """Compile ``tex`` with pdflatex in a private temporary directory; return the PDF.

    ``files`` are the other inputs by relative path (``figures/x.pdf``). Dates come from
    ``SOURCE_DATE_EPOCH=0``; nothing is written outside the temporary directory.
    Raises :class:`PdfUnavailable` when pdflatex is not installed and
    :class:`DocumentError` with TeX's first error message when compilation fails.
    """
    exe = pdflatex_path()
    if exe is None:
        raise PdfUnavailable(
            "pdflatex not found (install TeX, e.g. apt-get install texlive-latex-base "
            "texlive-latex-recommended)"
        )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    # A private directory, removed on SIGTERM/SIGINT too; a later build removes the ones
    # that killed runs left (lossmath.outputs.scratch_dir).
    with scratch_dir() as root:
        write_files({root / "doc.tex": tex, **{root / k: v for k, v in files.items()}},
                    parents=True)
        cmd = [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
               "doc.tex"]
        try:
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(f"pdflatex took longer than {timeout:g} s") from exc
        pdf = root / "doc.pdf"
        if proc.returncode != 0 or not pdf.exists():
            log = (root / "doc.log").read_text("utf-8", "replace") if (root / "doc.log").exists() \
                else proc.stdout.decode("utf-8", "replace")
            raise DocumentError(f"pdflatex failed: {_first_tex_error(log)}")
        return pdf.read_bytes()


def _first_tex_error(log: str) -> str:
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            context = " ".join(s.strip() for s in lines[i + 1 : i + 3] if s.strip())
            return f"{line[1:].strip()} {context}".strip()
    return "see the pdflatex log (no error line found)"


# -- helpers for derivation sources -------------------------------------------------------

#: What the k-th derivative is called in prose.
DERIVATIVE_NAMES = ("value", "slope", "curvature")


def derivative_name(k: int) -> str:
    return DERIVATIVE_NAMES[k] if k < len(DERIVATIVE_NAMES) else f"derivative {k}"


def derivative_symbol(k: int) -> str:
    """``f``, ``f'``, ``f''``, ``f^{(3)}`` (LaTeX)."""
    return "f" + "'" * k if k < 3 else f"f^{{({k})}}"


def class_latex(order: float) -> str:
    r"""``C^{1}``, ``C^{\infty}``, or ``\text{discontinuous}`` for a smoothness order."""
    if order == float("inf"):
        return r"C^{\infty}"
    return r"\text{discontinuous}" if order < 0 else f"C^{{{int(order)}}}"


def smoothness_table(doc: Document, loss, bp, caption: str) -> int:
    """A table of one-sided values of ``f, f', ...`` at a breakpoint and their jumps.

    ``bp`` is a :class:`lossmath.BreakpointReport` of ``loss``; the rows are exactly its
    ``left``, ``right`` and ``jumps`` (up to the first order that jumps).
    """
    from .latex import expr_latex

    at = expr_latex(bp.at, loss)
    header = ["", f"$x \\to {at}^-$", f"$x \\to {at}^+$", "jump (right $-$ left)"]
    rows = []
    for k, (left, right, jump) in enumerate(zip(bp.left, bp.right, bp.jumps)):
        rows.append([
            f"{derivative_name(k)} ${derivative_symbol(k)}$",
            f"${expr_latex(left, loss)}$",
            f"${expr_latex(right, loss)}$",
            f"${expr_latex(jump, loss)}$",
        ])
    return doc.table(header, rows, caption, align="lccc")


def smoothness_sentence(loss, bp) -> str:
    """What the table says, in words: which derivatives join at the breakpoint, which jumps,
    and the resulting class (``C^1`` but not ``C^2``)."""
    from .latex import expr_latex

    joined, jumped = [], ""
    for k, (left, right, test) in enumerate(zip(bp.left, bp.right, bp.tests)):
        if test.value is True:
            joined.append(f"the {derivative_name(k)} (${expr_latex(left, loss)}$)")
        else:
            jumped = (
                f"the {derivative_name(k)} jumps from ${expr_latex(left, loss)}$ "
                f"to ${expr_latex(right, loss)}$"
            )
    parts = []
    if joined:
        verb = "joins" if len(joined) == 1 else "join"
        parts.append(_join_words(joined) + f" {verb}")
    if jumped:
        parts.append(jumped)
    text = f"At $x = {expr_latex(bp.at, loss)}$ " + ", while ".join(parts)
    if bp.order == float("inf"):
        return text + "."
    if bp.order < 0:
        return text + ": the loss is discontinuous there."
    text += f": the loss is ${class_latex(bp.order)}$ there, not ${class_latex(bp.order + 1)}$"
    if bp.numeric:
        text += " (decided numerically at sampled parameter values)"
    return text + "."


def _join_words(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
