"""A corpus of hostile inputs: expressions, names, spec text, output paths, TOML, the terminal.

Every case runs the real command line (``lossmath.cli.main.main``) in one long-lived worker
process (tests/support/hostile_worker.py), in a directory of its own, and checks:

- the exit code (2 for every refusal, with a one-line message naming the problem);
- the work: a refusal within 2 s of CPU time, whatever else the machine runs (a FIFO or
  ``/dev/zero`` cannot make it wait or read without end: the worker stops a case at its
  wall-clock timeout, three times its seconds and at least 15 s, which fails it);
- bounded memory: the worker's peak resident memory grows by less than 300 MiB (and its
  address space is capped at 3 GiB, so an unbounded read fails the case);
- no traceback, on stderr or escaping ``main``;
- no side effect outside the case's directory: nothing else appears in the corpus's
  directory or in the worker's private temporary directory (no ``lossmath-tex-*`` or
  ``.tmp`` leftovers), and no file named ``pwned`` anywhere in either;
- every Python module the case wrote imports under ``python -W error``, and then whatever
  the case itself asserts (the old file intact, the text readable in a docstring, ...).

Each failure once found (control characters, quotes and long words in free text reaching
generated modules and documents) has cases here, next to the classes that always held (code
execution through expressions, names, LaTeX and Markdown escaping).
"""

from __future__ import annotations

import pytest

from tests.support.hostile import (
    CASES,
    Case,
    run_case,
    spec_text,
)


def test_the_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, worker, importer, corpus_dir):
    run_case(case, worker, importer, corpus_dir)


def test_a_module_that_would_not_compile_is_never_written(tmp_path, monkeypatch, capsys):
    """The last line of defence: with docstring escaping switched off, a title of quotes
    makes a module that cannot compile; codegen then exits 2 naming the field, and writes
    nothing."""
    from lossmath.cli.main import main
    from lossmath.io import escape

    monkeypatch.setattr(escape, "python_docstring_line", lambda text: text)
    spec = tmp_path / "s.toml"
    spec.write_text(spec_text(title='ends in """'))
    assert main(["codegen", str(spec), "-o", str(tmp_path / "m.py")]) == 2
    err = capsys.readouterr().err
    assert "does not compile (from probe.title" in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]
