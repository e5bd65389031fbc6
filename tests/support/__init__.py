"""Helpers the tests share (not collected: no module here is named ``test_*``)."""
