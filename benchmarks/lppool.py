"""`lppool`: `LpPool2D` (Gaussian 3×3, stride 2, p=2 and p=4) forward+backward, against
`MaxPool2D(2)`, the report's own split-per-channel convolutions (report `alt_softmax`, seed
000_3bb6c57d82ba3598.txt section 3.1) and PyTorch's `nn.LPPool2d`.

    python -m benchmarks lppool [--quick] [--repeats N] [--onednn off|on|both]

The TensorFlow ops run with oneDNN off and on (`--onednn`), each setting in its own fresh process
(TF_ENABLE_ONEDNN_OPTS must be set before TensorFlow is imported); the PyTorch ops run once, in
the invoking process.
"""

from __future__ import annotations

import numpy as np

from benchmarks import common

SHAPES = [(128, 28, 28, 32), (128, 14, 14, 64)]
QUICK_SHAPES = [(4, 28, 28, 8)]


def split_per_channel(x, p, floor):
    """The report's approach: split the channels, convolve each with the 3×3 Gaussian (stride 2),
    concatenate, then the p-th root."""
    import tensorflow as tf

    from kerasdl.layers import gaussian_kernel

    window = tf.constant(gaussian_kernel(3)[:, :, None, None], tf.float32)
    powered = x * x if p == 2 else tf.square(tf.square(x))
    maps = [tf.nn.conv2d(c, window, 2, "SAME") for c in tf.split(powered, powered.shape[-1], axis=-1)]
    total = tf.maximum(tf.concat(maps, axis=-1), floor)
    return tf.sqrt(total) if p == 2 else tf.sqrt(tf.sqrt(total))


def tf_peers(shape, xla):
    import keras

    from kerasdl.layers import LpPool2D

    peers = {
        "MaxPool2D(2)": keras.layers.MaxPool2D(2),
        "LpPool2D p=2": LpPool2D(p=2, pool_size=3, strides=2),
        "LpPool2D p=4": LpPool2D(p=4, pool_size=3, strides=2),
        "split-per-channel p=2 (report)": lambda x: split_per_channel(x, 2, 1e-12),
    }
    if xla:
        peers["LpPool2D p=2, XLA"] = ("xla", LpPool2D(p=2, pool_size=3, strides=2))
    return peers


def components(x, rng):
    """The passes LpPool2D p=2 is made of, each alone: where its time goes."""
    import tensorflow as tf

    from kerasdl.layers import gaussian_kernel

    window = tf.constant(np.tile(gaussian_kernel(3)[:, :, None, None], (1, 1, x.shape[-1], 1)), tf.float32)
    pooled = tf.nn.depthwise_conv2d(x, window, (1, 2, 2, 1), "SAME")
    g = tf.constant(rng.standard_normal(pooled.shape).astype("float32"))
    parts = {
        "part: x*x (full res)": (tf.function(lambda a: a * a), x),
        "part: depthwise conv 3x3/2": (tf.function(lambda a: tf.nn.depthwise_conv2d(a, window, (1, 2, 2, 1), "SAME")), x),
        "part: conv backprop-input": (tf.function(lambda b: tf.nn.depthwise_conv2d_backprop_input(
            x.shape, window, b, (1, 2, 2, 1), "SAME")), g),
        "part: MaxPool2D(2) forward": (tf.function(lambda a: tf.nn.max_pool2d(a, 2, 2, "VALID")), x),
    }
    return {name: (lambda fn=fn, arg=arg: fn(arg)) for name, (fn, arg) in parts.items()}


def forward_backward(layer):
    """A compiled step: the layer's output and the gradient of <output, g> wrt its input."""
    import tensorflow as tf

    jit = isinstance(layer, tuple)
    if jit:
        layer = layer[1]

    @tf.function(jit_compile=jit)
    def step(x, g):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
        return tape.gradient(y, x, output_gradients=g)

    return step


def input_of(shape):
    """After a ReLU, as in the reports: half the inputs are 0, some windows entirely. The same
    values in every process."""
    return np.maximum(np.random.default_rng(0).standard_normal(shape), 0).astype("float32")


