"""`q6_train`: samples per second training report `classifiers`' two q6 CIFAR-10 networks (the
course's `vgg.py` given CNN and the report's printed one) as q6 trains them, batch 100, Adam 1e-3:
through the kerasdl runner, a plain `model.fit` script and a plain PyTorch loop of the same network
(`vgg.py`'s own training loop).

    python -m benchmarks q6_train [--quick] [--epochs E] [--onednn off|on|both]

As in `lenet5_train`, the TensorFlow variants run with oneDNN off and on, each setting in its own
fresh process, and the PyTorch loop once in the invoking process; variants take turns in rounds and
per-epoch times pool over rounds, the first epoch of each run (tracing, warm-up) left out.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np

from benchmarks import common

N_TRAIN, QUICK_N_TRAIN = 2_000, 200
ROUNDS = 2
BATCH = 100
NETWORKS = ("cifar_given", "cifar_wider")
RUNNER, BASE, TORCH = "runner (kerasdl.runner.fit)", "model.fit, arrays (Keras defaults)", "torch loop (vgg.py's)"


def data(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, n).astype("int64")


def config(network):
    """q6's settings for `network` at `paper`, as its trials get them."""
    from reproduce import classifiers

    return {**classifiers.REPORT.settings(classifiers.q6, "paper"), "model": network}


def build(network):
    """The table's own builder: the network, compiled with q6's loss and Adam."""
    from reproduce import classifiers

    return classifiers.build_model(config(network), (32, 32, 3), 10)


def plain_fit(network, x, y, epochs):
    """The minimal script: build, compile, `model.fit` on the arrays (Keras's defaults)."""
    import keras
    from tensorflow.python.framework import config as tf_config

    tf_config.disable_op_determinism()  # a plain script has none; the runner turns it on per trial
    keras.utils.set_random_seed(0)
    model = build(network)
    timer = common.epoch_timer()
    model.fit(x.astype("float32") / 255.0, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[timer])
    keras.backend.clear_session()
    return timer.times


def runner_fit(network, x, y, epochs):
    """The kerasdl runner: a one-row table whose trial fits the network with `kerasdl.runner.fit`,
    as `reproduce.classifiers.run` does."""
    from kerasdl.runner import Report, Row, RunOptions, Table, TrialResult, fit, run_table

    timer = common.epoch_timer()

    def trial_fn(trial):
        fit(trial, build(network), x.astype("float32") / 255.0, y, callbacks=[timer])
        return TrialResult(metrics={"epoch_s": float(np.median(timer.times[1:]))})

    settings = {"epochs": epochs, "trials": 1, "batch_size": BATCH}
    table = Table("q6_train", "q6 training time", ["epoch_s"], [Row(network, {"epoch_s": None})], run=trial_fn)
    report = Report("bench", "benchmark", "benchmarks/q6_train.py", [table],
                    {"smoke": settings, "fast": settings, "paper": settings})
    with tempfile.TemporaryDirectory() as out:
        run_table(report, table, RunOptions("fast", out=out, quiet=True), echo=None)
    return timer.times


def torch_model(torch, network):
    """The network in torch.nn, as `reproduce.classifiers.cifar_cnn` builds it, PyTorch's default
    initialisation, giving logits (CrossEntropyLoss: the Keras model's softmax + cross-entropy)."""
    from reproduce import classifiers

    nn = torch.nn
    stages = classifiers.GIVEN_CIFAR_CNN if network == "cifar_given" else classifiers.PRINTED_CIFAR_CNN
    layers, channels = [], 3
    for stage in stages:
        for filters, relu in stage:
            layers += [nn.Conv2d(channels, filters, 3, padding=1)] + ([nn.ReLU()] if relu else [])
            channels = filters
        layers.append(nn.MaxPool2d(2))
    units, relu = classifiers.CIFAR_HEADS[network]
    layers += [nn.Flatten(), nn.Linear(channels, units)] + ([nn.ReLU()] if relu else []) + [nn.Linear(units, 10)]
    return nn.Sequential(*layers)


