"""The code-generation targets: name -> how to generate a module, and what it needs.

A :class:`Target` names its generator lazily (``"module:function"``), so ``import lossmath``
never imports a printer, and a printer never imports the library it writes for. ``lossmath
codegen --target`` and :func:`compile` read this registry; a new printer adds itself with
:func:`register` (one line here).
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import linecache
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lossmath.core.loss import Loss, LossError
from lossmath.io import escape

__all__ = ["Target", "check_options", "compile", "get", "load", "names", "register"]


@dataclass(frozen=True)
class Target:
    """``generate`` is ``"module:function"`` under :mod:`lossmath.emit`, a function
    ``(losses, *, params=None, command=None) -> str``; ``requires`` are the packages the
    generated module imports (beyond the standard library)."""

    name: str
    generate: str
    requires: tuple[str, ...]
    suffix: str = ".py"
    summary: str = ""
    #: generation options this target takes beyond ``params`` (``{"hessian": ("exact", ...)}``)
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def generator(self) -> Callable[..., str]:
        module, _, func = self.generate.partition(":")
        return getattr(importlib.import_module(f"lossmath.emit.{module}"), func)


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    _TARGETS[target.name] = target
    return target


def names() -> tuple[str, ...]:
    return tuple(_TARGETS)


def get(name: str) -> Target:
    if name not in _TARGETS:
        raise LossError(f"unknown target {name!r} (known: {', '.join(_TARGETS)})")
    return _TARGETS[name]


register(Target("numpy", "numpy:generate", ("numpy",), summary="plain numpy, blocked, out="))
register(Target("torch", "torch:generate", ("torch",),
                summary="autograd Functions, nn.functional API, nn.Module"))
register(Target("torch-fused", "torch_fused:generate", ("torch", "numba"),
                summary="the torch module, one fused numba pass per direction on CPU"))
register(Target("jax", "jax:generate", ("jax",), summary="custom_jvp functions, optax signatures"))
register(Target("array-api", "array_api:generate", ("array_api_compat",),
                summary="one module for numpy, torch, JAX, Dask, CuPy, array_api_strict"))
register(Target("numba", "numba:generate", ("numpy", "numba"),
                summary="the numpy API, each function one fused loop (lossmath[numba])"))
register(Target("statsmodels", "statsmodels:generate", ("numpy", "statsmodels"),
                summary="a RobustNorm subclass per loss for sm.RLM"))
register(Target("least-squares", "least_squares:generate", ("numpy",),
                summary="rho(z) of z = r**2 for scipy.optimize.least_squares(loss=...)"))
register(Target("gbdt", "gbdt:generate", ("numpy",),
                summary="(grad, hess) objectives for XGBoost and LightGBM (--hessian)",
                options=(("hessian", ("majorize", "exact", "bound")),)))

def check_options(target: Target, options: Mapping[str, object]) -> None:
    """Refuse an option the target does not take, or a value it does not know."""
    known = dict(target.options)
    for key, value in options.items():
        if key not in known:
            raise LossError(f"target {target.name} takes no option {key!r}"
                            + (f" (it takes: {', '.join(known)})" if known else ""))
        if value not in known[key]:
            raise LossError(f"{key}={value!r}: expected one of {', '.join(known[key])}")


_serial = itertools.count()


def compile(  # noqa: A001 - the public name the issue asks for (lossmath.compile)
    loss: Loss | str | Sequence[Loss | str],
    target: str = "numpy",
    params: Mapping[str, object] | Mapping[str, Mapping[str, object]] | None = None,
    **options: str,
) -> types.ModuleType:
    """The generated module of ``loss`` for ``target``, in memory: what ``lossmath codegen
    --target TARGET`` writes, executed as a module object whose attributes are the callables
    (``compile("huber", "torch").huber``).

    ``loss`` is one loss (a :class:`~lossmath.core.loss.Loss` or a catalog name) or a sequence of
    them. ``params`` sets the generated defaults: ``{"beta": 0.5}`` for one loss,
    ``{"smooth_l1": {"beta": 0.5}}`` per loss for several. Only text lossmath generated (its
    own, escaped) is executed; the module is checked to compile before it is returned.
    ``options`` are the target's generation options (``hessian="bound"`` for ``gbdt``).
    """
    spec = get(target)
    check_options(spec, options)
    losses = [loss] if isinstance(loss, (Loss, str)) else list(loss)
    if params and isinstance(loss, (Loss, str)):
        name = loss.name if isinstance(loss, Loss) else _canonical(loss)
        params = {name: dict(params)}
    text = spec.generator()(losses, params=params or None, **options)
    return load(text, f"lossmath.compile {target}")


def load(text: str, label: str) -> types.ModuleType:
    """Generated ``text`` executed as a fresh module, its source readable by tracebacks,
    ``inspect`` and ``torch.compile`` (``label`` names it: ``<label #n>``)."""
    serial = next(_serial)
    module = types.ModuleType(f"lossmath_compiled_{serial}")
    filename = f"<{label} #{serial}>"
    # linecache: tracebacks, inspect and torch.compile read the source of the functions
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    module.__file__ = filename
    # torch.compile (dynamo) imports a function's module by name to read its globals
    sys.modules[module.__name__] = module
    # The bytes a file would hold, decoded as import decodes them (the checked bytes).
    code = builtins.compile(escape.python_bytes(text), filename, "exec", dont_inherit=True)
    exec(code, module.__dict__)  # noqa: S102 - our own text
    return module


def _canonical(name: str) -> str:
    from lossmath import catalog

    return catalog.get(name).name
