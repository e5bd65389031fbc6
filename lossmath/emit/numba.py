"""The numba printer: the numpy target's module with each function one fused loop over memory.

:func:`generate` writes a Python module that imports numpy and numba (and the standard
library's ``math``, ``numbers``, ``os``, ``sys`` and ``concurrent.futures``) and nothing else.
It has the numpy target's API and semantics -- ``NAME``, ``NAME_grad``, ``NAME_hess``,
``NAME_value_and_grad``, keyword-only parameters, ``out=``, dtypes kept, scalar in gives scalar
out, NaN and +-inf as documented -- plus a ``threads=`` keyword.

How its results agree with the numpy target's (``tests/emit/test_codegen_numba.py`` measures it):

* the Python side is the numpy target's own runtime text (``_param``, ``_outputs``, ``_run``
  from :mod:`lossmath.emit.numpy_runtime`), so argument handling, dtype rules, scalars,
  ``out=`` and parameter errors are the same code; the parameter-only constants are computed
  by the same scalar printer (:mod:`lossmath.emit.scalar`), in the same Python floats;
* each kernel is one ``@numba.njit`` loop whose body is a scalar ``if`` chain over the same
  planned forms (:func:`lossmath.emit.plan.forms`): the same pieces and owners, the same
  stable rewrites and regimes, and, operation for operation, the target-neutral schedule of
  :mod:`lossmath.emit.lower` (the numpy target's operations in the same order and precision --
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

import ast
import re
from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss, LossError
from lossmath.emit import docs
from lossmath.emit.forms import Clip, HuberLike, Masked, Single
from lossmath.emit.kernels import numba_kernels
from lossmath.emit.names import check_module, private
from lossmath.emit.numba_code import Loop, clip, form_body, huber, masked, single
from lossmath.emit.numba_runtime import MIN_CHUNK, RUNTIME
from lossmath.emit.numpy_runtime import (
    FINITE_IN,
    MODULES,
    RESERVED,
    RESERVED_RE,
    arguments,
    run_call,
)
from lossmath.emit.plan import (
    Edge,
    Spec,
    UnsupportedExpression,
    domain,
    edges,
    function_names,
    identifier_check,
    resolve_losses,
)
from lossmath.emit.plan import forms as plan_forms
from lossmath.emit.scalar import Constants, literal
from lossmath.io import escape

__all__ = ["UnsupportedExpression", "generate"]

# -- the generated functions ------------------------------------------------------------------

#: The numpy target's modules, arguments and locals, and the numba module's own (the
#: runtime's helpers start with ``_``, the loops are ``_lm_loop_NAME`` and ``_lm_fast_NAME``).
_MODULES = MODULES | {"numba", "os", "concurrent", "sys"}
_RESERVED = RESERVED | {"threads"}
_check_name = identifier_check(_RESERVED, RESERVED_RE, _MODULES)


def _loop_code(spec: Spec, n: int | None, forms, tag: str = "",
               owner: str | None = None) -> tuple[list[str], list[str]]:
    """The Python kernel ``_NAME...`` (constants from the parameters, then the loop) and the
    compiled loop ``__NAME...`` (``tag``, ``owner``: of a parameter's limit,
    :class:`~lossmath.emit.plan.Edge`)."""
    names = function_names(owner or spec.name)
    public = names[3] if n is None else names[n]
    params = [p.symbol for p in spec.loss.params]
    consts = Constants(params)
    full = _loop_body(spec, n, forms, Loop(consts))
    fast = _loop_body(spec, n, forms, Loop(consts, fast=True))
    pnames = [p.name for p in spec.loss.params]
    cnames = [name for name, _, _ in consts.defs]
    outs = ["_value", "_grad"] if n is None else ["_out"]
    code = _loop_def(private(f"{tag}loop", public), spec, public, outs, cnames + pnames, full)
    arrays = "(x, value, grad)" if n is None else "(x, out)"
    values = [*cnames, *pnames]
    tup = f"({values[0]},)" if len(values) == 1 else f"({', '.join(values)})"
    kargs = ", ".join(["x", *(["value", "grad"] if n is None else ["out"]), *pnames])
    kernel = [f"def {private(f'{tag}kern', public)}({kargs}, threads=1):"]
    kernel.append(f'    """{public} on 1-d arrays of the working dtype."""')
    kernel += [f"    {c}" for c in consts.prologue(spec.name)]
    loops = [private(f"{tag}loop", public)]
    if fast[1] != full[1]:  # a rare path: the fast loop first, the full one if it was needed
        code = _loop_def(private(f"{tag}fast", public), spec, public, outs, cnames + pnames,
                         fast, rare=True) + [
            "", ""] + code
        loops.insert(0, private(f"{tag}fast", public))
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


def _loop_body(spec: Spec, n: int | None, forms, loop: Loop):
    """(the narrow constants, the loop body's lines, the result of each output)."""
    lines: list[str] = []
    if n is None:
        f0, f1 = forms[0], forms[1]
        if isinstance(f0, HuberLike) and isinstance(f1, Clip) and f0.clip == f1:
            g = clip(f1, loop, "_xi", lines)
            results = [huber(f0, loop, g, lines), g]
        elif isinstance(f0, Masked) and isinstance(f1, Masked):
            results = masked([f0, f1], loop, lines)
        elif isinstance(f0, Single) and isinstance(f1, Single):
            results = single([f0, f1], loop, lines)
        else:
            results = [form_body(f0, loop, lines), form_body(f1, loop, lines)]
    else:
        results = [form_body(forms[n], loop, lines)]
    return loop.narrow, lines, results


def _loop_def(name: str, spec: Spec, public: str, outs, args, body,
              rare: bool = False) -> list[str]:
    narrow, lines, results = body
    fast = rare
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


def _function_code(spec: Spec, n: int | None, forms, edged: Sequence[Edge] = ()) -> list[str]:
    names = function_names(spec.name)
    fname = names[3] if n is None else names[n]
    sig = ["x", "*"]
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        sig.append(p.name if default is None else f"{p.name}={literal(default)}")
    sig += ["out=None", "threads=1"]
    lines = [f"def {fname}({', '.join(sig)}):"]
    doc = docs.wrap(docs.numpy_function(spec, n, forms, threads=MIN_CHUNK), "    ")
    doc[0] = '    """' + doc[0].lstrip()
    lines += doc + ['    """']
    checks = []
    for p in spec.loss.params:
        lines.append(f'    {p.name} = _param("{fname}", "{p.name}", {p.name}, '
                     f'"{domain(p, edged)}")')
        checks.append(f'("{p.name}", {p.name}, "{p.assume}")')
    lines.append(f'    threads = _threads("{fname}", threads)')
    kname = private("kern", fname)
    nout = 2 if n is None else 1
    for e in edged:
        lines += [f"    if {e.param} == 0:  # the loss there is its limit as {e.param} -> 0"]
        lines += [f'        {q.name} = _param("{fname}", "{q.name}", {q.name}, "{q.assume}")'
                  for q in e.spec.loss.params]
        ekernel = private(f"{e.tag}kern", fname)
        lines += [f"        kernel = lambda *a: {ekernel}(*a, threads=threads)  # noqa: E731"]
        lines += run_call(f'        return _run(kernel, "{fname}", x, out, {nout}',
                           e.spec.loss.params)
    lines.append(f"    kernel = lambda *a: {kname}(*a, threads=threads)  # noqa: E731")
    call = f'    return _run(kernel, "{fname}", x, out, {nout}'
    if not checks:
        lines.append(call + ")")
    else:
        lines.append(f"{call}, (")
        lines += [f"        {c}," for c in checks]
        lines.append("    ))")
    return lines


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
        command = docs.command("numba", [s.name for s in specs], params)
    mdoc = docs.numba_module(specs)
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
    out += ["", ""] + arguments().split("\n") + RUNTIME.split("\n")
    code: list[str] = []
    for spec in specs:
        forms = plan_forms(spec)
        edged = edges(spec)
        for n in (0, 1, 2, None):
            kernel, loop = _loop_code(spec, n, forms)
            code += ["", ""] + _function_code(spec, n, forms, edged)
            code += ["", ""] + kernel + ["", ""] + loop
            for e in edged:
                kernel, loop = _loop_code(e.spec, n, plan_forms(e.spec), e.tag, spec.name)
                code += ["", ""] + kernel + ["", ""] + loop
    text = "\n".join(code)
    extra = numba_kernels.source(text) + (FINITE_IN if "_finite_in(" in text else "")
    out += extra.replace("\n@_jit", "\n\n@_jit").split("\n") + code
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    escape.check_python(text, docs.text_fields([s.loss for s in specs]), what="module")
    check_module(text, public, _MODULES)
    _unique_definitions(text)
    return text


def _unique_definitions(text: str) -> None:
    """Two losses whose generated names meet (``a``'s fast loop ``__a_fast`` and the loop of
    a loss called ``a_fast``) would shadow each other: refused."""
    seen: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            if node.name in seen:
                raise LossError(f"the generated function {node.name} would be defined twice "
                                "(two losses whose names meet, as a and a_fast); rename one")
            seen.add(node.name)
