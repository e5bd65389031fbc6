"""Tooling a user expects: a LICENSE that matches pyproject, pre-commit hooks that run the
``--check`` modes (tried on a temporary repository, offline), no machine-specific paths."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_license_is_the_mit_license_pyproject_declares():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def _project_files() -> list[Path]:
    """The project's text files (not a git query: CI may run from an unpacked archive)."""
    files = [p for p in ROOT.iterdir() if p.is_file() and p.name != ".git"]  # a worktree link
    for top in ("lossmath", "tests", "benchmarks", "docs", ".ci"):
        files += [p for p in (ROOT / top).rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts]
    return [p for p in files if p.suffix in {".py", ".md", ".toml", ".yaml", ".tex", ""}]


def test_no_project_file_cites_a_path_of_one_machine():
    pattern = re.compile(r"/(?:work|home|root|Users)/[A-Za-z0-9_.-]+/")
    offenders = []
    for path in _project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert len(_project_files()) > 50 and offenders == []


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture
def pre_commit(tmp_path):
    """Run pre-commit in a fresh repository whose config uses our .pre-commit-hooks.yaml
    (from a local clone, so no network), with this environment's lossmath on PATH."""
    if importlib.util.find_spec("pre_commit") is None or shutil.which("git") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit and git are required in CI (the test extra, .ci/run)")
        pytest.skip("pre-commit or git not installed")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-qm", "hooks")
    rev = _git(hooks, "rev-parse", "HEAD")
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n"
        "  - id: lossmath-derive-check\n    args: [huber, -o, out, --format, 'md,tex']\n"
        "  - id: lossmath-codegen-check\n    args: [huber, --target, numpy, -o, gen.py]\n",
        encoding="utf-8",
    )
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=project, env=env, capture_output=True, text=True,
                              timeout=600)

    def pre_commit_run() -> subprocess.CompletedProcess:
        _git(project, "add", "-A")
        return run(sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")

    return project, run, pre_commit_run


@pytest.mark.subprocess
def test_pre_commit_hooks_pass_on_current_files_and_fail_on_stale_ones(pre_commit):
    project, run, pre_commit_run = pre_commit
    lossmath = [sys.executable, "-m", "lossmath"]
    assert run(*lossmath, "derive", "huber", "-o", "out", "--format", "md,tex").returncode == 0
    assert run(*lossmath, "codegen", "huber", "-o", "gen.py").returncode == 0

    ok = pre_commit_run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"lossmath derive --check\.+Passed", ok.stdout)
    assert re.search(r"lossmath codegen --check\.+Passed", ok.stdout)

    gen = project / "gen.py"
    gen.write_text(gen.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    md = project / "out" / "huber.md"
    md.write_text(md.read_text(encoding="utf-8").replace("Huber", "Hubert"), encoding="utf-8")
    stale = pre_commit_run()
    assert stale.returncode == 1
    assert re.search(r"lossmath derive --check\.+Failed", stale.stdout)
    assert re.search(r"lossmath codegen --check\.+Failed", stale.stdout)
    assert "stale: out/huber.md (out of date)" in stale.stdout


def test_the_package_ships_its_type_marker_and_examples():
    # PEP 561: a type checker reads the package's annotations only with py.typed in the
    # installed package; the README's examples are read from the installed package too.
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = meta["tool"]["setuptools"]["package-data"]["lossmath"]
    assert "py.typed" in shipped and (ROOT / "lossmath" / "py.typed").is_file()
    examples = sorted((ROOT / "lossmath").glob("examples/*.toml"))
    assert examples and "examples/*.toml" in shipped


def test_the_changelog_names_the_version_it_leads_to():
    # The newest section is "Unreleased" or the version lossmath/_version.py gives.
    from lossmath._version import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (\S+)", text, re.M)
    assert sections and sections[0] in ("Unreleased", __version__), sections[:3]
    assert re.search(r"^- ", text[text.index("## " + sections[0]):], re.M)
