"""The runtime helpers every generated numpy module carries, as source text.

``RUNTIME`` (formatted with the block size) validates parameters (``_param``), checks and
allocates outputs (``_outputs``), converts the input and runs a kernel (``_run``: dtype rules,
scalars in give numpy scalars out, float16 computed in float32) and cuts the work into
cache-sized blocks (``_blocks``). ``FINITE_IN`` is added when a kernel hoists a parameter
expression that could overflow in the working dtype. The generated module imports only numpy
and the standard library, so these are copied into it rather than imported.
"""

from __future__ import annotations

import re

__all__ = ["FINITE_IN", "MODULES", "RESERVED", "RESERVED_RE", "RUNTIME", "arguments",
           "param_checks", "run_call"]

RUNTIME = '''
_BLOCK = {block}

# Floating-point conditions are reported by the values (inf, nan), as in scipy.special: the
# functions never warn. Nothing is hidden by this: no piece is evaluated outside its
# interval, and lossmath's tests run the kernels with every condition but underflow raising.
_ERRSTATE = {{"over": "ignore", "under": "ignore", "divide": "ignore", "invalid": "ignore"}}

_DOMAINS = {{
    "positive": (lambda v: v > 0, "positive"),
    "nonnegative": (lambda v: v >= 0, "nonnegative"),
    "negative": (lambda v: v < 0, "negative"),
    "nonpositive": (lambda v: v <= 0, "nonpositive"),
    "real": (lambda v: True, "real"),
}}


def _param(func, name, value, domain):
    """A parameter as a Python float, validated against its domain (the error names it)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{{func}}: {{name}} must be a real number, got {{value!r}}")
    v = float(value)
    holds, text = _DOMAINS[domain]
    if not (math.isfinite(v) and holds(v)):
        raise ValueError(f"{{func}}: {{name}} must be finite and {{text}}, got {{value!r}}")
    return v


def _fits(func, name, value, domain, dtype):
    """The parameter keeps its domain when rounded to the working dtype (float32: 1e-50 -> 0)."""
    if dtype.itemsize >= 8:
        return
    with np.errstate(over="ignore", under="ignore"):
        v = float(dtype.type(value))
    holds, text = _DOMAINS[domain]
    if not (math.isfinite(v) and holds(v)):
        raise ValueError(
            f"{{func}}: {{name}}={{value!r}} is not {{text}} in {{dtype}} (it rounds to {{v!r}}), "
            "the precision x is computed in; pass float64 input"
        )


def _outputs(func, out, nout, shape, dtype):
    """The out= argument as a tuple of nout arrays or Nones, each checked against x."""
    outs = (out,) if nout == 1 else (None,) * nout if out is None else out
    if not isinstance(outs, tuple) or len(outs) != nout:
        raise TypeError(f"{{func}}: out must be None or a tuple of {{nout}} arrays")
    for o in outs:
        if o is None:
            continue
        if not isinstance(o, np.ndarray):
            raise TypeError(f"{{func}}: out must be a numpy array, got {{type(o).__name__}}")
        if o.shape != shape:
            raise ValueError(f"{{func}}: out has shape {{o.shape}}, x has shape {{shape}}")
        if o.dtype != dtype:
            raise TypeError(f"{{func}}: out has dtype {{o.dtype}}, the result has dtype {{dtype}}")
        if not o.flags.writeable:
            raise ValueError(f"{{func}}: out is read-only")
    given = [o for o in outs if o is not None]
    if len(given) == 2 and np.may_share_memory(given[0], given[1]):
        raise ValueError(f"{{func}}: the two outputs overlap")
    return outs


def _run(kernel, func, x, out, nout, params=()):
    """Convert x, check parameters against its precision, run the kernel, shape the result.

    The kernel sees 1-d arrays of the working dtype: float64 for bool/int input, float32 for
    float16 (rounded to float16 once, at the end), the input's float type otherwise.
    """
    x = np.asarray(x)
    if x.dtype.kind == "f":
        dtype = np.dtype(x.dtype.type)
    elif x.dtype.kind in "biu":
        dtype = np.dtype(np.float64)
    else:
        raise TypeError(f"{{func}}: x must hold real numbers, got dtype {{x.dtype}}")
    work = np.dtype(np.float32) if dtype == np.float16 else dtype
    for name, value, domain in params:
        _fits(func, name, value, domain, work)
    outs = _outputs(func, out, nout, x.shape, dtype)
    flat = x.astype(work, copy=False).reshape(-1)
    # The kernels write into 1-d views of out when they can, else into a temporary.
    direct = [o is not None and o.dtype == work and o.flags.c_contiguous for o in outs]
    targets = [
        outs[i].reshape(-1) if direct[i] else np.empty(flat.size, work) for i in range(nout)
    ]
    if any(np.may_share_memory(flat, t) for t in targets):
        flat = flat.copy()  # out is x: the kernels read x again after writing out
    with np.errstate(**_ERRSTATE):
        # float32: the parameters rounded to it, as the comparisons use them, also where a
        # piece is computed in float64
        narrow = work.itemsize < 8
        kernel(flat, *targets, *(float(work.type(v)) if narrow else v for _, v, _ in params))
        results = []
        for i in range(nout):
            if outs[i] is None:
                r = targets[i].reshape(x.shape).astype(dtype, copy=False)
                results.append(r[()] if r.ndim == 0 else r)
            else:
                if not direct[i]:
                    np.copyto(outs[i], targets[i].reshape(x.shape))
                results.append(outs[i])
    return results[0] if nout == 1 else tuple(results)


def _wide(xs):
    """A float32 piece's elements as float64 (float64 and wider: as they are)."""
    return xs.astype(np.float64) if xs.dtype.itemsize < 8 else xs


def _blocks(x, outs, floats=0, bools=0):
    """Aligned slices of x, of each output and of scratch buffers, _BLOCK elements at a time.

    Each numpy call is one pass over memory. Making all of a function's passes over one
    block while it is in cache, instead of over the whole array, leaves about one pass over
    main memory per input and output, and the scratch buffers stay small.
    """
    n = x.size
    size = min(n, _BLOCK)
    scratch = [np.empty(size, x.dtype) for _ in range(floats)]
    scratch += [np.empty(size, np.bool_) for _ in range(bools)]
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        yield (x[start:stop], *(o[start:stop] for o in outs), *(s[: stop - start] for s in scratch))
'''


