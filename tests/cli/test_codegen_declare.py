"""``lossmath codegen --expr TEXT --declare NAME>0=DEFAULT``: a parameter of an inline loss,
parsed by the same ``--declare`` option as ``check``, ``show`` and ``derive``; the generated
function takes it as a keyword argument with its default and sign, and a bad declaration is
refused in one line with exit 2, as the other commands refuse it."""

from __future__ import annotations

import shlex

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossmath.cli.main import main

EXPR = "beta*x**2 if |x| < 1 else beta*(2*|x| - 1)"


def _generate(tmp_path, capsys, *argv):
    path = tmp_path / "m.py"
    code = main(["codegen", "--expr", EXPR, *argv, "-o", str(path)])
    capsys.readouterr()
    assert code == 0
    ns: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)  # noqa: S102 - our own output
    return path, ns


def _truth(x: float, beta: float) -> float:
    """The expression read by hand: beta x^2 inside |x| < 1, beta (2|x| - 1) outside."""
    return beta * x * x if abs(x) < 1 else beta * (2 * abs(x) - 1)


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    path = tmp_path_factory.mktemp("declare") / "m.py"
    assert main(["codegen", "--expr", EXPR, "--declare", "beta>0=1", "-o", str(path)]) == 0
    ns: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)  # noqa: S102 - our own output
    return ns


@settings(max_examples=60, deadline=None)
@given(x=st.floats(-1e3, 1e3), beta=st.floats(1e-3, 1e3))
def test_a_declared_parameter_is_a_keyword_of_the_generated_loss(module, x, beta):
    got = float(module["expr"](np.float64(x), beta=beta))
    assert got == pytest.approx(_truth(x, beta), rel=1e-13, abs=1e-300)


def test_the_declared_default_and_sign_reach_the_generated_loss(module):
    assert float(module["expr"](np.float64(3.0))) == _truth(3.0, 1.0)  # beta defaults to 1
    with pytest.raises(ValueError, match="beta"):  # declared >0
        module["expr"](np.float64(0.5), beta=-1.0)


def test_the_regenerating_command_names_the_declaration(tmp_path, capsys):
    path, _ = _generate(tmp_path, capsys, "--declare", "beta>0=2")
    header = path.read_text().splitlines()[2]
    assert "--declare 'beta>0=2'" in header
    # The command in the header, run with --check, finds the file current.
    argv = shlex.split(header.lstrip("# ").split("  # noqa")[0])
    assert argv[:2] == ["lossmath", "codegen"]
    assert main([*argv[1:], "-o", str(path), "--check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["--expr", "x**2", "--declare", "1beta"],           # not a name
    ["--expr", "x**2", "--declare", "beta>1"],          # not a sign
    ["--expr", "x**2", "--declare", "beta="],           # no default after =
    ["--expr", "x**2", "--declare", "x>0"],             # the variable itself
    ["--expr", "x**2", "--declare", "pi"],              # a built-in constant
    ["--expr", "x**2", "--declare", "b", "--declare", "b"],  # twice
    ["--expr", "beta*x**2", "--declare", "gamma>0"],    # beta still undeclared
    ["huber", "--declare", "beta>0"],                   # without --expr
])
def test_a_bad_declaration_is_one_line_and_exit_2(argv, capsys, tmp_path):
    assert main(["codegen", *argv, "-o", str(tmp_path / "m.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lossmath: error: ")
    assert not (tmp_path / "m.py").exists()


def test_every_command_with_expr_parses_declare_alike():
    """One definition of --declare: check, show, derive and codegen print the same help."""
    from lossmath.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command" or a.choices)
    actions = {name: next(a for a in sub.choices[name]._actions if a.dest == "declare")
               for name in ("check", "show", "derive", "codegen")}
    seen = {(a.option_strings[0], a.metavar, a.help, type(a).__name__)
            for a in actions.values()}
    assert len(seen) == 1 and next(iter(seen))[0] == "--declare"


@pytest.mark.parametrize("command", ["check", "show", "derive", "codegen"])
def test_every_command_refuses_declare_without_expr(command, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # derive and codegen would write here; nothing is written
    assert main([command, "huber", "--declare", "beta>0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--declare goes with --expr" in err
    assert not any(tmp_path.iterdir())
