"""The Triton section of the torch-fused target: one fused kernel per direction on CUDA.

The loss's kernels are the array printer's (:class:`lossmath.emit.arrays.Printer`, the same
plan, forms and operation order as the torch target) printed for a namespace of ``@triton.jit``
helpers (``_t_where``, ``_t_clip``...), then wrapped in two launchable kernels: the forward
(load input and target, subtract, the loss, store it or a per-program partial sum in float64)
and the backward (``g * f'``, g a scalar or a tensor). float16/bfloat16 are computed in
float32 and rounded once, as the eager module does.

What the Triton compiler cannot take is refused here rather than at the user's first call: a
kernel that calls anything but the helpers, or uses ``**``, Python-float helpers (``_m``) or
the stable primitives (not yet written as Triton functions), makes :func:`section` return no
kernels for that loss, and its CUDA tensors keep the eager path.

Tested on the CPU with Triton's interpreter (``TRITON_INTERPRET=1``), which runs the kernels
as Python with numpy; a GPU compile of the same text was not run here.
"""

from __future__ import annotations

import ast
import re

from lossmath.emit import array_modules as M
from lossmath.emit.arrays import Namespace
from lossmath.emit.names import local, private
from lossmath.emit.plan import Spec

__all__ = ["NAMESPACE", "RUNTIME", "section"]

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
    def _t_narrow(a, dtype):
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

_CALL = re.compile(r"\b([A-Za-z_][A-Za-z_0-9.]*)\(")


def _triton_ok(lines: list[str]) -> bool:
    """Whether the kernel text uses only what the Triton compiler takes (see the module
    docstring)."""
    text = "\n".join(lines)
    calls = {c for c in _CALL.findall(text) if not c.startswith("def ")}
    calls -= {f.split("(")[0] for f in re.findall(r"def (\w+)\(", text)}
    if "**" in text or "_m." in text or "float(" in text:
        return False
    return calls <= _HELPERS | {"math.inf"}


def _fill(line: str, names: dict[str, str]) -> str:
    """``{key}`` in a template line replaced by ``names[key]`` (the rest of the line, which
    may hold braces of its own, untouched)."""
    return re.sub(r"\{(\w+)\}", lambda m: names.get(m.group(1), m.group(0)), line)


def section(spec: Spec) -> tuple[list[str], str | None]:
    """The Triton kernels of one loss and the name of their (forward, backward) pair, or
    ([], None) when a kernel uses what Triton cannot compile."""
    name = spec.name
    _, lines, _ = M.kernels(spec, NAMESPACE, third=False)
    text = "\n".join(lines)
    for n in range(4):  # the torch kernels' names, made the Triton kernels' own
        text = text.replace(private(f"k{n}", name) + "(", private(f"tk{n}", name) + "(")
    tk0, tk1, tk2 = (private(f"tk{n}", name) for n in range(3))
    # the module's own _wide/_narrow are the torch kernels' (same names, torch code)
    text = re.sub(r"\b_(wide|narrow)\(", r"_t_\1(", text)
    kern = text.split("\n")
    if not _triton_ok(kern[: next((i for i, t in enumerate(kern) if f"{tk2}(" in t), len(kern))]):
        return [], None
    text = text.replace("math.inf", 'float("inf")')
    defs = [t for t in ast.parse(text).body if isinstance(t, ast.FunctionDef)]
    keep = [d for d in defs if d.name in (tk0, tk1)]
    src = text.split("\n")
    out: list[str] = []
    for d in keep:
        out += ["", "", "    @triton.jit"]
        out += ["    " + t for t in src[d.lineno - 1: d.end_lineno]]
    params = [p.name for p in spec.loss.params]
    pargs = "".join(f", {p}" for p in params)
    # the kernels' own arguments under lossmath's prefix: a parameter may be called n or scale
    L = {k: local(k) for k in ("a", "b", "o", "s", "g", "n", "scale", "hasb", "reduce",
                                "gtensor", "block")}
    load = ["        _n = tl.program_id(0) * {block} + tl.arange(0, {block})",
            "        _ok = _n < {n}",
            "        _a = tl.load({a} + _n, mask=_ok, other=0.0)",
            "        x = _a.to(tl.float32)",
            "        if {hasb}:  # input - target rounded to its dtype, as the eager module",
            "            _b = tl.load({b} + _n, mask=_ok, other=0.0).to(tl.float32)",
            "            x = (x - _b).to(_a.dtype).to(tl.float32)"]
    fwd, bwd, pair = (private(k, name) for k in ("tfwd", "tbwd", "tkernels"))
    kernels = [
        "", "", "    @triton.jit",
        f"    def {fwd}({{a}}, {{b}}, {{o}}, {{s}}, {{n}}{pargs}, {{hasb}}: tl.constexpr,",
        "            {reduce}: tl.constexpr, {block}: tl.constexpr):",
        f'        """{name}: the loss, stored or summed per program (float64)."""',
        *load,
        f"        _v = {tk0}(x{pargs})",
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
        *load,
        f"        _d = {tk1}(x{pargs})",
        "        if {gtensor}:",
        "            _g = tl.load({g} + _n, mask=_ok, other=0.0).to(_d.dtype)",
        "        else:",
        "            _g = {scale}",
        "        tl.store({o} + _n, (_g * _d).to(_a.dtype), mask=_ok)"]
    out += [_fill(t, L) for t in kernels]
    return ["", "", "if triton is not None:", "    pass", *out,
            "", "", f"{pair} = ({fwd}, {bwd}) if triton is not None else None"], pair
