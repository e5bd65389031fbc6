"""The Taylor polynomials of F(z) = f(sqrt(z)) and their proved remainder bounds."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from lossmath.base.symbols import x
from lossmath.numerics.series import RootTruncation, root_series


def test_derivative_of_f_of_sqrt_z_is_an_average_of_f_2n_over_a_beta_density():
    """F^(N)(r**2) = N!/(2N)! * E[f^(2N)(U r)], U with density ~ (1 - u**2)**(N-1) on
    [0, 1] (what RootTruncation's bound rests on), for f = r**(2m): both sides by sympy."""
    u = sp.Symbol("u", positive=True)
    for n in range(1, 5):
        w = (1 - u**2) ** (n - 1)
        norm = sp.integrate(w, (u, 0, 1))
        for m in range(n, n + 4):
            lhs = sp.ff(m, n)  # d^N z**m / dz**N at z = 1
            rhs = (sp.factorial(n) / sp.factorial(2 * n) * sp.ff(2 * m, 2 * n)
                   * sp.integrate(u ** (2 * m - 2 * n) * w, (u, 0, 1)) / norm)
            assert sp.simplify(lhs - rhs) == 0, (n, m)


def test_root_series_is_the_series_of_the_derivative_in_z():
    """Andrews' wave at a = 1: the coefficients from f's series equal sympy's series of
    d^2/dz^2 (1 - cos(sqrt(z))) itself."""
    z = sp.Symbol("z", positive=True)
    direct = sp.series(sp.diff(1 - sp.cos(sp.sqrt(z)), z, 2), z, 0, 6).removeO()
    assert sp.expand(root_series(1 - sp.cos(x), 2, 5).xreplace({x: z}) - direct) == 0


def test_root_series_refuses_an_odd_function():
    assert root_series(x**3 + x**2, 0, 3) is None


def test_the_proved_remainder_bound_exceeds_the_measured_remainder():
    """Andrews' wave at a = 1 (f = 1 - cos(x)), rho'' (j = 2), degree 6 below z = 4: the
    bound holds at every point of a grid where mpmath measures the relative remainder, and
    is not vacuous (below 1e-6)."""
    f = 1 - sp.cos(x)
    poly = root_series(f, 2, 6)
    bound = RootTruncation(f).bound(poly, 2, 6, sp.Integer(4))
    assert bound is not None and bound < 1e-6
    p = sp.lambdify(x, poly, "mpmath")
    with mp.workdps(50):
        worst = mp.mpf(0)
        for k in range(1, 201):
            zz = mp.mpf(4) * k / 200
            r = mp.sqrt(zz)
            exact = (mp.cos(r) - mp.sin(r) / r) / (4 * zz)  # F'' of F(z) = 1 - cos(sqrt(z))
            worst = max(worst, abs(p(zz) - exact) / abs(p(zz)))
    assert 0 < worst <= bound
    assert worst > bound / 1e4  # the bound is within four decades of the truth


def test_derivatives_that_grow_past_reach_give_no_bound_in_bounded_work():
    """Geman-McClure's f = x**2/(2 + x**2) (sigma = 1 after the scale; a rational f): its
    derivatives double in size every order or two (20 terms at f^(4) after expansion), so
    f^(62), which degree 28 of rho'' needs, is refused by the term count (the least-squares
    module of the catalog took over 30 minutes in it before the count), not computed."""
    f = x**2 / (2 + x**2)
    proof = RootTruncation(f)
    poly = root_series(f, 2, 2)
    assert proof.bound(poly, 2, 28, sp.Rational(1, 64)) is None
    assert len(proof.derivatives) < 20  # stopped after a few orders
