"""The namespace of generated code: which identifiers are the user's, which are lossmath's.

A generated module holds two kinds of identifiers, and this module keeps them apart by
construction rather than by lists of refused words:

- **The user's**: loss names and parameter names from a spec (or the catalog), and the public
  identifiers derived from a loss name -- ``NAME``, ``NAME_grad``, ``NAME_hess``,
  ``NAME_value_and_grad`` and, for torch, the ``nn.Module`` class :func:`camel` ``(NAME)``.
  :func:`check_user_name` admits a user name only if it is a Python identifier in NFKC
  normal form (Python normalises identifiers when it reads source, so ``ｈｕｂｅｒ`` would
  define ``huber``), not a keyword or soft keyword, not a builtin, and **not starting with
  ``_``**; nor one of the target's public arguments (``x``, ``out``, ``reduction``...) or the
  modules it imports (``np``, ``torch``...), which are the module's interface, declared by
  each printer.
- **lossmath's**: every other identifier starts with ``_``, which no user name can: runtime
  helpers (``_param``, ``_wide``...), and every private name derived from a loss
  (:func:`private`: ``_lm_KIND_NAME``, injective because KIND has no underscore), locals of
  generated functions that also see the user's parameters (``_lm_x``, ``_lm_t`` in a JAX jvp
  rule; ``_lm_dtype``), and the attributes under which an ``nn.Module`` keeps its parameters
  (``self._lm_p_NAME``), so a parameter called ``forward``, ``training`` or ``to`` is just a
  keyword argument.

Two user names that one of the transformations the printers apply (:data:`TRANSFORMS`:
CamelCase, lower-casing, NFKC) would make equal are refused with a message naming both
(:func:`check_distinct`), and the finished module is checked once more
(:func:`check_module`): every name bound at its top level is bound once, and the public ones
are exactly the declared interface. A framework that takes parameters as tensors, or any
later printer, adds its identifiers to the same two spaces: derived private names through
:func:`private`, locals under :data:`PREFIX`, public arguments declared to
:func:`check_user_name`.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from lossmath.core.loss import LossError

__all__ = [
    "PREFIX",
    "TRANSFORMS",
    "camel",
    "check_distinct",
    "check_module",
    "check_user_name",
    "local",
    "private",
]

#: The prefix of every identifier lossmath derives for its own use; user names cannot start
#: with ``_`` at all, so none can reach this space.
PREFIX = "_lm_"


def private(kind: str, name: str) -> str:
    """``_lm_KIND_NAME``: lossmath's own identifier of kind ``KIND`` for the loss ``NAME``.

    KIND is alphanumeric, so the identifier names (KIND, NAME) uniquely: ``_lm_k0_a_b`` is
    the kernel ``k0`` of ``a_b``, never a kernel of ``a``.
    """
    if not kind.isalnum():
        raise ValueError(f"a private kind is alphanumeric, got {kind!r}")
    return f"{PREFIX}{kind}_{name}"


def local(name: str) -> str:
    """A local variable of a generated function that also sees the user's parameters."""
    return f"{PREFIX}{name}"


def camel(name: str) -> str:
    """``smooth_l1`` -> ``SmoothL1``: the ``nn.Module`` class of a loss."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _nfkc(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


#: The transformations by which two different user names could meet in generated code: the
#: class name (CamelCase), case (file systems and people that ignore it), and the Unicode
#: normalisation Python applies to identifiers.
TRANSFORMS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("lower-cased", lambda s: _nfkc(s).casefold()),
    ("CamelCase", camel),
    ("NFKC-normalised", _nfkc),
)


def check_user_name(
    text: str, what: str, *, arguments: Iterable[str] = (), modules: Iterable[str] = ()
) -> None:
    """Refuse ``text`` as a user name (loss, parameter) of a generated module, with a one-line
    :class:`~lossmath.core.loss.LossError` saying why; ``arguments`` and ``modules`` are the
    target's public arguments and imported modules."""
    if not isinstance(text, str) or not text.isidentifier():
        raise LossError(
            f"{what} {text!r} cannot be a Python function or argument name "
            "(use letters, digits and underscores, not starting with a digit or '_')"
        )
    if _nfkc(text) != text:
        raise LossError(
            f"{what} {text!r} is not in Unicode normal form NFKC: Python would read it as "
            f"{_nfkc(text)!r}; write that"
        )
    if text.startswith("_"):
        raise LossError(
            f"{what} {text!r} starts with '_': names starting with '_' belong to the generated "
            "code; rename it"
        )
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        raise LossError(f"{what} {text!r} is a Python keyword; rename it")
    if hasattr(builtins, text):
        raise LossError(f"{what} {text!r} is a Python builtin; rename it")
    if text in set(arguments):
        raise LossError(
            f"{what} {text!r} is an argument of the generated functions; rename it"
        )
    if text in set(modules):
        raise LossError(f"{what} {text!r} is a module the generated code imports; rename it")


def check_distinct(names: Sequence[tuple[str, str]], transforms: bool = True) -> None:
    """Refuse two of ``names`` -- (name, who: ``"the loss 'a_b'"``) -- that are equal, or
    (``transforms``: user names, not identifiers already derived) become equal under one of
    :data:`TRANSFORMS`; the message names both."""
    for label, transform in (("as written", lambda s: s), *(TRANSFORMS if transforms else ())):
        seen: dict[str, tuple[str, str]] = {}
        for name, who in names:
            key = transform(name)
            if key in seen and seen[key] != (name, who):
                other, owner = seen[key]
                how = "" if label == "as written" else f" when {label}"
                raise LossError(
                    f"{owner} and {who} would both be {key!r} in the generated code{how}; "
                    "rename one"
                )
            seen.setdefault(key, (name, who))


def _bound_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds: ``a``, ``a, (b, *c)``; not ``a.attr = ...`` or
    ``a[i] = ...``, which set an attribute or item of an object bound elsewhere."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _bound_names(e)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def check_module(text: str, public: Iterable[str], modules: Iterable[str]) -> None:
    """The finished module's namespace: every top-level name is bound once (so nothing a
    printer emitted shadows another), and the names bound that do not start with ``_`` are
    exactly the declared public ones and imported modules."""
    allowed = set(public) | set(modules) | {"annotations", "__all__"}
    seen: set[str] = set()
    for node in ast.parse(text).body:
        bound: list[str] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = [node.name]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = [n for t in targets for n in _bound_names(t)]
        for name in bound:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and name in seen and (
                name in modules
            ):
                continue  # the same module imported twice (import jax; import jax.numpy)
            if name in seen:
                raise LossError(
                    f"the generated name {name} would be defined twice; rename the loss or "
                    "parameter it comes from"
                )
            if not name.startswith("_") and name not in allowed:
                raise LossError(f"internal error: the generated module binds {name!r}, "
                                "which is neither public nor private")
            seen.add(name)
