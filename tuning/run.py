"""Run one search: its data and validation tenth, a fresh (or checked, resumed) KerasTuner
project, the search itself (alone, or as the chief or a worker of a distributed search), and its
summary.

KerasTuner reloads an existing project of the same name without a word (`overwrite=False`), even
when the code's search space has changed since: the space then silently stays the old one. Here a
search starts fresh unless asked to resume, and a resumed search must have been run with the same
space, tuner, settings, data and seed (kept in `<project>/search.json`), or it is refused.

With `tensorboard=DIR`, the search passes a `keras.callbacks.TensorBoard(DIR/<search>)` to
`tuner.search`: KerasTuner itself (`Tuner._configure_tensorboard_dir`) moves its logs to
`DIR/<search>/<trial>/execution<n>/` and adds TensorBoard's HParams callback with the trial's
hyperparameters, so TensorBoard's HParams dashboard lists every trial.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import keras
import keras_tuner as kt

from kerasdl.runner.plan import data_signature, load_table_data
from kerasdl.runner.store import write_json_atomic
from reproduce import classifiers
from tuning import distributed, results
from tuning.tuners import make_tuner

PROJECT = "project"
IDENTITY = "search.json"


class SearchChanged(Exception):
    """`--resume` found a project run with another space or settings; the message is one line."""


def identity(search, tuner, settings, space, dataset, seed) -> dict:
    """What a resumed project must share with the command resuming it (not the trial count:
    resuming with a larger `--max-trials` extends a search)."""
    return json.loads(
        json.dumps(
            {
                "search": search.name,
                "tuner": tuner,
                "space": [p.get_config() for p in space.space],
                "settings": {k: v for k, v in settings.items() if k != "max_trials"},
                "data": data_signature(dataset),
                "seed": seed,
            }
        )
    )


def _differences(old: dict, new: dict) -> list[str]:
    changed = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    if "settings" in changed:
        a, b = old.get("settings", {}), new.get("settings", {})
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        changed[changed.index("settings")] = f"settings ({', '.join(keys)})"
    return changed


def prepare_project(project: Path, wanted: dict, resume: bool, role: str | None) -> str:
    """Start `project` fresh, or check that the one there may be resumed; says which it did.

    Workers of a distributed search leave it alone: their chief decides.
    """
    if role == "worker":
        return "joined"
    saved = project / IDENTITY
    if resume and project.exists():
        if not saved.exists():
            raise SearchChanged(
                f"{project} holds no {IDENTITY}, so it cannot be checked; run without --resume to start fresh"
            )
        old = json.loads(saved.read_text())
        if old != wanted:
            raise SearchChanged(
                f"the search saved in {project} differs from this one in: "
                f"{', '.join(_differences(old, wanted))}; run without --resume to start it again"
            )
        return "resumed"
    if project.exists():
        shutil.rmtree(project)
    write_json_atomic(saved, wanted)
    return "fresh"


def tensorboard_folder(tensorboard, search_name: str, fresh: bool) -> Path:
    """`tensorboard/<search>`; when the search starts fresh, the trial logs of an earlier search
    there (KerasTuner's `<trial id>/execution<n>/` folders) are removed, so that TensorBoard does not
    show two trials under one id. Nothing else in the folder is touched."""
    folder = Path(tensorboard) / search_name
    if fresh and folder.is_dir():
        for trial in folder.iterdir():
            runs = list(trial.iterdir()) if trial.is_dir() and trial.name.isdigit() else []
            if runs and all(r.is_dir() and r.name.startswith("execution") for r in runs):
                shutil.rmtree(trial)
    return folder


def run_search(
    search,
    *,
    tuner: str = "random",
    profile: str = "fast",
    max_trials: int | None = None,
    data_dir: str | None = None,
    out="results/tuning",
    seed: int = 0,
    resume: bool = False,
    quiet: bool = False,
    tensorboard=None,
    echo=print,
) -> dict | None:
    """Run (or resume, or join as a worker) `search`; returns its summary (None on a worker).

    The summary is also written to `<out>/<search>/summary.json`, with the plot
    `val_accuracy.png` beside it, and printed through `echo`. With `tensorboard`, a folder,
    TensorBoard logs with HParams go to `tensorboard/<search>/` (see the module's docstring).

    Raises:
        DataError: the data set cannot be found.
        SearchChanged: `resume` found a project run with another space or settings.
    """
    start = time.perf_counter()
    settings = search.settings(profile)
    dataset = load_table_data(search.table.data, settings, data_dir)
    (x_train, y_train), validation, _ = classifiers.splits(settings, dataset)
    hypermodel = search.hypermodel(settings, dataset.image_shape, dataset.num_classes)
    space = kt.HyperParameters()
    hypermodel.build(space)
    keras.backend.clear_session()
    trials = max_trials or settings["max_trials"] or search.size()
    folder = Path(out) / search.name
    role = distributed.role()
    state = prepare_project(folder / PROJECT, identity(search, tuner, settings, space, dataset, seed), resume, role)
    if not quiet:
        budget = f"max_epochs {settings['epochs']}" if tuner == "hyperband" else f"{trials} trials"
        where = {None: "", "chief": " as the chief", "worker": f" as worker {distributed.tuner_id()}"}[role]
        echo(f"tuning / {search.name}: {tuner} search, {budget}, {state}{where}; project {folder / PROJECT}")
    callbacks = []
    logs = None
    if tensorboard is not None:
        logs = tensorboard_folder(tensorboard, search.name, fresh=state == "fresh")
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(logs)))
        if not quiet:
            echo(f"tuning / {search.name}: TensorBoard logs with HParams in {logs}/ (tensorboard --logdir {tensorboard})")

    keras.utils.set_random_seed(seed)
    tuner_ = make_tuner(
        tuner, hypermodel, max_trials=trials, epochs=settings["epochs"], seed=seed,
        directory=folder, project_name=PROJECT,
    )
    if role == "worker":
        distributed.wait_for_peers()
    with distributed.stoppable(role):
        tuner_.search(
            x_train, y_train, validation_data=validation, epochs=settings["epochs"],
            batch_size=settings["batch_size"], verbose=0 if quiet else 2, callbacks=callbacks,
        )
    trials_done = results.read_trials(folder / PROJECT)
    if role == "worker":
        mine = [t["trial_id"] for t in trials_done if distributed.tuner_id() in t["ran_by"]]
        echo(f"{distributed.tuner_id()}: ran trials {', '.join(mine) or 'none'}")
        return None
    summary = results.summarize(
        search,
        trials_done,
        data_dir=data_dir,
        tuner=tuner,
        profile=profile,
        max_trials=None if tuner == "hyperband" else trials,
        seed=seed,
        space={p.name: list(p.values) for p in space.space},
        distributed=role == "chief",
        settings=settings,
        data={"source": dataset.source, "train": len(y_train), "validation": len(validation[1])},
        tensorboard=None if logs is None else str(logs),
        elapsed_s=time.perf_counter() - start,
    )
    results.write(summary, folder)
    echo(results.format_text(summary))
    return summary
