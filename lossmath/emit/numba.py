"""The numba printer: the numpy target's module with each function one fused loop over memory.

:func:`generate` writes a Python module that imports numpy and numba (and the standard
library's ``math``, ``numbers``, ``os``, ``sys`` and ``concurrent.futures``) and nothing else.
It has the numpy target's API and semantics -- ``NAME``, ``NAME_grad``, ``NAME_hess``,
``NAME_value_and_grad``, keyword-only parameters, ``out=``, dtypes kept, scalar in gives scalar
out, NaN and +-inf as documented -- plus a ``threads=`` keyword.

How its results agree with the numpy target's (``tests/test_codegen_numba.py`` measures it):

* the Python side is the numpy target's own runtime text (``_param``, ``_outputs``, ``_run``
  from :mod:`lossmath.emit.numpy_runtime`), so argument handling, dtype rules, scalars,
  ``out=`` and parameter errors are the same code; the parameter-only constants are computed
  by the numpy printer's ``_Constants`` prologue, in the same Python floats;
* each kernel is one ``@numba.njit`` loop whose body is a scalar ``if`` chain over the same
  planned forms (:func:`lossmath.emit.plan.forms`): the same pieces and owners, the same
  stable rewrites and regimes, and, operation for operation, the numpy printer's three-address
  schedule (its ``_steps``: the same operations in the same order, in the same precision --
  float32 where numpy computes in float32, float64 and one rounding where it widens);
* numba compiles without ``fastmath``, and LLVM does not contract ``a*b + c`` into an FMA
  without it, so ``+ - * /`` and ``sqrt`` give the same bits; ``abs``, ``sign``, ``maximum``,
  ``minimum``, ``clip`` and ``heaviside`` are written out with numpy's behaviour at signed
  zeros and NaN. What can differ is a transcendental function: numba calls the C library
  (``exp``, ``log1p``, ``expf``), numpy may use its own SIMD versions (float32 ``exp``, ``log``,
  ``tanh`` on AVX2; float64 ones on AVX-512), which are within a few ulp but not always the
  same float.

Threads: ``threads=k`` cuts x into k contiguous pieces and runs the same compiled loop on each
in a thread pool (the loops release the GIL). Each element is computed by the same code
whatever the cut, so results do not depend on the thread count.

Caching: the loops are compiled on first use per dtype (float32, float64), with
``cache=True`` when the module is imported from a file (numba writes the machine code next to
it, or into ``NUMBA_CACHE_DIR``, and a cached loop re-imports its module by name); a module
executed from a string (``lossmath.compile``) has no file to key a cache on, and compiles in
every process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import sympy as sp
from sympy.codegen.cfunctions import hypot

from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.emit import docs
from lossmath.emit import numpy as numpy_printer
from lossmath.emit.forms import Clip, Form, HuberLike, Masked, Run, Single, Steps
from lossmath.emit.names import check_module, private
from lossmath.emit.numba_primitives import has_fast, helper_name, helper_source
from lossmath.emit.numpy import (
    _ACC,
    _Constants,
    _hypot_args,
    _plan_of,
    _rounds_more_than_once,
    _steps,
)
from lossmath.emit.numpy_runtime import FINITE_IN, RUNTIME
from lossmath.emit.plan import (
    Spec,
    UnsupportedExpression,
    function_names,
    identifier_check,
    resolve_losses,
)
from lossmath.emit.plan import forms as plan_forms
from lossmath.io import escape
from lossmath.numerics.regimes import DtypeBound, Plan

__all__ = ["UnsupportedExpression", "generate"]

#: Elements below which threads=k still runs on one thread: a pool's dispatch (tens of
#: microseconds) costs more than it saves on a smaller piece.
MIN_CHUNK = 1 << 16

_RUNTIME_START = "# Floating-point conditions"
_RUNTIME_END = "\n\n\ndef _wide("


def _numpy_runtime() -> str:
    """The numpy target's argument handling, as it is there: ``_ERRSTATE``, ``_DOMAINS``,
    ``_param``, ``_fits``, ``_outputs`` and ``_run`` (not its block loop)."""
    text = RUNTIME.format(block=numpy_printer.BLOCK)
    return text[text.index(_RUNTIME_START): text.index(_RUNTIME_END)]


_NUMBA_RUNTIME = f'''

#: Elements below which threads=k still runs on one thread.
_MIN_CHUNK = {MIN_CHUNK}

# numba caches machine code next to the module's file, and a cached loop finds its module
# again by importing its name: so only for a module imported from a file (an exec'd module
# has no file; one executed by hand from a spec is not in sys.modules)
_CACHE = (
    isinstance(globals().get("__file__"), str)
    and os.path.isfile(__file__)
    and sys.modules.get(__name__) is not None
)


def _jit(func):
    """No fastmath (IEEE results, no FMA contraction); error_model="numpy": x/0 is inf, as
    in numpy, not ZeroDivisionError; nogil, so threads can run loops side by side."""
    return numba.njit(func, error_model="numpy", nogil=True, cache=_CACHE)


def _threads(func, threads):
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"{{func}}: threads must be a positive integer, got {{threads!r}}")
    if threads < 1:
        raise ValueError(f"{{func}}: threads must be a positive integer, got {{threads!r}}")
    return int(threads)


_POOLS = {{}}


def _loop(func, loop, threads, arrays, consts):
    """Run the compiled loop on x and the outputs (1-d, the working dtype), cut into at most
    ``threads`` contiguous pieces of at least _MIN_CHUNK elements, one per thread; return
    what the loop returns (a fast loop: how many elements needed its full version)."""
    x = arrays[0]
    if x.dtype.itemsize > 8:
        raise TypeError(
            f"{{func}}: the numba target computes in float32 or float64, not {{x.dtype}}; "
            "pass float64 input, or use the numpy target"
        )
    arrays = (np.ascontiguousarray(x), *arrays[1:])  # one compiled layout per dtype
    parts = min(threads, x.size // _MIN_CHUNK)
    if parts <= 1:
        return loop(*arrays, *consts)
    if parts not in _POOLS:
        _POOLS[parts] = concurrent.futures.ThreadPoolExecutor(parts - 1)
    cuts = [x.size * k // parts for k in range(parts + 1)]
    jobs = [
        _POOLS[parts].submit(loop, *(a[cuts[k]: cuts[k + 1]] for a in arrays), *consts)
        for k in range(1, parts)
    ]
    first = loop(*(a[: cuts[1]] for a in arrays), *consts)
    rest = [job.result() for job in jobs]
    return None if first is None else first + sum(rest)  # the fast loops count rare cases
'''

#: Scalar versions of the numpy ufuncs the schedule names (float32 in, float32 out).
_BINARY = {"np.add": "+", "np.subtract": "-", "np.multiply": "*", "np.divide": "/"}
_MATH = {
    "np.sqrt": "math.sqrt",
    "np.exp": "math.exp",
    "np.log": "math.log",
    "np.log1p": "math.log1p",
    "np.expm1": "math.expm1",
    "np.sin": "math.sin",
    "np.cos": "math.cos",
    "np.tan": "math.tan",
    "np.sinh": "math.sinh",
    "np.cosh": "math.cosh",
    "np.tanh": "math.tanh",
    "np.arctan": "math.atan",
    "np.arcsin": "math.asin",
    "np.arccos": "math.acos",
    "np.arcsinh": "math.asinh",
    "np.arccosh": "math.acosh",
    "np.arctanh": "math.atanh",
    "np.hypot": "math.hypot",
    "np.power": "math.pow",
}


class _Loop:
    """The statements of one fused loop: the body's lines, its temporaries ``_t0, ...`` and
    the constants it uses in the working dtype (``_k0 = _T(c0)``, set once before the loop).

    A constant enters float32 arithmetic as numpy's weak Python floats do: rounded to
    float32 first (NEP 50); in a piece numpy widens to float64 it stays a float64.
    """

    def __init__(self, consts: _Constants, fast: bool = False):
        self.consts = consts
        self.narrow: dict[str, str] = {}
        self.count = 0
        #: the fast variant: rare fix-ups (hypot where sqrt(a*a + q*q) overflowed) are not
        #: taken but counted in ``_bad``, so that the loop has no call and vectorises; the
        #: kernel reruns the full loop when the count is not 0
        self.fast = fast

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

    def __init__(self, loop: _Loop, ctx: str, xname: str, lines: list[str]):
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
        steps = _steps(e)
        for _, args in steps:
            for kind, s in args:
                if kind == "op":
                    self.value(s)
        dest = self.loop.new()
        for fn, args in steps:
            if helper_name(e) is not None and fn.startswith("__"):
                self._helper(e, args, dest)
                continue
            codes = [dest if kind is _ACC else self.value(s) if kind == "op"
                     else self.const(s) for kind, s in args]
            self.lines.append(f"{dest} = {self._op(fn, codes)}")
        if isinstance(e, hypot) and _hypot_args(e)[0] is not None:
            c, u = _hypot_args(e)  # sqrt(c**2 + u**2) overflowed: numpy redoes it with hypot
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
        name = helper_name(e)
        if self.loop.fast and has_fast(name):
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
        if fn == "np.negative":
            return f"-{a[0]}"
        if fn == "np.square":
            return f"{a[0]} * {a[0]}"
        if fn == "np.abs":
            return f"abs({a[0]})"
        if fn == "np.sign":  # numpy: +0.0 at -0.0 (numba's np.sign keeps -0.0), NaN at NaN
            one = self.const(sp.S.One)
            return f"({one} if {a[0]} > 0 else -{one} if {a[0]} < 0 else abs({a[0]}))"
        if fn in ("np.maximum", "np.minimum"):  # NaN if either is; the second on ties
            cmp = ">" if fn == "np.maximum" else "<"
            return f"({a[0]} if ({a[0]} {cmp} {a[1]} or {a[0]} != {a[0]}) else {a[1]})"
        if fn == "np.heaviside":
            zero, one = self.const(sp.S.Zero), self.const(sp.S.One)
            u = a[0]
            return (f"({zero} if {u} < 0 else {one} if {u} > 0 else {a[1]} if {u} == 0 "
                    f"else {u})")
        if fn in _MATH:
            return f"{_MATH[fn]}({', '.join(a)})"
        raise UnsupportedExpression(f"cannot emit {fn} for numba")  # pragma: no cover


# -- the bodies, one per form ---------------------------------------------------------------


def _clip(form: Clip, loop: _Loop, src: str, lines: list[str]) -> str:
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


def _huber(form: HuberLike, loop: _Loop, g: str, lines: list[str]) -> str:
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


def _steps_body(form: Steps, loop: _Loop, lines: list[str]) -> str:
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


def _single(forms: Sequence[Single], loop: _Loop, lines: list[str]) -> list[str]:
    comp = _Scalar(loop, "work", "_xi", lines)
    return [comp.value(numpy_printer.stabilise(f.expr)) for f in forms]


def _run_cond(run: Run, guard: tuple[bool, bool], loop: _Loop) -> str:
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


def _regimes(plan: Plan, loop: _Loop, ctx: str, src: str, dest: str, lines: list[str]) -> None:
    """``dest`` = the plan's regime for ``|x|``: an ``if`` chain over the bounds."""
    ra = loop.new()
    lines.append(f"{ra} = abs({src})")
    for j, regime in enumerate(plan):
        if regime.upto is None:
            head = "else:" if j else "if True:"
        else:
            word = "if" if j == 0 else "elif"
            head = f"{word} {ra} < {loop.bound(regime.upto, ctx)}:"
        lines.append(head)
        body: list[str] = []
        code = _Scalar(loop, ctx, src, body).value(numpy_printer.stabilise(regime.expr))
        lines += ["    " + t for t in body] + [f"    {dest} = {code}"]


