r"""What other libraries declare by hand about their losses: the anchors lossmath checks.

LossFunctions.jl (JuliaML) declares the traits of each loss one line at a time
(``isconvex(::L1HingeLoss) = true``); statsmodels' robust norms carry class attributes
(``continuous = 1``, ``redescending = "hard"``); optax states properties in docstrings. None
of them is computed. This module records every such declaration as data, with

- the library's own **definition** of the trait (:data:`TRAITS`), so that the comparison is
  fair (LossFunctions' ``isdifferentiable(loss)`` means differentiable at every point; its
  ``isstronglyconvex`` means ``m``-strongly convex for some ``m > 0``);
- the **anchor loss** (:class:`AnchorLoss`): the library's function transcribed from its
  source as a sympy expression in ``x`` and its own parameters, the catalog loss it is, and
  the conversion ``theirs(x; theta) = scale * ours(x; params(theta))``. The traits compared
  are invariant under a positive scale, and the conversion is checked numerically in
  ``tests/crosscheck/test_anchors.py``;
- the **declaration** (:class:`Declaration`): the trait, the declared value, the file and
  line where it is declared, and the line as written.

Sources (read with the repository search of the project's tools, 2026-12-01):

- LossFunctions.jl, commit ``680c10d73fc768d8439ec10b19b1dc70c26a6cd0``: ``src/traits.jl``
  (definitions and fallbacks), ``src/losses/margin.jl``, ``src/losses/distance.jl``.
- statsmodels 0.15.0 (the wheel on PyPI): ``statsmodels/robust/norms.py``.
- optax 0.2.8 (installed): ``optax/losses/_regression.py``.

:mod:`lossmath.crosscheck.anchor_check` computes lossmath's verdict on each declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from lossmath.base.symbols import x

__all__ = [
    "AnchorLoss",
    "Declaration",
    "TraitDefinition",
    "ANCHORS",
    "DECLARATIONS",
    "LIBRARIES",
    "TRAITS",
]

LF = "LossFunctions.jl"
SM = "statsmodels"
OPTAX = "optax"

#: Where each library's declarations were read.
LIBRARIES: dict[str, str] = {
    LF: "JuliaML/LossFunctions.jl at commit 680c10d73fc768d8439ec10b19b1dc70c26a6cd0",
    SM: "statsmodels 0.15.0 (PyPI wheel), statsmodels/robust/norms.py",
    OPTAX: "optax 0.2.8, optax/losses/_regression.py",
}


@dataclass(frozen=True)
class TraitDefinition:
    """A trait as its library defines it, and which lossmath property decides it.

    ``compares`` names the lossmath question (see :mod:`.anchor_check`), or ``""``
    when lossmath does not compute it (then the declaration is listed as not compared).
    """

    library: str
    trait: str
    meaning: str  # the library's definition, quoted or closely paraphrased (document markup)
    where: str  # file:lines of the definition
    compares: str


@dataclass(frozen=True, eq=False)  # identity: anchors are unique objects
class AnchorLoss:
    """One loss of another library: its function as written there, and which catalog loss
    it is.

    ``formula`` uses ``x`` (LossFunctions' agreement ``a`` or difference ``r``,
    statsmodels' ``z``) and the library's parameters ``params``. ``catalog`` is the
    lossmath catalog name, or ``None`` when the catalog has no such loss (then lossmath
    analyses ``formula`` itself). ``to_catalog`` maps each catalog parameter name to an
    expression in ``params``; ``scale`` is the positive factor with
    ``formula = scale * catalog(x; to_catalog)``. ``instance`` gives the library parameters
    the values a counterexample uses (the library's default, or the value its docstring
    plots).
    """

    library: str
    name: str
    formula: sp.Expr
    source: str
    catalog: str | None = None
    params: tuple[sp.Symbol, ...] = ()
    to_catalog: Mapping[str, sp.Expr] = field(default_factory=dict)
    scale: sp.Expr = sp.S.One
    instance: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    note: str = ""  # document markup

    @property
    def key(self) -> str:
        return f"{self.library}:{self.name}"


@dataclass(frozen=True)
class Declaration:
    """One hand-made claim about an anchor loss.

    ``declared`` is ``True``/``False``; for a pointwise trait (``isdifferentiable(loss,
    at)``) the tuple of points where the library says the property fails (in the anchor's
    parameters); for statsmodels' ``continuous`` an ``int``, for ``redescending`` the string;
    for a claimed value (optax's gradient clipped to ``[-delta, delta]``) a sympy expression.
    ``text`` is the declaration as written in the source, ``where`` its ``file:line``.
    ``via`` explains a value that comes from a fallback rule rather than its own line.
    """

    anchor: AnchorLoss
    trait: str
    declared: object
    where: str
    text: str
    via: str = ""

    @property
    def definition(self) -> TraitDefinition:
        return TRAITS[(self.anchor.library, self.trait)]


def _positive(*names: str) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(n, positive=True) for n in names)


# -- trait definitions ------------------------------------------------------------------

_T = "src/traits.jl"
TRAITS: dict[tuple[str, str], TraitDefinition] = {
    (t.library, t.trait): t
    for t in (
        TraitDefinition(LF, "isconvex", "$f(\\theta x + (1-\\theta) y) \\leq \\theta f(x) + "
                        "(1-\\theta) f(y)$ for all $x, y$ and $0 \\leq \\theta \\leq 1$.",
                        f"{_T}:61-69", "convex"),
        TraitDefinition(LF, "isstrictlyconvex", "the same with $<$ for all $x \\neq y$ and "
                        "$0 < \\theta < 1$.", f"{_T}:71-79", "strictly_convex"),
        TraitDefinition(LF, "isstronglyconvex", "$m$-strongly convex for some $m > 0$: "
                        "$(f'(x) - f'(y))(x - y) \\geq m (x - y)^2$ when $f$ is "
                        "differentiable; the fallback is `false`.", f"{_T}:81-93",
                        "strongly_convex"),
        TraitDefinition(LF, "isdifferentiable", "differentiable at every point (the domain "
                        "is open and $f$ is differentiable at each $x$).", f"{_T}:95-111",
                        "differentiable"),
        TraitDefinition(LF, "isdifferentiable(at)", "differentiable at the point `at`; the "
                        "declaration lists the points where it is not.", f"{_T}:95-111",
                        "differentiable_at"),
        TraitDefinition(LF, "istwicedifferentiable", "twice differentiable at every point "
                        "($f'$ is differentiable everywhere).", f"{_T}:113-127",
                        "twice_differentiable"),
        TraitDefinition(LF, "istwicedifferentiable(at)", "twice differentiable at the point "
                        "`at`; the declaration lists the points where it is not.",
                        f"{_T}:113-127", "twice_differentiable_at"),
        TraitDefinition(LF, "islipschitzcont", "there is a finite $M$ with "
                        "$|f(t) - f(t')| \\leq M |t - t'|$ for all $t, t'$.", f"{_T}:145-154",
                        "lipschitz"),
        TraitDefinition(LF, "islocallylipschitzcont", "for every $a \\geq 0$ there is "
                        "$c_a$ with $|f(t) - f(t')| \\leq c_a |t - t'|$ on $[-a, a]$; the "
                        "fallback is `isconvex(loss) || islipschitzcont(loss)`.",
                        f"{_T}:129-143", "locally_lipschitz"),
        TraitDefinition(LF, "islipschitzcont_deriv", "not defined in `src/traits.jl`; read "
                        "as: $f'$ is Lipschitz continuous.", "src/losses/distance.jl:479",
                        "curvature_bounded"),
        TraitDefinition(LF, "issymmetric", "$f(x) = f(-x)$ for all $x$; the fallback is "
                        "`false`.", f"{_T}:230-241", "symmetric"),
        TraitDefinition(LF, "isclasscalibrated", "no definition in words; the fallback for "
                        "margin losses is `isconvex(loss) && isdifferentiable(loss, 0) && "
                        "deriv(loss, 0) < 0`, the criterion of Bartlett, Jordan and McAuliffe "
                        "(2006) for convex losses.", f"{_T}:224-228", "calibrated"),
        TraitDefinition(LF, "isnemitski", "$L(y, t) \\leq b(y) + h(|t|)$ with $h$ "
                        "increasing.", f"{_T}:156-169", ""),
        TraitDefinition(SM, "continuous", "an undocumented class attribute (0, 1 or 2); "
                        "read as the number of continuous derivatives of $\\rho$, 2 standing "
                        "for two or more (`LeastSquares`, smooth everywhere, has 2).",
                        "statsmodels/robust/norms.py:54", "continuity"),
        TraitDefinition(SM, "redescending", "an undocumented class attribute: `not`, "
                        "`soft` or `hard`; read as: $\\psi = \\rho'$ does not tend to "
                        "0 at $\\pm\\infty$; tends to 0; is 0 outside a bounded interval.",
                        "statsmodels/robust/norms.py:168", "redescending"),
        TraitDefinition(OPTAX, "gradient clipped", "the docstring's \"equivalent to clipping "
                        "gradients of an `l2_loss` to `[-delta, delta]`\": "
                        "$f'(x) = \\max(-\\delta, \\min(x, \\delta))$, so "
                        "$\\sup |f'| = \\delta$.", "optax/losses/_regression.py:83-84",
                        "gradient_bound"),
        TraitDefinition(OPTAX, "twice differentiable", "the docstring's \"It is a twice "
                        "differentiable alternative to the Huber loss\".",
                        "optax/losses/_regression.py:116", "twice_differentiable"),
    )
}

# -- LossFunctions.jl -----------------------------------------------------------------------

_M, _D = "src/losses/margin.jl", "src/losses/distance.jl"
gamma, d, eps, tau = _positive("gamma", "d", "epsilon", "tau")
q = sp.Symbol("q", positive=True)
half = sp.Rational(1, 2)


def _lf(name, formula, source, catalog, **kw) -> AnchorLoss:
    return AnchorLoss(LF, name, formula, source, catalog, **kw)


ZERO_ONE = _lf("ZeroOneLoss", sp.Piecewise((1, x < 0), (0, True)), f"{_M}:41", "zero_one")
PERCEPTRON = _lf("PerceptronLoss", sp.Max(0, -x), f"{_M}:88", "perceptron")
LOGIT_MARGIN = _lf("LogitMarginLoss", sp.log(1 + sp.exp(-x)), f"{_M}:132", "logistic")
L1_HINGE = _lf("L1HingeLoss", sp.Max(0, 1 - x), f"{_M}:181", "hinge")
L2_HINGE = _lf("L2HingeLoss", sp.Piecewise((0, x >= 1), ((1 - x) ** 2, True)), f"{_M}:229",
               "squared_hinge")
SMOOTHED_HINGE = _lf(
    "SmoothedL1HingeLoss(gamma)",
    sp.Piecewise((half / gamma * sp.Max(0, 1 - x) ** 2, x >= 1 - gamma),
                 (1 - gamma / 2 - x, True)),
    f"{_M}:286-292", "smoothed_hinge", params=(gamma,), to_catalog={"gamma": gamma},
    instance={gamma: sp.Integer(2)}, note="$\\gamma = 2$ is the value its docstring plots.",
)
MODIFIED_HUBER = _lf(
    "ModifiedHuberLoss",
    sp.Piecewise((sp.Max(0, 1 - x) ** 2, x >= -1), (-4 * x, True)), f"{_M}:347-349",
    "modified_huber",
)
EXP = _lf("ExpLoss", sp.exp(-x), f"{_M}:453", "exponential")
DWD = _lf(
    "DWDMarginLoss(q)",
    sp.Piecewise((1 - x, x <= q / (q + 1)), (q**q / (q + 1) ** (q + 1) / x**q, True)),
    f"{_M}:559-566", None, params=(q,), instance={q: sp.Integer(1)},
    note="not in the catalog: lossmath analyses the formula of its source; $q = 1$ is the "
    "value its docstring plots.",
)
L1_DIST = _lf("L1DistLoss", sp.Abs(x), f"{_D}:80", "l1")
L2_DIST = _lf("L2DistLoss", x**2, f"{_D}:125", "l2")
LP3_DIST = _lf("LPDistLoss{3}", sp.Abs(x) ** 3, f"{_D}:20", None,
               note="not in the catalog: lossmath analyses $|x|^3$, the $P = 3$ instance of "
               "`LPDistLoss{P}`.")
HUBER = _lf(
    "HuberLoss(d)",
    sp.Piecewise((x**2 / 2, sp.Abs(x) <= d), (d * sp.Abs(x) - d**2 / 2, True)),
    f"{_D}:213-221", "huber", params=(d,), to_catalog={"delta": d},
    instance={d: sp.Integer(1)}, note="$d = 1$ is its default.",
)
HUBER_DOCSTRING = _lf(
    "HuberLoss(d), docstring formula",
    sp.Piecewise((x**2 / 2, sp.Abs(x) <= d), (d * sp.Abs(x) - d**3 / 2, True)),
    f"{_D}:183", None, params=(d,), instance={d: sp.Integer(2)},
    note="the formula of the docstring, $\\alpha |r| - \\alpha^3/2$ outside (the code has "
    "$\\alpha^2/2$); lossmath analyses it as written, at $\\alpha = 2$.",
)
EPS_INSENSITIVE = _lf(
    "L1EpsilonInsLoss(epsilon)", sp.Max(0, sp.Abs(x) - eps), f"{_D}:288-291",
    "epsilon_insensitive", params=(eps,), to_catalog={"epsilon": eps},
    instance={eps: sp.Integer(1)}, note="$\\epsilon = 1$ is the value its docstring plots.",
)
SQ_EPS_INSENSITIVE = _lf(
    "L2EpsilonInsLoss(epsilon)", sp.Max(0, sp.Abs(x) - eps) ** 2, f"{_D}:350-353",
    "squared_epsilon_insensitive", params=(eps,), to_catalog={"epsilon": eps},
    instance={eps: half}, note="$\\epsilon = 1/2$ is the value its docstring plots.",
)
QUANTILE = _lf(
    # the code: diff * ((diff > 0) - tau); its docstring writes the mirror image (tau on the
    # negative side), which swaps tau and 1 - tau and changes no trait
    "QuantileLoss(tau)", sp.Piecewise((x * (1 - tau), x > 0), (-tau * x, True)),
    f"{_D}:463-466", "quantile", params=(tau,), to_catalog={"tau": 1 - tau},
    instance={tau: sp.Rational(7, 10)},
    note="$\\tau = 0.7$ is the value its docstring plots. Its code weighs positive "
    "differences by $1 - \\tau$ (the docstring writes $\\tau$).",
)
LOG_COSH = _lf("LogCoshLoss", sp.log(sp.cosh(x)), f"{_D}:514-519", "log_cosh")


def _decl(anchor: AnchorLoss, lines: str, file: str) -> list[Declaration]:
    """Declarations from ``trait=value:line`` items (``@`` marks the ``at`` form)."""
    out = []
    for item in lines.split():
        trait_value, line = item.rsplit(":", 1)
        trait, value = trait_value.split("=", 1)
        out.append(_one(anchor, trait, value, f"{file}:{line}"))
    return out


def _one(anchor: AnchorLoss, trait: str, value: str, where: str, via: str = "") -> Declaration:
    pointwise = trait.endswith("@")
    name = trait.rstrip("@")
    typ = anchor.name.split("(")[0].split("{")[0]
    arg = f"::{typ}, at" if pointwise else f"::{typ}"
    text = f"{name}({arg}) = {_POINTS_TEXT.get(value, value)}"
    if pointwise:
        declared: object = _POINTS[value]
        name += "(at)"
    else:
        declared = {"true": True, "false": False}[value]
    return Declaration(anchor, name, declared, where, text, via)


# The exceptional points of each pointwise declaration, in the anchor's parameters; the
# source spells them with spaces, which the compact tables below cannot.
_POINTS_TEXT = {
    "true": "true",
    "at!=0": "at != 0",
    "at!=1": "at != 1",
    "at!=1&&at!=1-gamma": "at != 1 && at != 1 - loss.gamma",
    "at!=1&&at!=-1": "at != 1 && at != -1",
    "at!=abs(d)": "at != abs(l.d)",
    "abs(at)!=eps": "abs(at) != loss.ε",
}
_POINTS = {
    "true": (),
    "at!=0": (sp.S.Zero,),
    "at!=1": (sp.S.One,),
    "at!=1&&at!=1-gamma": (sp.S.One, 1 - gamma),
    "at!=1&&at!=-1": (sp.S.One, -sp.S.One),
    "at!=abs(d)": (d,),
    "abs(at)!=eps": (-eps, eps),
}

_FALLBACK_SYMMETRIC = f"the fallback `issymmetric(loss::SupervisedLoss) = false` ({_T}:241)"
_FALLBACK_STRONGLY = f"the fallback `isstronglyconvex(loss::SupervisedLoss) = false` ({_T}:93)"
_FALLBACK_LOCAL = (f"the fallback `islocallylipschitzcont(loss::SupervisedLoss) = "
                   f"isconvex(loss) || islipschitzcont(loss)` ({_T}:143)")
_FALLBACK_CALIBRATED = (f"the fallback `isclasscalibrated(loss::MarginLoss) = isconvex(loss) "
                        f"&& isdifferentiable(loss, 0) && deriv(loss, 0) < 0` ({_T}:228)")


def _fallback(anchor: AnchorLoss, trait: str, value: bool, rule: str) -> Declaration:
    where = {"issymmetric": f"{_T}:241", "isstronglyconvex": f"{_T}:93",
             "islocallylipschitzcont": f"{_T}:143", "isclasscalibrated": f"{_T}:228"}[trait]
    rule_text = rule.split(" (")[0].replace("`", "")
    return Declaration(anchor, trait, value, where, f"{trait}(::{anchor.name.split('(')[0]}) "
                       f"= {str(value).lower()} (not declared; {rule_text})", rule)


_LF_DECLARATIONS: list[Declaration] = [
    *_decl(ZERO_ONE, "isdifferentiable=false:46 isdifferentiable@=at!=0:47 "
           "istwicedifferentiable=false:48 istwicedifferentiable@=at!=0:49 "
           "islipschitzcont=true:51 isconvex=false:52 isclasscalibrated=true:53", _M),
    _fallback(ZERO_ONE, "islocallylipschitzcont", True, _FALLBACK_LOCAL),
    _fallback(ZERO_ONE, "issymmetric", False, _FALLBACK_SYMMETRIC),
    *_decl(PERCEPTRON, "isdifferentiable=false:92 isdifferentiable@=at!=0:93 "
           "istwicedifferentiable=false:94 istwicedifferentiable@=at!=0:95 "
           "islipschitzcont=true:96 isconvex=true:97 isstrictlyconvex=false:98 "
           "isstronglyconvex=false:99", _M),
    _fallback(PERCEPTRON, "isclasscalibrated", False, _FALLBACK_CALIBRATED),
    _fallback(PERCEPTRON, "issymmetric", False, _FALLBACK_SYMMETRIC),
    *_decl(LOGIT_MARGIN, "isdifferentiable=true:138 isdifferentiable@=true:139 "
           "istwicedifferentiable=true:140 istwicedifferentiable@=true:141 "
           "islipschitzcont=true:142 isconvex=true:143 isstrictlyconvex=true:144 "
           "isstronglyconvex=false:145", _M),
    _fallback(LOGIT_MARGIN, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    *_decl(L1_HINGE, "isdifferentiable=false:186 isdifferentiable@=at!=1:187 "
           "istwicedifferentiable=false:188 istwicedifferentiable@=at!=1:189 "
           "islipschitzcont=true:190 isconvex=true:191 isstrictlyconvex=false:192 "
           "isstronglyconvex=false:193", _M),
    _fallback(L1_HINGE, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    _fallback(L1_HINGE, "issymmetric", False, _FALLBACK_SYMMETRIC),
    *_decl(L2_HINGE, "isdifferentiable=true:235 isdifferentiable@=true:236 "
           "istwicedifferentiable=false:237 istwicedifferentiable@=at!=1:238 "
           "islocallylipschitzcont=true:239 islipschitzcont=false:240 isconvex=true:241 "
           "isstrictlyconvex=false:242 isstronglyconvex=false:243", _M),
    _fallback(L2_HINGE, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    *_decl(SMOOTHED_HINGE, "isdifferentiable=true:304 isdifferentiable@=true:305 "
           "istwicedifferentiable=false:306 istwicedifferentiable@=at!=1&&at!=1-gamma:307 "
           "islocallylipschitzcont=true:308 islipschitzcont=true:309 isconvex=true:310 "
           "isstrictlyconvex=false:311 isstronglyconvex=false:312", _M),
    _fallback(SMOOTHED_HINGE, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    *_decl(MODIFIED_HUBER, "isdifferentiable=true:361 isdifferentiable@=true:362 "
           "istwicedifferentiable=false:363 istwicedifferentiable@=at!=1&&at!=-1:364 "
           "islocallylipschitzcont=true:365 islipschitzcont=true:366 isconvex=true:367 "
           "isstrictlyconvex=false:368 isstronglyconvex=false:369", _M),
    _fallback(MODIFIED_HUBER, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    *_decl(EXP, "isdifferentiable=true:458 isdifferentiable@=true:459 "
           "istwicedifferentiable=true:460 istwicedifferentiable@=true:461 "
           "islocallylipschitzcont=true:462 islipschitzcont=false:463 isconvex=true:464 "
           "isstrictlyconvex=true:465 isstronglyconvex=false:466", _M),
    _fallback(EXP, "isclasscalibrated", True, _FALLBACK_CALIBRATED),
    *_decl(DWD, "isdifferentiable=true:578 isdifferentiable@=true:579 "
           "istwicedifferentiable=true:580 istwicedifferentiable@=true:581 "
           "islocallylipschitzcont=true:582 islipschitzcont=true:583 isconvex=true:584 "
           "isstrictlyconvex=false:585 isstronglyconvex=false:586", _M),
    # L1DistLoss and L2DistLoss are LPDistLoss{1} and LPDistLoss{2}: issymmetric comes
    # from the generic LPDistLoss line; the rest is declared for each.
    Declaration(L1_DIST, "issymmetric", True, f"{_D}:37",
                "issymmetric(::LPDistLoss{P}) where {P} = true"),
    *_decl(L1_DIST, "isdifferentiable=false:84 isdifferentiable@=at!=0:85 "
           "istwicedifferentiable=false:86 istwicedifferentiable@=at!=0:87 "
           "islipschitzcont=true:88 isconvex=true:89 isstrictlyconvex=false:90 "
           "isstronglyconvex=false:91", _D),
    Declaration(L2_DIST, "issymmetric", True, f"{_D}:37",
                "issymmetric(::LPDistLoss{P}) where {P} = true"),
    *_decl(L2_DIST, "isdifferentiable=true:129 isdifferentiable@=true:130 "
           "istwicedifferentiable=true:131 istwicedifferentiable@=true:132 "
           "islipschitzcont=false:133 isconvex=true:134 isstrictlyconvex=true:135 "
           "isstronglyconvex=true:136", _D),
    *(Declaration(LP3_DIST, trait, value, f"{_D}:{line}",
                  f"{trait}(::LPDistLoss{{P}}) where {{P}} = {rule}, "
                  f"{str(value).lower()} for P = 3")
      for trait, value, line, rule in (
          ("issymmetric", True, 37, "true"),
          ("isdifferentiable", True, 38, "P > 1"),
          ("istwicedifferentiable", True, 40, "P > 1"),
          ("islipschitzcont", False, 42, "P == 1"),
          ("islocallylipschitzcont", True, 43, "P >= 1"),
          ("isconvex", True, 44, "P >= 1"),
          ("isstrictlyconvex", True, 45, "P > 1"),
          ("isstronglyconvex", True, 46, "P >= 2"),
      )),
    *_decl(HUBER, "isdifferentiable=true:235 isdifferentiable@=true:236 "
           "istwicedifferentiable=false:237 istwicedifferentiable@=at!=abs(d):238 "
           "islipschitzcont=true:239 isconvex=true:240 isstrictlyconvex=false:241 "
           "isstronglyconvex=false:242 issymmetric=true:243", _D),
    *_decl(HUBER_DOCSTRING, "isdifferentiable=true:235 islipschitzcont=true:239 "
           "isconvex=true:240", _D),
    *_decl(EPS_INSENSITIVE, "issymmetric=true:298 isdifferentiable=false:299 "
           "isdifferentiable@=abs(at)!=eps:300 istwicedifferentiable=false:301 "
           "istwicedifferentiable@=abs(at)!=eps:302 islipschitzcont=true:303 "
           "isconvex=true:304 isstrictlyconvex=false:305 isstronglyconvex=false:306", _D),
    *_decl(SQ_EPS_INSENSITIVE, "issymmetric=true:364 isdifferentiable=true:365 "
           "isdifferentiable@=true:366 istwicedifferentiable=false:367 "
           "istwicedifferentiable@=abs(at)!=eps:368 islipschitzcont=false:369 "
           "isconvex=true:370 isstrictlyconvex=true:371 isstronglyconvex=true:372", _D),
    Declaration(QUANTILE, "issymmetric", False, f"{_D}:473",
                "issymmetric(loss::QuantileLoss) = loss.τ == 0.5, false for τ = 0.7"),
    *_decl(QUANTILE, "isdifferentiable=false:474 isdifferentiable@=at!=0:475 "
           "istwicedifferentiable=false:476 istwicedifferentiable@=at!=0:477 "
           "islipschitzcont=true:478 islipschitzcont_deriv=true:479 isconvex=true:480 "
           "isstrictlyconvex=false:481 isstronglyconvex=false:482", _D),
    *_decl(LOG_COSH, "issymmetric=true:529 isdifferentiable=true:530 "
           "isdifferentiable@=true:531 istwicedifferentiable@=true:532 "
           "istwicedifferentiable=true:533 islipschitzcont=true:534 isconvex=true:535 "
           "isstrictlyconvex=true:536 isstronglyconvex=true:537", _D),
]

# -- statsmodels.robust.norms ---------------------------------------------------------------

_N = "statsmodels/robust/norms.py"
t_, a_, c_, df_ = _positive("t", "a", "c", "df")
b_ = sp.Symbol("b", positive=True)


def _sm(name, formula, line, catalog, **kw) -> AnchorLoss:
    return AnchorLoss(SM, name, formula, f"{_N}:{line}", catalog, **kw)


LEAST_SQUARES = _sm("LeastSquares", x**2 / 2, 192, "l2", scale=half)
HUBER_T = _sm("HuberT(t)", sp.Piecewise((x**2 / 2, sp.Abs(x) <= t_),
                                        (sp.Abs(x) * t_ - t_**2 / 2, True)), "360-361", "huber",
              params=(t_,), to_catalog={"delta": t_}, instance={t_: sp.Rational(1345, 1000)})
ANDREW_WAVE = _sm("AndrewWave(a)", sp.Piecewise((a_**2 * (1 - sp.cos(x / a_)),
                                                  sp.Abs(x) <= a_ * sp.pi), (2 * a_**2, True)),
                  "690-691", "andrews", params=(a_,), to_catalog={"a": a_},
                  instance={a_: sp.Rational(1339, 1000)})
TRIMMED_MEAN = _sm("TrimmedMean(c)", sp.Piecewise((x**2 / 2, sp.Abs(x) <= c_),
                                                   (c_**2 / 2, True)), 877, "talwar",
                   params=(c_,), to_catalog={"c": c_}, instance={c_: sp.Integer(2)})
HAMPEL = _sm(
    "Hampel(a, b, c)",
    sp.Piecewise(
        (x**2 / 2, sp.Abs(x) <= a_),
        (a_ * sp.Abs(x) - a_**2 / 2, sp.Abs(x) <= b_),
        (a_ * (b_ + c_ - a_) / 2 - a_ * (c_ - sp.Abs(x)) ** 2 / (2 * (c_ - b_)),
         sp.Abs(x) <= c_),
        (a_ * (b_ + c_ - a_) / 2, True),
    ),
    "1071-1076", "hampel", params=(a_, b_, c_), to_catalog={"c": c_},
    instance={a_: sp.Integer(2), b_: sp.Integer(4), c_: sp.Integer(8)},
    note="the catalog's Hampel fixes $a = c/4$, $b = c/2$, as statsmodels' defaults "
    "$(2, 4, 8)$ do; the comparison uses those.",
)
TUKEY_BIWEIGHT = _sm("TukeyBiweight(c)", sp.Piecewise(
    (c_**2 / 6 * (1 - (1 - (x / c_) ** 2) ** 3), sp.Abs(x) <= c_), (c_**2 / 6, True)),
    "1333-1335", "tukey", params=(c_,), to_catalog={"c": c_},
    instance={c_: sp.Rational(4685, 1000)})
STUDENT_T = _sm(
    "StudentT(c, df)", c_**2 * df_ / 2 * sp.log(1 + (x / c_) ** 2 / df_), "1687-1689",
    "cauchy", params=(c_, df_), to_catalog={"c": c_ * sp.sqrt(df_)},
    instance={c_: sp.Rational(23849, 10000), df_: sp.Integer(4)},
    note="$\\rho$ minus its constant is the Cauchy loss with scale $c\\sqrt{df}$.",
)

_SM_DECLARATIONS: list[Declaration] = []
for _anchor, _line, _cont, _red in (
    (LEAST_SQUARES, 167, 2, "not"), (HUBER_T, 282, 1, "not"), (ANDREW_WAVE, 610, 1, "hard"),
    (TRIMMED_MEAN, 797, 0, "hard"), (HAMPEL, 970, 1, "hard"), (TUKEY_BIWEIGHT, 1221, 2, "hard"),
    (STUDENT_T, 1632, 2, "soft"),
):
    _SM_DECLARATIONS += [
        Declaration(_anchor, "continuous", _cont, f"{_N}:{_line}", f"continuous = {_cont}"),
        Declaration(_anchor, "redescending", _red, f"{_N}:{_line + 1}",
                    f'redescending = "{_red}"'),
    ]

# -- optax ------------------------------------------------------------------------------------

_R = "optax/losses/_regression.py"
delta_ = sp.Symbol("delta", positive=True)
OPTAX_HUBER = AnchorLoss(
    OPTAX, "huber_loss(delta)",
    sp.Piecewise((x**2 / 2, sp.Abs(x) <= delta_), (delta_ * (sp.Abs(x) - delta_ / 2), True)),
    f"{_R}:100-106", "huber", params=(delta_,), to_catalog={"delta": delta_},
    instance={delta_: sp.Integer(1)},
)
OPTAX_LOG_COSH = AnchorLoss(OPTAX, "log_cosh", sp.log(sp.cosh(x)), f"{_R}:133", "log_cosh")
_OPTAX_DECLARATIONS = [
    Declaration(OPTAX_HUBER, "gradient clipped", delta_, f"{_R}:83-84",
                "If gradient descent is applied to the `huber loss`, it is equivalent to "
                "clipping gradients of an `l2_loss` to `[-delta, delta]` in the backward pass."),
    Declaration(OPTAX_LOG_COSH, "twice differentiable", True, f"{_R}:116",
                "It is a twice differentiable alternative to the Huber loss."),
]

#: Every declaration, LossFunctions.jl first, in source order.
DECLARATIONS: tuple[Declaration, ...] = (
    *_LF_DECLARATIONS, *_SM_DECLARATIONS, *_OPTAX_DECLARATIONS
)
#: Every anchor loss, in the order of their first declaration.
ANCHORS: tuple[AnchorLoss, ...] = tuple(dict.fromkeys(d.anchor for d in DECLARATIONS))
