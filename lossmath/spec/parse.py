"""Safe parsing of untrusted text into sympy expressions.

Loss definitions arrive as text (TOML files, command-line options) that must not
be trusted.  ``sympy.sympify`` and ``sympy.parsing.sympy_parser.parse_expr`` both
end in Python's ``eval``, so text such as ``__import__('os').system(...)`` would
run; and even harmless-looking arithmetic such as ``9**9**9**9`` hangs, because
sympy evaluates numbers eagerly.  This module parses with
``ast.parse(text, mode="eval")`` -- which only builds a syntax tree and runs
nothing -- then walks the tree with a whitelist and builds sympy objects directly.

Grammar (a restricted subset of Python expression syntax)::

    condition := "otherwise" | "True"                 (only as the whole text)
               | value CMP value [CMP value ...]       (a chain means "and")
               | condition "and" condition | condition "or" condition
               | "not" condition
    value     := NUMBER | NAME | CONSTANT | "(" value ")"
               | value ("+" | "-" | "*" | "/" | "**") value | ("-" | "+") value
               | FUNCTION "(" value ["," value ...] ")"
               | value "if" condition "else" value     (flattened to one Piecewise)
    CMP       := "<" | "<=" | ">" | ">=" | "==" | "!="

NUMBER is an int or decimal literal; decimals become exact rationals (``0.1`` is
1/10, never a Float).  NAME is one of the caller's declared names; FUNCTION and
CONSTANT come from :data:`FUNCTIONS` and :data:`CONSTANTS`.  Any other syntax
(attributes, subscripts, strings, lambdas, comprehensions, keyword arguments,
``//``, ``%``, bit operators, ...) raises :class:`ParseError` naming the token
and its 1-based column.  Only printable ASCII on one line is accepted, so
columns are character offsets and identifiers are not NFKC-normalised.  A value
inside a comparison may not contain an if-else: sympy would try to solve it.

Limits make hostile input cheap to reject.  On the text: :data:`MAX_LENGTH`
characters, :data:`MAX_DEPTH` nested brackets, :data:`MAX_AST_DEPTH` tree
levels, :data:`MAX_NODES` nodes, :data:`MAX_ARGS` operands per call, and/or,
comparison chain or if-else chain, literals of :data:`MAX_DIGITS` digits.  On
the numbers, checked *before* sympy evaluates a power: numeric exponents with
numerator and denominator at most :data:`MAX_EXPONENT` (and so every constant
in a symbolic exponent), integer powers of at most :data:`MAX_POWER_BITS` bits,
roots of numbers of at most :data:`MAX_ROOT_BITS` bits.  After each step: no rational with more than
:data:`MAX_BITS` bits, no symbol-free subexpression (estimated with mpmath) beyond
``2**MAX_BITS`` or ``2**-MAX_BITS`` in magnitude, and the whole parse within
:data:`MAX_WORK` function calls (counted, so a slow machine refuses nothing a fast one accepts).
"""

from __future__ import annotations

import ast
import difflib
import keyword
import re
import warnings
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, NoReturn

import sympy
from sympy.logic.boolalg import Boolean

from lossmath.base import budget
from lossmath.base.limits import (  # the bounds on input, shared with Loss.subs
    MAX_ARGS,
    MAX_AST_DEPTH,
    MAX_BITS,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    MAX_POWER_BITS,
    MAX_ROOT_BITS,
)
from lossmath.spec.sizes import Reject, check_power, check_sizes, safe_exp, safe_sqrt, short

#: The limits are :mod:`lossmath.base.limits`' and the size checks :mod:`lossmath.spec.sizes`';
#: the limits stay importable from here, where the docstring above names them.
__all__ = [
    "CONSTANTS", "FUNCTIONS", "MAX_ARGS", "MAX_AST_DEPTH", "MAX_BITS", "MAX_DEPTH",
    "MAX_DIGITS", "MAX_EXPONENT", "MAX_LENGTH", "MAX_NODES", "MAX_POWER_BITS", "MAX_ROOT_BITS",
    "MAX_WORK", "ParseError", "parse_condition", "parse_expression",
]

MAX_WORK = 400_000  # calls, enforced by _run_with_deadline: the costs the limits above miss


