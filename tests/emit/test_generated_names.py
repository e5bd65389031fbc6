"""No name changes a number: the namespace of generated code (lossmath.emit.names).

The theorem, for every target: a loss whose name and parameter names are drawn from the
names most likely to meet the generated code's own -- Python keywords and builtins, numpy,
torch and JAX names, ``nn.Module`` attributes, the printers' helper and local names, case
and underscore variants, Unicode identifiers -- is either refused with a one-line
:class:`LossError` that names it, exactly when the documented rules refuse it, or generates
a module that imports and computes, bit for bit, what the same loss with plain names
computes (values, derivatives, and each target's own machinery: autograd and ``nn.Module``
for torch, ``jax.jvp`` for JAX). The truth is the module generated from plain names, which
meet nothing.
"""

from __future__ import annotations

import builtins
import keyword
import unicodedata

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError, Param
from lossmath.emit import array_api, jax, names, numba, numpy_runtime, targets, torch

KEYWORDS = keyword.kwlist + keyword.softkwlist
BUILTINS = ["abs", "len", "float", "print", "type", "object", "super", "min", "sum"]
LIBRARIES = ["np", "numpy", "torch", "jax", "jnp", "math", "numbers", "struct", "functools",
             "sys", "os", "numba", "array_namespace", "xp", "float32", "where", "nn", "F",
             "functional", "annotations", "concurrent", "lax"]
MODULE_ATTRS = ["forward", "training", "parameters", "to", "state_dict", "eval", "train",
                "cuda", "buffers", "apply", "register_buffer", "extra_repr", "reduction",
                "double", "half", "zero_grad", "load_state_dict", "self", "cls"]
HELPERS = ["run", "param", "fits", "wide", "narrow", "residual", "reduce", "missing", "fit",
           "round32", "hypot", "sign", "input", "target", "targets", "predictions", "dtype",
           "primals", "tangents", "t", "g", "ctx", "x", "out", "threads", "kernel", "value",
           "grad", "c0", "t1", "s2", "m3", "weight", "loop", "jit", "finite_in", "lm_k0",
           "lm_p_a", "k0", "f0", "fn0", "params", "p", "inputs", "output", "work", "u", "v"]
VARIANTS = ["Huber", "huber", "HUBER", "huber_", "h_uber", "hUber", "a_b", "aB", "AB", "ab",
            "L1", "l1", "Wing", "wing", "x_fast", "q_grad", "q_hess", "q_value_and_grad"]
UNICODE = ["λ", "ñame", "变量", "δ", "Δ", "ǅ", "ｈ", "ﬁ", "Å", "Å", "µ", "ª", "ℌ", "x²"]
POOL = sorted(set(KEYWORDS + BUILTINS + LIBRARIES + MODULE_ATTRS + HELPERS + VARIANTS
                  + UNICODE + ["_lm_k0_q", "_q", "__init__", "1x", "a-b", ""]))

TARGETS = ["numpy", "numba", "torch", "torch-fused", "jax", "array-api"]


def _array(target) -> tuple:
    return target.TARGET.arguments, ("annotations", *target.TARGET.modules)


INTERFACE = {  # (public arguments and locals, imported modules) as each printer declares them
    "numpy": (numpy_runtime.RESERVED, numpy_runtime.MODULES),
    "numba": (numba._RESERVED, numba._MODULES),
    "torch": _array(torch),
    "torch-fused": _array(torch),  # the torch module, its functions rebound to fused ones
    "jax": _array(jax),
    "array-api": _array(array_api),
}


