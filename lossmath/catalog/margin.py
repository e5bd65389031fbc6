"""Margin losses of binary classification, as functions of the margin ``x = y*f`` (label
``y`` in {-1, 1} times the score ``f``): hinge, squared hinge, smoothed hinge, modified Huber,
logistic, exponential, perceptron and zero-one.

``kind="margin"``: classification-calibration (Bartlett, Jordan and McAuliffe 2006) applies;
a convex margin loss is calibrated iff it is differentiable at 0 with ``f'(0) < 0``, so the
hinge (kink at 1), logistic and exponential are, the perceptron (kink at 0) is not.
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

CORTES_VAPNIK_1995 = Reference(
    authors=("Corinna Cortes", "Vladimir Vapnik"),
    title="Support-Vector Networks",
    venue="Machine Learning 20(3):273-297",
    year=1995,
    doi="10.1007/BF00994018",
)

RENNIE_SREBRO_2005 = Reference(
    authors=("Jason D. M. Rennie", "Nathan Srebro"),
    title="Loss Functions for Preference Levels: Regression with Discrete Ordered Labels",
    venue="IJCAI Multidisciplinary Workshop on Advances in Preference Handling",
    year=2005,
    note="the smooth hinge (gamma = 1) is Eq. (6); the gamma form is LossFunctions.jl's "
    "SmoothedL1HingeLoss",
)

ZHANG_2004 = Reference(
    authors=("Tong Zhang",),
    title="Statistical Behavior and Consistency of Classification Methods Based on Convex "
    "Risk Minimization",
    venue="Annals of Statistics 32(1):56-85",
    year=2004,
    doi="10.1214/aos/1079120130",  # as Project Euclid's page for the article gives it
    note="the form as scikit-learn's and LossFunctions.jl's ModifiedHuberLoss",
)

FHT_2000 = Reference(
    authors=("Jerome Friedman", "Trevor Hastie", "Robert Tibshirani"),
    title="Additive Logistic Regression: A Statistical View of Boosting",
    venue="Annals of Statistics 28(2):337-407",
    year=2000,
    doi="10.1214/aos/1016218223",
)

FREUND_SCHAPIRE_1997 = Reference(
    authors=("Yoav Freund", "Robert E. Schapire"),
    title="A Decision-Theoretic Generalization of On-Line Learning and an Application to "
    "Boosting",
    venue="Journal of Computer and System Sciences 55(1):119-139",
    year=1997,
    doi="10.1006/jcss.1997.1504",
)

ROSENBLATT_1958 = Reference(
    authors=("Frank Rosenblatt",),
    title="The Perceptron: A Probabilistic Model for Information Storage and Organization in "
    "the Brain",
    venue="Psychological Review 65(6):386-408",
    year=1958,
    doi="10.1037/h0042519",
)

BJM_2006 = Reference(
    authors=("Peter L. Bartlett", "Michael I. Jordan", "Jon D. McAuliffe"),
    title="Convexity, Classification, and Risk Bounds",
    venue="Journal of the American Statistical Association 101(473):138-156",
    year=2006,
    doi="10.1198/016214505000000907",
)


def _margin(markup: str) -> Convention:
    return Convention.typeset("the margin", r"$x = y f$ with labels $y = \pm 1$; " + markup)


hinge = Loss.deferred(
    name="hinge",
    expr=sp.Piecewise((1 - x, x < 1), (0, True)),
    kind="margin",
    title="Hinge loss",
    **described(
        r"$\max(0, 1 - x)$ of the margin $x = y f$: the support-vector machine's loss. "
        r"Convex, not strictly; $C^0$ at $x = 1$ (slope $-1$ to $0$). Calibrated: "
        r"differentiable at $0$ with $f'(0) = -1$."
    ),
    aliases=("l1_hinge", "L1HingeLoss", "HingeLoss", "hinge_loss"),
    references=(CORTES_VAPNIK_1995,),
    conventions=(
        _margin(
            "`optax.losses.hinge_loss(predictor_outputs, targets)` and Keras `hinge` "
            r"(labels $0/1$ mapped to $\pm1$, mean over the last axis) compute "
            r"$\max(0, 1 - y f)$; LossFunctions.jl `L1HingeLoss`, scikit-learn "
            r"`SGDClassifier(loss='hinge')`. torch's `hinge_embedding_loss` is another loss."
        ),
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = 1$ belongs to the zero piece (LossFunctions.jl's derivative is $0$ for "
            r"$a \geq 1$); both pieces are $0$ there.",
        ),
    ),
)

squared_hinge = Loss.deferred(
    name="squared_hinge",
    expr=sp.Piecewise(((1 - x) ** 2, x < 1), (0, True)),
    kind="margin",
    title="Squared hinge loss",
    **described(
        r"$\max(0, 1 - x)^2$: differentiable ($C^1$ at $x = 1$, the curvature jumps from $2$ "
        r"to $0$), convex, not strictly; gradient unbounded as $x \to -\infty$."
    ),
    aliases=("l2_hinge", "L2HingeLoss", "squared_hinge_loss"),
    references=(CORTES_VAPNIK_1995,),
    conventions=(
        _margin(
            "Keras `squared_hinge`, LossFunctions.jl `L2HingeLoss`, scikit-learn "
            "`SGDClassifier(loss='squared_hinge')`. optax and torch have none."
        ),
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = 1$ belongs to the zero piece ($a \geq 1$ in LossFunctions.jl).",
        ),
    ),
)

_gamma = Param("gamma", default=1, description="width of the quadratic zone", latex=r"\gamma")
gamma = _gamma.symbol

smoothed_hinge = Loss.deferred(
    name="smoothed_hinge",
    expr=sp.Piecewise(
        (1 - gamma / 2 - x, x < 1 - gamma), ((1 - x) ** 2 / (2 * gamma), x < 1), (0, True)
    ),
    params=(_gamma,),
    kind="margin",
    title="Smoothed hinge loss",
    **described(
        r"Linear $1 - \gamma/2 - x$ below $1 - \gamma$, quadratic $(1 - x)^2/(2\gamma)$ up "
        r"to $1$, zero beyond: the hinge with its kink rounded off. $C^1$ at both breakpoints "
        r"(the curvature jumps by $\pm1/\gamma$), convex, gradient at most $1$."
    ),
    aliases=("smooth_hinge", "smoothed_l1_hinge", "SmoothedL1HingeLoss"),
    references=(RENNIE_SREBRO_2005,),
    conventions=(
        _margin(
            r"LossFunctions.jl `SmoothedL1HingeLoss(gamma)` is this; Rennie and Srebro's smooth "
            r"hinge is $\gamma = 1$, and `modified_huber` is $4$ times $\gamma = 2$. torch, "
            "optax, Keras, scipy and statsmodels have none."
        ),
        Convention.typeset(
            "owner of the breakpoints",
            r"$x = 1 - \gamma$ and $x = 1$ belong to the piece on their right "
            r"($a \geq 1 - \gamma$ in LossFunctions.jl); value and slope agree at both.",
        ),
    ),
)

modified_huber = Loss.deferred(
    name="modified_huber",
    expr=sp.Piecewise((-4 * x, x < -1), ((1 - x) ** 2, x < 1), (0, True)),
    kind="margin",
    title="Modified Huber loss",
    **described(
        r"$-4x$ below $-1$, $(1 - x)^2$ up to $1$, zero beyond: the squared hinge with a "
        r"linear tail, so the gradient is bounded by $4$. $C^1$ at $\pm1$, convex."
    ),
    aliases=("modifiedhuber", "ModifiedHuberLoss"),
    references=(ZHANG_2004,),
    conventions=(
        _margin(
            "scikit-learn `SGDClassifier(loss='modified_huber')` and LossFunctions.jl "
            r"`ModifiedHuberLoss` (4 times `SmoothedL1HingeLoss(2)`). torch, optax, Keras, "
            "scipy and statsmodels have none."
        ),
        Convention.typeset(
            "owner of the breakpoints",
            r"$x = -1$ belongs to the quadratic piece (`agreement >= -1`), $x = 1$ to the "
            "zero piece.",
        ),
    ),
)

logistic = Loss.deferred(
    name="logistic",
    expr=sp.log(1 + sp.exp(-x)),
    kind="margin",
    title="Logistic loss",
    **described(
        r"$\log(1 + e^{-x})$: the negative log-likelihood of logistic regression. Analytic, "
        r"strictly convex (not strongly: $f'' \to 0$), gradient in $(-1, 0)$, curvature at "
        r"most $1/4$. Calibrated."
    ),
    aliases=("logit", "log_loss", "logit_margin", "LogitMarginLoss", "soft_margin"),
    references=(FHT_2000,),
    conventions=(
        _margin(
            r"`torch.nn.functional.soft_margin_loss(input, target)` is $\log(1 + e^{-y f})$ "
            r"(checked in torch 2.13); `optax.losses.sigmoid_binary_cross_entropy` is it with "
            r"$0/1$ labels; LossFunctions.jl `LogitMarginLoss`; scikit-learn "
            r"`SGDClassifier(loss='log_loss')`. Some texts divide by $\log 2$ so that "
            r"$f(0) = 1$."
        ),
    ),
)

exponential = Loss.deferred(
    name="exponential",
    expr=sp.exp(-x),
    kind="margin",
    title="Exponential loss",
    **described(
        r"$e^{-x}$: AdaBoost's loss. Analytic, strictly convex but not strongly, with an "
        r"unbounded gradient and curvature as $x \to -\infty$. Calibrated."
    ),
    aliases=("exp_loss", "ExpLoss", "adaboost"),
    references=(FREUND_SCHAPIRE_1997, FHT_2000),
    conventions=(
        _margin(
            "LossFunctions.jl `ExpLoss`; scikit-learn `GradientBoostingClassifier("
            "loss='exponential')`. torch, optax, Keras, scipy and statsmodels have none."
        ),
    ),
)

perceptron = Loss.deferred(
    name="perceptron",
    expr=sp.Piecewise((-x, x < 0), (0, True)),
    kind="margin",
    title="Perceptron loss",
    **described(
        r"$\max(0, -x)$: penalises only misclassified points. Convex, $C^0$ at $0$; not "
        r"calibrated, since it is not differentiable at $0$ (the zero score costs nothing)."
    ),
    aliases=("PerceptronLoss", "perceptron_loss"),
    references=(ROSENBLATT_1958,),
    conventions=(
        _margin(
            "`optax.losses.perceptron_loss(predictor_outputs, targets)` (checked in optax "
            "0.2.8), LossFunctions.jl `PerceptronLoss`, scikit-learn "
            "`SGDClassifier(loss='perceptron')`."
        ),
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = 0$ belongs to the zero piece (LossFunctions.jl's derivative is $0$ for "
            r"$a \geq 0$); both pieces are $0$ there.",
        ),
    ),
)

zero_one = Loss.deferred(
    name="zero_one",
    expr=sp.Piecewise((1, x <= 0), (0, True)),
    kind="margin",
    title="Zero-one loss",
    **described(
        r"$1$ for $x \leq 0$ (a misclassification, or no decision) and $0$ for $x > 0$: the "
        "loss every margin loss above is a convex surrogate for. Discontinuous at $0$, not "
        "convex, not Lipschitz; calibrated."
    ),
    aliases=("zeroone", "misclassification", "ZeroOneLoss", "0_1"),
    references=(BJM_2006,),
    conventions=(
        _margin(
            "LossFunctions.jl `ZeroOneLoss` (declared Lipschitz continuous, which a "
            "discontinuous function is not). torch, optax, Keras, scipy and statsmodels have "
            "none."
        ),
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = 0$ belongs to the piece $1$: a zero margin counts as an error, "
            r"$\phi(x) = 1[x \leq 0]$ as in Bartlett, Jordan and McAuliffe. With this owner "
            r"the loss is calibrated. LossFunctions.jl gives $0$ at $x = 0$ "
            r"(`sign(a) < 0 ? 1 : 0`); with that owner the score $f = 0$ costs nothing for "
            r"either label, so the loss is not calibrated, though LossFunctions.jl declares "
            "it so.",
        ),
    ),
)

LOSSES = (hinge, squared_hinge, smoothed_hinge, modified_huber, logistic, exponential,
          perceptron, zero_one)
