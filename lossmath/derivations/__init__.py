"""Derivation sources: one module per document under ``docs/``.

Each module defines ``build(doc)``, which fills a :class:`lossmath.docs.document.Document` with
prose and with equations, tables and figures computed by lossmath (never typed by hand), and
sets ``doc.title``. The module's file name is the document's name:
``smooth_l1_vs_l2.py`` -> ``docs/smooth_l1_vs_l2.md``, ``.tex``, ``.pdf``.

A document with more than one edition keeps its prose out of ``NAME.py``: one message
module per language, ``_NAME_en.py`` and ``_NAME_zh.py`` (loaded with
:func:`lossmath.docs.document.messages`), defining the same names; ``NAME.py`` computes every
formula, number, table and figure once and passes them to the sentences. ``lossmath derive
--lang zh`` builds the editions that have a ``_NAME_zh.py`` into ``docs/zh/``.

Installed, this directory is the package ``lossmath.derivations`` (see ``pyproject.toml``);
``lossmath derive --sources DIR`` builds from another directory of such modules. Modules
import lossmath absolutely (``from lossmath import ...``), so they work from either place.
Regenerate the documents with ``lossmath derive --all``; CI runs ``lossmath derive --check``.
"""
