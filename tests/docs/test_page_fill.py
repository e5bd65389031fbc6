"""Pages that are full: long tables on turned pages are placed where the page in progress
ends, so the text after them fills that page first (a turned page starts a page of its own,
which left the page before it half empty); consecutive long tables share their turned pages.

The fill of a page is read from the PDF (``tests/support/page_fill.py``: how far down its text
reaches, from poppler's ``pdftotext -bbox``); the measurement is checked first on a PDF whose
fill is known from its TeX lengths.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lossmath.docs import latex
from lossmath.docs import pdf as pdf_backend
from lossmath.docs.document import Document, build_pdf
from tests.support.page_fill import pages, underfull
from tests.support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
#: A page less full than this, other than the end of a part, is a layout fault: the pages
#: before the turned tables of the atlas were filled 0.41 and 0.45 before the tables floated.
LEAST_FILL = 0.5
SENTENCE = ("A sentence of ordinary prose that fills a line and a half of the page, so that "
            "the paragraphs after a long table can fill the page before it. ")


def _tools() -> None:
    require_tool("pdflatex")
    require_tool("pdftotext", "poppler-utils")
    require_tool("pdfinfo", "poppler-utils")


def _document(after: int, tables: int = 1, rows: int = 70) -> Document:
    """A paragraph, ``tables`` long tables of ``rows`` rows (70: two turned pages each), then
    ``after`` paragraphs."""
    doc = Document("layout", title="Layout")
    doc.paragraph(SENTENCE * 3)
    for t in range(tables):
        doc.table(["name", "value", "note"],
                  [[f"row {t}.{i}", f"${i}^2 = {i * i}$", "text " * 8] for i in range(rows)],
                  f"Table {t}.", long=True, colspec="p{3cm}p{4cm}p{12cm}")
    for _ in range(after):
        doc.paragraph(SENTENCE * 4)
    return doc


def _pdf(tmp_path: Path, tex: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "doc.pdf"
    path.write_bytes(build_pdf(tex, {}))
    return path


def test_a_run_of_long_tables_with_text_after_it_is_deferred_to_the_end_of_the_page():
    tex = _document(after=2, tables=2).latex()
    body = tex[tex.index(r"\begin{document}"):]
    # One \afterpage holding one landscape with both tables; the text after it follows.
    assert body.count(r"\afterpage{%") == 1 and body.count(r"\begin{landscape}") == 1
    assert body.count(r"\begin{longtable}") == 2
    assert body.index(r"\end{landscape}") < body.index(SENTENCE * 4)


def test_a_run_of_long_tables_that_ends_the_text_stays_in_place():
    # Deferred, it would be placed inside the references; nothing after it could fill the page.
    tex = _document(after=0).latex()
    assert r"\afterpage" not in tex and tex.count(r"\begin{landscape}") == 1


@pytest.mark.tex
def test_the_fill_of_a_page_is_how_far_down_its_text_reaches(tmp_path):
    _tools()
    # Page 1: text down to 0.4 of the text block (0.4 \textheight of space, one line above and
    # below it); page 2: a line at the top and one at the bottom (the full text block);
    # page 3: a turned page with one line. A4, 11pt, 2.5 cm margins: \textheight = 700.15 pt,
    # \baselineskip = 13.6 pt.
    tex = "\n".join([
        r"\documentclass[11pt,a4paper]{article}",
        r"\usepackage[margin=2.5cm]{geometry}\usepackage{pdflscape}",
        r"\begin{document}",
        r"top\par\vspace{0.4\textheight}bottom\par\clearpage",
        r"top\par\vspace*{\fill}bottom\par\clearpage",
        r"\begin{landscape}turned\end{landscape}",
        r"\end{document}",
    ])
    ps = pages(_pdf(tmp_path, tex))
    assert [p.turned for p in ps] == [False, False, True]
    # (0.4 * 700.15 + 13.6 + about 10 pt of the bottom line's height) / the text block's height
    assert 0.42 < ps[0].fill < 0.45, ps[0]
    assert ps[1].fill == 1.0 and ps[2].fill == 1.0
    assert underfull(_pdf(tmp_path, tex), LEAST_FILL) == [ps[0]]


@pytest.mark.tex
def test_text_after_a_long_table_fills_the_page_before_it(tmp_path, monkeypatch):
    _tools()
    doc = _document(after=8)
    flowed = pages(_pdf(tmp_path, doc.latex()))
    assert not underfull(_pdf(tmp_path, doc.latex()), LEAST_FILL), flowed
    assert not flowed[0].turned and flowed[1].turned and flowed[0].fill > 0.9
    # Placed where it stands (not deferred), the same table leaves page 1 nearly empty: the
    # check catches the fault it is for.
    runs = latex._runs
    monkeypatch.setattr(latex, "_runs", lambda blocks: ((b, False) for b, _ in runs(blocks)))
    in_place = _pdf(tmp_path, doc.latex())
    assert [p.number for p in underfull(in_place, LEAST_FILL)] == [1]


@pytest.mark.tex
def test_a_run_of_turned_pages_is_balanced_so_its_last_page_is_not_nearly_empty(
        tmp_path, monkeypatch):
    _tools()
    # 43 rows: one full turned page and 2 rows on the next, typeset as they come (the
    # second pass that balances the run switched off); balanced, the same two pages share
    # the rows. The bytes are the same on every build (the second pass reads only the first's
    # .aux).
    doc = _document(after=8, rows=43)
    balanced = _pdf(tmp_path, doc.latex())
    again = build_pdf(doc.latex(), {})
    monkeypatch.setattr(pdf_backend, "RERUN", "no log line says this")
    natural = pages(_pdf(tmp_path / "natural", doc.latex()))
    turned = [p for p in natural if p.turned]
    assert len(turned) == 2 and turned[-1].fill < LEAST_FILL / 2, natural
    assert [p.number for p in underfull(tmp_path / "natural" / "doc.pdf", LEAST_FILL)] \
        == [turned[-1].number]
    ps = pages(balanced)
    assert [p.turned for p in ps] == [p.turned for p in natural], ps
    assert min(p.fill for p in ps if p.turned) > LEAST_FILL, ps
    assert not underfull(balanced, LEAST_FILL) and balanced.read_bytes() == again


@pytest.mark.tex
@pytest.mark.parametrize("pdf", sorted(p.relative_to(REPO) for p in (REPO / "docs").rglob(
    "*.pdf") if "figures" not in p.parts), ids=str)
def test_no_page_of_a_committed_document_is_half_empty(pdf):
    # The committed PDFs are the current ones (derive --check, tests/docs/test_atlas.py).
    require_tool("pdftotext", "poppler-utils")
    require_tool("pdfinfo", "poppler-utils")
    short = underfull(REPO / pdf, LEAST_FILL)
    assert not short, f"{pdf}: pages filled less than {LEAST_FILL}: {short}"