def tf_times(shape, quick, repeats) -> dict[str, list[float]]:
    """In a oneDNN setting's worker process: seconds of each call of each TensorFlow op on `shape`,
    the ops taking turns (the XLA row apart, a quarter as many calls)."""
    import tensorflow as tf

    rng = np.random.default_rng(1)
    x = tf.constant(input_of(shape))
    # Two groups, each timed in turns: the XLA row takes 20-100x longer, which would slow the next op.
    calls, slow = {}, {}
    for name, layer in tf_peers(shape, xla=not quick).items():
        out_shape = (layer[1] if isinstance(layer, tuple) else layer)(x).shape
        g = tf.constant(rng.standard_normal(out_shape).astype("float32"))
        (slow if "XLA" in name else calls)[name] = lambda step=forward_backward(layer), g=g: step(x, g)
    if not quick:
        calls.update(components(x, rng))
    times = common.interleaved_times(calls, repeats)
    times.update(common.interleaved_times(slow, max(repeats // 4, 1)))
    return times


def torch_times(shape, repeats, torch) -> dict[str, list[float]]:
    """`nn.LPPool2d` p=2 and p=4 forward+backward on the same values (NCHW), taking turns."""
    rng = np.random.default_rng(2)
    xt = torch.from_numpy(np.ascontiguousarray(input_of(shape).transpose(0, 3, 1, 2))).requires_grad_()
    calls = {}
    for p in (2, 4):
        pool = torch.nn.LPPool2d(p, 3, stride=2)
        gt = torch.from_numpy(rng.standard_normal(pool(xt).shape).astype("float32"))
        calls[f"torch LPPool2d p={p}"] = lambda pool=pool, gt=gt: torch.autograd.grad(pool(xt), xt, gt)
    return common.interleaved_times(calls, repeats)


COLUMNS = ["shape", "oneDNN", "op (fwd+bwd)", "median_ms", "p25-p75 ms", "vs MaxPool2D", "vs LpPool2D p=2",
           "vs torch p=2", "vs oneDNN on"]


def run(args, echo=print) -> dict:
    shapes = QUICK_SHAPES if args.quick else SHAPES
    repeats = 1 if args.quick else args.repeats
    settings = common.onednn_settings(args.onednn)
    torch = common.torch_or_none()
    rows, notes, targets, raw = [], [], [], {}
    with common.onednn_workers(settings) as workers:
        # Per shape: each setting's process times its TensorFlow ops, then the torch ops run here
        # (PyTorch's idle OpenMP threads spin for a while after each op, which would slow the next).
        for shape in shapes:
            label = "x".join(map(str, shape))
            times = {setting: worker.call(tf_times, shape, args.quick, repeats) for setting, worker in workers.items()}
            if torch is not None:
                times["torch"] = torch_times(shape, repeats, torch)
            raw[label] = {key: {name: [round(t * 1e3, 4) for t in ts] for name, ts in by_name.items()}
                          for key, by_name in times.items()}
            ms = {key: {name: 1e3 * common.median(ts) for name, ts in by_name.items()} for key, by_name in times.items()}
            peer = ms.get("torch", {}).get("torch LPPool2d p=2")
            for setting, worker in workers.items():
                state = common.onednn_label(worker.enabled)
                base, lp = ms[setting]["MaxPool2D(2)"], ms[setting]["LpPool2D p=2"]
                for name, value in ms[setting].items():
                    on = ms["on"][name] if "on" in ms and len(settings) > 1 else None
                    rows.append({"shape": label, "oneDNN": state, "op (fwd+bwd)": name, "median_ms": value,
                                 "p25-p75 ms": common.quartiles([1e3 * t for t in times[setting][name]]),
                                 "vs MaxPool2D": value / base, "vs LpPool2D p=2": value / lp,
                                 "vs torch p=2": value / peer if peer else None,
                                 "vs oneDNN on": value / on if on else None})
                tag = f"{label} [oneDNN {state}]"
                targets.append(common.target(f"{tag}: LpPool2D p=2 / MaxPool2D(2) <= 1.0", lp / base, lambda r: r <= 1.0))
                targets.append(common.target(f"{tag}: split-per-channel / LpPool2D p=2 >= 4",
                                             ms[setting]["split-per-channel p=2 (report)"] / lp, lambda r: r >= 4.0))
                if peer:
                    targets.append(common.target(f"{tag}: LpPool2D p=2 / torch LPPool2d p=2 < 1.0", lp / peer,
                                                 lambda r: r < 1.0))
            for name, value in ms.get("torch", {}).items():
                rows.append({"shape": label, "oneDNN": None, "op (fwd+bwd)": name, "median_ms": value,
                             "p25-p75 ms": common.quartiles([1e3 * t for t in times["torch"][name]]),
                             "vs torch p=2": value / peer})
        onednn = {setting: worker.enabled for setting, worker in workers.items()}
        notes += common.onednn_notes(workers)
    if torch is None:
        notes.append(common.TORCH_MISSING)
        echo(common.TORCH_MISSING)
    else:
        notes.append("torch: 2 threads (torch.set_num_threads(2)), NCHW input with the same values; "
                     "nn.LPPool2d(p, 3, stride=2) sums an unweighted window without padding (13x13 and "
                     "6x6 outputs, not 14x14 and 7x7)")
    notes.append(f"median of {repeats} forward+backward calls ({max(repeats // 4, 1)} for XLA) after 2 warm-up "
                 "calls, the TensorFlow ops taking turns (per shape: each oneDNN setting's process, then the "
                 "torch ops); a tf.function per op (XLA only where the row says so); input: ReLU of N(0, 1), "
                 "float32, channels_last; 'part:' rows time one pass of LpPool2D p=2 alone (forward only)")
    notes.append("vs MaxPool2D, vs LpPool2D p=2: against the same shape and oneDNN setting; vs torch p=2: the one "
                 "torch LPPool2d p=2 of that shape; vs oneDNN on: this row's time over the same op's with oneDNN "
                 "on (when both settings ran)")
    return common.report("lppool", COLUMNS, rows, args.out,
                         settings={"shapes": shapes, "repeats": repeats, "onednn": settings}, notes=notes,
                         targets=targets, raw={"ms": raw}, onednn=onednn, echo=echo)
