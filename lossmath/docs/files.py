"""Where a built document's files go (Markdown, LaTeX, PDF, figures) and which of them on
disk already show what the sources say now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lossmath.docs.model import Document
from lossmath.io.outputs import read_bounded
from lossmath.render.plot import FORMATS as FIGURE_FORMATS
from lossmath.render.plot import figure_files, has_fingerprint
from lossmath.render.plot_grid import GridSpec

__all__ = ["Built", "current_figures"]


@dataclass
class Built:
    """The text outputs of one document, and where everything goes; ``target`` is the
    NAME that builds it (empty for ``--expr``)."""

    doc: Document
    out: Path
    markdown: str
    latex: str
    target: str = ""

    @property
    def md_path(self) -> Path:
        return self.out / f"{self.doc.name}.md"

    @property
    def tex_path(self) -> Path:
        return self.out / f"{self.doc.name}.tex"

    @property
    def pdf_path(self) -> Path:
        return self.out / f"{self.doc.name}.pdf"

    def figure_paths(self) -> dict[Path, tuple[str, str]]:
        """Every figure file -> (figure stem, fingerprint)."""
        return {
            self.out / "figures" / f"{f.stem}.{fmt}": (f.stem, f.digest)
            for f in self.doc.figures
            for fmt in FIGURE_FORMATS
        }

    def figure_contents(self) -> dict[Path, bytes]:
        files: dict[Path, bytes] = {}
        for f in self.doc.figures:
            made = f.spec.files() if isinstance(f.spec, GridSpec) else figure_files(f.spec)
            for fname, content in made.items():
                files[self.out / "figures" / f"{f.stem}.{fname.rsplit('.', 1)[1]}"] = content
        return files


def current_figures(b: Built, rebuild: bool) -> dict[Path, bytes] | None:
    """The document's figure files as they are on disk when every one carries its current
    fingerprint (None otherwise, or with ``--rebuild``).

    A figure (and a PDF whose info dictionary names the current .tex) that shows what the
    sources say now is kept byte for byte, not redrawn: another matplotlib, FreeType or
    TeX (a fresh clone on another machine) draws the same figure with other bytes, so
    rebuilding would rewrite committed files that ``--check`` calls current.
    """
    if rebuild or not b.doc.figures:
        return None if rebuild else {}
    kept: dict[Path, bytes] = {}
    for path, (_, digest) in b.figure_paths().items():
        content = read_bounded(path)
        if content is None or not has_fingerprint(content, digest):
            return None
        kept[path] = content
    return kept
