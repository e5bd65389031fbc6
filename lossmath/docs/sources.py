"""Derivation sources: where they are, which editions each has, loading one and its prose.

Discovery lives here, in the documents layer, so that the CLI and anything else that builds
documents find the same sources the same way (the CLI calls :func:`available`).
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from lossmath.docs.markup import DocumentError
from lossmath.i18n.words import LANGUAGES, check_language

__all__ = ["DerivationError", "available", "languages", "load", "messages", "package_dir"]


class DerivationError(DocumentError):
    """A derivation source is missing or fails; the message names it and where."""


def package_dir() -> Path | None:
    """Where the package ``lossmath.derivations`` lives (found, not imported: the
    documents layer sits below the derivations)."""
    spec = importlib.util.find_spec("lossmath.derivations")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available(sources: str | Path | None = None) -> dict[str, Path]:
    """Derivation names and their source files, sorted by name: the modules of ``sources``
    (a directory) or of the installed ``lossmath.derivations``, except ``_private`` ones."""
    root = Path(sources) if sources is not None else package_dir()
    if root is None or not root.is_dir():
        where = f"directory {root}" if sources is not None else "package lossmath.derivations"
        raise DerivationError(f"no derivation sources: {where} not found")
    return {p.stem: p for p in sorted(root.glob("*.py")) if not p.name.startswith("_")}


def load(name: str, path: Path) -> ModuleType:
    """Import the derivation source ``path`` as a module that defines ``build(doc)``."""
    spec = importlib.util.spec_from_file_location(f"lossmath_derivation_{name}", path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always loads
        raise DerivationError(f"cannot load derivation {name} from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would (dataclasses, pickling need it)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken source is bad input: one line, not a traceback
        del sys.modules[spec.name]
        raise DerivationError(failure(name, path, exc)) from exc
    if not callable(getattr(module, "build", None)):
        raise DerivationError(f"derivation {name} ({path}) defines no build(doc) function")
    return module


def failure(name: str, path: Path, exc: BaseException) -> str:
    """One line for a derivation that raised: the exception and the source line."""
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve() == path.resolve():
            where = f" at {path.name}:{frame.lineno}"
            break
    return f"derivation {name} failed{where}: {type(exc).__name__}: {exc}"


def languages(source: str | Path) -> tuple[str, ...]:
    """The editions a derivation source has: ``en``, plus every language ``LANG`` with a
    message module ``_NAME_LANG.py`` next to ``NAME.py`` (see :func:`messages`)."""
    path = Path(source)
    extra = [lang for lang in LANGUAGES[1:]
             if path.with_name(f"_{path.stem}_{lang}.py").is_file()]
    return ("en", *extra)


def messages(source: str | Path, lang: str) -> ModuleType:
    """The prose of a derivation in one language: the module ``_NAME_LANG.py`` next to the
    source ``NAME.py``.

    A derivation computes every formula, number, table and figure once and asks its message
    module for the sentences around them (functions of the computed values), so each
    language's prose is in one file and the editions share all computed parts. English is
    the module ``_NAME_en.py`` too when the source has other editions.
    """
    path = Path(source)
    target = path.with_name(f"_{path.stem}_{check_language(lang)}.py")
    if not target.is_file():
        raise DocumentError(f"{path.stem} has no {lang} edition ({target.name} not found)")
    spec = importlib.util.spec_from_file_location(f"lossmath_messages_{path.stem}_{lang}",
                                                  target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

