"""The command line of `python -m tuning`.

    python -m tuning list
    python -m tuning SEARCH [--tuner random|hyperband|bayesian] [--max-trials N] [--profile P]
                     [--data-dir DIR] [--out DIR] [--seed S] [--resume] [--quiet]
                     [--workers N [--timeout S]] [--tensorboard DIR]

Bad arguments print one line naming the problem and the valid choices, and exit with status 2;
so do missing data and a `--resume` of a search whose space or settings have changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from kerasdl.data import DataError
from kerasdl.commands.arguments import Parser, UsageError, add_common_options, check_profile, out_folder, positive_int
from kerasdl.runner.spec import PROFILES
from tuning import distributed
from tuning.run import SearchChanged, run_search
from tuning.searches import SEARCHES
from tuning.tuners import TUNERS


def parser(prog: str = "tuning") -> argparse.ArgumentParser:
    p = Parser(prog=prog, description="KerasTuner searches of report classifiers' hyperparameters.")
    p.add_argument("search", help="a search name, or 'list'")
    p.add_argument("--tuner", default="random", help=f"one of {', '.join(TUNERS)} (default random)")
    p.add_argument("--max-trials", type=positive_int, help="trials to run (default: the profile's; not for hyperband)")
    add_common_options(p, out="results/tuning", seed_help="seed of the tuner and of the weights (default 0)",
                       quiet_help="print only the summary")
    p.add_argument("--resume", action="store_true", help="continue the search saved under --out (default: start fresh)")
    p.add_argument("--workers", type=positive_int, help="run as a chief and N workers on this machine (KerasTuner's distributed mode)")
    p.add_argument("--timeout", type=positive_int, help="with --workers: stop every process after S seconds")
    p.add_argument(
        "--tensorboard", type=out_folder, metavar="DIR",
        help="also write TensorBoard logs with HParams, per trial, to DIR/SEARCH/ (KerasTuner's own hook)",
    )
    return p


def describe() -> str:
    lines = []
    for search in SEARCHES.values():
        lines.append(f"{search.name}: {search.title}  [table classifiers/{search.table.name}]")
        for hp in search.space().space:
            values = ", ".join(map(str, hp.values))
            lines.append(f"  {hp.name}: {values}  (report's choice: {search.report_choice[hp.name]})")
    lines.append(f"Tuners: {', '.join(TUNERS)}. Profiles: {', '.join(PROFILES)}.")
    return "\n".join(lines)


def _check(args) -> None:
    if args.search != "list" and args.search not in SEARCHES:
        raise UsageError(f"unknown search {args.search!r}; choose from: list, {', '.join(SEARCHES)}")
    if args.tuner not in TUNERS:
        raise UsageError(f"unknown tuner {args.tuner!r}; choose from: {', '.join(TUNERS)}")
    check_profile(args.profile)
    if args.tuner == "hyperband" and args.max_trials:
        raise UsageError("--max-trials does not apply to hyperband: its budget is the profile's epochs (max_epochs) and factor 3")
    if args.timeout and not args.workers:
        raise UsageError("--timeout applies to --workers only")
    if args.workers and distributed.role():
        raise UsageError("--workers starts its own chief and workers: unset KERASTUNER_ORACLE_IP / KERASTUNER_TUNER_ID")


def _child_args(args) -> list[str]:
    """The command every process of a local distributed search runs (without --workers)."""
    argv = [args.search, "--tuner", args.tuner, "--profile", args.profile, "--out", args.out, "--seed", str(args.seed)]
    if args.data_dir:
        argv += ["--data-dir", args.data_dir]
    if args.max_trials:
        argv += ["--max-trials", str(args.max_trials)]
    if args.resume:
        argv.append("--resume")
    if args.tensorboard:
        argv += ["--tensorboard", args.tensorboard]
    return argv


def _launch(args, prog: str) -> int:
    from tuning import results

    folder = Path(args.out) / args.search
    (folder / "summary.json").unlink(missing_ok=True)
    echo = (lambda *_: None) if args.quiet else print
    try:
        distributed.launch(_child_args(args), args.workers, folder, timeout=args.timeout, echo=echo)
    except distributed.LaunchError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return error.code
    print(results.format_text(json.loads((folder / "summary.json").read_text())))
    return 0


def main(argv: Sequence[str] | None = None, prog: str = "tuning") -> int:
    """`python -m tuning ARGS`, also `kerasdl tune ARGS` (`prog` names it in messages)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser(prog).parse_args(argv)
        _check(args)
    except UsageError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    if args.search == "list":
        print(describe())
        return 0
    if args.workers:
        return _launch(args, prog)
    try:
        run_search(
            SEARCHES[args.search],
            tuner=args.tuner,
            profile=args.profile,
            max_trials=args.max_trials,
            data_dir=args.data_dir,
            out=args.out,
            seed=args.seed,
            resume=args.resume,
            quiet=args.quiet,
            tensorboard=args.tensorboard,
        )
    except (DataError, SearchChanged) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"\n{prog}: interrupted; finished trials are saved under {Path(args.out) / args.search}/, "
            "add --resume to the same command to continue",
            file=sys.stderr,
        )
        return 130
    return 0
