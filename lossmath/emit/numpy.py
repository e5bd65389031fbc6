"""The numpy printer: a self-contained numpy module with value, gradient, Hessian and
value_and_grad.

:func:`generate` turns losses into the text of one Python module that imports numpy (and the
standard library's ``math`` and ``numbers``) and nothing else: no sympy, no lossmath. For a
loss ``NAME`` it defines ``NAME(x, *, params..., out=None)``, ``NAME_grad``, ``NAME_hess``
(the second derivative) and ``NAME_value_and_grad`` (a tuple), with the loss's parameters as
keyword-only arguments.

What is computed comes from the target-neutral plan (:mod:`lossmath.emit.plan`: the tables,
their recognised forms and the stable rewrites) and the shared docstrings
(:mod:`lossmath.emit.docs`); this module only prints them as numpy.

How the code is made (see ``forms.py`` for the recognition and its proofs):

* every function reads its loss through the interval table of the right derivative order;
  the table's form decides the code: a clip, the ``g*(x - g/(2a))`` form of Huber-type
  values, a single expression, comparisons only for piecewise constants, or the generic
  masked path (each piece on the elements where it holds);
* expressions become three-address numpy code: one ufunc call per operation, writing into
  ``out=`` buffers, reusing a buffer once its value is dead, and sharing subexpressions
  between the value and the gradient;
* everything runs block by block (``_BLOCK`` elements): a loss's several passes then run over
  data in cache, and its scratch buffers are a block long instead of the size of ``x``;
* parameter-only subexpressions (``beta/2``) are computed once per call, in double precision,
  and enter the array arithmetic as Python floats (weak scalars, NEP 50), so float32 stays
  float32; numbers are printed as ``repr`` of the nearest double;
* float32 input: parameters are rounded to float32 first (as the comparisons use them), and a
  piece whose planned form takes more than one rounding (``_rounds_more_than_once``) is
  computed in float64 and rounded once, when stored: a float32 chain of roundings lost up to
  3.6 ulp (a user's Tukey, gradient) where sympy.lambdify of the formula lost 1.0 (Welsch's
  f'' 70 ulp, Andrews' f' 2e7 next to x = pi*a); that holds for a piece on the whole line
  too, and a symbolic coefficient counts as a rounding (a*sin(x/a) is two). Masks and
  breakpoints stay in float32; one-rounding pieces (|x| - 1/2) and Clip/Huber forms stay
  float32 (they are correctly rounded already).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p
from sympy.functions.elementary.miscellaneous import MinMaxBase

from lossmath._version import __version__
from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.emit import docs
from lossmath.emit.forms import Clip, Form, HuberLike, Masked, Run, Single, Steps
from lossmath.emit.names import check_module, private
from lossmath.emit.numpy_primitives import helper_name, helper_source
from lossmath.emit.numpy_runtime import FINITE_IN, RUNTIME
from lossmath.emit.plan import (
    Spec,
    UnsupportedExpression,
    float_literal,
    function_names,
    identifier_check,
    plans,
    resolve_losses,
)
from lossmath.emit.plan import forms as plan_forms
from lossmath.io import escape
from lossmath.numerics.params import may_leave_the_range
from lossmath.numerics.regimes import DtypeBound, Plan, single
from lossmath.numerics.rewrite import stabilise

__all__ = ["UnsupportedExpression", "generate", "function_names", "plans", "stabilise"]

#: Elements per block. Three float64 blocks (x, out, one scratch) take 768 KB, inside a 2 MB
#: L2; with 8K-element blocks the Python overhead of the numpy calls (about 1 us each) was
#: a third of the run time at 10**7 elements, with 128K the blocks fell out of L2.
BLOCK = 32768

#: numpy names of sympy functions of one argument.
_UFUNCS: dict[type, str] = {
    sp.exp: "np.exp",
    sp.log: "np.log",
    sp.Abs: "np.abs",
    sp.sign: "np.sign",
    sp.sin: "np.sin",
    sp.cos: "np.cos",
    sp.tan: "np.tan",
    sp.sinh: "np.sinh",
    sp.cosh: "np.cosh",
    sp.tanh: "np.tanh",
    sp.atan: "np.arctan",
    sp.asin: "np.arcsin",
    sp.acos: "np.arccos",
    sp.asinh: "np.arcsinh",
    sp.acosh: "np.arccosh",
    sp.atanh: "np.arctanh",
    log1p: "np.log1p",
    expm1: "np.expm1",
}

_DOMAINS = ("positive", "nonnegative", "negative", "nonpositive", "real")


def _unsupported(e: sp.Basic) -> UnsupportedExpression:
    return UnsupportedExpression(f"cannot emit {type(e).__name__} for numpy (in {sp.sstr(e)})")


# -- numbers and constants ----------------------------------------------------------------


def _literal(value: sp.Expr) -> str:
    """A number as Python source: ``repr`` of the nearest double (``np.nan``/``np.inf``)."""
    value = sp.sympify(value)
    if value is sp.nan or value.has(sp.nan):
        return "np.nan"
    if value == sp.oo:
        return "np.inf"
    if value == -sp.oo:
        return "-np.inf"
    return float_literal(value)


def _pow2(q: int) -> bool:
    return q > 0 and q & (q - 1) == 0


class _Constants:
    """Parameter-only subexpressions, computed once per call as Python floats.

    ``ref(e)`` returns the source text that stands for ``e`` in array code: a literal, a
    parameter name, ``-name``, or a hoisted ``cK`` whose definition goes before the loop.
    """

    def __init__(self, params: Sequence[sp.Symbol]):
        self.params = {p: p.name for p in params}
        self.defs: list[tuple[str, str, sp.Expr]] = []
        self.names: dict[sp.Expr, str] = {}

    def ref(self, e: sp.Expr) -> str:
        e = sp.sympify(e)
        if x in e.free_symbols:
            raise AssertionError(f"not a constant: {e}")
        if e.is_number:
            return _literal(e)
        if e in self.params:
            return self.params[e]
        if -e in self.params:
            return f"-{self.params[-e]}"
        if e not in self.names:
            name = f"c{len(self.defs)}"
            self.defs.append((name, _scalar(stabilise(e)), e))
            self.names[e] = name
        return self.names[e]

    def bound(self, b: sp.Expr | DtypeBound) -> str:
        """A regime bound: a parameter expression, or a power of 2 that depends on whether
        the kernel runs in float64 (or wider) or float32 (``x`` is its array)."""
        if not isinstance(b, DtypeBound):
            return self.ref(b)
        key = ("dtype", b)
        if key not in self.names:
            name = f"c{len(self.defs)}"
            e64, e32 = (np.finfo(t).maxexp for t in (np.float64, np.float32))
            code = (
                f"2.0 ** {(e64 - b.margin) // b.power} if x.dtype.itemsize >= 8 "
                f"else 2.0 ** {(e32 - b.margin) // b.power}"
            )
            self.defs.append((name, code, sp.Symbol(b.text())))
            self.names[key] = name
        return self.names[key]

    def prologue(self, loss: str = "") -> list[str]:
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


def _scalar_atom(e: sp.Expr) -> str:
    code = _scalar(e)
    return code if (e.is_Atom and not (e.is_number and e < 0)) or e.is_Function else f"({code})"


def _scalar(e: sp.Expr) -> str:
    """Source for a parameter-only expression, evaluated in double precision.

    Only ``+ - * /`` of Python floats and numpy functions appear, so nothing raises (Python's
    ``**`` raises OverflowError, ``math.exp`` too, ``/`` only by a provable nonzero); each
    numpy call is wrapped in ``float()`` so that the result stays a weak scalar in array
    arithmetic.
    """
    if e.is_number:
        return _literal(e)
    if e.is_Symbol:
        return e.name
    if e.is_Add:
        terms = list(sp.Add.make_args(e))
        first, *rest = terms
        code = _scalar(first)
        for t in rest:
            if t.could_extract_minus_sign():
                code += f" - {_scalar_atom(-t) if (-t).is_Add else _scalar(-t)}"
            else:
                code += f" + {_scalar(t)}"
        return code
    if e.is_Mul:
        coef, factors = e.as_coeff_mul()
        num = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        den = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        p, q = (coef.p, coef.q) if coef.is_Rational else (coef, 1)
        parts = [_scalar_atom(f) for f in num]
        if q != 1 and _pow2(q):  # an exact binary fraction: one multiplication
            p, q = sp.Rational(p, q), 1
        if p == -1 and parts:
            code = "-" + " * ".join(parts)
        elif p == 1 and parts:
            code = " * ".join(parts)
        else:
            code = " * ".join([_literal(p), *parts])
        dens = [_scalar_atom(d) for d in den] + ([_literal(q)] if q != 1 else [])
        if dens:
            denominator = " * ".join(dens)
            denominator = f"({denominator})" if len(dens) > 1 else denominator
            if all(d.is_zero is False for d in den):
                code = f"{code} / {denominator}"
            else:  # a possibly zero denominator: numpy gives inf instead of raising
                code = f"float(np.divide({code}, {denominator}))"
        return code
    if e.is_Pow:
        base, exp = e.as_base_exp()
        if exp == 2:
            b = _scalar_atom(base)
            return f"{b} * {b}"
        if exp == -1:
            return f"1.0 / {_scalar_atom(base)}" if base.is_zero is False else (
                f"float(np.divide(1.0, {_scalar(base)}))"
            )
        if exp == sp.S.Half:
            return f"float(np.sqrt({_scalar(base)}))"
        return f"float(np.power({_scalar(base)}, {_scalar(exp)}))"
    if isinstance(e, MinMaxBase):
        name = "np.maximum" if isinstance(e, sp.Max) else "np.minimum"
        args = [_scalar(a) for a in e.args]
        code = args[0]
        for a in args[1:]:
            code = f"{name}({code}, {a})"
        return f"float({code})"
    if isinstance(e, hypot):
        return f"float(np.hypot({_scalar(e.args[0])}, {_scalar(e.args[1])}))"
    if type(e) in _UFUNCS:
        return f"float({_UFUNCS[type(e)]}({_scalar(e.args[0])}))"
    raise _unsupported(e)


def _hypot_args(e: sp.Expr) -> tuple[sp.Expr | None, sp.Expr]:
    """``(c, u)`` for ``hypot(c, u)`` with ``c`` free of x, else ``(None, e)``."""
    a, b = e.args
    if not _has_x(a):
        return a, b
    if not _has_x(b):
        return b, a
    return None, e


# -- three-address code ---------------------------------------------------------------------

_ACC = object()  # "the accumulator": the node's own destination buffer


def _has_x(e: sp.Expr) -> bool:
    return x in e.free_symbols


def _operand(e: sp.Expr) -> tuple[str, sp.Expr]:
    return ("op", e) if _has_x(e) else ("const", e)


def _negative_term(t: sp.Expr) -> bool:
    coef, _ = t.as_coeff_Mul()
    return coef.is_Number and coef < 0


def _steps(e: sp.Expr) -> list[tuple[str, list]]:
    """The ufunc calls that compute node ``e`` from its operands.

    The first call reads operands only; later calls read ``_ACC`` (the destination) and one
    more operand. That is what lets the destination reuse a dying operand's buffer.
    """
    if e.is_Add:
        const = sp.Add(*[t for t in e.args if not _has_x(t)])
        terms = [t for t in e.args if _has_x(t)]
        seq = [("+", t) for t in terms if not _negative_term(t)]
        seq += [("-", -t) for t in terms if _negative_term(t)]
        fn = {"+": "np.add", "-": "np.subtract"}
        sign0, t0 = seq[0]
        steps: list[tuple[str, list]] = []
        rest = seq[1:]
        if sign0 == "+" and rest:
            sign1, t1 = rest.pop(0)
            steps.append((fn[sign1], [_operand(t0), _operand(t1)]))
        elif sign0 == "+":
            neg = const.could_extract_minus_sign()
            c = ("const", -const if neg else const)
            steps.append((fn["-" if neg else "+"], [_operand(t0), c]))
            const = sp.S.Zero
        elif const != 0:
            steps.append(("np.subtract", [("const", const), _operand(t0)]))
            const = sp.S.Zero
        else:
            steps.append(("np.negative", [_operand(t0)]))
        for sign, t in rest:
            steps.append((fn[sign], [(_ACC, None), _operand(t)]))
        if const != 0:
            neg = const.could_extract_minus_sign()
            c = ("const", -const if neg else const)
            steps.append((fn["-" if neg else "+"], [(_ACC, None), c]))
        return steps
    if e.is_Mul:
        coef = sp.Mul(*[f for f in e.args if not _has_x(f)])
        factors = [f for f in e.args if _has_x(f)]
        num = [f for f in factors if not (f.is_Pow and f.exp.is_Integer and f.exp < 0)]
        # exp(-x**2/2) first: it underflows to 0 where a polynomial factor overflows, and
        # 0*finite is 0 where inf*0 would be nan (Welsch's f'' at 1e200)
        num.sort(key=lambda f: not isinstance(f, sp.exp))
        den = []
        for f in factors:
            if f.is_Pow and f.exp.is_Integer and f.exp < 0:
                # 1/b**n as n divisions by b: b**n overflows (to a 0 result) long before
                # the quotient underflows, gradually, as it should
                n = -int(f.exp)
                den += [f.base] * n if n <= 4 else [f.base**n]
        cn, cd = sp.fraction(sp.together(coef))
        negate = cn.could_extract_minus_sign()
        if negate:
            cn = -cn
        steps = []
        if num:
            acc = [_operand(num[0])]
            pending = [("np.multiply", _operand(f)) for f in num[1:]]
        else:
            acc = [("const", cn)]
            cn = sp.S.One
            pending = []
            first_den, *den = den
            pending.append(("np.divide", _operand(first_den)))
        # w*sign(x)/(eps + |x|): multiply by the constant before dividing, so an exact
        # product leaves one rounding (10/3, not (1/3)*10).
        if cn != 1:
            pending.append(("np.multiply", ("const", -cn if negate else cn)))
            negate = False
        pending += [("np.divide", _operand(d)) for d in den]
        if cd != 1:
            pending.append(("np.divide", ("const", cd)))
        if negate:
            pending.append(("np.negative", None))
        for i, (fn, arg) in enumerate(pending):
            first = acc if i == 0 else [(_ACC, None)]
            steps.append((fn, first + ([arg] if arg is not None else [])))
        return steps
    if e.is_Pow:
        base, exp = e.as_base_exp()
        if not _has_x(exp):
            if exp == 2:
                return [("np.square", [_operand(base)])]
            if exp == sp.S.Half:
                return [("np.sqrt", [_operand(base)])]
            if exp == -1:
                return [("np.divide", [("const", sp.S.One), _operand(base)])]
            if exp == -sp.S.Half:
                return [
                    ("np.sqrt", [_operand(base)]),
                    ("np.divide", [("const", sp.S.One), (_ACC, None)]),
                ]
        return [("np.power", [_operand(base), _operand(exp)])]
    if isinstance(e, MinMaxBase):
        fn = "np.maximum" if isinstance(e, sp.Max) else "np.minimum"
        args = sorted(e.args, key=lambda a: (not _has_x(a), sp.default_sort_key(a)))
        steps = [(fn, [_operand(args[0]), _operand(args[1])])]
        steps += [(fn, [(_ACC, None), _operand(a)]) for a in args[2:]]
        return steps
    if isinstance(e, sp.Heaviside):
        h0 = e.args[1] if len(e.args) > 1 else sp.S.Half
        return [("np.heaviside", [_operand(e.args[0]), ("const", h0)])]
    if isinstance(e, hypot):
        c, u = _hypot_args(e)
        if c is None:
            return [("np.hypot", [_operand(e.args[0]), _operand(e.args[1])])]
        # sqrt(c**2 + u**2) with SIMD square/add/sqrt (np.hypot is a scalar libm loop, about
        # 25x slower); the rare elements where u**2 overflows are redone with np.hypot.
        return [
            ("np.square", [_operand(u)]),
            ("np.add", [(_ACC, None), ("const", c**2)]),
            ("np.sqrt", [(_ACC, None)]),
        ]
    if type(e) in _UFUNCS:
        return [(_UFUNCS[type(e)], [_operand(e.args[0])])]
    helper = helper_name(e)
    if helper is not None:
        return [(helper, [_operand(a) for a in e.args])]
    raise _unsupported(e)


class _Compiler:
    """Three-address code for expressions in ``x``: one ufunc call per operation.

    With ``alloc=False`` every intermediate lives in a scratch buffer ``t0, t1, ...`` (a block
    slice from ``_blocks``) and results go into the given output buffers; a buffer is reused
    as soon as the value in it is dead. With ``alloc=True`` (the masked path, whose arrays
    are compressed subsets) the first call of a node allocates its result, named ``s0, ...``.
    Identical subexpressions (sympy's canonical forms make them equal) are computed once.
    """

    def __init__(self, consts: _Constants, xname: str, *, alloc: bool):
        self.consts = consts
        self.xname = xname
        self.alloc = alloc
        self.lines: list[str] = []
        self.memo: dict[sp.Expr, str] = {}
        self.refs: Counter = Counter()
        self.scratch: set[str] = set()
        self.free: list[str] = []
        self.count = 0
        self.born: set[str] = set()  # alloc mode: names that hold an array already

    # registers
    def _new(self) -> str:
        if self.free:
            return self.free.pop()
        name = f"{'s' if self.alloc else 't'}{self.count}"
        self.count += 1
        self.scratch.add(name)
        return name

    def _release(self, e: sp.Expr) -> None:
        self.refs[e] -= 1
        reg = self.memo.get(e)
        if self.refs[e] == 0 and reg in self.scratch and reg not in self.free:
            self.free.append(reg)

    # reference counts over the DAG
    def _count(self, e: sp.Expr, seen: set) -> None:
        if e == x or not _has_x(e) or e in seen:
            return
        seen.add(e)
        for _, args in _steps(e):
            for kind, s in args:
                if kind == "op" and s != x:
                    self.refs[s] += 1
                    self._count(s, seen)

    def _code(self, kind, s, dest: str) -> str:
        if kind is _ACC:
            return dest
        if kind == "const":
            return self.consts.ref(s)
        return self.xname if s == x else self.memo[s]

    def _emit(self, e: sp.Expr, dest: str | None = None) -> str:
        if e == x:
            return self.xname
        if e in self.memo:
            return self.memo[e]
        steps = _steps(e)
        ops = [s for _, args in steps for kind, s in args if kind == "op" and s != x]
        for s in ops:
            self._emit(s)
        fixup = isinstance(e, hypot) and _hypot_args(e)[0] is not None
        if dest is None:
            # Reuse a buffer whose value dies here, if the first call is what reads it (not
            # for hypot, whose fix-up reads its operand again).
            first = [s for kind, s in steps[0][1] if kind == "op" and s != x and not fixup]
            for s in first:
                reg = self.memo[s]
                if reg in self.scratch and self.refs[s] == ops.count(s) == first.count(s):
                    dest = reg
                    break
            else:
                dest = self._new()
        for i, (fn, args) in enumerate(steps):
            codes = ", ".join(self._code(kind, s, dest) for kind, s in args)
            if self.alloc and i == 0 and dest not in self.born and dest in self.scratch:
                self.lines.append(f"{dest} = {fn}({codes})")
                self.born.add(dest)
            else:
                self.lines.append(f"{fn}({codes}, out={dest})")
        if self.alloc:
            self.born.add(dest)
        if fixup:
            c, u = _hypot_args(e)
            arg = self._code("op", u, dest)
            self.lines.append(f"_big = np.isinf({dest})  # u**2 overflowed (or u is +-inf)")
            self.lines.append("if _big.any():")
            self.lines.append(f"    {dest}[_big] = np.hypot({self.consts.ref(c)}, {arg}[_big])")
        for s in ops:
            self._release(s)
        if dest in self.free:
            self.free.remove(dest)
        self.memo[e] = dest
        return dest

    def compile(self, outputs: Sequence[tuple[sp.Expr, str | None]]) -> list[str]:
        """Emit code for ``(expr, dest)`` pairs; returns the code holding each result.

        ``dest`` None asks for a fresh buffer (alloc mode). An output that is a subexpression
        of another is computed first, straight into its own buffer.
        """
        outputs = [(stabilise(e), dest) for e, dest in outputs]
        seen: set = set()
        for e, _ in outputs:
            self._count(e, seen)
            self.refs[e] += 1  # keep each output alive until it is stored
        order = sorted(
            range(len(outputs)),
            key=lambda i: not any(
                j != i and outputs[i][0] in sp.preorder_traversal(outputs[j][0])
                for j in range(len(outputs))
            ),
        )
        results: dict[int, str] = {}
        for i in order:
            e, dest = outputs[i]
            code = self._emit(e, dest) if _has_x(e) else self.consts.ref(e)
            if dest is not None and code != dest:
                if _has_x(e):
                    self.lines.append(f"np.copyto({dest}, {code})")
                else:  # a constant output: keep NaN (np.copyto where x is not NaN)
                    raise AssertionError("constants are emitted as Steps")
                code = dest
            results[i] = code
            self.refs[e] -= 1
        return [results[i] for i in range(len(outputs))]


# -- bodies of the block loop, one per form -----------------------------------------------


@dataclass
class _Body:
    """Statements of the block loop (over ``xb`` and the output blocks).

    ``shortcut`` is ``(condition, statements)``: a one-pass version that the kernel runs on
    the whole arrays, before and instead of the loop, when the condition holds at run time.
    """

    lines: list[str] = field(default_factory=list)
    floats: int = 0
    bools: int = 0
    shortcut: tuple[str, list[str]] | None = None


def _clip_body(
    form: Clip, src: str, dest: str, consts: _Constants, body: _Body, alone: bool = False
) -> None:
    """``dest = clip(a*(src - x0), lo, hi)``; ``dest`` may not be ``src``. ``alone``: the
    clip is the whole function, so its one-pass case can skip the block loop."""
    body.lines.append(f"# {form.text()}")
    pre: list[tuple[str, sp.Expr]] = []
    if form.x0 != 0:
        pre.append(("np.subtract", form.x0))
    num, den = form.num, form.den
    if num.could_extract_minus_sign():
        num = -num
        pre.append(("np.negative", None))
    if num != 1:
        pre.append(("np.multiply", num))
    if den != 1:
        pre.append(("np.divide", den))
    lo = "None" if form.lo is None else consts.ref(form.lo)
    hi = "None" if form.hi is None else consts.ref(form.hi)

    def ops(pre_ops):
        out, cur = [], src
        for fn, c in pre_ops:
            arg = "" if c is None else f", {consts.ref(c)}"
            out.append(f"{fn}({cur}{arg}, out={dest})")
            cur = dest
        if form.lo is None:
            out.append(f"np.minimum({cur}, {hi}, out={dest})")
        elif form.hi is None:
            out.append(f"np.maximum({cur}, {lo}, out={dest})")
        else:
            out.append(f"np.clip({cur}, {lo}, {hi}, out={dest})")
        return out

    # A scale that is a parameter (x/beta) is skipped when it is 1 at run time: dividing by
    # 1.0 is exact, so this saves a pass (a third of the time) and changes no bit.
    scale = [(i, c) for i, (fn, c) in enumerate(pre) if fn in ("np.multiply", "np.divide")]
    if len(pre) == 1 and scale and not scale[0][1].is_number:
        c = consts.ref(scale[0][1])
        if alone:
            body.shortcut = (f"{c} == 1.0", ops([]))
            body.lines += ops(pre)
            return
        body.lines.append(f"if {c} == 1.0:")
        body.lines += ["    " + line for line in ops([])]
        body.lines.append("else:")
        body.lines += ["    " + line for line in ops(pre)]
    else:
        body.lines += ops(pre)


def _huber_body(form: HuberLike, g: str, dest: str, consts: _Constants, body: _Body) -> None:
    """``dest = g*((x - x0) + k*g) + f0`` from the clipped gradient in ``g``."""
    body.lines.append(f"# f = {form.text()}")
    body.lines.append(f"np.multiply({g}, {consts.ref(form.k)}, out={dest})")
    body.lines.append(f"np.add({dest}, xb, out={dest})")
    if form.clip.x0 != 0:
        body.lines.append(f"np.subtract({dest}, {consts.ref(form.clip.x0)}, out={dest})")
    body.lines.append(f"np.multiply({dest}, {g}, out={dest})")
    if form.f0 != 0:
        body.lines.append(f"np.add({dest}, {consts.ref(form.f0)}, out={dest})")


def _steps_body(form: Steps, dest: str, consts: _Constants, body: _Body) -> None:
    """Sum of (indicator of interval k) * c_k over the intervals with c_k != 0.

    The indicators are disjoint, so each element's sum has one nonzero term: exact. Masked
    assignment (``np.copyto(where=)``) costs ~5 ns per element on a random mask and is kept
    for what is rare in data: NaN and points exactly at a breakpoint with their own value.
    """
    body.bools = max(body.bools, 2)
    ref = consts.ref
    n = len(form.points)
    terms = [k for k, v in enumerate(form.values) if not (v.is_number and v == 0)]
    if not terms:
        body.lines.append(f"{dest}.fill(0.0)")
    for i, k in enumerate(terms):
        conds = []
        if k > 0:
            op = "np.greater_equal" if form.sides[k - 1] == "right" else "np.greater"
            conds.append(f"{op}(xb, {ref(form.points[k - 1])}, out=m{len(conds)})")
        if k < n:
            op = "np.less_equal" if form.sides[k] == "left" else "np.less"
            conds.append(f"{op}(xb, {ref(form.points[k])}, out=m{len(conds)})")
        lo = "" if k == 0 else sp.sstr(form.points[k - 1]) + (
            " <= " if form.sides[k - 1] == "right" else " < "
        )
        hi = "" if k == n else (" <= " if form.sides[k] == "left" else " < ") + sp.sstr(
            form.points[k]
        )
        body.lines.append(f"# {sp.sstr(form.values[k])} where {lo}x{hi}")
        value = ref(form.values[k])
        if not conds:  # one interval: the constant everywhere
            body.lines.append(f"{dest}.fill({value})")
            continue
        body.lines += conds
        if len(conds) == 2:
            body.lines.append("np.logical_and(m0, m1, out=m0)")
        if i == 0:
            body.lines.append(f"np.multiply(m0, {value}, out={dest}, dtype={dest}.dtype)")
        else:
            body.floats = max(body.floats, 1)
            body.lines.append(f"np.multiply(m0, {value}, out=t0, dtype=t0.dtype)")
            body.lines.append(f"np.add({dest}, t0, out={dest})")
    for b, side, v in zip(form.points, form.sides, form.specials):
        if side == "point":
            body.lines.append(f"np.equal(xb, {ref(b)}, out=m0)  # x = {sp.sstr(b)}: the owner's")
            body.lines.append(f"np.copyto({dest}, {ref(v)}, where=m0)")
    body.lines.append("np.isnan(xb, out=m0)  # NaN in, NaN out")
    body.lines.append(f"np.copyto({dest}, xb, where=m0)")


_LABELS = {"ob": "", "vb": "value: ", "gb": "grad: "}


def _single_body(forms: Sequence[Single], dests: Sequence[str], consts, body: _Body) -> None:
    comp = _Compiler(consts, "xb", alloc=False)
    comp.compile([(f.expr, d) for f, d in zip(forms, dests)])
    for f, d in zip(forms, dests):
        body.lines.append(f"# {_LABELS[d]}{sp.sstr(f.expr)}")
    body.lines += comp.lines
    body.floats = max(body.floats, comp.count)


def _run_text(run: Run) -> str:
    if run.lo is not None and run.lo == run.hi:
        return f"x = {sp.sstr(run.lo)}"
    lo = "" if run.lo is None else f"{sp.sstr(run.lo)} {'<=' if run.lo_closed else '<'} "
    hi = "" if run.hi is None else f" {'<=' if run.hi_closed else '<'} {sp.sstr(run.hi)}"
    return f"{lo}x{hi}" if lo or hi else "every x"


def _run_mask(run: Run, guard: tuple[bool, bool], consts, dest: str, spare: str) -> list[str]:
    """Statements that set the bool block ``dest`` to the run's indicator (``spare`` is a
    second bool block for two-sided runs)."""
    ref = consts.ref
    if run.lo is not None and run.lo == run.hi:
        return [f"np.equal(xb, {ref(run.lo)}, out={dest})"]
    conds = []
    if run.lo is not None:
        conds.append(("np.greater_equal" if run.lo_closed else "np.greater", ref(run.lo)))
    elif guard[0]:
        conds.append(("np.greater", "-np.inf"))
    if run.hi is not None:
        conds.append(("np.less_equal" if run.hi_closed else "np.less", ref(run.hi)))
    elif guard[1]:
        conds.append(("np.less", "np.inf"))
    if not conds:
        return [f"np.equal(xb, xb, out={dest})  # every x but NaN"]
    lines = [f"{conds[0][0]}(xb, {conds[0][1]}, out={dest})"]
    if len(conds) == 2:
        lines.append(f"{conds[1][0]}(xb, {conds[1][1]}, out={spare})")
        lines.append(f"np.logical_and({dest}, {spare}, out={dest})")
    return lines


def _plan_of(form: Masked, piece: int) -> Plan:
    if form.plans is None:
        return single(form.table.pieces[piece][0])
    return form.plans[piece]


def _regime_lines(plan: Plan, src: str, consts: _Constants) -> list[str]:
    """Statements that set ``rv`` to the plan on the elements of ``src``: each regime's
    expression on the elements with ``|x|`` in its range only (NaN takes the last)."""
    lines = [f"ra = np.abs({src})"]
    first = plan[0]
    if isinstance(first.upto, DtypeBound) and _has_x(first.expr):
        # overflow regimes are rare in data: when no element needs one, no masks at all
        lines.append(f"if np.less(ra, {consts.bound(first.upto)}).all():")
        comp = _Compiler(consts, src, alloc=True)
        (code,) = comp.compile([(first.expr, None)])
        lines += ["    " + t for t in comp.lines] + [f"    rv = {code}", "else:"]
        return lines + ["    " + t for t in _regime_steps(plan, src, consts)]
    return lines + _regime_steps(plan, src, consts)


def _regime_steps(plan: Plan, src: str, consts: _Constants) -> list[str]:
    lines = [f"rv = np.empty_like({src})"]
    lo = None
    for regime in plan:
        hi = None if regime.upto is None else consts.bound(regime.upto)
        text = "" if lo is None else f"{lo} <= "
        text += "|x|" + ("" if hi is None else f" < {hi}")
        lines.append(f"# {sp.sstr(regime.expr)} where {text}")
        if hi is not None and lo is None:
            lines.append(f"rk = np.less(ra, {hi})")
        elif hi is not None:
            lines.append(f"rk = np.logical_and(np.greater_equal(ra, {lo}), np.less(ra, {hi}))")
        else:
            lines.append(f"rk = np.logical_not(np.less(ra, {lo}))")
        if _has_x(regime.expr):
            lines.append(f"xr = {src}[rk]")
            comp = _Compiler(consts, "xr", alloc=True)
            (code,) = comp.compile([(regime.expr, None)])
            lines += comp.lines
            lines.append(f"rv[rk] = {code}")
        else:
            lines.append(f"rv[rk] = {consts.ref(regime.expr)}")
        lo = hi
    return lines


def _masked_body(forms: Sequence[Masked], dests: Sequence[str], consts, body: _Body) -> None:
    """Each piece, as written, on the elements where it holds (``xb[mask]``), so an unused
    piece never overflows, divides by zero or warns; +-inf get the limit where the outer
    piece would not produce it itself. NaN satisfies no comparison: it keeps the NaN fill.
    A piece the numerics stage split into regimes is evaluated regime by regime."""
    ref = consts.ref
    guard = (not all(f.safe[0] for f in forms), not all(f.safe[1] for f in forms))
    (piece, runs), *others = forms[0].regions
    plans = [_plan_of(f, piece) for f in forms]
    if (
        not others
        and len(runs) == 1
        and runs[0].lo is None
        and runs[0].hi is None
        and all(len(p) == 1 for p in plans)
    ):
        # One piece on the whole line whose IEEE value at +-inf is not its limit: evaluate
        # it on x with the infinities replaced by 0 (a point where it holds), no masks.
        exprs = [p[0].expr for p in plans]
        body.lines.append("np.isinf(xb, out=m0)")
        if any(_rounds_more_than_once(e) for e in exprs):
            # float32: in float64, rounded once when stored (Welsch's x*exp(-(x/c)**2),
            # subnormal in float32 from |x| = 29.8, lost 10 ulp in a float32 chain)
            body.lines.append("xs = np.where(m0, 0.0, _wide(xb))  # +-inf: patched below")
            body.lines.append(f"# {'; '.join(sp.sstr(e) for e in exprs)}")
            comp = _Compiler(consts, "xs", alloc=True)
            codes = comp.compile([(e, None) for e in exprs])
            body.lines += comp.lines
            for d, code in zip(dests, codes):
                body.lines.append(f"{d}[...] = {code}")
        else:
            comp = _Compiler(consts, "", alloc=False)
            xf = comp._new()
            comp.scratch.discard(xf)
            comp.xname = xf
            body.lines.append(f"np.copyto({xf}, xb)")
            body.lines.append(f"np.copyto({xf}, 0.0, where=m0)  # +-inf: patched below")
            body.lines.append(f"# {'; '.join(sp.sstr(e) for e in exprs)}")
            comp.compile(list(zip(exprs, dests)))
            body.lines += comp.lines
        guard = (True, True)
        others = None
    else:
        for d in dests:
            body.lines.append(f"{d}.fill(np.nan)  # stays NaN where x is NaN")
    for piece, runs in forms[0].regions if others is not None else ():
        plans = [_plan_of(f, piece) for f in forms]
        exprs = [p[-1].expr for p in plans]
        where = " or ".join(_run_text(r) for r in runs)
        body.lines.append(f"# {'; '.join(sp.sstr(e) for e in exprs)} where {where}")
        for i, run in enumerate(runs):
            if i == 0:
                body.lines += _run_mask(run, guard, consts, "m0", "m1")
            else:
                body.lines += _run_mask(run, guard, consts, "m1", "m2")
                body.lines.append("np.logical_or(m0, m1, out=m0)")
        live = [(p[0].expr, d) for p, d in zip(plans, dests) if len(p) == 1 and _has_x(p[0].expr)]
        for p, d in zip(plans, dests):
            if len(p) == 1 and not _has_x(p[0].expr):
                body.lines.append(f"np.copyto({d}, {ref(p[0].expr)}, where=m0)")
        if live or any(len(p) > 1 for p in plans):
            if any(_rounds_more_than_once(r.expr) for p in plans for r in p):
                # float32: the piece in float64, rounded once when stored in the output
                # (a float32 chain of roundings loses up to a few ulp that this does not)
                body.lines.append("xs = _wide(xb[m0])")
            else:
                body.lines.append("xs = xb[m0]")
        if live:
            comp = _Compiler(consts, "xs", alloc=True)
            codes = comp.compile([(e, None) for e, _ in live])
            body.lines += comp.lines
            for (_, d), code in zip(live, codes):
                body.lines.append(f"{d}[m0] = {code}")
        for p, d in zip(plans, dests):
            if len(p) > 1:
                body.lines += _regime_lines(p, "xs", consts)
                body.lines.append(f"{d}[m0] = rv")
    for side, (inf, flag) in enumerate((("-np.inf", guard[0]), ("np.inf", guard[1]))):
        if flag:
            where = "inf" if side else "-inf"
            body.lines.append(f"np.equal(xb, {inf}, out=m0)  # the limit at {where}")
            for f, d in zip(forms, dests):
                body.lines.append(f"np.copyto({d}, {ref(f.limits[side])}, where=m0)")


_EXACT = (sp.Abs, sp.sign)


def _rounds_more_than_once(e: sp.Expr) -> bool:
    """Whether the planned form ``e`` takes more than one rounding in floating point (its
    operations, not counting |x|, sign(x), negation and scaling by a power of 2): then a
    float32 kernel evaluates it in float64 and rounds once, at the end."""
    e = stabilise(e)
    count = 0
    for node in sp.preorder_traversal(e):
        if node.is_Atom or isinstance(node, _EXACT) or not _has_x(node):
            continue
        if node.is_Mul:
            coeff, rest = node.as_coeff_Mul()
            # no numeric coefficient (as_coeff_Mul gives 1, not among the args): every
            # factor is a rounding (a*sin(x/a) is two, not one)
            exact = coeff != 1 and coeff.is_Rational and _pow2_or_unit(coeff)
            count += len(node.args) - 1 - (1 if exact else 0)
        elif node.is_Add:
            count += len(node.args) - 1
        else:  # a power, a function: at least one rounding
            count += 1
        if count > 1:
            return True
    return False


def _pow2_or_unit(q: sp.Rational) -> bool:
    q = abs(q)
    return q.p & (q.p - 1) == 0 and q.q & (q.q - 1) == 0


def _body(form: Form, dest: str, consts: _Constants, body: _Body) -> None:
    if isinstance(form, Clip):
        _clip_body(form, "xb", dest, consts, body, alone=True)
    elif isinstance(form, HuberLike):
        reg = f"t{body.floats}"
        body.floats += 1
        _clip_body(form.clip, "xb", reg, consts, body)
        _huber_body(form, reg, dest, consts, body)
    elif isinstance(form, Steps):
        _steps_body(form, dest, consts, body)
    elif isinstance(form, Single):
        part = _Body()
        _single_body([form], [dest], consts, part)
        body.lines += part.lines
        body.floats = max(body.floats, part.floats)
    else:
        part = _Body()
        _masked_body([form], [dest], consts, part)
        body.lines += part.lines
        body.bools = max(body.bools, part.bools)


# -- the generated module ------------------------------------------------------------------



#: The modules the generated module imports, and the arguments and locals of its functions
#: besides the user's parameters (:mod:`lossmath.emit.names`): loss and parameter names may
#: not take them. Every other identifier it introduces starts with ``_``.
_MODULES = {"np", "math", "numbers", "annotations"}
_RESERVED = {
    "x", "out", "xb", "xs", "ob", "vb", "gb", "value", "grad", "kernel", "func", "params",
    "ra", "rv", "rk", "xr",
}
_RESERVED_RE = re.compile(r"^[ctsm]\d+$")  # the kernels' temporaries


_check_name = identifier_check(_RESERVED, _RESERVED_RE, _MODULES)














# -- text helpers ---------------------------------------------------------------------------
































def _function_doc(spec: Spec, n: int | None, forms: tuple[Form, ...]) -> list[str]:
    lines = docs.summary(spec, n, forms)
    lines += ["", "Parameters", "----------", "x : array_like",
              "    Residuals, any shape; float16/32/64 keep their dtype, integers become float64."]
    lines += docs.param_doc(spec)
    if n is None:
        lines += ["out : tuple of two ndarrays, optional",
                  "    Where to write (value, grad): arrays of x's shape and the result dtype."]
        lines += ["", "Returns", "-------", "value, grad : ndarray or numpy scalar",
                  "    Of x's shape and float dtype; numpy scalars for scalar input."]
    else:
        lines += ["out : ndarray, optional",
                  "    Where to write the result: an array of x's shape and the result dtype; "
                  "it may be x itself."]
        lines += ["", "Returns", "-------", "ndarray or numpy scalar",
                  "    Of x's shape and float dtype; a numpy scalar for scalar input."]
    return lines


def _function_code(spec: Spec, n: int | None, forms, kernel: str) -> list[str]:
    names = function_names(spec.name)
    fname = names[3] if n is None else names[n]
    sig = ["x", "*"]
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        sig.append(p.name if default is None else f"{p.name}={_literal(default)}")
    sig.append("out=None")
    lines = [f"def {fname}({', '.join(sig)}):"]
    doc = docs.wrap(_function_doc(spec, n, forms), "    ")
    doc[0] = '    """' + doc[0].lstrip()
    lines += doc + ['    """']
    checks = []
    for p in spec.loss.params:
        lines.append(f'    {p.name} = _param("{fname}", "{p.name}", {p.name}, "{p.assume}")')
        checks.append(f'("{p.name}", {p.name}, "{p.assume}")')
    nout = 2 if n is None else 1
    call = f'    return _run({kernel}, "{fname}", x, out, {nout}'
    if not checks:
        lines.append(call + ")")
    elif len(call) + sum(len(c) + 2 for c in checks) + 4 <= 100:
        lines.append(f"{call}, ({', '.join(checks)},))")
    else:
        lines.append(f"{call}, (")
        lines += [f"        {c}," for c in checks]
        lines.append("    ))")
    return lines


