"""A generated file means what was checked: its bytes decode as UTF-8 whatever the user's text.

Python decodes a module by the source-encoding declaration (PEP 263) on its line 1 or 2; a
spec path spelled into the regenerate command (``coding=unicode_escape,q.toml``) once put a
declaration on line 2, the title's escaped ``\"\"\"`` then decoded to a real ``\"\"\"`` and the
title ran as code. The theorem here: for every target, a module generated from a hostile path
and title imports, does not run the title, has the title as its docstring text, and declares
UTF-8 on line 1; and the module check compiles bytes as ``import`` does (it refuses what the
old text check passed). Documents (TeX, Markdown) and solved specs carry the same path and
title safely.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

from lossmath.cli.main import main
from lossmath.emit import targets
from lossmath.io import escape

TITLE = 'Quadratic"""; __import__("os").system("touch PWNED"); """'
HOSTILE = "coding=unicode_escape,q.toml"
SPEC = f"""name = "q"
title = '{TITLE}'

[[pieces]]
expr = "x**2"
when = "otherwise"
"""


def _call(target: str, module, name: str, value: float, **kw) -> float:
    """``module.name(value)`` with the input type the target takes."""
    f = getattr(module, name)
    if target in ("numpy", "numba"):
        import numpy as np

        return float(f(np.float64(value), **kw))
    if target == "torch":
        import torch

        return float(f(torch.tensor(value, dtype=torch.float64), **kw))
    if target == "jax":
        import jax.numpy as jnp

        return float(f(jnp.asarray(value, dtype=jnp.float32), **kw))
    import numpy as np

    return float(f(np.asarray(value, dtype=np.float64), **kw))


def _import(path: Path, name: str):
    """Import ``path`` as ``import`` does (from its bytes)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


#: The elementwise targets (a function per loss, called as below); the others (fitting
#: libraries' objectives) are checked for the encoding and import only.
ELEMENTWISE = ("numpy", "numba", "torch", "jax", "array-api")


@pytest.mark.parametrize("target", targets.names())
def test_hostile_path_and_title_never_run_in_any_target(target, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text(SPEC, encoding="utf-8")
    out = tmp_path / "q_mod.py"
    assert main(["codegen", HOSTILE, "--target", target, "-o", str(out)]) == 0
    lines = out.read_bytes().split(b"\n")
    assert lines[0].decode() == escape.PYTHON_CODING
    assert b"coding" not in lines[1]  # line 2 is lossmath's own text
    assert HOSTILE.encode() in lines[2]  # the command, below the lines PEP 263 reads
    module = _import(out, f"q_mod_{target.replace('-', '_')}")
    if target in ELEMENTWISE:
        assert _call(target, module, "q", 1.5) == 2.25
        assert TITLE in module.q.__doc__  # the title is docstring text, exactly
    assert not (tmp_path / "PWNED").exists()
    assert main(["codegen", HOSTILE, "--target", target, "-o", str(out), "--check"]) == 0


@pytest.mark.parametrize("target", ELEMENTWISE)
def test_a_parameter_named_encoding_makes_an_importable_module(target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "e.toml").write_text(
        'name = "enc"\n[params]\nencoding = { default = 1, assume = "positive" }\n'
        '[[pieces]]\nexpr = "encoding*x**2"\nwhen = "otherwise"\n', encoding="utf-8")
    out = tmp_path / "e_mod.py"
    assert main(["codegen", "e.toml", "--target", target, "--param", "encoding=3",
                 "-o", str(out)]) == 0
    module = _import(out, f"e_mod_{target.replace('-', '_')}")
    assert _call(target, module, "enc", 2.0) == 12.0  # 3 * 2**2, the default the command set


def test_codegen_to_stdout_prints_the_checked_bytes(tmp_path, monkeypatch, capfdbinary):
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text(SPEC, encoding="utf-8")
    assert main(["codegen", HOSTILE, "-o", "q_mod.py"]) == 0
    capfdbinary.readouterr()
    assert main(["codegen", HOSTILE]) == 0
    printed = capfdbinary.readouterr().out
    written = (tmp_path / "q_mod.py").read_bytes()
    # the same module but for "-o q_mod.py" in the command on line 3
    assert printed == written.replace(b" -o q_mod.py\n", b"\n", 1)
    escape.check_python(printed)


def test_the_check_compiles_bytes_as_import_decodes_them():
    """The old check compiled the text, where Python ignores a declaration: it passed a
    module that import decodes with unicode_escape. Compiling the bytes refuses it."""
    source = '# made\n# coding=unicode_escape\n"""a \\"\\"\\"; x = 1; \\"\\"\\" b"""\n'
    compile(source, "m", "exec")  # as text: one docstring, nothing runs
    ns: dict = {}
    exec(compile(source.encode(), "m", "exec"), ns)  # noqa: S102 - as bytes: code ran
    assert ns["x"] == 1
    with pytest.raises(escape.SinkError, match="decoded as unicode_escape"):
        escape.check_python(source)
    escape.check_python(escape.PYTHON_CODING + "\n" + source)  # line 1 wins: one docstring


def test_lossmath_compile_runs_the_checked_bytes(tmp_path):
    from lossmath.spec.toml import load_spec

    (tmp_path / HOSTILE).write_text(SPEC, encoding="utf-8")
    module = targets.compile(load_spec(tmp_path / HOSTILE), "numpy")
    assert TITLE in module.q.__doc__ and float(module.q(1.5)) == 2.25


def test_documents_carry_the_hostile_path_and_title_as_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text(SPEC, encoding="utf-8")
    assert main(["derive", HOSTILE, "-o", "out", "--format", "md,tex"]) == 0
    md = (tmp_path / "out" / "q.md").read_text(encoding="utf-8")
    tex = (tmp_path / "out" / "q.tex").read_text(encoding="utf-8")
    assert HOSTILE in md and HOSTILE in tex and "Quadratic" in md and "Quadratic" in tex
    escape.check_tex(tex)
    assert md.startswith("<!--\n") and md.index("-->") < md.index("# Quadratic")
    assert not (tmp_path / "PWNED").exists()


def test_solve_output_keeps_the_hostile_title_as_a_toml_string(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE).write_text(SPEC.replace('expr = "x**2"', 'expr = "x**2 + C"').replace(
        'name = "q"', 'name = "q"\nunknowns = ["C"]').replace(
        'when = "otherwise"', 'when = "x < 1"\n\n[[pieces]]\nexpr = "2*x"\nwhen = "otherwise"'),
        encoding="utf-8")
    assert main(["solve", HOSTILE, "-o", "solved.toml"]) == 0
    data = tomllib.loads((tmp_path / "solved.toml").read_text(encoding="utf-8"))
    assert data["title"] == TITLE
    assert not (tmp_path / "PWNED").exists()
