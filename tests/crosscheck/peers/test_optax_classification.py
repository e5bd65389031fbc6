"""optax's own margin-loss tests (hinge, perceptron), ported to the JAX and torch targets.

Sources (google-deepmind/optax): ``HingeLossTest`` of ``optax/_src/loss_test.py`` (the
version before the losses moved to ``optax/losses``; its data kept in
``_classification_test.py``) and ``PerceptronTest`` (test_binary, test_batched_binary) of
``optax/losses/_classification_test.py`` (read at commit
682d3123a3c61c4d5ca335021b6c0460ccab71b7). Same inputs, expected values and tolerances
(atol 1e-4); ``chex.all_variants`` becomes plain and ``jax.jit`` calls. optax's
``hinge_loss(scores, labels)`` and ``perceptron_loss(scores, labels)`` take labels +-1 and use
the margin scores * labels: lossmath's margin losses (``kind="margin"``) do the same. The
multiclass tests have no elementwise counterpart and are not ported.
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
torch = pytest.importorskip("torch")

import lossmath  # noqa: E402
from tests.support.jax_x64 import x64  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _float64():
    with x64():  # restored after this module: the setting is global
        yield


@pytest.fixture(scope="module")
def jmod():
    return lossmath.compile(["hinge", "perceptron"], target="jax")


@pytest.fixture(scope="module")
def tmod():
    return lossmath.compile(["hinge", "perceptron"], target="torch")


def variant(fn, how):
    return jax.jit(fn) if how == "jit" else fn


# HingeLossTest.setUp: "Computed expected outputs."
HI_YS = np.array([-0.97740268, -1.01812625, -0.81675726, -0.73605974, 2.08235648, 1.84101354,
                  -1.0581002])
HI_TS = np.array([-1, -1, -1, -1, 1, 1, -1])
HI_EXP = np.array([0.02259731, 0., 0.18324274, 0.26394027, 0., 0., 0.])


@pytest.mark.parametrize("how", ["plain", "jit"])
def test_hinge_batched(jmod, how):
    np.testing.assert_allclose(variant(jmod.hinge, how)(HI_YS, HI_TS.astype(float)), HI_EXP,
                               atol=1e-4)


def test_hinge_batched_torch(tmod):
    got = tmod.hinge(torch.tensor(HI_YS), torch.tensor(HI_TS, dtype=torch.float64),
                     reduction="none")
    np.testing.assert_allclose(got.numpy(), HI_EXP, atol=1e-4)


def _perceptron_reference(label, logit):
    """PerceptronTest's reference_impl: relu(-logit * (2*label - 1))."""
    return jax.nn.relu(-logit * (2.0 * label - 1.0))


@pytest.mark.parametrize("how", ["plain", "jit"])
def test_perceptron_binary(jmod, how):
    label, score = jnp.array(1), jnp.array(10.0)
    got = variant(jmod.perceptron, how)(score, jnp.array(2.0 * label - 1.0))
    np.testing.assert_allclose(got, _perceptron_reference(label, score), atol=1e-4)


@pytest.mark.parametrize("how", ["plain", "jit"])
def test_perceptron_batched_binary(jmod, how):
    labels, scores = jnp.array([1, 0]), jnp.array([10.0, 20.0])
    want = jax.vmap(_perceptron_reference)(labels, scores)
    got = variant(jmod.perceptron, how)(scores, jnp.array(2.0 * labels - 1.0))
    np.testing.assert_allclose(got, want, atol=1e-4)
    np.testing.assert_allclose(want, [0.0, 20.0])  # the margin convention matters here


def test_zero_label_is_not_mapped(jmod, tmod):
    """The documented decision: a 0 label gives the margin 0 (the loss at 0), not -1."""
    np.testing.assert_allclose(jmod.hinge(jnp.array([5.0]), jnp.array([0.0])), [1.0])
    assert tmod.hinge(torch.tensor([5.0]), torch.tensor([0.0]), reduction="none").item() == 1.0
