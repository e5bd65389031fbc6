"""Solving for the constants that make pieces join (Wing, Balanced L1, the smooth-L1 template)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

from lossmath import analyse
from lossmath.analysis.solve import solve_best, solve_unknowns
from lossmath.cli.main import main
from lossmath.spec.toml import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "lossmath" / "examples"
w, epsilon, beta = (sp.Symbol(n, positive=True) for n in ("w", "epsilon", "beta"))
alpha, gamma = sp.Symbol("alpha", positive=True), sp.Symbol("gamma", positive=True)


def test_wing_constant_gives_c0_and_nothing_gives_c1():
    wing = load_spec(EXAMPLES / "wing.toml")
    c0 = solve_unknowns(wing, 0)
    assert c0.reached and c0.cls == "C0"
    assert sp.simplify(c0.values["C"] - (w - w * sp.log(1 + w / epsilon))) == 0
    c1 = solve_unknowns(wing, 1)
    assert not c1.reached
    assert "f' jumps by epsilon/(epsilon + w) at x = -w for every value of C" in c1.reason
    # the slope at w goes from w/(w + epsilon) to 1
    bp = {b.at: b for b in analyse(c0.loss).breakpoints}[w]
    assert (bp.left[1], bp.right[1]) == (w / (w + epsilon), 1)


def test_balanced_l1_constants_give_c1():
    sol = solve_best(load_spec(EXAMPLES / "balanced_l1.toml"))
    assert sol.reached and sol.cls == "C1"
    b = sp.exp(gamma / alpha) - 1
    assert sp.simplify(sol.values["b"] - b) == 0
    assert sp.simplify(sol.values["C"] - (gamma / b - alpha)) == 0
    # the paper's constraint alpha*ln(b + 1) = gamma holds
    assert sp.simplify(alpha * sp.log(sol.values["b"] + 1) - gamma) == 0


def test_template_recovers_smooth_l1():
    sol = solve_unknowns(load_spec(EXAMPLES / "smooth_template.toml"), 1)
    assert sol.reached and sol.cls == "C1"
    assert sol.values == {"a": 1 / (2 * beta), "C": beta / 2}


def test_template_c0_leaves_an_unknown_free():
    sol = solve_unknowns(load_spec(EXAMPLES / "smooth_template.toml"), 0)
    assert not sol.reached and "left free" in sol.reason


def test_solve_cli_json_and_exit_codes(capsys):
    assert main(["solve", str(EXAMPLES / "wing.toml"), "--require", "C1", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["class"] == "C0" and data["reached"] is False
    assert sp.sympify(data["unknowns"]["C"], locals={"w": w, "epsilon": epsilon}) == (
        -w * sp.log(1 + w / epsilon) + w
    )
    assert main(["solve", str(EXAMPLES / "wing.toml"), "--require", "C0"]) == 0


def test_solved_spec_round_trips_into_check(tmp_path, capsys):
    # A correctness test, not a timing one: balanced L1's check takes about 6-8 s of the
    # default 10 s budget on a loaded 2-core machine, so it gets a generous budget here.
    out = tmp_path / "balanced_solved.toml"
    assert main(["solve", str(EXAMPLES / "balanced_l1.toml"), "-o", str(out),
                 "--timeout", "120"]) == 0
    text = out.read_text()
    assert "[constants]" in text and "unknowns" not in text
    capsys.readouterr()
    assert main(["check", str(out), "--require", "C1", "--timeout", "120"]) == 0
    assert "balanced_l1: C1" in capsys.readouterr().out


def test_check_with_solve_flag(capsys):
    assert main(["check", str(EXAMPLES / "wing.toml"), "--solve", "--require", "C0"]) == 0
    assert main(["check", str(EXAMPLES / "wing.toml"), "--solve", "C1"]) == 2
    assert "cannot solve for the unknowns" in capsys.readouterr().err


def test_solve_without_unknowns_is_an_error(capsys):
    assert main(["solve", "smooth_l1"]) == 2
    assert "no unknowns to solve for" in capsys.readouterr().err


@pytest.mark.parametrize("req", ["Cinf", "nonsense"])
def test_solve_bad_requirement(capsys, req):
    assert main(["solve", str(EXAMPLES / "wing.toml"), "--require", req]) == 2


NUMERIC = """
name = "numeric_join"
unknowns = ["C"]
[[pieces]]
expr = "x**2"
when = "abs(x) < 1"
[[pieces]]
expr = "abs(x) + {outer}"
when = "otherwise"
"""


def test_transcendental_constant_is_solved_numerically_and_checked_real(tmp_path):
    spec = tmp_path / "n.toml"
    spec.write_text(NUMERIC.format(outer="C**5 + exp(C) - 2"))  # no closed form for C
    sol = solve_unknowns(load_spec(spec), 0)
    assert sol.reached and sol.method == "numeric" and sol.cls == "C0"
    c = sol.values["C"]
    assert c.is_real and abs(c**5 + sp.exp(c) - 2) < 1e-25


def test_no_real_root_is_reported(tmp_path):
    spec = tmp_path / "n.toml"
    spec.write_text(NUMERIC.format(outer="C**2 + exp(C) + 1"))  # C**2 + e**C + 1 = 0: no real C
    sol = solve_unknowns(load_spec(spec), 0)
    assert not sol.reached and "no real value of C" in sol.reason
