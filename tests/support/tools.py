"""External tools the tests need (pdflatex, XeLaTeX, pdftotext)."""

from __future__ import annotations


def require_tool(tool: str, package: str = "texlive-latex-base") -> str:
    """The path of ``tool``; without it skip, except in CI (``CI=true``), which installs it
    in ``.ci/run``: there a missing tool fails the test instead of silently passing."""
    import os
    import shutil

    import pytest

    exe = shutil.which(tool)
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI (.ci/run installs {package})")
        pytest.skip(f"{tool} not installed")
    return exe
