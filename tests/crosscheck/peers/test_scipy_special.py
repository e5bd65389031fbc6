"""scipy.special's own huber and pseudo_huber tests, ported to the numpy and JAX targets.

Source: scipy/scipy ``scipy/special/tests/test_basic.py``, ``test_huber`` and
``test_pseudo_huber`` (``scipy/special/tests/test_pseudo_huber.py`` for the small-r case:
"expected computed with mpmath", rtol 1e-13). Same inputs, reference functions (``xfunc``)
and tolerances (rtol = atol = 1e-13); ``z = np.random.randn(10, 2)`` with a fixed seed, the
first column delta, the second r. scipy's ``huber(delta, r)`` is lossmath's
``huber(r, delta=delta)``.

Not ported as is: scipy returns inf for delta < 0 (``huber(-1, 1.5) == inf``) where lossmath
refuses the parameter (ValueError: a negative width has no loss); the rows of z with
delta < 0 are checked to raise instead. delta = 0 (scipy: 0 for pseudo_huber and huber) is
the limit of the parameter, which the targets take at that value.
"""

from __future__ import annotations

import numpy as np
import pytest

import lossmath  # noqa: E402
from tests.support.jax_x64 import x64

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


@pytest.fixture(autouse=True, scope="module")
def _float64():
    with x64():  # restored after this module: the setting is global
        yield


@pytest.fixture(scope="module")
def nmod():
    return lossmath.compile(["huber", "pseudo_huber"], target="numpy")


@pytest.fixture(scope="module")
def jmod():
    return lossmath.compile(["huber", "pseudo_huber"], target="jax")


def _huber_x(delta, r):
    """test_huber's xfunc."""
    if delta < 0:
        return np.inf
    if np.abs(r) < delta:
        return 0.5 * np.square(r)
    return delta * (np.abs(r) - 0.5 * delta)


def _pseudo_huber_x(delta, r):
    """test_pseudo_huber's xfunc."""
    if delta < 0:
        return np.inf
    if (not delta) or (not r):
        return 0
    return delta ** 2 * (np.sqrt(1 + (r / delta) ** 2) - 1)


Z = np.random.default_rng(54321).standard_normal((10, 2))
XFUNC = {"huber": _huber_x, "pseudo_huber": _pseudo_huber_x}


def test_huber_fixed_values(nmod):
    """test_huber's three fixed values (the first as a refusal, see the module docstring)."""
    with pytest.raises(ValueError, match="delta"):
        nmod.huber(1.5, delta=-1.0)
    np.testing.assert_allclose(nmod.huber(1.5, delta=2.0), 0.5 * np.square(1.5))
    np.testing.assert_allclose(nmod.huber(2.5, delta=2.0), 2 * (2.5 - 0.5 * 2))


@pytest.mark.parametrize("name", ["huber", "pseudo_huber"])
def test_random_rows_numpy_target(nmod, name):
    fn = getattr(nmod, name)
    for delta, r in Z:
        if delta < 0:
            with pytest.raises(ValueError):
                fn(r, delta=delta)
            continue
        np.testing.assert_allclose(fn(r, delta=delta), XFUNC[name](delta, r), rtol=1e-13,
                                   atol=1e-13)


@pytest.mark.parametrize("name", ["huber", "pseudo_huber"])
def test_random_rows_jax_target_per_element_delta(jmod, name):
    """The same rows in one call, delta an array per element (the positive rows)."""
    keep = Z[:, 0] > 0
    d, r = Z[keep, 0], Z[keep, 1]
    got = getattr(jmod, name)(jnp.asarray(r), delta=jnp.asarray(d))
    want = [XFUNC[name](a, b) for a, b in zip(d, r)]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-13, atol=1e-13)


def test_pseudo_huber_small_r(nmod, jmod):
    """test_pseudo_huber.py: pseudo_huber(1, 1e-18) = 5.0000000000000005e-37 (mpmath)."""
    np.testing.assert_allclose(nmod.pseudo_huber(1e-18, delta=1.0), 5.0000000000000005e-37,
                               rtol=1e-13)
    np.testing.assert_allclose(float(jmod.pseudo_huber(jnp.asarray(1e-18), delta=1.0)),
                               5.0000000000000005e-37, rtol=1e-13)


@pytest.mark.parametrize("name", ["huber", "pseudo_huber"])
def test_zero_delta_rows_follow_the_xfunc(nmod, jmod, name):
    """The xfuncs' delta == 0 branch (pseudo_huber: ``if not delta: return 0``; huber: the
    linear piece, ``0 * (|r| - 0)``): the rows of z with delta set to 0 give 0, in the numpy
    target (delta a number) and the JAX target (delta an array, zeros among positive rows)."""
    r = Z[:, 1]
    for v in r:
        np.testing.assert_equal(getattr(nmod, name)(v, delta=0.0), XFUNC[name](0.0, v))
    d = np.where(np.arange(len(r)) % 2 == 0, 0.0, np.abs(Z[:, 0]))
    got = getattr(jmod, name)(jnp.asarray(r), delta=jnp.asarray(d))
    want = [XFUNC[name](a, b) for a, b in zip(d, r)]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-13, atol=1e-13)
