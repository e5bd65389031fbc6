"""How full each page of a PDF is, read from the PDF's text with poppler's ``pdftotext``.

A page's fill is how far down its text reaches: from the top of the text block to the
lowest line on the page, over the height of the text block. The text block is measured, not
assumed: for each orientation, from the highest to the lowest line of any page of that
orientation (turned pages have margins of their own). The page number, a word of its own on
its line, is not text. ``pdftotext -bbox`` gives words in the page's reading frame, a turned
page (``/Rotate 90``) included; ``pdfinfo`` says which pages are turned.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r'<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" '
                   r'yMax="([-0-9.]+)">([^<]*)</word>')
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_ROTATION = re.compile(r"^Page\s+(\d+) rot:\s+(\d+)", re.M)


@dataclass(frozen=True)
class Page:
    number: int
    turned: bool
    top: float  # the highest line's top, in points from the top of the page
    bottom: float  # the lowest line's bottom
    fill: float = 0.0


def _lines(words: list[tuple[float, float, float, float, str]]) -> list[list]:
    """Words grouped by line (overlapping vertical extents)."""
    lines: list[list] = []
    for w in sorted(words, key=lambda w: (w[1], w[0])):
        if lines and w[1] < max(v[3] for v in lines[-1]) - 1:
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines


def pages(pdf: Path) -> list[Page]:
    """Each page's extent of text and its fill (see the module's docstring)."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    turned = {int(n): int(r) % 180 == 90 for n, r in _ROTATION.findall(info)}
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    out = []
    for n, body in enumerate(_PAGE.findall(xml), 1):
        words = [(float(a), float(b), float(c), float(d), t)
                 for a, b, c, d, t in _WORD.findall(body)]
        text = [w for line in _lines(words)
                if not (len(line) == 1 and line[0][4] == str(n)) for w in line]
        if not text:
            out.append(Page(n, turned.get(n, False), 0.0, 0.0))
            continue
        out.append(Page(n, turned.get(n, False), min(w[1] for w in text),
                        max(w[3] for w in text)))
    filled = []
    for p in out:
        same = [q for q in out if q.turned == p.turned and q.bottom > 0]
        top, bottom = min(q.top for q in same), max(q.bottom for q in same)
        fill = (p.bottom - top) / (bottom - top) if p.bottom > 0 and bottom > top else 0.0
        filled.append(Page(p.number, p.turned, p.top, p.bottom, round(fill, 3)))
    return filled


def underfull(pdf: Path, least: float) -> list[Page]:
    """The pages filled less than ``least`` that are not the end of a part: the last page,
    and the last turned page before upright ones (the end of a run of long tables), may be
    short; an upright page before turned ones may not (the text should flow on into it).
    The end of a run of several turned pages may be short but not nearly empty (less than
    half of ``least``): the run is balanced over its pages (``lossmath.docs.latex``)."""
    ps = pages(pdf)
    short = []
    for i, p in enumerate(ps):
        last = i == len(ps) - 1
        ends_a_run = p.turned and not last and not ps[i + 1].turned
        in_a_run = ends_a_run and i > 0 and ps[i - 1].turned
        if p.fill >= least or last or (ends_a_run and not in_a_run):
            continue
        if not ends_a_run or p.fill < least / 2:
            short.append(p)
    return short
