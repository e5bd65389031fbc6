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

import contextlib
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from lossmath._version import __version__
from lossmath.core.loss import Reference
from lossmath.i18n.words import LANGUAGES, check_language, derivative_word, panel_title, words
from lossmath.io.outputs import scratch_dir, write_files
from lossmath.render.plot import FigureSpec, fingerprint
from lossmath.render.plot_grid import GridSpec

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
    "convention_markup",
    "languages",
    "messages",
    "tex_engine",
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
    #: LaTeX only: a ``longtable`` that breaks across pages, on landscape pages, in small
    #: type, with ``colspec`` (``p{4cm}`` columns) instead of ``align`` when given.
    long: bool = False
    colspec: str = ""


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
    lang
        The language of the document's fixed words (:mod:`lossmath.i18n.words`): ``en``, or
        ``zh``, whose LaTeX is for XeLaTeX with ``ctex`` (:func:`tex_engine`).
    """

    name: str
    title: str = ""
    source: str = ""
    blocks: list[Block] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    regenerate: str = ""
    lang: str = "en"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", self.name):
            raise DocumentError(f"invalid document name {self.name!r} (letters, digits, _ -)")
        try:
            check_language(self.lang)
        except ValueError as exc:
            raise DocumentError(str(exc)) from None

    @property
    def words(self) -> dict[str, str]:
        """The fixed words of the document's language (:mod:`lossmath.i18n.words`)."""
        return words(self.lang)

    @property
    def unicode(self) -> bool:
        """Is the LaTeX for XeLaTeX (any Unicode text), rather than pdflatex (ASCII)?"""
        return tex_engine(self.lang) == "xelatex"

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
        long: bool = False,
        colspec: str = "",
    ) -> int:
        """A table of text cells (inline markup allowed); returns its number.

        ``long``: in LaTeX a ``longtable`` on landscape pages in small type, which breaks
        across pages, with the LaTeX column specification ``colspec`` (default ``align``).
        """
        width = len(header)
        if any(len(r) != width for r in rows):
            raise DocumentError(f"table {caption!r}: every row needs {width} cells")
        align = align or "l" * width
        if len(align) != width or set(align) - set("lcr"):
            raise DocumentError(f"table {caption!r}: align must be {width} of l/c/r")
        number = 1 + sum(isinstance(b, Table) for b in self.blocks)
        cells = tuple(tuple(_check_markup(c) for c in r) for r in rows)
        if colspec and not re.fullmatch(r"(?:[lcr]|p\{[0-9.]+(?:cm|mm|em|in)\})+", colspec):
            raise DocumentError(f"table {caption!r}: colspec must be l, c, r and p{{width}}")
        self.blocks.append(
            Table(tuple(_check_markup(h) for h in header), cells, _check_markup(caption),
                  number, align, long, colspec)
        )
        return number

    def figure(self, spec: FigureSpec, caption: str | None = None) -> int:
        """A figure (rendered by :mod:`lossmath.render.plot`); returns its number.

        Panels without titles of their own get the document language's (``loss``,
        ``first derivative``; ``损失函数``, ``一阶导数``).
        """
        if not spec.titles:
            spec = replace(spec, titles=tuple(panel_title(n, self.lang) for n in spec.orders))
        stem = f"{self.name}-{spec.name}"
        digest = spec.fingerprint() if isinstance(spec, GridSpec) else fingerprint(spec)
        if any(isinstance(b, Figure) and b.stem == stem for b in self.blocks):
            raise DocumentError(f"figure {spec.name!r} appears twice in {self.name}")
        number = 1 + sum(isinstance(b, Figure) for b in self.blocks)
        text = _check_markup(caption if caption is not None else spec.caption)
        self.blocks.append(Figure(spec, stem, text, number, digest))
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
        w = self.words
        out = ["<!--", *self._provenance(), "-->", "", f"# {inline_markdown(self.title)}", ""]
        # Siblings written by `lossmath derive` from the same source.
        out += [w["also_as"].format(pdf=f"{self.name}.pdf", tex=f"{self.name}.tex"), ""]
        for b in self.blocks:
            out += _md_block(b, w)
            out.append("")
        if self.references:
            out += [f"## {w['references']}", ""]
            for i, ref in enumerate(self.references, 1):
                link = _safe_link(ref.link())
                line = f"{i}. {_md_literal(ref.cite())}."
                if link:
                    line += f" <{link}>"
                if ref.note and self.lang == "en":  # notes are English (catalog text)
                    line += f" {_md_literal(_sentence(ref.note))}"
                out.append(line)
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    def _long_table_packages(self) -> list[str]:
        """Packages for long tables, only in documents that have one (so that the others'
        LaTeX stays as it was)."""
        if not any(isinstance(b, Table) and b.long for b in self.blocks):
            return []
        return [
            r"\usepackage{longtable}", r"\usepackage{array}", r"\usepackage{pdflscape}",
            # A cell that is one formula wider than its column is scaled down to fit (a
            # formula cannot wrap); anything else wraps as text.
            r"\newsavebox{\lossmathcell}",
            r"\newcommand{\fitcell}[1]{\sbox{\lossmathcell}{#1}\ifdim\wd\lossmathcell>"
            r"\linewidth\resizebox{\linewidth}{!}{\usebox{\lossmathcell}}\else"
            r"\usebox{\lossmathcell}\fi}",
        ]

    def latex(self) -> str:
        """The document as a standalone LaTeX file (pdflatex, amsmath; XeLaTeX and ctex
        for Chinese)."""
        w, uni = self.words, self.unicode
        head = [f"% {line}" for line in self._provenance()]
        head += _preamble(self.lang)
        head += [
            r"\usepackage{amsmath}",
            r"\usepackage{graphicx}",
            r"\usepackage{booktabs}",
            r"\usepackage{url}",
            *self._long_table_packages(),
            r"\usepackage[margin=2.5cm]{geometry}",
            r"\setlength{\parindent}{0pt}",
            r"\setlength{\parskip}{0.6\baselineskip}",
            r"\renewcommand{\arraystretch}{1.3}  % room for fractions in table cells",
            r"\widowpenalty=10000 \clubpenalty=10000  % no paragraph's last line alone",
            r"\begin{document}",
            *_reproducible(self.lang),
            r"\begin{center}{\LARGE\bfseries " + inline_latex(_tied(self.title), uni)
            + r"\par}\end{center}",
            "",
        ]
        body: list[str] = []
        for b in self.blocks:
            body += _tex_block(b, w, uni)
            body.append("")
        if self.references:
            body += [rf"\section*{{{w['references']}}}", r"\begin{itemize}"]
            for i, ref in enumerate(self.references, 1):
                link = _safe_link(ref.link())
                line = rf"\item[{{[{i}]}}] {_tex_literal(ref.cite(), uni)}."
                if link:
                    line += rf" \url{{{link}}}"
                if ref.note and self.lang == "en":
                    line += " " + _tex_literal(_sentence(ref.note), uni)
                body.append(line)
            body += [r"\end{itemize}", ""]
        text = "\n".join(head + body + [r"\end{document}", ""])
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return text.replace(DOCUMENT_PREFIX + _PLACEHOLDER, DOCUMENT_PREFIX + digest, 1)