def _refusal(target: str, loss: str, params: list[str]) -> bool:
    """Whether the documented rules refuse these names (the module docstring of
    lossmath.emit.names), written out here independently of its code."""
    arguments, modules = INTERFACE[target]
    for n in [loss, *params]:
        if (not n.isidentifier() or n.startswith("_") or keyword.iskeyword(n)
                or keyword.issoftkeyword(n) or hasattr(builtins, n) or n in arguments
                or n in modules or unicodedata.normalize("NFKC", n) != n):
            return True
        if target in ("numpy", "numba") and n[:1] in "ctsm" and n[1:].isdigit():
            return True
    folded = [unicodedata.normalize("NFKC", p).casefold() for p in params]
    camels = [names.camel(p) for p in params]
    if len(set(params)) != len(params) or len(set(folded)) != len(folded) or len(
            set(camels)) != len(camels):
        return True
    # the class would be the function
    return target in ("torch", "torch-fused") and names.camel(loss) == loss


def _loss(name: str, pnames: list[str]) -> Loss:
    """a*x**2 + b*|x| (Huber-like in two parameters, with a breakpoint at 0)."""
    ps = [Param(p, default=d, assume="positive") for p, d in zip(pnames, (1.5, 0.25))]
    a, b = (p.symbol for p in ps)
    return Loss(name, a * x**2 + b * sp.Abs(x), params=tuple(ps))


XS = np.array([-2.5, -1.0, -0.0, 0.0, 0.375, 1.5, 7.0])
VALUES = (2.0, 0.5)  # passed as keywords, not the defaults


def _numbers(target: str, module, name: str, pnames: list[str]) -> list[np.ndarray]:
    """Everything the module computes for the loss: each function at XS with the parameters
    passed by keyword, and the target's own machinery."""
    kw = dict(zip(pnames, VALUES))
    fns = [getattr(module, name + s) for s in ("", "_grad", "_hess")]
    if target in ("numpy", "numba", "array-api"):
        out = [np.asarray(f(XS.copy(), **kw)) for f in fns]
        out += [np.asarray(v) for v in getattr(module, name + "_value_and_grad")(XS.copy(), **kw)]
        return out + [np.asarray(fns[0](XS.copy()))]  # the defaults
    if target in ("torch", "torch-fused"):
        import torch as T

        t = T.tensor(XS, dtype=T.float64, requires_grad=True)
        value = fns[0](t, reduction="none", **kw)
        (g,) = T.autograd.grad(value.sum(), t, create_graph=True)
        (h,) = T.autograd.grad(g.sum(), t)
        # without create_graph (torch-fused: its backward loops), against a target tensor
        b = T.flip(t.detach(), [0])
        (g1,) = T.autograd.grad(fns[0](t, b, reduction="sum", **kw), t)
        (g2,) = T.autograd.grad(fns[0](t, b, reduction="none", **kw), t, T.ones_like(t))
        mod = getattr(module, names.camel(name))(**kw, reduction="sum")
        mod.eval()
        mod = mod.to(T.float64)
        assert len(list(mod.parameters())) == 0 and isinstance(mod.state_dict(), dict)
        out = [value, g, h, fns[1](t.detach(), **kw), fns[2](t.detach(), **kw),
               mod(t.detach()).reshape(1), g1, g2]
        return [o.detach().numpy() for o in out]
    import jax as J
    import jax.numpy as jnp

    xs = jnp.asarray(XS, dtype=jnp.float32)
    out = [f(xs, **kw) for f in fns]
    primal, tangent = J.jvp(lambda v: fns[0](v, **kw), (xs,), (jnp.ones_like(xs),))
    hess = J.vmap(J.grad(J.grad(lambda v: fns[0](v, **kw))))(xs)
    return [np.asarray(o) for o in (*out, primal, tangent, hess)]


_PLAIN: dict[str, list[np.ndarray]] = {}


def _plain(target: str) -> list[np.ndarray]:
    if target not in _PLAIN:
        module = targets.compile(_loss("plain", ["pa", "pb"]), target)
        _PLAIN[target] = _numbers(target, module, "plain", ["pa", "pb"])
    return _PLAIN[target]


