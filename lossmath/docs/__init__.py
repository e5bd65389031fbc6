"""Derivation documents and loss reports.

- :mod:`.model`: the document model (blocks, references, the TeX engine of each language);
- :mod:`.markup`: inline markup (``$math$``, ``*emphasis*``, literal text) and helpers;
- :mod:`.markdown`, :mod:`.latex`, :mod:`.pdf`: the backends;
- :mod:`.sources`: where the derivation sources are, their editions and their prose modules;
- :mod:`.prose`: conventions, derivative names and the smoothness table and sentence (their
  words in :mod:`lossmath.i18n`);
- :mod:`.files`: where a built document's files go, and which on disk are current;
- :mod:`.loss_document`: the report on any loss;
- :mod:`.document`: the public names of all of these in one place, for derivation sources.
"""
