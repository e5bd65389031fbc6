"""The scalar printer: parameter-only expressions as Python-float code, hoisted as constants.

Every target computes a loss's parameter-only subexpressions (``beta/2``, ``1/delta**2``)
once per call, in double precision, from the parameters as Python floats, and passes them to
the array code as Python floats (weak scalars, NEP 50: float32 stays float32).
:func:`scalar_code` prints one such expression with the functions of a module (``np`` in the
numpy and numba modules, ``_m`` in the array modules: ``math`` returning inf/NaN instead of
raising); :class:`Constants` hoists them (``c0 = ...``) in the style of a target
(:class:`Style`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import hypot
from sympy.functions.elementary.miscellaneous import MinMaxBase

from lossmath.base.symbols import x
from lossmath.emit import docs
from lossmath.emit.lower import ELEMENTWISE, exponent_split, unsupported
from lossmath.emit.plan import float_literal
from lossmath.numerics.params import may_leave_the_range
from lossmath.numerics.regimes import DtypeBound
from lossmath.numerics.rewrite import stabilise

__all__ = ["ARRAYS", "NUMPY", "Constants", "Style", "literal", "scalar_code"]


def literal(value: sp.Expr, module: str = "np") -> str:
    """A number as Python source: ``repr`` of the nearest double (``np.nan``/``np.inf``)."""
    value = sp.sympify(value)
    if value is sp.nan or value.has(sp.nan):
        return f"{module}.nan"
    if value == sp.oo:
        return f"{module}.inf"
    if value == -sp.oo:
        return f"-{module}.inf"
    return float_literal(value)


def _pow2(q: int) -> bool:
    return q > 0 and q & (q - 1) == 0


def scalar_code(e: sp.Expr, module: str = "np") -> str:
    """Source for a parameter-only expression, evaluated in double precision.

    Only ``+ - * /`` of Python floats and ``module``'s functions appear, so nothing raises
    (Python's ``**`` raises OverflowError, ``math.exp`` too, ``/`` only by a provable
    nonzero); each call is wrapped in ``float()`` so that the result stays a weak scalar in
    array arithmetic.
    """
    return _Printer(module).code(e)


class _Printer:
    def __init__(self, module: str):
        self.m = module
        # float() of numpy scalars; the array modules' _m.float (a target whose parameters
        # may be arrays, JAX, makes it the identity on them)
        self.f = "float" if module == "np" else f"{module}.float"

    def atom(self, e: sp.Expr) -> str:
        code = self.code(e)
        return code if (e.is_Atom and not (e.is_number and e < 0)) or e.is_Function else (
            f"({code})")

    def code(self, e: sp.Expr) -> str:
        m = self.m
        if e.is_number:
            return literal(e, m)
        if e.is_Symbol:
            return e.name
        if e.is_Add:
            return self._add(e)
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            base, exp = e.as_base_exp()
            if exp == 2:
                b = self.atom(base)
                return f"{b} * {b}"
            if exp == -1:
                return f"1.0 / {self.atom(base)}" if base.is_zero is False else (
                    f"{self.f}({m}.divide(1.0, {self.code(base)}))"
                )
            if exp == sp.S.Half:
                return f"{self.f}({m}.sqrt({self.code(base)}))"
            split = exponent_split(exp)
            if split is not None:  # b**(21/10) as b**hi * b**lo, as in the array code
                b = self.code(base)
                return (f"{self.f}({m}.power({b}, {literal(split[0])}) * "
                        f"{m}.power({b}, {literal(split[1])}))")
            return f"{self.f}({m}.power({self.code(base)}, {self.code(exp)}))"
        if isinstance(e, MinMaxBase):
            name = f"{m}.maximum" if isinstance(e, sp.Max) else f"{m}.minimum"
            args = [self.code(a) for a in e.args]
            code = args[0]
            for a in args[1:]:
                code = f"{name}({code}, {a})"
            return f"{self.f}({code})"
        if isinstance(e, hypot):
            return f"{self.f}({m}.hypot({self.code(e.args[0])}, {self.code(e.args[1])}))"
        if type(e) in ELEMENTWISE:
            return f"{self.f}({m}.{ELEMENTWISE[type(e)]}({self.code(e.args[0])}))"
        raise unsupported(e)

    def _add(self, e: sp.Expr) -> str:
        first, *rest = sp.Add.make_args(e)
        code = self.code(first)
        for t in rest:
            if t.could_extract_minus_sign():
                code += f" - {self.atom(-t) if (-t).is_Add else self.code(-t)}"
            else:
                code += f" + {self.code(t)}"
        return code

    def _mul(self, e: sp.Expr) -> str:
        coef, factors = e.as_coeff_mul()
        num = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        den = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        p, q = (coef.p, coef.q) if coef.is_Rational else (coef, 1)
        parts = [self.atom(f) for f in num]
        if q != 1 and _pow2(q):  # an exact binary fraction: one multiplication
            p, q = sp.Rational(p, q), 1
        if p == -1 and parts:
            code = "-" + " * ".join(parts)
        elif p == 1 and parts:
            code = " * ".join(parts)
        else:
            code = " * ".join([literal(p, self.m), *parts])
        dens = [self.atom(d) for d in den] + ([literal(q, self.m)] if q != 1 else [])
        if dens:
            denominator = " * ".join(dens)
            denominator = f"({denominator})" if len(dens) > 1 else denominator
            if all(d.is_zero is False for d in den):
                code = f"{code} / {denominator}"
            else:  # a possibly zero denominator: numpy gives inf instead of raising
                code = f"{self.f}({self.m}.divide({code}, {denominator}))"
        return code


@dataclass(frozen=True)
class Style:
    """How a target writes its hoisted constants.

    ``module``: the functions of the scalar code (``np``, ``_m``); ``specials``: the module
    that spells a constant NaN or inf where a constant is used; ``prefix``: of the hoisted
    names (``c0``); ``negated``: a negated parameter (``-{}``); ``double``: the test that the
    kernel's ``x`` is float64 (for regime bounds that depend on the dtype); ``checked``: the
    prologue comments each constant and checks it stays finite in the working dtype.
    """

    module: str
    specials: str
    prefix: str
    negated: str
    double: str
    checked: bool


#: The numpy and numba modules: numpy functions on Python floats, checked constants.
NUMPY = Style("np", "np", "c", "-{}", "x.dtype.itemsize >= 8", checked=True)
#: The torch, JAX and array-API modules (``{xp}``: the namespace argument, if any).
ARRAYS = Style("_m", "math", "_c", "(-{})", "_double({xp}x)", checked=False)


class Constants:
    """Parameter-only subexpressions, computed once per call as Python floats.

    ``ref(e)`` returns the source text that stands for ``e`` in array code: a literal, a
    parameter name, its negation, or a hoisted name (``c0``) whose definition
    (:meth:`prologue`) goes before the array code.
    """

    def __init__(self, params: Sequence[sp.Symbol], style: Style = NUMPY, xp: str = ""):
        self.style = style
        self.xp = xp
        self.params = {p: p.name for p in params}
        self.defs: list[tuple[str, str, sp.Expr]] = []
        self.names: dict[object, str] = {}

    def _new(self, key: object, code: str, e: sp.Expr) -> str:
        if key not in self.names:
            name = f"{self.style.prefix}{len(self.defs)}"
            self.defs.append((name, code, e))
            self.names[key] = name
        return self.names[key]

    def ref(self, e: sp.Expr) -> str:
        e = sp.sympify(e)
        if x in e.free_symbols:
            raise AssertionError(f"not a constant: {e}")
        if e.is_number or e is sp.nan or e.has(sp.nan):
            return literal(e, self.style.specials)
        if e in self.params:
            return self.params[e]
        if -e in self.params:
            return self.style.negated.format(self.params[-e])
        return self._new(e, scalar_code(stabilise(e), self.style.module), e)

    def bound(self, b: sp.Expr | DtypeBound) -> str:
        """A regime bound: a parameter expression, or a power of 2 that depends on whether
        the kernel runs in float64 (or wider) or float32 (``x`` is its array)."""
        if not isinstance(b, DtypeBound):
            return self.ref(b)
        e64, e32 = (np.finfo(t).maxexp for t in (np.float64, np.float32))
        code = (
            f"2.0 ** {(e64 - b.margin) // b.power} if {self.style.double.format(xp=self.xp)} "
            f"else 2.0 ** {(e32 - b.margin) // b.power}"
        )
        return self._new(("dtype", b), code, sp.Symbol(b.text()))

    def prologue(self, loss: str = "") -> list[str]:
        if not self.style.checked:
            return [f"{name} = {code}" for name, code, _ in self.defs]
        lines = []
        for name, code, e in self.defs:
            lines.append(f"{name} = {code}  # {docs.comment(sp.sstr(e))}")
            params = sorted((s for s in e.free_symbols if s in self.params), key=str)
            if params and may_leave_the_range(e):
                # computed in double from the parameters; it must survive the rounding to
                # the working dtype, or finite x would give inf/nan (delta**2 in float32)
                names = ", ".join(f'("{p.name}", {p.name})' for p in params)
                what = docs.comment(f"{loss}: {sp.sstr(e)}").replace('"', "'")
                lines.append(f'_finite_in(x.dtype, {name}, "{what}", ({names},))')
        return lines
