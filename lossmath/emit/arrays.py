"""The array-namespace printer: a planned form as elementwise array code (torch, JAX, array API).

One printer serves every library whose functions follow the array API standard's names:
expressions are printed against a namespace prefix (``torch.``, ``jnp.``, ``xp.``) from one
table of known functions, with a few overrides per target (:class:`Namespace`), in the manner
of sympy's printers. What is computed comes from the plan (:mod:`lossmath.emit.plan`: the
recognised forms, the stable rewrites, the owners of breakpoints, the limits and the safe
points); the order of the floating-point operations is the target-neutral schedule of
:mod:`lossmath.emit.lower`, the numpy target's, so both round alike wherever the libraries'
functions do.

How a form becomes array code:

* :class:`~lossmath.emit.forms.Clip`, :class:`~lossmath.emit.forms.HuberLike`: ``clip`` and
  the same ``((g*k + x) - x0)*g + f0`` as numpy, no branches;
* :class:`~lossmath.emit.forms.Steps`: nested ``where`` over the comparisons, the owner's value
  at a breakpoint of its own, NaN kept;
* :class:`~lossmath.emit.forms.Single`: the expression on the whole array;
* :class:`~lossmath.emit.forms.Masked`: each piece evaluated on ``where(mask, x, safe)``, with
  ``safe`` a point strictly inside the piece's interval (:func:`~lossmath.emit.plan.safe_point`),
  and the pieces joined by ``where``: the "double where" trick, so an unused singular piece
  gives neither inf/NaN values nor NaN derivatives in autodiff (JAX's FAQ; jax-ml/jax#1052).
  Regimes by ``|x|`` are joined the same way, each on its own safe point. NaN satisfies no
  mask: it gets the NaN fill. +-inf get the limits where the outer piece would not give them.
* float32: as in the numpy target, a single expression or a piece that takes more than one
  rounding (:func:`~lossmath.emit.lower.computed_wide`, the plan's rule for every target), and
  every stable primitive, is computed in float64 and rounded once (``_wide``/``_narrow``, which
  each target defines; a target without float64, JAX without x64, computes in float32).

The stable primitives (softplus, logcosh, ...) have one array implementation each
(:mod:`lossmath.emit.kernels.array_kernels`), the numpy kernels' formulas and regimes written
with ``where``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.codegen.cfunctions import hypot

from lossmath.base.symbols import x
from lossmath.emit.forms import Clip, Form, HuberLike, Masked, Run, Single, Steps
from lossmath.emit.kernels import array_kernels
from lossmath.emit.lower import (
    ACC,
    ELEMENTWISE,
    PRIMITIVES,
    computed_wide,
    has_x,
    plan_of,
    steps,
)
from lossmath.emit.plan import UnsupportedExpression, safe_points
from lossmath.emit.scalar import ARRAYS, Constants
from lossmath.numerics.regimes import Plan
from lossmath.numerics.rewrite import stabilise

__all__ = ["Namespace", "Printer", "SCALAR_MATH", "primitive_source"]

#: neutral operation (:mod:`lossmath.emit.lower`) -> the array API's function name
_API: dict[str, str] = {op: op.replace("arc", "a") for op in ELEMENTWISE.values()}
_API.update({"sqrt": "sqrt", "square": "square"})
_BINARY = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/"}


@dataclass(frozen=True)
class Namespace:
    """How one target spells array code.

    ``prefix`` goes before every array function (``"torch."``); ``takes_xp``: kernels and
    helpers receive the namespace as their first argument ``xp`` (the array API module, which
    learns it from its input); ``overrides`` maps an array API function name to a template
    (``"_sign({0})"``: torch's ``sign`` of NaN is 0, not NaN).
    """

    name: str
    prefix: str
    takes_xp: bool = False
    overrides: Mapping[str, str] = field(default_factory=dict)

    def fn(self, name: str, *args: str) -> str:
        if name in self.overrides:  # "{0}".. the arguments, "{args}" all of them
            return self.overrides[name].format(*args, args=", ".join(args))
        return f"{self.prefix}{name}({', '.join(args)})"

    @property
    def xp(self) -> str:
        """The leading argument of kernels and helpers (``"xp, "`` or nothing)."""
        return "xp, " if self.takes_xp else ""


class _Expressions:
    """Expressions in ``x`` as array code: the numpy target's operations in its order (one
    rounding each, the same sequence), printed infix; a node used more than once is
    computed once, into ``_eK``."""

    def __init__(self, ns: Namespace, consts: Constants, lines: list[str], names: Counter):
        self.ns, self.consts, self.lines, self.names = ns, consts, lines, names

    def compile(self, e: sp.Expr, src: str) -> str:
        e = stabilise(e)
        if not has_x(e):
            return self.consts.ref(e)
        refs: Counter = Counter()
        self._count(e, refs, set())
        memo: dict[sp.Expr, str] = {}
        return self._code(e, src, refs, memo)

    def _count(self, e: sp.Expr, refs: Counter, seen: set) -> None:
        if e == x or not has_x(e):
            return
        for s in self._operands(e):
            refs[s] += 1
            if s not in seen:
                seen.add(s)
                self._count(s, refs, seen)

    def _operands(self, e: sp.Expr) -> list[sp.Expr]:
        if isinstance(e, hypot):
            return [a for a in e.args if has_x(a)]
        return [s for _, args in steps(e) for kind, s in args if kind == "op"]

    def _code(self, e: sp.Expr, src: str, refs: Counter, memo: dict) -> str:
        if e == x:
            return src
        if not has_x(e):
            return self.consts.ref(e)
        if e in memo:
            return memo[e]
        ns = self.ns
        if isinstance(e, hypot):
            a, b = (self._code(s, src, refs, memo) for s in e.args)
            code = f"_hypot({ns.xp}{a}, {b})"
        else:
            code = ""
            for fn, args in steps(e):
                parts = [
                    code if kind is ACC
                    else self._code(s, src, refs, memo) if kind == "op"
                    else self.consts.ref(s)
                    for kind, s in args
                ]
                kinds = ["op" if kind is ACC else kind for kind, _ in args]
                code = self._apply(fn, parts, kinds, e)
        if refs[e] > 1:
            name = f"_e{self.names['e']}"
            self.names["e"] += 1
            self.lines.append(f"{name} = {code}")
            code = name
        memo[e] = code
        return code

    def _apply(self, fn: str, parts: list[str], kinds: list[str], e: sp.Expr) -> str:
        ns = self.ns
        if fn in _BINARY:
            return f"({parts[0]} {_BINARY[fn]} {parts[1]})"
        if fn == "negative":
            return f"(-{parts[0]})"
        if fn == "power":
            return f"({parts[0]} ** {parts[1]})"
        if fn in ("maximum", "minimum"):
            if kinds[0] == "const":
                parts, kinds = parts[::-1], kinds[::-1]
            if kinds[1] == "const":
                side = "min" if fn == "maximum" else "max"
                return ns.fn("clip", parts[0], f"{side}={parts[1]}")
            return ns.fn(fn, *parts)
        if fn in _API:
            return ns.fn(_API[fn], *parts)
        if fn in PRIMITIVES.values():  # a stable primitive (lossmath.numerics.primitives)
            return f"_{fn}({ns.xp}{', '.join(parts)})"
        raise UnsupportedExpression(
            f"cannot emit {type(e).__name__} for {ns.name} (in {sp.sstr(e)})"
        )


class Printer:
    """Prints the forms of one loss as kernels: ``def NAME(x, params...)`` returning the
    result, elementwise on an array of the working dtype (float32 or float64)."""

    def __init__(self, ns: Namespace):
        self.ns = ns

    def kernel(self, fname: str, form: Form, params: Sequence[sp.Symbol], doc: str) -> list[str]:
        consts = Constants(params, ARRAYS, self.ns.xp)
        lines: list[str] = []
        names: Counter = Counter()
        result = self._form(form, consts, lines, names)
        sig = ", ".join([*([self.ns.xp.rstrip(", ")] if self.ns.takes_xp else []), "x",
                         *(p.name for p in params)])
        out = [f"def {fname}({sig}):", f'    """{doc}"""']
        out += [f"    {c}" for c in consts.prologue()]
        out += [f"    {t}" for t in lines]
        out.append(f"    return {result}")
        return out

    # -- forms ----------------------------------------------------------------------------

    def _form(self, form: Form, consts: Constants, lines: list[str], names: Counter) -> str:
        if isinstance(form, Clip):
            return self._clip(form, "x", consts)
        if isinstance(form, HuberLike):
            lines.append(f"_g = {self._clip(form.clip, 'x', consts)}")
            code = f"((_g * {consts.ref(form.k)}) + x)"
            if form.clip.x0 != 0:
                code = f"({code} - {consts.ref(form.clip.x0)})"
            code = f"({code} * _g)"
            if form.f0 != 0:
                code = f"({code} + {consts.ref(form.f0)})"
            return code
        if isinstance(form, Steps):
            return self._steps(form, consts, lines)
        if isinstance(form, Single):
            if not computed_wide(form):
                return _Expressions(self.ns, consts, lines, names).compile(form.expr, "x")
            lines.append(f"_xw = _wide({self.ns.xp}x)")  # float32: in float64, rounded once
            value = _Expressions(self.ns, consts, lines, names).compile(form.expr, "_xw")
            return f"_narrow({self.ns.xp}{value}, x.dtype)"
        return self._masked(form, consts, lines, names)

    def _clip(self, form: Clip, src: str, consts: Constants) -> str:
        """``clip(a*(src - x0), lo, hi)`` with the numpy target's operations: subtract x0,
        negate, multiply by the numerator, divide by the denominator (x/beta is exactly 1
        at x = beta; x*(1/beta) need not be)."""
        code = src
        if form.x0 != 0:
            code = f"({code} - {consts.ref(form.x0)})"
        num, den = form.num, form.den
        if num.could_extract_minus_sign():
            num = -num
            code = f"(-{code})"
        if num != 1:
            code = f"({code} * {consts.ref(num)})"
        if den != 1:
            code = f"({code} / {consts.ref(den)})"
        bounds = []
        if form.lo is not None:
            bounds.append(f"min={consts.ref(form.lo)}")
        if form.hi is not None:
            bounds.append(f"max={consts.ref(form.hi)}")
        return self.ns.fn("clip", code, *bounds)

    def _steps(self, form: Steps, consts: Constants, lines: list[str]) -> str:
        """Nested ``where``: the constant of each interval, the owner's value at a breakpoint
        that has its own, NaN kept. Starts from ``zeros_like(x)`` so the result has x's
        dtype whatever the constants."""
        ns, ref = self.ns, consts.ref
        n = len(form.points)
        code = ns.fn("zeros_like", "x")
        for k, v in enumerate(form.values):
            if v.is_number and v == 0:
                continue
            conds = []
            if k > 0:
                op = ">=" if form.sides[k - 1] == "right" else ">"
                conds.append(f"(x {op} {ref(form.points[k - 1])})")
            if k < n:
                op = "<=" if form.sides[k] == "left" else "<"
                conds.append(f"(x {op} {ref(form.points[k])})")
            if not conds:
                code = f"({ns.fn('zeros_like', 'x')} + {ref(v)})"
                continue
            code = ns.fn("where", " & ".join(conds), ref(v), code)
        lines.append(f"_r = {code}")
        for b, side, v in zip(form.points, form.sides, form.specials):
            if side == "point":
                lines.append(f"_r = {ns.fn('where', f'x == {ref(b)}', ref(v), '_r')}")
        return ns.fn("where", ns.fn("isnan", "x"), "x", "_r")

    def _run_mask(self, run: Run, guard: tuple[bool, bool], consts: Constants) -> str | None:
        ref = consts.ref
        if run.lo is not None and run.lo == run.hi:
            return f"(x == {ref(run.lo)})"
        conds = []
        if run.lo is not None:
            conds.append(f"(x {'>=' if run.lo_closed else '>'} {ref(run.lo)})")
        elif guard[0]:
            conds.append("(x > -math.inf)")
        if run.hi is not None:
            conds.append(f"(x {'<=' if run.hi_closed else '<'} {ref(run.hi)})")
        elif guard[1]:
            conds.append("(x < math.inf)")
        if not conds:
            return None
        return " & ".join(conds) if len(conds) == 1 else f"({' & '.join(conds)})"

    def _masked(self, form: Masked, consts: Constants, lines: list[str], names: Counter) -> str:
        ns = self.ns
        guard = (not form.safe[0], not form.safe[1])
        safe = safe_points(form)
        (piece0, runs0), *others = form.regions
        plan0 = plan_of(form, piece0)
        if (not others and len(runs0) == 1 and runs0[0].lo is None and runs0[0].hi is None
                and len(plan0) == 1):
            # One piece on the whole line whose IEEE value at +-inf is not its limit: on x
            # with the infinities replaced by its safe point, the limits patched after (the
            # numpy target's path; float32 widened as a piece on its intervals is)
            inf = ns.fn("isinf", "x")
            lines.append(f"_x{piece0} = {ns.fn('where', inf, consts.ref(safe[piece0]), 'x')}")
            wide = computed_wide(form, piece0)
            if wide:
                lines.append(f"_x{piece0} = _wide({ns.xp}_x{piece0})")
            value = _Expressions(ns, consts, lines, names).compile(plan0[0].expr, f"_x{piece0}")
            lines.append(f"_r = {f'_narrow({ns.xp}{value}, x.dtype)' if wide else value}")
            return self._limits(form, (True, True), consts, lines)
        joined: list[tuple[str, str]] = []
        for piece, runs in form.regions:
            plan = plan_of(form, piece)
            masks = [self._run_mask(r, guard, consts) for r in runs]
            mname = f"_m{piece}"
            lines.append(f"{mname} = {' | '.join(m or '(x == x)' for m in masks)}")
            if len(plan) == 1 and not has_x(plan[0].expr):
                joined.append((mname, consts.ref(plan[0].expr)))
                continue
            src = f"_x{piece}"
            lines.append(f"{src} = {ns.fn('where', mname, 'x', consts.ref(safe[piece]))}")
            wide = computed_wide(form, piece)
            if wide:  # float32: in float64, rounded once (the numpy target's rule)
                lines.append(f"{src} = _wide({ns.xp}{src})")
            value = self._regimes(plan, src, safe[piece], form.table.samples, consts, lines,
                                  names)
            if wide:
                value = f"_narrow({ns.xp}{value}, x.dtype)"
            vname = f"_v{piece}"
            lines.append(f"{vname} = {value}")
            joined.append((mname, vname))
        code = ns.fn("full_like", "x", "math.nan")  # NaN satisfies no mask: it stays NaN
        for mname, value in reversed(joined):
            code = ns.fn("where", mname, value, code)
        lines.append(f"_r = {code}")
        return self._limits(form, guard, consts, lines)

    def _limits(self, form: Masked, guard: tuple[bool, bool], consts: Constants,
                lines: list[str]) -> str:
        for side, (inf, flag) in enumerate((("-math.inf", guard[0]), ("math.inf", guard[1]))):
            if flag:
                lim = consts.ref(form.limits[side])
                lines.append(f"_r = {self.ns.fn('where', f'x == {inf}', lim, '_r')}")
        return "_r"

    def _regimes(self, plan: Plan, src: str, safe: sp.Expr, samples, consts: Constants,
                 lines: list[str], names: Counter) -> str:
        """The plan on ``src``: each regime of ``|x|`` on its own elements, the others on a
        point of the regime (its lower bound, with the sign of the piece's safe point)."""
        exprs = _Expressions(self.ns, consts, lines, names)
        if len(plan) == 1:
            return exprs.compile(plan[0].expr, src)
        ns = self.ns
        ra = f"{src}a"
        lines.append(f"{ra} = {ns.fn('abs', src)}")
        sign = -1 if any(sp.sympify(safe).xreplace(s) < 0 for s in samples) else 1
        codes, lo = [], None
        for k, regime in enumerate(plan):
            hi = None if regime.upto is None else consts.bound(regime.upto)
            conds = ([] if lo is None else [f"({ra} >= {lo})"]) + (
                [] if hi is None else [f"({ra} < {hi})"])
            if not has_x(regime.expr):
                codes.append((hi, consts.ref(regime.expr)))
            else:
                at = consts.ref(safe) if lo is None else f"({'-' if sign < 0 else ''}{lo})"
                rsrc = f"{src}r{k}"
                mask = " & ".join(conds) if conds else None
                if mask is None:
                    lines.append(f"{rsrc} = {src}")
                else:
                    lines.append(f"{rsrc} = {ns.fn('where', mask, src, at)}")
                codes.append((hi, exprs.compile(regime.expr, rsrc)))
            lo = hi
        code = codes[-1][1]
        for hi, value in reversed(codes[:-1]):
            code = ns.fn("where", f"{ra} < {hi}", value, code)
        return code


# -- the stable primitives, written once for every array namespace ----------------------------


def primitive_source(code: str, ns: Namespace) -> str:
    """The definitions of the primitives ``code`` calls
    (:mod:`lossmath.emit.kernels.array_kernels`), printed for ``ns``, in a fixed order."""
    return array_kernels.source(code, ns.xp, lambda name: _prefixed(ns, name))


def _prefixed(ns: Namespace, name: str) -> str:
    if name in ns.overrides and "{" not in ns.overrides[name]:
        return ns.overrides[name]
    return f"{ns.prefix}{name}"


#: Python-float math for parameter-only constants, pasted into every array module: the scalar
#: printer (:mod:`lossmath.emit.scalar`, style ``ARRAYS``) calls ``_m.sqrt``... (numpy's names)
#: on Python floats, which return inf or NaN where ``math`` would raise (as numpy does), so no
#: parameter value the checks admit makes a call raise.
SCALAR_MATH = '''
class _m:
    """math on Python floats that returns inf/nan where math raises, as numpy would."""

    nan = math.nan
    inf = math.inf

    @staticmethod
    def _safe(fn, *args):
        try:
            return fn(*args)
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError):
            return math.nan

    @staticmethod
    def divide(a, b):
        if b == 0:
            if a == 0 or a != a:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b

    @staticmethod
    def log(v):
        return -math.inf if v == 0 else _m._safe(math.log, v)

    @staticmethod
    def power(a, b):
        if a == 0 and b < 0:
            return math.inf
        return _m._safe(math.pow, a, b)

    float = staticmethod(float)
    maximum = staticmethod(max)
    minimum = staticmethod(min)
    abs = staticmethod(abs)

    @staticmethod
    def sign(v):
        return float((v > 0) - (v < 0))


for _name in ("sqrt", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "log1p", "expm1",
              "hypot", "atan", "asin", "acos", "asinh", "acosh", "atanh"):
    # numpy spells the inverse functions arctan, ...: the scalar printer's names
    setattr(_m, _name.replace("a", "arc", 1) if _name[0] == "a" else _name,
            staticmethod(lambda *a, _f=getattr(math, _name): _m._safe(_f, *a)))
'''

