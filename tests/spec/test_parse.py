"""Tests for lossmath.spec.parse: the safe text -> sympy parser."""

from __future__ import annotations

import ast
import builtins
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sympy
from sympy import Abs, And, E, Eq, Max, Min, Ne, Not, Or, Piecewise, Rational, S, pi

import lossmath.spec.parse as parse_module
from lossmath.spec.parse import MAX_LENGTH, ParseError, parse_condition, parse_expression

x = sympy.Symbol("x", real=True)
beta = sympy.Symbol("beta", positive=True)
epsilon = sympy.Symbol("epsilon", positive=True)
w = sympy.Symbol("w", positive=True)
NAMES = {"x": x, "beta": beta, "epsilon": epsilon, "w": w}
PARSE_SOURCE = Path(parse_module.__file__).read_text()


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    # sympy imports some modules lazily on first use; keep that out of the timings.
    parse_expression("0.5*x**2 if abs(x) < 1 else sqrt(min(x, 1)) + exp(sin(x))", NAMES)
    parse_condition("x < 1 and not x > -1 or x == 2", NAMES)


# --------------------------------------------------------------------------- round trips

EXPRESSIONS = [
    (
        "0.5*x**2 if abs(x) < 1 else abs(x) - 0.5",
        Piecewise((x**2 / 2, Abs(x) < 1), (Abs(x) - S(1) / 2, True)),
    ),
    ("w*log(1 + abs(x)/epsilon)", w * sympy.log(1 + Abs(x) / epsilon)),
    ("log1p(x)", sympy.log(1 + x)),
    ("expm1(beta*x)", sympy.exp(beta * x) - 1),
    ("min(x, beta)", Min(x, beta)),
    ("max(x, -1, 2*beta)", Max(x, -1, 2 * beta)),
    ("pi*e", pi * E),
    ("x**2 if x < 1 else x + 1", Piecewise((x**2, x < 1), (x + 1, True))),
    (
        "x if x < -1 else x**2 if x < 1 else 2*x",
        Piecewise((x, x < -1), (x**2, x < 1), (2 * x, True)),
    ),
    (
        "sign(x) + sqrt(beta) + exp(x) + sin(x) + cos(x) + tan(x)",
        sympy.sign(x)
        + sympy.sqrt(beta)
        + sympy.exp(x)
        + sympy.sin(x)
        + sympy.cos(x)
        + sympy.tan(x),
    ),
    (
        "atan(x) + sinh(x) + cosh(x) + tanh(x)",
        sympy.atan(x) + sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x),
    ),
    ("-x**2", -(x**2)),
    ("+x - -1", x + 1),
    ("2**-1", Rational(1, 2)),
    ("x/2/3", x / 6),
    ("(x + 1)*(x - 1)", (x + 1) * (x - 1)),
    ("  x + 1", x + 1),
    ("10**1000", sympy.Integer(10) ** 1000),
    ("x**1000", x**1000),
    ("sqrt(2)**1000", sympy.Integer(2) ** 500),
    ("0x1F + 0b101 + 0o7 + 1_000", sympy.Integer(1043)),
]


@pytest.mark.parametrize(("text", "expected"), EXPRESSIONS, ids=[t for t, _ in EXPRESSIONS])
def test_expression_round_trip(text: str, expected: sympy.Basic) -> None:
    result = parse_expression(text, NAMES)
    assert result == expected
    assert not result.atoms(sympy.Float)


def test_nested_if_else_is_one_flat_piecewise() -> None:
    result = parse_expression("x if x < -1 else 0 if x < 1 else 1 if x < 2 else x", NAMES)
    assert isinstance(result, Piecewise)
    assert len(result.args) == 4
    assert not any(arg.expr.has(Piecewise) for arg in result.args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", Rational(1, 10)),
        ("1e-3", Rational(1, 1000)),
        ("2.5E+2", sympy.Integer(250)),
        (".5", Rational(1, 2)),
        ("2.", sympy.Integer(2)),
        ("1_000.5", Rational(2001, 2)),
        # more digits than a float holds: still exact, so the text is used, not repr(float)
        ("0.1000000000000000000001", Rational(10**21 + 1, 10**22)),
    ],
)
def test_decimals_are_exact_rationals(text: str, expected: sympy.Rational) -> None:
    result = parse_expression(text, NAMES)
    assert isinstance(result, sympy.Rational)
    assert result == expected


