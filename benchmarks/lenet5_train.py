"""`lenet5_train`: samples per second training LeNet-5 (report `lenet5`) on MNIST-shaped data,
batch 128, SGD momentum 0.9 Nesterov, through the kerasdl runner, a plain `model.fit` script and
an equivalent PyTorch loop; with and without XLA (`jit_compile`), from in-memory arrays or a
`tf.data` pipeline with cache and prefetch, one batch or `STEPS_PER_EXECUTION` batches per call
of the compiled step, with and without op determinism.

    python -m benchmarks lenet5_train [--quick] [--epochs E] [--onednn off|on|both]

The TensorFlow variants run with oneDNN off and on (`--onednn`), each setting in its own fresh
process (TF_ENABLE_ONEDNN_OPTS must be set before TensorFlow is imported); the PyTorch loop runs
once, in the invoking process. Variants run in rounds (each setting's variants once per round,
then the torch loop) so that a change in the machine's load spreads over all of them; per-epoch
times pool over rounds, the first epoch of each run (tracing, warm-up) left out. `lenet5_ops`
shows where a step's time goes.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np

from benchmarks import common

N_TRAIN, QUICK_N_TRAIN = 12_800, 256
# The machine's speed drifts by +-20 % over seconds (other tenants): more, shorter runs per
# variant, taken in turns, keep the medians comparable.
ROUNDS = 4
RUNNER_SETTINGS = "model.fit, arrays, the runner's settings (steps_per_execution, op determinism)"
BATCH = 128
LR = 0.01


def data(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8), rng.integers(0, 10, n).astype("int64")


def build_lenet5():
    """The report's builder (`reproduce.lenet5.build_lenet5`, its defaults: He init, no penalty)."""
    from reproduce.lenet5 import build_lenet5 as build

    return build((28, 28, 1), 10)


def compiled(jit, steps_per_execution=1):
    import keras

    model = build_lenet5()
    model.compile(
        optimizer=keras.optimizers.SGD(LR, momentum=0.9, nesterov=True),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        jit_compile=jit,
        steps_per_execution=steps_per_execution,
    )
    return model


def _no_determinism():
    # The runner enables op determinism process-wide in every trial; a plain script does not.
    from tensorflow.python.framework import config

    config.disable_op_determinism()


def plain_fit(x, y, epochs, jit, pipeline, determinism=False, steps_per_execution=1):
    """The minimal script: build, compile, `model.fit` (arrays, or a tf.data pipeline)."""
    import keras
    import tensorflow as tf

    if determinism:
        tf.config.experimental.enable_op_determinism()
    else:
        _no_determinism()
    keras.utils.set_random_seed(0)
    model = compiled(jit, steps_per_execution)
    timer = common.epoch_timer()
    if pipeline == "arrays":
        model.fit(x.astype("float32") / 255.0, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[timer])
    else:
        ds = (
            tf.data.Dataset.from_tensor_slices((x, y))
            .map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b), num_parallel_calls=tf.data.AUTOTUNE)
            .cache()
            .shuffle(len(y))
            .batch(BATCH)
            .prefetch(tf.data.AUTOTUNE)
        )
        model.fit(ds, epochs=epochs, verbose=0, callbacks=[timer], shuffle=False)
    keras.backend.clear_session()
    return timer.times


def runner_fit(x, y, epochs, steps_per_execution=None):
    """The kerasdl runner: a one-row table whose trial fits LeNet-5 with `kerasdl.runner.fit`
    (the runner's `STEPS_PER_EXECUTION` unless another count is given)."""
    from kerasdl.runner.fit import STEPS_PER_EXECUTION
    from kerasdl.runner import Report, Row, RunOptions, Table, TrialResult, fit, run_table

    timer = common.epoch_timer()

    def trial_fn(trial):
        model = compiled(False)
        fit(trial, model, x.astype("float32") / 255.0, y, callbacks=[timer],
            steps_per_execution=steps_per_execution or STEPS_PER_EXECUTION)
        return TrialResult(metrics={"epoch_s": float(np.median(timer.times[1:]))})

    settings = {"epochs": epochs, "trials": 1, "batch_size": BATCH}
    table = Table("lenet5_train", "LeNet-5 training time", ["epoch_s"], [Row("lenet5", {"epoch_s": None})],
                  run=trial_fn)
    report = Report("bench", "benchmark", "benchmarks/lenet5_train.py", [table],
                    {"smoke": settings, "fast": settings, "paper": settings})
    with tempfile.TemporaryDirectory() as out:
        run_table(report, table, RunOptions("fast", out=out, quiet=True), echo=None)
    return timer.times


