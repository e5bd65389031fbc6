"""The target-neutral lowering: an expression in x as a schedule of elementwise operations.

Every printer computes an expression the same way, operation for operation, so that targets
round alike wherever their functions do: :func:`steps` gives the operations that compute one
node from its operands, with neutral names (:data:`ELEMENTWISE`, :data:`PRIMITIVES`,
``add``/``subtract``/``multiply``/``divide``/``negative``/``square``/``sqrt``/``power``/
``maximum``/``minimum``/``heaviside``/``hypot``); each printer maps a name to its own call
(``np.add``, ``+``, ``torch.clip``). The order is numpy's three-address code: the first step
reads operands only, later steps read :data:`ACC` (the node's own result so far) and one more
operand.

:func:`computed_wide` is the float32 rule every target applies, asked of the plan by every
printer for every form it evaluates (a single expression, a piece on the whole line, a piece on
its intervals): a planned piece that takes more than one rounding
(:func:`rounds_more_than_once`) is computed in float64 and rounded once. (Half precision is
computed in float32 by the targets that take it, torch and the array API, so the same rule
widens it to float64.)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p
from sympy.functions.elementary.miscellaneous import MinMaxBase

from lossmath.base.symbols import x
from lossmath.emit.forms import Form, Masked, Single, UnsupportedExpression
from lossmath.numerics import primitives as P
from lossmath.numerics.measure import Evaluator, Unmeasurable
from lossmath.numerics.regimes import Plan, single
from lossmath.numerics.rewrite import stabilise
from lossmath.numerics.rounding import DD, Rounded, constant_dd, dd_div, dd_mul, fdiv, fmul, joined

__all__ = [
    "ACC", "ELEMENTWISE", "LOWERED", "Lowered", "PRIMITIVES", "Step", "computed_wide",
    "exponent_split", "has_x", "hypot_args",
    "operand", "plan_of", "primitive", "rounds_more_than_once", "steps", "unsupported",
]

#: sympy functions of one argument -> the neutral name of their elementwise operation
#: (numpy's spelling: ``arctan``, not ``atan``).
ELEMENTWISE: dict[type, str] = {
    sp.exp: "exp",
    sp.log: "log",
    sp.Abs: "abs",
    sp.sign: "sign",
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.atan: "arctan",
    sp.asin: "arcsin",
    sp.acos: "arccos",
    sp.asinh: "arcsinh",
    sp.acosh: "arccosh",
    sp.atanh: "arctanh",
    log1p: "log1p",
    expm1: "expm1",
}

#: sympy heads of the stable primitives (:mod:`lossmath.numerics.primitives`, and ``sech``)
#: -> their operation name; every target has one kernel per name (``lossmath.emit.kernels``).
PRIMITIVES: dict[type, str] = {
    P.softplus: "softplus",
    P.sigmoid: "sigmoid",
    P.logcosh: "logcosh",
    P.hypotm: "hypotm",
    P.hypotm1: "hypotm1",
    P.hypotm2: "hypotm2",
    P.log1p_sq: "log1p_sq",
    P.entr1p: "entr1p",
    P.xmlog1p: "xmlog1p",
    P.sinhmx: "sinhmx",
    P.expdd: "expdd",
    sp.sech: "sech",
}

#: An argument of a step that is "the accumulator": the node's own result so far.
ACC = object()


class Step(NamedTuple):
    """One operation: ``op`` (a neutral name) on ``args``, each ``("op", expr)`` (an
    expression in x, computed before), ``("const", expr)`` (free of x) or ``(ACC, None)``."""

    op: str
    args: list


def has_x(e: sp.Expr) -> bool:
    return x in e.free_symbols


def operand(e: sp.Expr) -> tuple[str, sp.Expr]:
    """``("op", e)`` for an expression in x, ``("const", e)`` for one free of it."""
    return ("op", e) if has_x(e) else ("const", e)


def primitive(e: sp.Basic) -> str | None:
    """The primitive's operation name when ``e`` is one, else None."""
    return PRIMITIVES.get(type(e))


def unsupported(e: sp.Basic, target: str = "numpy") -> UnsupportedExpression:
    return UnsupportedExpression(f"cannot emit {type(e).__name__} for {target} (in {sp.sstr(e)})")


