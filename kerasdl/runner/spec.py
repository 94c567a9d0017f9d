"""What a reproduction is made of: a report holds tables, a table holds rows, a row is run for N
seeded trials. These are plain data; `kerasdl.runner.execute` runs them.

A report module (`reproduce/<report>.py`) declares one `Report`: the report's tables as data (rows
with their paper numbers and configurations), a trial function per table, and the three profiles
(`smoke`, `fast`, `paper`) that size every table: one table definition, three sizes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Sequence

from kerasdl import unstated

PROFILES = ("smoke", "fast", "paper")
OUTPUTS = ("probabilities", "probability", "margin")


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of a report's table.

    Args:
        name: the row's label, in the report's words.
        paper: the report's number per column (`None` where the report gives none).
        config: JSON-able settings of this row, passed to the table's trial function (merged over
            the profile and table settings) and part of every trial's identity.
        paper_std, paper_max: the report's spread per column, where it gives one.
    """

    name: str
    paper: Mapping[str, float | None]
    config: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    paper_std: Mapping[str, float] = dataclasses.field(default_factory=dict)
    paper_max: Mapping[str, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Proportion:
    """A column that is a proportion of a data split's examples (an accuracy or error rate), in
    `scale` units (100: percents, 1: fractions): its verdict counts the binomial spread of a
    proportion measured on that split's size (`kerasdl.runner.verdict`)."""

    scale: float = 100.0
    split: str = "test"


PERCENT_OF_TEST = Proportion(100.0, "test")
FRACTION_OF_TEST = Proportion(1.0, "test")


@dataclasses.dataclass(frozen=True)
class Conclusion:
    """A claim of the report, checked on the reproduced table.

    `check` receives `{row name: {column: mean over finished trials}}` and returns whether the claim
    holds, or `None` when the reproduction cannot decide (a row missing, say). Write it with the
    helpers of `kerasdl.runner.claims` (`best`, `beats`, `increasing`, `within`, ...): their checks
    carry the row names and columns they read (`check.rows`, `check.columns`), which the `Table`
    checks against its own when it is defined, so a misspelt name fails at import. Any other
    callable is accepted too; its names are only checked when the table is summarized.
    """

    claim: str
    check: Callable[[Mapping[str, Mapping[str, float]]], bool | None]


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of a report.

    Args:
        name: the table's id in REPORTS.md.
        title: one line saying what it measures.
        columns: metric names with their unit (`test_accuracy_pct`, `train_ms_per_sample`, ...).
        rows: the table's rows, in the report's order. A row's `paper` may leave out columns the
            report prints nothing for, and the columns of `repeated_columns` (they take the numbers
            of the column they repeat); the table fills them in.
        run: the trial function, `run(trial) -> TrialResult` (see `kerasdl.runner.execute.Trial`).
        data: the data set the trials use (`mnist`, `fashion_mnist`, `cifar10`, `svhn_cropped`,
            `disk`) or None: the paper's, where `data_setting` may name a stand-in.
        data_setting: the setting that names the data set the trials use instead of `data`, where
            a profile or `--set` may replace the paper's by a stand-in (report `alt_softmax`: MNIST
            for SVHN, which few machines hold). A table run on another data set than `data` says
            so in its title, and its cells are "not comparable".
        row_data: for a table over several data sets, the config key naming each row's own one
            (`"dataset"`); the file it is read from joins the trial's identity, as `data`'s does.
        config: settings shared by every row, merged over the profile's.
        profiles: per-profile overrides of the report's profiles for this table only.
        trials: a fixed trial count (for deterministic tables such as statistics), overriding the
            profile's and the command line's.
        curve: the per-epoch history entry drawn in the training-curves figure, if any.
        conclusions: the report's claims to check.
        notes: what differs from the report, and how its words are read, printed as footnotes;
            the report's unstated choices add theirs (`Report.notes_of`).
        errata: errors of the report itself, printed under the table.
        figures: extra figure makers, `fn(summary, trials_by_row, out_dir) -> list of paths`.
        choices: the allowed values of settings that take one of a few (`{"backend": ("scratch",
            "keras")}`), checked when the command line overrides them.
        labels: the class each model output stands for, where not the data set's classes (a
            binary stand-in task: `("3", "5")`); written by `export` for `predict`.
        output: what the trained models output: `probabilities` (one per class), `probability`
            (one sigmoid unit: that of the second label) or `margin` (one raw score, > 0 for the
            second label).
        paper_comparable: False when the paper column is for information only (a stand-in task):
            every cell's verdict is then "not comparable" (`kerasdl.runner.verdict`).
        paper_decimals: the decimals the report printed (an int, or a dict column -> int), for the
            verdict's half-a-digit term, where the paper's floats drop trailing zeros; None reads
            them from the floats.
        paper_truncated: True where the report's numbers are truncated, not rounded (a `%d`
            print: 69 stands for 69.00-69.99); each cell is then judged as the interval it prints.
        paper_runs: the runs behind each of the report's numbers (1: a single run); where it gives
            a spread (`Row.paper_std`) it must be 2 or more.
        paper_spread: what `Row.paper_std` holds, as the report prints it: "std" or "variance".
        proportions: the columns that are proportions of a split's examples (`Proportion`).
        exact: the trials are deterministic (statistics of a data set, a gradient check): their
            one value is judged by the paper's printed digits alone.
        repeats: rows repeating another table's configuration, `{row: "table/row"}`: shown and
            judged, counted once (in the table they repeat).
        repeated_columns: columns repeating another column's paper numbers, `{column: column}`:
            shown and judged, not counted.
        derived: columns computed when the table is summarized, each from one trial's stored
            metrics (`{column: fn(metrics) -> float | None}`), e.g. whether a run learned at all;
            adding one re-runs nothing. Each must also be in `columns`.

    Raises:
        ValueError: for an unknown `output`, or a conclusion whose check names a row or column the
            table does not have.
    """

    name: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Row]
    run: Callable[..., Any]
    data: str | None = None
    data_setting: str | None = None
    row_data: str | None = None
    config: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    profiles: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    trials: int | None = None
    curve: str | None = None
    conclusions: Sequence[Conclusion] = ()
    notes: Sequence[str] = ()
    errata: Sequence[str] = ()
    figures: Sequence[Callable[..., Any]] = ()
    choices: Mapping[str, Sequence[Any]] = dataclasses.field(default_factory=dict)
    labels: Sequence[str] | None = None
    output: str = "probabilities"
    paper_comparable: bool = True
    paper_decimals: int | Mapping[str, int] | None = None
    paper_truncated: bool = False
    paper_runs: int = 1
    paper_spread: str = "std"
    proportions: Mapping[str, Proportion] = dataclasses.field(default_factory=dict)
    exact: bool = False
    repeats: Mapping[str, str] = dataclasses.field(default_factory=dict)
    repeated_columns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    derived: Mapping[str, Callable[[Mapping[str, float]], float | None]] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        if self.output not in OUTPUTS:
            raise ValueError(f"table {self.name!r}: output must be one of {OUTPUTS}, not {self.output!r}")
        unknown = [c for c in self.derived if c not in self.columns]
        if unknown:
            raise ValueError(f"table {self.name!r}: derived columns {unknown} are not among its columns")
        object.__setattr__(self, "rows", tuple(self._completed(row) for row in self.rows))
        rows = [row.name for row in self.rows]
        if self.paper_spread not in ("std", "variance"):
            raise ValueError(f"table {self.name!r}: paper_spread must be 'std' or 'variance', not {self.paper_spread!r}")
        if self.paper_runs < 2 and any(row.paper_std for row in self.rows):
            raise ValueError(f"table {self.name!r}: rows give the report's spread, so paper_runs must be 2 or more")
        for what, names, known in (("proportions", self.proportions, self.columns), ("repeats", self.repeats, rows),
                                   ("repeated_columns", self.repeated_columns, self.columns)):
            unknown = [name for name in names if name not in known]
            if unknown:
                raise ValueError(f"table {self.name!r}: {what} names {unknown}, not among its {list(known)}")
        for conclusion in self.conclusions:
            for what, known in (("row", rows), ("column", list(self.columns))):
                for name in getattr(conclusion.check, what + "s", ()):
                    if name not in known:
                        raise ValueError(
                            f"table {self.name!r}, conclusion {conclusion.claim!r}: no {what} {name!r}; "
                            f"the table's {what}s are {known}"
                        )

    def _completed(self, row: Row) -> Row:
        """`row` with a paper number (None: none printed) for every column, a repeated column's
        numbers taken from the column it repeats."""
        unknown = [c for c in (*row.paper, *row.paper_std, *row.paper_max) if c not in self.columns]
        if unknown:
            raise ValueError(f"table {self.name!r}, row {row.name!r}: paper numbers for {unknown}, not among its columns {list(self.columns)}")
        paper, std, most = dict(row.paper), dict(row.paper_std), dict(row.paper_max)
        for column, source in self.repeated_columns.items():
            for numbers in (paper, std, most):
                if column not in numbers and source in numbers:
                    numbers[column] = numbers[source]
        paper = {column: paper.get(column) for column in self.columns}
        return dataclasses.replace(row, paper=paper, paper_std=std, paper_max=most)

    def data_name(self, settings: Mapping[str, Any]) -> str | None:
        """The data set the trials use under the merged `settings`."""
        return settings.get(self.data_setting, self.data) if self.data_setting else self.data

    def stand_in(self, settings: Mapping[str, Any]) -> str | None:
        """The data set standing in for the paper's under `settings`, or None when it is the paper's."""
        name = self.data_name(settings)
        return None if name == self.data else name

    def metrics_of(self, record: Mapping[str, Any]) -> dict:
        """A stored trial's metrics with the table's derived columns added."""
        metrics = dict(record["metrics"])
        for column, derive in self.derived.items():
            if column not in metrics:
                metrics[column] = derive(record["metrics"])
        return metrics

    def row(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One value an unstated choice could take, and why it is a candidate: the report's own
    evidence, or the standard code of its era, in one line; `source` names the file it is read
    from where there is one (`"owner/repository @ commit, path"`)."""

    value: Any
    why: str
    source: str | None = None


