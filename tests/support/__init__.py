"""Helpers of the tests: harnesses, corpora, truths and fixtures' machinery (not collected:
no module here is named test_*)."""
