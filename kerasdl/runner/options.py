"""How tables run: one object carried from the command line (or a script) to the runner."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from kerasdl.runner import distribute
from kerasdl.runner.distribute import STRATEGIES
from kerasdl.runner.spec import PROFILES
from kerasdl.validation import check_choice, check_int


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """The options of a run, as `python -m reproduce` takes them.

    Args:
        profile: `smoke`, `fast` or `paper` (see `kerasdl.runner.spec`).
        seed: the seed of trial 0; trial i uses `seed + i`.
        trials, epochs: override the profile's trials per row and epochs per trial.
        data_dir: the folder of local data files (None: `$KERASDL_DATA_DIR`, then
            tensorflow-datasets).
        out: the results folder.
        overrides: `{setting: value}` replacing every row's setting (`--set key=value`).
        strategy: a `kerasdl.runner.distribute` strategy inside each trial.
        cpu_devices: split the CPU into this many logical devices (for `mirrored` without GPUs).
        jobs: trials run at once, in worker processes (`kerasdl.runner.parallel`).
        shard: `(k, n)`: run only the k-th of n slices of each table's trials.
        quiet: no progress bar.
    """

    profile: str = "fast"
    seed: int = 0
    trials: int | None = None
    epochs: int | None = None
    data_dir: str | None = None
    out: str = "results"
    overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    strategy: str = "default"
    cpu_devices: int | None = None
    jobs: int = 1
    shard: tuple[int, int] | None = None
    quiet: bool = False

    def __post_init__(self):
        check_choice("profile", self.profile, PROFILES)
        check_int("seed", self.seed)
        for name in ("trials", "epochs"):
            if getattr(self, name) is not None:
                check_int(name, getattr(self, name), 1)
        check_choice("strategy", self.strategy, STRATEGIES)
        if self.cpu_devices is not None:
            check_int("cpu_devices", self.cpu_devices, 1)
        check_int("jobs", self.jobs, 1)
        if self.jobs > 1 and self.strategy != "default":
            raise ValueError(f"--jobs {self.jobs} runs trials side by side; it takes no --strategy {self.strategy}")
        if self.shard is not None:
            k, n = self.shard
            if not 1 <= check_int("shard", k) <= check_int("shard", n):
                raise ValueError(f"`shard` must be (k, n) with 1 <= k <= n, got {self.shard!r}")
        object.__setattr__(self, "overrides", dict(self.overrides))

    @property
    def distribution(self) -> distribute.Distribution:
        """This process's strategy, task and chief status (`distribute.resolve`, made once)."""
        return distribute.resolve(self.strategy, self.cpu_devices)

    def replace(self, **changes) -> "RunOptions":
        return dataclasses.replace(self, **changes)

    def planning(self) -> dict:
        """What decides a table's trials (the rest says how and where they run): JSON-able, so
        worker processes plan the same trials."""
        return {
            "profile": self.profile, "seed": self.seed, "trials": self.trials, "epochs": self.epochs,
            "data_dir": self.data_dir, "overrides": dict(self.overrides), "strategy": self.strategy,
        }
