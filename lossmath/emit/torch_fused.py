"""The torch-fused target: the torch module plus one fused CPU pass per direction (numba loops).

:func:`generate` writes the torch target's module (:mod:`lossmath.emit.torch`, unchanged: it
stays the reference and the fallback) followed by a section that rebinds each loss ``NAME``
to a wrapper. The wrapper runs the fused path when it can -- CPU, contiguous, float32 or
float64 ``input`` (and ``target`` of the same shape and dtype, or None), no ``weight``,
hyperparameters that are Python numbers -- and calls the eager ``NAME`` otherwise (CPU
float16/bfloat16, broadcasting, tensor hyperparameters, ``weight``).

The fused path is a :class:`torch.autograd.Function` over numba loops generated from the same
plan and scalar schedule as the numba target (:mod:`lossmath.emit.numba_code`), printed to
vectorise (``Loop(vector=True)``): exp, expm1, log1p, tanh, logcosh and expdd through the
branch-free float64 kernels of :mod:`lossmath.emit.kernels.numba_vector` instead of libm (one
call per element kept a loop scalar: log-cosh took 3x the eager formula's time), small
integer powers as products (x*x*x, as ATen computes pow(x, 3)), and every piece and regime
computed and selected rather than branched to. float32 inputs take loops of their own where
the loss calls such a kernel: the same loop with each kernel's float32 twin
(:data:`~lossmath.emit.kernels.numba_vector.NARROW`, float64 arithmetic to 2**-34 relative,
rounded once), ``_lm_f32..._NAME``.
Outputs (the loss for ``"none"``, the gradients) are numpy arrays seen as tensors: numpy
asks for huge pages, where a fresh ``torch.empty_like`` of 10**7 floats page-faults 10**4
times. The loops:

* forward, ``reduction="mean"``/``"sum"``: one read of input and target, the subtraction and
  the loss in registers, summed per block of ``_FBLOCK`` elements in float64 (partial sums in
  a fixed order, so the result does not depend on the thread count);
* forward, ``"none"``: one pass writing the loss;
* backward: one pass writing ``g * f'(input - target)`` (g a scalar for mean/sum, a tensor
  for none); the target's gradient is its negative, made only when asked for;
* double backward (``create_graph=True``): the backward goes through the eager
  ``NAME_grad``, whose own backward is the generated Hessian, so higher derivatives are those
  of the torch target.

CUDA: float16, bfloat16 and float32 tensors take Triton kernels printed from the same plan
(:mod:`lossmath.emit.torch_triton`) where the loss's kernels fit Triton, the eager path
otherwise (and without Triton installed).

Threads: ``torch.get_num_threads()`` pieces of at least ``_FMIN`` elements, in a thread pool
(the loops release the GIL). numba compiles each loop on its first call per dtype (the cost is
measured in ``benchmarks/bench_fused.py``); nothing is compiled at import.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss
from lossmath.emit import array_modules as M
from lossmath.emit import torch as torch_target
from lossmath.emit import torch_triton
from lossmath.emit.kernels import numba_kernels, numba_vector, triton_kernels
from lossmath.emit.names import check_module, local, private
from lossmath.emit.numba_code import Loop, form_body
from lossmath.emit.numpy_runtime import FINITE_IN
from lossmath.emit.plan import Spec, edges
from lossmath.emit.plan import forms as plan_forms
from lossmath.emit.scalar import NUMPY, Constants
from lossmath.io import escape

__all__ = ["generate"]

_RUNTIME = '''

# -- the fused CPU path (numba) --------------------------------------------------------------

import concurrent.futures as _futures  # noqa: E402 (the fused section's own)
import os as _os  # noqa: E402

try:
    import numba  # noqa: E402
    import numpy as np  # noqa: E402
except ImportError:  # the eager functions above still work
    numba = None

#: elements summed per partial sum (a fixed order: the sum does not depend on the threads)
_FBLOCK = 4096
#: elements below which the fused path runs on one thread
_FMIN = 1 << 16
_FPOOLS = {}


def _jit(func):
    """No fastmath (IEEE results, no FMA contraction); error_model="numpy": x/0 is inf."""
    return numba.njit(func, error_model="numpy", nogil=True) if numba is not None else func


def _jit_sum(func):
    """The block sum alone may reassociate (so it vectorises); the loss is computed without."""
    if numba is None:
        return func
    return numba.njit(func, error_model="numpy", nogil=True, fastmath={"reassoc"})


@_jit_sum
def _fsum(buf, m):
    s = 0.0
    for i in range(m):
        s += buf[i]
    return s


def _fusable(input, target, weight, reduction, params):
    """Whether the fused path applies: CPU contiguous float32/float64 tensors of one shape,
    no weight, a known reduction, hyperparameters as nonzero Python numbers."""
    if numba is None or weight is not None or reduction not in ("none", "mean", "sum"):
        return False
    if not isinstance(input, torch.Tensor) or input.dtype not in (torch.float32, torch.float64):
        return False
    if input.device.type != "cpu" or not input.is_contiguous() or input.numel() == 0:
        return False
    if target is not None and not (
        isinstance(target, torch.Tensor) and target.dtype == input.dtype
        and target.shape == input.shape and target.device.type == "cpu"
        and target.is_contiguous()
    ):
        return False
    # a parameter at 0 may be one whose limit the eager kernels take (smooth_l1's beta = 0
    # is L1); the fused loops are the formula's
    return all(isinstance(p, numbers.Real) and not isinstance(p, bool) and p != 0
               for p in params)


def _tfusable(input, target, weight, reduction, params):
    """Whether the Triton path applies: CUDA float16/bfloat16/float32 tensors of one shape,
    no weight, hyperparameters as nonzero numbers."""
    if triton is None or weight is not None or reduction not in ("none", "mean", "sum"):
        return False
    if not isinstance(input, torch.Tensor) or input.dtype not in (
            torch.float16, torch.bfloat16, torch.float32) or input.numel() == 0:
        return False
    if not input.is_cuda:  # (the tests run _lm_triton_NAME on the CPU under the interpreter)
        return False
    if target is not None and not (isinstance(target, torch.Tensor)
                                   and target.dtype == input.dtype
                                   and target.shape == input.shape
                                   and target.device == input.device):
        return False
    # a parameter at 0 may be one whose limit the eager kernels take (smooth_l1's beta = 0
    # is L1); the fused loops are the formula's
    return all(isinstance(p, numbers.Real) and not isinstance(p, bool) and p != 0
               for p in params)


def _fcuts(n):
    k = max(1, min(torch.get_num_threads(), n // _FMIN))
    blocks = -(-n // _FBLOCK)
    return [min(n, blocks * j // k * _FBLOCK) for j in range(k + 1)]


def _frun(loop, arrays, partials, args):
    """loop(*arrays[lo:hi], [partials[lo/B:hi/B]], *args) on each piece (inputs and outputs
    of x's size in arrays), the pieces in threads."""
    cuts = _fcuts(arrays[0].size)
    k = len(cuts) - 1

    def piece(j):
        lo, hi = cuts[j], cuts[j + 1]
        parts = () if partials is None else (partials[lo // _FBLOCK: -(-hi // _FBLOCK)],)
        loop(*(a[lo:hi] for a in arrays), *parts, *args)

    if k == 1:
        piece(0)
        return
    if k not in _FPOOLS:
        _FPOOLS[k] = _futures.ThreadPoolExecutor(k - 1)
    jobs = [_FPOOLS[k].submit(piece, j) for j in range(1, k)]
    piece(0)
    for job in jobs:
        job.result()


def _flat(t):
    return t.detach().numpy().reshape(-1)


def _fempty(t):
    """An uninitialised contiguous tensor like t, in numpy's memory: numpy asks the kernel for
    huge pages on arrays of 4 MiB and more (madvise MADV_HUGEPAGE, numpy/_core/src/multiarray/
    alloc.c), so that writing 10**7 floats costs a few page faults where torch.empty_like's
    fresh mapping costs one per 4 KiB page (measured: about half of a 10**7-element copy)."""
    return torch.from_numpy(np.empty(t.shape, np.float32 if t.dtype == torch.float32
                                     else np.float64))


class _Fused(torch.autograd.Function):
    """A loss on (input, target) in one pass per direction; loops: the loss's fused loops,
    grad: the eager derivative (for double backward)."""

    @staticmethod
    def forward(input, target, reduction, loops, consts, grad):
        ab = [_flat(input)] + ([] if target is None else [_flat(target)])
        j = 1 if target is None else 0
        w = int(input.dtype == torch.float32)  # float32's loops: the narrow kernels
        if reduction == "none":
            out = _fempty(input)
            _frun(loops[0][j][w], ab + [_flat(out)], None, consts)
            return out
        partials = np.empty(-(-ab[0].size // _FBLOCK))
        _frun(loops[1][j][w], ab, partials, (_FBLOCK, *consts))
        s = float(np.sum(partials))
        return torch.tensor(s / ab[0].size if reduction == "mean" else s, dtype=input.dtype)

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, target, reduction, loops, consts, grad = inputs
        ctx.save_for_backward(input, target)
        ctx.save_for_forward(input, target)
        ctx.reduction, ctx.loops, ctx.consts, ctx.grad = reduction, loops, consts, grad
        ctx.has_target = target is not None

    @staticmethod
    def jvp(ctx, ga, gb, *_):
        """Forward-mode AD through the eager derivative (f'(x) times the tangent of x)."""
        input, target = ctx.saved_tensors
        x = input if target is None else input - target
        t = ga if ga is not None else torch.zeros_like(input)
        if target is not None and gb is not None:
            t = t - gb
        d = ctx.grad(x) * t
        if ctx.reduction == "none":
            return d
        return d.sum() / input.numel() if ctx.reduction == "mean" else d.sum()

    @staticmethod
    def backward(ctx, g):
        input, target = ctx.saved_tensors
        wanted = ctx.needs_input_grad[0] or (ctx.has_target and ctx.needs_input_grad[1])
        if not wanted:
            return None, None, None, None, None, None
        if torch.is_grad_enabled():  # create_graph: through the eager derivative
            x = input if target is None else input - target
            if ctx.reduction == "mean":
                g = g / input.numel()
            d = g * ctx.grad(x)
        else:
            ab = [_flat(input)] + ([] if target is None else [_flat(target)])
            j = 1 if target is None else 0
            w = int(input.dtype == torch.float32)
            d = _fempty(input)
            if ctx.reduction == "none":
                _frun(ctx.loops[3][j][w], ab + [_flat(g.contiguous()), _flat(d)], None, ctx.consts)
            else:
                s = float(g) / (input.numel() if ctx.reduction == "mean" else 1)
                _frun(ctx.loops[2][j][w], ab + [_flat(d)], None, (s, *ctx.consts))
        dt = None
        if ctx.has_target and ctx.needs_input_grad[1]:
            dt = -d if torch.is_grad_enabled() else torch.neg(d, out=_fempty(d))
        return d, dt, None, None, None, None
'''

#: the loops of one loss: (kind, the arrays it reads, its extra arguments, the output line)
_KINDS = (
    ("v", "", "_po", "_po[_i] = _r"),
    ("s", "", "_po, _blk", None),
    ("gs", "", "_po, _sc", "_po[_i] = _scT * _r"),
    ("gg", ", _pg", "_po", "_po[_i] = _pg[_i] * _r"),
)


def _loop(spec: Spec, label: str, n: int, kind, sub: bool, consts: Constants,
          args: list[str]) -> list[str]:
    """The loop ``_lm_LABEL_NAME``; where the plan has rare fix-ups (hypot where a*a
    overflowed), as the numba target: a fast loop that counts them without a call (so it
    vectorises), the full loop rerun on the piece when the count is not 0, and the loop
    choosing."""
    fname, fast_name, full_name = (private(label + v, spec.name) for v in ("", "fast", "full"))
    full = _one_loop(spec, full_name, n, kind, sub, consts, args, False)
    fast = _one_loop(spec, fast_name, n, kind, sub, consts, args, True)
    if not any("_f += " in t for t in fast[1]):  # no rare path: the select form alone
        return _one_loop(spec, fname, n, kind, sub, consts, args, True)[0]
    sig = full[0][1][len(f"def {full_name}("):-2]
    return fast[0] + ["", ""] + full[0] + ["", "", "@_jit", f"def {fname}({sig}):",
                                           f"    if {fast_name}({sig}):",
                                           f"        {full_name}({sig})"]


def _one_loop(spec: Spec, fname: str, n: int, kind, sub: bool, consts: Constants,
              args: list[str], fast: bool) -> tuple[list[str], list[str]]:
    key, reads, extra, store = kind
    loop = Loop(consts, fast=fast, vector=True)
    lines: list[str] = []
    r = form_body(plan_forms(spec)[n], loop, lines)
    head = ["_pa", *(["_pb"] if sub else [])]
    sig = ", ".join(head) + reads + ", " + extra + "".join(f", {a}" for a in args)
    xi = "_pa[_i] - _pb[_i]" if sub else "_pa[_i]"
    count = (["_f = 0"], ["_bad += _f"]) if fast else ([], [])
    body = ["_xi = " + xi, *count[0], *lines, *count[1], f"_r = _T({r})"]
    code = ["@_jit", f"def {fname}({sig}):", f'    """{spec.name}: a fused loop."""',
            "    _T = _pa.dtype.type"]
    code += [f"    {k} = _T({text})" for text, k in loop.narrow.items()]
    if fast:
        code.append("    _bad = 0")
    if key == "gs":
        code.append("    _scT = _T(_sc)")
    if key == "s":
        code += ["    _buf = np.empty(_blk, _pa.dtype)",
                 "    for _j in range(_po.size):",
                 "        _lo = _j * _blk",
                 "        _m = min(_blk, _pa.size - _lo)",
                 "        for _q in range(_m):",
                 "            _i = _lo + _q"]
        code += ["            " + t for t in body]
        code += ["            _buf[_q] = _r", "        _po[_j] = _fsum(_buf, _m)"]
    else:
        code.append("    for _i in range(_pa.size):")
        code += ["        " + t for t in body + [store]]
    if fast:
        code.append("    return _bad")
    return code, lines


def _narrow(lines: list[str]) -> list[str]:
    """A float32 loop's lines with each float64 kernel replaced by its float32 twin
    (:data:`~lossmath.emit.kernels.numba_vector.NARROW`); empty where it calls none."""
    found = False

    def twin(m: re.Match[str]) -> str:
        nonlocal found
        found = found or m.group(1) in numba_vector.NARROW
        return numba_vector.NARROW.get(m.group(1), m.group(1)) + "("

    out = [re.sub(r"\b(___v\w+)\(", twin, t) for t in lines]
    return out if found else []


def _section(spec: Spec) -> list[str]:
    name = spec.name
    eager = private("eager", name)
    params = [p.symbol for p in spec.loss.params]
    pnames = [p.name for p in spec.loss.params]
    # the hoisted constants under lossmath's prefix (_lm_c0): a parameter may be called c0
    consts = Constants(params, style=dataclasses.replace(NUMPY, prefix=local("c")))
    loops: list[str] = []
    names: list[list[str]] = []
    # two passes: the first registers every constant, the second prints with all names known
    for _ in range(2):
        cnames = [c for c, _, _ in consts.defs]
        args = cnames + pnames
        loops, names = [], []
        for kind in _KINDS:
            n = 0 if kind[0] in ("v", "s") else 1
            pair = []
            for sub in (True, False):
                label = f"f{kind[0]}{'' if sub else '1'}"
                loops += ["", ""] + _loop(spec, label, n, kind, sub, consts, args)
                # float32's loop: the same with the narrow kernels, where it calls one
                narrow = _narrow(_loop(spec, "f32" + label[1:], n, kind, sub, consts, args))
                loops += ["", ""] + narrow if narrow else []
                pair.append((private(label, name),
                             private("f32" + label[1:] if narrow else label, name)))
            names.append(pair)
    cnames = [c for c, _, _ in consts.defs]
    kw = M.signature(spec)
    sig = ", ".join(["input", "target=None", "*", *kw, 'reduction="mean"', "weight=None"])
    call = ", ".join(["input", "target", *(f"{p}={p}" for p in pnames),
                      "reduction=reduction", "weight=weight"])
    gcall = ", ".join(f"{p}={p}" for p in pnames)
    tcall = ", ".join(["input", "target", *(f"{p}={p}" for p in pnames), "reduction=reduction"])
    tup = "".join(f"\n    (({a[0]}, {a[1]}), ({b[0]}, {b[1]}))," for a, b in names)
    vals = ", ".join([*cnames, *pnames])
    tri, tk = torch_triton.section(spec)
    pvals = f"({', '.join(pnames)}{',' if len(pnames) == 1 else ''})"
    lx = local("x")
    grad = (f"lambda {lx}: {name}_grad({lx}, {gcall})" if pnames else f"{name}_grad")
    fit = ([f"    {', '.join(pnames)}{',' if len(pnames) == 1 else ''} = "
            f'_fit("{name}", _p, {{}})'] if pnames else [])
    if tk is not None:
        tsig = ", ".join(["input", "target=None", "*", *kw, 'reduction="mean"'])
        tri += ["", "", f"def {private('triton', name)}({tsig}):",
                f'    """{name} in one Triton kernel per direction (float32 work)."""']
        tri += ["    " + t for t in M.checks(spec, name)]
        tri += [t.format("False") for t in fit]
        # a parameter at its limit (smooth_l1's beta = 0): the kernels are the formula's
        zero = " or ".join(f"{e.param} == 0" for e in edges(spec))
        tri += [f"    if {zero}:", f"        return {eager}({tcall})"] if zero else []
        tri += [f"    return _Tfused.apply(input, target, reduction, {tk}, {pvals}, {grad})"]
    out = loops + tri + [
                   "", "", f"{private('loops', name)} = ({tup}\n)", "", "",
                   f"def {name}({sig}):",
                   f'    """{name} (see {eager}), in one fused pass per direction on CPU '
                   'where it applies."""',
                   f"    if not _fusable(input, target, weight, reduction, "
                   f"({', '.join(pnames)}{',' if len(pnames) == 1 else ''})):",
                   f"        if {tk} is not None and _tfusable(input, target, weight, reduction, "
                   f"{pvals}):" if tk else None,
                   f"            return {private('triton', name)}({tcall})" if tk else None,
                   f"        return {eager}({call})"]
    out = [t for t in out if t is not None]
    out += ["    " + t for t in M.checks(spec, name)]
    out += [t.format("input.dtype == torch.float64") for t in fit]
    prologue = consts.prologue(name)
    if any(re.search(r"\bx\b", t) for t in prologue):  # constants that read x's dtype
        out += ["    x = input.detach().numpy()"]
    out += ["    " + t for t in prologue]
    out += [f"    return _Fused.apply(input, target, reduction, {private('loops', name)}, "
            f"({vals}{',' if len(cnames) + len(pnames) == 1 else ''}), {grad})"]
    return out


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The torch module of :func:`lossmath.emit.torch.generate` with each loss's function
    rebound to its fused CPU path (see the module docstring); deterministic text."""
    base = torch_target.generate(losses, params=params, command=command)
    # the eager NAME keeps its code under a private name; NAME is the wrapper (bound once)
    for spec in M.resolve(losses, params, arguments=torch_target.TARGET.arguments,
                          modules=("annotations", *torch_target.TARGET.modules)):
        base = base.replace(f"\ndef {spec.name}(", f"\ndef {private('eager', spec.name)}(", 1)
    tt = torch_target.TARGET
    specs = M.resolve(losses, params, arguments=tt.arguments,
                      modules=("annotations", *tt.modules))
    code: list[str] = []
    for spec in specs:
        code += _section(spec)
    # no docstring in the section spans lines, so every long line is code (a condition chain)
    lines = "\n".join(code).split("\n")
    text = "\n".join(t + "  # noqa: E501" if len(t) > 100 else t for t in lines)
    extra = numba_kernels.source(text) + numba_vector.source(text)
    tprims = triton_kernels.source(text)
    if tprims:  # the stable primitives of the Triton kernels (numba_vector's, transcribed)
        tprims = "\n".join(t + "  # noqa: E501" if len(t) > 100 else t
                            for t in tprims.split("\n"))
        extra += "\n\nif triton is not None:" + tprims
    extra += FINITE_IN if "_finite_in(" in text else ""
    extra = extra.replace("\n@_jit", "\n\n@_jit")
    out = base.rstrip("\n") + "\n" + _RUNTIME + torch_triton.RUNTIME + extra + text
    out = out.rstrip("\n") + "\n"
    escape.check_python(out, [], what="module")
    public = next(ast.literal_eval(t.value) for t in ast.parse(base).body
                  if isinstance(t, ast.Assign) and getattr(t.targets[0], "id", "") == "__all__")
    check_module(out, public, tt.modules)
    return out
