"""Scalar numba code for the planned forms: each function one fused loop over x.

The numba printer's code generation (:mod:`lossmath.emit.numba` assembles the module): each
form becomes the body of one loop, a scalar ``if`` chain over the same planned pieces as the
numpy target, and, operation for operation, the target-neutral schedule of
:mod:`lossmath.emit.lower` (the same operations in the same order, in the same precision --
float32 where numpy computes in float32, float64 and one rounding where it widens).
``+ - * /`` and ``sqrt`` give numpy's bits; ``abs``, ``sign``, ``maximum``, ``minimum``,
``clip`` and ``heaviside`` are written out with numpy's behaviour at signed zeros and NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.codegen.cfunctions import hypot

from lossmath.base.symbols import x
from lossmath.emit.forms import Clip, Form, HuberLike, Masked, Run, Single, Steps
from lossmath.emit.kernels.numba_kernels import has_fast
from lossmath.emit.kernels.numba_vector import SCALAR as VECTOR
from lossmath.emit.lower import (
    ACC,
    PRIMITIVES,
    computed_wide,
    hypot_args,
    plan_of,
    primitive,
    steps,
)
from lossmath.emit.plan import UnsupportedExpression
from lossmath.emit.scalar import Constants
from lossmath.numerics.regimes import DtypeBound, Plan
from lossmath.numerics.rewrite import stabilise

__all__ = ["Loop", "form_body", "huber", "clip", "masked", "single"]

#: Scalar versions of the numpy ufuncs the schedule names (float32 in, float32 out).
_BINARY = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/"}
_MATH = {
    "sqrt": "math.sqrt",
    "exp": "math.exp",
    "log": "math.log",
    "log1p": "math.log1p",
    "expm1": "math.expm1",
    "sin": "math.sin",
    "cos": "math.cos",
    "tan": "math.tan",
    "sinh": "math.sinh",
    "cosh": "math.cosh",
    "tanh": "math.tanh",
    "arctan": "math.atan",
    "arcsin": "math.asin",
    "arccos": "math.acos",
    "arcsinh": "math.asinh",
    "arccosh": "math.acosh",
    "arctanh": "math.atanh",
    "hypot": "math.hypot",
    "power": "math.pow",
}


class Loop:
    """The statements of one fused loop: the body's lines, its temporaries ``_t0, ...`` and
    the constants it uses in the working dtype (``_k0 = _T(c0)``, set once before the loop).

    A constant enters float32 arithmetic as numpy's weak Python floats do: rounded to
    float32 first (NEP 50); in a piece numpy widens to float64 it stays a float64.
    """

    def __init__(self, consts: Constants, fast: bool = False, vector: bool = False):
        self.consts = consts
        self.narrow: dict[str, str] = {}
        self.count = 0
        #: the fast variant: rare fix-ups (hypot where sqrt(a*a + q*q) overflowed) are not
        #: taken but counted in ``_bad``, so that the loop has no call and vectorises; the
        #: kernel reruns the full loop when the count is not 0
        self.fast = fast
        #: vectorisable code (the torch-fused target): exp, expm1, log1p, tanh and logcosh
        #: through the branch-free float64 kernels of
        #: :mod:`lossmath.emit.kernels.numba_vector` (rounded once to the working dtype),
        #: squares and cubes as products, and (with ``fast``) every regime computed and
        #: selected; the numba target keeps libm's functions and numpy's operations
        self.vector = vector

    def new(self) -> str:
        self.count += 1
        return f"_t{self.count - 1}"

    def cast(self, text: str, ctx: str) -> str:
        if ctx == "wide":
            return text
        if text not in self.narrow:
            self.narrow[text] = f"_k{len(self.narrow)}"
        return self.narrow[text]

    def const(self, e: sp.Expr, ctx: str) -> str:
        return self.cast(self.consts.ref(e), ctx)

    def bound(self, b: sp.Expr | DtypeBound, ctx: str) -> str:
        return self.cast(self.consts.bound(b), ctx)


class _Scalar:
    """Scalar code for expressions in x: one statement per ufunc call of the numpy printer's
    schedule, in its order, in the precision ``ctx`` (``"work"``: the kernel's dtype; ``"wide"``:
    float64). Identical subexpressions are computed once, as there."""

    def __init__(self, loop: Loop, ctx: str, xname: str, lines: list[str]):
        self.loop, self.ctx, self.xname, self.lines = loop, ctx, xname, lines
        self.memo: dict[sp.Expr, str] = {}

    def const(self, e: sp.Expr) -> str:
        return self.loop.const(e, self.ctx)

    def value(self, e: sp.Expr) -> str:
        if e == x:
            return self.xname
        if x not in e.free_symbols:
            return self.const(e)
        if e in self.memo:
            return self.memo[e]
        sched = steps(e)
        for _, args in sched:
            for kind, s in args:
                if kind == "op":
                    self.value(s)
        dest = self.loop.new()
        for fn, args in sched:
            if fn in PRIMITIVES.values():
                self._helper(e, args, dest)
                continue
            codes = [dest if kind is ACC else self.value(s) if kind == "op"
                     else self.const(s) for kind, s in args]
            if self.loop.vector and fn == "power" and args[1][0] != "op" and (
                    args[1][1] in (2, 3)):
                # x*x*x: torch's pow(x, 3) (ATen's pow_tensor_scalar kernel multiplies for
                # 2 and 3); libm's pow would keep the loop scalar
                self.lines.append(f"{dest} = {' * '.join([codes[0]] * int(args[1][1]))}")
                continue
            self.lines.append(f"{dest} = {self._op(fn, codes)}")
        if isinstance(e, hypot) and hypot_args(e)[0] is not None:
            c, u = hypot_args(e)  # sqrt(c**2 + u**2) overflowed: numpy redoes it with hypot
            if self.loop.fast:
                self.lines.append(f"_f += 1 if math.isinf({dest}) else 0")
            else:
                self.lines.append(f"if math.isinf({dest}):")
                self.lines.append(f"    {dest} = math.hypot({self.const(c)}, {self.value(u)})")
        self.memo[e] = dest
        return dest

    def _helper(self, e: sp.Expr, args, dest: str) -> None:
        """A stable primitive: computed in float64 from the operand and the constants as
        Python floats (numpy's ``__wide``), rounded once to the working dtype."""
        codes = []
        for kind, s in args:
            if kind == "op":
                v = self.value(s)
                codes.append(v if self.ctx == "wide" else f"np.float64({v})")
            else:
                codes.append(self.loop.consts.ref(s))
        name = "___" + primitive(e)
        if self.loop.vector and primitive(e) in VECTOR:
            name = VECTOR[primitive(e)]
        elif self.loop.fast and has_fast(name):
            self.lines.append(f"{dest}, _b = {name}_fast({', '.join(codes)})")
            self.lines.append("_f += _b")
            if self.ctx != "wide":
                self.lines.append(f"{dest} = _T({dest})")
            return
        call = f"{name}({', '.join(codes)})"
        self.lines.append(f"{dest} = {call if self.ctx == 'wide' else f'_T({call})'}")

    def _op(self, fn: str, a: list[str]) -> str:
        if fn in _BINARY:
            return f"{a[0]} {_BINARY[fn]} {a[1]}"
        if fn == "negative":
            return f"-{a[0]}"
        if fn == "square":
            return f"{a[0]} * {a[0]}"
        if fn == "abs":
            return f"abs({a[0]})"
        if fn == "sign":  # numpy: +0.0 at -0.0 (numba's np.sign keeps -0.0), NaN at NaN
            one = self.const(sp.S.One)
            return f"({one} if {a[0]} > 0 else -{one} if {a[0]} < 0 else abs({a[0]}))"
        if fn in ("maximum", "minimum"):  # NaN if either is; the second on ties
            cmp = ">" if fn == "maximum" else "<"
            return f"({a[0]} if ({a[0]} {cmp} {a[1]} or {a[0]} != {a[0]}) else {a[1]})"
        if fn == "heaviside":
            zero, one = self.const(sp.S.Zero), self.const(sp.S.One)
            u = a[0]
            return (f"({zero} if {u} < 0 else {one} if {u} > 0 else {a[1]} if {u} == 0 "
                    f"else {u})")
        if self.loop.vector and fn in VECTOR:
            call = f"{VECTOR[fn]}({a[0] if self.ctx == 'wide' else f'np.float64({a[0]})'})"
            return call if self.ctx == "wide" else f"_T({call})"
        if fn in _MATH:
            return f"{_MATH[fn]}({', '.join(a)})"
        raise UnsupportedExpression(f"cannot emit {fn} for numba")  # pragma: no cover


# -- the bodies, one per form ---------------------------------------------------------------


def clip(form: Clip, loop: Loop, src: str, lines: list[str]) -> str:
    """``clip(a*(x - x0), lo, hi)``: numpy's order (subtract, negate, multiply, divide), then
    ``np.clip`` (which keeps x on ties, so clip(-0.0, 0, 1) is -0.0) or np.maximum/minimum."""
    k = lambda e: loop.const(e, "work")  # noqa: E731
    cur = src
    num = form.num
    ops = []
    if form.x0 != 0:
        ops.append(f"{{}} - {k(form.x0)}")
    if num.could_extract_minus_sign():
        num = -num
        ops.append("-{}")
    if num != 1:
        ops.append(f"{{}} * {k(num)}")
    if form.den != 1:
        ops.append(f"{{}} / {k(form.den)}")
    for op in ops:
        t = loop.new()
        lines.append(f"{t} = {op.format(cur)}")
        cur = t
    g = loop.new()
    if form.lo is None:
        hi = k(form.hi)
        lines.append(f"{g} = {cur} if ({cur} < {hi} or {cur} != {cur}) else {hi}")
    elif form.hi is None:
        lo = k(form.lo)
        lines.append(f"{g} = {cur} if ({cur} > {lo} or {cur} != {cur}) else {lo}")
    else:
        lo, hi = k(form.lo), k(form.hi)
        lines.append(f"{g} = {lo} if {cur} < {lo} else {hi} if {cur} > {hi} else {cur}")
    return g


def huber(form: HuberLike, loop: Loop, g: str, lines: list[str]) -> str:
    """``g*((x - x0) + k*g) + f0`` in numpy's order: g*k, + x, - x0, * g, + f0."""
    k = lambda e: loop.const(e, "work")  # noqa: E731
    v = loop.new()
    lines.append(f"{v} = {g} * {k(form.k)}")
    lines.append(f"{v} = {v} + _xi")
    if form.clip.x0 != 0:
        lines.append(f"{v} = {v} - {k(form.clip.x0)}")
    lines.append(f"{v} = {v} * {g}")
    if form.f0 != 0:
        lines.append(f"{v} = {v} + {k(form.f0)}")
    return v


def _steps_body(form: Steps, loop: Loop, lines: list[str]) -> str:
    """Sum over the intervals of (indicator) * value, as numpy sums its masks: the same
    additions, so the same signed zeros; the owner's value at a "point" breakpoint; NaN."""
    k = lambda e: loop.const(e, "work")  # noqa: E731
    r = loop.new()
    n = len(form.points)
    one, zero = k(sp.S.One), k(sp.S.Zero)
    terms = [i for i, v in enumerate(form.values) if not (v.is_number and v == 0)]
    if not terms:
        lines.append(f"{r} = {zero}")
    for j, i in enumerate(terms):
        conds = []
        if i > 0:
            op = ">=" if form.sides[i - 1] == "right" else ">"
            conds.append(f"_xi {op} {k(form.points[i - 1])}")
        if i < n:
            op = "<=" if form.sides[i] == "left" else "<"
            conds.append(f"_xi {op} {k(form.points[i])}")
        if not conds:
            lines.append(f"{r} = {k(form.values[i])}")
            continue
        term = f"({one} if {' and '.join(conds)} else {zero}) * {k(form.values[i])}"
        lines.append(f"{r} = {term}" if j == 0 else f"{r} = {r} + {term}")
    for b, side, v in zip(form.points, form.sides, form.specials):
        if side == "point":
            lines.append(f"if _xi == {k(b)}:")
            lines.append(f"    {r} = {k(v)}")
    lines.append("if _xi != _xi:")
    lines.append(f"    {r} = _xi")
    return r


def single(forms: Sequence[Single], loop: Loop, lines: list[str]) -> list[str]:
    ctx, src = _context(computed_wide(forms), lines)
    comp = _Scalar(loop, ctx, src, lines)
    return [comp.value(stabilise(f.expr)) for f in forms]


def _context(wide: bool, lines: list[str]) -> tuple[str, str]:
    """(precision, x's name) of a piece: float32 widened to float64 (rounded once when
    stored) where the plan says so (:func:`~lossmath.emit.lower.computed_wide`)."""
    if not wide:
        return "work", "_xi"
    lines.append("_xw = np.float64(_xi)")
    return "wide", "_xw"


def _run_cond(run: Run, guard: tuple[bool, bool], loop: Loop) -> str:
    k = lambda e: loop.const(e, "work")  # noqa: E731
    if run.lo is not None and run.lo == run.hi:
        return f"_xi == {k(run.lo)}"
    conds = []
    if run.lo is not None:
        conds.append(f"_xi {'>=' if run.lo_closed else '>'} {k(run.lo)}")
    elif guard[0]:
        conds.append("_xi > -np.inf")
    if run.hi is not None:
        conds.append(f"_xi {'<=' if run.hi_closed else '<'} {k(run.hi)}")
    elif guard[1]:
        conds.append("_xi < np.inf")
    return " and ".join(conds) or "_xi == _xi"


def _regimes(plan: Plan, loop: Loop, ctx: str, src: str, dest: str, lines: list[str]) -> None:
    """``dest`` = the plan's regime for ``|x|``: an ``if`` chain over the bounds."""
    ra = loop.new()
    lines.append(f"{ra} = abs({src})")
    if loop.fast and loop.vector:  # every regime, then a select (no branch)
        values = []
        for regime in plan:
            values.append(_Scalar(loop, ctx, src, lines).value(stabilise(regime.expr)))
        select = values[-1]
        for regime, v in zip(reversed(plan[:-1]), reversed(values[:-1])):
            select = f"{v} if {ra} < {loop.bound(regime.upto, ctx)} else {select}"
        lines.append(f"{dest} = {select}")
        return
    for j, regime in enumerate(plan):
        if regime.upto is None:
            head = "else:" if j else "if True:"
        else:
            word = "if" if j == 0 else "elif"
            head = f"{word} {ra} < {loop.bound(regime.upto, ctx)}:"
        lines.append(head)
        body: list[str] = []
        code = _Scalar(loop, ctx, src, body).value(stabilise(regime.expr))
        lines += ["    " + t for t in body] + [f"    {dest} = {code}"]


def masked(forms: Sequence[Masked], loop: Loop, lines: list[str]) -> list[str]:
    """Each piece on the elements where it holds, an ``if`` chain over the runs (numpy's
    masks); +-inf get the limit where the outer piece does not give it; NaN stays NaN.

    In a fast loop every branch is computed and the result selected (numba raises no
    floating-point exception, and a piece's value outside its interval is never stored), so
    that the loop has no branch and vectorises; a rare path an unused branch would take
    only costs the full loop's rerun."""
    k = lambda e: loop.const(e, "work")  # noqa: E731
    dests = [loop.new() for _ in forms]
    guard = (not all(f.safe[0] for f in forms), not all(f.safe[1] for f in forms))
    (piece, runs), *others = forms[0].regions
    plans = [plan_of(f, piece) for f in forms]
    whole = (not others and len(runs) == 1 and runs[0].lo is None and runs[0].hi is None
             and all(len(p) == 1 for p in plans))
    if whole:
        guard = (True, True)  # numpy evaluates it on x with +-inf replaced, then patches
    chain: list[tuple[str | None, list[str], list[str]]] = []  # (condition, body, results)
    for side, inf in ((0, "-np.inf"), (1, "np.inf")):
        if guard[side]:
            chain.append((f"_xi == {inf}", [], [k(f.limits[side]) for f in forms]))
    if whole:
        body: list[str] = []
        comp = _Scalar(loop, *_context(computed_wide(forms, piece), body), body)
        chain.append((None, body, [comp.value(stabilise(p[0].expr))
                                   for p in plans]))
    else:
        for piece, runs in forms[0].regions:
            plans = [plan_of(f, piece) for f in forms]
            cond = " or ".join(f"({_run_cond(r, guard, loop)})" for r in runs)
            body = []
            ctx, src = _context(computed_wide(forms, piece), body)
            comp = _Scalar(loop, ctx, src, body)
            results = []
            for p in plans:
                if len(p) == 1 and x not in p[0].expr.free_symbols:
                    results.append(k(p[0].expr))
                elif len(p) == 1:
                    results.append(comp.value(stabilise(p[0].expr)))
                else:
                    results.append(loop.new())
                    _regimes(p, loop, ctx, src, results[-1], body)
            chain.append((cond, body, results))
        chain.append((None, [], ["np.nan"] * len(forms)))
    if loop.fast:
        for _, body, _ in chain:
            lines += body
        for i, d in enumerate(dests):
            select = chain[-1][2][i]
            for cond, _, results in reversed(chain[:-1]):
                select = f"{results[i]} if {cond} else {select}"
            lines.append(f"{d} = {select}")
        return dests
    for j, (cond, body, results) in enumerate(chain):
        if cond is None:
            head = "else:" if j else "if True:"
        else:
            head = f"{'if' if j == 0 else 'elif'} {cond}:"
        lines.append(head)
        lines += ["    " + t for t in body]
        lines += [f"    {d} = {r}" for d, r in zip(dests, results)]
    return dests


def form_body(form: Form, loop: Loop, lines: list[str]) -> str:
    if isinstance(form, Clip):
        return clip(form, loop, "_xi", lines)
    if isinstance(form, HuberLike):
        return huber(form, loop, clip(form.clip, loop, "_xi", lines), lines)
    if isinstance(form, Steps):
        return _steps_body(form, loop, lines)
    if isinstance(form, Single):
        return single([form], loop, lines)[0]
    return masked([form], loop, lines)[0]

