r"""Text for each sink: the terminal, Python source, TOML comments, TeX; and checks of the result.

Every piece of untrusted text (a spec's title, description, references, parameter
descriptions, a file name, an expression as typed) is escaped for the sink it goes to as the
*last* step before output: nothing (no re-wrapping, no re-indenting) transforms it afterwards,
so an escape pair cannot be split and no quote can be re-joined.

Unsafe characters, in every sink, are the ones that can move the cursor, change what a
terminal does, end a line, or reorder text on screen:

- C0 and C1 controls and DEL (``Cc``: ESC starts terminal escapes, U+009B is the 8-bit CSI,
  CR overwrites a line, NUL truncates C strings);
- line and paragraph separators (U+2028, U+2029: ``str.splitlines`` and JavaScript end a
  line there, Python's tokenizer does not);
- the bidirectional controls of "Trojan Source" (CVE-2021-42574: U+202A..U+202E,
  U+2066..U+2069, U+200E, U+200F, U+061C), which make code or text display in another order
  than it is read;
- lone surrogates, which cannot be encoded in UTF-8 at all.

They are shown as ``\uXXXX`` (:func:`visible`): readable, one line, and in JSON output the
very escape JSON itself uses. A tab is kept where a sink allows it and a newline only where
the sink is multi-line by design (the terminal stream, not a field inside one line).

The checks (:func:`check_python`, :func:`check_tex`) run on every generated file before it is
written or printed: a module must parse and compile, a TeX file must have balanced groups and
environments. A failure is a :class:`SinkError` (exit 2) naming the part of the input that
caused it, and nothing is written.
"""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Iterable

__all__ = [
    "SinkError",
    "EscapingStream",
    "PYTHON_CODING",
    "check_python",
    "python_bytes",
    "check_tex",
    "field",
    "python_comment",
    "python_docstring_line",
    "terminal",
    "toml_comment",
    "visible",
    "UNSAFE",
]

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class SinkError(ValueError):
    """Generated text failed its sink's check; the message names the input that caused it."""


def _unsafe(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") or c in _BIDI


#: Every unsafe character of the Basic Multilingual Plane (all of them lie there).
UNSAFE = frozenset(chr(i) for i in range(0x10000) if _unsafe(chr(i)))
_UNSAFE_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(UNSAFE)) + "]")


def _u(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group(0)):04x}"


def visible(text: str, keep: str = "") -> str:
    r"""``text`` with every unsafe character (except those in ``keep``) as ``\uXXXX``.

    >>> visible("a\x1b[2Jb\u009bc\nd")
    'a\\u001b[2Jb\\u009bc\\u000ad'
    >>> visible("tab\tand\nnewline", keep="\t\n")
    'tab\tand\nnewline'
    """
    if keep:
        return _UNSAFE_RE.sub(lambda m: m.group(0) if m.group(0) in keep else _u(m), text)
    return _UNSAFE_RE.sub(_u, text)


def terminal(text: str) -> str:
    """Text for a terminal stream: newlines and tabs kept, every other unsafe character
    shown as an escape (so a title cannot clear the screen or move the cursor)."""
    return visible(text, keep="\n\t")


def field(text: str) -> str:
    """One value on one line of terminal output (a title, a file name): newlines escaped
    too, so a value cannot forge a line of the report."""
    return visible(text, keep="\t")


class EscapingStream(io.TextIOBase):
    """A text stream that passes everything written through :func:`terminal` to ``raw``.

    :func:`lossmath.cli.main.main` puts one around stdout and stderr for the whole run, so every
    message, report and error is escaped as the very last step, whatever produced it.
    """

    def __init__(self, raw):
        self.raw = raw

    def write(self, s: str) -> int:
        text = terminal(s)
        try:
            self.raw.write(text)
        except UnicodeEncodeError:  # a terminal that is not UTF-8: what it cannot show, escaped
            enc = self.encoding or "ascii"
            self.raw.write(text.encode(enc, "backslashreplace").decode(enc))
        return len(s)

    def flush(self) -> None:
        self.raw.flush()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self):  # argparse and print ask for it
        return getattr(self.raw, "encoding", "utf-8")

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()


# -- Python source ----------------------------------------------------------------------


def python_comment(text: str) -> str:
    """Text for a ``#`` comment: one line (no line terminator can end it and start code);
    spaces are kept, so a quoted file name in a command stays exact."""
    return visible(text, keep="\t")


def python_docstring_line(text: str) -> str:
    r"""One line of prose for a triple-double-quoted, non-raw docstring.

    Unsafe characters become their visible escape first; then, as for a ``repr``, every
    backslash is doubled (so ``\N{...}``, ``\x`` and a trailing ``\`` are literal) and a run of
    three or more ``"`` has each quote escaped (so it can neither close the docstring nor
    join the closing quotes). The docstring's value is the visible text, exactly.

    >>> print(python_docstring_line('end ' + '"' * 3 + r' \N{BULLET}'))
    end \"\"\" \\N{BULLET}
    """
    text = visible(text, keep="\t").replace("\\", "\\\\")
    # A quote at the very end is escaped too: it would join closing quotes on the same line.
    return re.sub(r'"{3,}|"$', lambda m: '\\"' * len(m.group(0)), text)


