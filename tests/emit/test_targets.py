"""The registry of targets, ``lossmath.compile`` and ``lossmath codegen --target``: every
target generates deterministic text that imports only what it declares, compiles in memory,
and the CLI's ``-o``/``--check``/``--diff`` work for each as for numpy."""

from __future__ import annotations

import ast

import pytest

import lossmath
from lossmath.cli.main import main
from lossmath.emit import targets

STDLIB = {"__future__", "math", "numbers", "struct", "sys", "functools", "warnings"}
ARRAY_TARGETS = ["torch", "jax", "array-api"]


def test_the_registry_names_every_target():
    assert targets.names() == ("numpy", "torch", "torch-fused", "jax", "array-api", "numba",
                               "statsmodels", "least-squares", "gbdt")
    with pytest.raises(lossmath.LossError, match="unknown target 'cuda'"):
        targets.get("cuda")


def _imports(text: str) -> set[str]:
    """The top-level packages a module's text imports."""
    imported = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    return imported


@pytest.mark.parametrize("target", ARRAY_TARGETS)
def test_generated_text_is_deterministic_and_imports_only_its_library(target):
    gen = targets.get(target).generator()
    text = gen(["smooth_l1", "l1"])
    assert text == gen(["smooth_l1", "l1"])
    imported = _imports(text)
    assert imported - STDLIB == set(targets.get(target).requires)


def test_compile_in_memory_with_parameters():
    m = lossmath.compile("smooth_l1", "numpy", params={"beta": 0.5})
    assert m.smooth_l1(1.0) == 0.75  # beta = 0.5: |x| - beta/2 at x = 1
    m = lossmath.compile(["smooth_l1", "huber"], "torch", params={"huber": {"delta": 2.0}})
    import torch

    assert m.huber(torch.tensor([3.0]), reduction="sum").item() == 4.0  # 2*3 - 2**2/2
    with pytest.raises(lossmath.LossError, match="unknown target"):
        lossmath.compile("l1", "cuda")


@pytest.mark.parametrize("target", ARRAY_TARGETS)
def test_cli_writes_checks_and_diffs_each_target(tmp_path, capsys, target):
    out = tmp_path / "losses.py"
    assert main(["codegen", "huber", "--target", target, "-o", str(out)]) == 0
    assert f"--target {target}" in out.read_text().splitlines()[2]
    assert main(["codegen", "huber", "--target", target, "-o", str(out), "--check"]) == 0
    out.write_text(out.read_text() + "# edited\n")
    capsys.readouterr()
    code = main(["codegen", "huber", "--target", target, "-o", str(out), "--check", "--diff"])
    captured = capsys.readouterr()
    assert code == 1 and "-# edited" in captured.out and "stale" in captured.err


FITTING_TARGETS = ["statsmodels", "least-squares", "gbdt"]


@pytest.mark.parametrize("target", FITTING_TARGETS)
def test_fitting_targets_are_deterministic_and_import_only_their_library(target):
    gen = targets.get(target).generator()
    text = gen(["huber"])
    assert text == gen(["huber"])
    imported = _imports(text)
    assert imported - STDLIB - {"types"} == set(targets.get(target).requires)


def test_cli_hessian_option_reaches_the_gbdt_target_only(tmp_path, capsys):
    out = tmp_path / "objectives.py"
    assert main(["codegen", "huber", "--target", "gbdt", "--hessian", "bound", "-o",
                 str(out)]) == 0
    text = out.read_text()
    assert "--hessian bound" in text.splitlines()[2] and "np.full_like(r, 1.0)" in text
    assert main(["codegen", "huber", "--target", "gbdt", "--hessian", "bound", "-o", str(out),
                 "--check"]) == 0
    capsys.readouterr()
    assert main(["codegen", "huber", "--target", "gbdt", "--hessian", "exact"]) == 2
    err = capsys.readouterr().err
    assert "f'' > 0 everywhere" in err and len(err.strip().splitlines()) == 1
    assert main(["codegen", "huber", "--target", "numpy", "--hessian", "exact"]) == 2
    assert "takes no option 'hessian'" in capsys.readouterr().err