def _masked(forms: Sequence[Masked], loop: _Loop, lines: list[str]) -> list[str]:
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
    plans = [_plan_of(f, piece) for f in forms]
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
        comp = _Scalar(loop, "work", "_xi", body)
        chain.append((None, body, [comp.value(numpy_printer.stabilise(p[0].expr))
                                   for p in plans]))
    else:
        for piece, runs in forms[0].regions:
            plans = [_plan_of(f, piece) for f in forms]
            cond = " or ".join(f"({_run_cond(r, guard, loop)})" for r in runs)
            body = []
            if any(_rounds_more_than_once(r.expr) for p in plans for r in p):
                # float32: the piece in float64, rounded once when stored
                ctx, src = "wide", "_xw"
                body.append("_xw = np.float64(_xi)")
            else:
                ctx, src = "work", "_xi"
            comp = _Scalar(loop, ctx, src, body)
            results = []
            for p in plans:
                if len(p) == 1 and x not in p[0].expr.free_symbols:
                    results.append(k(p[0].expr))
                elif len(p) == 1:
                    results.append(comp.value(numpy_printer.stabilise(p[0].expr)))
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


def _body(form: Form, loop: _Loop, lines: list[str]) -> str:
    if isinstance(form, Clip):
        return _clip(form, loop, "_xi", lines)
    if isinstance(form, HuberLike):
        return _huber(form, loop, _clip(form.clip, loop, "_xi", lines), lines)
    if isinstance(form, Steps):
        return _steps_body(form, loop, lines)
    if isinstance(form, Single):
        return _single([form], loop, lines)[0]
    return _masked([form], loop, lines)[0]


