"""`paper_train`: samples per second training the two networks whose `paper` tables cost the most
CPU time (issue 25), each as its table's trials train it: report `convnet_tricks`' starter
ConvNet (L2 pooling + Tanh, 64/64 maps, the contrastive-normalised inputs, Torch7's SGD at lr
0.001, momentum 0.7, batch 16) on MNIST-shaped images, and report `lenet5`'s LeNet-5 (CIFAR-10 setting 4:
He, L2 0.001, SGD lr 0.001 momentum 0.9 Nesterov, no schedule, batch 128) on CIFAR-10-shaped images; through
the kerasdl runner, a plain `model.fit` script and a plain PyTorch loop of the same network.

    python -m benchmarks paper_train [--quick] [--epochs E] [--onednn off|on|both]

As in `q6_train`, the TensorFlow variants run with oneDNN off and on, each setting in its own
fresh process, and the PyTorch loops once in the invoking process; variants take turns in rounds
and per-epoch times pool over rounds, the first epoch of each run (tracing, warm-up) left out.
"""

from __future__ import annotations

import functools

from benchmarks import common, lenet5_train, training

ROUNDS = 2
CONVNET, LENET5 = "convnet_tricks ConvNet, batch 16", "lenet5 LeNet-5 CIFAR-10, batch 128"
CASES = (CONVNET, LENET5)
N_TRAIN = {CONVNET: 4_000, LENET5: 12_800}
QUICK_N_TRAIN = {CONVNET: 64, LENET5: 256}
SHAPE = {CONVNET: (28, 28, 1), LENET5: (32, 32, 3)}
CONVNET_ROW, LENET5_ROW = "L2 pooling + Tanh", "setting 4"  # the starter's network; the constant-rate L2 setting


def row_config(report, table, row_name):
    """The row's configuration at `paper`, as its trials get it (their unstated choices at their
    defaults)."""
    (row,) = [row for row in table.rows if row.name == row_name or row.name.startswith(f"{row_name}:")]
    return {**report.settings(table, "paper"), **row.config}


def convnet_config():
    from reproduce import convnet_tricks

    return row_config(convnet_tricks.REPORT, convnet_tricks.t2_2, CONVNET_ROW)


def lenet5_config():
    from reproduce import lenet5

    return row_config(lenet5.REPORT, lenet5.cifar10, LENET5_ROW)


def pixels(x):
    """The mean and std of the images scaled to [0, 1], the starter's standardisation."""
    scaled = x.astype("float64") / 255.0
    return float(scaled.mean()), float(scaled.std())