#: The TeX engine of each language: pdflatex needs only Debian's texlive-latex-base and
#: -recommended; Chinese needs XeLaTeX with ctex (texlive-xetex, texlive-lang-chinese) and
#: the Noto CJK fonts (fonts-noto-cjk), which the preamble names.
ENGINES = {"en": "pdflatex", "zh": "xelatex"}
#: Debian packages that provide each engine with what our preambles use.
ENGINE_PACKAGES = {
    "pdflatex": "texlive-latex-base texlive-latex-recommended",
    "xelatex": "texlive-xetex texlive-lang-chinese texlive-latex-recommended fonts-noto-cjk",
}
CJK_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans Mono CJK SC")


def tex_engine(lang: str) -> str:
    """``pdflatex`` or ``xelatex``: the engine that compiles a document in ``lang``."""
    return ENGINES[check_language(lang)]


def _preamble(lang: str) -> list[str]:
    if tex_engine(lang) == "pdflatex":
        return [r"\documentclass[11pt]{article}"]
    serif, sans, mono = CJK_FONTS
    return [
        r"\documentclass[11pt]{article}",
        # fontset=none: the fonts are named, not left to ctex's per-platform guess, so the
        # PDF looks the same wherever it is built (Debian: fonts-noto-cjk).
        r"\usepackage[UTF8,fontset=none]{ctex}",
        rf"\setCJKmainfont{{{serif}}}[BoldFont={{{serif} Bold}}]",
        rf"\setCJKsansfont{{{sans}}}",
        rf"\setCJKmonofont{{{mono}}}",
    ]


