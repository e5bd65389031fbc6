"""The least-squares target: NAME_rho(z) is scipy's robust loss convention.

Truths: scipy's own ``loss=`` options (``least_squares`` on the same problem, same
``f_scale``), and rho, rho', rho'' written out by hand below from the textbook definitions and
evaluated in mpmath at 700 digits (z down to 1e-320 needs more than 320 of them in 1 + z)."""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import pytest

import lossmath
from lossmath.emit import least_squares as ls
from lossmath.spec.toml import loss_from_expr
from tests.support import gencache

optimize = pytest.importorskip("scipy.optimize")

#: scipy's arctan option is rho(z) = arctan(z): f(r) = arctan(r**2)/2 (no catalog loss)
ARCTAN = "atan(x**2)/2"


def _problem():
    """A line fit with five gross outliers (seeded)."""
    rng = np.random.default_rng(7)
    t = np.linspace(0.0, 10.0, 60)
    y = 2.5 * t - 1.0 + rng.normal(0.0, 0.3, t.size)
    y[[3, 17, 29, 41, 55]] += np.array([25.0, -30.0, 18.0, 40.0, -22.0])
    return t, y


def _fit(loss, f_scale=1.0):
    t, y = _problem()
    return optimize.least_squares(lambda p: p[0] * t + p[1] - y, [1.0, 0.0], loss=loss,
                                  f_scale=f_scale)


@pytest.fixture(scope="module")
def scipy_like():
    arctan = loss_from_expr(ARCTAN, name="arctan")
    return lossmath.compile(["huber", "pseudo_huber", "cauchy", arctan], "least-squares",
                            params={"cauchy": {"c": 1}})


def test_generated_rho_fits_as_scipys_builtin():
    _same_fit(lossmath.compile("huber", "least-squares"), "huber", "huber")


@pytest.mark.slow
@pytest.mark.parametrize("name, builtin", [("pseudo_huber", "soft_l1"), ("cauchy", "cauchy"),
                                           ("arctan", "arctan")])
def test_every_generated_rho_fits_as_scipys_builtin(scipy_like, name, builtin):
    _same_fit(scipy_like, name, builtin)


def _same_fit(module, name, builtin):
    """The same fit: the cost to 1e-10 (relative) and the same number of evaluations; the
    parameters to 1e-6. Not to 1e-10: scipy's trust-region solver stops (ftol) where the
    parameters are determined to about 1e-8 only -- multiplying its own built-in rho' by
    (1 + 2**-52) moves its answer by up to 7e-8 on this problem (soft_l1, f_scale 2), and
    the generated rho' differs from scipy's t**-0.5 by that one ulp. Huber's is bit-identical.
    """
    rho = getattr(module, f"{name}_rho")
    for f_scale in (0.5, 2.0):
        ours, ref = _fit(rho, f_scale), _fit(builtin, f_scale)
        assert ours.nfev == ref.nfev
        np.testing.assert_allclose(ours.cost, ref.cost, rtol=1e-10, atol=0)
        np.testing.assert_allclose(ours.x, ref.x, rtol=1e-6 if name != "huber" else 0, atol=0)
    # the functions themselves: rho' and rho'' to 2 ulp of scipy's everywhere, and rho where
    # scipy's does not cancel (soft_l1's 2*((1 + z)**0.5 - 1) loses digits below z = 1)
    from scipy.optimize._lsq.least_squares import IMPLEMENTED_LOSSES

    z = np.logspace(-8, 8, 401)
    theirs = np.empty((3, z.size))
    IMPLEMENTED_LOSSES[builtin](z, theirs, False)
    got = rho(z)
    rows = (1, 2) if builtin == "soft_l1" else (0, 1, 2)
    for j in rows:
        np.testing.assert_allclose(got[j], theirs[j], rtol=4.5e-16, atol=0, err_msg=str(j))


