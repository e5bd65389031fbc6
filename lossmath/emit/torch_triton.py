"""The Triton section of the torch-fused target: one fused kernel per direction on CUDA.

The loss's kernels are the array printer's (:class:`lossmath.emit.arrays.Printer`, the same
plan, forms and operation order as the torch target) printed for a namespace of ``@triton.jit``
helpers (``_t_where``, ``_t_clip``...), then wrapped in two launchable kernels: the forward
(load input and target, subtract in float32, the loss, store it or a per-program partial sum
in float64) and the backward (``g * f'``, g a scalar or a tensor). float16/bfloat16 are
computed in float32 and rounded once, as the eager module does.

The plan is printed as it is (:func:`lower`): the float32 steps it widens
(:func:`lossmath.emit.lower.computed_wide`) are computed in float64 with the parameters in
float64, and rounded once; the stable primitives are the branch-free float64 kernels of
:mod:`lossmath.emit.kernels.numba_vector`, transcribed
(:mod:`lossmath.emit.kernels.triton_kernels`); a parameter's limit (smooth_l1's beta = 0)
keeps the eager path. What has no Triton lowering (a primitive not transcribed, a power with
a parameter exponent) is refused here, with the reason :func:`refusal` states, rather than
at the user's first call: that loss's CUDA tensors keep the eager path.

Tested on the CPU with Triton's interpreter (``TRITON_INTERPRET=1``), which runs the kernels
as Python with numpy; a GPU compile of the same text was not run here.
"""

from __future__ import annotations

import ast
import re

from lossmath.emit import array_modules as M
from lossmath.emit.arrays import Namespace
from lossmath.emit.kernels import triton_kernels
from lossmath.emit.names import local, private
from lossmath.emit.plan import Spec, edges

__all__ = ["NAMESPACE", "RUNTIME", "lower", "refusal", "section"]

NAMESPACE = Namespace("triton", "_t_", overrides={"sign": "_t_sign({0})",
                                                 "clip": "_t_clip({args})"})

#: the helpers the kernels may call (each a @triton.jit function of RUNTIME)
_HELPERS = {"_t_where", "_t_isnan", "_t_isinf", "_t_abs", "_t_square", "_t_sqrt", "_t_exp",
            "_t_log", "_t_clip", "_t_sign", "_t_zeros_like", "_t_full_like", "_t_maximum",
            "_t_minimum", "_t_wide", "_t_narrow", "_t_sin", "_t_cos"}