#: Line 1 of every generated module (PEP 263): the encoding its bytes are written in.
PYTHON_CODING = "# -*- coding: utf-8 -*-  # noqa: UP009 - so no later line declares another"


def python_bytes(source: str) -> bytes:
    """The bytes of a generated module, as :mod:`lossmath.io.outputs` writes them."""
    return source.encode("utf-8")


def check_python(
    source: str | bytes, fields: Iterable[tuple[str, str]] = (), what: str = "module"
) -> None:
    """Parse and compile the bytes of ``source`` (nothing runs); raise :class:`SinkError` on
    failure.

    A ``str`` is checked as the UTF-8 bytes written to disk (:func:`python_bytes`), and the
    bytes are compiled as ``import`` reads them: a source-encoding declaration on line 1 or
    2 (PEP 263) decides how they are decoded, so the check sees what will run (compiling the
    ``str`` would ignore a declaration that ``import`` obeys). The encoding Python detects
    must be UTF-8. ``fields`` are (name, text) pairs of the untrusted input that went into
    it: the error names those whose text reaches the failing line, so the user knows what to
    change.
    """
    data = python_bytes(source) if isinstance(source, str) else source
    source = data.decode("utf-8", errors="replace")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        if encoding not in ("utf-8", "utf-8-sig"):
            raise SyntaxError(f"the module would be decoded as {encoding}, not UTF-8", (
                what, 1, 1, ""))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an invalid escape sequence is a failure too
            compile(data, what, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, SyntaxWarning, DeprecationWarning) as exc:
        lineno = getattr(exc, "lineno", None)
        line = source.splitlines()[lineno - 1] if lineno else ""
        fields = [(name, text) for name, text in fields if text and text in source]
        # The fields on the failing line; else those reaching the module that carry a
        # character special to Python strings (the error may surface lines later).
        culprits = [name for name, text in fields if _near(text, line)] or [
            name for name, text in fields if set(text) & (UNSAFE | set("\"'\\"))
        ]
        blame = f" (from {', '.join(culprits)})" if culprits else ""
        msg = getattr(exc, "msg", str(exc))
        raise SinkError(
            f"internal error: the generated {what} does not compile{blame}: line {lineno}: "
            f"{msg}; nothing was written"
        ) from None


def _near(text: str, line: str) -> bool:
    words = [w for w in re.split(r"\s+", text) if len(w) >= 3]
    return bool(text) and (text in line or any(w in line for w in words[:50]))


# -- TOML -------------------------------------------------------------------------------


def toml_comment(text: str) -> str:
    """Text for a TOML ``#`` comment: one line, no control character (TOML 1.0 forbids all
    but tab in comments), so a file name cannot add keys to the file it names."""
    return python_comment(text)


# -- TeX --------------------------------------------------------------------------------

_TEX_TOKEN = re.compile(
    r"\\begin\{verbatim\}.*?\\end\{verbatim\}"  # verbatim: nothing inside counts
    r"|\\url\{[^{}]*\}"  # a URL: % and # inside are characters (links carry no braces)
    r"|\\(?:begin|end)\{([^{}]*)\}"  # environments
    r"|\\[^A-Za-z]|\\[A-Za-z]+"  # control symbols (\{ \} \% \\) and words
    r"|%[^\n]*"  # comments
    r"|[{}]",
    re.S,
)


def check_tex(text: str, what: str = "TeX file") -> None:
    """Raise :class:`SinkError` unless braces and ``\\begin``/``\\end`` pairs balance.

    A stray brace or an unclosed environment in a TeX file means some text was not escaped:
    TeX would read what follows as markup (or stop). Escaped braces (``\\{``), comments,
    ``\\url`` arguments and ``verbatim`` blocks do not count.
    """
    lines = text.splitlines()

    def fail(problem: str, line: int) -> SinkError:
        near = " ".join(lines[line - 1].split())[:60] if line <= len(lines) else ""
        return SinkError(f"internal error: {what}: {problem} (near {near!r}); nothing was "
                         "written")

    stack: list[tuple[str, int]] = []
    for m in _TEX_TOKEN.finditer(text):
        tok = m.group(0)
        line = text.count("\n", 0, m.start()) + 1
        if tok == "{":
            stack.append(("{", line))
        elif tok == "}":
            if not stack or stack[-1][0] != "{":
                raise fail(f"unmatched }} on line {line}", line)
            stack.pop()
        elif tok.startswith("\\begin{") and not tok.startswith("\\begin{verbatim}"):
            stack.append((m.group(1), line))
        elif tok.startswith("\\end{"):
            if not stack or stack[-1][0] != m.group(1):
                raise fail(f"\\end{{{m.group(1)}}} on line {line} closes nothing open", line)
            stack.pop()
    if stack:
        kind, line = stack[-1]
        opened = "{" if kind == "{" else f"\\begin{{{kind}}}"
        raise fail(f"{opened} on line {line} is never closed", line)
