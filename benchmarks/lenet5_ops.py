"""`lenet5_ops`: where a LeNet-5 training step spends its time, op by op, in TensorFlow and in
PyTorch. It is the profile behind `lenet5_train`'s comparison.

    python -m benchmarks lenet5_ops [--quick]

The same step as `lenet5_train` (batch 128, SGD Nesterov, sparse cross-entropy) runs 100 times
under each framework's profiler after a warm-up: TensorFlow as one `tf.function` per step (the
compiled step, the work `model.fit` calls), PyTorch as its eager loop. Rows are each framework's
kernels grouped by what they compute (first convolution forward, its filter gradient, ...), in
milliseconds per step, summed over the threads that ran them. TensorFlow's per-kernel events come
from the profiler's XSpace protobuf, read directly.
"""

from __future__ import annotations

import collections
import glob
import re
import tempfile


from benchmarks import common
from benchmarks.lenet5_train import BATCH, LR, build_lenet5, data

STEPS, QUICK_STEPS = 100, 4

# (group, TensorFlow kernel name pattern, PyTorch op pattern), matched in order.
GROUPS = [
    ("conv1 forward (+bias, ReLU)", r"conv1.*(FusedConv2D|Conv2D\b)", None),
    ("conv1 filter gradient", r"conv1.*BackpropFilter", None),
    ("conv2 forward (+bias, ReLU)", r"conv2.*(FusedConv2D|Conv2D\b)", None),
    ("conv2 filter gradient", r"conv2.*BackpropFilter", None),
    ("conv2 input gradient", r"conv2.*BackpropInput", None),
    ("convolutions forward", None, r"^aten::mkldnn_convolution$"),
    ("convolutions backward (all gradients)", None, r"^aten::convolution_backward$"),
    ("max pooling forward", r":\w*MaxPool$", r"^aten::max_pool2d_with_indices$"),
    ("max pooling gradient", r":\w*MaxPoolGrad$", r"^aten::max_pool2d_with_indices_backward$"),
    ("dense layers (forward, gradients)", r":\w*MatMul$", r"^aten::(addmm|mm)$"),
    ("ReLU gradients", r":ReluGrad$", r"^aten::threshold_backward$"),
    ("optimizer update and elementwise ops", r":(AssignAddVariableOp|AssignSubVariableOp|AssignVariableOp|Mul|Sub|AddV2)$",
     r"^(Optimizer\.step|aten::(add_?|mul_?|fill_|copy_))"),
]


def group_of(name: str, column: int) -> str:
    for group in GROUPS:
        pattern = group[column]
        if pattern and re.search(pattern, name):
            return group[0]
    return "other"


def tensorflow_ops(steps: int) -> dict[str, float]:
    """Milliseconds per step of each group of TensorFlow kernels (XSpace events of the compute
    threads: the kernels, not the executor's bookkeeping around them)."""
    import keras
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    x, y = data(BATCH * 4)
    x = tf.constant(x.astype("float32") / 255.0)
    y = tf.constant(y)
    keras.utils.set_random_seed(0)
    model = build_lenet5()
    optimizer = keras.optimizers.SGD(LR, momentum=0.9, nesterov=True)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer.build(model.trainable_variables)

    @tf.function
    def step(images, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    batches = [(x[i : i + BATCH], y[i : i + BATCH]) for i in range(0, len(y), BATCH)]
    for images, labels in batches * 3:
        step(images, labels)
    totals = collections.Counter()
    with tempfile.TemporaryDirectory() as folder:
        tf.profiler.experimental.start(folder)
        for i in range(steps):
            loss = step(*batches[i % len(batches)])
        float(loss)
        tf.profiler.experimental.stop()
        (path,) = glob.glob(f"{folder}/**/*.xplane.pb", recursive=True)
        space = xplane_pb2.XSpace()
        with open(path, "rb") as f:
            space.ParseFromString(f.read())
    for plane in space.planes:
        names = {key: meta.name for key, meta in plane.event_metadata.items()}
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = names.get(event.metadata_id, "")
                if ":" not in name or "::" in name:  # "op_name:KernelType" is a kernel; the rest
                    continue  # is the executor's and oneDNN's bookkeeping
                totals[group_of(name, 1)] += event.duration_ps / 1e9
    return {group: ms / steps for group, ms in totals.items()}


def torch_ops(steps: int, torch) -> dict[str, float]:
    """Milliseconds per step of each group of PyTorch ops (self CPU time, torch.profiler)."""
    from torch.profiler import ProfilerActivity, profile

    from benchmarks.lenet5_train import torch_model

    torch.manual_seed(0)
    model = torch_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, nesterov=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = data(BATCH * 4)
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).astype("float32") / 255.0)
    yt = torch.from_numpy(y)

    def step(i):
        j = (i % 4) * BATCH
        loss = loss_fn(model(xt[j : j + BATCH]), yt[j : j + BATCH])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for i in range(12):
        step(i)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for i in range(steps):
            step(i)
    totals = collections.Counter()
    for event in prof.key_averages():
        totals[group_of(event.key, 2)] += event.self_cpu_time_total / 1e3
    return {group: ms / steps for group, ms in totals.items()}


def run(args, echo=print) -> dict:
    steps = QUICK_STEPS if args.quick else STEPS
    tf_ms = tensorflow_ops(steps)
    torch = common.torch_or_none()
    torch_ms = torch_ops(steps, torch) if torch is not None else {}
    order = [g[0] for g in GROUPS] + ["other"]
    rows = [
        {"group": group, "tensorflow ms/step": tf_ms.get(group), "torch ms/step": torch_ms.get(group)}
        for group in order
        if group in tf_ms or group in torch_ms
    ]
    rows.append({"group": "total", "tensorflow ms/step": sum(tf_ms.values()),
                 "torch ms/step": sum(torch_ms.values()) if torch_ms else None})
    notes = [
        f"{steps} steps of batch {BATCH} after a warm-up, LeNet-5 (reproduce.lenet5.build_lenet5 / the same "
        "network in torch.nn), SGD(lr 0.01, momentum 0.9, Nesterov)",
        "TensorFlow: kernel time on the compute threads (both cores: a total above the step's wall time means "
        "kernels ran side by side); torch: self CPU time of its ops. The two group their work differently, "
        "hence the framework-specific rows (a blank is a group that framework does not have)",
    ]
    if torch is None:
        notes.append(common.TORCH_MISSING)
        echo(common.TORCH_MISSING)
    return common.report("lenet5_ops", ["group", "tensorflow ms/step", "torch ms/step"], rows, args.out,
                         settings={"steps": steps, "batch_size": BATCH}, notes=notes, echo=echo)
