"""The documents layer's public names in one place, for derivation sources and readers.

The model is :mod:`lossmath.docs.model`, the inline markup :mod:`lossmath.docs.markup`, the
backends :mod:`lossmath.docs.markdown`, :mod:`lossmath.docs.latex` and :mod:`lossmath.docs.pdf`,
derivation discovery :mod:`lossmath.docs.sources`, prose helpers :mod:`lossmath.docs.prose`
(their words in :mod:`lossmath.i18n`). Derivation sources import from here
(``from lossmath.docs.document import Document, claim``), so they need not know the split.
"""

from __future__ import annotations

from lossmath.docs.latex import DOCUMENT_PREFIX, inline_latex
from lossmath.docs.markdown import inline_markdown
from lossmath.docs.markup import (
    DocumentError,
    claim,
    decimal,
    decimal_latex,
    literal,
)
from lossmath.docs.model import (
    CJK_FONTS,
    ENGINE_PACKAGES,
    ENGINES,
    FIGURE_DIR,
    Block,
    Bullets,
    Code,
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    PdfUnavailable,
    Table,
    tex_engine,
)
from lossmath.docs.pdf import (
    build_pdf,
    document_fingerprint,
    engine_missing,
    engine_path,
    pdf_is_current,
    pdflatex_path,
)
from lossmath.docs.prose import (
    class_latex,
    convention_markup,
    derivative_name,
    derivative_symbol,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.docs.sources import languages, messages

__all__ = [
    "CJK_FONTS", "DOCUMENT_PREFIX", "ENGINES", "ENGINE_PACKAGES", "FIGURE_DIR", "Block",
    "Bullets", "Code", "Document", "DocumentError", "Equation", "Figure", "Heading",
    "Paragraph", "PdfUnavailable", "Table", "build_pdf", "claim", "class_latex",
    "convention_markup", "decimal", "decimal_latex", "derivative_name", "derivative_symbol",
    "document_fingerprint", "engine_missing", "engine_path", "inline_latex",
    "inline_markdown", "languages", "literal", "messages", "pdf_is_current", "pdflatex_path",
    "smoothness_sentence", "smoothness_table", "tex_engine",
]