def _kernel_code(spec: Spec, n: int | None, forms) -> tuple[str, list[str]]:
    """The block loop of one function: ``_NAME[_grad|_hess|_value_and_grad](x, out..., p)``."""
    names = function_names(spec.name)
    kname = private("kern", names[3] if n is None else names[n])
    params = [p.symbol for p in spec.loss.params]
    consts = _Constants(params)
    body = _Body()
    if n is None:
        dests = ["vb", "gb"]
        f0, f1 = forms[0], forms[1]
        if isinstance(f0, HuberLike) and isinstance(f1, Clip) and f0.clip == f1:
            _clip_body(f1, "xb", "gb", consts, body)
            _huber_body(f0, "gb", "vb", consts, body)
        elif isinstance(f0, Masked) and isinstance(f1, Masked):
            _masked_body([f0, f1], dests, consts, body)
        elif isinstance(f0, Single) and isinstance(f1, Single):
            _single_body([f0, f1], dests, consts, body)
        else:
            _body(f0, "vb", consts, body)
            _body(f1, "gb", consts, body)
        outs, args = "(value, grad)", "x, value, grad"
    else:
        _body(forms[n], "ob", consts, body)
        dests = ["ob"]
        outs, args = "(out,)", "x, out"
    pnames = [p.name for p in spec.loss.params]
    sig = ", ".join([args, *pnames])
    # The scratch buffers the body really names (t0, t1, ...; masks m0, m1, ...).
    used = re.findall(r"\b([tm])(\d+)\b", "\n".join(body.lines))
    body.floats = 1 + max((int(i) for k, i in used if k == "t"), default=-1)
    body.bools = 1 + max((int(i) for k, i in used if k == "m"), default=-1)
    extra = []
    if body.floats:
        extra.append(f"floats={body.floats}")
    if body.bools:
        extra.append(f"bools={body.bools}")
    regs = [f"t{i}" for i in range(body.floats)] + [f"m{i}" for i in range(body.bools)]
    loop_vars = ", ".join(["xb", *dests, *regs])
    what = {0: "", 1: "_grad", 2: "_hess", None: "_value_and_grad"}[n]
    lines = [f"def {kname}({sig}):"]
    lines.append(f'    """{spec.name}{what} on 1-d arrays of the working dtype."""')
    lines += [f"    {c}" for c in consts.prologue(spec.name)]
    whole = dict(zip(["xb", *dests], args.split(", ")))

    def unblocked(stmts: list[str]) -> list[str]:
        # One pass needs no blocks: the loop would only add a Python call per block.
        return [re.sub(r"\b(xb|ob|vb|gb)\b", lambda m: whole[m.group(1)], t) for t in stmts]

    if body.shortcut is not None:
        cond, stmts = body.shortcut
        while body.lines and body.lines[0].startswith("#"):
            lines.append("    " + body.lines.pop(0))
        lines.append(f"    if {cond}:  # a single pass: no need for blocks")
        lines += ["        " + t for t in unblocked(stmts)]
        lines.append("        return")
    statements = [t for t in body.lines if t and not t.startswith("#")]
    if len(statements) == 1 and not regs:
        lines += ["    " + t for t in unblocked(body.lines)]
        return kname, lines
    call = ", ".join([outs, *extra])
    lines.append(f"    for {loop_vars} in _blocks(x, {call}):")
    lines += ["        " + line if line else "" for line in body.lines]
    return kname, lines




