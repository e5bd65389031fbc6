"""Text from a spec cannot inject code into a generated module.

Names are restricted to identifiers (rejected otherwise); free text (title, description,
parameter descriptions, references) lands only inside docstrings and comments, escaped, so the
module imports and the text is inert.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
import sympy as sp

from lossmath import Loss, LossError, x
from lossmath.emit.numpy import generate
from lossmath.spec.toml import SpecError, loss_from_toml

HOSTILE = [
    "quote \" and ' quotes",
    'triple """ quotes',
    "triple ''' quotes",
    "line\nbreak",
    '"""\nimport os; os.system("touch pwned")\n"""',
    "\\\\ backslashes \\N{BULLET} \\x00 \\",
    "\\input{/etc/passwd}",
    "# comment\n__import__('os').system('touch pwned')",
    "\r\x0bvertical",
]


def spec(**text):
    return {
        "name": "probe",
        "title": text.get("title", "Probe"),
        "description": text.get("description", ""),
        "params": {"beta": {"default": 1, "description": text.get("param", "")}},
        "pieces": [
            {"expr": "x**2/(2*beta)", "when": "abs(x) < beta"},
            {"expr": "abs(x) - beta/2", "when": "otherwise"},
        ],
        "references": [
            {
                "authors": [text.get("author", "A. Author")],
                "title": text.get("ref", "T"),
                "year": 2020,
                "venue": text.get("venue", "V"),
            }
        ],
    }


FIELDS = ("title", "description", "param", "author", "ref", "venue")


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_free_text_is_inert_in_the_module(tmp_path, text):
    # Control characters are accepted: every sink escapes them.
    loss = loss_from_toml(spec(**dict.fromkeys(FIELDS, text)))
    source = generate([loss])
    tree = ast.parse(source)  # still valid Python
    calls = {
        n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
    }
    assert not {"system", "__import__", "eval", "exec"} & calls
    module = tmp_path / "probe_module.py"
    module.write_text(source)
    check = (
        "import importlib.util, sys\n"
        f"s = importlib.util.spec_from_file_location('m', {str(module)!r})\n"
        "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        "print(m.probe(3.0))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2.5"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ['a"b', "a b", "a\nb", "import", "1abc", "a;b", "a.b", "é"])
def test_hostile_names_are_refused(tmp_path, capsys, name):
    data = spec()
    data["name"] = name
    with pytest.raises(SpecError, match="not a valid name|reserved"):
        loss_from_toml(data)


@pytest.mark.parametrize("name", ["a-b", "class", "print('x')"])
def test_python_api_refuses_names_that_are_not_identifiers(name):
    with pytest.raises(LossError):
        generate([Loss(name, sp.Abs(x))])


def test_codegen_accepts_an_inline_expression(tmp_path, capsys):
    from lossmath.cli.main import main

    out = tmp_path / "mine.py"
    argv = ["codegen", "--expr", "x**2 if x < 1 else 2*x - 1", "--name", "mine", "-o", str(out)]
    assert main(argv) == 0
    text = out.read_text()
    assert "--expr 'x**2 if x < 1 else 2*x - 1' --name mine" in text.splitlines()[2]
    ns: dict = {}
    exec(compile(text, str(out), "exec"), ns)  # our own generated module, not user text
    assert ns["mine_grad"](3.0) == 2.0 and ns["mine"](0.5) == 0.25
    assert main([*argv, "--check"]) == 0


@pytest.mark.parametrize(
    "text", ["__import__('os').system('touch pwned')", "x\n__import__('os')", "x # '''"]
)
def test_codegen_refuses_hostile_expressions(tmp_path, monkeypatch, capsys, text):
    from lossmath.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["codegen", "--expr", text, "-o", "m.py"]) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["run", "param", "outputs", "fits", "blocks", "wide",
                                  "finite_in"])
def test_a_loss_named_after_a_runtime_helper_computes_its_own_values(name):
    """The kernel of a loss NAME was once _NAME: a loss called "run" replaced the runtime's
    _run. Kernels are now _lm_kern_NAME (lossmath.emit.names), out of every user name's
    reach: the module works, and computes x**2."""
    import numpy as np

    from lossmath import Loss, x
    from lossmath.emit.targets import compile as compile_module

    module = compile_module(Loss(name, x**2), "numpy")
    assert getattr(module, name)(np.array([1.5, -3.0])).tolist() == [2.25, 9.0]
