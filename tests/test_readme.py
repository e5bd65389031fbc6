"""The README opens with the two commands; CI runs the second one verbatim, and then every
test tier."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
