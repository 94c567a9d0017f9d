"""The command line of `python -m benchmarks`: bad arguments print one line and exit with status 2,
as `python -m reproduce` does (the same argument helpers)."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from benchmarks import DEFAULT, NAMES
from kerasdl.commands.arguments import UsageError, Parser, data_folder, out_folder, positive_int


def jobs(text: str) -> str:
    """`--jobs`: a positive integer or `auto`, passed on as written to `python -m reproduce`."""
    if text == "auto":
        return text
    try:
        return str(positive_int(text))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'auto', got {text!r}") from None


def parser() -> Parser:
    p = Parser(prog="benchmarks", description="Run kerasdl's benchmarks; print and write their tables.")
    p.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(NAMES)} (default: all but suite)")
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repetition (tests)")
    p.add_argument("--repeats", type=positive_int, default=20, help="timed repetitions per figure (default 20)")
    p.add_argument("--epochs", type=positive_int, default=4, help="lenet5_train, q6_train, paper_train: epochs per variant, the first untimed (default 4)")
    p.add_argument("--onednn", choices=("off", "on", "both"), default="both",
                   help="lenet5_train, q6_train, paper_train, lppool: TensorFlow with oneDNN off, on, or both, each in a fresh process "
                        "(TF_ENABLE_ONEDNN_OPTS=0/1; default both); the other benchmarks run in this process, "
                        "as its environment has it")
    p.add_argument("--out", type=out_folder, default="results/benchmarks", help="JSON folder (default results/benchmarks/)")
    p.add_argument("--reports", help="suite: comma-separated report ids (default: all)")
    p.add_argument("--profile", default="fast", help="suite: the reproduce profile (default fast)")
    p.add_argument("--data-dir", type=data_folder, help="suite: the reproduce --data-dir")
    p.add_argument("--jobs", type=jobs, metavar="N|auto", help="suite: the reproduce --jobs (default: not passed)")
    return p


def main(argv: Sequence[str] | None = None, echo=print) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(argv)
        for name in args.names:
            if name not in NAMES:
                raise UsageError(f"unknown benchmark {name!r}; choose from: {', '.join(NAMES)}")
        if args.epochs < 2:
            raise UsageError("--epochs must be at least 2 (the first epoch is not timed)")
        from benchmarks import suite

        suite.check_args(args)
    except UsageError as error:
        print(f"benchmarks: {error}", file=sys.stderr)
        return 2
    from benchmarks import common

    common.COMMAND[0] = " ".join(["python -m benchmarks", *argv])
    for name in args.names or DEFAULT:
        importlib.import_module(f"benchmarks.{name}").run(args, echo=echo)
    return 0