def test_declared_symbols_are_the_callers_objects() -> None:
    assert parse_expression("x", NAMES) is x
    assert parse_expression("beta", NAMES).is_positive


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-beta < x < beta", And(-beta < x, x < beta)),
        ("not (x < 1)", Not(x < 1)),
        ("x < 1 and w > 2 or x >= 3", Or(And(x < 1, w > 2), x >= 3)),
        ("x == 1", Eq(x, 1)),
        ("x != 1", Ne(x, 1)),
        ("abs(x) <= beta", Abs(x) <= beta),
        ("-1 < 0 < 1", sympy.true),  # comparisons of plain numbers still work
        ("1 > 2", sympy.false),
        ("beta > 0", sympy.true),  # decided from the symbol's assumptions
        ("otherwise", sympy.true),
        ("True", sympy.true),
        ("  otherwise ", sympy.true),
    ],
)
def test_condition_round_trip(text: str, expected: sympy.Basic) -> None:
    assert parse_condition(text, NAMES) == expected


def test_parse_error_carries_text_position_and_what() -> None:
    with pytest.raises(ParseError) as info:
        parse_expression("  x + foo", NAMES, what="piece 2 expr")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.text == "  x + foo"
    assert error.position == 6
    assert str(error).startswith(
        "piece 2 expr: unknown name 'foo' at column 7 (allowed: x, beta, epsilon, w, pi, e); "
        "to use a parameter, declare it: with --expr, --declare 'NAME>0=1'"
    )


@pytest.mark.parametrize("name", ["e", "pi", "abs", "min"])
def test_declaring_a_builtin_name_is_refused(name: str) -> None:
    with pytest.raises(ParseError, match=f"declared name '{name}' collides") as info:
        parse_expression("x", {"x": x, name: sympy.Symbol(name)})
    assert info.value.position is None


@pytest.mark.parametrize("name", ["not", "a b", "β", "1x"])
def test_declaring_an_invalid_identifier_is_refused(name: str) -> None:
    with pytest.raises(ParseError, match="not a valid identifier"):
        parse_condition("x < 1", {"x": x, name: sympy.Symbol("y")})


def test_non_text_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse_expression(0.5, NAMES)  # type: ignore[arg-type]


def test_condition_must_not_be_a_value() -> None:
    with pytest.raises(ParseError, match="got a value 'x' at column 1"):
        parse_condition("x", NAMES)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("x**1001", "exponent 1001 is too large"),
        ("x**(1/1001)", "exponent 1/1001 is too large"),
        ("(x**1000)**1000", "exponent 1000000 is too large"),
        ("10**1000*10**1000*10**1000*10**1000", "bits is too large"),
        ("(10**1000*x)**3", "the power would have about"),
        ("sqrt(2**300 + 1)", "root of a number of about 300 bits"),
        # sympy would rewrite these to 999**999 and 1000**1000 behind the power check
        ("exp(999*log(999))", "exponent containing log multiply to more than 1000"),
        ("2**(1000*log(1000)/log(2))", "exponent containing log multiply to more than 1000"),
        ("exp(10**100*log(10))", "in an exponent is too large"),
        # symbolic exponents with big constants make sympy's assumption code hang
        ("(2*x)**(x - 2**64)", "constant -18446744073709551616 in an exponent"),
        ("exp(pi*(x - 100000))", "constant -100000 in an exponent"),
        ("x**(10*(x - 999))", "constant -9990 in an exponent"),  # made by sympy, caught after
        ("exp(exp(exp(8)))", "beyond 2**10000 or 2**-10000 in magnitude"),
        ("((1 + sqrt(2))**1000 + 1)**1000", "beyond 2**10000 or 2**-10000 in magnitude"),
        ("exp(-exp(10))", "beyond 2**10000 or 2**-10000 in magnitude"),
        # mpmath's power() would multiply out the exponent exp(2718) for seconds
        ("((1e-3/3)*cos(2**64))**exp(1000*e)", "beyond 2**10000 or 2**-10000 in magnitude"),
        ("1/0", "undefined or infinite"),
        ("log(0)", "undefined or infinite"),
        ("min(x, 1, 2, 3, 4, 5, 6, 7, 8)", "takes 2 to 8 arguments, got 9"),
        (
            "min(min(x, w, beta, epsilon, sin(x)), min(cos(x), tan(x), sinh(x), tanh(x)))",
            "Min of 9 terms is too wide",
        ),
        (" else ".join(f"{i} if x < {i}" for i in range(8)) + " else x", "9 pieces"),
    ],
)
def test_size_limits(text: str, token: str) -> None:
    assert_rejected(parse_expression, text, token)