def hypot_args(e: sp.Expr) -> tuple[sp.Expr | None, sp.Expr]:
    """``(c, u)`` for ``hypot(c, u)`` with ``c`` free of x, else ``(None, e)``."""
    a, b = e.args
    if not has_x(a):
        return a, b
    if not has_x(b):
        return b, a
    return None, e


def exponent_split(q: sp.Expr) -> tuple[sp.Float, sp.Float] | None:
    """``(hi, lo)`` with ``hi`` a float32 (so a double too) and ``lo`` a double, ``hi + lo``
    within 1e-23 of ``q``, for a rational exponent that no double is (21/10); None for one that is
    (5/2, an integer) or another constant.

    ``b**q`` is then ``b**hi * b**lo``: the nearest double to 21/10 is 8.9e-17 above it,
    which moves ``|x|**2.1`` by ``8.9e-17*log|x|`` relative, 2.7e-14 (about 200 ulp) at
    ``|x| = 1e-134``; the nearest float32 is 9.5e-8 off (31 ulp of float32 at |x| = 3e-15,
    where a target without float64 computes in float32). ``b**lo`` is ``1 + lo*log(b)``
    rounded once. ``hi`` is ``q`` rounded toward 0, so ``lo`` has ``q``'s sign and ``b**hi``,
    ``b**lo`` are 0 or inf together (at b = 0 and b = inf), never 0 * inf."""
    if not (isinstance(q, sp.Rational) and q.q != 1) or q.q & (q.q - 1) == 0:
        return None
    hi = np.float32(float(q))
    if abs(sp.Rational(float(hi))) > abs(q):
        hi = np.nextafter(hi, np.float32(0))
    if sp.Rational(float(hi)) == q:  # pragma: no cover - q.q is not a power of 2
        return None
    lo = float(q - sp.Rational(float(hi)))
    return sp.Float(float(hi), precision=53), sp.Float(lo, precision=53)


def _negative_term(t: sp.Expr) -> bool:
    coef, _ = t.as_coeff_Mul()
    return coef.is_Number and coef < 0


def steps(e: sp.Expr) -> list[Step]:
    """The operations that compute node ``e`` from its operands.

    The first step reads operands only; later steps read :data:`ACC` (the destination) and
    one more operand. That is what lets the destination reuse a dying operand's buffer.
    """
    if e.is_Add:
        return _add_steps(e)
    if e.is_Mul:
        return _mul_steps(e)
    if e.is_Pow:
        base, exp = e.as_base_exp()
        if not has_x(exp):
            if exp == 2:
                return [Step("square", [operand(base)])]
            if exp == sp.S.Half:
                return [Step("sqrt", [operand(base)])]
            if exp == -1:
                return [Step("divide", [("const", sp.S.One), operand(base)])]
            if exp.is_Integer and -4 <= exp < -1:
                # 1/b**n as n divisions by b, as in a product (below): torch.pow(b, -2) is
                # 1/(b*b), which is 0 where b*b overflows but the quotient is subnormal (fair's
                # f'' at |x| = 2e154: 0 for 5e-309)
                return [Step("divide", [("const", sp.S.One), operand(base)])] + [
                    Step("divide", [(ACC, None), operand(base)]) for _ in range(-int(exp) - 1)]
            if exp == -sp.S.Half:
                return [
                    Step("sqrt", [operand(base)]),
                    Step("divide", [("const", sp.S.One), (ACC, None)]),
                ]
        split = exponent_split(exp)
        if split is not None:
            hi, lo = split
            return [Step("power", [operand(base), ("const", hi)]),
                    Step("multiply", [(ACC, None), operand(sp.Pow(base, lo))])]
        return [Step("power", [operand(base), operand(exp)])]
    if isinstance(e, MinMaxBase):
        fn = "maximum" if isinstance(e, sp.Max) else "minimum"
        args = sorted(e.args, key=lambda a: (not has_x(a), sp.default_sort_key(a)))
        out = [Step(fn, [operand(args[0]), operand(args[1])])]
        out += [Step(fn, [(ACC, None), operand(a)]) for a in args[2:]]
        return out
    if isinstance(e, sp.Heaviside):
        h0 = e.args[1] if len(e.args) > 1 else sp.S.Half
        return [Step("heaviside", [operand(e.args[0]), ("const", h0)])]
    if isinstance(e, hypot):
        c, u = hypot_args(e)
        if c is None:
            return [Step("hypot", [operand(e.args[0]), operand(e.args[1])])]
        # sqrt(c**2 + u**2) with SIMD square/add/sqrt (np.hypot is a scalar libm loop, about
        # 25x slower); the rare elements where u**2 overflows are redone with hypot.
        return [
            Step("square", [operand(u)]),
            Step("add", [(ACC, None), ("const", c**2)]),
            Step("sqrt", [(ACC, None)]),
        ]
    if isinstance(e, Rounded):
        return [Step(e.op, [operand(a) for a in e.args])]
    if isinstance(e, sp.exp):
        lo = exp_residual(e.args[0])
        if lo is not None:
            # exp amplifies u's rounding by |u| (numerics.rounding): exp(fl(u))*(1 + residual)
            return [Step("expdd", [operand(e.args[0]), operand(lo)])]
    if type(e) in ELEMENTWISE:
        return [Step(ELEMENTWISE[type(e)], [operand(e.args[0])])]
    name = primitive(e)
    if name is not None:
        return [Step(name, [operand(a) for a in e.args])]
    raise unsupported(e)


