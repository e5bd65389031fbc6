"""The test harnesses' cache of generated text (``tests/support/gencache.py``) gives the text
generation gives, and a different key for anything the text depends on."""

from __future__ import annotations

from lossmath import Loss, Param, catalog, x
from lossmath.emit.numpy import generate
from tests.support import gencache

_d = Param("delta", default=1)


def test_cached_text_is_the_generated_text_and_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSMATH_TEST_CACHE", str(tmp_path))
    calls = []

    def counting(losses, **kw):
        calls.append(1)
        return generate(losses, **kw)

    first = gencache.text("numpy", counting, ["l2"])
    again = gencache.text("numpy", counting, ["l2"])
    assert first == again == generate(["l2"])
    assert len(calls) == 1
    assert len(list(tmp_path.glob("numpy-*.py"))) == 1


def test_the_key_names_the_target_the_options_and_each_field_of_the_loss():
    a = Loss("q", _d.symbol * x**2, params=(_d,))
    keys = {
        gencache.key("numpy", [a], {}),
        gencache.key("torch", [a], {}),
        gencache.key("numpy", [a], {"params": {"q": {"delta": 2}}}),
        gencache.key("numpy", [Loss("q", _d.symbol * x**2 / 2, params=(_d,))], {}),
        gencache.key("numpy", [Loss("q", _d.symbol * x**2, params=(Param("delta", 2),))], {}),
        gencache.key("numpy", [Loss("r", _d.symbol * x**2, params=(_d,))], {}),
        gencache.key("numpy", [Loss("q", _d.symbol * x**2, params=(_d,), title="T")], {}),
        gencache.key("numpy", [a, catalog.get("l1")], {}),
    }
    assert len(keys) == 8
    # the same definition built twice has one key
    assert gencache.key("numpy", [Loss("q", _d.symbol * x**2, params=(_d,))], {}) in keys
