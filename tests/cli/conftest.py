"""The hostile corpora's fixtures (tests/support/hostile.py): one worker process, one importer
process and one directory per test module."""

from tests.support.hostile import corpus_dir, importer, worker  # noqa: F401 - fixtures
