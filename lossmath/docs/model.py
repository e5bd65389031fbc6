r"""The document model: a :class:`Document` is a list of blocks plus the references it cites.

A :class:`Document` holds headings, paragraphs, bullet lists, display equations with tags,
tables, figures and code, and the references cited in it. Derivation sources
(``derivations/*.py``) fill one in; :meth:`Document.markdown` and :meth:`Document.latex`
hand it to the backends (:mod:`lossmath.docs.markdown`, :mod:`lossmath.docs.latex`), and
:func:`lossmath.docs.pdf.build_pdf` compiles the LaTeX. The inline markup of text blocks is
:mod:`lossmath.docs.markup`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lossmath._version import __version__
from lossmath.core.loss import Reference
from lossmath.docs.markup import DocumentError, check_markup, comment_text
from lossmath.i18n.words import check_language, panel_title, words
from lossmath.render.plot import FigureSpec, fingerprint
from lossmath.render.plot_grid import GridSpec

__all__ = [
    "Block", "Bullets", "Code", "Document", "DocumentError", "Equation", "Figure", "Heading",
    "Paragraph", "PdfUnavailable", "Table", "ENGINES", "ENGINE_PACKAGES", "CJK_FONTS",
    "FIGURE_DIR", "tex_engine",
]

FIGURE_DIR = "figures"


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
        self.blocks.append(Heading(check_markup(text), level))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Paragraph(check_markup(text)))

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append(Bullets(tuple(check_markup(t) for t in items)))

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
        across pages, with the LaTeX column specification ``colspec`` (default ``align``);
        its pages come where the page in progress ends, the text after it filling that page
        first, and long tables that follow one another share their pages.
        """
        width = len(header)
        if any(len(r) != width for r in rows):
            raise DocumentError(f"table {caption!r}: every row needs {width} cells")
        align = align or "l" * width
        if len(align) != width or set(align) - set("lcr"):
            raise DocumentError(f"table {caption!r}: align must be {width} of l/c/r")
        number = 1 + sum(isinstance(b, Table) for b in self.blocks)
        cells = tuple(tuple(check_markup(c) for c in r) for r in rows)
        if colspec and not re.fullmatch(r"(?:[lcr]|p\{[0-9.]+(?:cm|mm|em|in)\})+", colspec):
            raise DocumentError(f"table {caption!r}: colspec must be l, c, r and p{{width}}")
        self.blocks.append(
            Table(tuple(check_markup(h) for h in header), cells, check_markup(caption),
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
        text = check_markup(caption if caption is not None else spec.caption)
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

    def provenance(self) -> list[str]:
        """The header both backends put in a comment: what made the file, how to remake it."""
        src = f" from {self.source}" if self.source else ""
        return [
            comment_text(f"Generated by lossmath {__version__}{src}. Do not edit by hand:"),
            comment_text(f"change the source and run `{self.command}`."),
        ]

    def markdown(self) -> str:
        """The document as GitHub-flavoured Markdown (:mod:`lossmath.docs.markdown`)."""
        from lossmath.docs.markdown import render_markdown

        return render_markdown(self)

    def latex(self) -> str:
        """The document as a standalone LaTeX file (:mod:`lossmath.docs.latex`): pdflatex,
        amsmath; XeLaTeX and ctex for Chinese."""
        from lossmath.docs.latex import render_latex

        return render_latex(self)


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
