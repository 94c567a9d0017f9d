"""What the training-throughput benchmarks (`q6_train`, `paper_train`) share: one network trained
through the kerasdl runner, through a plain `model.fit` script, and through a plain PyTorch loop,
each returning its epochs' wall times."""

from __future__ import annotations

import tempfile
import time

import numpy as np

from benchmarks import common

RUNNER, BASE, TORCH = "runner (kerasdl.runner.fit)", "model.fit, arrays (Keras defaults)", "torch loop"
VARIANTS = (RUNNER, BASE)


def images(n, shape, seed=0):
    """`n` random uint8 images of `shape` and labels of 10 classes."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, *shape), dtype=np.uint8), rng.integers(0, 10, n).astype("int64")


def plain_fit(build, x, y, epochs, batch):
    """The minimal script: `build()` (a compiled model), `model.fit` on the arrays (Keras's
    defaults: one batch per call of the compiled step, no op determinism)."""
    import keras
    from tensorflow.python.framework import config as tf_config

    tf_config.disable_op_determinism()  # a plain script has none; the runner turns it on per trial
    keras.utils.set_random_seed(0)
    model = build()
    timer = common.epoch_timer()
    model.fit(x.astype("float32") / 255.0, y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[timer])
    keras.backend.clear_session()
    return timer.times


def runner_fit(build, x, y, epochs, batch):
    """The kerasdl runner: a one-row table whose trial fits `build()` with `kerasdl.runner.fit`,
    as the reports' trials do."""
    from kerasdl.runner import Report, Row, RunOptions, Table, TrialResult, fit, run_table

    timer = common.epoch_timer()

    def trial_fn(trial):
        fit(trial, build(), x.astype("float32") / 255.0, y, callbacks=[timer])
        return TrialResult(metrics={"epoch_s": float(np.median(timer.times[1:]))})

    settings = {"epochs": epochs, "trials": 1, "batch_size": batch}
    table = Table("train", "training time", ["epoch_s"], [Row("network", {"epoch_s": None})], run=trial_fn)
    report = Report("bench", "benchmark", "benchmarks/training.py", [table],
                    {"smoke": settings, "fast": settings, "paper": settings})
    with tempfile.TemporaryDirectory() as out:
        run_table(report, table, RunOptions("fast", out=out, quiet=True), echo=None)
    return timer.times


def tf_times(build, x, y, epochs, batch) -> dict[str, list[float]]:
    """Each TensorFlow variant's epoch times, the runner first."""
    return {RUNNER: runner_fit(build, x, y, epochs, batch), BASE: plain_fit(build, x, y, epochs, batch)}


def torch_loop(model, optimizer, loss_fn, x, y, epochs, batch, torch, scale=lambda t: t / 255.0):
    """A plain PyTorch loop: reshuffled batches of in-memory NCHW tensors (`scale` of the uint8
    images), `loss_fn(model(x), y)`, backward, step; the epochs' wall times."""
    xt = scale(torch.from_numpy(x.transpose(0, 3, 1, 2).astype("float32")))
    yt = torch.from_numpy(y)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(yt))
        for i in range(0, len(yt), batch):
            idx = order[i : i + batch]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xt[idx]), yt[idx]).backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def timed_rounds(cases, settings, rounds, tf_round, tf_args, torch, torch_times):
    """Each oneDNN setting's fresh process runs `tf_round(*tf_args)` (`{(case, variant): epoch
    times}`), then, when PyTorch is installed, `torch_times(case)` runs each case's loop here;
    `rounds` times, so that a change in the machine's load spreads over them all. Returns the
    timed epochs (the first of each run left out) as `(times[setting][case, variant],
    torch_times[case], {setting: oneDNN on?}, notes on the processes)`."""
    times = {setting: {} for setting in settings}
    peer_times = {case: [] for case in cases}
    with common.onednn_workers(settings) as workers:
        for _ in range(rounds):
            for setting, worker in workers.items():
                for key, ts in worker.call(tf_round, *tf_args).items():
                    times[setting].setdefault(key, []).extend(ts[1:])
            if torch is not None:
                for case in cases:
                    peer_times[case] += torch_times(case)[1:]
        onednn = {setting: worker.enabled for setting, worker in workers.items()}
        return times, peer_times, onednn, common.onednn_notes(workers)


def rows_and_targets(cases, settings, onednn, times, torch_times, n):
    """The table's rows (per case: each oneDNN setting's variants, then the torch loop) and the
    target `runner throughput / torch loop >= 1.0` per case and setting. `times[setting][case,
    variant]` and `torch_times[case]` hold the timed epochs."""
    rows, targets = [], []
    for case in cases:
        peer = common.median(torch_times[case]) if torch_times.get(case) else None
        for setting in settings:
            label = common.onednn_label(onednn[setting])
            for variant in VARIANTS:
                s = common.median(times[setting][case, variant])
                rows.append({"network": case, "oneDNN": label, "variant": variant, "epoch_s": s,
                             "p25-p75 s": common.quartiles(times[setting][case, variant]),
                             "samples_per_s": n[case] / s, "throughput vs torch": peer / s if peer else None})
            runner = common.median(times[setting][case, RUNNER])
            targets.append(common.target(f"[{case}, oneDNN {label}] kerasdl runner throughput / torch loop >= 1.0",
                                         peer / runner if peer else None, lambda r: r >= 1.0))
        if peer is not None:
            rows.append({"network": case, "oneDNN": None, "variant": TORCH, "epoch_s": peer,
                         "p25-p75 s": common.quartiles(torch_times[case]), "samples_per_s": n[case] / peer,
                         "throughput vs torch": 1.0})
    return rows, targets


def notes(data, rounds, epochs, onednn_notes, torch, peer, echo) -> list[str]:
    """The table's notes: `data` (what was trained), the rounds, how the processes were made, what
    the runner and model.fit rows do, and `peer` (the torch loop) or that PyTorch is missing."""
    lines = [
        f"{data}; {rounds} round(s) of {epochs} epochs per variant, first epoch of each run left out; TensorFlow on "
        "all cores",
        *onednn_notes,
        "the runner: kerasdl.runner.fit inside a one-row table (op determinism, steps_per_execution as the runner "
        "sets them); model.fit: Keras's defaults, op determinism off",
    ]
    if torch is None:
        echo(common.TORCH_MISSING)
        return lines + [common.TORCH_MISSING]
    return lines + [f"torch: 2 threads (torch.set_num_threads(2)), {peer}, NCHW tensors in memory"]


def raw_times(settings, times, torch_times):
    raw = {f"oneDNN {s}": {f"{case}: {variant}": [round(t, 4) for t in ts] for (case, variant), ts in times[s].items()}
           for s in settings}
    raw["torch"] = {case: [round(t, 4) for t in ts] for case, ts in torch_times.items()}
    return {"epoch_s": raw}


COLUMNS = ["network", "oneDNN", "variant", "epoch_s", "p25-p75 s", "samples_per_s", "throughput vs torch"]