@dataclasses.dataclass(frozen=True)
class Choice:
    """A choice the report leaves unstated (its architecture, optimizer, initialiser, penalty
    strength, ...), as data: the setting the trial functions read, the value the tables use and
    the other values the report's evidence allows.

    Args:
        key: the config setting (`"optimizer"`). Trial functions read it with `choice.of(config)`,
            so tables that do not set it use `default`; `--set key=value` and `sensitivity` set it.
        title: what is chosen, for a reader (`"optimizer"`, `"L2 weight"`).
        default: the candidate the tables use, chosen from the baseline rows and the report's own
            evidence (its `why` says how), never from a non-baseline row's paper number.
        alternatives: the other candidates.
        tables: the tables whose trials read the setting (empty: every table of the report).
        reads: where only some rows' trials read the setting, `reads(config) -> bool` on a row's
            merged config (`lambda c: c["init"] == "random"`); the other rows' trials are then
            planned without it, so `sensitivity` shares them with the default run instead of
            running the same experiment again. None: every row reads it.

    Where neither the profile, the table nor a row sets the key, its default adds nothing to a
    trial's identity, so declaring a choice leaves every stored trial valid. A key they do set (a
    table's `l2_lambda`) stays in the identity as before, the default being the value set there.
    """

    key: str
    title: str
    default: Candidate
    alternatives: Sequence[Candidate]
    tables: Sequence[str] = ()
    reads: Callable[[Mapping[str, Any]], bool] | None = None

    def __post_init__(self):
        values = [c.value for c in self.candidates]
        if any(values.count(v) > 1 for v in values):
            raise ValueError(f"choice {self.key!r}: candidate values must differ, got {values}")

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return (self.default, *self.alternatives)

    @property
    def values(self) -> list[Any]:
        return [c.value for c in self.candidates]

    def of(self, config: Mapping[str, Any]) -> Any:
        """The value of this choice in a trial's config: the default unless set."""
        return config.get(self.key, self.default.value)


