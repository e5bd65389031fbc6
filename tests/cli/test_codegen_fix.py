"""``lossmath codegen --fix NAME.PARAM=VALUE``: a parameter substituted before analysis and
generation, so a loss whose limits depend on a parameter (Barron's: the sign of alpha)
generates from the command line; the generated value agrees with the Python-side
``Loss.subs`` and with Barron's closed forms (his paper, eq. 1 and its limits)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossmath.cli.main import main


def _module(tmp_path, capsys, *argv):
    path = tmp_path / "m.py"
    code = main(["codegen", *argv, "-o", str(path)])
    capsys.readouterr()
    assert code == 0
    ns: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)  # noqa: S102 - our own output
    return ns


def _barron(x, a, c=1.0):
    """Barron (2019), eq. 1, with its limits at alpha = 0, 2, -inf, +inf (eqs. 2-6)."""
    z = (x / c) ** 2
    if a == 0:
        return math.log1p(z / 2)
    if a == 2:
        return z / 2
    if a == -math.inf:
        return 1 - math.exp(-z / 2)
    if a == math.inf:
        return math.expm1(z / 2)
    b = abs(a - 2)
    return b / a * ((z / b + 1) ** (a / 2) - 1)


@pytest.mark.parametrize("alpha,value", [("1/2", 0.5), ("0", 0.0), ("2", 2.0), ("-2", -2.0),
                                         ("1", 1.0), ("-inf", -math.inf), ("inf", math.inf)])
def test_fixed_alpha_generates_barrons_closed_form(tmp_path, capsys, alpha, value):
    ns = _module(tmp_path, capsys, "barron", "--fix", f"alpha={alpha}", "--target", "numpy")
    xs = np.array([-3.0, -0.5, 0.0, 0.25, 1.0, 2.5])
    got = ns["barron"](xs)
    want = [_barron(float(t), value) for t in xs]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)


def test_fix_is_named_in_the_regenerating_command(tmp_path, capsys):
    path = tmp_path / "m.py"
    assert main(["codegen", "barron", "--fix", "barron.alpha=1/2", "-o", str(path)]) == 0
    capsys.readouterr()
    assert "--fix barron.alpha=1/2" in path.read_text().split("\n", 3)[1] + path.read_text()
    assert "alpha" not in path.read_text().split("def barron(", 1)[1].split(")", 1)[0]


@pytest.mark.parametrize("item,message", [
    ("alpha=abc", "malformed number"),
    ("beta=1", "no loss being generated has a parameter 'beta'"),
    ("barron.c=-1", "must be positive"),
    ("alpha", "malformed --fix"),
])
def test_bad_fix_is_a_usage_error(capsys, item, message):
    assert main(["codegen", "barron", "--fix", item]) == 2
    _, err = capsys.readouterr()
    assert message in err and "Traceback" not in err
