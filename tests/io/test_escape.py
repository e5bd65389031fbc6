"""Sink escaping (lossmath.io.escape): the terminal, Python docstrings and comments, TeX checks.

The truths here are the sinks' own rules: Python's compiler (a docstring line must compile
to exactly the visible text), JSON's parser (an escaped stream stays the same JSON value),
and TeX's grouping (hand-written balanced and unbalanced snippets).
"""

from __future__ import annotations

import json
import re

import pytest

from lossmath.io.escape import (
    UNSAFE,
    SinkError,
    check_python,
    check_tex,
    python_comment,
    python_docstring_line,
    terminal,
    visible,
)

NASTY = ['"""', '""""" ', 'ends in "', '""', "\\", "\\N{BULLET}", "\\x00", "\\u12", "a\\",
         "\x1b[2J", "\x9b", "\x7f", "\u2028", "\u202e", "\x85", "\r", "\x00", "tab\there"]


@pytest.mark.parametrize("text", NASTY)
def test_a_docstring_line_compiles_to_its_visible_text(text):
    source = f'def f():\n    """{python_docstring_line(text)}\n    """\n'
    namespace: dict = {}
    exec(compile(source, "t", "exec"), namespace)
    assert namespace["f"].__doc__ == visible(text, keep="\t") + "\n    "


@pytest.mark.parametrize("text", NASTY)
def test_a_comment_stays_one_line(text):
    source = f"x = 1  # {python_comment(text)}\ny = 2\n"
    namespace: dict = {}
    exec(compile(source, "t", "exec"), namespace)
    assert namespace == {"__builtins__": namespace["__builtins__"], "x": 1, "y": 2}
    assert len(source.splitlines()) == 2


def test_unsafe_characters_are_the_ones_that_steer_a_terminal():
    for c in "\x00\x1b\x7f\x85\x9b\u2028\u2029\u202e\u2066\u200f\ud800":
        assert c in UNSAFE
    for c in "a é β ∞ 中 \u00a0 \u200d":  # printable text, a no-break space, a joiner
        assert c not in UNSAFE
    assert terminal("a\x1b[2Jb\nc\td\r") == "a\\u001b[2Jb\nc\td\\u000d"


def test_escaped_json_is_the_same_json_value():
    data = {"title": "a\x9b\u202e\\\x1b\u2028\"", "n": 1}
    text = json.dumps(data, ensure_ascii=False)
    assert not set(terminal(text)) & UNSAFE - {"\n"}
    assert json.loads(terminal(text)) == data


def test_check_python_names_the_field_on_the_failing_line():
    with pytest.raises(SinkError, match=r"does not compile \(from title\): line 2"):
        check_python('def f():\n    """The x """ y loss"""\n', [("title", 'x """ y'),
                                                                ("venue", "V")])
    check_python('def f():\n    """ok"""\n')  # compiles: no error


@pytest.mark.parametrize("tex", [
    r"\section*{a \{ b \} c} 100\% \\[0.3em]",
    r"\begin{itemize}\item {x}\end{itemize}",
    "\\url{https://x.org/a%7Bb%}\n% a comment with { in it\n",
    "\\begin{verbatim}\n}{ \\end{itemize}\n\\end{verbatim}\n",
])
def test_balanced_tex_passes(tex):
    check_tex(tex)


@pytest.mark.parametrize("tex, problem", [
    ("a}", "unmatched }"),
    ("{a", "is never closed"),
    (r"\begin{itemize} x", r"\begin{itemize} on line 1 is never closed"),
    (r"\begin{center}\end{itemize}", "closes nothing open"),
    (r"\textbf{a\}", "is never closed"),
    ("% {\n}", "unmatched }"),
])
def test_unbalanced_tex_is_refused(tex, problem):
    with pytest.raises(SinkError, match=re.escape(problem)) as err:
        check_tex(tex)
    assert str(err.value).startswith("internal error: TeX file: ")