def _reproducible(lang: str) -> list[str]:
    """Settings for a reproducible PDF whose info dictionary carries the fingerprint."""
    subject = DOCUMENT_PREFIX + _PLACEHOLDER
    if tex_engine(lang) == "xelatex":
        return [
            "% Reproducible PDF: dates from SOURCE_DATE_EPOCH; uncompressed, so the info",
            "% dictionary (and its fingerprint) stays readable.",
            r"\special{dvipdfmx:config z 0}",
            r"\special{pdf:docinfo<</Subject (" + subject + ")>>}",
        ]
    return [
        "% Reproducible PDF: no dates, no trailer id, no pdfTeX banner; no object",
        "% streams, so the info dictionary (and its fingerprint) stays readable.",
        r"\ifdefined\pdftrailerid \pdftrailerid{}\fi",
        r"\ifdefined\pdfinfoomitdate \pdfinfoomitdate=1\fi",
        r"\ifdefined\pdfsuppressptexinfo \pdfsuppressptexinfo=-1\fi",
        r"\ifdefined\pdfobjcompresslevel \pdfobjcompresslevel=0\fi",
        r"\ifdefined\pdfinfo \pdfinfo{/Subject (" + subject + ")}\\fi",
    ]


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


def _tied(title: str) -> str:
    """The title with its last space a no-break space, so that a title too long for one
    line never leaves its last word (or formula, "$L_1$") alone on the next."""
    tokens = _tokens(title.strip())
    for i in range(len(tokens) - 1, -1, -1):
        kind, content = tokens[i]
        if kind == "text" and " " in content:
            head, _, tail = content.rpartition(" ")
            tokens[i] = (kind, head + "\u00a0" + tail)
            break
    return "".join(_retoken(k, c) for k, c in tokens)


def _retoken(kind: str, content: str) -> str:
    marks = {"text": "", "math": "$", "bold": "**", "emph": "*", "code": "`"}
    if kind == "literal":
        return _LIT_OPEN + content + _LIT_CLOSE
    return marks[kind] + content + marks[kind]


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
    """Inline markup as GitHub Markdown.

    GitHub reads ``$...$`` as math only between spaces: not after ``(``, a letter or CJK
    punctuation, nor before a letter or digit (github/markup#1742). Inline math is written
    ``$`...`$`` there (and wherever its content could be mangled), which GitHub reads after
    anything but a letter; after a letter or digit (any script) a space is put first.
    """
    backend: dict[str, Callable[[str], str]] = {
        "text": _md_text,
        "literal": _md_literal,
        "bold": lambda c: f"**{_md_text(c)}**",
        "emph": lambda c: f"*{_md_text(c)}*",
        "code": lambda c: f"`{c}`",
    }
    tokens = _tokens(text)
    out: list[str] = []
    for i, (kind, content) in enumerate(tokens):
        if kind != "math":
            out.append(backend[kind](content))
            continue
        tex = _md_math(content, in_table)
        before = out[-1][-1:] if out and out[-1] else ""
        after = tokens[i + 1][1][:1] if i + 1 < len(tokens) else ""
        plain = (before in ("", " ") and not after.isalnum()
                 and not _MD_RISKY_MATH.search(tex))
        if plain:
            out.append(f"${tex}$")
        else:
            out.append((" " if before.isalnum() else "") + f"$`{tex}`$")
    return "".join(out)