def _add_steps(e: sp.Expr) -> list[Step]:
    const = sp.Add(*[t for t in e.args if not has_x(t)])
    terms = [t for t in e.args if has_x(t)]
    seq = [("+", t) for t in terms if not _negative_term(t)]
    seq += [("-", -t) for t in terms if _negative_term(t)]
    fn = {"+": "add", "-": "subtract"}
    sign0, t0 = seq[0]
    out: list[Step] = []
    rest = seq[1:]
    if sign0 == "+" and rest:
        sign1, t1 = rest.pop(0)
        out.append(Step(fn[sign1], [operand(t0), operand(t1)]))
    elif sign0 == "+":
        neg = const.could_extract_minus_sign()
        c = ("const", -const if neg else const)
        out.append(Step(fn["-" if neg else "+"], [operand(t0), c]))
        const = sp.S.Zero
    elif const != 0:
        out.append(Step("subtract", [("const", const), operand(t0)]))
        const = sp.S.Zero
    else:
        out.append(Step("negative", [operand(t0)]))
    for sign, t in rest:
        out.append(Step(fn[sign], [(ACC, None), operand(t)]))
    if const != 0:
        neg = const.could_extract_minus_sign()
        c = ("const", -const if neg else const)
        out.append(Step(fn["-" if neg else "+"], [(ACC, None), c]))
    return out


def _mul_steps(e: sp.Expr) -> list[Step]:
    coef = sp.Mul(*[f for f in e.args if not has_x(f)])
    factors = [f for f in e.args if has_x(f)]
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
    if num:
        acc = [operand(num[0])]
        pending = [("multiply", operand(f)) for f in num[1:]]
    else:
        acc = [("const", cn)]
        cn = sp.S.One
        pending = []
        first_den, *den = den
        pending.append(("divide", operand(first_den)))
    # w*sign(x)/(eps + |x|): multiply by the constant before dividing, so an exact
    # product leaves one rounding (10/3, not (1/3)*10).
    if cn != 1:
        pending.append(("multiply", ("const", -cn if negate else cn)))
        negate = False
    pending += [("divide", operand(d)) for d in den]
    if cd != 1:
        pending.append(("divide", ("const", cd)))
    if negate:
        pending.append(("negative", None))
    out = []
    for i, (fn, arg) in enumerate(pending):
        first = acc if i == 0 else [(ACC, None)]
        out.append(Step(fn, first + ([arg] if arg is not None else [])))
    return out


_EXACT = (sp.Abs, sp.sign)


