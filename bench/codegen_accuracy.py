"""Accuracy of exported code: max relative error per catalog entry and target, naive against safe.

    python bench/codegen_accuracy.py > /tmp/accuracy.md

"naive" is the formula as derived, evaluated by NumPy as written (what the export printed before the
safe forms: sympy.lambdify of the definition and of the derived derivative). The other columns run
derivator's exported code in each target. The grid and the truth are the range test's
(tests/codegen_harness.py): x log-spaced over ±[1e-6, 800] and 0, mpmath at 100+ digits; relative
error where the true value is a normal double; "n bad" counts nan/inf where the truth is finite and
absolute errors above 1e-300 where it is below doubles. Targets whose library is missing are left out.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from codegen_harness import (CSharpProgram, away_from, call, compare, grid, load, references,  # noqa: E402
                             truth)
from derivator import catalog  # noqa: E402
from derivator.pipeline import derive  # noqa: E402
from derivator.present.codegen import code_parts, export_code  # noqa: E402
from derivator.core.functions import expand_named  # noqa: E402


def available(target: str) -> bool:
    import shutil

    if target == "csharp":
        return bool(shutil.which("mcs") and shutil.which("mono"))
    if target in ("torch", "jax"):
        try:
            __import__(target)
            return True
        except ImportError:
            return False
    return True


def cell(check) -> str:
    worst = f"{check.max_rel:.1e}" if check.max_rel else "0"
    return worst + (f" ({len(check.bad)} bad)" if check.bad else "")


def main() -> None:
    targets = [t for t in ("python", "numpy", "torch", "jax", "csharp") if available(t)]
    if "jax" in targets:
        import jax

        jax.config.update("jax_enable_x64", True)
    rows, program, pending = [], CSharpProgram(), []
    for entry in catalog.entries():
        d = derive(entry.name)
        kinks = [float(at) for at, _ in catalog.breakpoints(entry)] + [float(k.at) for k in d.kinks]
        xs = away_from(grid(), kinks)
        f, df = references(d)
        true = ([truth(f, v) for v in xs], [truth(df, v) for v in xs])
        parts = code_parts(d)
        x = parts.variable
        naive = []
        for expr, t in ((parts.definition, true[0]), (parts.derivative, true[1])):
            fn = sp.lambdify(x, expand_named(expr), modules=["numpy", "scipy"])
            with np.errstate(all="ignore"):
                got = np.broadcast_to(np.asarray(fn(np.asarray(xs)), dtype=float), (len(xs),))
            naive.append(compare(xs, got.tolist(), t, rel_tol=np.inf))
        row = {"name": entry.name, "naive": naive}
        for target in targets:
            if target == "csharp":
                ns = program.add(export_code(d, "csharp"))
                program.call(ns, "Activation", xs)
                program.call(ns, "Derivative", xs)
                pending.append((row, xs, true))
                continue
            mod = load(export_code(d, target))
            name = [k for k in mod if k.endswith("_grad") and callable(mod[k])][0][: -len("_grad")]
            row[target] = [compare(xs, call(mod[n], target, xs).tolist(), t, rel_tol=np.inf)
                           for n, t in ((name, true[0]), (f"{name}_grad", true[1]))]
        rows.append(row)
    if pending:
        with tempfile.TemporaryDirectory() as tmp:
            results = program.run(Path(tmp))
        for i, (row, xs, true) in enumerate(pending):
            row["csharp"] = [compare(xs, results[2 * i + k], true[k], rel_tol=np.inf) for k in (0, 1)]
    cols = ["naive (NumPy)"] + targets
    print("| entry | " + " | ".join(f"{c} f | {c} f′" for c in cols) + " |")
    print("|---|" + "---|" * (2 * len(cols)))
    for row in rows:
        cells = [cell(c) for key in ["naive"] + targets for c in row[key]]
        print(f"| {row['name']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