# -- the generated functions ------------------------------------------------------------------

#: The numpy target's modules, arguments and locals, and the numba module's own (the
#: runtime's helpers start with ``_``, the loops' names are ``_lm_loop_NAME``...).
_MODULES = numpy_printer._MODULES | {"numba", "os", "concurrent", "sys"}
_RESERVED = numpy_printer._RESERVED | {"threads"}
_check_name = identifier_check(_RESERVED, numpy_printer._RESERVED_RE, _MODULES)


def _loop_code(spec: Spec, n: int | None, forms) -> tuple[list[str], list[str]]:
    """The Python kernel ``_NAME...`` (constants from the parameters, then the loop) and the
    compiled loop ``__NAME...``."""
    names = function_names(spec.name)
    public = names[3] if n is None else names[n]
    params = [p.symbol for p in spec.loss.params]
    consts = _Constants(params)
    full = _loop_body(spec, n, forms, _Loop(consts))
    fast = _loop_body(spec, n, forms, _Loop(consts, fast=True))
    pnames = [p.name for p in spec.loss.params]
    cnames = [name for name, _, _ in consts.defs]
    outs = ["_value", "_grad"] if n is None else ["_out"]
    code = _loop_def(private("loop", public), spec, public, outs, cnames + pnames, full)
    arrays = "(x, value, grad)" if n is None else "(x, out)"
    values = [*cnames, *pnames]
    tup = f"({values[0]},)" if len(values) == 1 else f"({', '.join(values)})"
    kargs = ", ".join(["x", *(["value", "grad"] if n is None else ["out"]), *pnames])
    kernel = [f"def {private('kern', public)}({kargs}, threads=1):"]
    kernel.append(f'    """{public} on 1-d arrays of the working dtype."""')
    kernel += [f"    {c}" for c in consts.prologue(spec.name)]
    loops = [private("loop", public)]
    if fast[1] != full[1]:  # a rare path: the fast loop first, the full one if it was needed
        code = _loop_def(private("fast", public), spec, public, outs, cnames + pnames, fast) + [
            "", ""] + code
        loops.insert(0, private("fast", public))
    for i, name in enumerate(loops):
        head = "if " if i == 0 and len(loops) > 1 else ""
        call = f'{head}_loop("{public}", {name}, threads, {arrays}, {tup})'
        indent = "    " * (1 + i)
        if len(indent + call) > 99:
            call = f"\n{indent}    ".join([f"{head}_loop(", f'"{public}",', f"{name},",
                                              "threads,", f"{arrays},", f"{tup},"]) + (
                f"\n{indent})")
        if head:
            kernel.append("    # the fast loop counts the elements it cannot finish; the full one")
            kernel.append("    # (numpy's path for every element) runs when there was one")
            call += ":"
        kernel += [indent + t if j == 0 else t for j, t in enumerate(call.split("\n"))]
    return _long(kernel), _long(code)


