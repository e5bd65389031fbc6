"""Property: any text in any free-text field of a spec is inert and readable in every sink.

Random Unicode, weighted towards what breaks sinks (quotes, backslashes, ``\\N{``, newlines,
U+2028, C0/C1 controls, DEL, bidi overrides, TeX and Markdown specials), goes into the
title, description, parameter description and the reference's authors, title, venue and
DOI of a spec, through TOML (tomli_w writes it, the spec loader reads it). Then:

- the generated module compiles with warnings as errors, runs, and each text is readable
  in its docstrings (its words, unsafe characters shown as ``\\uXXXX``; wrapping changes
  only whitespace), and the source has no unsafe character raw;
- the loss report's LaTeX has balanced groups and Markdown and LaTeX carry no unsafe
  character; for text pdflatex can typeset (ASCII, with the unsafe characters, which are
  shown as spaces), the PDF prints each text literally (pdftotext reads it back).
"""

from __future__ import annotations

import re
import subprocess
import tomllib
import warnings

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from lossmath.docs.document import DocumentError, Figure, build_pdf
from lossmath.docs.loss_document import loss_document
from lossmath.emit.numpy import generate
from lossmath.io.escape import UNSAFE, check_tex, visible
from lossmath.spec.toml import loss_from_toml
from tests.support.tools import require_tool

NASTY = ['"', '"""', "'''", "\\", "\\N{", "\\x", "\\u", "\n", "\r", "\t", "\u2028", "\u2029",
         "\x85", "\x00", "\x1b[2J", "\x9b", "\x7f", "\x07", "\u202e", "\u2066", "{", "}", "$",
         "%", "#", "&", "_", "^", "~", "<", ">", "|", "*", "`", "[", "]", "--", " "]
# Every 7th unsafe character, less lone surrogates (a spec refuses them: TOML forbids them).
UNSAFE_SAMPLE = [c for c in sorted(UNSAFE - {"\t"}) if not 0xD800 <= ord(c) <= 0xDFFF][::7]

#: Any Unicode scalar value (TOML cannot carry a lone surrogate), nasty pieces often.
TEXT = st.lists(
    st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")), max_size=30
).map("".join)
#: A word longer than a docstring line, ending in nasty text: wrapping must break it
#: somewhere, and no break may split an escape (87 "A"s then five quotes broke modules).
LONG_WORD = st.builds(lambda n, tail: "A" * n + tail, st.integers(80, 100), TEXT)
#: Text pdflatex can typeset with the report's fonts: printable ASCII and unsafe characters.
TEX_TEXT = st.lists(
    st.one_of(st.sampled_from(NASTY), st.sampled_from(UNSAFE_SAMPLE),
              st.characters(min_codepoint=0x20, max_codepoint=0x7E)),
    max_size=24,
).map("".join)

FIELDS = ("title", "description", "param", "author", "ref", "venue", "doi")


def spec(texts: dict[str, str]) -> str:
    """A spec whose free-text fields carry ``texts``, each after a marker of its own."""
    mark = {f: f"{f.upper()}Q {texts[f]}" for f in FIELDS}
    return tomli_w.dumps({
        "name": "probe",
        "title": mark["title"],
        "description": mark["description"],
        "params": {"beta": {"default": 1, "description": mark["param"]}},
        "pieces": [{"expr": "beta*x**2"}],  # one piece: the analysis is quick
        "references": [{"authors": [mark["author"]], "title": mark["ref"], "year": 2020,
                        "venue": mark["venue"], "doi": mark["doi"]}],
    })


def shown(text: str) -> str:
    """How text reads in a docstring, whitespace and case aside."""
    return visible("".join(text.split())).lower()


def _fields():
    return st.fixed_dictionaries({f: st.one_of(TEXT, LONG_WORD) for f in FIELDS})


WORST = dict.fromkeys(FIELDS, 'x """"" \\N{LATIN SMALL\nLETTER A} \x1b[2J\x9b\u2028\u202e \\')


