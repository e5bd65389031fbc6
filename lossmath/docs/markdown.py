r"""The Markdown backend: a :class:`lossmath.docs.model.Document` as GitHub-flavoured Markdown.

Markdown targets GitHub: display math as ``$$`` on lines of their own, ``\{``/``\}`` written
``\lbrace``/``\rbrace`` (GitHub's Markdown pass eats the backslash, sympy's LaTeX never needs
it otherwise), inline math with Markdown-significant characters (``_``, ``*``, ``\\``, ...)
in GitHub's ``$`...`$`` form, ``|`` in table cells as ``\vert``, images by relative path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from lossmath.docs.markup import one_line, safe_link, sentence, tokens
from lossmath.docs.model import (
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
)

__all__ = ["inline_markdown", "md_literal", "render_markdown"]


def render_markdown(doc: Document) -> str:
    """The document as GitHub-flavoured Markdown."""
    w = doc.words
    out = ["<!--", *doc.provenance(), "-->", "", f"# {inline_markdown(doc.title)}", ""]
    # Siblings written by `lossmath derive` from the same source.
    out += [w["also_as"].format(pdf=f"{doc.name}.pdf", tex=f"{doc.name}.tex"), ""]
    for b in doc.blocks:
        out += _md_block(b, w)
        out.append("")
    if doc.references:
        out += [f"## {w['references']}", ""]
        for i, ref in enumerate(doc.references, 1):
            link = safe_link(ref.link())
            line = f"{i}. {md_literal(ref.cite())}."
            if link:
                line += f" <{link}>"
            if ref.note and doc.lang == "en":  # notes are English (catalog text)
                line += f" {md_literal(sentence(ref.note))}"
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


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


def md_literal(text: str) -> str:
    text = _MD_LITERAL.sub(r"\\\1", one_line(text))
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
        "literal": md_literal,
        "bold": lambda c: f"**{_md_text(c)}**",
        "emph": lambda c: f"*{_md_text(c)}*",
        "code": lambda c: f"`{c}`",
    }
    parts = tokens(text)
    out: list[str] = []
    for i, (kind, content) in enumerate(parts):
        if kind != "math":
            out.append(backend[kind](content))
            continue
        tex = _md_math(content, in_table)
        before = out[-1][-1:] if out and out[-1] else ""
        after = parts[i + 1][1][:1] if i + 1 < len(parts) else ""
        plain = (before in ("", " ") and not after.isalnum()
                 and not _MD_RISKY_MATH.search(tex))
        if plain:
            out.append(f"${tex}$")
        else:
            out.append((" " if before.isalnum() else "") + f"$`{tex}`$")
    return "".join(out)



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

