"""The training-curves figure every trained table gets: one line per row, the mean over its
trials of one per-epoch history entry, with the spread over trials shaded (drawn without pyplot,
so the user's matplotlib backend is left alone); and `row_curves`, the same for a chosen group of
rows, one figure per curve."""

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


CURVES = (("accuracy", "training accuracy"), ("val_accuracy", "test accuracy"))


def row_curves(name: str, rows: Sequence[str], title: str, curves: Sequence[tuple[str, str]] = CURVES):
    """A table figure maker (`Table.figures`): for the rows `rows` only, one figure per
    `(history entry, label)` of `curves`, `<table>_<name>_<entry>.png`; e.g. report
    `convnet_tricks`' Figures 2.1-2.4, training and test accuracy per epoch of Tanh vs ReLU."""

    def make(summary, histories, folder):
        chosen = {row: histories[row] for row in rows if row in histories}
        paths = []
        for curve, label in curves:
            path = training_curves(
                f"{title}: {label} ({summary['profile']})", curve, chosen, Path(folder) / f"{summary['table']}_{name}_{curve}.png"
            )
            if path is not None:
                paths.append(path)
        return paths

    return make