@pytest.mark.slow
def test_losses_scipy_lacks_converge_near_the_true_line():
    barron = lossmath.get_loss("barron").subs(alpha=-2)
    m = lossmath.compile(["tukey", "welsch", barron], "least-squares")
    for rho in (m.tukey_rho, m.welsch_rho, functools.partial(m.barron_rho, c=1.0)):
        res = _fit(rho, 1.0)
        assert res.success and res.status > 0
        # the outliers are rejected: the slope and intercept of the clean line (2.5, -1)
        assert abs(res.x[0] - 2.5) < 0.05 and abs(res.x[1] + 1.0) < 0.3


def _truths():
    """rho, rho', rho'' from the definitions (z = r**2, rho = 2 f(sqrt z)/f''(0))."""
    # the parameters the generated functions get: the defaults rounded to float64 (Welsch's
    # rho' at z/c**2 = 700 is 400 ulp away from exp(-z/(597/200)**2) by that rounding alone)
    c_cauchy, c_tukey, c_welsch = (mp.mpf(477 / 200), mp.mpf(937 / 200), mp.mpf(597 / 200))

    def huber(z, d=1):
        if z <= d * d:
            return z, mp.mpf(1), mp.mpf(0)
        s = mp.sqrt(z)
        return 2 * d * s - d * d, d / s, -d / (2 * z * s)

    def pseudo_huber(z, d=1):
        u = 1 + z / d**2
        return 2 * d * d * (mp.sqrt(u) - 1), 1 / mp.sqrt(u), -u**-1.5 / (2 * d * d)

    def cauchy(z, c=c_cauchy):
        u = 1 + z / c**2
        return c * c * mp.log(u), 1 / u, -1 / (c * c * u * u)

    def arctan(z):
        return mp.atan(z), 1 / (1 + z * z), -2 * z / (1 + z * z) ** 2

    def tukey(z, c=c_tukey):
        if z > c * c:
            return c * c / 3, mp.mpf(0), mp.mpf(0)
        w = 1 - z / c**2
        return c * c / 3 * (1 - w**3), w * w, -2 / c**2 * w

    def barron(z, c=1):  # alpha = -2: f = 2 u/(1 + u) with u = r**2/(4 c**2)
        u = z / (4 * c * c)
        return z / (1 + u), 1 / (1 + u) ** 2, -1 / (2 * c * c * (1 + u) ** 3)

    def welsch(z, c=c_welsch):
        e = mp.exp(-z / c**2)
        return c * c * (1 - e), e, -e / c**2

    return {"huber": huber, "pseudo_huber": pseudo_huber, "cauchy": cauchy, "arctan": arctan,
            "tukey": tukey, "barron": barron, "welsch": welsch}


def _ulps(got: float, truth) -> float:
    t = float(truth)
    if got == t:
        return 0.0
    return float(abs(mp.mpf(got) - truth)) / float(np.spacing(abs(t)) if t else 5e-324)


@pytest.fixture(scope="module")
def accuracy_module():
    arctan = loss_from_expr(ARCTAN, name="arctan")
    barron = lossmath.get_loss("barron").subs(alpha=-2)
    return lossmath.compile(["huber", "pseudo_huber", "cauchy", arctan, "tukey", barron,
                             "welsch"], "least-squares")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["huber", "pseudo_huber", "cauchy", "arctan", "tukey",
                                  "barron", "welsch"])
def test_rho_and_its_derivatives_within_4_ulp_from_subnormal_to_1e300(accuracy_module, name):
    with mp.workdps(700):
        _within_4_ulp(accuracy_module, name, np.logspace(-320, 300, 400))


@pytest.mark.slow
def test_welschs_derivatives_within_4_ulp_up_to_the_underflow():
    """rho' = exp(-z/c**2): exp amplifies the rounding of z/c**2 by z/c**2 itself (714 ulp at
    z/c**2 = 568 before the residual was added, lossmath.numerics.rounding); now within 4
    ulp on a dense grid up to where exp underflows (z/c**2 = 745)."""
    m = lossmath.compile("welsch", "least-squares")
    c2 = 2.985**2
    with mp.workdps(60):
        _within_4_ulp(m, "welsch", np.linspace(0.0, 745.0 * c2, 3001)[1:])