def rounds_more_than_once(e: sp.Expr) -> bool:
    """Whether the planned form ``e`` takes more than one rounding in floating point (its
    operations, not counting |x|, sign(x), negation and scaling by a power of 2): then a
    float32 kernel evaluates it in float64 and rounds once, at the end."""
    e = stabilise(e)
    count = 0
    for node in sp.preorder_traversal(e):
        if node.is_Atom or isinstance(node, _EXACT) or not has_x(node):
            continue
        if node.is_Mul:
            coeff, rest = node.as_coeff_Mul()
            # no numeric coefficient (as_coeff_Mul gives 1, not among the args): every
            # factor is a rounding (a*sin(x/a) is two, not one)
            exact = coeff != 1 and coeff.is_Rational and _pow2_or_unit(coeff)
            count += len(node.args) - 1 - (1 if exact else 0)
        elif node.is_Add:
            count += len(node.args) - 1
        elif node.is_Pow and exponent_split(node.exp) is not None:
            count += 3  # b**hi * b**lo (exponent_split)
        else:  # a power, a function: at least one rounding
            count += 1
        if count > 1:
            return True
    return False


def _pow2_or_unit(q: sp.Rational) -> bool:
    q = abs(q)
    return q.p & (q.p - 1) == 0 and q.q & (q.q - 1) == 0


def plan_of(form: Masked, piece: int) -> Plan:
    """The numerics stage's plan (regimes by |x|) of one piece of a masked form."""
    if form.plans is None:
        return single(form.table.pieces[piece][0])
    return form.plans[piece]


def computed_wide(forms: Form | Sequence[Form], piece: int = 0) -> bool:
    """Whether a float32 kernel computes ``piece`` of ``forms`` (a :class:`Single`'s
    expression, or a :class:`Masked` piece, every regime of it) in float64 and rounds once
    when it stores the result: where a planned form takes more than one rounding. Several
    forms computed together (a value and its gradient) are widened together. Clip, HuberLike
    and Steps are exact in the working dtype: never widened."""
    forms = (forms,) if isinstance(forms, Form) else forms
    for form in forms:
        if isinstance(form, Single) and rounds_more_than_once(form.expr):
            return True
        if isinstance(form, Masked) and any(
                rounds_more_than_once(r.expr) for r in plan_of(form, piece)):
            return True
    return False
# -- the measurement of what the printers run ----------------------------------------------


def _numpy_ops() -> dict:
    from lossmath.emit.kernels.numpy_kernels import KERNELS

    ops = {name: getattr(np, name) for name in (
        "add", "subtract", "multiply", "divide", "negative", "square", "sqrt", "power",
        "maximum", "minimum", "heaviside", "hypot", *ELEMENTWISE.values())}
    ops.update({name: KERNELS[name] for name in PRIMITIVES.values()})
    return ops


@lru_cache(maxsize=4096)
def _schedule(e: sp.Expr) -> tuple[tuple[sp.Expr, tuple[Step, ...]], ...]:
    """The nodes of ``e`` (stabilised as the printers stabilise it) with their :func:`steps`,
    operands before the nodes that read them, each common subexpression once."""
    order: dict[sp.Expr, tuple[Step, ...]] = {}

    def visit(n: sp.Expr) -> None:
        if n == x or not has_x(n) or n in order:
            return
        sched = tuple(steps(n))
        for _, args in sched:
            for kind, s in args:
                if kind == "op":
                    visit(s)
        order[n] = sched

    visit(stabilise(e))
    return tuple(order.items())


