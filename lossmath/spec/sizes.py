"""Size checks on the numbers of untrusted text, made before and after sympy evaluates them.

sympy evaluates numbers eagerly (``9**9**9**9`` hangs, ``2**(x - 2**64)`` builds a polynomial
of degree ``2**64``), so :mod:`lossmath.spec.parse` checks every power before it is built
(:func:`check_power`, :func:`check_exponent`) and every freshly built subexpression after
(:func:`check_sizes`: rationals, exponents, widths and, estimated with mpmath, magnitudes).
A failed check raises :class:`Reject`, which the parser turns into a ``ParseError`` naming
the offending text. The bounds are :mod:`lossmath.base.limits`'.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import sympy
from sympy.functions.elementary.miscellaneous import MinMaxBase
from sympy.logic.boolalg import BooleanFunction

from lossmath.base.limits import MAX_ARGS, MAX_BITS, MAX_EXPONENT, MAX_POWER_BITS, MAX_ROOT_BITS

__all__ = [
    "Reject", "approximate", "bits", "check_exponent", "check_power", "check_sizes",
    "safe_exp", "safe_sqrt", "short",
]


class Reject(Exception):
    """A size check failed; the walker adds the offending snippet and column."""


def bits(number: sympy.Rational) -> float:
    """About how many bits the numerator and denominator of ``number`` take together."""
    return math.log2(max(abs(int(number.p)), 1)) + math.log2(int(number.q))


def check_exponent(exponent: sympy.Expr) -> None:
    """Bound the constants in a symbolic exponent or an ``exp`` argument.

    sympy's assumption and polynomial code splits ``b**(x - c)`` into ``b**x*b**-c``
    and builds polynomials of degree ``c`` (``c = 2**64`` hangs it); and it rewrites
    ``exp(c*log(b))`` and ``a**(c*log(b)/log(a))`` to ``b**c`` behind
    :func:`check_power`'s back, so there the constants' product is bounded too.
    """
    product = 1
    for node in sympy.preorder_traversal(exponent):
        if node.is_Rational:
            size = max(abs(int(node.p)), int(node.q))
            if size > MAX_EXPONENT:
                raise Reject(f"constant {short(node)} in an exponent is too large "
                             f"(numerator and denominator must be at most {MAX_EXPONENT})")
            product *= size
    if product > MAX_EXPONENT and exponent.has(sympy.log):
        raise Reject(f"constants in an exponent containing log multiply to more than "
                     f"{MAX_EXPONENT}")


def check_power(base: sympy.Expr, exponent: sympy.Expr) -> None:
    """Refuse a power sympy would spend unbounded time or memory evaluating."""
    if not exponent.is_Number:
        return check_exponent(exponent)
    if not exponent.is_Rational:
        raise Reject(f"exponent {short(exponent)} is not an exact number")
    p, q = abs(int(exponent.p)), int(exponent.q)
    if p > MAX_EXPONENT or q > MAX_EXPONENT:
        raise Reject(f"exponent {short(exponent)} is too large (numerator and denominator "
                     f"must be at most {MAX_EXPONENT})")
    # Numbers in the base are raised too ((A*x)**n -> A**n*x**n); exponents in the
    # base are only multiplied ((x**a)**n -> x**(a*n)), which check_sizes bounds.
    size, stack = 0.0, [base]
    while stack:
        node = stack.pop()
        size = max(size, bits(node)) if node.is_Rational else size
        stack.extend([node.base] if node.is_Pow else node.args)
    if size * p / q > MAX_POWER_BITS:
        raise Reject(f"the power would have about {size * p / q:.0f} bits "
                     f"(limit {MAX_POWER_BITS})")
    if q > 1 and size > MAX_ROOT_BITS:
        raise Reject(f"root of a number of about {size:.0f} bits (limit {MAX_ROOT_BITS})")


def safe_exp(u: sympy.Expr) -> sympy.Expr:
    check_exponent(u)
    return sympy.exp(u)


def safe_sqrt(u: sympy.Expr) -> sympy.Expr:
    check_power(u, sympy.S.Half)
    return sympy.sqrt(u)


_UNDEFINED = frozenset({sympy.nan, sympy.zoo, sympy.oo, -sympy.oo})
_WIDE = (BooleanFunction, MinMaxBase, sympy.Piecewise)
# Private mpmath context (the global mpmath.mp belongs to everyone) for estimating
# the magnitude of symbol-free subexpressions before sympy evaluates them.
_MP = mpmath.MPContext()
_MP.prec = 53
_MP_CONSTANTS = {sympy.pi: _MP.pi, sympy.E: _MP.e, sympy.I: _MP.mpc(0, 1)}
_MP_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sympy.exp: _MP.exp, sympy.log: _MP.log, sympy.sin: _MP.sin, sympy.cos: _MP.cos,
    sympy.tan: _MP.tan, sympy.atan: _MP.atan, sympy.sinh: _MP.sinh, sympy.cosh: _MP.cosh,
    sympy.tanh: _MP.tanh, sympy.Abs: abs, sympy.sign: _MP.sign, sympy.re: _MP.re,
    sympy.im: _MP.im, sympy.Min: min, sympy.Max: max, sympy.asinh: _MP.asinh,
    sympy.acosh: _MP.acosh, sympy.atanh: _MP.atanh, sympy.erf: _MP.erf,
    sympy.erfc: _MP.erfc}


def approximate(node: sympy.Basic, memo: dict[sympy.Basic, Any]) -> Any:
    """Value of a symbol-free expression at double precision; None if it has symbols."""
    if node in memo:
        return memo[node]
    if node.is_Rational:
        value = _MP.mpf(int(node.p)) / int(node.q)
    elif node in _MP_CONSTANTS:
        value = _MP_CONSTANTS[node]
    elif not isinstance(node, sympy.Expr) or node.is_Symbol:
        value = None
    else:
        args = [approximate(arg, memo) for arg in node.args]
        if any(arg is None for arg in args):
            value = None
        elif node.is_Add:
            value = _MP.fsum(args)
        elif node.is_Mul:
            value = _MP.fprod(args)
        elif node.is_Pow:  # power() multiplies out a huge integral exponent for seconds
            base, exponent = args
            value = (_MP.power(base, exponent) if node.exp.is_Rational
                     else _MP.exp(exponent * _MP.log(base)))
        elif type(node) in _MP_FUNCTIONS:
            value = _MP_FUNCTIONS[type(node)](*args)
        else:  # a new sympy rewrite; refuse rather than let sympy evaluate it blind
            raise Reject(f"cannot check the size of {type(node).__name__}")
    memo[node] = value
    return value


def short(value: object, limit: int = 40) -> str:
    """``value`` as text of at most ``limit`` characters, for a message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_sizes(
    expr: sympy.Basic, seen: set[sympy.Basic], values: dict[sympy.Basic, Any]
) -> None:
    """Reject undefined, oversized or overly wide parts of a freshly built ``expr``.

    ``seen`` holds the subtrees already checked (only new nodes cost time) and ``values``
    memoises :func:`approximate`; a parse keeps one of each.
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        if node in seen:  # built from checked parts: only new nodes cost time
            continue
        seen.add(node)
        if node in _UNDEFINED:
            raise Reject("the value is undefined or infinite (division by zero?)")
        if node.is_Rational and bits(node) > MAX_BITS:
            raise Reject(f"a number of about {bits(node):.0f} bits is too large")
        if node.is_Pow and node.exp.is_Rational:
            if max(abs(int(node.exp.p)), int(node.exp.q)) > MAX_EXPONENT:
                raise Reject(f"exponent {short(node.exp)} is too large")
            if node.base.is_Rational and bits(node.base) > MAX_ROOT_BITS:
                raise Reject(f"root of a number of about {bits(node.base):.0f} bits")
        elif node.is_Pow or isinstance(node, sympy.exp):  # 10*(x - 999) is 10*x - 9990
            check_exponent(node.exp)
        if isinstance(node, _WIDE) and len(node.args) > MAX_ARGS:
            # e.g. min(min(a, b), c) flattened; caught before it can grow further
            raise Reject(f"{type(node).__name__} of {len(node.args)} terms is too wide "
                         f"(limit {MAX_ARGS})")
        value = approximate(node, values)
        if value is not None and (not _MP.isfinite(value) or (
                value != 0 and abs(_MP.mag(value)) > MAX_BITS)):
            raise Reject(f"a value beyond 2**{MAX_BITS} or 2**-{MAX_BITS} in magnitude")
        stack.extend(node.args)
