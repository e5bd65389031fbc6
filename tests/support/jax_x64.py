"""JAX in float64 for one test module, restored afterwards: ``jax_enable_x64`` is global, and a
module that set it at import would change what every later test in the process computes (the
JAX target's float32 ulp bounds pass only when nothing widened them)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def x64() -> Iterator[None]:
    import jax

    before = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", before)
