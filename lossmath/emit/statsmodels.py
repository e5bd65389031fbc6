"""The statsmodels printer: a ``statsmodels.robust.norms.RobustNorm`` subclass per loss.

``NAMENorm(**params)`` (``huber`` -> ``HuberNorm``, ``smooth_l1`` -> ``SmoothL1Norm``) has
``rho`` = f, ``psi`` = f', ``psi_deriv`` = f'' (the numpy target's functions, embedded by
:func:`lossmath.emit.embed.numpy_section`), ``weights`` = f'(z)/z, ``max_rho()`` = sup f, and
the class attributes statsmodels' IRLS and covariance code read:

* ``continuous``: min(k, 2) for the proved class C^k of f (C^inf -> 2; statsmodels' own
  HuberT is 1, TukeyBiweight 2, TrimmedMean 0);
* ``redescending``: "hard" when f' is proved identically 0 on both outer intervals (ψ = 0
  beyond a finite point: Tukey, Hampel, Andrews, Talwar), "soft" when f' -> 0 at +-inf
  without vanishing (Cauchy, Welsch), "not" otherwise (the analysis' ``redescending`` verdict;
  undecided is refused).

``weights`` at z = 0 is the limit lim f'(z)/z (= f''(0) for a smooth f), computed by sympy
from the piece owning 0; below |z| = 2**-968 the weight is that limit too (f'(z)/z of a
subnormal z has lost bits; for an odd f' analytic at 0 the next term is O(z**2)). Conventions:
statsmodels' rho for its norms is the catalog's f with no factor for HuberT (t = delta),
TukeyBiweight (c**2/6 (1 - (1 - (z/c)**2)**3)), Hampel (a = c/4, b = c/2: the catalog's one
parameter), AndrewWave (a**2 (1 - cos(z/a))) and TrimmedMean (z**2/2 inside c): each class
evaluates the catalog's f as is. A catalog loss whose f'' at 0 is not 1 (l2 is x**2, statsmodels'
LeastSquares is x**2/2) gives the same parameters (IRLS depends on the weights' shape only) and
bse (the factor cancels in the H1 covariance), but its deviance (the sum of rho, which the
convergence test reads) is scaled by f''(0): l2 on stackloss stops after 3 iterations where
LeastSquares stops after 2. The class docstring states f''(0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import sympy as sp

from lossmath.analysis import analyse
from lossmath.analysis.extremes import sup_abs_table
from lossmath.core.loss import Loss, LossError
from lossmath.emit import docs
from lossmath.emit.embed import (
    assemble,
    camel,
    default_command,
    numpy_section,
    param_expr,
    slope_ratio_at_zero,
)
from lossmath.emit.plan import Spec, identifier_check, resolve_losses

__all__ = ["generate", "norm_traits"]

_RESERVED = {"rho", "psi", "psi_deriv", "weights", "max_rho", "continuous", "redescending",
             "np", "math", "numbers", "self", "z", "RobustNorm"}
_check_name = identifier_check(_RESERVED, re.compile(r"^(_|__)"))


def norm_traits(loss: Loss) -> tuple[int, str, sp.Expr, sp.Expr]:
    """``(continuous, redescending, weight at 0, sup f)`` of ``loss``, each proved; LossError
    where the analysis leaves one undecided."""
    report = analyse(loss)
    order = report.order
    if order < 0:
        raise LossError(f"{loss.name}: statsmodels needs a continuous rho; f is discontinuous")
    continuous = 2 if order >= 2 else int(order)
    d1 = loss.derivative(1).table
    outer = (d1.intervals[0].expr, d1.intervals[-1].expr)
    if report.redescending is None:
        raise LossError(f"{loss.name}: whether f' -> 0 at infinity is undecided")
    if report.redescending and len(d1.intervals) > 1 and all(e == 0 for e in outer):
        redescending = "hard"
    else:
        redescending = "soft" if report.redescending else "not"
    if not report.symmetric:
        raise LossError(f"{loss.name}: statsmodels norms are symmetric; f is not proved even")
    w0 = slope_ratio_at_zero(d1)
    if w0 is None:  # l1: f'(z)/z -> oo
        raise LossError(f"{loss.name}: weights f'(z)/z has no finite limit at 0")
    d1t = loss.derivative(1).table
    sup = sup_abs_table(loss.table, d1t, "f").value if report.bounded else sp.oo
    if sup is None:
        raise LossError(f"{loss.name}: sup f could not be decided")
    return continuous, redescending, w0, sup


def _class(spec: Spec) -> list[str]:
    loss, name = spec.loss, spec.name
    continuous, redescending, w0, sup = norm_traits(loss)
    cls = camel(name) + "Norm"
    d2 = loss.derivative(2).table
    k = sp.simplify(d2.value_at(sp.Integer(0))) if 0 not in d2.points else None
    kw = ", ".join(f"{p.name}={float(spec.defaults[p.name])!r}" for p in loss.params
                   if p.name in spec.defaults)
    bare = [p.name for p in loss.params if p.name not in spec.defaults]
    sig = ", ".join(["self", *(["*"] if loss.params else []), *bare, *([kw] if kw else [])])
    call = ", ".join(f"{p.name}=self.{p.name}" for p in loss.params)
    call = ", " + call if call else ""
    report = analyse(loss)
    doc = [
        f"{docs.title(loss)} as a statsmodels robust norm (sm.RLM(y, X, M={cls}(...))).",
        "",
        f"rho = {name}, psi = {name}_grad, psi_deriv = {name}_hess (the catalog's f, f',",
        f"f''), weights(z) = psi(z)/z with weights(0) = {sp.sstr(w0)} (the proved limit),",
        f"max_rho() = sup f = {sp.sstr(sup)}. f is {report.cls}: continuous = {continuous};",
        f"f' -> 0 at infinity: {report.redescending} (redescending = {redescending!r}).",
        f"f''(0) = {sp.sstr(k) if k is not None else 'undefined'} (statsmodels' LeastSquares"
        " has 1).",
        "",
        "Parameters",
        "----------",
        *docs.param_doc(spec),
    ]
    params = [f"        self.{p.name} = {p.name}" for p in loss.params]
    shown = ", ".join(f"{p.name}={{self.{p.name}!r}}" for p in loss.params)
    w0_text = param_expr(w0, spec, "self.")
    sup_text = param_expr(sup, spec, "self.")
    return [
        f"class {cls}(RobustNorm):",
        '    """' + docs.doc(doc[0]),
        *docs.wrap(doc[1:], "    "),
        '    """',
        "",
        f"    continuous = {continuous}",
        f"    redescending = {redescending!r}",
        "",
        f"    def __init__({sig}):",
        *(params or ["        pass"]),
        "",
        "    def __repr__(self):",
        f"        return f\"{cls}({shown})\"",
        "",
        "    def max_rho(self):",
        f"        return {sup_text}",
        "",
        "    def rho(self, z):",
        f"        return {name}(np.asarray(z, dtype=np.float64){call})",
        "",
        "    def psi(self, z):",
        f"        return {name}_grad(np.asarray(z, dtype=np.float64){call})",
        "",
        "    def psi_deriv(self, z):",
        f"        return {name}_hess(np.asarray(z, dtype=np.float64){call})",
        "",
        "    def weights(self, z):",
        "        z = np.asarray(z, dtype=np.float64)",
        "        w = np.asarray(self.psi(z), dtype=np.float64).copy()",
        "        tiny = np.abs(z) < 2.0**-968  # the proved limit at 0 (module docstring)",
        "        np.divide(w, z, out=w, where=~tiny)",
        f"        w[tiny] = {w0_text}",
        "        return w[()] if w.ndim == 0 else w",
    ]


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one module with a ``NAMENorm`` class per loss (imports numpy and
    statsmodels). ``params`` sets the constructors' defaults per loss name."""
    params = dict(params or {})
    specs = resolve_losses(losses, params, _check_name)
    classes = {camel(s.name) + "Norm": s.name for s in specs}
    if len(classes) != len(specs):
        raise LossError("two losses give the same class name: " + ", ".join(s.name for s in specs))
    section = numpy_section([s.loss for s in specs], params)
    code: list[str] = []
    for spec in specs:
        code += ["", ""] + _class(spec)
    code += ["", "", "# -- f, f', f'' of each loss: lossmath's numpy target --", ""]
    code += section.body.split("\n")
    names = [s.name for s in specs]
    if command is None:
        command = default_command(names, "statsmodels", params)
    doc = [
        "Robust norms for statsmodels (sm.RLM(endog, exog, M=NAMENorm(...))).",
        "",
        f"Generated by lossmath from the losses' interval tables. Losses: {', '.join(names)}.",
        f"Classes: {', '.join(classes)}; each subclasses statsmodels.robust.norms.RobustNorm",
        "with rho, psi, psi_deriv, weights, max_rho, continuous and redescending, and takes",
        "the loss's parameters as keywords. rho is the catalog's f (statsmodels' HuberT,",
        "TukeyBiweight, Hampel, AndrewWave and TrimmedMean use the same factors); continuous",
        "is min(k, 2) for the proved class C^k; redescending is 'hard' where f' is proved 0",
        "beyond a finite point, 'soft' where f' -> 0 only at infinity, else 'not'; weights(0)",
        "is the proved limit of f'(z)/z. f, f', f'' are the numpy target's functions (below).",
    ]
    imports = [*section.imports, "from statsmodels.robust.norms import RobustNorm"]
    return assemble(command, doc, imports, list(classes), code, [s.loss for s in specs])
