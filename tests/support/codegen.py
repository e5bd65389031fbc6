"""Shared helpers for the generated-numpy tests (``tests/emit/test_codegen_support.py``
shows that they discriminate).

* :func:`load` imports a generated module from its file, as a user who vendors it would.
* :func:`reference` evaluates a loss (or a derivative) from its interval table with mpmath at
  50 digits: the interval's analytic expression, the owner piece's value at a breakpoint,
  the sympy limit at +-inf, NaN at NaN.
* :data:`EXTRA` holds losses outside the catalog (log, exp, sin, sqrt, Max, a jump, a
  removable point) that exercise every emitted form, the generic masked path above all.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from functools import cache
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from lossmath import Loss, Param, catalog, x
from lossmath.emit.forms import limit_at
from lossmath.emit.numpy import generate

_counter = itertools.count()


def load(path: Path):
    """Import a module from a file path (a fresh module object each time)."""
    spec = importlib.util.spec_from_file_location(f"generated_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_and_load(tmp_dir: Path, losses, **kw):
    path = tmp_dir / f"mod_{next(_counter)}.py"
    text = generate(losses, **kw)
    path.write_text(text, encoding="utf-8")
    return load(path)


# -- losses beyond the catalog -------------------------------------------------------------

_w = Param("w", default=10, description="width of the log zone")
_eps = Param("eps", default=2, description="curvature of the log zone")
_c = Param("c", default=sp.Rational(4685, 1000), description="rejection point")
_tau = Param("tau", default=sp.Rational(1, 4), description="quantile")
_d = Param("delta", default=1, description="scale")
W, E, C, TAU, D = _w.symbol, _eps.symbol, _c.symbol, _tau.symbol, _d.symbol

EXTRA = {
    # the unused branch log(cosh(x)) overflows for |x| > 710: np.select would warn
    "logcosh_pw": Loss(
        "logcosh_pw",
        sp.Piecewise((sp.log(sp.cosh(x)), sp.Abs(x) < 10), (sp.Abs(x) - sp.log(2), True)),
    ),
    # a removable point with its own value, and sin: no IEEE limit at +-inf
    "sinc": Loss("sinc", sp.Piecewise((1, sp.Eq(x, 0)), (sp.sin(x) / x, True))),
    "wing": Loss(
        "wing",
        sp.Piecewise(
            (W * sp.log(1 + sp.Abs(x) / E), sp.Abs(x) < W),
            (sp.Abs(x) - (W - W * sp.log(1 + W / E)), True),
        ),
        params=(_w, _eps),
    ),
    "pseudo_huber": Loss("pseudo_huber", D**2 * (sp.sqrt(1 + (x / D) ** 2) - 1), params=(_d,)),
    # its derivative x*exp(-x**2/2) is inf*0 at inf: the limit must be patched in
    "welsch": Loss("welsch", 1 - sp.exp(-(x**2) / 2)),
    "tukey": Loss(
        "tukey",
        sp.Piecewise(
            ((C**2 / 6) * (1 - (1 - (x / C) ** 2) ** 3), sp.Abs(x) <= C), (C**2 / 6, True)
        ),
        params=(_c,),
    ),
    "pinball": Loss("pinball", sp.Max(TAU * x, (TAU - 1) * x), params=(_tau,)),
    # derivative 2*max(x, 0): a one-sided clip
    "sq_hinge": Loss("sq_hinge", sp.Piecewise((0, x < 0), (x**2, True))),
    # a jump: the clip/Huber recognisers must refuse it
    "jump": Loss("jump", sp.Piecewise((-1, x < -1), (x, x < 1), (2, True))),
}

#: Parameter values the accuracy tests use besides the defaults.
PARAMS = {
    "smooth_l1": [{"beta": 1.0}, {"beta": 0.5}, {"beta": 2.0}, {"beta": 0.1}, {"beta": 3.0}],
    "huber": [{"delta": 1.0}, {"delta": 0.5}, {"delta": 2.0}, {"delta": 1.345}],
    "l1": [{}],
    "l2": [{}],
    "logcosh_pw": [{}],
    "sinc": [{}],
    "wing": [{"w": 10.0, "eps": 2.0}, {"w": 5.0, "eps": 0.5}],
    "pseudo_huber": [{"delta": 1.0}, {"delta": 0.25}],
    "welsch": [{}],
    "tukey": [{"c": 4.685}, {"c": 1.0}],
    "pinball": [{"tau": 0.25}, {"tau": 0.9}],
    "sq_hinge": [{}],
    "jump": [{}],
}


def loss_named(name: str) -> Loss:
    return EXTRA[name] if name in EXTRA else catalog.get(name)


@cache
def _tables(name: str | Loss):
    loss = name if isinstance(name, Loss) else loss_named(name)
    return loss, tuple(loss.derivative(n).table for n in range(3))


@cache
def compiled(name: str | Loss, order: int, which: str, k: int):
    """mpmath functions of (x, *params) for an interval expression, a breakpoint value
    (``"point"``), a breakpoint (``"at"``), a limit at -inf/+inf (``"limit"``, k = 0/1) or
    a piece as written (``"piece"``), of the loss called ``name`` (or the Loss itself)."""
    loss, tables = _tables(name)
    syms = [p.symbol for p in loss.params]
    table = tables[order]
    if which == "interval":
        expr = table.intervals[k].expr
    elif which == "point":
        expr = table.breakpoints[k].value
    elif which == "at":
        expr = table.breakpoints[k].at
    elif which == "piece":
        expr = table.pieces[k][0]
    else:  # limits at -inf (k=0) / +inf (k=1)
        iv = table.intervals[0 if k == 0 else -1]
        expr = limit_at(iv.expr, -sp.oo if k == 0 else sp.oo)
    return sp.lambdify([x, *syms], expr, modules="mpmath")


def reference(name: str, order: int, value: float, params: dict, dtype=np.float64):
    """f^(order)(value) from the table at 50 digits (an mpf, or a float for nan/inf).

    Breakpoints are located the way the generated code locates them: the breakpoint is
    evaluated from the parameters and rounded to ``dtype`` (parameters too); pass the dtype
    the code computes in (float32 for float16 input).
    """
    loss, tables = _tables(name)
    args = [mpmath.mpf(float(dtype(params[p.name]))) for p in loss.params]
    if math.isnan(value):
        return math.nan
    # 50 digits of the result: formulas like 1 - exp(-x**2/2) cancel about 2*|log10 x|
    # digits near 0, so the working precision grows with the exponent of x.
    digits = 50 + (3 * abs(math.log10(abs(value))) if 0 < abs(value) < math.inf else 0)
    with mpmath.workdps(int(digits)):
        if math.isinf(value):
            lim = compiled(name, order, "limit", 0 if value < 0 else 1)(mpmath.mpf(0), *args)
            return float(lim) if mpmath.isinf(lim) or mpmath.isnan(lim) else lim
        table = tables[order]
        for k in range(len(table.breakpoints)):
            b = float(dtype(float(compiled(name, order, "at", k)(mpmath.mpf(0), *args))))
            if value == b:
                return compiled(name, order, "point", k)(mpmath.mpf(value), *args)
            if value < b:
                return compiled(name, order, "interval", k)(mpmath.mpf(value), *args)
        return compiled(name, order, "interval", len(table.breakpoints))(
            mpmath.mpf(value), *args
        )


def ulps(got: float, ref, dtype) -> float:
    """Distance from ``got`` to the exact ``ref`` in units of the last place of ``dtype``
    (at the rounded reference); 0 for matching NaN/inf, inf for a mismatch."""
    info = np.finfo(dtype)
    if isinstance(ref, float) and (math.isnan(ref) or math.isinf(ref)):
        return 0.0 if (got == ref or (math.isnan(ref) and math.isnan(got))) else math.inf
    if math.isnan(got):
        return math.inf
    rounded = float(ref) if abs(ref) <= info.max else math.copysign(math.inf, ref)
    if abs(rounded) > info.max or (math.isinf(got) and abs(ref) > info.max):
        # the exact value overflows the dtype: the right answer is the signed infinity
        return 0.0 if got == math.copysign(math.inf, ref) else math.inf
    if math.isinf(got):
        return math.inf
    with np.errstate(over="ignore"):  # the spacing at the largest float is inf in numpy
        spacing = float(np.spacing(dtype(abs(rounded))))
    if not 0 < spacing < math.inf:
        spacing = float(info.smallest_subnormal) if not spacing else float(
            np.spacing(np.nextafter(dtype(abs(rounded)), dtype(0)))
        )
    with mpmath.workdps(50):
        return float(abs(mpmath.mpf(float(got)) - ref) / spacing)


def special_points(name: str, params: dict, dtype=np.float64) -> list[float]:
    """0, +-0.0, +-1e-300, +-1e300, +-inf, NaN, and each breakpoint with its neighbours.

    Parameters should be representable in ``dtype``, so that its breakpoints are too.
    """
    loss, tables = _tables(name)
    pts = [0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, math.inf, -math.inf, math.nan, 1.0, -1.0]
    args = [mpmath.mpf(params[p.name]) for p in loss.params]
    for k in range(len(tables[0].breakpoints)):
        b = dtype(float(compiled(name, 0, "at", k)(mpmath.mpf(0), *args)))
        below, above = np.nextafter(b, dtype(-np.inf)), np.nextafter(b, dtype(np.inf))
        pts += [float(b), float(below), float(above)]
        pts += [float(b) * (1 - 1e-9), float(b) * (1 + 1e-9)]
    with np.errstate(over="ignore", under="ignore"):
        return [float(dtype(p)) for p in pts]