def test_pseudo_huber_rho_within_4_ulp_where_scipys_soft_l1_is_zero():
    m = lossmath.compile("pseudo_huber", "least-squares")
    with mp.workdps(700):
        _within_4_ulp(m, "pseudo_huber", np.array([0.0, 5e-324, 1e-320, 1e-200, 1e-17, 0.5, 1e9,
                                                   1e300]))
    # scipy's soft_l1 cancels to 0 below z = 1e-16; this one is z to the last bit there
    assert m.pseudo_huber_rho(np.array([1e-17]))[0, 0] == 1e-17
    # at z = 0: rho = 0, rho' = 1, rho'' = -1/(2 delta**2) (f = x**2/2 - x**4/(8 delta**2) + ...)
    np.testing.assert_array_equal(m.pseudo_huber_rho(0.0, delta=2.0), [0.0, 1.0, -0.125])


def _within_4_ulp(module, name, zs):
    truth = _truths()[name]
    got = getattr(module, f"{name}_rho")(zs)
    assert got.shape == (3, zs.size)
    for i, z in enumerate(zs):
        exact = truth(mp.mpf(float(z)))
        for j in range(3):
            assert _ulps(got[j, i], exact[j]) <= 4.0, (name, j, z, got[j, i], exact[j])


@pytest.mark.slow
def test_exact_limits_at_zero():
    m = lossmath.compile(["cauchy", "pseudo_huber"], "least-squares")
    # rho'(0) = 1 and rho''(0) = f''''(0)/(6 f''(0)): Cauchy's f''''(0) = -6/c**2, so -1/c**2;
    # pseudo-Huber's f''''(0) = -3/delta**2, so -1/(2 delta**2)
    np.testing.assert_array_equal(m.cauchy_rho(0.0, c=2.0), [0.0, 1.0, -0.25])
    np.testing.assert_array_equal(m.pseudo_huber_rho(np.zeros(2), delta=2.0),
                                  [[0.0, 0.0], [1.0, 1.0], [-0.125, -0.125]])


def test_losses_not_proved_symmetric_are_refused_in_one_line():
    with pytest.raises(lossmath.LossError, match="least-squares needs a symmetric loss") as e:
        ls.generate(["quantile"])
    assert "\n" not in str(e.value)
    with pytest.raises(lossmath.LossError, match="smooth at 0"):
        ls.generate(["l1"])


def test_a_parameter_named_like_the_wrappers_own_names_is_refused():
    z = lossmath.Param("z", default=1)
    loss = lossmath.Loss("mine", lossmath.x**2 / (2 * z.symbol), params=(z,))
    with pytest.raises(lossmath.LossError,
                       match="parameter .z. is an argument of the generated functions"):
        ls.generate([loss])


def test_symmetry_verdict_survives_sympy_solve_without_a_method():
    """rho(z) of Welsch (z below 0 is z): f(x) - f(-x) at a sample point is
    -c**2 + c**2*exp(-1/c**2) - 1, which sympy.solve cannot solve for c (NotImplementedError:
    multiple generators); the verdict is still given."""
    import sympy as sp

    from lossmath.analysis.properties import symmetric

    c = lossmath.Param("c", default=3)
    expr = sp.Piecewise((lossmath.x, lossmath.x < 0),
                        (c.symbol**2 * (1 - sp.exp(-lossmath.x / c.symbol**2)), True))
    verdict, _ = symmetric(lossmath.Loss("w", expr, params=(c,)).table)
    assert verdict is not True


def test_the_embedded_functions_document_their_argument_as_z_not_a_residual():
    """NAME_z, NAME_z_grad, NAME_z_hess take z = r**2 (named x, as in the numpy target): the
    generated text says so and never calls their argument a residual."""
    text = ls.generate(["cauchy"])
    assert "Residuals, any shape" not in text
    for fn in ("cauchy_z", "cauchy_z_grad", "cauchy_z_hess", "cauchy_z_value_and_grad"):
        body = text[text.index(f"def {fn}(x"):]
        doc = body[:body.index('"""', body.index('"""') + 3)]
        assert "Squared residuals z = r**2 (not residuals)" in doc, fn


