"""The golden generated modules: every target's module for a set of losses that reaches every
path of the printers, written to ``tests/data/golden/`` and compared byte for byte by
``tests/emit/test_golden_modules.py``.

The set: every catalog loss (Barron's shape fixed at its default, as the ulp harness does: with
alpha free the limits at +-inf are refused), the user ``--expr`` losses of
``tests/support/user_forms.py`` that the stable rewrites turn into each primitive and regime,
a solved TOML spec of lossmath/examples/, and parameter overrides. A refactor of the printers
must leave every file unchanged; a deliberate change is rewritten with ``--update`` and
explained in the commit.

    python tests/support/write_goldens.py            # check: exit 1 naming the files that differ
    python tests/support/write_goldens.py --update   # rewrite the files
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden"

TARGETS = ("numpy", "numba", "torch", "jax", "array-api")


def catalog_losses() -> list:
    """Every catalog loss, Barron's at its default alpha (its shape is fixed when generated)."""
    from lossmath import catalog

    return [catalog.get(n).subs(alpha=catalog.get(n).defaults["alpha"]) if n == "barron"
            else catalog.get(n) for n in catalog.names()]


def cases():
    """(file stem, losses, params, command) for every golden module of each target."""
    from lossmath.analysis.solve import solve_best
    from lossmath.spec.toml import load_spec, loss_from_expr
    from tests.support.user_forms import USER_FORMS

    losses = catalog_losses()
    users = [loss_from_expr(text, name) for name, text in USER_FORMS.items()]
    wing = solve_best(load_spec(ROOT / "lossmath" / "examples" / "wing.toml")).loss
    return [
        ("catalog", losses, None, None),
        ("user", users, None, None),
        ("spec_wing", [wing], None, None),
        ("params", ["smooth_l1", "pseudo_huber", "huber"],
         {"smooth_l1": {"beta": "1/9"}, "pseudo_huber": {"delta": 2.5}}, None),
        ("one_expr", [loss_from_expr("sqrt(1+x**2)-1", "expr")], None,
         "lossmath codegen --expr 'sqrt(1+x**2)-1' --target TARGET"),
    ]


def generate_all() -> dict[str, str]:
    """file name -> text, for every case and target.

    Generated in the calling thread, as ``lossmath codegen`` does. lossmath's wall-clock
    budgets (``budget.attempt`` around a sympy step, enforced in the main thread) can change
    the text on a heavily loaded machine: at a load of 13 on 2 cores, x*tanh(x)'s third
    derivative was once left out of the torch and JAX modules. Running without budgets (a
    worker thread) is no cure: steps that always time out then run for minutes.
    """
    from lossmath.emit import targets

    out = {}
    for stem, losses, params, command in cases():
        for target in TARGETS:
            cmd = command.replace("TARGET", target) if command else None
            text = targets.get(target).generator()(losses, params=params, command=cmd)
            out[f"{stem}.{target.replace('-', '_')}.py.txt"] = text
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help="rewrite the golden files")
    args = ap.parse_args(argv)
    texts = generate_all()
    if args.update:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {len(texts)} files to {GOLDEN.relative_to(ROOT)}")
        return 0
    bad = [n for n, t in texts.items()
           if not (GOLDEN / n).is_file() or (GOLDEN / n).read_text(encoding="utf-8") != t]
    for n in bad:
        print(f"differs: {n}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