def _module_doc(specs: Sequence[Spec]) -> list[str]:
    names = ", ".join(s.name for s in specs)
    lines = [
        "Elementwise losses and their exact first two derivatives, in plain numpy.",
        "",
        f"Generated by lossmath {__version__} from the losses' interval tables (the header names "
        "the command that regenerates this file). It imports only numpy and the standard "
        "library.",
        "",
        f"Losses: {names}. For each NAME: NAME(x), NAME_grad(x), NAME_hess(x) (the second "
        "derivative) and NAME_value_and_grad(x) -> (value, grad). Parameters are keyword-only.",
        "",
        "Conventions (every function)",
        "----------------------------",
        "- Elementwise on array_like x of any shape; a scalar in gives a numpy scalar out.",
        "- dtype: float16, float32 and float64 (and longdouble) are kept; float16 is computed in "
        "float32 and rounded once. bool and integer input (and Python numbers) give float64. "
        "Complex and non-numeric input raise TypeError.",
        "- Parameters are Python or numpy real numbers, validated on every call (ValueError "
        "naming the parameter). They enter the arithmetic as Python floats, so float32 input "
        "stays float32; a value that changes domain when rounded to the precision x is "
        "computed in (beta=1e-50 for float32) raises ValueError.",
        "- NaN in gives NaN out, in the value and in every derivative (also where a derivative "
        "is constant).",
        "- +-inf give the limits of the function (listed below; NaN where there is none).",
        "- At a breakpoint every function returns the value of the piece that owns the point "
        "(the piece whose condition holds there), for the loss and for its derivatives alike; "
        "at a kink the derivative is that piece's derivative at the point, e.g. sign(0) = 0 "
        "for Abs(x). The values are listed below.",
        "- float32 (and float16) input: the parameters are rounded to float32; a piece that "
        "takes more than one rounding is computed in float64 and rounded to float32 once.",
        "- A piece is never evaluated outside its interval, and no function emits a "
        "floating-point warning: overflow to +-inf and underflow are the correctly rounded "
        "results and are not reported.",
        "- out=: an optional output array of x's shape and the result dtype (value_and_grad "
        "takes a pair); it may be x itself.",
        "- Zero results may carry either sign (-0.0 == 0.0); every function gives at -0.0 what "
        "it gives at 0.0, up to that sign.",
        "",
    ]
    return lines + docs.breakpoints_and_limits(specs)


