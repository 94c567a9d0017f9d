"""`alt_softmax_paper`: what report `alt_softmax`'s `paper` profile costs on SVHN, measured on
generated arrays of SVHN's shapes (32x32x3 uint8), since few machines hold SVHN itself.

    python -m benchmarks alt_softmax_paper [--quick] [--repeats N]

Each distinct row configuration of the report's tables is built and compiled as its trials build
it (`reproduce.alt_softmax.compiled_model`, `learning_rate`) and fed as they are fed
(`kerasdl.data.shuffled_batches`, batch 256, through `kerasdl.runner.fit`'s compiled steps); the
median seconds of a training step and of a test batch, after a warm-up epoch, give one trial's
time at the template's length (60 epochs of train + extra, or of train alone where the row says
"no extra"; the test set's 101 full batches after every epoch) and each table's, at the profile's
trials per row. One trial at a time, on all the cores TensorFlow is given.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks import common

# SVHN format 2's sizes (kerasdl.data.svhn checks them); the template's batch.
TRAIN, EXTRA, TEST, BATCH = 73_257, 531_131, 26_032, 256
STEPS, QUICK_STEPS = 12, 2


def distinct_rows():
    """`{config key: (config, [(table, row), ...])}` over every table's rows at `paper`."""
    from reproduce import alt_softmax

    rows = {}
    for table in alt_softmax.REPORT.tables:
        settings = alt_softmax.REPORT.settings(table, "paper")
        for row in table.rows:
            config = {**settings, **row.config}
            key = repr(sorted(config.items()))
            rows.setdefault(key, (config, []))[1].append((table.name, row.name))
    return rows


def time_row(config, steps, repeats):
    """Median seconds of one training step and of one test batch of `config`'s model."""
    import keras

    from kerasdl.data import shuffled_batches
    from kerasdl.runner.fit import steps_per_call
    from reproduce import alt_softmax

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (steps * BATCH, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, steps * BATCH).astype("int64")
    keras.utils.set_random_seed(0)
    _, rate = alt_softmax.learning_rate(config, steps)
    model = alt_softmax.compiled_model(config, rate, (32, 32, 3))
    steps_per_call(model, steps)
    timer = common.epoch_timer()
    model.fit(shuffled_batches(x, y, BATCH, seed=0), epochs=1 + repeats, verbose=0, callbacks=[timer])
    test = x.astype("float32") / 255.0
    evaluations = common.time_calls(lambda: model.evaluate(test, y, batch_size=BATCH, verbose=0), repeats)
    keras.backend.clear_session()
    return common.median(timer.times[1:]) / steps, common.median(evaluations) / steps


def trial_hours(config, step_s, test_s):
    """One trial's hours at the template's length: its epochs of training steps and test batches."""
    from reproduce import alt_softmax

    extra = alt_softmax.EXTRA.of(config) and config["dataset"] == "svhn_cropped"
    steps_per_epoch = (TRAIN + (EXTRA if extra else 0)) // BATCH
    return config["epochs"] * (steps_per_epoch * step_s + TEST // BATCH * test_s) / 3600


def run(args, echo=print) -> dict:
    from reproduce import alt_softmax

    steps = QUICK_STEPS if args.quick else STEPS
    repeats = 1 if args.quick else min(args.repeats, 3)
    rows, tables = [], {}
    started = time.perf_counter()
    for config, uses in distinct_rows().values():
        step_s, test_s = time_row(config, steps, repeats)
        hours = trial_hours(config, step_s, test_s)
        rows.append({"rows": "; ".join(f"{t}: {r}" for t, r in uses), "train step s": step_s,
                     "test batch s": test_s, "trial h": hours})
        for table, _ in uses:
            tables[table] = tables.get(table, 0.0) + hours * config["trials"]
    for table in alt_softmax.REPORT.tables:
        rows.append({"rows": f"table {table.name} ({alt_softmax.REPORT.settings(table, 'paper')['trials']} trials "
                             "per row)", "train step s": None, "test batch s": None, "trial h": tables[table.name]})
    rows.append({"rows": "all five tables (a configuration shared by tables counted in each)", "train step s": None,
                 "test batch s": None, "trial h": sum(tables.values())})
    notes = [
        f"generated uint8 arrays of SVHN's shape; {steps} steps of batch {BATCH} per timed epoch, {repeats} timed "
        f"epoch(s) after a warm-up one; {time.perf_counter() - started:.0f} s in all",
        f"a trial: 60 epochs of {(TRAIN + EXTRA) // BATCH} steps (train + extra) or {TRAIN // BATCH} (train only), "
        f"and {TEST // BATCH} test batches after each",
        "hours of one trial at a time on the cores TensorFlow was given (see the machine line); `--jobs` runs "
        "several trials at once, each on fewer cores",
    ]
    return common.report("alt_softmax_paper", ["rows", "train step s", "test batch s", "trial h"], rows, args.out,
                         settings={"steps": steps, "repeats": repeats, "batch_size": BATCH}, notes=notes,
                         targets=[], echo=echo)