FINITE_IN = '''
def _finite_in(dtype, value, what, params):
    """A constant computed from parameters must stay finite, and nonzero if it is, when
    rounded to the working dtype; else the error names the parameters."""
    with np.errstate(over="ignore", under="ignore"):
        v = float(dtype.type(value))
    if math.isfinite(v) and (v == 0.0) == (value == 0.0):
        return
    # float32: the parameters come rounded to it; shown as float32 prints them (0.01)
    given = ", ".join(
        f"{name}={p!r}" if dtype.itemsize >= 8 else f"{name}={dtype.type(p)!s}"
        for name, p in params
    )
    raise ValueError(
        f"{what} is {value!r}, which is {v!r} in {dtype} (the precision x is computed in): "
        f"finite x would give inf or nan; {given} is out of range for {dtype}"
    )
'''


def arguments() -> str:
    """The argument handling alone (``_ERRSTATE``, ``_DOMAINS``, ``_param``, ``_fits``,
    ``_outputs``, ``_run``; not the block loop): the numba modules carry it as it is."""
    text = RUNTIME.format(block=0)
    return text[text.index("# Floating-point conditions"): text.index("\n\n\ndef _wide(")]


def param_checks() -> str:
    """``_DOMAINS`` and ``_param``: the parameter checks every array module carries too."""
    text = RUNTIME.format(block=0)
    return text[text.index("_DOMAINS = {"): text.index("def _fits")]


def run_call(head: str, params) -> list[str]:
    """The lines of ``head, (("p", p, "assume"), ...))``: a call of the runtime's ``_run``
    with the parameters it checks (``params``: :class:`~lossmath.core.loss.Param`), one per
    line where the call would pass 100 columns (the modules are ruff clean)."""
    checks = [f'("{q.name}", {q.name}, "{q.assume}")' for q in params]
    line = f"{head}, ({', '.join(checks)},))" if checks else head + ")"
    if len(line) <= 100:
        return [line]
    indent = head[: len(head) - len(head.lstrip())]
    if not checks:  # the arguments on a line of their own
        call, args = head.split("(", 1)
        return [f"{call}(", f"{indent}    {args})"]
    return [f"{head}, (", *(f"{indent}    {c}," for c in checks), f"{indent}))"]


#: The modules the generated numpy (and numba) module imports, and the arguments and locals
#: of its functions besides the user's parameters (:mod:`lossmath.emit.names`): losses and
#: parameters may not take them. Every other identifier it introduces starts with ``_``
#: (a loss's kernel is ``_lm_kern_NAME``, out of reach of the runtime's ``_run``...).
MODULES = {"np", "math", "numbers", "annotations"}
RESERVED = {
    "x", "out", "xb", "xs", "ob", "vb", "gb", "value", "grad", "kernel", "func", "params",
    "ra", "rv", "rk", "xr",
}
#: the generated scratch names: constants c0, registers t0/s0, masks m0
RESERVED_RE = re.compile(r"^[ctsm]\d+$")
