"""Comments, docstrings and strings cite only what a reader can open: an upstream link (a URL,
or ``owner/repo#N``), a file of this repository, or the reasoning itself; never a label of this
project's own tracker or history (the word issue or session before a number, a hash sign before
a number) nor a file outside the repository."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: what is scanned: the package, the tests, the benchmarks and the top-level documents
SCANNED = ("lossmath", "tests", "benchmarks", "README.md", "pyproject.toml")

_OPENABLE = re.compile(r"https?://\S+|\b[\w.-]+/[\w.-]+#\d+\b")  # links and owner/repo#N
_LABEL = re.compile(r"\b(?:issues?|sessions?) ?#?\d+|(?:^|(?<=[\s(,;\[]))#\d+\b"
                    r"|\b(?:earlier|previous|later|last|next) sessions?\b", re.IGNORECASE)
#: what a string that is data (a file name, a colour, a test input) may still not say: a
#: label in words, or a hash sign and a number in parentheses (a colour's hash sign is data)
_STRING_LABEL = re.compile(r"\b(?:issues?|sessions?) ?#?\d+|\(#\d+\)"
                           r"|\b(?:earlier|previous|later|last|next) sessions?\b", re.IGNORECASE)
_OUTSIDE = re.compile(r"(?:\.\./)+\w|\bshared/|\breference/")
_DOCUMENT = re.compile(r"(?<![\w/.-])[\w-]+\.md\b")  # a bare name (paths: _OUTSIDE)
_NAME = re.compile(r"(?:issue|session)_?\d", re.IGNORECASE)


def _files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", *SCANNED],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / p for p in listed.split() if p.endswith((".py", ".md", ".toml"))
            and (ROOT / p).is_file()]


def _documents() -> set[str]:
    """The names of the repository's own Markdown files, which a citation may name."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return {Path(p).name for p in listed.split() if p.endswith(".md")}


def _texts(path: Path):
    """(line, text, prose) of every comment, docstring, other string and name of a Python
    file, and of every line of another file; ``prose`` is False for a string that is not a
    docstring (data: only :data:`_STRING_LABEL` applies to it)."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        for line, text in enumerate(source.splitlines(), 1):
            yield line, text, True
        return
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value, id(node) in docstrings
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string[1:], True  # the comment's own '#' is no citation
        elif tok.type == tokenize.NAME and _NAME.search(tok.string):
            yield tok.start[0], f"issue label in the name {tok.string}", True


def violations(path: Path, documents: set[str]) -> list[str]:
    found = []
    for line, text, prose in _texts(path):
        text = _OPENABLE.sub("", text)
        if not prose:
            found += [f"{line}: {m.group(0)!r}" for m in _STRING_LABEL.finditer(text)]
            continue
        for pattern in (_LABEL, _OUTSIDE):
            found += [f"{line}: {m.group(0)!r}" for m in pattern.finditer(text)]
        found += [f"{line}: {m.group(0)!r} is not a file of this repository"
                  for m in _DOCUMENT.finditer(text) if m.group(0) not in documents]
    return found


#: the probes spell a label's word and hash sign through these, so that this file's own
#: strings cite nothing
_SPELL = {"issue": "issue", "Issue": "Issue", "session": "session", "Session": "Session",
          "hash": "#"}


@pytest.mark.parametrize(
    "text, cited, cited_as_data",
    [
        ("see {issue} 12", True, True), ("{Issue} 12's properties", True, True),
        ("fixed in {hash}23836", True, False), ("({hash}23836)", True, True),
        ("as measured in {session} 3", True, True), ("{Session} 12: the wing case", True, True),
        ("see ../shared/ARCHITECTURE.md", True, False),
        ("``reference/sympy.md`` F5.1", True, False), ("as performance.md measured", True, False),
        ("sympy/sympy{hash}23836", False, False),
        ("https://github.com/sympy/sympy/issues/23836", False, False),
        ('color="{hash}555555"', False, False), ("{hash}555555", True, False),
        (r"\newcommand{{\cell}}[1]{{{hash}1}}", False, False),
        ("see README.md", False, False), ("issues of precision", False, False),
        ("as an earlier {session} found", True, True),
        ("a session of its own", False, False), ("scope={session!r}", False, False),
    ],
)
def test_the_scan_tells_labels_and_outside_files_from_upstream_links(tmp_path, text, cited,
                                                                      cited_as_data):
    text = text.format(**_SPELL)
    path = tmp_path / "probe.py"
    for source, expected in ((f"# {text}\n", cited),  # a comment
                             (f"def f():\n    {text!r}\n", cited),  # a docstring
                             (f"pytest.xfail(reason={text!r})\n", cited_as_data)):  # a string
        path.write_text(source, encoding="utf-8")
        assert bool(violations(path, {"README.md"})) is expected, source


def test_comments_cite_only_what_a_reader_can_open():
    documents = _documents()
    bad = {str(p.relative_to(ROOT)): v for p in _files() if (v := violations(p, documents))}
    assert not bad, "\n".join(f"{p}:{v}" for p, vs in sorted(bad.items()) for v in vs)