@dataclasses.dataclass(frozen=True)
class Report:
    """One report: its id in REPORTS.md, its source text, its tables and its profiles.

    `profiles[p]` holds the settings of profile `p` shared by every table (epochs, trials, data
    sizes...); a table may override them through `Table.profiles`. `unstated` declares the
    choices the report leaves open (`Choice`), which `sensitivity` measures. `protocol` says
    where the protocol comes from, one line per source: the course's code (repository @ commit,
    path) and what of it the tables follow, or that they follow the report's text alone.
    """

    id: str
    title: str
    source: str
    tables: Sequence[Table]
    profiles: Mapping[str, Mapping[str, Any]]
    unstated: Sequence[Choice] = ()
    protocol: Sequence[str] = ()

    def __post_init__(self):
        missing = [p for p in PROFILES if p not in self.profiles]
        if missing:
            raise ValueError(f"report {self.id!r} lacks profiles {missing}")
        names = [table.name for table in self.tables]
        keys = [choice.key for choice in self.unstated]
        for choice in self.unstated:
            if keys.count(choice.key) > 1:
                raise ValueError(f"report {self.id!r}: choice {choice.key!r} is declared twice")
            unknown = [t for t in choice.tables if t not in names]
            if unknown:
                raise ValueError(f"report {self.id!r}, choice {choice.key!r}: no table(s) {unknown}; the tables are {names}")

    def choices_of(self, table: Table) -> list[Choice]:
        """The unstated choices whose setting `table`'s trials read."""
        return [c for c in self.unstated if not c.tables or table.name in c.tables]

    def notes_of(self, table: Table) -> tuple[str, ...]:
        """`table`'s footnotes: its own, then one per unstated choice its trials read
        (`kerasdl.unstated.note`), so a choice's reasons are written once, in its declaration."""
        return (*table.notes, *(unstated.note(choice) for choice in self.choices_of(table)))

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def settings(self, table: Table, profile: str) -> dict[str, Any]:
        """The profile's settings for `table`: report profile, then table config and overrides."""
        return {**self.profiles[profile], **table.config, **table.profiles.get(profile, {})}
