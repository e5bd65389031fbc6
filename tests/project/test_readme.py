"""The README opens with the two commands (CI runs the second one verbatim, then every test
tier), and its Layout section names every module and the layers of the import contract."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block, "README must open with a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    text = (ROOT / "README.md").read_text()
    assert text.index("```bash") < 40  # right after the title
    assert len(readme_commands()) == 2


def test_ci_runs_the_readme_test_command():
    test_cmd = readme_commands()[1]
    assert "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_readme_python_example_runs(monkeypatch):
    """The README's >>> example is a doctest, run from the repository root."""
    import doctest

    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False)
    assert result.attempted >= 5 and result.failed == 0


def _registered_markers() -> tuple[list[str], str]:
    import tomllib

    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    return [m.split(":")[0] for m in ini["markers"]], ini["addopts"]


def test_the_default_tier_leaves_out_every_registered_tier_and_ci_runs_each():
    """Each registered marker is a tier: addopts leaves it out of the README's command, and
    .ci/run runs it by name, so no test is in no run."""
    markers, addopts = _registered_markers()
    assert set(markers) == {"slow", "tex", "subprocess"}
    assert re.search(r"-m '([^']*)'", addopts).group(1) == " and ".join(
        f"not {m}" for m in markers)
    ci = (ROOT / ".ci" / "run").read_text()
    for m in markers:
        assert re.search(rf"python -m pytest -q( -n 2)? -m {m} ", ci), m


def test_every_marker_the_tests_use_is_registered_or_pytests_own():
    """--strict-markers fails on an unknown marker only where a test is collected; this
    reads every test file."""
    markers, _ = _registered_markers()
    own = {"parametrize", "xfail", "skip", "skipif", "usefixtures", "filterwarnings"}
    used = set()
    for path in (ROOT / "tests").rglob("*.py"):
        used |= set(re.findall(r"pytest\.mark\.(\w+)", path.read_text(encoding="utf-8")))
    assert used - own <= set(markers), used - own - set(markers)
    assert used >= set(markers)  # each tier holds tests


def _layout() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("\n## Layout\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_the_layout_section_names_every_module_and_only_modules_that_exist():
    named = set(re.findall(r"`([\w./-]+)`", _layout()))
    package = ROOT / "lossmath"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                     if "__pycache__" not in p.parts)
    # a subpackage's __init__.py is named by the subpackage (`base/`)
    missing = [m for m in modules if m not in named and not (
        m.endswith("/__init__.py") and m.removesuffix("__init__.py") in named)]
    assert not missing, f"README's Layout section does not name: {', '.join(missing)}"
    stale = sorted(n for n in named if n.endswith(".py") and not n.startswith("tests/")
                   and not (package / n).is_file())
    assert not stale, f"README's Layout section names modules that do not exist: {stale}"


def test_the_layout_section_shows_the_layers_of_the_import_contract():
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contract["contracts"] if c["type"] == "layers"]
    stack = [" | ".join(name.removeprefix("lossmath.") for name in layer.split(" | "))
             for layer in layers]
    block = re.search(r"```\n(cli\n.*?)```", _layout(), re.S)
    assert block, "the Layout section shows the stack of layers in a plain code block"
    assert block.group(1).splitlines() == stack