def torch_model(torch, input_shape=(28, 28, 1)):
    """LeNet-5 in torch.nn, as `build_lenet5` builds it for `input_shape` (He-normal kernels,
    zero biases), giving logits: CrossEntropyLoss on them is the Keras model's softmax + sparse
    cross-entropy."""
    nn = torch.nn
    side, _, channels = input_shape
    flat = ((side - 4) // 2 - 4) // 2  # two valid 5x5 convolutions, each followed by 2x2 pooling
    model = nn.Sequential(
        nn.Conv2d(channels, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * flat * flat, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )
    for m in model:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def torch_loop(x, y, epochs, torch):
    """The same network, optimizer and loss in PyTorch, in-memory tensors, accuracy counted."""
    nn = torch.nn
    torch.manual_seed(0)
    model = torch_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).astype("float32") / 255.0)
    yt = torch.from_numpy(y)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(yt))
        correct = 0
        for i in range(0, len(yt), BATCH):
            idx = order[i : i + BATCH]
            xb, yb = xt[idx], yt[idx]
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            correct += int((logits.argmax(1) == yb).sum())
        times.append(time.perf_counter() - start)
    return times


TORCH = "torch loop, in-memory tensors"
RUNNER = "runner (kerasdl.runner.fit), arrays"
BASE = "model.fit, arrays"


def tf_variants(x, y, epochs, quick) -> dict:
    """The TensorFlow variants, by name: each a call that trains and returns its epochs' times."""
    from kerasdl.runner.fit import STEPS_PER_EXECUTION as spe

    variants = {
        BASE: lambda: plain_fit(x, y, epochs, False, "arrays"),
        "model.fit, arrays, XLA": lambda: plain_fit(x, y, epochs, True, "arrays"),
        "model.fit, tf.data cache+prefetch": lambda: plain_fit(x, y, epochs, False, "tf.data"),
        "model.fit, tf.data cache+prefetch, XLA": lambda: plain_fit(x, y, epochs, True, "tf.data"),
        "model.fit, arrays, op determinism": lambda: plain_fit(x, y, epochs, False, "arrays", determinism=True),
        f"model.fit, arrays, steps_per_execution={spe}": lambda: plain_fit(x, y, epochs, False, "arrays",
                                                                             steps_per_execution=spe),
        RUNNER_SETTINGS: lambda: plain_fit(x, y, epochs, False, "arrays", determinism=True, steps_per_execution=spe),
        RUNNER: lambda: runner_fit(x, y, epochs),
        "runner, steps_per_execution=1": lambda: runner_fit(x, y, epochs, steps_per_execution=1),
    }
    if quick:
        variants = {k: v for k, v in variants.items()
                    if not any(word in k for word in ("XLA", "determinism", "tf.data", "steps_per_execution"))}
    return variants


def tf_round(n, epochs, quick) -> dict[str, list[float]]:
    """One round in a oneDNN setting's worker process: each TensorFlow variant once, in turn; the
    epochs' times (the first, untimed in the table, included)."""
    x, y = data(n)
    return {name: fn() for name, fn in tf_variants(x, y, epochs, quick).items()}