def _command(names: Sequence[str], params: Mapping[str, Mapping[str, object]]) -> str:
    parts = ["lossmath", "codegen", *names, "--target", "numpy"]
    for loss, values in params.items():
        for k, v in values.items():
            parts += ["--param", f"{loss}.{k}={v}"]
    return " ".join(parts)




def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one numpy module with value, gradient, Hessian and value_and_grad.

    Parameters
    ----------
    losses : sequence of Loss or str
        The losses, in the order the module defines them; strings are catalog names or
        aliases. Each loss's name becomes a Python identifier: ``smooth_l1``,
        ``smooth_l1_grad``, ``smooth_l1_hess``, ``smooth_l1_value_and_grad``.
    params : mapping, optional
        New defaults for the generated keyword arguments, per loss name:
        ``{"smooth_l1": {"beta": "1/9"}}``. Values are validated like ``--param``.
    command : str, optional
        The command that regenerates the file, for the header; by default the equivalent
        ``lossmath codegen`` command without ``-o``.

    Returns
    -------
    str
        The module source. The same inputs give the same text, byte for byte.

    Raises
    ------
    LossError
        An unknown loss or parameter, a name that is not a valid identifier, a parameter
        value outside its domain, a loss given twice, or an expression numpy cannot express
        (:class:`UnsupportedExpression`).
    lossmath.io.escape.SinkError
        The module would not compile (an escaping bug; the message names the fields whose
        text reached the failing line). Nothing is returned.

    Examples
    --------
    >>> src = generate(["smooth_l1"])
    >>> "def smooth_l1_value_and_grad(x, *, beta=1.0, out=None):" in src
    True
    """
    params = dict(params or {})
    specs = resolve_losses(losses, params, _check_name)
    if command is None:
        command = _command([s.name for s in specs], params)

    out = docs.header(command)
    out += ['"""' + docs.doc(_module_doc(specs)[0])]
    out += docs.wrap(_module_doc(specs)[1:], "")
    out += ['"""', "", "from __future__ import annotations", "", "import math", "import numbers",
            "", "import numpy as np", ""]
    public = [f for s in specs for f in function_names(s.name)]
    out.append("__all__ = [")
    out += [f'    "{f}",' for f in public]
    out.append("]")
    out += RUNTIME.format(block=BLOCK).split("\n")
    code: list[str] = []
    for spec in specs:
        forms = plan_forms(spec)
        for n in (0, 1, 2, None):
            kname, kernel = _kernel_code(spec, n, forms)
            code += ["", ""] + _function_code(spec, n, forms, kname)
            code += ["", ""] + kernel
    text = "\n".join(code)
    extra = helper_source(text) + (FINITE_IN if "_finite_in(" in text else "")
    out += extra.split("\n") + code
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    # The last line of defence: a module that does not compile is never handed out.
    escape.check_python(text, docs.text_fields([s.loss for s in specs]), what="module")
    check_module(text, public, _MODULES)
    return text