def _loop_body(spec: Spec, n: int | None, forms, loop: _Loop):
    """(the narrow constants, the loop body's lines, the result of each output)."""
    lines: list[str] = []
    if n is None:
        f0, f1 = forms[0], forms[1]
        if isinstance(f0, HuberLike) and isinstance(f1, Clip) and f0.clip == f1:
            g = _clip(f1, loop, "_xi", lines)
            results = [_huber(f0, loop, g, lines), g]
        elif isinstance(f0, Masked) and isinstance(f1, Masked):
            results = _masked([f0, f1], loop, lines)
        elif isinstance(f0, Single) and isinstance(f1, Single):
            results = _single([f0, f1], loop, lines)
        else:
            results = [_body(f0, loop, lines), _body(f1, loop, lines)]
    else:
        results = [_body(forms[n], loop, lines)]
    return loop.narrow, lines, results


def _loop_def(name: str, spec: Spec, public: str, outs, args, body) -> list[str]:
    narrow, lines, results = body
    fast = name == private("fast", public)
    code = ["@_jit", f"def {name}({', '.join(['_x', *outs, *args])}):"]
    what = ", the rare paths counted, not taken" if fast else ""
    code.append(f'    """{public}: one pass over x{what}."""')
    code.append("    _T = _x.dtype.type")
    code += [f"    {k} = _T({text})" for text, k in narrow.items()]
    if fast:
        code.append("    _bad = 0")
    code.append("    for _i in range(_x.size):")
    code.append("        _xi = _x[_i]")
    if fast:  # per element, then summed outside the branches: the loop still vectorises
        code.append("        _f = 0")
    code += ["        " + t for t in lines]
    if fast:
        code.append("        _bad += _f")
    code += [f"        {o}[_i] = {r}" for o, r in zip(outs, results)]
    if fast:
        code.append("    return _bad")
    return code