@pytest.mark.parametrize(
    "text", ["x if (x if x < 1 else 2) < 3 else 0", "x if log1p(x if x < 1 else 2) < 3 else 0"]
)
def test_if_else_inside_a_comparison_is_refused(text: str) -> None:
    # sympy would rewrite the condition and try to solve it, which can take forever
    assert_rejected(parse_expression, text, "if-else inside a comparison")


def test_work_budget_refuses_input_past_its_count_of_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_WORK", 1)
    assert_rejected(parse_expression, "x + 1", "took more than 1 function calls")


# Found by fuzzing: sympy's assumption system expands real and imaginary parts of this
# for minutes.  No size limit applies, so only the watchdog stops it.
SLOW_IN_SYMPY = (
    "((cos(10) if sign((x if 1e-3 > 10 else beta)) <= (log(0.5)**pi) else "
    "atan((cos(10**100) if (1/3 > 100 or 3 != 2) else (1e-3/3))))/7) <= cosh(1)"
)


def test_watchdog_interrupts_slow_sympy_evaluation() -> None:
    if sys.getprofile() is not None:
        pytest.skip("a profiler owns the profile hook, so the watchdog is off")
    assert_rejected(parse_condition, SLOW_IN_SYMPY, "took more than 400,000 function calls")
    assert sys.getprofile() is None  # the hook is gone afterwards
    # sympy still answers assumption queries correctly afterwards
    assert Abs(x - 1).is_nonnegative
    assert parse_expression("abs(x)**2", NAMES) == x**2


def test_an_existing_profiler_is_left_alone() -> None:
    def profiler(frame: object, event: str, arg: object) -> None:
        pass

    sys.setprofile(profiler)
    try:
        assert parse_expression("x + 1", NAMES) == x + 1
        assert sys.getprofile() is profiler
    finally:
        sys.setprofile(None)


# ------------------------------------------------------------------------ hostile input


def assert_rejected(function: Callable[..., object], text: str, token: str) -> ParseError:
    """``function(text)`` raises a one-line ParseError naming ``token``, within 1 s of CPU
    time (what the watchdog bounds; wall time on a shared machine says little)."""
    start = time.thread_time()
    with pytest.raises(ParseError) as info:
        function(text, NAMES)
    elapsed = time.thread_time() - start
    message = str(info.value)
    assert token in message
    assert "\n" not in message and "Traceback" not in message
    assert info.value.text == text
    if info.value.position is not None:
        assert f"column {info.value.position + 1}" in message
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    return info.value