class ParseError(ValueError):
    """Untrusted text could not be turned into an expression.

    Attributes
    ----------
    text : str
        The input text.
    position : int or None
        0-based character offset of the offending token, or None when the
        problem has no single place (e.g. the text is too long).
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.text = text
        self.position = position


def _run_with_deadline(function: Callable[[], Any], walker: _Walker) -> Any:
    """Return ``function()`` within the parse's work share (:data:`MAX_WORK` calls,
    counted by :func:`lossmath.base.budget.work_limit`; its end is raised as
    :data:`budget.WorkSpent`).

    sympy's automatic evaluation has super-linear paths no whitelist can foresee
    (assumption queries expanding real and imaginary parts, factoring, ...), so the
    size limits are backed by a count of the work.  Under a profiler or debugger that
    already uses the profile hook nothing is counted.
    """
    with budget.work_limit(MAX_WORK) as walker.work:
        return function()


# name -> (implementation, minimum arity, maximum arity).  One place to extend.
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int]] = {
    "abs": (sympy.Abs, 1, 1),
    "sign": (sympy.sign, 1, 1),
    "sqrt": (safe_sqrt, 1, 1),
    "exp": (safe_exp, 1, 1),
    "log": (sympy.log, 1, 1),
    "log1p": (lambda u: sympy.log(1 + u), 1, 1),
    "expm1": (lambda u: safe_exp(u) - 1, 1, 1),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "asinh": (sympy.asinh, 1, 1),
    "acosh": (sympy.acosh, 1, 1),
    "atanh": (sympy.atanh, 1, 1),
    "erf": (sympy.erf, 1, 1),
    "erfc": (sympy.erfc, 1, 1),
    "log2": (lambda u: sympy.log(u, 2), 1, 1),
    "log10": (lambda u: sympy.log(u, 10), 1, 1),
    "min": (sympy.Min, 2, MAX_ARGS),
    "max": (sympy.Max, 2, MAX_ARGS),
}
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}
#: Other libraries' spellings of our functions (numpy, sympy, C, the textbooks), for the
#: "did you mean" of an unknown name; close misspellings are found by difflib.
SPELLINGS: dict[str, str] = {
    "ln": "log", "fabs": "abs", "Abs": "abs", "absolute": "abs", "arcsin": "asin",
    "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "Max": "max", "Min": "min", "maximum": "max", "minimum": "min", "signum": "sign",
    "sgn": "sign", "Heaviside": "(1 + sign(x))/2", "pow": "**", "power": "**",
    "E": "e", "PI": "pi", "Pi": "pi",
}

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&",
           ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>"}
_ARITHMETIC: dict[str, Callable[[Any, Any], sympy.Expr]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": sympy.Pow}
_COMPARE = {ast.Lt: ("<", sympy.Lt), ast.LtE: ("<=", sympy.Le), ast.Gt: (">", sympy.Gt),
            ast.GtE: (">=", sympy.Ge), ast.Eq: ("==", sympy.Eq), ast.NotEq: ("!=", sympy.Ne),
            ast.Is: ("is", None), ast.IsNot: ("is not", None), ast.In: ("in", None),
            ast.NotIn: ("not in", None)}
_KINDS = {"Attribute": "attribute access", "Subscript": "subscript", "Slice": "slice",
          "Lambda": "lambda", "ListComp": "list comprehension", "SetComp": "set comprehension",
          "DictComp": "dict comprehension", "GeneratorExp": "generator expression",
          "JoinedStr": "f-string", "Starred": "starred expression",
          "NamedExpr": "assignment expression", "Await": "await", "Yield": "yield",
          "YieldFrom": "yield", "List": "list display", "Tuple": "tuple",
          "Set": "set display", "Dict": "dict display", "Call": "call"}
_UNCOUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_DECIMAL = re.compile(r"(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")

def _too_slow() -> str:
    return f"took more than {MAX_WORK:,} function calls to evaluate"


_KEYWORDS_BEFORE_OPERAND = ("if", "else", "and", "or", "not")


def _bars(source: str) -> tuple[str, list[int]]:
    """``|u|`` as ``abs(u)``, as the papers (and the Q&A that started lossmath) write it.

    Returns the rewritten source and, for each of its characters (and its end), the index
    of the character of ``source`` it came from, so that errors keep the user's columns.
    A bar closes the innermost open bar when it follows an operand (a name, a number, a
    closing bracket or bar) that is not a keyword (``if |x| < 1``); otherwise it opens one.
    Unpaired bars leave the source as it was, for the walker to refuse with a hint.
    """
    if "|" not in source:
        return source, list(range(len(source) + 1))
    out: list[str] = []
    origin: list[int] = []
    depth = 0
    for i, char in enumerate(source):
        if char != "|":
            out.append(char)
            origin.append(i)
            continue
        before = "".join(out).rstrip()
        word = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", before)
        operand = bool(before) and (before[-1].isalnum() or before[-1] in "_.)") and not (
            word and word.group(0) in _KEYWORDS_BEFORE_OPERAND)
        if depth and operand:
            depth -= 1
            out.append(")")
            origin.append(i)
        else:
            depth += 1
            out.extend("abs(")
            origin.extend([i] * 4)
    if depth:
        return source, list(range(len(source) + 1))
    origin.append(len(source))
    return "".join(out), origin


def _suggest(name: str, known: list[str]) -> str:
    """``; did you mean 'abs'?`` for a known other spelling or a close misspelling."""
    if name in SPELLINGS:
        return f"; did you mean {SPELLINGS[name]!r}?"
    folded = {k.lower(): k for k in known}
    if name.lower() in folded:
        return f"; did you mean {folded[name.lower()]!r}?"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


#: How to declare a parameter, for an unknown name that is not a misspelling.
DECLARE_HINT = ("; to use a parameter, declare it: with --expr, --declare 'NAME>0=1' "
                "(positive, default 1); in a SPEC.toml, under [params] (see "
                "lossmath/examples/)")


class _Walker:
    """Builds sympy objects from a whitelisted syntax tree (one per parse)."""

    def __init__(self, text: str, lead: int, names: Mapping[str, sympy.Symbol], what: str):
        self.text, self.lead, self.names, self.what = text, lead, names, what
        # What ast.parse sees (|u| written abs(u)); node offsets index into it, and
        # origin maps them back to the user's text.
        self.source, self.origin = _bars(text[lead:])
        self.seen: set[sympy.Basic] = set()  # subtrees already size-checked
        self.values: dict[sympy.Basic, Any] = {}  # memo for check_sizes
        # CPU time of this thread, so a busy machine does not reject good input
        self.work: object | None = None  # the parse's work share (budget.work_limit)

    def fail(self, message: str, position: int | None) -> NoReturn:
        # "from None": the message says it all; no internal exception chain to show
        raise ParseError(f"{self.what}: {message}", self.text, position) from None

    def pos(self, node: ast.AST) -> int:
        return self.lead + self.origin[min(node.col_offset, len(self.origin) - 1)]

    def where(self, node: ast.AST) -> str:
        end = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        start = self.origin[min(node.col_offset, len(self.origin) - 1)]
        stop = self.origin[min(end, len(self.origin) - 1)]
        snippet = self.text[self.lead + start:self.lead + stop]
        return f"{short(snippet)!r} at column {self.pos(node) + 1}"

    def too_many(self, count: int, kind: str, node: ast.AST) -> None:
        if count > MAX_ARGS:
            self.fail(f"{count} {kind} in {self.where(node)} (limit {MAX_ARGS})", self.pos(node))

    def build(self, node: ast.AST) -> sympy.Basic:
        handler = getattr(self, "do_" + type(node).__name__, None)
        if handler is None:
            kind = _KINDS.get(type(node).__name__, type(node).__name__)
            self.fail(f"{kind} {self.where(node)} is not allowed", self.pos(node))
        try:
            result = handler(node)
            check_sizes(result, self.seen, self.values)
        except ParseError:
            raise
        except Reject as exc:
            self.fail(f"{self.where(node)}: {exc}", self.pos(node))
        except Exception as exc:  # whatever sympy raises, the caller gets a ParseError
            # e.g. sympy refusing to compare non-real numbers, or tripping over its own
            # bugs (atan(tan(sinh(999))) raises AttributeError); keep it to one line
            reason = short(" ".join(str(exc).split()) or type(exc).__name__, 100)
            self.fail(f"cannot evaluate {self.where(node)}: {reason}", self.pos(node))
        except budget.WorkSpent as exc:
            if not budget.spent(exc, self.work):
                raise
            # An interrupted assumption query leaves None ("unknown") in the objects'
            # assumption caches; drop sympy's cache so later parses do not reuse them.
            sympy.core.cache.clear_cache()
            self.fail(f"{self.where(node)}: {_too_slow()}", self.pos(node))
        if budget.over(self.work):  # in case sympy swallowed the end of the share
            self.fail(f"{self.where(node)}: {_too_slow()}", self.pos(node))
        return result

    def value(self, node: ast.AST) -> sympy.Expr:
        result = self.build(node)
        if not isinstance(result, sympy.Expr):
            got = "a comparison" if isinstance(node, ast.Compare) else "a condition"
            self.fail(f"expected a value, got {got} at column {self.pos(node) + 1}",
                      self.pos(node))
        return result

    def condition(self, node: ast.AST) -> Boolean:
        result = self.build(node)
        # sympy Symbols are Booleans too, so "not an Expr" is the real test
        if isinstance(result, sympy.Expr) or not isinstance(result, Boolean):
            self.fail(f"expected a condition such as 'x < 1', got a value {self.where(node)}",
                      self.pos(node))
        return result

    def operator_at(self, left: ast.AST, right: ast.AST, symbol: str) -> int:
        found = self.source.find(symbol, left.end_col_offset, right.col_offset)
        at = found if found >= 0 else left.end_col_offset
        return self.lead + self.origin[min(at, len(self.origin) - 1)]

    def do_Constant(self, node: ast.Constant) -> sympy.Expr:
        value, column = node.value, self.pos(node) + 1
        if isinstance(value, bool):
            self.fail(f"{value} at column {column} is only allowed as a whole condition",
                      self.pos(node))
        if isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                self.fail(f"integer at column {column} has more than {MAX_DIGITS} digits",
                          self.pos(node))
            return sympy.Integer(value)
        if isinstance(value, float):
            return self.decimal(node)
        kind = {complex: "complex number", str: "string", bytes: "bytes"}.get(type(value))
        self.fail(f"{kind or 'constant'} {self.where(node)} is not allowed", self.pos(node))

    def decimal(self, node: ast.Constant) -> sympy.Rational:
        # Exact value from the literal's own text; the float is already rounded.
        text = self.source[node.col_offset:node.end_col_offset].replace("_", "")
        match = _DECIMAL.fullmatch(text)
        too_long = f"number {self.where(node)} needs more than {MAX_DIGITS} digits"
        if match is None:  # pragma: no cover - ast produces no other float syntax
            self.fail(f"unsupported number {self.where(node)}", self.pos(node))
        shift = int(match["exp"] or "0") - len(match["frac"] or "")
        if abs(shift) > 2 * MAX_LENGTH:  # keeps 10**shift cheap, e.g. for 1e99999999
            self.fail(too_long, self.pos(node))
        digits = int((match["int"] or "") + (match["frac"] or "") or "0")
        exact = Fraction(digits * 10 ** max(shift, 0), 10 ** max(-shift, 0))
        if max(abs(exact.numerator), exact.denominator) >= 10**MAX_DIGITS:
            self.fail(too_long, self.pos(node))
        return sympy.Rational(exact.numerator, exact.denominator)

    def do_Name(self, node: ast.Name) -> sympy.Expr:
        if node.id in self.names:
            return self.names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        column = self.pos(node) + 1
        if node.id in FUNCTIONS:
            self.fail(f"function {node.id!r} at column {column} must be called, e.g. "
                      f"{node.id}(x)", self.pos(node))
        allowed = ", ".join([*self.names, *CONSTANTS])
        hint = _suggest(node.id, [*self.names, *CONSTANTS, *FUNCTIONS]) or DECLARE_HINT
        self.fail(f"unknown name {node.id!r} at column {column} (allowed: {allowed})"
                  + hint, self.pos(node))

    def do_BinOp(self, node: ast.BinOp) -> sympy.Expr:
        symbol = _BINARY.get(type(node.op), type(node.op).__name__)
        if symbol not in _ARITHMETIC:
            hint = {"^": " (use ** for powers)",
                    "|": " (write |u| with the bars in pairs, or abs(u))"}.get(symbol, "")
            at = self.operator_at(node.left, node.right, symbol)
            self.fail(f"operator {symbol!r} at column {at + 1} is not allowed{hint}", at)
        left, right = self.value(node.left), self.value(node.right)
        if symbol == "**":
            check_power(left, right)  # before sympy evaluates 9**(9**9)
        return _ARITHMETIC[symbol](left, right)

    def do_UnaryOp(self, node: ast.UnaryOp) -> sympy.Basic:
        if isinstance(node.op, ast.Not):
            return sympy.Not(self.condition(node.operand))
        if isinstance(node.op, ast.USub):
            return -self.value(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.value(node.operand)
        self.fail(f"operator '~' at column {self.pos(node) + 1} is not allowed", self.pos(node))

    def do_Compare(self, node: ast.Compare) -> Boolean:
        self.too_many(len(node.ops), "comparisons", node)
        operands = [node.left, *node.comparators]
        functions = []
        for op, left, right in zip(node.ops, operands[:-1], operands[1:], strict=True):
            symbol, function = _COMPARE[type(op)]
            if function is None:
                at = self.operator_at(left, right, symbol.split()[0])
                self.fail(f"comparison {symbol!r} at column {at + 1} is not allowed", at)
            functions.append(function)
        values = [self.value(operand) for operand in operands]  # each built once
        for operand, value in zip(operands, values, strict=True):
            if value.has(sympy.Piecewise):  # sympy would try to solve it: unbounded time
                self.fail(f"if-else inside a comparison, {self.where(operand)}, is not "
                          "supported", self.pos(operand))
        # a < b < c means (a < b) and (b < c), as in Python
        relations = [f(a, b) for f, a, b in zip(functions, values[:-1], values[1:], strict=True)]
        return relations[0] if len(relations) == 1 else sympy.And(*relations)

    def do_BoolOp(self, node: ast.BoolOp) -> Boolean:
        self.too_many(len(node.values), "operands", node)
        combine = sympy.And if isinstance(node.op, ast.And) else sympy.Or
        return combine(*[self.condition(operand) for operand in node.values])

    def do_IfExp(self, node: ast.IfExp) -> sympy.Expr:
        # "a if c1 else b if c2 else d" nests in the else branch; flatten it into one
        # Piecewise rather than a Piecewise inside a Piecewise.
        chain: list[ast.IfExp] = [node]
        while isinstance(chain[-1].orelse, ast.IfExp):
            chain.append(chain[-1].orelse)
        self.too_many(len(chain) + 1, "pieces", node)
        pieces = [(self.value(n.body), self.condition(n.test)) for n in chain]
        return sympy.Piecewise(*pieces, (self.value(chain[-1].orelse), sympy.true))

    def do_Call(self, node: ast.Call) -> sympy.Expr:
        func, functions = node.func, ", ".join(FUNCTIONS)
        if not isinstance(func, ast.Name):
            kind = _KINDS.get(type(func).__name__, type(func).__name__)
            self.fail(f"cannot call {kind} {self.where(func)}; only the functions "
                      f"{functions} can be called", self.pos(func))
        column = self.pos(func) + 1
        if func.id not in FUNCTIONS:
            kind = "variable" if func.id in self.names or func.id in CONSTANTS else "function"
            hint = "" if kind == "variable" else _suggest(func.id, list(FUNCTIONS))
            self.fail(f"unknown {kind} {func.id!r} called at column {column} "
                      f"(allowed functions: {functions})" + hint, self.pos(func))
        if node.keywords:
            self.fail(f"keyword argument {self.where(node.keywords[0])} is not allowed",
                      self.pos(node.keywords[0]))
        implementation, low, high = FUNCTIONS[func.id]
        if not low <= len(node.args) <= high:
            expected = f"exactly {low}" if low == high else f"{low} to {high}"
            self.fail(f"{func.id}() at column {column} takes {expected} argument"
                      f"{'' if high == 1 else 's'}, got {len(node.args)}", self.pos(func))
        return implementation(*[self.value(argument) for argument in node.args])


def _prepare(text: str, names: Mapping[str, sympy.Symbol], what: str) -> int:
    """Check what can be checked on the raw text; return the count of leading spaces."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"{what} is {len(text)} characters long; the limit is {MAX_LENGTH}",
                         text)
    for key, symbol in names.items():
        if key in FUNCTIONS or key in CONSTANTS:
            raise ParseError(f"{what}: declared name {key!r} collides with a built-in "
                             "function or constant", text)
        if not (key.isascii() and key.isidentifier()) or keyword.iskeyword(key):
            raise ParseError(f"{what}: declared name {key!r} is not a valid identifier", text)
        if not isinstance(symbol, sympy.Symbol):
            raise TypeError(f"name {key!r} must map to a sympy Symbol, not {symbol!r}")
    depth = 0
    for index, char in enumerate(text):
        # Control characters include newline and NUL; non-ASCII would be NFKC-normalised
        # by Python (a fullwidth x becomes x) and skew the columns.
        if not " " <= char <= "~":
            raise ParseError(f"{what}: character {char!r} at column {index + 1} is not "
                             "allowed (only printable ASCII on one line)", text, index)
        if char == "#":  # strings are refused anyway, so '#' can only start a comment,
            # which Python would silently drop: text the user believes is part of the loss
            raise ParseError(f"{what}: '#' at column {index + 1}: comments are not allowed",
                             text, index)
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:  # CPython's parser is slow or fails on deep nesting
                raise ParseError(f"{what}: brackets nested more than {MAX_DEPTH} deep at "
                                 f"column {index + 1}", text, index)
        elif char in ")]}":
            depth = max(depth - 1, 0)
    if not text.strip():
        raise ParseError(f"{what} is empty", text)
    return len(text) - len(text.lstrip(" "))  # ast.parse rejects leading spaces