def _long(lines: list[str]) -> list[str]:
    """Code lines over 100 characters marked for linters (a condition over many runs)."""
    # docs.noqa marks the other lines (it leaves lines indented deeper than 4 alone)
    return [t + "  # noqa: E501" if len(t) > 100 and t.startswith(" " * 5) else t
            for t in lines]


def _function_doc(spec: Spec, n: int | None, forms) -> list[str]:
    lines = numpy_printer._function_doc(spec, n, forms)
    at = lines.index("Returns") - 1
    lines[at:at] = [
        "threads : int, keyword-only",
        "    Threads to run on (default 1): x is cut into that many contiguous pieces of at "
        f"least {MIN_CHUNK} elements; the results do not depend on it.",
    ]
    return lines


def _function_code(spec: Spec, n: int | None, forms) -> list[str]:
    names = function_names(spec.name)
    fname = names[3] if n is None else names[n]
    sig = ["x", "*"]
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        sig.append(p.name if default is None else f"{p.name}={numpy_printer._literal(default)}")
    sig += ["out=None", "threads=1"]
    lines = [f"def {fname}({', '.join(sig)}):"]
    doc = docs.wrap(_function_doc(spec, n, forms), "    ")
    doc[0] = '    """' + doc[0].lstrip()
    lines += doc + ['    """']
    checks = []
    for p in spec.loss.params:
        lines.append(f'    {p.name} = _param("{fname}", "{p.name}", {p.name}, "{p.assume}")')
        checks.append(f'("{p.name}", {p.name}, "{p.assume}")')
    lines.append(f'    threads = _threads("{fname}", threads)')
    kname = private("kern", fname)
    lines.append(f"    kernel = lambda *a: {kname}(*a, threads=threads)  # noqa: E731")
    nout = 2 if n is None else 1
    call = f'    return _run(kernel, "{fname}", x, out, {nout}'
    if not checks:
        lines.append(call + ")")
    else:
        lines.append(f"{call}, (")
        lines += [f"        {c}," for c in checks]
        lines.append("    ))")
    return lines


