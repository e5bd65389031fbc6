"""optax's own regression-loss tests, ported to the JAX target.

Source: google-deepmind/optax, ``optax/losses/_regression_test.py`` (classes SquaredErrorTest,
HuberLossTest, LogCoshTest; read at commit 15299571c86899fb8ab81e315d11ef9268511dab). Same
inputs, expected values and tolerances; ``chex.all_variants`` becomes plain and ``jax.jit``
calls (jit traces every argument, the keyword hyperparameters included, as chex's
``with_jit`` variant does). Where lossmath's convention differs, the test says so.
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import lossmath  # noqa: E402
from tests.support.jax_x64 import x64  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _float64():
    with x64():  # restored after this module: the setting is global
        yield


@pytest.fixture(scope="module")
def mod():
    return lossmath.compile(["l2", "huber", "log_cosh"], target="jax")


VARIANTS = ["plain", "jit"]


def variant(fn, how):
    return jax.jit(fn) if how == "jit" else fn


# SquaredErrorTest (_regression_test.py lines 25-52): optax's squared_error(y, t) = (t - y)**2,
# lossmath's l2 of x = y - t is x**2: the same numbers.
SQ_YS = np.array([-2.0, -1.0, 0.5, 1.0])
SQ_TS = np.array([-1.5, 0.0, -1, 1.0])


@pytest.mark.parametrize("how", VARIANTS)
def test_squared_error_scalar(mod, how):
    exp = (SQ_TS - SQ_YS) ** 2
    np.testing.assert_allclose(variant(mod.l2, how)(SQ_YS[0], SQ_TS[0]), exp[0])


@pytest.mark.parametrize("how", VARIANTS)
def test_squared_error_batched(mod, how):
    exp = (SQ_TS - SQ_YS) ** 2
    np.testing.assert_allclose(variant(mod.l2, how)(SQ_YS, SQ_TS), exp)


@pytest.mark.parametrize("how", VARIANTS)
def test_squared_error_shape_mismatch_raises(mod, how):
    """optax asserts equal shapes (chex.assert_equal_shape) instead of broadcasting (4,)
    against (4, 1) into (4, 4)."""
    with pytest.raises((AssertionError, ValueError)):
        variant(mod.l2, how)(SQ_YS, jnp.expand_dims(SQ_TS, axis=-1))


# HuberLossTest (lines 80-101): expected values "computed manually" in optax.
HU_YS = np.array([-2.0, 0.5, 0.0, 0.5, 2.0, 4.0, 132.0])
HU_TS = np.array([0.0, -0.5, 0.0, 1.0, 1.0, 2.0, 0.3])
HU_EXP = np.array([1.5, 0.5, 0.0, 0.125, 0.5, 1.5, 131.2])


@pytest.mark.parametrize("how", VARIANTS)
def test_huber_scalar(mod, how):
    np.testing.assert_allclose(variant(mod.huber, how)(HU_YS[0], HU_TS[0], delta=1.0), HU_EXP[0])


@pytest.mark.parametrize("how", VARIANTS)
def test_huber_batched(mod, how):
    np.testing.assert_allclose(variant(mod.huber, how)(HU_YS, HU_TS, delta=1.0), HU_EXP)


# LogCoshTest (lines 104-135): "computed using tensorflow.keras.losses.log_cosh v2.4.1",
# atol 1e-5; (500, -200) tests overflow.
LC_YS = np.array([500, -2.0, -1.0, 0.5, 1.0])
LC_TS = np.array([-200, -1.5, 0.0, -1, 1.0])
LC_EXP = np.array([699.3068, 0.12011445, 0.4337809, 0.85544014, 0.0])
LC_EXP_YS_ONLY = np.array([499.30685, 1.3250027, 0.4337809, 0.12011451, 0.43378082])


@pytest.mark.parametrize("how", VARIANTS)
def test_log_cosh_scalar(mod, how):
    np.testing.assert_allclose(variant(mod.log_cosh, how)(LC_YS[0], LC_TS[0]), LC_EXP[0],
                               atol=1e-5)


@pytest.mark.parametrize("how", VARIANTS)
def test_log_cosh_batched(mod, how):
    np.testing.assert_allclose(variant(mod.log_cosh, how)(LC_YS, LC_TS), LC_EXP, atol=1e-5)


@pytest.mark.parametrize("how", VARIANTS)
def test_log_cosh_scalar_predictions_only(mod, how):
    np.testing.assert_allclose(variant(mod.log_cosh, how)(LC_YS[0]), LC_EXP_YS_ONLY[0], atol=1e-5)


@pytest.mark.parametrize("how", VARIANTS)
def test_log_cosh_batched_predictions_only(mod, how):
    np.testing.assert_allclose(variant(mod.log_cosh, how)(LC_YS), LC_EXP_YS_ONLY, atol=1e-5)