def _render(text: str, backend: Mapping[str, Callable[[str], str]]) -> str:
    """Inline markup through one backend's table of token renderers."""
    return "".join(backend[kind](content) for kind, content in _tokens(text))


def _md_block(b: Block, w: Mapping[str, str]) -> list[str]:
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
        lines = [f"**{w['table_label'].format(n=b.number)}** {inline_markdown(b.caption)}", ""]
        lines.append("| " + " | ".join(inline_markdown(h, True) for h in b.header) + " |")
        lines.append("|" + "|".join(sep[a] for a in b.align) + "|")
        for row in b.rows:
            lines.append("| " + " | ".join(inline_markdown(c, True) for c in row) + " |")
        return lines
    if isinstance(b, Figure):
        return [
            f"<!-- {FIGURE_DIR}/{b.stem}: lossmath-figure sha256:{b.digest} -->",
            f"![{w['figure']} {b.number}]({FIGURE_DIR}/{b.stem}.svg)",
            "",
            f"**{w['figure_label'].format(n=b.number)}** {inline_markdown(b.caption)}",
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
    "\u03b3": r"\ensuremath{\gamma}",
    "\u03b5": r"\ensuremath{\varepsilon}",
    "\u03c4": r"\ensuremath{\tau}",
    "\u00e9": r"\'e",
    "\u00f6": r'\"o',
    "\u00fc": r'\"u',
}


def _tex_text(text: str, unicode: bool = False) -> str:
    """Text for LaTeX; ``unicode`` (XeLaTeX) lets characters beyond ASCII through."""
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
        elif ord(ch) < 128 or unicode:
            out.append(ch)
        else:
            raise DocumentError(
                f"character {ch!r} (U+{ord(ch):04X}) in {text!r} cannot be typeset by "
                "pdflatex without extra packages; write it as $...$ math or plain ASCII"
            )
    return "".join(out)


def _tex_literal(text: str, unicode: bool = False) -> str:
    try:
        tex = _tex_text(_one_line(text), unicode)
    except DocumentError:
        bad = next(c for c in text if ord(c) >= 128 and c not in _TEX_ESCAPES)
        raise DocumentError(
            f"character {bad!r} (U+{ord(bad):04X}) in {text!r} cannot be typeset by pdflatex "
            "without extra packages; use plain ASCII"
        ) from None
    # After \item, \\ or a booktabs rule, LaTeX would read a leading [ as an optional
    # argument and a leading * as a star; {} ends that look-ahead.
    return "{}" + tex if tex[:1] in ("[", "*") else tex


def inline_latex(text: str, unicode: bool = False) -> str:
    """Inline markup as LaTeX (text escaped, math passed through); ``unicode`` for XeLaTeX,
    which typesets any character its fonts have."""
    return _render(text, {
        "text": lambda c: _tex_text(c, unicode),
        "literal": lambda c: _tex_literal(c, unicode),
        "math": lambda c: f"${c}$",
        "bold": lambda c: rf"\textbf{{{_tex_text(c, unicode)}}}",
        "emph": lambda c: rf"\emph{{{_tex_text(c, unicode)}}}",
        "code": lambda c: rf"\texttt{{{_tex_code(c, unicode)}}}",
    })


