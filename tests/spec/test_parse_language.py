"""The input language as people write it: |u| for abs(u), the inverse hyperbolic and error
functions, log2/log10, a "did you mean" for other spellings, and how to declare a parameter.

Truths: |u| is abs(u) by definition (both parsed from text, compared as sympy trees);
the new functions are compared with mpmath at random points (an independent
implementation); the suggestions are the documented spellings.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lossmath.base.symbols import x
from lossmath.spec.parse import ParseError, parse_expression

NAMES = {"x": x}


def parse(text: str) -> sympy.Expr:
    return parse_expression(text, NAMES)


# Small expressions in x, as text: the operands bars go around.
ATOMS = st.sampled_from(["x", "1", "x - 1", "2*x", "x**2", "exp(x)", "(x + 3)"])


@st.composite
def operands(draw, depth: int = 2) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(ATOMS)
    inner = draw(operands(depth - 1))
    form = draw(st.sampled_from(["{} + 1", "2*{}", "{} - x", "abs({})", "|{}|", "({})"]))
    return form.format(inner)


@settings(max_examples=60, deadline=None)
@given(operands())
def test_bars_are_abs(u):
    assert parse(f"|{u}|") == sympy.Abs(parse(u)) == parse(f"abs({u})")


@settings(max_examples=40, deadline=None)
@given(operands(), operands())
def test_bars_inside_conditions_and_products_are_abs(u, v):
    text = f"0.5*|{u}|**2 if |{v}| < 1 else 2*|{u}| - 0.5"
    want = sympy.Piecewise((sympy.Rational(1, 2) * sympy.Abs(parse(u)) ** 2,
                            sympy.Abs(parse(v)) < 1),
                           (2 * sympy.Abs(parse(u)) - sympy.Rational(1, 2), True))
    assert parse(text) == want


def test_the_seed_answers_smooth_l1_parses_as_written():
    seed = "0.5*x**2 if |x| < 1 else |x| - 0.5"
    assert parse(seed) == parse("0.5*x**2 if abs(x) < 1 else abs(x) - 0.5")


MP = {"asinh": mpmath.asinh, "acosh": mpmath.acosh, "atanh": mpmath.atanh,
      "erf": mpmath.erf, "erfc": mpmath.erfc, "log2": lambda t: mpmath.log(t, 2),
      "log10": mpmath.log10}
DOMAIN = {"acosh": (1.0, 50.0), "atanh": (-0.99, 0.99), "log2": (0.01, 1e6),
          "log10": (0.01, 1e6)}


@pytest.mark.parametrize("name", sorted(MP))
@settings(max_examples=25, deadline=None)
@given(t=st.floats(-30, 30, allow_nan=False))
def test_new_functions_agree_with_mpmath(name, t):
    lo, hi = DOMAIN.get(name, (-30.0, 30.0))
    t = min(max(t, lo), hi)
    point = sympy.Rational(t)
    got = parse(f"{name}(x)").subs(x, point)
    with mpmath.workdps(40):
        want = MP[name](mpmath.mpf(point.p) / point.q)
        assert abs(mpmath.mpf(sympy.N(got, 40)) - want) <= mpmath.mpf(10) ** -30 * (1 + abs(want))


@pytest.mark.parametrize("text, suggestion", [
    ("Abs(x)", "did you mean 'abs'?"),
    ("ln(x)", "did you mean 'log'?"),
    ("arctanh(x)", "did you mean 'atanh'?"),
    ("Erf(x)", "did you mean 'erf'?"),
    ("sqrtt(x)", "did you mean 'sqrt'?"),
    ("Pi*x", "did you mean 'pi'?"),
])
def test_near_misses_suggest_the_right_spelling(text, suggestion):
    with pytest.raises(ParseError) as err:
        parse(text)
    assert str(err.value).count("\n") == 0 and str(err.value).endswith(suggestion)


def test_an_undeclared_parameter_says_how_to_declare_one():
    with pytest.raises(ParseError) as err:
        parse("beta*x**2")
    message = str(err.value)
    assert "unknown name 'beta' at column 1" in message
    assert "--declare 'NAME>0=1'" in message and "[params]" in message


@pytest.mark.parametrize("text, column", [
    ("|x| + beta", 7),       # after a bar pair: the user's column, not the rewritten one
    ("||x| - 1| * gamma", 13),
])
def test_errors_after_bars_name_the_users_column(text, column):
    with pytest.raises(ParseError) as err:
        parse(text)
    assert f"at column {column}" in str(err.value)


@pytest.mark.parametrize("text", ["|x", "x|", "abs(x) | 2", "|x| |"])
def test_unpaired_bars_are_refused_with_a_hint(text):
    with pytest.raises(ParseError) as err:
        parse(text)
    assert "bars in pairs" in str(err.value)


@pytest.mark.parametrize("item, assume, default", [
    ("beta>0=1", "positive", 1), ("c>=0", "nonnegative", None), ("t=0.5", "real",
                                                                  sympy.Rational(1, 2)),
    ("m<0=-2", "negative", -2), ("k <= 0", "nonpositive", None),
])
def test_declare_makes_a_parameter_with_its_sign_and_default(item, assume, default):
    from lossmath.spec.toml import declared_param

    param = declared_param(item)
    assert param.assume == assume
    assert (param.default is None) if default is None else sympy.sympify(param.default) == default


def test_an_inline_loss_with_a_declared_parameter_is_analysed(capsys):
    import json

    from lossmath.cli.main import main

    assert main(["check", "--expr", "beta*x**2 if |x| < 1 else beta*(2*|x| - 1)",
                 "--declare", "beta>0=1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params"] == {"beta": "beta"} and data["class"] == "C1"


@pytest.mark.parametrize("item", ["1beta", "beta>1", "beta=", "x>0"])
def test_a_bad_declaration_is_one_line_and_exit_2(item, capsys):
    from lossmath.cli.main import main

    assert main(["check", "--expr", "x**2", "--declare", item]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lossmath: error: ")
