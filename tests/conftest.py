from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

_TEX = frozenset({"pdflatex", "xelatex", "lualatex"})


@pytest.fixture(autouse=True)
def _tex_runs_only_in_the_tex_tier(request, monkeypatch):
    """A test that starts pdflatex or XeLaTeX must be marked ``tex`` (or ``subprocess``, whose
    children are not watched): the default tier builds no document, and this keeps it so."""
    if request.node.get_closest_marker("tex") or request.node.get_closest_marker("subprocess"):
        return
    popen = subprocess.Popen

    class Watched(popen):
        def __init__(self, args, *rest, **kw):
            prog = Path(str(args if isinstance(args, (str, bytes, Path)) else args[0])).name
            if prog in _TEX:
                pytest.fail(f"runs {prog}: mark the test @pytest.mark.tex", pytrace=False)
            super().__init__(args, *rest, **kw)

    monkeypatch.setattr(subprocess, "Popen", Watched)
