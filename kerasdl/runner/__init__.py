"""The reproduction runner: tables of rows run for seeded trials, stored as they finish,
summarised beside the paper's numbers. `reproduce/<report>.py` modules declare a `Report` and the
CLI in `kerasdl.runner.cli` runs it."""

from kerasdl.runner.execute import Trial, TrialResult
from kerasdl.runner.fit import fit
from kerasdl.runner.run import run_table
from kerasdl.runner.spec import PROFILES, Conclusion, Report, Row, Table

__all__ = ["PROFILES", "Conclusion", "Report", "Row", "Table", "Trial", "TrialResult", "fit", "run_table"]
