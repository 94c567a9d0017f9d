"""`lppool`: `LpPool2D` (Gaussian 3×3, stride 2, p=2 and p=4) forward+backward, against
`MaxPool2D(2)`, the report's own split-per-channel convolutions (report `alt_softmax`, seed
000_3bb6c57d82ba3598.txt section 3.1) and PyTorch's `nn.LPPool2d`.

    python -m benchmarks lppool [--quick] [--repeats N]
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


def run(args, echo=print) -> dict:
    import tensorflow as tf

    shapes = QUICK_SHAPES if args.quick else SHAPES
    repeats = 1 if args.quick else args.repeats
    rng = np.random.default_rng(0)
    torch = common.torch_or_none()
    rows, notes, targets = [], [], []
    for shape in shapes:
        # After a ReLU, as in the reports: half the inputs are 0, some windows entirely.
        x_np = np.maximum(rng.standard_normal(shape), 0).astype("float32")
        x = tf.constant(x_np)
        # Three groups, each timed in turns: PyTorch's idle OpenMP threads spin for a while after
        # each op and the XLA row takes 20-100x longer, either of which would slow the next op.
        calls, slow, torch_calls = {}, {}, {}
        for name, layer in tf_peers(shape, xla=not args.quick).items():
            out_shape = (layer[1] if isinstance(layer, tuple) else layer)(x).shape
            g = tf.constant(rng.standard_normal(out_shape).astype("float32"))
            (slow if "XLA" in name else calls)[name] = lambda step=forward_backward(layer), g=g: step(x, g)
        if not args.quick:
            calls.update(components(x, rng))
        if torch is not None:
            xt = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2))).requires_grad_()
            for p in (2, 4):
                pool = torch.nn.LPPool2d(p, 3, stride=2)
                gt = torch.from_numpy(rng.standard_normal(pool(xt).shape).astype("float32"))
                torch_calls[f"torch LPPool2d p={p}"] = lambda pool=pool, gt=gt: torch.autograd.grad(pool(xt), xt, gt)
        times = common.interleaved(calls, repeats)
        times.update(common.interleaved(slow, max(repeats // 4, 1)))
        times.update(common.interleaved(torch_calls, repeats))
        base = times["MaxPool2D(2)"]
        for name, seconds in times.items():
            rows.append({"shape": "x".join(map(str, shape)), "op (fwd+bwd)": name, "median_ms": 1e3 * seconds,
                         "vs MaxPool2D": seconds / base, "vs LpPool2D p=2": seconds / times["LpPool2D p=2"]})
        label = "x".join(map(str, shape))
        lp = times["LpPool2D p=2"]
        targets.append(common.target(f"{label}: LpPool2D p=2 / MaxPool2D(2) <= 1.0", lp / base, lambda r: r <= 1.0))
        targets.append(common.target(f"{label}: split-per-channel / LpPool2D p=2 >= 4",
                                     times["split-per-channel p=2 (report)"] / lp, lambda r: r >= 4.0))
        if torch is not None:
            targets.append(common.target(f"{label}: LpPool2D p=2 / torch LPPool2d p=2 < 1.0",
                                         lp / times["torch LPPool2d p=2"], lambda r: r < 1.0))
    if torch is None:
        notes.append(common.TORCH_MISSING)
        echo(common.TORCH_MISSING)
    else:
        notes.append("torch: 2 threads (torch.set_num_threads(2)), NCHW input with the same values; "
                     "nn.LPPool2d(p, 3, stride=2) sums an unweighted window without padding (13x13 and "
                     "6x6 outputs, not 14x14 and 7x7)")
    notes.append(f"median of {repeats} forward+backward calls ({max(repeats // 4, 1)} for XLA) after 2 warm-up "
                 "calls, the TensorFlow ops taking turns, then the torch ones; a "
                 "tf.function per op (XLA only where the row says so); input: ReLU of N(0, 1), float32, "
                 "channels_last; 'part:' rows time one pass of LpPool2D p=2 alone (forward only)")
    return common.report("lppool", ["shape", "op (fwd+bwd)", "median_ms", "vs MaxPool2D", "vs LpPool2D p=2"],
                         rows, args.out, settings={"shapes": shapes, "repeats": repeats}, notes=notes,
                         targets=targets, echo=echo)
