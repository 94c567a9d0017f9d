"""`kerasdl compare A B`: two results folders cell by cell (`kerasdl.runner.compare`)."""

from __future__ import annotations

from kerasdl.commands.arguments import Context


def add(commands, context: Context) -> None:
    c = commands.add_parser("compare", help="compare two results folders cell by cell (exit 0: same within the verdict rule, 1: differs)")
    c.add_argument("a", help="results folder A (e.g. reference/fast)")
    c.add_argument("b", help="results folder B, judged against A")
    c.set_defaults(func=compare_command, where="compare")


def compare_command(args, context: Context) -> int:
    from kerasdl.runner import compare

    return compare.main(args.a, args.b, prog=context.prog)
