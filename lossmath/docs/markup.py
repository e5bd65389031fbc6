r"""Inline markup of document text, shared by the backends, and small helpers for derivations.

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
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping

__all__ = [
    "DocumentError", "check_markup", "claim", "comment_text", "decimal", "decimal_latex",
    "literal", "one_line", "render", "safe_link", "sentence", "tied", "tokens",
]


class DocumentError(ValueError):
    """A document cannot be built (bad markup, a character LaTeX cannot typeset, a failed
    pdflatex run); the message says where."""


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


def tied(title: str) -> str:
    """The title with its last space a no-break space, so that a title too long for one
    line never leaves its last word (or formula, "$L_1$") alone on the next."""
    parts = tokens(title.strip())
    for i in range(len(parts) - 1, -1, -1):
        kind, content = parts[i]
        if kind == "text" and " " in content:
            head, _, tail = content.rpartition(" ")
            parts[i] = (kind, head + "\u00a0" + tail)
            break
    return "".join(retoken(k, c) for k, c in parts)


def retoken(kind: str, content: str) -> str:
    marks = {"text": "", "math": "$", "bold": "**", "emph": "*", "code": "`"}
    if kind == "literal":
        return _LIT_OPEN + content + _LIT_CLOSE
    return marks[kind] + content + marks[kind]


def sentence(text: str) -> str:
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


def tokens(text: str) -> list[tuple[str, str]]:
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


def check_markup(text: str) -> str:
    """Reject unbalanced markup early, naming the text (a stray ``$`` would swallow prose)."""
    for kind, content in tokens(text):
        if kind == "text" and any(c in content for c in "$`"):
            raise DocumentError(f"unbalanced $ or ` in {text!r}")
        if kind == "text" and any(c in content for c in _LIT_OPEN + _LIT_CLOSE):
            raise DocumentError(f"literal text inside other markup, or unbalanced, in {text!r}")
    return text


def one_line(text: str) -> str:
    """Runs of whitespace and unprintable characters as one space: the text stays on the
    line it is written on (a newline could end a comment or start a Markdown block)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def comment_text(text: str) -> str:
    """Text for a one-line comment in both backends: no line break, and no ``-->`` (or
    ``--!>``) that would end the Markdown file's HTML comment early."""
    return re.sub(r"--(?=!?>)", "- -", one_line(text))


def safe_link(link: str | None) -> str | None:
    """An http(s) URL with everything outside RFC 3986's characters (and brackets)
    percent-encoded, so it can neither close ``\\url{...}`` (a brace) nor a Markdown
    autolink (``>``, a space)."""
    if link is None:
        return None
    if not re.match(r"https?://", link):
        raise DocumentError(f"reference link {link!r} is not an http(s) URL")
    return urllib.parse.quote(link, safe="/:?#@!$&'()*+,;=%-._~")




def render(text: str, backend: Mapping[str, Callable[[str], str]]) -> str:
    """Inline markup through one backend's table of token renderers."""
    return "".join(backend[kind](content) for kind, content in tokens(text))