def _parse(text: str, names: Mapping[str, sympy.Symbol], what: str, want: str) -> sympy.Basic:
    lead = _prepare(text, names, what)
    if want == "condition" and text.strip() in ("otherwise", "True"):
        return sympy.true
    walker = _Walker(text, lead, names, what)
    try:
        with warnings.catch_warnings():
            # "1if x" warns; under pytest -W error a warning would escape as SyntaxError
            warnings.simplefilter("ignore")
            tree = ast.parse(walker.source, mode="eval")
    except SyntaxError as exc:  # offset 0 or None means the end of the input
        offset = exc.offset if exc.offset and exc.offset > 0 else len(walker.source) + 1
        at = walker.origin[min(offset - 1, len(walker.origin) - 1)]
        position = min(lead + at, len(text))
        hint = (" (write |u| with the bars in pairs, or abs(u))"
                if "|" in walker.source else "")
        walker.fail(f"syntax error at column {position + 1}: {exc.msg}{hint}", position)
    except (RecursionError, MemoryError, ValueError):
        walker.fail("too deeply nested for Python's parser", None)
    count, stack = 0, [(tree.body, 1)]
    while stack:  # iterative, so a deep tree cannot exhaust the stack here
        node, depth = stack.pop()
        if isinstance(node, _UNCOUNTED):
            continue
        count += 1
        if count > MAX_NODES:
            walker.fail(f"more than {MAX_NODES} syntax elements", None)
        if depth > MAX_AST_DEPTH:
            at = walker.pos(node) if hasattr(node, "col_offset") else None  # not all have
            where = "" if at is None else f" at column {at + 1}"
            walker.fail(f"nested more than {MAX_AST_DEPTH} levels deep{where}", at)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    build = walker.value if want == "value" else walker.condition
    try:
        return _run_with_deadline(lambda: build(tree.body), walker)
    except budget.WorkSpent as exc:  # fired outside any node, e.g. while returning
        if not budget.spent(exc, walker.work):
            raise
        sympy.core.cache.clear_cache()
        walker.fail(_too_slow(), None)
    except (RecursionError, MemoryError):
        walker.fail("too large or too deeply nested to evaluate", None)