def _check(target: str, loss: str, pnames: list[str]) -> None:
    expect_refusal = _refusal(target, loss, pnames)
    try:
        if not loss.isidentifier() or any(not p.isidentifier() for p in pnames):
            raise LossError("not an identifier")  # sympy cannot even make the symbol
        module = targets.compile(_loss(loss, pnames), target)
    except LossError as exc:
        assert expect_refusal, f"{target}: {loss}({pnames}) refused: {exc}"
        assert "\n" not in str(exc)
        return
    assert not expect_refusal, f"{target}: {loss}({pnames}) was accepted"
    got = _numbers(target, module, loss, pnames)
    for a, b in zip(got, _plain(target), strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (target, loss, pnames, a, b)


names_ = st.sampled_from(POOL)
cases = st.tuples(names_, st.lists(names_, min_size=2, max_size=2))


def _property(target: str, examples: int):
    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(cases)
    def run(case):
        loss, pnames = case
        _check(target, loss, pnames)

    run()


@pytest.mark.parametrize("target", TARGETS)
def test_a_name_never_changes_a_number(target):
    _property(target, 3 if target in ("numba", "torch-fused") else 6)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_a_name_never_changes_a_number_many_names(target):
    _property(target, 40 if target in ("numba", "torch-fused") else 150)


# The failures that motivated the scheme, each once, for every target that had it.
KNOWN = [
    ("torch", "t", ["t", "b"]), ("jax", "q", ["t", "b"]), ("jax", "q", ["primals", "b"]),
    ("jax", "q", ["tangents", "dtype"]), ("torch", "q", ["forward", "training"]),
    ("torch", "q", ["parameters", "to"]), ("torch", "q", ["state_dict", "self"]),
    ("array-api", "q", ["dtype", "value"]), ("numpy", "run", ["param", "fits"]),
    ("numba", "x_fast", ["loop", "jit"]),
    # hoisted constants and Triton kernel arguments once shared the user's namespace
    ("torch-fused", "q", ["c0", "n"]), ("torch-fused", "q_fgs", ["scale", "block"]),
]


@pytest.mark.parametrize("target, loss, pnames", KNOWN)
def test_names_that_once_changed_numbers_compute_the_plain_numbers(target, loss, pnames):
    assert not _refusal(target, loss, pnames)
    _check(target, loss, pnames)


@pytest.mark.parametrize("losses, message", [
    (["huber", "Huber"], "the loss 'huber' and the loss 'Huber' would both be 'huber'"),
    (["a_b", "aB"], "the loss 'a_b' and the loss 'aB' would both be 'AB' in the generated "
                    "code when CamelCase"),
])
@pytest.mark.parametrize("target", TARGETS)
def test_user_names_that_meet_after_a_transformation_are_refused_naming_both(
        target, losses, message):
    with pytest.raises(LossError, match=message):
        targets.get(target).generator()(
            [loss if loss == "huber" else Loss(loss, x**2) for loss in losses])


@pytest.mark.parametrize("name", ["Wing", "L1"])
def test_a_torch_class_never_shadows_its_own_function(name):
    with pytest.raises(LossError, match=f"the function {name} and the nn.Module class of {name}"):
        torch.generate([Loss(name, x**2)])


def test_private_names_are_injective():
    kinds = ["k0", "f1", "jvp2", "fn0", "p", "loop", "fast", "kern"]
    users = ["a", "a_b", "b", "k0_a", "a_k0", "fast_a", "a_fast"]
    made = [names.private(k, u) for k in kinds for u in users]
    assert len(set(made)) == len(made)
    assert all(m.startswith(names.PREFIX) for m in made)
    with pytest.raises(ValueError):
        names.private("k_0", "a")


def test_the_module_check_refuses_a_name_bound_twice():
    with pytest.raises(LossError, match="defined twice"):
        names.check_module("def f():\n    pass\n\n\nclass f:\n    pass\n", ["f"], [])
    with pytest.raises(LossError, match="neither public nor private"):
        names.check_module("g = 1\n", ["f"], [])
    names.check_module("import jax\nimport jax.numpy as jnp\n_h = 1\n", [], ["jax", "jnp"])