def torch_loop(network, x, y, epochs, torch):
    """vgg.py's loop: reshuffled batches of 100, Adam 1e-3 (eps 1e-8), CrossEntropyLoss;
    inputs (x/255 - 0.5) / 0.5, in-memory NCHW tensors."""
    torch.manual_seed(0)
    model = torch_model(torch, network)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy((x.transpose(0, 3, 1, 2).astype("float32") / 255.0 - 0.5) / 0.5)
    yt = torch.from_numpy(y)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(yt))
        for i in range(0, len(yt), BATCH):
            idx = order[i : i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def tf_round(n, epochs) -> dict[tuple[str, str], list[float]]:
    """One round in a oneDNN setting's worker process: per network, the runner then model.fit."""
    x, y = data(n)
    times = {}
    for network in NETWORKS:
        times[network, RUNNER] = runner_fit(network, x, y, epochs)
        times[network, BASE] = plain_fit(network, x, y, epochs)
    return times


def run(args, echo=print) -> dict:
    n = QUICK_N_TRAIN if args.quick else N_TRAIN
    epochs = 2 if args.quick else args.epochs
    rounds = 1 if args.quick else ROUNDS
    settings = common.onednn_settings(args.onednn)
    x, y = data(n)
    torch = common.torch_or_none()
    times = {setting: {} for setting in settings}
    torch_times = {network: [] for network in NETWORKS}
    with common.onednn_workers(settings) as workers:
        for _ in range(rounds):
            for setting, worker in workers.items():
                for key, ts in worker.call(tf_round, n, epochs).items():
                    times[setting].setdefault(key, []).extend(ts[1:])
            if torch is not None:
                for network in NETWORKS:
                    torch_times[network] += torch_loop(network, x, y, epochs, torch)[1:]
        onednn = {setting: worker.enabled for setting, worker in workers.items()}
        onednn_notes = common.onednn_notes(workers)
    rows, targets = [], []
    for network in NETWORKS:
        peer = common.median(torch_times[network]) if torch_times[network] else None
        for setting in settings:
            label = common.onednn_label(onednn[setting])
            for variant in (RUNNER, BASE):
                s = common.median(times[setting][network, variant])
                rows.append({"network": network, "oneDNN": label, "variant": variant, "epoch_s": s,
                             "p25-p75 s": common.quartiles(times[setting][network, variant]),
                             "samples_per_s": n / s, "throughput vs torch": peer / s if peer else None})
            runner = common.median(times[setting][network, RUNNER])
            targets.append(common.target(f"[{network}, oneDNN {label}] kerasdl runner throughput / torch loop >= 1.0",
                                         peer / runner if peer else None, lambda r: r >= 1.0))
        if peer is not None:
            rows.append({"network": network, "oneDNN": None, "variant": TORCH, "epoch_s": peer,
                         "p25-p75 s": common.quartiles(torch_times[network]), "samples_per_s": n / peer,
                         "throughput vs torch": 1.0})
    notes = [
        f"{n} random uint8 32x32x3 images, 10 classes, batch {BATCH}, Adam(1e-3, eps 1e-8); the networks of "
        "reproduce.classifiers (q6's builder and settings, PyTorch's initialisation); "
        f"{rounds} round(s) of {epochs} epochs per variant, first epoch of each run left out; TensorFlow on all cores",
        *onednn_notes,
        "the runner: kerasdl.runner.fit inside a one-row table (op determinism, steps_per_execution as the runner "
        "sets them); model.fit: Keras's defaults, op determinism off",
    ]
    if torch is None:
        notes.append(common.TORCH_MISSING)
        echo(common.TORCH_MISSING)
    else:
        notes.append("torch: 2 threads (torch.set_num_threads(2)), the same layers, NCHW tensors in memory")
    raw = {"epoch_s": {f"oneDNN {s}": {f"{network}: {variant}": [round(t, 4) for t in ts]
                                       for (network, variant), ts in times[s].items()} for s in settings}}
    raw["epoch_s"]["torch"] = {network: [round(t, 4) for t in ts] for network, ts in torch_times.items()}
    return common.report("q6_train", ["network", "oneDNN", "variant", "epoch_s", "p25-p75 s", "samples_per_s",
                                      "throughput vs torch"], rows, args.out,
                         settings={"n_train": n, "epochs": epochs, "rounds": rounds, "batch_size": BATCH,
                                   "onednn": settings},
                         notes=notes, targets=targets, raw=raw, onednn=onednn, echo=echo)
