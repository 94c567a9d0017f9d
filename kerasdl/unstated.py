"""The footnotes a table prints for the choices its report leaves unstated.

A report declares those choices as data (`kerasdl.runner.Choice`: the setting, the value its tables
use and the other candidates, each with one line saying why); `note` turns the declaration into
a footnote of each table that reads it (`Report.notes_of`), so what was chosen and why is written
once, in the declaration.
"""

from __future__ import annotations

from typing import Any


def value_text(value: Any) -> str:
    """A candidate's value as `--set key=VALUE` takes it: strings bare, numbers as Python writes them."""
    return value if isinstance(value, str) else repr(value)


def why_text(candidate) -> str:
    """A candidate's why, with its source where it has one."""
    return f"{candidate.why} (source: {candidate.source})" if candidate.source else candidate.why


def note(choice) -> str:
    """One footnote for `choice`: its default with why, then the other candidates with theirs."""
    default = choice.default
    text = f"Unstated, chosen here: {choice.title} `{choice.key}={value_text(default.value)}`: {why_text(default)}."
    if choice.alternatives:
        others = "; ".join(f"`{value_text(c.value)}`: {why_text(c)}" for c in choice.alternatives)
        text += f" Other candidates (`kerasdl sensitivity` runs them): {others}."
    return text


__all__ = ["note", "value_text", "why_text"]