def run(args, echo=print) -> dict:
    n = QUICK_N_TRAIN if args.quick else N_TRAIN
    epochs = 2 if args.quick else args.epochs
    rounds = 1 if args.quick else ROUNDS
    settings = common.onednn_settings(args.onednn)
    x, y = data(n)
    torch = common.torch_or_none()
    from kerasdl.runner.fit import STEPS_PER_EXECUTION as spe

    # Rounds: each setting's process trains every TensorFlow variant once, then the torch loop runs
    # here once; so a change in the machine's load spreads over settings and variants alike.
    times = {setting: {} for setting in settings}
    torch_times = []
    with common.onednn_workers(settings) as workers:
        for _ in range(rounds):
            for setting, worker in workers.items():
                for name, ts in worker.call(tf_round, n, epochs, args.quick).items():
                    times[setting].setdefault(name, []).extend(ts[1:])
            if torch is not None:
                torch_times += torch_loop(x, y, epochs, torch)[1:]
        onednn = {setting: worker.enabled for setting, worker in workers.items()}
        onednn_notes = common.onednn_notes(workers)
    epoch_s = {setting: {name: common.median(ts) for name, ts in by_name.items()} for setting, by_name in times.items()}
    peer = common.median(torch_times) if torch_times else None
    rows, targets = [], []
    for setting in settings:
        label = common.onednn_label(onednn[setting])
        base = epoch_s[setting][BASE]
        for name, s in epoch_s[setting].items():
            on = epoch_s.get("on", {}).get(name) if len(settings) > 1 else None
            rows.append({"oneDNN": label, "variant": name, "epoch_s": s, "p25-p75 s": common.quartiles(times[setting][name]),
                         "samples_per_s": n / s, "vs model.fit arrays": s / base,
                         "throughput vs torch": (peer / s) if peer else None, "vs oneDNN on": s / on if on else None})
        runner = epoch_s[setting][RUNNER]
        same_settings = epoch_s[setting].get(RUNNER_SETTINGS)
        tag = f"[oneDNN {label}] "
        targets += [
            common.target(tag + "runner epoch time / plain model.fit (arrays, Keras defaults) <= 1.05", runner / base,
                          lambda r: r <= 1.05),
            common.target(tag + "runner epoch time / plain model.fit with the runner's settings <= 1.05",
                          runner / same_settings if same_settings else None, lambda r: r <= 1.05),
            common.target(tag + "kerasdl runner throughput / torch loop >= 1.0", peer / runner if peer else None,
                          lambda r: r >= 1.0),
        ]
    if peer is not None:
        rows.append({"oneDNN": None, "variant": TORCH, "epoch_s": peer, "p25-p75 s": common.quartiles(torch_times),
                     "samples_per_s": n / peer, "throughput vs torch": 1.0})
    notes = [
        f"{n} random uint8 28x28x1 images scaled to [0, 1], 10 classes, batch {BATCH}, SGD(lr {LR}, momentum 0.9, "
        f"Nesterov), LeNet-5 from reproduce.lenet5.build_lenet5 (He init, no penalty), accuracy metric; "
        f"{rounds} round(s) of {epochs} epochs per variant, first epoch of each run left out; TensorFlow on all "
        "cores; in each round the oneDNN settings' processes take turns, then the torch loop",
        *onednn_notes,
        "vs model.fit arrays: against the same oneDNN setting's 'model.fit, arrays'; vs oneDNN on: this row's time "
        "over the same variant's with oneDNN on (when both settings ran); throughput vs torch: the one torch loop",
        "the runner enables TensorFlow op determinism in every trial (process-wide); the plain model.fit rows "
        "disable it, except the 'op determinism' row. Keras turns jit_compile=True off under op determinism "
        "(keras.src.trainers.trainer.model_supports_jit), so the runner cannot use XLA",
        f"the runner trains {spe} batches per call of the compiled step (kerasdl.runner.fit.STEPS_PER_EXECUTION); "
        "the plain model.fit rows use Keras's default of 1 except the steps_per_execution row",
    ]
    if torch is None:
        notes.append(common.TORCH_MISSING)
        echo(common.TORCH_MISSING)
    else:
        notes.append("torch: 2 threads (torch.set_num_threads(2)), the same architecture, NCHW tensors in memory")
    raw = {"epoch_s": {f"oneDNN {s}": {name: [round(t, 4) for t in ts] for name, ts in times[s].items()}
                       for s in settings}}
    if torch_times:
        raw["epoch_s"]["torch"] = {TORCH: [round(t, 4) for t in torch_times]}
    return common.report("lenet5_train", ["oneDNN", "variant", "epoch_s", "p25-p75 s", "samples_per_s",
                                          "vs model.fit arrays", "throughput vs torch", "vs oneDNN on"], rows,
                         args.out, settings={"n_train": n, "epochs": epochs, "rounds": rounds, "batch_size": BATCH,
                                             "onednn": settings},
                         notes=notes, targets=targets, raw=raw, onednn=onednn, echo=echo)