RUNTIME = '''

# -- the fused CUDA path (Triton) -------------------------------------------------------------

try:
    import triton
    import triton.language as tl  # noqa: E402
    from triton.language.extra import libdevice
except ImportError:  # no Triton: CUDA tensors take the eager path
    triton = None

_TBLOCK = 1024
# libdevice (correctly rounded to ~1 ulp) on the GPU; the interpreter has no libdevice, so
# there the core functions (numpy's) stand in: what the CPU tests run
_INTERPRETED = _os.environ.get("TRITON_INTERPRET") == "1"

if triton is not None:
    @triton.jit
    def _t_where(c, a, b):
        return tl.where(c, a, b)

    @triton.jit
    def _t_isnan(a):
        return a != a

    @triton.jit
    def _t_isinf(a):
        return tl.abs(a) == float("inf")

    @triton.jit
    def _t_abs(a):
        return tl.abs(a)

    @triton.jit
    def _t_square(a):
        return a * a

    @triton.jit
    def _t_sqrt(a):
        # correctly rounded: float32's tl.sqrt is approximate, sqrt_rn takes float32 only
        if a.dtype == tl.float64:
            return tl.sqrt(a)
        return tl.sqrt_rn(a)

    @triton.jit
    def _t_exp(a):
        if _INTERPRETED:
            return tl.exp(a)
        return libdevice.exp(a)

    @triton.jit
    def _t_log(a):
        if _INTERPRETED:
            return tl.log(a)
        return libdevice.log(a)

    @triton.jit
    def _t_sin(a):
        if _INTERPRETED:
            return tl.sin(a)
        return libdevice.sin(a)

    @triton.jit
    def _t_cos(a):
        if _INTERPRETED:
            return tl.cos(a)
        return libdevice.cos(a)

    @triton.jit
    def _t_maximum(a, b):
        return tl.where((a != a) | (a > b), a, b)

    @triton.jit
    def _t_minimum(a, b):
        return tl.where((a != a) | (a < b), a, b)

    @triton.jit
    def _t_clip(a, min=None, max=None):
        """numpy's clip: NaN stays NaN (the comparisons are false)."""
        r = a
        if min is not None:
            r = tl.where(r < min, min, r)
        if max is not None:
            r = tl.where(r > max, max, r)
        return r

    @triton.jit
    def _t_sign(a):
        return tl.where(a > 0, 1.0, tl.where(a < 0, -1.0, a))

    @triton.jit
    def _t_zeros_like(a):
        return tl.zeros_like(a)

    @triton.jit
    def _t_full_like(a, v):
        return tl.zeros_like(a) + v

    @triton.jit
    def _t_wide(a):
        return a.to(tl.float64)

    @triton.jit
    def _t_narrow(a, dtype: tl.constexpr):
        return a.to(dtype)


def _tlaunch(kernel, n, *args):
    kernel[(triton.cdiv(n, _TBLOCK),)](*args, _lm_block=_TBLOCK)


class _Tfused(torch.autograd.Function):
    """A loss on (input, target) in one Triton kernel per direction."""

    @staticmethod
    def forward(input, target, reduction, kernels, params, grad):
        fwd, _ = kernels
        a = input.contiguous()
        b = a if target is None else target.contiguous()
        n = a.numel()
        if reduction == "none":
            out = torch.empty_like(a)
            _tlaunch(fwd, n, a, b, out, out, n, *params, target is not None, False)
            return out
        parts = torch.empty(triton.cdiv(n, _TBLOCK), dtype=torch.float64, device=a.device)
        _tlaunch(fwd, n, a, b, a, parts, n, *params, target is not None, True)
        s = parts.sum()
        return (s / n if reduction == "mean" else s).to(input.dtype)

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, target, reduction, kernels, params, grad = inputs
        ctx.save_for_backward(input, target)
        ctx.reduction, ctx.kernels, ctx.params, ctx.grad = reduction, kernels, params, grad
        ctx.has_target = target is not None

    @staticmethod
    def backward(ctx, g):
        input, target = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph: through the eager derivative
            x = input if target is None else input - target
            d = (g / input.numel() if ctx.reduction == "mean" else g) * ctx.grad(x)
        else:
            a = input.contiguous()
            b = a if target is None else target.contiguous()
            n = a.numel()
            d = torch.empty_like(a)
            if ctx.reduction == "none":
                gt = g.contiguous()
                _tlaunch(ctx.kernels[1], n, a, b, gt, d, n, 0.0, *ctx.params,
                         ctx.has_target, True)
            else:
                s = float(g) / (n if ctx.reduction == "mean" else 1)
                _tlaunch(ctx.kernels[1], n, a, b, a, d, n, s, *ctx.params,
                         ctx.has_target, False)
        dt = -d if ctx.has_target and ctx.needs_input_grad[1] else None
        return d, dt, None, None, None, None
'''

