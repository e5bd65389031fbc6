"""In a fresh Jupyter kernel, ``f.plot()`` shows an image and ``analyse(f)`` a table, with no
``%matplotlib inline`` first: the notebook is executed headless by ``jupyter nbconvert``."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")
pytest.importorskip("nbconvert", reason="the test extra installs nbconvert")
pytest.importorskip("ipykernel", reason="the test extra installs ipykernel")

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

CELLS = [
    "import lossmath\nfrom lossmath import analyse, catalog\nf = catalog.get('huber')",
    "f.plot()",
    "analyse(f)",
    "import json\nprint(json.dumps(analyse(f).to_dict(), sort_keys=True))",
]


@pytest.mark.subprocess
def test_a_fresh_kernel_shows_the_plot_as_png_and_the_report_as_an_html_table(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    # The kernel imports this checkout's lossmath (as the other subprocess tests do).
    # No MPLBACKEND: the kernel picks its own default (the inline backend), as a user's does.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"} | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--output",
         "done.ipynb", "--ExecutePreprocessor.timeout=300",
         "--ExecutePreprocessor.kernel_name=python3", str(path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = nbformat.read(tmp_path / "done.ipynb", as_version=4)
    plot, report, payload = (done.cells[i].outputs for i in (1, 2, 3))

    # f.plot(): a PNG (the image, not "<Figure size ... with 3 Axes>" alone).
    images = [o for o in plot if "image/png" in o.get("data", {})]
    assert len(images) == 1, plot
    assert base64.b64decode(images[0]["data"]["image/png"]).startswith(PNG_MAGIC)

    # analyse(f): an HTML table with the class, and a one-line text repr.
    (shown,) = [o for o in report if o.get("output_type") == "execute_result"]
    html = shown["data"]["text/html"]
    assert html.startswith("<table") and "<th" in html and ">C1<" in html
    text = shown["data"]["text/plain"]
    assert "\n" not in text and len(text) < 200 and "huber" in text

    # to_dict() is check --json's payload, computed in another process.
    (printed,) = [o for o in payload if o.get("output_type") == "stream"]
    cli = subprocess.run([sys.executable, "-m", "lossmath", "check", "huber", "--json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert json.loads(printed["text"]) == json.loads(cli.stdout)
