"""Three-address numpy code for the planned forms: one ufunc call per operation, in blocks.

The numpy printer's code generation (:mod:`lossmath.emit.numpy` assembles the module): each
form of :mod:`lossmath.emit.forms` becomes statements over the block ``xb`` and the output
blocks, following the target-neutral schedule of :mod:`lossmath.emit.lower` (operation names
mapped to numpy calls by :data:`CALLS`), with the constants of :mod:`lossmath.emit.scalar`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.codegen.cfunctions import hypot

from lossmath.base.symbols import x
from lossmath.emit.forms import Clip, Form, HuberLike, Masked, Run, Single, Steps
from lossmath.emit.lower import (
    ACC,
    PRIMITIVES,
    computed_wide,
    has_x,
    hypot_args,
    plan_of,
    steps,
)
from lossmath.emit.scalar import Constants
from lossmath.numerics.regimes import DtypeBound, Plan
from lossmath.numerics.rewrite import stabilise

__all__ = ["CALLS", "Body", "Compiler", "form_body", "clip_body", "huber_body", "masked_body",
           "single_body"]

#: neutral operation -> numpy call: ``np.NAME`` for the arithmetic and the ufuncs, the
#: pasted kernel ``__NAME`` (:mod:`lossmath.emit.kernels.numpy_kernels`) for a primitive.
CALLS: dict[str, str] = {
    op: f"np.{op}" for op in (
        "add", "subtract", "multiply", "divide", "negative", "square", "sqrt", "power",
        "maximum", "minimum", "heaviside", "hypot", "exp", "log", "abs", "sign", "sin", "cos",
        "tan", "sinh", "cosh", "tanh", "arctan", "arcsin", "arccos", "arcsinh", "arccosh",
        "arctanh", "log1p", "expm1",
    )
}
CALLS.update({op: f"__{op}" for op in PRIMITIVES.values()})


class Compiler:
    """Three-address code for expressions in ``x``: one ufunc call per operation.

    With ``alloc=False`` every intermediate lives in a scratch buffer ``t0, t1, ...`` (a block
    slice from ``_blocks``) and results go into the given output buffers; a buffer is reused
    as soon as the value in it is dead. With ``alloc=True`` (the masked path, whose arrays
    are compressed subsets) the first call of a node allocates its result, named ``s0, ...``.
    Identical subexpressions (sympy's canonical forms make them equal) are computed once.
    """

    def __init__(self, consts: Constants, xname: str, *, alloc: bool):
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
        if e == x or not has_x(e) or e in seen:
            return
        seen.add(e)
        for _, args in steps(e):
            for kind, s in args:
                if kind == "op" and s != x:
                    self.refs[s] += 1
                    self._count(s, seen)

    def _code(self, kind, s, dest: str) -> str:
        if kind is ACC:
            return dest
        if kind == "const":
            return self.consts.ref(s)
        return self.xname if s == x else self.memo[s]

    def _emit(self, e: sp.Expr, dest: str | None = None) -> str:
        if e == x:
            return self.xname
        if e in self.memo:
            return self.memo[e]
        sched = steps(e)
        ops = [s for _, args in sched for kind, s in args if kind == "op" and s != x]
        for s in ops:
            self._emit(s)
        fixup = isinstance(e, hypot) and hypot_args(e)[0] is not None
        if dest is None:
            # Reuse a buffer whose value dies here, if the first call is what reads it (not
            # for hypot, whose fix-up reads its operand again).
            first = [s for kind, s in sched[0][1] if kind == "op" and s != x and not fixup]
            for s in first:
                reg = self.memo[s]
                if reg in self.scratch and self.refs[s] == ops.count(s) == first.count(s):
                    dest = reg
                    break
            else:
                dest = self._new()
        for i, (fn, args) in enumerate(sched):
            codes = ", ".join(self._code(kind, s, dest) for kind, s in args)
            if self.alloc and i == 0 and dest not in self.born and dest in self.scratch:
                self.lines.append(f"{dest} = {CALLS[fn]}({codes})")
                self.born.add(dest)
            else:
                self.lines.append(f"{CALLS[fn]}({codes}, out={dest})")
        if self.alloc:
            self.born.add(dest)
        if fixup:
            c, u = hypot_args(e)
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
            code = self._emit(e, dest) if has_x(e) else self.consts.ref(e)
            if dest is not None and code != dest:
                if has_x(e):
                    self.lines.append(f"np.copyto({dest}, {code})")
                else:  # a constant output: keep NaN (np.copyto where x is not NaN)
                    raise AssertionError("constants are emitted as Steps")
                code = dest
            results[i] = code
            self.refs[e] -= 1
        return [results[i] for i in range(len(outputs))]


# -- bodies of the block loop, one per form -----------------------------------------------


@dataclass
class Body:
    """Statements of the block loop (over ``xb`` and the output blocks).

    ``shortcut`` is ``(condition, statements)``: a one-pass version that the kernel runs on
    the whole arrays, before and instead of the loop, when the condition holds at run time.
    """

    lines: list[str] = field(default_factory=list)
    floats: int = 0
    bools: int = 0
    shortcut: tuple[str, list[str]] | None = None


def clip_body(
    form: Clip, src: str, dest: str, consts: Constants, body: Body, alone: bool = False
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


def huber_body(form: HuberLike, g: str, dest: str, consts: Constants, body: Body) -> None:
    """``dest = g*((x - x0) + k*g) + f0`` from the clipped gradient in ``g``."""
    body.lines.append(f"# f = {form.text()}")
    body.lines.append(f"np.multiply({g}, {consts.ref(form.k)}, out={dest})")
    body.lines.append(f"np.add({dest}, xb, out={dest})")
    if form.clip.x0 != 0:
        body.lines.append(f"np.subtract({dest}, {consts.ref(form.clip.x0)}, out={dest})")
    body.lines.append(f"np.multiply({dest}, {g}, out={dest})")
    if form.f0 != 0:
        body.lines.append(f"np.add({dest}, {consts.ref(form.f0)}, out={dest})")


def _steps_body(form: Steps, dest: str, consts: Constants, body: Body) -> None:
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


def single_body(forms: Sequence[Single], dests: Sequence[str], consts, body: Body) -> None:
    for f, d in zip(forms, dests):
        body.lines.append(f"# {_LABELS[d]}{sp.sstr(f.expr)}")
    if computed_wide(forms):
        # float32: in float64, rounded once when stored (as a piece of a masked form)
        body.lines.append("xs = _wide(xb)")
        comp = Compiler(consts, "xs", alloc=True)
        codes = comp.compile([(f.expr, None) for f in forms])
        body.lines += comp.lines
        body.lines += [f"{d}[...] = {code}" for d, code in zip(dests, codes)]
        return
    comp = Compiler(consts, "xb", alloc=False)
    comp.compile([(f.expr, d) for f, d in zip(forms, dests)])
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


def _regime_lines(plan: Plan, src: str, consts: Constants) -> list[str]:
    """Statements that set ``rv`` to the plan on the elements of ``src``: each regime's
    expression on the elements with ``|x|`` in its range only (NaN takes the last)."""
    lines = [f"ra = np.abs({src})"]
    first = plan[0]
    if isinstance(first.upto, DtypeBound) and has_x(first.expr):
        # overflow regimes are rare in data: when no element needs one, no masks at all
        lines.append(f"if np.less(ra, {consts.bound(first.upto)}).all():")
        comp = Compiler(consts, src, alloc=True)
        (code,) = comp.compile([(first.expr, None)])
        lines += ["    " + t for t in comp.lines] + [f"    rv = {code}", "else:"]
        return lines + ["    " + t for t in _regime_steps(plan, src, consts)]
    return lines + _regime_steps(plan, src, consts)


def _regime_steps(plan: Plan, src: str, consts: Constants) -> list[str]:
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
        if has_x(regime.expr):
            lines.append(f"xr = {src}[rk]")
            comp = Compiler(consts, "xr", alloc=True)
            (code,) = comp.compile([(regime.expr, None)])
            lines += comp.lines
            lines.append(f"rv[rk] = {code}")
        else:
            lines.append(f"rv[rk] = {consts.ref(regime.expr)}")
        lo = hi
    return lines


def masked_body(forms: Sequence[Masked], dests: Sequence[str], consts, body: Body) -> None:
    """Each piece, as written, on the elements where it holds (``xb[mask]``), so an unused
    piece never overflows, divides by zero or warns; +-inf get the limit where the outer
    piece would not produce it itself. NaN satisfies no comparison: it keeps the NaN fill.
    A piece the numerics stage split into regimes is evaluated regime by regime."""
    ref = consts.ref
    guard = (not all(f.safe[0] for f in forms), not all(f.safe[1] for f in forms))
    (piece, runs), *others = forms[0].regions
    plans = [plan_of(f, piece) for f in forms]
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
        if computed_wide(forms, piece):
            # float32: in float64, rounded once when stored (Welsch's x*exp(-(x/c)**2),
            # subnormal in float32 from |x| = 29.8, lost 10 ulp in a float32 chain)
            body.lines.append("xs = np.where(m0, 0.0, _wide(xb))  # +-inf: patched below")
            body.lines.append(f"# {'; '.join(sp.sstr(e) for e in exprs)}")
            comp = Compiler(consts, "xs", alloc=True)
            codes = comp.compile([(e, None) for e in exprs])
            body.lines += comp.lines
            for d, code in zip(dests, codes):
                body.lines.append(f"{d}[...] = {code}")
        else:
            comp = Compiler(consts, "", alloc=False)
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
        plans = [plan_of(f, piece) for f in forms]
        exprs = [p[-1].expr for p in plans]
        where = " or ".join(_run_text(r) for r in runs)
        body.lines.append(f"# {'; '.join(sp.sstr(e) for e in exprs)} where {where}")
        for i, run in enumerate(runs):
            if i == 0:
                body.lines += _run_mask(run, guard, consts, "m0", "m1")
            else:
                body.lines += _run_mask(run, guard, consts, "m1", "m2")
                body.lines.append("np.logical_or(m0, m1, out=m0)")
        live = [(p[0].expr, d) for p, d in zip(plans, dests) if len(p) == 1 and has_x(p[0].expr)]
        for p, d in zip(plans, dests):
            if len(p) == 1 and not has_x(p[0].expr):
                body.lines.append(f"np.copyto({d}, {ref(p[0].expr)}, where=m0)")
        if live or any(len(p) > 1 for p in plans):
            if computed_wide(forms, piece):
                # float32: the piece in float64, rounded once when stored in the output
                # (a float32 chain of roundings loses up to a few ulp that this does not)
                body.lines.append("xs = _wide(xb[m0])")
            else:
                body.lines.append("xs = xb[m0]")
        if live:
            comp = Compiler(consts, "xs", alloc=True)
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


def form_body(form: Form, dest: str, consts: Constants, body: Body) -> None:
    if isinstance(form, Clip):
        clip_body(form, "xb", dest, consts, body, alone=True)
    elif isinstance(form, HuberLike):
        reg = f"t{body.floats}"
        body.floats += 1
        clip_body(form.clip, "xb", reg, consts, body)
        huber_body(form, reg, dest, consts, body)
    elif isinstance(form, Steps):
        _steps_body(form, dest, consts, body)
    elif isinstance(form, Single):
        part = Body()
        single_body([form], [dest], consts, part)
        body.lines += part.lines
        body.floats = max(body.floats, part.floats)
    else:
        part = Body()
        masked_body([form], [dest], consts, part)
        body.lines += part.lines
        body.bools = max(body.bools, part.bools)

