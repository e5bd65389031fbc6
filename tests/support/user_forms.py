"""The user-written loss forms (``--expr`` text) that the golden modules and the ulp harness
share: one table, each form under one name."""

from __future__ import annotations

#: name -> ``--expr`` text: each reaches a primitive or a regime of the stable rewrites
#: (logcosh, softplus, hypot forms, log1p_sq, sigmoid-like, entr1p, xmlog1p, sech, a Tukey
#: with float literals, steps); the golden modules hold them all
USER_FORMS = {
    "logcosh_user": "log(cosh(x))",
    "logcosh_exp": "log((exp(x) + exp(-x))/2)",
    "softplus_user": "log(1 + exp(x))",
    "softplus_neg": "log(1 + exp(-x))",
    "sqrt1pm1": "sqrt(1 + x**2) - 1",
    "charbonnier_user": "sqrt(x**2 + 1e-6) - 1e-3",
    "cauchy_user": "log(1 + x**2/2)",
    "geman_mcclure_user": "2*x**2/(x**2 + 4)",
    "welsch_user": "1 - exp(-x**2/2)",
    "xtanh": "x*tanh(x)",
    "sech_user": "1/cosh(x)",
    "fair_user": "abs(x) - log(1 + abs(x))",
    "entr_user": "(1 + abs(x))*log(1 + abs(x)) - abs(x)",
    "tukey_user": "(4.685**2/6)*(1 - (1 - (x/4.685)**2)**3) if abs(x) <= 4.685 else 4.685**2/6",
    "steps_user": "0 if x < -1 else (1 if x <= 2 else 3)",
    "andrews_user": "1 - cos(x) if abs(x) <= pi else 2",
}

#: the forms the ulp harness measures against mpmath (their truths are stored in
#: tests/data/ulp_truths/), in its order
MEASURED = ("logcosh_user", "logcosh_exp", "softplus_user", "softplus_neg", "sqrt1pm1",
            "charbonnier_user", "cauchy_user", "geman_mcclure_user", "welsch_user", "tukey_user")
#: the harness's name of a measured form where it is not the table's (its stored truths and
#: the tests that pick it name it so)
HARNESS_NAMES = {"logcosh_user": "logcosh", "softplus_user": "softplus"}