class _Lower(ast.NodeTransformer):
    """The array printer's Python-float and power syntax as Triton takes it:

    * ``math.inf`` -> ``float("inf")``; ``A if _double(x) else B`` -> ``B`` (x is float32
      in the kernels); a power of two numbers -> its value;
    * ``a ** k`` and ``_m.power(a, k)`` for an integer 1 <= |k| <= 4 -> a product
      (k = 1/2: ``_t_sqrt``);
    * ``_m.float(a)`` -> ``a``; ``_m.divide`` -> ``/`` (IEEE's division is numpy's);
      ``_m.NAME`` -> ``_t_NAME`` (the parameters are Triton scalars in the kernel, the
      helpers elementwise on them).

    What has no rule stays as written, and :func:`_calls` names it."""

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        text = ast.unparse(node)
        if text in ("math.inf", "math.nan", "_m.inf", "_m.nan"):
            return ast.parse(f'float("{node.attr}")', mode="eval").body
        return self.generic_visit(node)

    def _power(self, node: ast.AST, a: ast.expr, k: ast.expr) -> ast.expr:
        v = k.value if isinstance(k, ast.Constant) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if v == 0.5:
                return ast.Call(ast.Name("_t_sqrt", ast.Load()), [a], [])
            if v == int(v) and 1 <= abs(v) <= 4:
                out: ast.expr = a
                for _ in range(int(abs(v)) - 1):
                    out = ast.BinOp(out, ast.Mult(), a)
                return out if v > 0 else ast.BinOp(ast.Constant(1.0), ast.Div(), out)
        return node  # no rule: _calls refuses it

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Pow):
            return node
        a, k = node.left, node.right
        if isinstance(a, ast.Constant) and isinstance(k, ast.Constant):  # 2.0 ** 60
            return ast.Constant(float(a.value) ** k.value)
        return self._power(node, a, k)

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        # a threshold by x's precision: x is float32 in every Triton kernel (the load)
        if ast.unparse(node.test) == "_double(x)":
            return node.orelse
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        name = ast.unparse(node.func)
        if not name.startswith("_m."):
            return node
        fn, args = name[3:], node.args
        if fn == "float":
            return args[0]
        if fn == "power":
            return self._power(node, *args)
        if fn == "divide":
            return ast.BinOp(args[0], ast.Div(), args[1])
        if f"_t_{fn}" in _HELPERS or f"_t_{fn}" in triton_kernels.PRIMITIVES:
            node.func = ast.Name(f"_t_{fn}", ast.Load())
        return node


def _calls(tree: ast.AST) -> set[str]:
    """What a kernel calls (functions by name, and ``**``: a power without a rule)."""
    out = {ast.unparse(c.func) for c in ast.walk(tree) if isinstance(c, ast.Call)}
    if any(isinstance(b, ast.BinOp) and isinstance(b.op, ast.Pow) for b in ast.walk(tree)):
        out.add("**")
    return out


def lower(spec: Spec) -> tuple[list[str], bool, str | None]:
    """The Triton kernels of one loss's value and derivative (``_lm_tk0_NAME``,
    ``_lm_tk1_NAME`` and the kernels they call), whether they compute in float64
    (the plan's widened float32 steps: the parameters are then float64 in the kernel, as
    the eager module's Python floats), and why there are none where Triton cannot take one
    (``None`` where it can).

    A parameter's limit (smooth_l1's beta = 0) is not taken in the kernels: they are the
    formula's (``kNi``), and a 0 keeps the eager path (``_tfusable``)."""
    name = spec.name
    _, lines, _ = M.kernels(spec, NAMESPACE, third=False)
    text = "\n".join(lines)
    inner = "i" if edges(spec) else ""
    for n in (0, 1):
        text = re.sub(rf"\b{private(f'k{n}{inner}', name)}\(", private(f"tk{n}", name) + "(",
                      text)
    # the module's own _wide/_narrow are the torch kernels' (same names, torch code)
    text = re.sub(r"\b_(wide|narrow)\(", r"_t_\1(", text)
    prims = "|".join(p[4:] for p in triton_kernels.PRIMITIVES if p.startswith("_tp_"))
    text = re.sub(rf"\b_({prims})\(", r"_tp_\1(", text)
    defs = {d.name: d for d in ast.parse(text).body if isinstance(d, ast.FunctionDef)}
    keep, todo = [], [private("tk0", name), private("tk1", name)]
    while todo:  # the entry kernels and what they call, in the text's order
        d = defs[todo.pop()]
        if d not in keep:
            keep.append(d)
            todo += [c for c in _calls(d) if c in defs]
    keep.sort(key=lambda d: d.lineno)
    out, called = [], set()
    for d in keep:
        d = ast.fix_missing_locations(_Lower().visit(d))
        called |= _calls(d)
        out += ["", "", "@triton.jit", *ast.unparse(d).split("\n")]
    known = _HELPERS | set(triton_kernels.PRIMITIVES) | set(defs) | {"float"}
    missing = sorted(called - known)
    if missing:
        return [], False, (f"{name}: calls {', '.join(missing)}, which have no Triton "
                           "lowering (the eager path serves CUDA)")
    return out, any("_t_wide(" in t for t in out), None