HOSTILE = [
    (parse_expression, "__import__('os').system('touch pwned')", "system"),
    (parse_expression, "__import__('os')", "'__import__'"),
    (parse_expression, "().__class__.__bases__[0].__subclasses__()", "__subclasses__"),
    (parse_expression, "x.real", "attribute access 'x.real'"),
    (parse_expression, "(lambda: 1)()", "lambda"),
    (parse_expression, "[i for i in range(10)]", "list comprehension"),
    (parse_expression, "{1: 2}", "dict display"),
    (parse_expression, "{x}", "set display"),
    (parse_expression, "(x, 1)", "tuple"),
    (parse_expression, 'f"{x}"', "f-string"),
    (parse_expression, "'abc'", "'abc'"),
    (parse_expression, "b'abc'", "bytes"),
    (parse_expression, "open('pwned', 'w')", "unknown function 'open'"),
    (parse_expression, "eval('1')", "unknown function 'eval'"),
    (parse_expression, "exec", "unknown name 'exec'"),
    (parse_expression, "globals()", "unknown function 'globals'"),
    (parse_expression, "getattr(x, 'y')", "unknown function 'getattr'"),
    (parse_expression, "x(1)", "unknown variable 'x' called"),
    (parse_expression, "abs(x=1)", "keyword argument 'x=1'"),
    (parse_expression, "abs(*x)", "starred expression"),
    (parse_expression, "x[0]", "subscript"),
    (parse_expression, "await x", "await"),
    (parse_expression, "(yield)", "yield"),
    (parse_expression, "None", "None"),
    (parse_expression, "True", "True at column 1 is only allowed as a whole condition"),
    (parse_expression, "sin", "function 'sin' at column 1 must be called"),
    (parse_expression, "9**9**9**9", "exponent 387420489 is too large"),
    (parse_expression, "2**100000", "exponent 100000 is too large"),
    (parse_expression, "10**(10**10)", "exponent 10000000000 is too large"),
    (parse_expression, "1" * 101, "more than 100 digits"),
    (parse_expression, "1e99999999", "needs more than 100 digits"),
    (parse_expression, "(" * 1000 + "x" + ")" * 1000, "nested more than 32 deep at column 33"),
    (parse_expression, "-" * 5000 + "x", "expression is 5001 characters long"),
    (parse_expression, "+" * 4000 + "x", "too deeply nested"),
    (parse_expression, "-" * 300 + "x", "nested more than 100 levels deep"),
    (parse_expression, "-" * 99 + "(lambda: 1)", "nested more than 100 levels deep"),
    (parse_expression, "x<" * 1100 + "x", "more than 1000 syntax elements"),
    (parse_expression, "x := 1", "syntax error at column 3"),
    (parse_expression, "(x := 1)", "assignment expression"),
    (parse_expression, "x +", "syntax error at column 4"),
    (parse_expression, "1j", "complex number '1j'"),
    (parse_expression, "x // 2", "operator '//' at column 3"),
    (parse_expression, "x % 2", "operator '%' at column 3"),
    (parse_expression, "x @ x", "operator '@' at column 3"),
    (parse_expression, "x ^ 2", "(use ** for powers)"),
    (parse_expression, "~x", "operator '~'"),
    (parse_expression, "x if 1 else 2", "got a value '1' at column 6"),
    (parse_expression, "abs(x) < 1", "expected a value, got a comparison at column 1"),
    (parse_expression, "x and 1", "got a value 'x' at column 1"),
    (parse_condition, "x is 1", "comparison 'is' at column 3"),
    (parse_condition, "x in 1", "comparison 'in' at column 3"),
    (parse_condition, "sqrt(-1) < 1", "non-real"),
    (parse_expression, "atan(tan(sinh(999)))", "cannot evaluate"),  # sympy 1.14 bug
    (parse_condition, "sin(exp(exp(exp(4)))) < 0", "beyond 2**10000 or 2**-10000 in magnitude"),
    (parse_condition, "exp(exp(exp(exp(100)))) > 1", "beyond 2**10000 or 2**-10000 in magnitude"),
    (parse_condition, " or ".join(["x < 1"] * 9), "9 operands"),
    (parse_expression, "x\x00", "'\\x00' at column 2"),
    (parse_expression, "x\n+ 1", "'\\n' at column 2"),
    (parse_expression, "x\t+ 1", "'\\t' at column 2"),
    (parse_expression, "\uff58", "'\uff58' at column 1"),  # fullwidth x: NFKC would make it x
    (
        parse_expression,
        "foo",
        "unknown name 'foo' at column 1 (allowed: x, beta, epsilon, w, pi, e)",
    ),
    (parse_expression, "", "expression is empty"),
    (parse_expression, "   ", "expression is empty"),
    (parse_condition, "", "condition is empty"),
]


