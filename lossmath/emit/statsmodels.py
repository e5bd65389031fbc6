"""The statsmodels printer: a ``statsmodels.robust.norms.RobustNorm`` subclass per loss.

``NAMENorm(**params)`` (``huber`` -> ``HuberNorm``, ``smooth_l1`` -> ``SmoothL1Norm``) has
``rho`` = f/k, ``psi`` = f'/k, ``psi_deriv`` = f''/k (the numpy target's functions, embedded
by :func:`lossmath.emit.embed.numpy_section`; k below), ``weights`` = psi(z)/z, ``max_rho()``
= sup f/k, and
the class attributes statsmodels' IRLS and covariance code read:

* ``continuous``: min(k, 2) for the proved class C^k of f (C^inf -> 2; statsmodels' own
  HuberT is 1, TukeyBiweight 2, TrimmedMean 0);
* ``redescending``: "hard" when f' is proved identically 0 on both outer intervals (ψ = 0
  beyond a finite point: Tukey, Hampel, Andrews, Talwar), "soft" when f' -> 0 at +-inf
  without vanishing (Cauchy, Welsch), "not" otherwise (the analysis' ``redescending`` verdict;
  undecided is refused).

statsmodels' convention for the scale of rho: every one of its norms has rho''(0) = 1
(LeastSquares is z**2/2). So each class divides f, f', f'' by k = f''(0) = lim f'(z)/z (the
proved limit; left as 1 where it is 0, as for epsilon_insensitive): l2 (x**2) becomes
statsmodels' LeastSquares, smooth_l1 with beta becomes HuberT with t = beta (smooth_l1 is
huber/beta); the catalog's huber, tukey, hampel, andrews and talwar have k = 1 and are
statsmodels' HuberT, TukeyBiweight, Hampel, AndrewWave and TrimmedMean as they are.

``weights`` at z = 0 is the limit lim f'(z)/z (= f''(0) for a smooth f), computed by sympy
from the piece owning 0; below |z| = 2**-968 the weight is that limit too (f'(z)/z of a
subnormal z has lost bits; for an odd f' analytic at 0 the next term is O(z**2)). Parameters
map as named: huber's delta is HuberT's t; hampel's one parameter c is Hampel(a=c/4, b=c/2,
c); andrews' a, tukey's c and talwar's c are statsmodels' a and c.
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
    # statsmodels' norms all have rho''(0) = 1 (LeastSquares z**2/2, HuberT, TukeyBiweight,
    # Hampel, AndrewWave, TrimmedMean, RamsayE): rho = f/k with k = f''(0) = lim f'(z)/z
    k = w0 if w0 != 0 and sp.simplify(w0 - 1) != 0 else sp.Integer(1)
    scale = "" if k == 1 else f" * ({param_expr(sp.simplify(1 / k), spec, 'self.')})"
    k_text = f"f''(0) = {sp.sstr(k)}" if k != 1 or w0 == 1 else f"1 (f''(0) = {sp.sstr(w0)})"
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
        f"rho = {name}/k, psi = {name}_grad/k, psi_deriv = {name}_hess/k (the catalog's f,",
        f"f', f'' over k = {k_text}: statsmodels' rho''(0) = 1, as in its",
        "LeastSquares, HuberT and TukeyBiweight), weights(z) = psi(z)/z with weights(0) = 1",
        f"(the proved limit of f'(z)/z is k), max_rho() = sup f/k = {sp.sstr(sup / k)}. f is",
        f"{report.cls}: continuous = {continuous}; f' -> 0 at infinity: {report.redescending}",
        f"(redescending = {redescending!r}).",
        "",
        "Parameters",
        "----------",
        *(docs.param_doc(spec) or ["none"]),
    ]
    params = [f"        self.{p.name} = {p.name}" for p in loss.params]
    shown = ", ".join(f"{p.name}={{self.{p.name}!r}}" for p in loss.params)
    w0_text = param_expr(sp.simplify(w0 / k), spec, "self.")
    sup_text = param_expr(sp.simplify(sup / k), spec, "self.")
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
        f"        return {name}(np.asarray(z, dtype=np.float64){call}){scale}",
        "",
        "    def psi(self, z):",
        f"        return {name}_grad(np.asarray(z, dtype=np.float64){call}){scale}",
        "",
        "    def psi_deriv(self, z):",
        f"        return {name}_hess(np.asarray(z, dtype=np.float64){call}){scale}",
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
