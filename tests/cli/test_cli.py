"""The command line: list, show, check; exit codes 0/1/2 and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

from lossmath import loss_names
from lossmath.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert names == loss_names() and len(names) >= 30
    # every loss is followed by its primary reference, indented
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith(" "):
            assert lines[i + 1].startswith(" " * 13) and '"' in lines[i + 1], line


def test_show_smooth_l1(capsys):
    code, out, _ = run(capsys, "show", "smooth_l1")
    assert code == 0
    assert "x in (−β, β)   f′(x) = x/β" in out
    assert "f(x) = x²/(2β) if |x| < β; |x| − β/2 otherwise" in out
    assert "x = β   C1  jumps (right − left): f 0, f′ 0, f′′ −1/β" in out
    assert "Fast R-CNN" in out


def test_show_aligns_its_columns_and_explains_piece_numbers(capsys):
    code, out, _ = run(capsys, "show", "wing")
    assert code == 0
    lines = out.splitlines()
    # Every "f(x) = " of a section starts in one column, intervals and breakpoints alike.
    section = lines[lines.index("f(x) by interval") + 1:lines.index("f′(x) by interval") - 1]
    assert len(section) == 7 and len({line.index("f(x) = ") for line in section}) == 1
    # "(piece 2)" refers to a numbered piece of the definition, and says what it means.
    assert "  piece 2: |x| + w·log(1 + w/ε) − w otherwise" in lines
    assert any("(piece k)" in line for line in lines)
    assert section[4].endswith("(piece 2)")  # x = −w belongs to the outer piece


def test_show_gives_decimal_defaults_as_the_catalog_writes_them(capsys):
    code, out, _ = run(capsys, "show", "tukey")
    assert code == 0 and "c (positive, default 4.685)" in out and "937/200" not in out


def test_check_json_symbolic(capsys):
    code, out, _ = run(capsys, "check", "smooth_l1", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["loss"] == "smooth_l1" and data["params"] == {"beta": "beta"}
    assert [(b["at"], b["class"], b["jumps"]) for b in data["breakpoints"]] == [
        ("-beta", "C1", ["0", "0", "1/beta"]),
        ("beta", "C1", ["0", "0", "-1/beta"]),
    ]
    assert (
        data["class"],
        data["symmetric"],
        data["convex"],
        data["gradient_bound"],
        data["growth"],
    ) == ("C1", True, True, "1", "linear")
    beta = sp.Symbol("beta", positive=True)
    # every expression reads back with sympify (our own output, not untrusted text)
    assert sp.sympify(data["breakpoints"][1]["jumps"][2], locals={"beta": beta}) == -1 / beta


def test_check_json_substituted(capsys):
    code, out, _ = run(capsys, "check", "smooth_l1", "--param", "beta=1", "--json")
    data = json.loads(out)
    assert code == 0 and data["params"] == {}
    assert [(b["at"], b["jumps"]) for b in data["breakpoints"]] == [
        ("-1", ["0", "0", "1"]),
        ("1", ["0", "0", "-1"]),
    ]


def test_check_l2_has_no_breakpoints(capsys):
    data = json.loads(run(capsys, "check", "l2", "--json")[1])
    assert (data["breakpoints"], data["class"], data["gradient_bound"], data["growth"]) == (
        [],
        "Cinf",
        "oo",
        "quadratic",
    )


@pytest.mark.parametrize(
    ("name", "req", "code"),
    [
        ("smooth_l1", "C1", 0),
        ("smooth_l1", "C2", 1),
        ("l1", "C0", 0),
        ("l1", "c1", 1),
        ("l2", "Cinf", 0),
        ("huber", "discontinuous", 0),
    ],
)
def test_require_exit_codes(capsys, name, req, code):
    assert run(capsys, "check", name, "--require", req)[0] == code


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "nosuch"], "unknown loss 'nosuch'"),
        (["check", "smooth_l1", "--param", "beta=0"], "parameter beta must be positive, got 0"),
        (["check", "smooth_l1", "--param", "beta=-1"], "parameter beta must be positive, got -1"),
        (["check", "smooth_l1", "--param", "beta=abc"], "malformed number 'abc'"),
        (["check", "smooth_l1", "--param", "beta"], "malformed --param 'beta'"),
        (["check", "smooth_l1", "--param", "gamma=1"], "unknown parameter(s) gamma"),
        (["show", "nosuch"], "unknown loss 'nosuch'"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1 and err.startswith("lossmath: error:")


def test_bad_requirement_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "l1", "--require", "C-one"])
    assert exc.value.code == 2
    assert "unknown smoothness class 'C-one'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["check", "smooth_l1", "--param", "beta=0"], ["check", "nosuch"]])
def test_console_script_has_no_traceback(argv):
    proc = subprocess.run(
        [sys.executable, "-m", "lossmath", *argv], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