@pytest.mark.slow  # generative (hypothesis)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_fields())
@example(texts=WORST)
def test_any_text_makes_a_module_that_imports_and_shows_it(texts):
    loss = loss_from_toml(tomllib.loads(spec(texts)))
    source = generate([loss])
    assert not set(source) & UNSAFE - {"\n"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = compile(source, "probe_module.py", "exec", dont_inherit=True)
    namespace: dict = {"__name__": "probe_module"}
    exec(code, namespace)  # our own generated module; it imports only numpy
    assert float(namespace["probe"](3.0)) == 9.0  # beta*x**2 at x = 3, beta = 1
    docs = "".join(
        "".join((getattr(f, "__doc__", None) or "").split()).lower()
        for f in [namespace[n] for n in namespace["__all__"]]
    )
    for f in FIELDS:
        if f != "doi":  # the DOI is shown inside the citation, as "doi:..."
            assert shown(f"{f.upper()}Q {texts[f]}") in docs, f
    assert shown(f"doi:DOIQ {texts['doi']}") in docs


def _report(texts: dict[str, str]):
    doc = loss_document(loss_from_toml(tomllib.loads(spec(texts))))
    # The figure is the loss's plot, with no spec text; leaving it out spares matplotlib.
    doc.blocks = [b for b in doc.blocks if not isinstance(b, Figure)]
    return doc


@pytest.mark.slow  # generative (hypothesis)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.fixed_dictionaries({f: TEX_TEXT for f in FIELDS}))
def test_any_typesettable_text_gives_balanced_latex_and_clean_markdown(texts):
    doc = _report(texts)
    tex, md = doc.latex(), doc.markdown()
    check_tex(tex)
    assert not set(tex) & UNSAFE - {"\n"} and not set(md) & UNSAFE - {"\n"}
    # The description stays on its one line: no newline in it starts a Markdown block.
    (line,) = [s for s in md.splitlines() if "DESCRIPTIONQ" in s]
    assert "PARAMQ" not in line and not line.startswith(("#", "-", " "))


@pytest.mark.slow  # generative (hypothesis)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_fields())
def test_any_text_gives_clean_markdown_and_balanced_latex_or_a_clear_refusal(texts):
    doc = _report(texts)
    assert not set(doc.markdown()) & UNSAFE - {"\n"}
    try:
        tex = doc.latex()
    except DocumentError as exc:  # a character pdflatex cannot typeset: named, one line
        assert re.search(r"U\+[0-9A-F]{4,}\) in .* cannot be typeset", str(exc))
        assert "\n" not in str(exc)
        return
    check_tex(tex)
    assert not set(tex) & UNSAFE - {"\n"}


#: What pdftotext reports for glyphs OT1 fonts draw instead of ASCII quotes, ^ and ~, and
#: for ligatures.
_GLYPHS = str.maketrans({"\u2019": "'", "\u2018": "`", "\u201c": '"', "\u201d": '"',
                         "\u02c6": "^", "\u02dc": "~", "\ufb00": "ff", "\ufb01": "fi",
                         "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


def _printed(text: str) -> str:
    """Text as pdftotext reads it back, compared without whitespace, hyphens (TeX may
    hyphenate at a line end), quotes (TeX draws "" as `` and '') and _ (OT1 draws a rule)."""
    text = "".join(" " if c in UNSAFE else c for c in text).translate(_GLYPHS)
    return re.sub(r"[\s\-_\"'`]", "", text)


# No shrinking: each example runs pdflatex; a failure is reported as found.
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate])
@given(texts=st.fixed_dictionaries({f: TEX_TEXT for f in FIELDS}))
@example(texts=dict.fromkeys(FIELDS, '\\input{x} $a$ 100% "q" \x1b[2J\u2028}{ #&~^ --'))
@pytest.mark.tex
def test_the_pdf_prints_any_typesettable_text_literally(tmp_path_factory, texts):
    require_tool("pdflatex")
    require_tool("pdftotext", "poppler-utils")
    tmp = tmp_path_factory.mktemp("pdf")
    doc = _report(texts)
    (tmp / "doc.pdf").write_bytes(build_pdf(doc.latex(), {}))
    # -raw: in the order drawn (the layout mode can interleave a wrapped URL with a line).
    text = subprocess.run(["pdftotext", "-raw", "doc.pdf", "-"], cwd=tmp, capture_output=True,
                          check=True, text=True).stdout
    printed = _printed(text)
    for f in ("title", "description", "param", "author", "ref", "venue"):
        assert _printed(f"{f.upper()}Q {texts[f]}") in printed, f


def test_the_module_check_discriminates():
    """Without escaping, the worst text breaks the module: the property test would see it."""
    from lossmath.io.escape import SinkError, check_python

    with pytest.raises(SinkError, match="does not compile"):
        check_python('def f():\n    """x """ y"""\n', [("title", 'x """ y')])