def build_convnet(x):
    """The table's own builder, compiled as `reproduce.convnet_tricks.compiled_model` does."""
    import keras
    from reproduce import convnet_tricks

    config = convnet_config()
    model = convnet_tricks.build_model(config, SHAPE[CONVNET], 10, pixels(x))
    model.compile(optimizer=convnet_tricks.optimizer(config), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def build_lenet5():
    """The table's own builder, compiled as `reproduce.lenet5.run` does (the row has no schedule)."""
    import keras
    from reproduce import lenet5

    config = lenet5_config()
    model = lenet5.model_of(config, SHAPE[LENET5], 10)
    model.compile(optimizer=keras.optimizers.SGD(config["lr"], momentum=0.9, nesterov=True),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def builder(case, x):
    return functools.partial(build_convnet, x) if case == CONVNET else build_lenet5


# ## The PyTorch peers: the same layers, their costs as Keras computes them


def local_normalizations(torch):
    """Torch7's SpatialSubtractive- and SpatialDivisiveNormalization as `kerasdl.layers` computes
    them (the statistic over the mean of the maps, separable Gaussian, border correction)."""
    from kerasdl.layers import SubtractiveNormalization

    nn, F = torch.nn, torch.nn.functional
    taps = torch.tensor(SubtractiveNormalization(kernel_size=7)._taps, dtype=torch.float32)
    k = len(taps)

    def smooth(maps):
        maps = F.conv2d(maps, taps.view(1, 1, 1, k), padding=(0, k // 2))
        return F.conv2d(maps, taps.view(1, 1, k, 1), padding=(k // 2, 0))

    class Subtractive(nn.Module):
        def forward(self, x):
            border = smooth(torch.ones((1, 1, *x.shape[2:])))
            return x - smooth(x.mean(1, keepdim=True)) / border

    class Divisive(nn.Module):
        def __init__(self, threshold):
            super().__init__()
            self.threshold = threshold

        def forward(self, x):
            border = smooth(torch.ones((1, 1, *x.shape[2:])))
            square = smooth((x * x).mean(1, keepdim=True))
            std = torch.sqrt(torch.clamp(x.shape[1] * square, min=1e-12)) / border
            return x / torch.where(std > self.threshold, std, torch.full_like(std, self.threshold))

    return Subtractive, Divisive


def standardize(torch, mean, std):
    class _Standardize(torch.nn.Module):
        def forward(self, x):
            return (x - mean) / std

    return _Standardize()


def torch_convnet(torch, x):
    """The starter ConvNet in torch.nn: padding to 32x32, standardisation, contrastive
    normalisation, two stages of conv 5x5 -> Tanh -> LPPool2d(2, 2) -> subtractive normalisation,
    dense 128 Tanh, dense 10 (logits); Torch7's uniform init."""
    nn = torch.nn
    config = convnet_config()
    Subtractive, Divisive = local_normalizations(torch)
    mean, std = pixels(x)
    layers, channels = [nn.ZeroPad2d(2), standardize(torch, mean, std), Subtractive(), Divisive(1.0)], 1
    for maps in config["maps"]:
        layers += [nn.Conv2d(channels, maps, 5), nn.Tanh(), nn.LPPool2d(2, 2, stride=2), Subtractive()]
        channels = maps
    layers += [nn.Flatten(), nn.Linear(channels * 5 * 5, config["hidden"]), nn.Tanh(), nn.Linear(config["hidden"], 10)]
    return nn.Sequential(*layers)



def torch_optimizer(torch, model, case):
    """The table's SGD; its L2 penalty `lambda * sum w^2` on the kernels as a weight decay of
    2 lambda on them (the same gradient)."""
    kernels = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if not name.endswith("weight")]
    if case == CONVNET:
        from reproduce import convnet_tricks

        config = convnet_config()
        step = convnet_tricks.optimizer(config)  # Torch7's dampened SGD in Keras's terms
        lr, momentum, nesterov, decay = float(step.learning_rate), config["momentum"], False, 2 * config["l2_lambda"]
    else:
        config = lenet5_config()
        assert config["reg"] == "l2" and config["schedule"] is None, config
        lr, momentum, nesterov, decay = config["lr"], 0.9, True, 2 * config["reg_weight"]
    groups = [{"params": kernels, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}]
    return torch.optim.SGD(groups, lr=lr, momentum=momentum, nesterov=nesterov)


def torch_model(torch, case, x):
    return torch_convnet(torch, x) if case == CONVNET else lenet5_train.torch_model(torch, SHAPE[LENET5])


def torch_times(case, x, y, epochs, torch):
    torch.manual_seed(0)
    model = torch_model(torch, case, x)
    return training.torch_loop(model, torch_optimizer(torch, model, case), torch.nn.CrossEntropyLoss(), x, y, epochs,
                               batch(case), torch)


def batch(case):
    return convnet_config()["batch_size"] if case == CONVNET else lenet5_config()["batch_size"]


def tf_round(n, epochs) -> dict[tuple[str, str], list[float]]:
    """One round in a oneDNN setting's worker process: per case, the runner then model.fit."""
    times = {}
    for case in CASES:
        x, y = training.images(n[case], SHAPE[case])
        for variant, ts in training.tf_times(builder(case, x), x, y, epochs, batch(case)).items():
            times[case, variant] = ts
    return times


def run(args, echo=print) -> dict:
    n = QUICK_N_TRAIN if args.quick else N_TRAIN
    epochs = 2 if args.quick else args.epochs
    rounds = 1 if args.quick else ROUNDS
    settings = common.onednn_settings(args.onednn)
    torch = common.torch_or_none()
    data = {case: training.images(n[case], SHAPE[case]) for case in CASES}
    times, peer_times, onednn, onednn_notes = training.timed_rounds(
        CASES, settings, rounds, tf_round, (n, epochs), torch, lambda case: torch_times(case, *data[case], epochs, torch))
    rows, targets = training.rows_and_targets(CASES, settings, onednn, times, peer_times, n)
    notes = training.notes(
        f"random uint8 images ({', '.join(f'{n[c]} of {SHAPE[c]}' for c in CASES)}), 10 classes; each network built "
        "and compiled by its report's own code at the paper profile (row 'L2 pooling + Tanh' of convnet_tricks "
        "t2_2_results; setting 4 of lenet5 cifar10)", rounds, epochs, onednn_notes, torch,
        "the same layers (nn.LPPool2d for LpPool2D, the local normalisations written with F.conv2d as kerasdl.layers "
        "computes them), the same SGD and L2 penalty (as weight decay on the kernels)", echo)
    return common.report("paper_train", training.COLUMNS, rows, args.out,
                         settings={"n_train": n, "epochs": epochs, "rounds": rounds, "onednn": settings},
                         notes=notes, targets=targets, raw=training.raw_times(settings, times, peer_times),
                         onednn=onednn, echo=echo)
