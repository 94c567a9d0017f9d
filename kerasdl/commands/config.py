"""`kerasdl config REPORT|all [TABLE ...] [run options] [--json]`: each row's merged configuration
and its trials' seeds and store keys, as `reproduce` with the same options would plan them; runs
nothing ("the experiment is its config")."""

from __future__ import annotations

import json

from kerasdl.commands.arguments import (
    Context, add_report_arguments, add_run_options, checked_overrides, reports, run_options, select,
)
from kerasdl.runner.plan import plan_table
from kerasdl.runner.store import trial_key


def add(commands, context: Context) -> None:
    c = commands.add_parser("config", help="print each row's merged configuration and trial identities, as a run would plan them; run nothing")
    add_report_arguments(c)
    add_run_options(c)
    c.add_argument("--json", action="store_true", help="print the plans as JSON (rows, configs, identities, keys)")
    c.set_defaults(func=config_command, where="config")


def plan_document(plan) -> dict:
    """A plan as `config --json` prints it: per row its merged config and each trial's seed,
    identity and store key."""
    rows = {}
    for planned in plan.trials:
        row = rows.setdefault(planned.row.name, {"row": planned.row.name, "config": planned.config, "trials": []})
        row["trials"].append({"index": planned.index, "seed": planned.seed, "key": trial_key(planned.identity),
                              "identity": planned.identity})
    return {"report": plan.report.id, "table": plan.table.name, "profile": plan.profile,
            "trials_per_row": plan.trials_per_row, "protocol_trials": plan.protocol_trials, "rows": list(rows.values())}


def describe_plan(plan) -> str:
    """What `config` prints of a plan: the table, then per row its merged configuration (the keys
    it shares with every row once, above) and its trials' seeds and store keys."""
    document = plan_document(plan)
    configs = [row["config"] for row in document["rows"]]
    shared = {k: v for k, v in configs[0].items() if all(k in c and c[k] == v for c in configs)} if configs else {}

    def settings(config):
        return ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(config.items())) or "(none)"

    trials = document["trials_per_row"]
    lines = [f"{plan.report.id}/{plan.table.name}: profile {plan.profile}, {trials} trial(s) per row "
             f"(the profile asks for {plan.protocol_trials})",
             f"  every row: {settings(shared)}"]
    for row in document["rows"]:
        own = {k: v for k, v in row["config"].items() if k not in shared}
        lines.append(f"  {row['row']}: {settings(own)}")
        lines.append("    trials: " + ", ".join(f"seed {t['seed']} -> {t['key']}" for t in row["trials"]))
    return "\n".join(lines)


def config_command(args, context: Context) -> int:
    options = run_options(args)
    tables = [(report, table) for report in reports(args, context) for table in select(report, args.tables)]
    for report, table in tables:
        checked_overrides(report, table, options)
    plans = [plan_table(report, table, options) for report, table in tables]
    if args.json:
        print(json.dumps([plan_document(plan) for plan in plans], indent=2, default=str))
    else:
        print("\n\n".join(describe_plan(plan) for plan in plans))
    return 0
