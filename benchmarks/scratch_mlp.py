"""`scratch_mlp`: wall time of one `fast` trial of report `scratch_mlp` per network, with the
report's own framework (`kerasdl.scratch`, explicit backward passes) and with the Keras backend
(`--set backend=keras`), through the runner's `run_trial`, beside the report's Table 5 times.

    python -m benchmarks scratch_mlp [--quick]
"""

from __future__ import annotations

import tempfile
import time

from benchmarks import common


def run(args, echo=print) -> dict:
    from kerasdl.runner import RunOptions
    from kerasdl.runner.execute import run_trial
    from kerasdl.runner.plan import plan_table
    from kerasdl.runner.store import TrialStore
    from reproduce.scratch_mlp import REPORT

    table = REPORT.table("t5_performance")
    profile = "smoke" if args.quick else "fast"
    rows, times = [], {}
    with tempfile.TemporaryDirectory() as out:
        store = TrialStore(out)
        for backend in ("scratch", "keras"):
            plan = plan_table(REPORT, table, RunOptions(profile, trials=1, epochs=1 if args.quick else None,
                                                        overrides={"backend": backend}))
            # --quick: the first network only (two trials in all).
            for planned in plan.trials[:1] if args.quick else plan.trials:
                start = time.perf_counter()
                record = run_trial(plan, planned, store)
                wall = time.perf_counter() - start
                times[backend, planned.row.name] = record["metrics"]["time_s"]
                rows.append({"network": planned.row.name, "backend": backend,
                             "train_s": record["metrics"]["time_s"], "trial_wall_s": wall,
                             "paper_s": planned.row.paper["time_s"]})
    for row in rows:
        row["vs ANN1 (same backend)"] = times[row["backend"], row["network"]] / times[row["backend"], "ANN1"]
        row["paper vs ANN1"] = row["paper_s"] / table.row("ANN1").paper["time_s"]
        row["keras / scratch"] = times["keras", row["network"]] / times["scratch", row["network"]]
    epochs = plan.settings["epochs"]
    notes = [
        f"profile {profile}: {epochs} epochs, {plan.settings['n_train']} training points, batch "
        f"{plan.settings['batch_size']}, one trial (seed 0) per network and backend, through "
        "kerasdl.runner.execute.run_trial (op determinism on, as in every runner trial)",
        "train_s: the trial's own training time (the table's time_s column); trial_wall_s adds model "
        "building, evaluation and storing the trial; paper_s: the report's Table 5 on its machine",
    ]
    return common.report("scratch_mlp", ["network", "backend", "train_s", "trial_wall_s", "vs ANN1 (same backend)",
                                         "paper_s", "paper vs ANN1", "keras / scratch"], rows, args.out,
                         settings={"profile": profile, "epochs": epochs}, notes=notes, echo=echo)