def _tex_code(text: str, unicode: bool) -> str:
    """Code in typewriter type. ``\\_`` would draw a rule in the OT1 encoding pdflatex uses,
    which copies and searches as a space (``smooth l1``); the typewriter font's own
    underscore (slot 95) is a glyph, so ``smooth_l1`` keeps its underscore."""
    return _tex_text(text, unicode).replace(r"\_", r"{\char95}")


def _tex_block(b: Block, w: Mapping[str, str], unicode: bool = False) -> list[str]:
    def tex(text: str) -> str:
        return inline_latex(text, unicode)

    if isinstance(b, Heading):
        cmd = "section" if b.level == 2 else "subsection"
        return [rf"\{cmd}*{{{tex(b.text)}}}"]
    if isinstance(b, Paragraph):
        return [tex(b.text)]
    if isinstance(b, Bullets):
        return [r"\begin{itemize}", *(rf"\item {tex(t)}" for t in b.items),
                r"\end{itemize}"]
    if isinstance(b, Equation):
        return [r"\begin{equation*}", f"{b.latex} \\tag{{{b.number}}}", r"\end{equation*}"]
    if isinstance(b, Table) and b.long:
        # pdflscape turns the pages (in the viewer too); longtable repeats the header on
        # each page and breaks between rows.
        def cell(text: str) -> str:
            one_formula = text.startswith("$") and text.count("$") == 2 and text.endswith("$")
            return rf"\fitcell{{{tex(text)}}}" if one_formula else tex(text)

        head = " & ".join(tex(h) for h in b.header) + r" \\"
        lines = [
            r"\begin{landscape}",
            r"\scriptsize",
            r"\setlength{\tabcolsep}{3pt}",
            r"\setlength{\LTleft}{-1.5cm}  % into the margins: landscape tables are wide",
            r"\setlength{\LTright}{-1.5cm}",
            rf"\begin{{longtable}}{{{b.colspec or b.align}}}",
            rf"\multicolumn{{{len(b.header)}}}{{l}}{{\normalsize\textbf{{"
            rf"{w['table_label'].format(n=b.number)}}} {tex(b.caption)}}}\\[0.4em]",
            r"\toprule", head, r"\midrule", r"\endfirsthead",
            r"\toprule", head, r"\midrule", r"\endhead",
            r"\bottomrule", r"\endlastfoot",
        ]
        lines += [" & ".join(cell(c) for c in row) + r" \\" for row in b.rows]
        lines += [r"\end{longtable}", r"\end{landscape}"]
        return lines
    if isinstance(b, Table):
        # Not a float: the table stays where the prose refers to it, as in the Markdown.
        lines = [
            r"\begin{center}",
            r"\begin{minipage}{\linewidth}",
            r"\centering",
            rf"\textbf{{{w['table_label'].format(n=b.number)}}} {tex(b.caption)}\\[0.4em]",
            rf"\begin{{tabular}}{{{b.align}}}",
            r"\toprule",
            " & ".join(tex(h) for h in b.header) + r" \\",
            r"\midrule",
        ]
        lines += [" & ".join(tex(c) for c in row) + r" \\" for row in b.rows]
        lines += [r"\bottomrule", r"\end{tabular}", r"\end{minipage}", r"\end{center}"]
        return lines
    if isinstance(b, Figure):
        return [
            f"% {FIGURE_DIR}/{b.stem}: lossmath-figure sha256:{b.digest}",
            r"\begin{center}",
            r"\begin{minipage}{\linewidth}",
            rf"\includegraphics[width=\linewidth]{{{FIGURE_DIR}/{b.stem}.pdf}}\\[0.3em]",
            rf"\small\textbf{{{w['figure_label'].format(n=b.number)}}} {tex(b.caption)}",
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


def engine_path(engine: str = "pdflatex") -> str | None:
    """Where ``engine`` (pdflatex, xelatex) is installed, or None."""
    return shutil.which(engine)


def engine_missing(engine: str) -> str:
    """The message for a missing TeX engine: what to install."""
    return (f"{engine} not found (install TeX, e.g. apt-get install "
            f"{ENGINE_PACKAGES[engine]})")


def build_pdf(
    tex: str, files: Mapping[str, bytes], timeout: float = 120, engine: str = "pdflatex"
) -> bytes:
    """Compile ``tex`` with ``engine`` (pdflatex or xelatex) in a private temporary
    directory; return the PDF.

    ``files`` are the other inputs by relative path (``figures/x.pdf``). Dates come from
    ``SOURCE_DATE_EPOCH=0``; nothing is written outside the temporary directory.
    Raises :class:`PdfUnavailable` when the engine is not installed and
    :class:`DocumentError` with TeX's first error message when compilation fails.
    """
    if engine not in ENGINE_PACKAGES:
        raise DocumentError(f"unknown TeX engine {engine!r} (use pdflatex or xelatex)")
    exe = pdflatex_path() if engine == "pdflatex" else engine_path(engine)
    if exe is None:
        raise PdfUnavailable(engine_missing(engine))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    # A private directory, removed on SIGTERM/SIGINT too; a later build removes the ones
    # that killed runs left (lossmath.io.outputs.scratch_dir).
    with scratch_dir() as root:
        write_files({root / "doc.tex": tex, **{root / k: v for k, v in files.items()}},
                    parents=True)
        cmd = [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
               "doc.tex"]
        # In a session of its own, so that on a timeout or a signal (SIGHUP included: the
        # scratch directory's handler raises) the engine and anything it started are
        # killed as a group, never left running.
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            if isinstance(exc, subprocess.TimeoutExpired):
                raise DocumentError(f"{engine} took longer than {timeout:g} s") from exc
            raise
        pdf = root / "doc.pdf"
        if proc.returncode != 0 or not pdf.exists():
            log = (root / "doc.log").read_text("utf-8", "replace") if (root / "doc.log").exists() \
                else output.decode("utf-8", "replace")
            raise DocumentError(f"{engine} failed: {_first_tex_error(log)}")
        return pdf.read_bytes()


def _first_tex_error(log: str) -> str:
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            context = " ".join(s.strip() for s in lines[i + 1 : i + 3] if s.strip())
            return f"{line[1:].strip()} {context}".strip()
    return "see the pdflatex log (no error line found)"


# -- helpers for derivation sources -------------------------------------------------------


def languages(source: str | Path) -> tuple[str, ...]:
    """The editions a derivation source has: ``en``, plus every language ``LANG`` with a
    message module ``_NAME_LANG.py`` next to ``NAME.py`` (see :func:`messages`)."""
    path = Path(source)
    extra = [lang for lang in LANGUAGES[1:]
             if path.with_name(f"_{path.stem}_{lang}.py").is_file()]
    return ("en", *extra)


def messages(source: str | Path, lang: str) -> ModuleType:
    """The prose of a derivation in one language: the module ``_NAME_LANG.py`` next to the
    source ``NAME.py``.

    A derivation computes every formula, number, table and figure once and asks its message
    module for the sentences around them (functions of the computed values), so each
    language's prose is in one file and the editions share all computed parts. English is
    the module ``_NAME_en.py`` too when the source has other editions.
    """
    path = Path(source)
    target = path.with_name(f"_{path.stem}_{check_language(lang)}.py")
    if not target.is_file():
        raise DocumentError(f"{path.stem} has no {lang} edition ({target.name} not found)")
    spec = importlib.util.spec_from_file_location(f"lossmath_messages_{path.stem}_{lang}",
                                                  target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def convention_markup(loss_name: str, convention, lang: str = "en") -> tuple[str, str]:
    """A loss's convention as document markup: (topic, statement).

    A catalog convention written with :meth:`lossmath.core.loss.Convention.typeset` has its
    mathematics typeset; any other (a spec's: untrusted text) is shown literally. Chinese
    text comes from :mod:`lossmath.i18n.conventions_zh`.
    """
    if lang != "en":
        from lossmath.i18n.conventions_zh import CONVENTIONS_ZH

        key = (loss_name, convention.topic)
        if key not in CONVENTIONS_ZH:
            raise DocumentError(f"no {lang} text for the convention {convention.topic!r} of "
                                f"{loss_name} (add it to lossmath/catalog/conventions_zh.py)")
        return CONVENTIONS_ZH[key]
    if convention.statement_markup:
        return convention.topic_markup, convention.statement_markup
    return literal(convention.topic), literal(convention.statement)


#: What the k-th derivative is called in English prose (other languages: lossmath.i18n.words).
DERIVATIVE_NAMES = ("value", "slope", "curvature")


def derivative_name(k: int, lang: str = "en") -> str:
    return derivative_word(k, lang)


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
    ``left``, ``right`` and ``jumps`` (up to the first order that jumps). The words are in
    the document's language.
    """
    from lossmath.render.latex import expr_latex

    at = expr_latex(bp.at, loss)
    header = ["", f"$x \\to {at}^-$", f"$x \\to {at}^+$", doc.words["jump"]]
    rows = []
    for k, (left, right, jump) in enumerate(zip(bp.left, bp.right, bp.jumps)):
        rows.append([
            f"{derivative_name(k, doc.lang)} ${derivative_symbol(k)}$",
            f"${expr_latex(left, loss)}$",
            f"${expr_latex(right, loss)}$",
            f"${expr_latex(jump, loss)}$",
        ])
    return doc.table(header, rows, caption, align="lccc")


def smoothness_sentence(loss, bp, lang: str = "en") -> str:
    """What the table says, in words: which derivatives join at the breakpoint, which jumps,
    and the resulting class (``C^1`` but not ``C^2``)."""
    from lossmath.render.latex import expr_latex

    joined, jumped = [], None
    for k, (left, right, test) in enumerate(zip(bp.left, bp.right, bp.tests)):
        if test.value is True:
            joined.append((derivative_name(k, lang), expr_latex(left, loss)))
        else:
            jumped = (derivative_name(k, lang), expr_latex(left, loss), expr_latex(right, loss))
    at = expr_latex(bp.at, loss)
    if lang == "zh":
        return _smoothness_zh(at, joined, jumped, bp)
    parts = []
    if joined:
        verb = "joins" if len(joined) == 1 else "join"
        parts.append(_join_words([f"the {n} (${v}$)" for n, v in joined]) + f" {verb}")
    if jumped:
        parts.append(f"the {jumped[0]} jumps from ${jumped[1]}$ to ${jumped[2]}$")
    text = f"At $x = {at}$ " + ", while ".join(parts)
    if bp.order == float("inf"):
        return text + "."
    if bp.order < 0:
        return text + ": the loss is discontinuous there."
    text += f": the loss is ${class_latex(bp.order)}$ there, not ${class_latex(bp.order + 1)}$"
    if bp.numeric:
        text += " (decided numerically at sampled parameter values)"
    return text + "."


def _smoothness_zh(at: str, joined, jumped, bp) -> str:
    """:func:`smoothness_sentence` in Chinese."""
    parts = []
    if joined:
        parts.append("、".join(f"{n}（${v}$）" for n, v in joined) + "在两侧相等")
    if jumped:
        parts.append(f"{jumped[0]}从 ${jumped[1]}$ 跳变到 ${jumped[2]}$")
    text = f"在 $x = {at}$ 处，" + "，而".join(parts)
    if bp.order == float("inf"):
        return text + "。"
    if bp.order < 0:
        return text + "：损失函数在该点不连续。"
    text += (f"：损失函数在该点是 ${class_latex(bp.order)}$ 的，"
             f"但不是 ${class_latex(bp.order + 1)}$ 的")
    if bp.numeric:
        text += "（在若干参数取值上数值判定）"
    return text + "。"


def _join_words(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
