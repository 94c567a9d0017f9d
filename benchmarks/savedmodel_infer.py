"""`savedmodel_infer`: latency at batch 1 and throughput at batch 256 of an exported SavedModel
(a LeNet-5 / report `alt_softmax`-like Keras model, `model.export`), loaded with plain
`tf.saved_model.load` as a deployment would, beside the in-process Keras model.

    python -m benchmarks savedmodel_infer [--quick] [--repeats N]
"""

from __future__ import annotations

import tempfile

import numpy as np

from benchmarks import common


def run(args, echo=print) -> dict:
    import tensorflow as tf

    from benchmarks.lenet5_train import build_lenet5

    repeats = 3 if args.quick else max(args.repeats, 20) * 10
    model = build_lenet5()
    rng = np.random.default_rng(0)
    batches = {b: rng.random((b, 28, 28, 1), dtype=np.float32) for b in (1, 256)}
    compiled = tf.function(lambda x: model(x, training=False))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        model.export(f"{folder}/saved_model", verbose=False)
        served = tf.saved_model.load(f"{folder}/saved_model")
        for batch, x_np in batches.items():
            x = tf.constant(x_np)
            n = repeats if batch == 1 else max(repeats // 10, 3)
            peers = {
                "SavedModel serve (tf.saved_model.load)": lambda: served.serve(x),
                "Keras model in tf.function": lambda: compiled(x),
                "Keras model.predict_on_batch": lambda: model.predict_on_batch(x_np),
            }
            times = {name: common.median(common.time_calls(fn, n, warmup=3)) for name, fn in peers.items()}
            base = times["SavedModel serve (tf.saved_model.load)"]
            for name, seconds in times.items():
                rows.append({"batch": batch, "path": name, "median_ms": 1e3 * seconds,
                             "samples_per_s": batch / seconds, "vs SavedModel": seconds / base})
    notes = [f"median of {repeats} calls at batch 1, {max(repeats // 10, 3)} at batch 256, after 3 warm-up calls; "
             "LeNet-5 from reproduce.lenet5.build_lenet5 exported with model.export (serve endpoint); inputs "
             "float32 in [0, 1], already tensors for the two tf.function paths"]
    return common.report("savedmodel_infer", ["batch", "path", "median_ms", "samples_per_s", "vs SavedModel"], rows,
                         args.out, settings={"repeats": repeats}, notes=notes, echo=echo)