@pytest.mark.slow
def test_one_ulp_in_scipys_own_rho_prime_moves_its_fit_as_far_as_ours_differs():
    """Why _same_fit compares x to 1e-6, not 1e-10: scipy's trust-region solver stops (ftol)
    where x is determined to about 1e-7 only. Measured on this problem: scipy's own soft_l1
    with rho' times (1 + 2**-52) or (1 - 2**-53) moves x by 3.2e-8 to 1.9e-7 (f_scale 0.5, 2);
    the generated rho' moves it by 3.2e-8 and 1.1e-7: the same size. Neither rho' is the
    exact one: at the 2220 z of the iterates (both f_scale) the generated 1/sqrt(1 + z) is
    within 1.77 ulp of mpmath (mean 0.46) and scipy's (1 + z)**-0.5 within 1.07 (mean 0.29),
    equal in 61-66% of them; so the difference is the solver's sensitivity to one ulp of
    rho', not an error of either."""
    from scipy.optimize._lsq.least_squares import IMPLEMENTED_LOSSES

    def perturbed(factor):
        def rho(z):
            out = np.empty((3, z.size))
            IMPLEMENTED_LOSSES["soft_l1"](z, out, False)
            out[1] *= factor
            return out
        return rho

    ours = lossmath.compile("pseudo_huber", "least-squares").pseudo_huber_rho
    for f_scale in (0.5, 2.0):
        ref = _fit("soft_l1", f_scale).x

        def moved(v, ref=ref):
            return float(np.max(np.abs(v - ref) / np.abs(ref)))

        one_ulp = max(moved(_fit(perturbed(f), f_scale).x) for f in (1 + 2**-52, 1 - 2**-53))
        assert one_ulp > 1e-8  # 1e-10 is out of reach of any rho' one ulp off
        assert moved(_fit(ours, f_scale).x) <= 2 * one_ulp


def _accepted():
    """Every catalog loss the target accepts (Barron at alpha = -2: its alpha must be fixed)."""
    from lossmath import catalog

    out = []
    for loss in catalog.all_losses():
        if loss.name == "barron":
            loss = loss.subs(alpha=-2)
        try:
            ls.rho_loss(loss)
        except lossmath.LossError:
            continue
        out.append(loss)
    return out


#: (loss, row) known beyond the bound on this grid: none since the series regimes
#: (lossmath.emit.root_series) replaced Andrews' and log-cosh's cancelling rho'' near 0;
#: log-cosh's rho'' above the series threshold is checked on a dense grid below
_RHO_XFAIL: dict[tuple[str, int], str] = {}


def _rho_cases():
    for loss in _accepted():
        for j in range(3):
            why = _RHO_XFAIL.get((loss.name, j))
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            yield pytest.param(loss, j, id=f"{loss.name}-{j}", marks=marks)


@pytest.fixture(scope="module")
def every_rho():
    return gencache.compile(_accepted(), "least-squares")