def _fill(line: str, names: dict[str, str]) -> str:
    """``{key}`` in a template line replaced by ``names[key]`` (the rest of the line, which
    may hold braces of its own, untouched)."""
    return re.sub(r"\{(\w+)\}", lambda m: names.get(m.group(1), m.group(0)), line)


def refusal(spec: Spec) -> str | None:
    """Why :func:`section` gives a loss no Triton kernels, or None where it gives them."""
    return lower(spec)[2]


def section(spec: Spec) -> tuple[list[str], str | None]:
    """The Triton kernels of one loss and the name of their (forward, backward) pair, or
    ([], None) where :func:`lower` refuses them."""
    name = spec.name
    kern, wide, reason = lower(spec)
    if reason is not None:
        return [], None
    tk0, tk1 = private("tk0", name), private("tk1", name)
    out = ["    " + t if t else "" for t in kern]
    params = [p.name for p in spec.loss.params]
    pargs = "".join(f", {p}" for p in params)
    # the kernels' own arguments under lossmath's prefix: a parameter may be called n or scale
    L = {k: local(k) for k in ("a", "b", "o", "s", "g", "n", "scale", "hasb", "reduce",
                                "gtensor", "block")}
    load = ["        _n = tl.program_id(0) * {block} + tl.arange(0, {block})",
            "        _ok = _n < {n}",
            "        _a = tl.load({a} + _n, mask=_ok, other=0.0)",
            "        x = _a.to(tl.float32)",
            "        if {hasb}:  # in float32, not rounded to half first: as the eager module",
            "            x = x - tl.load({b} + _n, mask=_ok, other=0.0).to(tl.float32)"]
    # the kernels' results are float32 values, as the eager module's (a select of a float64
    # constant may leave them float64): rounded to float32 first, then once to half (the
    # interpreter's float64 -> bfloat16 cast is wrong: measured 2.8e-40 for tukey's 3.59)
    # float64 work: the parameters (float32 values, rounded by _fit) exactly as float64
    widen = [f"        {p} = tl.cast({p}, tl.float64)" for p in params] if wide else []
    fwd, bwd, pair = (private(k, name) for k in ("tfwd", "tbwd", "tkernels"))
    kernels = [
        "", "", "    @triton.jit",
        f"    def {fwd}({{a}}, {{b}}, {{o}}, {{s}}, {{n}}{pargs}, {{hasb}}: tl.constexpr,",
        "            {reduce}: tl.constexpr, {block}: tl.constexpr):",
        f'        """{name}: the loss, stored or summed per program (float64)."""',
        *load, *widen,
        f"        _v = {tk0}(x{pargs}).to(tl.float32)",
        "        if {reduce}:",
        "            _w = tl.where(_ok, _v.to(tl.float64), 0.0)",
        "            tl.store({s} + tl.program_id(0), tl.sum(_w, axis=0))",
        "        else:",
        "            tl.store({o} + _n, _v.to(_a.dtype), mask=_ok)",
        "", "", "    @triton.jit",
        f"    def {bwd}({{a}}, {{b}}, {{g}}, {{o}}, {{n}}, {{scale}}{pargs}, "
        "{hasb}: tl.constexpr,",
        "            {gtensor}: tl.constexpr, {block}: tl.constexpr):",
        f'        """{name}: g * the derivative (g a scalar or a tensor)."""',
        *load, *widen,
        f"        _d = {tk1}(x{pargs}).to(tl.float32)",
        "        if {gtensor}:",
        "            _g = tl.load({g} + _n, mask=_ok, other=0.0).to(_d.dtype)",
        "        else:",
        "            _g = {scale}",
        "        tl.store({o} + _n, (_g * _d).to(_a.dtype), mask=_ok)"]
    out += [_fill(t, L) for t in kernels]
    return ["", "", "if triton is not None:", "    pass", *out,
            "", "", f"{pair} = ({fwd}, {bwd}) if triton is not None else None"], pair