def _module_doc(specs: Sequence[Spec]) -> list[str]:
    lines = numpy_printer._module_doc(specs)
    start = lines.index("Conventions (every function)")
    names = ", ".join(s.name for s in specs)
    head = [
        "Elementwise losses and their exact first two derivatives, each a fused numba loop.",
        "",
        "Generated by lossmath from the losses' interval tables (the header names the "
        "command that regenerates this file). It imports only numpy, numba and the standard "
        "library; without numba, importing it raises ImportError saying how to install it.",
        "",
        f"Losses: {names}. For each NAME: NAME(x), NAME_grad(x), NAME_hess(x) (the second "
        "derivative) and NAME_value_and_grad(x) -> (value, grad). Parameters are keyword-only.",
        "",
        "The numpy target's API and results: the same argument handling (this module carries "
        "its code), and each function one pass over memory computing, element by element, the "
        "same planned pieces with the same operations in the same order and precision. "
        "Transcendental functions come from the C library here, and may differ from numpy's "
        "SIMD ones by an ulp or so.",
        "",
    ]
    body = lines[start:]
    dtype = next(i for i, t in enumerate(body) if t.startswith("- dtype:"))
    body[dtype] = (
        "- dtype: float16, float32 and float64 are kept; float16 is computed in float32 and "
        "rounded once. bool and integer input (and Python numbers) give float64. Complex, "
        "longdouble and non-numeric input raise TypeError."
    )
    extra = [
        "- threads=k (keyword-only, default 1) cuts x into k contiguous pieces computed side by "
        "side; every element is computed by the same code, so the results do not depend on k.",
        "- Each loop is compiled on its first call per dtype (float32, float64) and cached next "
        "to this file (or in NUMBA_CACHE_DIR) for later processes.",
    ]
    end = body.index("Breakpoints and limits") - 1
    body[end:end] = extra
    return head + body


def _command(names: Sequence[str], params: Mapping[str, Mapping[str, object]]) -> str:
    return numpy_printer._command(names, params).replace("--target numpy", "--target numba")


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one numba module with value, gradient, Hessian and value_and_grad.

    The arguments, the result and the errors are those of :func:`lossmath.emit.numpy.generate`
    (the same losses, parameters and names are accepted, except names this module reserves:
    ``threads``, ``numba``, ``os``...).

    Examples
    --------
    >>> src = generate(["smooth_l1"])
    >>> "def smooth_l1(x, *, beta=1.0, out=None, threads=1):" in src
    True
    """
    params = dict(params or {})
    specs = resolve_losses(losses, params, _check_name)
    if command is None:
        command = _command([s.name for s in specs], params)
    mdoc = _module_doc(specs)
    out = docs.header(command)
    out += ['"""' + docs.doc(mdoc[0])]
    out += docs.wrap(mdoc[1:], "")
    out += ['"""', "", "from __future__ import annotations", "", "import concurrent.futures",
            "import math", "import numbers", "import os", "import sys", "",
            "import numpy as np", "",
            "try:", "    import numba",
            "except ImportError as _exc:  # the module says what it needs",
            "    raise ImportError(",
            '        "this module was generated by lossmath for numba, which is not installed: "',
            "        \"pip install 'lossmath[numba]' (or pip install numba)\"",
            "    ) from _exc", ""]
    public = [f for s in specs for f in function_names(s.name)]
    out.append("__all__ = [")
    out += [f'    "{f}",' for f in public]
    out.append("]")
    out += ["", ""] + _numpy_runtime().split("\n") + _NUMBA_RUNTIME.split("\n")
    code: list[str] = []
    for spec in specs:
        forms = plan_forms(spec)
        for n in (0, 1, 2, None):
            kernel, loop = _loop_code(spec, n, forms)
            code += ["", ""] + _function_code(spec, n, forms)
            code += ["", ""] + kernel + ["", ""] + loop
    text = "\n".join(code)
    extra = helper_source(text) + (FINITE_IN if "_finite_in(" in text else "")
    out += extra.replace("\n@_jit", "\n\n@_jit").split("\n") + code
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    escape.check_python(text, docs.text_fields([s.loss for s in specs]), what="module")
    check_module(text, public, _MODULES)
    return text