@pytest.mark.slow
@pytest.mark.parametrize("loss, j", list(_rho_cases()))
def test_every_accepted_rho_within_4_ulp_where_well_conditioned(every_rho, loss, j):
    """rho, rho', rho'' (j = 0, 1, 2) of every accepted catalog loss against mpmath at 700
    digits, from z = 5e-324 to 1e300: within 4 ulp (the issue's bound for all three rows)
    where the function is well conditioned (kappa = |z g'(z)/g(z)| <= 2: an input rounded
    by half an ulp moves g by kappa/2 ulp, at most 1, so 4 leaves 3 for the evaluation),
    and within 4*kappa elsewhere (what a perturbation of z by 4 ulp explains: Tukey's
    rho' = (1 - z/c**2)**2 next to c**2, a breakpoint). The truth is built from the
    definition of f alone:
    rho = 2 f(r)/k, rho' = f'(r)/(r k), rho'' = (f''(r) - f'(r)/r)/(2 z k), r = sqrt(z),
    k = f''(0), with the parameters the functions get (the defaults as float64)."""
    import sympy as sp

    from lossmath.base.symbols import x as X

    vals = {p.symbol: sp.Rational(float(p.default)) for p in loss.params}
    f, f1, f2 = (sp.lambdify(X, loss.derivative(n).table.piecewise().xreplace(vals), "mpmath")
                 if n else sp.lambdify(X, loss.table.piecewise().xreplace(vals), "mpmath")
                 for n in range(3))

    def g(z):
        r = mp.sqrt(z)
        k = f2(mp.mpf(0))
        return (2 * f(r) / k, f1(r) / (r * k), (f2(r) - f1(r) / r) / (2 * z * k))[j]

    bound = 4.0
    zs = np.concatenate([[5e-324, 1e-320], np.logspace(-320, 300, 250)])
    got = getattr(every_rho, f"{loss.name}_rho")(zs)[j]
    with mp.workdps(700):
        for z, v in zip(zs, got):
            zm = mp.mpf(float(z))
            exact, h = g(zm), mp.mpf(10) ** -60
            kappa = abs((g(zm * (1 + h)) - g(zm * (1 - h))) / (2 * h * exact)) if exact else 0
            allowed = bound if kappa <= 2 else bound * float(kappa)
            assert _ulps(float(v), exact) <= allowed, (loss.name, j, z, v, exact, float(kappa))


@pytest.mark.slow
def test_andrews_rho_second_derivative_within_2_ulp_where_its_closed_form_cancels():
    """(cos(r/a) - a sin(r/a)/r)/(2z) was 4e8 ulp off at z = 1e-8, 0 at 1e-16 and -5.7e183
    at 1e-200; the series regime (lossmath.emit.root_series, below z = 4 a**2) is within 2
    ulp of mpmath there, for the default a and another one (the scale-family proof)."""
    m = lossmath.compile("andrews", "least-squares")
    zs = np.concatenate([[1e-300, 1e-200, 1e-16, 1e-8], np.geomspace(1e-4, 7.0, 200)])
    for a in (1.339, 0.25):
        got = m.andrews_rho(zs * (a / 1.339) ** 2, a=a)[2]
        with mp.workdps(700):  # the difference cancels 300 digits at z = 1e-300
            am = mp.mpf(a)
            for z, v in zip(zs * (a / 1.339) ** 2, got):
                r = mp.sqrt(mp.mpf(float(z)))
                exact = (mp.cos(r / am) - am * mp.sin(r / am) / r) / (2 * mp.mpf(float(z)))
                assert _ulps(float(v), exact) <= 2.0, (a, z, v, exact)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "log-cosh's rho'' closed form (sech(r)**2 - tanh(r)/r)/(2z) above the series threshold "
    "z = 1/4 is 5 to 14.5 ulp off (measured on 3000 points of 0.25..40: 14.5 at z = 0.39, "
    "12.3 at 0.51, 7.5 at 3.6, 11.5 at 25.8; kappa <= 1.5): the difference of two rounded "
    "terms, needs a more accurate form than the numerics stage finds"))
def test_log_cosh_rho_second_derivative_within_4_ulp_on_a_dense_grid():
    """Below z = 1/4 the series regime (within 0.9 ulp there, measured); above it the
    emitted closed form. The every-rho grid (250 points over 620 decades) has few points
    in 0.25..40 and misses the worst ones."""
    m = lossmath.compile("log_cosh", "least-squares")
    zs = np.geomspace(1e-6, 40.0, 600)
    got = m.log_cosh_rho(zs)[2]
    with mp.workdps(60):
        for z, v in zip(zs, got):
            r = mp.sqrt(mp.mpf(float(z)))
            exact = (mp.sech(r) ** 2 - mp.tanh(r) / r) / (2 * mp.mpf(float(z)))
            assert _ulps(float(v), exact) <= 4.0, (z, v, exact)
