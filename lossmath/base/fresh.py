"""The process-wide memo state of sympy and mpmath, reset where an analysis starts.

A work count (:mod:`lossmath.base.budget`) is a number of Python calls, so it must not depend
on what the process computed before: a result sympy has cached costs no calls the second time,
and a verdict decided near the edge of its share would then differ between a fresh process and
one that analysed other losses first (measured: huber's 46 steps counted 93,018 calls in a
fresh process and 76,192 after three other losses). Where an analysis starts (:func:`scope`)
:func:`reset` puts the memos its calls depend on into the state of a process that has computed
nothing yet:

- sympy's cache (``clear_cache``), the ``lru_cache`` tables of its modules (``igcd``), the
  tables of its multiple-dispatch functions and its prime sieve (``isprime`` looks a number
  up in it before testing it);
- the subclass caches of abstract base classes (``isinstance(e, numbers.Number)``);
- mpmath's tables of constants and Taylor coefficients, filled at the precisions asked for;
- the facts each live sympy object has cached about itself (its ``is_positive`` answers, its
  hash): a subexpression shared with a loss analysed before would already know them.

Before each counted step (:func:`seed`) sympy's random generators are seeded
(``sympy.core.assumptions._ask`` tries the facts that decide a fact in a random order, so two
fresh processes counted different calls too); they are restored after the step, and so is
Python's global one (``sympy.polys.modulargcd`` draws from it). Imports are not counted and
the garbage collector is paused during a step (:mod:`lossmath.base.budget`).

Why the memos are reset per analysis and not per step: per step, every step starts cold and
an analysis costs about twice as much (eight catalog losses, huber ... welsch: 20.5 s instead
of 11.0 s on a loaded 2-core machine); per analysis, five losses took 12.7 s instead of
10.4 s. The price is that a step's count can depend on the steps of the same analysis before
it, which should be the same in every process; measured (tests/base/test_fresh.py): the
verdicts of huber, wing and tukey after four other losses are those of a fresh process, their
work agrees to 5 % (tukey 2.6 %; reset per step, 1 %: what else carries over between analyses
is not yet found).

What stays process-dependent: the order of sets of sympy objects, which follows Python's
string hashes (``PYTHONHASHSEED``); the few constants sympy builds on first use, once per
process (``sympy.simplify.fu``'s); and which equal subexpressions built before an analysis are
one object. Two threads counting at once empty each other's memos (sympy's are shared by the
process): their answers stay right, their counts are exact for one thread at a time.
"""

from __future__ import annotations

import abc
import contextlib
import gc
import random
import sys
import threading
from collections.abc import Iterator

__all__ = ["reset", "restore", "scope", "seed"]

#: the seed of sympy's generators in a counted step (any fixed value)
SEED = 0
#: mpmath's memo tables filled on demand (module -> names), emptied
_MPMATH_TABLES = {
    "mpmath.libmp.libelefun": ("cos_sin_cache", "log_int_cache", "log_taylor_cache",
                               "atan_taylor_cache"),
    "mpmath.libmp.gammazeta": ("bernoulli_cache", "borwein_cache", "zeta_int_cache",
                               "gamma_taylor_cache", "gamma_stirling_cache"),
}


def reset(objects: bool = False) -> tuple:
    """Put the memo state into that of a process that has computed nothing, and with
    ``objects`` the facts every live sympy object has cached too (a walk over all live
    objects: where an analysis starts, not before each step); returns what :func:`restore`
    needs (the random generators' states). Does nothing before sympy is imported (then
    nothing of it is cached)."""
    cache = sys.modules.get("sympy.core.cache")
    if cache is None:
        return ()
    import sympy

    states = seed()
    for clear in _tables():
        clear()
    cache.clear_cache()
    if objects:
        basic, symbol = sympy.Basic, sympy.Symbol
        canonical = symbol._canonical_assumptions  # what a new Symbol gets (cached: shared)
        for o in _live(basic):
            o._mhash = None
            if isinstance(o, symbol):  # facts follow from the assumptions: any KB of them
                o._assumptions = canonical(**o._assumptions_orig)[0]
                continue
            facts, default = o._assumptions, o.default_assumptions
            if facts is not default:
                # emptied in place, not replaced by the class's own: a thread asking about
                # o meanwhile writes true facts of o into o's table, never into the class's
                facts.clear()
                facts.update(default)
        cache.clear_cache()  # a new Symbol shares no facts with the live ones (whichever live)
    _reset_mpmath()
    return states


def seed() -> tuple:
    """Seed Python's and sympy's random generators (a counted step draws the same numbers in
    any process); returns their states for :func:`restore`. Does nothing before sympy is
    imported."""
    if "sympy.core.random" not in sys.modules:
        return ()
    from sympy.core import random as sympy_random

    states = (random.getstate(), sympy_random.rng.getstate(),
              sympy_random._assumptions_rng.getstate())
    random.seed(SEED)
    sympy_random.seed(SEED)
    return states


_found: dict[str, object] = {"modules": -1, "tables": ()}


def _tables() -> tuple:
    """How to empty each table of sympy's outside its cache: the tables of its dispatchers and
    its ``lru_cache`` functions, the prime sieve, and the subclass caches of abstract classes.
    Found by one walk over the live objects, again only after an import (which makes them)."""
    if _found["modules"] == len(sys.modules):
        return _found["tables"]
    from functools import _lru_cache_wrapper

    from sympy.multipledispatch.dispatcher import Dispatcher
    from sympy.ntheory.generate import Sieve

    tables = []
    for o in _live((Dispatcher, _lru_cache_wrapper, abc.ABCMeta, Sieve)):
        if isinstance(o, Dispatcher):
            tables.append(o._cache.clear)
        elif isinstance(o, _lru_cache_wrapper):
            if getattr(o, "__module__", "").startswith("sympy."):
                tables.append(o.cache_clear)
        elif isinstance(o, abc.ABCMeta):
            tables.append(o._abc_caches_clear)
        elif isinstance(o, Sieve):
            tables.append(o._reset)
    _found.update(modules=len(sys.modules), tables=tuple(tables))
    return _found["tables"]


def _live(kinds) -> list:
    """The live objects of the given types. Their types are read with ``type`` (never
    ``isinstance``, which asks an object for ``__class__``): a module's deprecated object may
    warn when asked for an attribute (torch's ``torch.distributed.reduce_op``: a FutureWarning,
    an error under ``-W error``), and the walk meets every object of the process."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return [o for o in gc.get_objects() if issubclass(type(o), kinds)]


class _Scope(threading.local):
    depth = 0


_scope = _Scope()


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Work (an analysis) that starts from the reset state, objects' facts included, with the
    generators seeded, so that what it builds and learns between its steps is alike in any
    process (each step still starts from :func:`reset`)."""
    if _scope.depth:
        yield
        return
    states = reset(objects=True)
    _scope.depth += 1
    try:
        yield
    finally:
        _scope.depth -= 1
        restore(states)


def restore(states: tuple) -> None:
    """Give the random generators back the states :func:`reset` found."""
    if states:
        from sympy.core import random as sympy_random

        random.setstate(states[0])
        sympy_random.rng.setstate(states[1])
        sympy_random._assumptions_rng.setstate(states[2])


def _reset_mpmath() -> None:
    for name, tables in _MPMATH_TABLES.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        for table in tables:
            getattr(module, table).clear()
        for value in vars(module).values():  # constant_memo: the inner function keeps the memo
            for cell in getattr(value, "__closure__", None) or ():
                inner = getattr(cell, "cell_contents", None)
                if hasattr(inner, "memo_prec"):
                    inner.memo_prec, inner.memo_val = -1, None
