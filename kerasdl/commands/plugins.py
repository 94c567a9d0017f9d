"""Commands that installed distributions add under the `kerasdl.commands` entry points, each a
`main(argv, prog) -> exit status` (kerasdl's own: `tune`, from `tuning`); `kerasdl NAME ARGS`
hands them ARGS as they are."""

from __future__ import annotations

import argparse
from importlib import metadata

from kerasdl.commands.arguments import Context

GROUP = "kerasdl.commands"


def plugin_commands() -> dict[str, metadata.EntryPoint]:
    return {entry.name: entry for entry in metadata.entry_points(group=GROUP)}


def add(commands, context: Context) -> None:
    for name, entry in plugin_commands().items():
        if name in commands.choices:
            continue  # kerasdl's own commands come first
        c = commands.add_parser(name, help=f"see `{context.prog} {name} --help`", add_help=False)
        c.add_argument("rest", nargs=argparse.REMAINDER)
        c.set_defaults(func=lambda args, context, entry=entry: entry.load()(args.rest, prog=f"{context.prog} {args.command}"))
