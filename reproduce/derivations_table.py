"""The `derivations` table of reports `convnet_tricks` (eqs. 1.1-1.3) and `classifiers` (Q1): each
of the report's hand-derived gradient formulas against autodiff, as the max absolute difference
on seeded float64 inputs (`kerasdl.derivations.max_abs_differences`)."""

from __future__ import annotations

from kerasdl import derivations
from kerasdl.runner import Conclusion, Row, Table, TrialResult
from kerasdl.runner.claims import below
from kerasdl.runner.spec import PROFILES

TOLERANCE = 1e-10


def run(trial):
    """One formula of the report: max |hand formula - autodiff|."""
    differences = derivations.max_abs_differences(trial.config["report"], seed=trial.seed)
    return TrialResult(metrics={"max_abs_diff": differences[trial.config["formula"]]})


def formula_table(report, title, formulas, notes=(), errata=()):
    """The table of `report`'s formulas, given as `(row name, key in max_abs_differences)`."""
    return Table(
        name="derivations",
        title=title,
        columns=["max_abs_diff"],
        rows=[Row(name, {"max_abs_diff": None}, {"formula": key}) for name, key in formulas],
        run=run,
        config={"report": report},
        trials=1,
        exact=True,  # a float64 gradient check: deterministic, its one value is the measurement
        profiles={p: {"epochs": 1} for p in PROFILES},
        conclusions=[
            Conclusion(
                f"each final formula matches autodiff (max abs difference < {TOLERANCE:g})",
                below([name for name, _ in formulas], "max_abs_diff", TOLERANCE),
            )
        ],
        notes=list(notes),
        errata=list(errata),
    )
