"""The generated modules of every target are byte-identical to the committed goldens.

The goldens (``tests/data/golden/``) were written by ``tests/support/write_goldens.py --update``
before the printers were reorganised; the set reaches every printer path (every catalog loss,
user losses that reach each stable primitive and regime, a solved spec, parameter overrides,
a given command line). A printer change that alters a byte fails here, naming the files and
the first differing line; a deliberate change is rewritten with ``--update``.
"""

from __future__ import annotations

import difflib

import pytest

from tests.support import write_goldens


@pytest.mark.slow
def test_generated_modules_are_byte_identical_to_the_goldens():
    texts = write_goldens.generate_all()
    on_disk = {p.name for p in write_goldens.GOLDEN.iterdir()}
    assert set(texts) == on_disk
    bad = []
    for name, text in texts.items():
        golden = (write_goldens.GOLDEN / name).read_text(encoding="utf-8")
        if text != golden:
            diff = difflib.unified_diff(golden.splitlines(), text.splitlines(), "golden", "now",
                                        lineterm="", n=0)
            bad.append(name + "\n" + "\n".join(list(diff)[:12]))
    assert not bad, "\n\n".join(bad)
