"""The training-curves figure every trained table gets: one line per row, the mean over its
trials of one per-epoch history entry, with the spread over trials shaded (drawn without pyplot,
so the user's matplotlib backend is left alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from matplotlib.figure import Figure

from kerasdl.figures import plot_over_trials, save


def training_curves(
    title: str, curve: str, histories: Mapping[str, Sequence[Mapping[str, list]]], path: Path
) -> Path | None:
    """Plot `curve` (e.g. `val_accuracy`) per row; `histories[row]` lists the trials' histories."""
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    drawn = False
    for row, trials in histories.items():
        series = [h[curve] for h in trials if h.get(curve)]
        if not series:
            continue
        plot_over_trials(ax, series, label=row, band_alpha=0.15)
        drawn = True
    if not drawn:
        return None
    ax.set_xlabel("epoch")
    ax.set_ylabel(curve)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path)
