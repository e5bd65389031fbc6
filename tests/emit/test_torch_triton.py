"""The Triton section of the torch-fused target as theorems: every catalog loss gets Triton
kernels or a refusal that names what has no Triton lowering, and the transcribed primitives
are Triton's syntax only.

Truths: the eager torch module's kernel text (a refused loss calls what the refusal names);
Python's ast (the transcription has no conditional expression, no ``and``/``or``, no chained
comparison: what Triton's compiler cannot take on tensors). The numerics of the kernels are
checked in Triton's interpreter: ``tests/support/triton_checks.py``, run by
``tests/emit/test_target_torch_fused.py``.
"""

from __future__ import annotations

import ast

import pytest

from lossmath.emit import array_modules as M
from lossmath.emit import torch as torch_target
from lossmath.emit import torch_triton as T
from lossmath.emit.kernels import triton_kernels as TK
from lossmath.emit.lower import PRIMITIVES
from tests.support.write_goldens import catalog_losses

#: what the regression this guards against lost: losses with a parameter limit (smooth_l1,
#: huber), float32 steps computed in float64 (welsch, tukey), transcribed primitives (welsch's
#: expdd, log_cosh's logcosh and tanh, the hypot family of pseudo_huber, charbonnier, barron)
MUST = {"smooth_l1", "huber", "l1", "l2", "welsch", "tukey", "log_cosh", "pseudo_huber",
        "charbonnier", "barron"}


def _specs(losses):
    tt = torch_target.TARGET
    return M.resolve(losses, None, arguments=tt.arguments, modules=("annotations", *tt.modules))


def test_the_transcribed_primitives_are_selects_and_bit_casts_only():
    src = TK.source(" ".join(f"{c}(" for c in TK.PRIMITIVES))
    tree = ast.parse("\n".join(t[4:] for t in src.split("\n")))
    defs = {d.name for d in tree.body if isinstance(d, ast.FunctionDef)}
    assert set(TK.PRIMITIVES) | set(TK.PRIMITIVES.values()) <= defs
    for node in ast.walk(tree):
        assert not isinstance(node, (ast.IfExp, ast.BoolOp, ast.If, ast.For, ast.While))
        if isinstance(node, ast.Compare):
            assert len(node.ops) == 1
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            assert (name in defs or name.startswith("tl.") or name == "float"
                    or name.endswith(".to")), name
    for d in tree.body:
        assert [ast.unparse(t) for t in d.decorator_list] == ["triton.jit"]


def test_a_quick_loss_with_a_parameter_limit_gets_its_formula_s_kernels():
    (spec,) = _specs(["huber"])
    kern, wide, reason = T.lower(spec)
    assert reason is None and not wide
    text = "\n".join(kern)
    assert "def _lm_tk0_huber(x, delta)" in text and "def _lm_tk1_huber(x, delta)" in text
    assert "_scalar(" not in text and "_lm_e0" not in text  # the limit: the eager path


@pytest.mark.slow
def test_every_catalog_loss_gets_triton_kernels_or_a_refusal_naming_what_triton_lacks():
    specs = _specs(catalog_losses())
    lowerable = {p[4:] for p in TK.PRIMITIVES if p.startswith("_tp_")}
    accepted = set()
    for spec in specs:
        reason = T.refusal(spec)
        if reason is None:
            accepted.add(spec.name)
            lines, pair = T.section(spec)
            assert pair is not None and f"def _lm_tfwd_{spec.name}(" in "\n".join(lines)
            continue
        named = reason.split(": calls ")[1].split(", which")[0].split(", ")
        _, lines, _ = M.kernels(spec, T.NAMESPACE, third=False)
        text = "\n".join(lines)
        for call in named:
            # what the refusal names is in the kernels, and has no lowering
            assert (call + "(" in text) if call != "**" else ("**" in text), (spec.name, call)
            if call.lstrip("_") in PRIMITIVES.values():
                assert call.lstrip("_") not in lowerable
    assert MUST <= accepted
