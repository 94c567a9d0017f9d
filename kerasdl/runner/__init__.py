"""The reproduction runner: tables of rows run for seeded trials, stored as they finish,
summarised beside the paper's numbers. A report package declares a `Report` (kerasdl's own five:
`reproduce/<report>.py`), registers it under the `kerasdl.reports` entry points
(`kerasdl.runner.registry`), and the `kerasdl` command (`kerasdl.commands`) runs it."""

from kerasdl.runner.execute import Trial, TrialResult
from kerasdl.runner.fit import fit
from kerasdl.runner.options import RunOptions
from kerasdl.runner.run import run_table
from kerasdl.runner.spec import FRACTION_OF_TEST, PERCENT_OF_TEST, PROFILES, Candidate, Choice, Conclusion, Proportion, Report, Row, Table

__all__ = ["FRACTION_OF_TEST", "PERCENT_OF_TEST", "PROFILES", "Proportion", "Candidate", "Choice", "Conclusion", "Report", "Row", "RunOptions", "Table", "Trial", "TrialResult", "fit", "run_table"]
