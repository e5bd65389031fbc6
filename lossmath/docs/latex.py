r"""The LaTeX backend: a :class:`lossmath.docs.model.Document` as a standalone LaTeX file.

LaTeX is a standalone ``article`` using only packages from Debian's ``texlive-latex-base``
and ``texlive-latex-recommended`` (amsmath, graphicx, booktabs, geometry, url). It embeds a
fingerprint of itself in the PDF's info dictionary (``/Subject``), so a PDF can be checked
against the current LaTeX without running pdflatex
(:func:`lossmath.docs.pdf.pdf_is_current`), and it asks pdfTeX to leave out dates, the
trailer id and its own version banner, so rebuilding with the same TeX gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence

from lossmath.docs.markup import DocumentError, one_line, render, safe_link, sentence, tied
from lossmath.docs.model import (
    CJK_FONTS,
    FIGURE_DIR,
    Block,
    Bullets,
    Code,
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Table,
    tex_engine,
)

__all__ = ["DOCUMENT_PREFIX", "PLACEHOLDER", "inline_latex", "render_latex", "tex_literal"]

DOCUMENT_PREFIX = "lossmath-document sha256:"
PLACEHOLDER = "0" * 64


def _long_table_packages(doc: Document) -> list[str]:
    """Packages for long tables, only in documents that have one (so that the others'
    LaTeX stays as it was)."""
    if not any(isinstance(b, Table) and b.long for b in doc.blocks):
        return []
    return [
        r"\usepackage{longtable}", r"\usepackage{array}", r"\usepackage{pdflscape}",
        r"\usepackage{afterpage}",
        # A cell that is one formula wider than its column is scaled down to fit (a
        # formula cannot wrap); anything else wraps as text.
        *_BALANCE,
        r"\newsavebox{\lossmathcell}",
        # The log says by how much (the tests hold it above a readable size: SCALED).
        r"\newcommand{\fitcell}[1]{\sbox{\lossmathcell}{#1}\ifdim\wd\lossmathcell>"
        r"\linewidth\typeout{" + SCALED + r" \the\wd\lossmathcell\space to \the\linewidth}"
        r"\resizebox{\linewidth}{!}{\usebox{\lossmathcell}}\else"
        r"\usebox{\lossmathcell}\fi}",
    ]


#: The log line for a table cell (one formula) scaled down to its column: from and to widths.
SCALED = "lossmath: cell scaled from"

#: The log line that asks :func:`lossmath.docs.pdf.compile_tex` for a second pass.
RERUN = "lossmath: turned pages to balance, rerun"

#: A run of turned pages whose last page is less than half full is balanced: the first pass
#: writes the run's pages, the height of its last page's rows and the page's height to the
#: .aux file; the second gives each turned page the run's height over its pages (3% more, for
#: rows that do not divide evenly), so the last page is not left with a row or two (the
#: atlas's verdict table ended on a page with 2 rows, 8% of it, before this). A run's
#: measurement is written again unchanged on the second pass, so a third would not move it.
_BALANCE = [
    r"\makeatletter",
    r"\newcount\lossmath@run \newcount\lossmath@first",
    r"\newcommand{\lossmathmeasured}[4]{\expandafter\gdef"
    r"\csname lossmath@run@#1\endcsname{{#2}{#3}{#4}}}",
    r"\newcommand{\lossmath@balanced}[3]{\edef\lossmath@g{\noexpand\newgeometry{hmargin="
    r"\the\dimexpr(\paperwidth-(#3*(#1-1)+#2)/#1-#3*3/100)/2\relax,"
    r"vmargin=1.5cm,footskip=0.8cm}}\lossmath@g}",
    r"\newcommand{\lossmathturn}{\global\advance\lossmath@run\@ne"
    r"\@ifundefined{lossmath@run@\the\lossmath@run}"
    r"{\newgeometry{hmargin=1.0cm,vmargin=1.5cm,footskip=0.8cm}}"
    r"{\expandafter\expandafter\expandafter\lossmath@balanced"
    r"\csname lossmath@run@\the\lossmath@run\endcsname}}",
    r"\newcommand{\lossmathturned}{\global\lossmath@first=\c@page}",
    r"\newcommand{\lossmathturnend}{\penalty\@M"
    r"\@ifundefined{lossmath@run@\the\lossmath@run}"
    r"{\ifnum\c@page>\lossmath@first\ifdim\pagetotal<.5\pagegoal"
    r"\immediate\write\@auxout{\string\lossmathmeasured{\the\lossmath@run}"
    r"{\the\numexpr\c@page-\lossmath@first+1\relax}{\the\pagetotal}{\the\pagegoal}}"
    r"\typeout{" + RERUN + r"}\fi\fi}"
    r"{\immediate\write\@auxout{\string\lossmathmeasured{\the\lossmath@run}"
    r"\csname lossmath@run@\the\lossmath@run\endcsname}}}",
    r"\makeatother",
]


def render_latex(doc: Document) -> str:
    """The document as a standalone LaTeX file (pdflatex, amsmath; XeLaTeX and ctex for
    Chinese)."""
    w, uni = doc.words, doc.unicode
    head = [f"% {line}" for line in doc.provenance()]
    head += _preamble(doc.lang)
    head += [
        r"\usepackage{amsmath}",
        # A gather of several equations may break between them (a page then ends fuller).
        r"\allowdisplaybreaks",
        r"\usepackage{graphicx}",
        r"\usepackage{booktabs}",
        r"\usepackage{url}",
        URL_BREAKS,
        *_long_table_packages(doc),
        r"\usepackage[margin=2.5cm]{geometry}",
        r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{0.6\baselineskip}",
        r"\renewcommand{\arraystretch}{1.3}  % room for fractions in table cells",
        r"\widowpenalty=10000 \clubpenalty=10000  % no paragraph's last line alone",
        # A paragraph with an unbreakable stretch (code, a reference) may stretch its
        # spaces a little more rather than run into the margin.
        r"\setlength{\emergencystretch}{3em}",
        r"\begin{document}",
        *_reproducible(doc.lang),
        r"\begin{center}{\LARGE\bfseries " + inline_latex(tied(doc.title), uni)
        + r"\par}\end{center}",
        "",
    ]
    body: list[str] = []
    previous: Block | list[Table] | None = None
    for run, deferred in _runs(doc.blocks):
        if isinstance(run, list):
            body += _landscape([line for t in run for line in _long_table(t, w, uni)],
                               deferred)
        elif isinstance(run, Equation) and isinstance(previous, Equation | Paragraph):
            # A display belongs to the paragraph before it, and consecutive displays are one
            # gather: a display that starts a paragraph of its own begins with an empty line
            # (amsmath sets one), which with \parskip left 16 mm between equations (1)-(3).
            body.pop()
            if isinstance(previous, Equation):
                body[-1:] = [r" \\", *_equation_lines(run), r"\end{gather*}"]
            else:
                body += _tex_block(run, w, uni)
        else:
            body += _tex_block(run, w, uni)
        body.append("")
        previous = run
    if doc.references:
        # In small type, as papers set them: the atlas's 28 left one alone on a last page.
        body += [rf"\section*{{{w['references']}}}", r"\begingroup\small", r"\begin{itemize}"]
        for i, ref in enumerate(doc.references, 1):
            link = safe_link(ref.link())
            line = rf"\item[{{[{i}]}}] {tex_literal(ref.cite(), uni)}."
            if link:
                line += rf" \url{{{link}}}"
            if ref.note and doc.lang == "en":
                line += " " + tex_literal(sentence(ref.note), uni)
            body.append(line)
        body += [r"\end{itemize}", r"\endgroup", ""]
    text = "\n".join(head + body + [r"\end{document}", ""])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace(DOCUMENT_PREFIX + PLACEHOLDER, DOCUMENT_PREFIX + digest, 1)


#: Every document is on A4 (both editions paginate alike; Letter was only TeX's default).
DOCUMENT_CLASS = r"\documentclass[11pt,a4paper]{article}"
#: URLs may break after any character (url.sty breaks only after / and a few others, so a
#: long DOI link ran past the margin); this is what texlive-latex-extra's xurl does, with
#: the url package of texlive-latex-base.
URL_BREAKS = (r"\renewcommand{\UrlBreaks}{" + "".join(
    rf"\do {c}" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + r"\do\/\do\.\do\-\do\=\do\?\do\&\do\_\do\%\do\#\do\:}")


def _preamble(lang: str) -> list[str]:
    if tex_engine(lang) == "pdflatex":
        return [DOCUMENT_CLASS]
    serif, sans, mono = CJK_FONTS
    return [
        DOCUMENT_CLASS,
        # fontset=none: the fonts are named, not left to ctex's per-platform guess, so the
        # PDF looks the same wherever it is built (Debian: fonts-noto-cjk).
        r"\usepackage[UTF8,fontset=none]{ctex}",
        rf"\setCJKmainfont{{{serif}}}[BoldFont={{{serif} Bold}}]",
        rf"\setCJKsansfont{{{sans}}}",
        rf"\setCJKmonofont{{{mono}}}",
    ]


def _reproducible(lang: str) -> list[str]:
    """Settings for a reproducible PDF whose info dictionary carries the fingerprint."""
    subject = DOCUMENT_PREFIX + PLACEHOLDER
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


#: A word of literal text longer than this (a commit hash, a file path) may break after any
#: character: TeX breaks only at spaces and hyphens, so it ran past the margin.
LONG_WORD = 20
_SOFT_BREAK = "\u200b"  # marks a break point until the text is escaped


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
    _SOFT_BREAK: r"\allowbreak{}",
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


def _soft_breaks(text: str) -> str:
    """Break points in paths (after each ``/``) and in other long words (anywhere)."""
    def word(w: str) -> str:
        if "/" in w:
            return "/".join(_SOFT_BREAK.join(p) if len(p) > LONG_WORD else p
                            for p in w.split("/")).replace("/", "/" + _SOFT_BREAK)
        return _SOFT_BREAK.join(w) if len(w) > LONG_WORD else w

    return " ".join(word(w) for w in text.split(" "))


def tex_literal(text: str, unicode: bool = False) -> str:
    if _SOFT_BREAK in text:
        text = text.replace(_SOFT_BREAK, "")
    try:
        tex = _tex_text(_soft_breaks(one_line(text)), unicode)
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
    return render(text, {
        "text": lambda c: _tex_text(c, unicode),
        "literal": lambda c: tex_literal(c, unicode),
        "math": lambda c: f"${c}$",
        "bold": lambda c: rf"\textbf{{{_tex_text(c, unicode)}}}",
        "emph": lambda c: rf"\emph{{{_tex_text(c, unicode)}}}",
        "code": lambda c: rf"\texttt{{{_tex_code(c, unicode)}}}",
    })


def _tex_code(text: str, unicode: bool) -> str:
    """Code in typewriter type. ``\\_`` would draw a rule in the OT1 encoding pdflatex uses,
    which copies and searches as a space (``smooth l1``); the typewriter font's own
    underscore (slot 95) is a glyph, so ``smooth_l1`` keeps its underscore."""
    return _tex_text(_soft_breaks(text), unicode).replace(r"\_", r"{\char95}")


def _runs(blocks: Sequence[Block]) -> Iterator[tuple[Block | list[Table], bool]]:
    """The blocks, with each run of consecutive long tables as one list (they share the
    turned pages: a short table no longer fills a page of its own), and whether that run is
    deferred: a run that has text after it is placed where the page in progress ends
    (``afterpage``), so that the text flows on and fills the page; otherwise the turned pages,
    which start a new page, left the page before them half empty. A run that ends the text
    stays in place (deferred, it would split the references)."""
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and _turned(blocks[j]):
            j += 1
        if j == i:
            yield blocks[i], False
            i += 1
        else:
            yield [t for t in blocks[i:j] if isinstance(t, Table)], j < len(blocks)
            i = j


def _turned(b: Block) -> bool:
    return isinstance(b, Table) and b.long


def _landscape(tables: list[str], deferred: bool) -> list[str]:
    """Long tables on turned pages (pdflscape turns them in the viewer too)."""
    lines = [
        # Narrower margins on the turned pages, and the tables inside them: a table that
        # reached into the margin ran over the page number (printed in the bottom margin,
        # which the turn puts beside the table's last column).
        # hmargin: the turned page's top and bottom (room for rows); vmargin: its sides,
        # where the page number stays.
        # (balanced over the run's pages where its last page would be short: _BALANCE)
        r"\lossmathturn",
        r"\begin{landscape}",
        r"\lossmathturned",
        *tables,
        r"\lossmathturnend",
        r"\end{landscape}",
        r"\restoregeometry",
    ]
    # \afterpage runs its argument when the page in progress is shipped out; the text
    # after it fills that page first.
    return [r"\afterpage{%", *lines, "}"] if deferred else lines


def _long_table(b: Table, w: Mapping[str, str], unicode: bool) -> list[str]:
    """A long table: longtable repeats the header on each page and breaks between rows."""
    def tex(text: str) -> str:
        return inline_latex(text, unicode)

    def cell(text: str) -> str:
        one_formula = text.startswith("$") and text.count("$") == 2 and text.endswith("$")
        return rf"\fitcell{{{tex(text)}}}" if one_formula else tex(text)

    head = " & ".join(tex(h) for h in b.header) + r" \\"
    lines = [
        # In a group: the small type and the columns' settings end with the table.
        r"\begingroup",
        r"\scriptsize",
        r"\setlength{\tabcolsep}{3pt}",
        r"\setlength{\LTleft}{\fill}",
        r"\setlength{\LTright}{\fill}",
        rf"\begin{{longtable}}{{{b.colspec or b.align}}}",
        rf"\multicolumn{{{len(b.header)}}}{{l}}{{\normalsize\textbf{{"
        rf"{w['table_label'].format(n=b.number)}}} {tex(b.caption)}}}\\[0.4em]",
        r"\toprule", head, r"\midrule", r"\endfirsthead",
        r"\toprule", head, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endlastfoot",
    ]
    # Room below a row with a tall formula (cases, a fraction, a root), which would
    # otherwise touch the next row; rows of text keep their height.
    for row in b.rows:
        cells = [cell(c) for c in row]
        tall = any(k in c for c in cells for k in (r"\frac", r"\begin{cases}", r"\sqrt"))
        lines.append(" & ".join(cells) + (r" \\[0.4em]" if tall else r" \\"))
    return lines + [r"\end{longtable}", r"\endgroup"]


def _equation_lines(b: Equation) -> list[str]:
    return [f"{b.latex} \\tag{{{b.number}}}"]


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
        return [r"\begin{gather*}", *_equation_lines(b), r"\end{gather*}"]
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