class Lowered(Evaluator):
    """The numerics stage's measurement of a plan as the printers compute it: the schedule of
    :func:`steps` run with numpy's ufuncs and the numpy target's kernels of the primitives,
    each common subexpression once, constants (parameters at their values) rounded once to the
    dtype, ``hypot(c, u)`` as ``sqrt(c**2 + u**2)`` redone with ``hypot`` where it overflowed,
    and float32 widened where :func:`rounds_more_than_once` widens it. The sympy expression as
    written can measure well where its lowering does not (``x**3/(d**2 + x**2)**(3/2)``:
    ``x**3`` overflows beyond 5.6e102, then ``inf*0``), so the search ranks what runs."""

    def __init__(self) -> None:
        self._ops: dict | None = None

    def wide(self, exprs: Sequence[sp.Expr]) -> bool:
        return any(_rounds_more_than_once(e) for e in exprs)

    def __call__(self, expr: sp.Expr, xs: np.ndarray, params) -> np.ndarray:
        if self._ops is None:
            self._ops = _numpy_ops()
        params = dict(params)
        dt = xs.dtype.type
        try:
            sched = _schedule(expr)
        except UnsupportedExpression as exc:
            raise Unmeasurable(str(exc)) from None
        if not sched:  # x itself, or free of x
            return xs.copy() if has_x(expr) else np.full_like(xs, _constant(expr, params, dt))
        with np.errstate(all="ignore"):
            return self._run(sched, xs, params, dt)

    def _run(self, sched, xs: np.ndarray, params: dict, dt) -> np.ndarray:
        vals: dict[sp.Expr, np.ndarray] = {x: xs}
        for node, node_steps in sched:
            acc = None
            for fn, args in node_steps:
                ops = [acc if kind is ACC else vals[s] if kind == "op" else
                       _constant(s, params, dt) for kind, s in args]
                acc = self._ops[fn](*ops)
            if isinstance(node, hypot) and hypot_args(node)[0] is not None:
                c, u = hypot_args(node)
                big = np.isinf(acc)
                if big.any():
                    acc[big] = np.hypot(_constant(c, params, dt), vals.get(u, xs)[big])
            vals[node] = np.asarray(acc, dtype=dt)
        return vals[sched[-1][0]]


def _constant(c: sp.Expr, params: dict, dt):
    return dt(_constant_value(c, tuple(sorted(params.items(), key=lambda kv: kv[0].name))))


@lru_cache(maxsize=4096)
def _constant_value(c: sp.Expr, params: tuple) -> float:
    """A constant step operand at the parameters' values, to 40 digits, as a float (the
    search evaluates each candidate many times: sympy's N is the cost)."""
    v = sp.N(sp.sympify(c).xreplace(dict(params)), 40)
    if not v.is_real:
        raise Unmeasurable(f"non-real constant {c}")
    return float(v)


@lru_cache(maxsize=4096)
def _rounds_more_than_once(e: sp.Expr) -> bool:
    return rounds_more_than_once(e)


#: the :class:`Lowered` measurement the code generators give the numerics stage
LOWERED = Lowered()


# -- rounding residuals of an exponential's argument ---------------------------------------


@lru_cache(maxsize=1024)
def exp_residual(u: sp.Expr) -> sp.Expr | None:
    """u - fl(u) for the argument ``u`` of an exponential, as computed by the schedule of
    :func:`steps` (:mod:`lossmath.numerics.rounding`), or None where u is exact (``-x``) or
    has an operation this does not follow (a sum, a function): then exp(u) is as written."""
    if not has_x(u):
        return None
    d = _dd(u)
    return None if d is None else d[1]


def _dd(e: sp.Expr) -> DD | None:
    """(e, e's residual) of a node, following the operations :func:`steps` prints for it."""
    if e == x or (isinstance(e, sp.Abs) and e.args[0] == x):
        return e, None
    if not has_x(e):
        if e.is_number:
            return (e, _number_lo(e)) if e.is_real and e.is_finite else None
        other = constant_dd(e)
        return None if other is None else (e, joined(e, other))
    if not (e.is_Mul or e.is_Pow):
        return None
    sched = steps(e)
    acc: DD | None = None
    for i, (fn, args) in enumerate(sched):
        ops = [acc if kind is ACC else _dd(s) for kind, s in args]
        if any(o is None for o in ops):
            return None
        last = i == len(sched) - 1
        if fn == "negative":
            (h, lo), = ops
            acc = (e if last else fmul(h, sp.Integer(-1)),
                   None if lo is None else fmul(lo, sp.Integer(-1)))
        elif fn == "square":
            (a,) = ops
            acc = dd_mul(a, a, e if last else fmul(a[0], a[0]))
        elif fn in ("multiply", "divide"):
            a, b = ops
            rule, node = (dd_mul, fmul) if fn == "multiply" else (dd_div, fdiv)
            acc = rule(a, b, e if last else node(a[0], b[0]))
        else:
            return None
    return acc


def _number_lo(c: sp.Expr) -> sp.Expr | None:
    """The residual of a number printed as the nearest double (``float_literal``)."""
    lo = c - sp.Rational(float(c) if c.is_Rational else float(sp.N(c, 40)))
    return None if lo == 0 else sp.Float(float(sp.N(lo, 40)))
