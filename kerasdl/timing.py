"""Milliseconds per sample of a compiled Keras model's `fit` and `evaluate` at one batch size
(report `convnet_tricks`, Table 2.1: how the cost per sample changes as the batch grows)."""

from __future__ import annotations

import math
import time

import numpy as np

from kerasdl.validation import check_int


def median_seconds(call, repeats: int) -> float:
    """The median wall-clock time of `repeats` calls of `call()`, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def ms_per_sample(model, x, y, batch_size: int, samples: int, repeats: int, warm_batches: int = 4) -> dict:
    """Time one pass of `model.fit` (weights updated) and of `model.evaluate` over the same samples.

    The samples are the first `samples` of `x`, `y` (cycled if there are fewer), rounded up to whole
    batches, so every batch size times the same work; `warm_batches` batches first trace the
    functions for that batch shape; each pass is timed `repeats` times and the median is kept.

    Args:
        model: a compiled Keras model.
        x, y: inputs and targets as `fit` takes them.
        batch_size: samples per batch.
        samples: how many samples to time, before rounding up to whole batches.
        repeats: timed passes of each of `fit` and `evaluate`.
        warm_batches: untimed batches first.

    Returns:
        `{"train_ms_per_sample", "test_ms_per_sample", "samples", "repeats", "train_s", "test_s"}`:
        the costs per sample, the samples timed, the repeats and each pass's median seconds.
    """
    batch_size = check_int("batch_size", batch_size, 1)
    repeats = check_int("repeats", repeats, 1)
    count = batch_size * math.ceil(check_int("samples", samples, 1) / batch_size)
    take = np.arange(count) % len(x)
    x, y = x[take], y[take]

    def train(n=count):
        model.fit(x[:n], y[:n], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)

    def test(n=count):
        model.evaluate(x[:n], y[:n], batch_size=batch_size, verbose=0)

    warm = min(count, warm_batches * batch_size)
    train(warm)
    test(warm)
    train_s, test_s = median_seconds(train, repeats), median_seconds(test, repeats)
    return {
        "train_ms_per_sample": 1000 * train_s / count,
        "test_ms_per_sample": 1000 * test_s / count,
        "samples": count,
        "repeats": repeats,
        "train_s": train_s,
        "test_s": test_s,
    }


__all__ = ["median_seconds", "ms_per_sample"]