@pytest.mark.parametrize(
    ("function", "text", "token"), HOSTILE, ids=[repr(text[:40]) for _, text, _ in HOSTILE]
)
def test_hostile_input_is_rejected_quickly_without_side_effects(
    function: Callable[..., object],
    text: str,
    token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # "touch pwned" / open('pwned', 'w') would land here
    assert_rejected(function, text, token)
    assert not (tmp_path / "pwned").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_megabyte_is_rejected_before_parsing() -> None:
    text = "x+" * (1 << 19)
    error = assert_rejected(parse_expression, text, "characters long")
    assert str(error) == f"expression is 1048576 characters long; the limit is {MAX_LENGTH}"
    assert error.position is None


@pytest.mark.parametrize(
    ("text", "operator"), [("x // 2", "//"), ("(x) %  2", "%"), ("x<1 is 1", "is"), ("1+x@x", "@")]
)
def test_position_points_at_the_operator(text: str, operator: str) -> None:
    function = parse_condition if "<" in text else parse_expression
    error = assert_rejected(function, text, repr(operator))
    assert error.position is not None
    assert text[error.position :].startswith(operator)


def test_sympy_never_sees_a_string(monkeypatch: pytest.MonkeyPatch) -> None:
    # If any string reached sympify it would go through parse_expr; eval/exec would be
    # the code-running step.  Make all three explode and parse everything once more.
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"forbidden call with {args!r}")

    monkeypatch.setattr("sympy.parsing.sympy_parser.parse_expr", forbidden)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text, expected in EXPRESSIONS:
        assert parse_expression(text, NAMES) == expected
    assert parse_condition("-beta < x < beta", NAMES) == And(-beta < x, x < beta)


# ------------------------------------------------------------------- source inspection

FORBIDDEN_CALLS = {
    "eval",
    "exec",
    "compile",
    "sympify",
    "parse_expr",
    "S",
    "__import__",
    "Symbol",
    "symbols",
    "Float",
    "Function",
    "var",
    "lambdify",
}


def forbidden_uses(source: str) -> list[str]:
    """Calls of string-evaluating APIs, and sympy.parsing imports, in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            regex = isinstance(func, ast.Attribute) and ast.unparse(func) == "re.compile"
            if name in FORBIDDEN_CALLS and not regex:
                found.append(f"call of {name} at line {node.lineno}")
            if name in {"Rational", "Integer"} and any(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args
            ):
                found.append(f"{name} of a string at line {node.lineno}")
        elif isinstance(node, ast.ImportFrom) and (
            "parsing" in (node.module or "")
            or any(alias.name in FORBIDDEN_CALLS for alias in node.names)
        ):
            found.append(f"import from {node.module} at line {node.lineno}")
        elif isinstance(node, ast.Import) and any("parsing" in a.name for a in node.names):
            found.append(f"import at line {node.lineno}")
    return found


def test_parse_module_uses_no_string_evaluating_api() -> None:
    assert forbidden_uses(PARSE_SOURCE) == []
    # ast.parse is the one parser allowed, and it is actually used
    assert "ast.parse(" in PARSE_SOURCE


@pytest.mark.parametrize(
    "snippet",
    [
        "sympy.sympify(text)",
        "eval(text)",
        "exec(text)",
        "S(text)",
        "compile(t, 'f', 'eval')",
        "sympy.Rational('1/3')",
        "builtins.compile(t, 'f', 'exec')",
        "builtins.__import__('os')",
        "from sympy.parsing.sympy_parser import parse_expr",
        "from sympy import sympify",
        "import sympy.parsing",
    ],
)
def test_the_source_check_would_catch_a_violation(snippet: str) -> None:
    assert forbidden_uses(snippet) != []


def test_comments_are_refused():
    x = sympy.Symbol("x", real=True)
    with pytest.raises(ParseError, match="'#' at column 6: comments are not allowed"):
        parse_expression("x**2 # hidden", {"x": x})
