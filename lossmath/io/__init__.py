"""Bytes leaving lossmath: escaping for each sink, and atomic writes with ``--check``/``--diff``."""
