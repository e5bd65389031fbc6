"""Comments and docstrings cite only what a reader can open: an upstream link (a URL, or
``owner/repo#N``), a file of this repository, or the reasoning itself; never a label of this
project's own tracker (the word issue or a hash sign before a number) nor a file outside the
repository."""

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
_LABEL = re.compile(r"\bissues? ?#?\d+|(?:^|(?<=[\s(,;\[]))#\d+\b", re.IGNORECASE)
_OUTSIDE = re.compile(r"(?:\.\./)+\w|\bshared/|\breference/")
_DOCUMENT = re.compile(r"(?<![\w/.-])[\w-]+\.md\b")  # a bare name (paths: _OUTSIDE)
_NAME = re.compile(r"issue_?\d", re.IGNORECASE)


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
    """(line, text) of every comment, docstring and name of a Python file (other strings are
    data: file names, test inputs), and of every line of another file."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        yield from enumerate(source.splitlines(), 1)
        return
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                yield body[0].lineno, body[0].value.value
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string[1:]  # the comment's own '#' is no citation
        elif tok.type == tokenize.NAME and _NAME.search(tok.string):
            yield tok.start[0], f"issue label in the name {tok.string}"


def violations(path: Path, documents: set[str]) -> list[str]:
    found = []
    for line, text in _texts(path):
        text = _OPENABLE.sub("", text)
        for pattern in (_LABEL, _OUTSIDE):
            found += [f"{line}: {m.group(0)!r}" for m in pattern.finditer(text)]
        found += [f"{line}: {m.group(0)!r} is not a file of this repository"
                  for m in _DOCUMENT.finditer(text) if m.group(0) not in documents]
    return found


@pytest.mark.parametrize(
    "text, cited",
    [
        ("see issue 12", True), ("Issue 12's properties", True), ("fixed in #23836", True),
        ("(#23836)", True), ("see ../shared/ARCHITECTURE.md", True),
        ("``reference/sympy.md`` F5.1", True), ("as performance.md measured", True),
        ("sympy/sympy#23836", False), ("https://github.com/sympy/sympy/issues/23836", False),
        ('color="#555555"', False), (r"\newcommand{\cell}[1]{#1}", False),
        ("see README.md", False), ("issues of precision", False),
    ],
)
def test_the_scan_tells_labels_and_outside_files_from_upstream_links(tmp_path, text, cited):
    path = tmp_path / "probe.py"
    for source in (f"# {text}\n", f"def f():\n    {text!r}\n"):  # a comment, a docstring
        path.write_text(source, encoding="utf-8")
        assert bool(violations(path, {"README.md"})) is cited, source


def test_comments_cite_only_what_a_reader_can_open():
    documents = _documents()
    bad = {str(p.relative_to(ROOT)): v for p in _files() if (v := violations(p, documents))}
    assert not bad, "\n".join(f"{p}:{v}" for p, vs in sorted(bad.items()) for v in vs)
