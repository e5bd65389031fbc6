"""The least-squares printer: ``NAME_rho(z)`` for ``scipy.optimize.least_squares(loss=...)``.

scipy (and Ceres Solver, same convention) robustifies a least-squares problem by a function
rho of z = r**2 whose cost is ``0.5 * sum(rho(z))``; a callable ``loss`` returns the array of
shape (3, m) of rho(z), rho'(z), rho''(z), and ``f_scale=C`` makes it C**2*rho(z/C**2).

For a loss f proved even (:func:`lossmath.analysis.properties.symmetric`), smooth at 0 with
f(0) = f'(0) = 0 and k = f''(0) > 0, :func:`rho_loss` derives, piece by piece of f's interval
table,

    rho(z) = 2 f(sqrt(z)) / k    for z >= 0,

symbolically (``x -> sqrt(z)``, ``x**2 -> z``, ``|x| -> sqrt(z)``; f's breakpoints b become
b**2 and keep their owner), so that rho(z) = z + O(z**2) near 0: scipy's normalisation, under
which the catalog's huber, pseudo_huber (scipy's ``soft_l1``) and cauchy with their scale
parameter 1, and the loss atan(x**2)/2 (scipy's ``arctan``), are scipy's built-in options.
(Below 0 rho(z) = z: scipy never passes a negative z; the extension keeps the function defined
on the line.) That rho is itself a :class:`~lossmath.core.loss.Loss` in z, so its derivatives
come from its interval table and its evaluation from the numpy target's plan: the stable forms
of :mod:`lossmath.numerics`, the exact values at the breakpoints and at +-inf, and, at z = 0,
the value of the piece that owns it (rho(0) = 0, rho'(0) = 1, rho''(0) = f''''(0)/(6 k) for
a smooth f): no division by sqrt(z) is left where sympy cancels it, which keeps subnormal z
accurate. Where a row's emitted closed form still cancels near z = 0 (rho'' of Andrews'
wave is (cos(r/a) - a sin(r/a)/r)/(2z)), :mod:`lossmath.emit.root_series` replaces it below
a threshold by its Taylor polynomial with a proved remainder. Losses not proved even are
refused in one line (rho would depend on the sign of r, which z has lost).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

import sympy as sp

from lossmath.analysis.properties import symmetric
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError
from lossmath.emit import docs
from lossmath.emit.embed import assemble, default_command, numpy_section, param_expr
from lossmath.emit.plan import identifier_check, make_spec, resolve
from lossmath.emit.root_series import series_lines
from lossmath.numerics.rewrite import proved_equal

__all__ = ["generate", "rho_loss"]

_Z = sp.Symbol("z", positive=True)
#: the wrapper's own names (its argument and locals) and the module's imports
_check_name = identifier_check(
    {"z", "out", "flat", "rows", "tiny", "t", "a2", "a3", "a4", "np", "math", "numbers"},
    re.compile(r"^_"),
)


#: the embedded NAME_z functions' argument (named x, as in every numpy-target function)
_Z_DOC = ("        Squared residuals z = r**2 (not residuals), any shape; float16/32/64 keep\n"
          "        their dtype, integers become float64.")


def _owner_left(loss: Loss, point: sp.Expr) -> bool:
    """Whether the breakpoint ``point`` of f belongs to the interval on its left."""
    t = loss.table
    for k, bp in enumerate(t.breakpoints):
        if sp.simplify(bp.at - point) == 0:
            return t.intervals[k].piece == bp.owner
    raise LossError(f"{loss.name}: {point} is not a breakpoint")  # pragma: no cover


def rho_loss(loss: Loss, value_form: bool = False) -> Loss:
    """The loss rho(z) = 2 f(sqrt(z))/f''(0) of z = x**2 (z >= 0; rho(z) = z below 0), as a
    :class:`Loss` in ``x`` standing for z, named ``NAME_z``; LossError where f is not proved
    even, not smooth at 0, or f(0), f'(0), f''(0) are not 0, 0 and positive.

    ``value_form``: the pieces with their cancelling differences rationalised
    (:func:`_rationalise`), named ``NAME_zv``, for rho itself only: differentiating the
    quotient gives longer derivatives than the written form's, which are accurate as they are
    (pseudo-Huber's rho' = 1/sqrt(1 + z/delta**2))."""
    name = loss.name
    verdict, why = symmetric(loss.table)
    if verdict is not True:
        state = "is not even" if verdict is False else "is not proved even"
        raise LossError(
            f"{name}: least-squares needs a symmetric loss (rho is a function of r**2); "
            f"f {state}" + (f" ({why})" if why else "")
        )
    t = loss.table
    if any(sp.simplify(p) == 0 for p in t.points):
        raise LossError(
            f"{name}: least-squares needs f smooth at 0 (rho'(0) = f''(0) finite); f has a "
            "breakpoint at 0"
        )
    d1, d2 = loss.derivative(1).table, loss.derivative(2).table
    f0, g0, k = (sp.simplify(tab.value_at(sp.Integer(0))) for tab in (t, d1, d2))
    if f0 != 0 or g0 != 0:
        raise LossError(f"{name}: least-squares needs f(0) = f'(0) = 0 (got {f0}, {g0})")
    if not (k.is_positive or all(k.xreplace(s) > 0 for s in t.samples) and k.is_finite):
        raise LossError(f"{name}: least-squares needs f''(0) > 0 (got {k})")
    pieces: list[tuple[sp.Expr, sp.Basic]] = [(x, x < 0)]
    for iv in t.intervals:
        if not _positive_end(iv.hi, t.samples):
            continue
        e = (2 * iv.expr / k).xreplace({x: sp.sqrt(_Z)})
        e = sp.powsimp(sp.expand_power_base(e, force=True)).xreplace({_Z: x})
        e = _rationalise(e) if value_form else e
        if e.is_rational_function(x):
            # one quotient: 4*c**2*x/(4*c**2 + x), not c**2*(4 - 4/(1 + x/(4*c**2))), whose
            # difference cancels to 0 below z = 1e-291 (Barron at alpha = -2)
            e = sp.factor(sp.cancel(e))
        if iv.hi == sp.oo:
            cond = sp.true
        else:
            hi2 = sp.expand(iv.hi**2)
            cond = x <= hi2 if _owner_left(loss, iv.hi) else x < hi2
        if pieces and pieces[-1][0] == e and len(pieces) > 1:
            pieces[-1] = (e, cond)  # the same expression on both sides: one piece
        else:
            pieces.append((e, cond))
    expr = sp.Piecewise(*pieces)
    return Loss(
        f"{name}_zv" if value_form else f"{name}_z",
        expr,
        params=loss.params,
        title=f"{docs.title(loss)} as rho(z) = 2 f(sqrt(z))/f''(0) of z = r**2",
        description=f"scipy.optimize.least_squares' rho of {name}: z = r**2, rho(z) ~ z at 0",
        references=loss.references,
    )


def _rationalise(e: sp.Expr) -> sp.Expr:
    """``k*sqrt(A) + c`` (c free of z, k*c < 0: a difference that cancels near z = 0) as
    ``(k**2*A - c**2)/(k*sqrt(A) - c)`` where the numerator expands to no constant term:
    pseudo-Huber's 2*delta**2*(sqrt(1 + z/delta**2) - 1) is 0 below z = 1e-290 as written
    and 2*z/(sqrt(1 + z/delta**2) + 1) is exact there (scipy's soft_l1 keeps the difference
    and returns 0 below z = 1e-16). Proved equal by sympy (numerics.rewrite.proved_equal)."""

    def rule(a: sp.Expr) -> sp.Expr:
        roots = [t for t in a.args if isinstance(t.as_coeff_Mul()[1], sp.Pow)
                 and t.as_coeff_Mul()[1].exp == sp.S.Half and t.has(x)]
        rest = a - sum(roots)
        if len(roots) != 1 or rest.has(x):
            return a
        k, root = roots[0].as_coeff_mul()
        k = sp.Mul(*[f for f in (k, *root) if not (isinstance(f, sp.Pow) and f.has(x))])
        s = roots[0] / k
        num = sp.expand(k**2 * s**2 - rest**2)
        if num.subs(x, 0) != 0:
            return a
        return num / (k * s - rest)

    new = e.replace(lambda a: isinstance(a, sp.Add) and a.has(sp.sqrt(x) ** 0 * x), rule)
    new = sp.factor_terms(new)
    return new if new != e and proved_equal(new, e) else e


def _positive_end(hi: sp.Expr, samples) -> bool:
    if hi == sp.oo:
        return True
    return all(hi.xreplace(s) > 0 for s in samples)


def taylor_at_zero(zloss: Loss, n: int = 4) -> tuple[sp.Expr, ...]:
    """rho's Taylor coefficients a_0..a_(n-1) at z = 0 from the right (the piece owning 0 is
    analytic there: rho(z) = 2 f(sqrt(z))/k with f even and smooth), as exact limits."""
    t = zloss.table
    piece = next(iv.expr for iv in t.intervals if _positive_end(iv.hi, t.samples))
    out = []
    for j in range(n):
        d = sp.diff(piece, x, j)
        v = sp.limit(d, x, 0, "+")
        if v.has(sp.Limit, sp.nan, sp.zoo) or not v.is_finite:
            raise LossError(f"{zloss.name}: no finite limit of rho^({j}) at z = 0+ ({v})")
        out.append(sp.simplify(v / sp.factorial(j)))
    return tuple(out)


def _tiny_regime(loss: Loss, zloss: Loss) -> list[str]:
    """Below z = 2**-968 the Taylor polynomial: the numpy target's forms divide z by a
    parameter (cauchy's c**2*log1p(z/c**2)), whose subnormal quotient has lost bits (1e-320
    came out 4.8e-4 too large), and a piece with sqrt(z) in it is 0/0 at z = 0. With every
    coefficient below 2**900 in magnitude, each term omitted is below 2**-68 of the one
    before it there; otherwise (absurd parameters) the regime is skipped."""
    spec = make_spec(loss, {})
    a = taylor_at_zero(zloss, 5)
    if a[0] != 0 or a[1] != 1:  # pragma: no cover - rho_loss normalises to z + O(z**2)
        raise LossError(f"{loss.name}: rho(z) is not z + O(z**2) at 0 ({a[0]}, {a[1]})")
    a2, a3, a4 = (param_expr(c, spec) for c in a[2:])
    return [
        "    # below z = 2**-968: rho's Taylor polynomial at 0 (exact coefficients; see the",
        "    # module docstring), where a quotient z/scale would be subnormal",
        f"    a2, a3, a4 = {a2}, {a3}, {a4}",
        "    if max(abs(a2), abs(a3), abs(a4)) < 2.0**900:",
        "        flat, rows = z.reshape(-1), out.reshape(3, -1)  # views: 0-d z too",
        "        tiny = flat < 2.0**-968",
        "        if np.any(tiny):",
        "            t = flat[tiny]",
        "            rows[0, tiny] = t + a2 * t * t",
        "            rows[1, tiny] = 1.0 + 2.0 * a2 * t",
        "            rows[2, tiny] = 2.0 * a2 + 6.0 * a3 * t",
    ]


def _wrapper(
    loss: Loss, zloss: Loss, defaults: Mapping[str, sp.Expr], value: str
) -> list[str]:
    name, zname = loss.name, zloss.name
    kw = "".join(f", {p.name}={float(defaults[p.name])!r}" for p in loss.params
                 if p.name in defaults)
    kw_bare = [p.name for p in loss.params if p.name not in defaults]
    sig = ", *" + "".join(f", {p}" for p in kw_bare) + kw if loss.params else ""
    call = ", ".join(f"{p.name}={p.name}" for p in loss.params)
    call = ", " + call if call else ""
    doc = [
        f"rho(z), rho'(z), rho''(z) of the {docs.title(loss)} for scipy.optimize.least_squares.",
        "",
        f"rho(z) = 2*{name}(sqrt(z))/{name}''(0) of z = r**2 (z >= 0): rho(z) = z + O(z**2) at",
        "0, scipy's normalisation. Use as least_squares(fun, x0, loss=" + f"{name}_rho" + ",",
        "f_scale=C); pass other parameter values with functools.partial. The three rows are",
        f"{value}(z), {zname}_grad(z) and {zname}_hess(z) (the derivatives in z).",
        "",
        "Parameters",
        "----------",
        "z : array_like",
        "    Squared residuals (z >= 0), shape (m,) (any shape is accepted).",
        *docs.param_doc(make_spec(loss, {p: v for p, v in defaults.items()})),
        "",
        "Returns",
        "-------",
        "ndarray of shape (3,) + z.shape",
        "    rho(z), rho'(z) and rho''(z), float64 (z's float dtype if it has one).",
    ]
    return [
        f"def {name}_rho(z{sig}):",
        '    """' + docs.doc(doc[0]),
        *docs.wrap(doc[1:], "    "),
        '    """',
        "    z = np.asarray(z)",
        f"    out = np.stack(({value}(z{call}), {zname}_grad(z{call}), {zname}_hess(z{call})))",
        *_tiny_regime(loss, zloss),
        *series_lines(loss, zloss),
        "    return out",
    ]


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one module with ``NAME_rho(z, *, params)`` per loss (imports numpy only).

    ``params`` sets the generated defaults per loss name, as for the numpy target. Raises
    :class:`LossError` for a loss that is not proved even or not smooth at 0 (one line)."""
    params = dict(params or {})
    resolved = [resolve(item) for item in losses]
    if not resolved:
        raise LossError("no losses to generate")
    names = [loss.name for loss in resolved]
    for key in params:
        if key not in names:
            raise LossError(f"--param {key}.*: {key} is not one of the losses being generated "
                            f"({', '.join(names)})")
    for loss in resolved:
        _check_name(loss.name, "loss name")
        for prm in loss.params:
            _check_name(prm.name, f"{loss.name}: parameter")
    zlosses, values = [], {}
    for loss in resolved:
        zloss, vloss = rho_loss(loss), rho_loss(loss, value_form=True)
        zlosses.append(zloss)
        if vloss.expr != zloss.expr:
            values[loss.name] = vloss
    every = [z for loss, zloss in zip(resolved, zlosses)
             for z in (zloss, *([values[loss.name]] if loss.name in values else []))]
    zparams = {f"{k}_{s}": v for k, v in params.items() for s in ("z", "zv")
               if f"{k}_{s}" in {z.name for z in every}}
    section = numpy_section(every, zparams)
    # the numpy target documents its argument as a residual; here it is z = r**2
    residual = ("        Residuals, any shape; float16/32/64 keep their dtype, integers become "
                "float64.")
    if residual not in section.body:  # pragma: no cover - a guard on the numpy target's text
        raise LossError("least-squares: the numpy target's x documentation changed")
    section = dataclasses.replace(section, body=section.body.replace(residual, _Z_DOC))
    code: list[str] = []
    for loss, zloss in zip(resolved, zlosses):
        spec = make_spec(zloss, zparams.get(zloss.name, {}))
        value = values[loss.name].name if loss.name in values else zloss.name
        code += ["", ""] + _wrapper(loss, zloss, spec.defaults, value)
    code += ["", "", "# -- rho(z) and its derivatives in z: lossmath's numpy target --", ""]
    code += section.body.split("\n")
    if command is None:
        command = default_command(names, "least-squares", params)
    doc = [
        "Robust losses rho(z) of z = r**2 for scipy.optimize.least_squares(loss=...).",
        "",
        f"Generated by lossmath from the losses' interval tables. Losses: {', '.join(names)}.",
        "For each NAME: NAME_rho(z, *, params) returns the array of shape (3, m) of rho(z),",
        "rho'(z), rho''(z), with rho(z) = 2 f(sqrt(z))/f''(0): the cost is 0.5*sum(rho(z)) and",
        "rho(z) = z + O(z**2) near 0, scipy's normalisation (huber, pseudo_huber and cauchy",
        "with scale 1 are scipy's 'huber', 'soft_l1' and 'cauchy'; f_scale=C scales as in",
        "scipy). rho(z) was derived symbolically from f's pieces (f's breakpoint b becomes",
        "z = b**2 with the same owner); its derivatives, stable forms, exact values at z = 0",
        "and the limits at z = inf are the numpy target's (NAME_z, NAME_z_grad, NAME_z_hess",
        "below, functions of z). Where a row's closed form cancels near z = 0, NAME_rho uses",
        "its Taylor polynomial below a threshold instead (degree, threshold and the proved",
        "remainder in the comments). Only losses proved even and smooth at 0 are generated.",
    ]
    public = [f"{n}_rho" for n in names]
    return assemble(command, doc, section.imports, public, code, resolved + every)