def parse_expression(text: str, names: Mapping[str, sympy.Symbol], *,
                     what: str = "expression") -> sympy.Basic:
    """Parse untrusted ``text`` into a numeric-valued sympy expression.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"0.5*x**2 if abs(x) < 1 else abs(x) - 0.5"``.
    names : Mapping[str, sympy.Symbol]
        The identifiers the text may use and the symbols they stand for.  Names
        of functions or constants (``abs``, ``pi``, ``e``) cannot be declared.
    what : str, optional
        What the text is, for error messages (e.g. ``"piece 2 expr"``).

    Returns
    -------
    sympy.Basic
        A sympy ``Expr``; never a comparison or other boolean.

    Raises
    ------
    ParseError
        If the text is not in the grammar or exceeds a limit.
    """
    return _parse(text, names, what, "value")


def parse_condition(
    text: str, names: Mapping[str, sympy.Symbol], *, what: str = "condition"
) -> Boolean:
    """Parse untrusted ``text`` into a sympy boolean (relational, And, Or, Not).

    Parameters
    ----------
    text : str
        The condition, e.g. ``"-beta < x < beta"``; the whole text ``"otherwise"``
        or ``"True"`` means always.
    names : Mapping[str, sympy.Symbol]
        The identifiers the text may use, as for :func:`parse_expression`.
    what : str
        Where the text came from, for error messages (e.g. ``"pieces[2].when"``).

    Returns
    -------
    sympy.logic.boolalg.Boolean
        ``sympy.true`` or ``sympy.false`` when sympy can decide the condition.

    Raises
    ------
    ParseError
        If the text is not a condition in the grammar or exceeds a limit.
    """
    return _parse(text, names, what, "condition")
