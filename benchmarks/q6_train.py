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

from benchmarks import common, training

N_TRAIN, QUICK_N_TRAIN = 2_000, 200
ROUNDS = 2
BATCH = 100
NETWORKS = ("cifar_given", "cifar_wider")
SHAPE = (32, 32, 3)


def config(network):
    """q6's settings for `network` at `paper`, as its trials get them."""
    from reproduce import classifiers

    return {**classifiers.REPORT.settings(classifiers.q6, "paper"), "model": network}


def build(network):
    """The table's own builder: the network, compiled with q6's loss and Adam."""
    from reproduce import classifiers

    return classifiers.build_model(config(network), SHAPE, 10)


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


def torch_times(network, x, y, epochs, torch):
    """vgg.py's loop: reshuffled batches of 100, Adam 1e-3 (eps 1e-8), CrossEntropyLoss;
    inputs (x/255 - 0.5) / 0.5."""
    torch.manual_seed(0)
    model = torch_model(torch, network)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return training.torch_loop(model, optimizer, torch.nn.CrossEntropyLoss(), x, y, epochs, BATCH, torch,
                               scale=lambda t: (t / 255.0 - 0.5) / 0.5)


def tf_round(n, epochs) -> dict[tuple[str, str], list[float]]:
    """One round in a oneDNN setting's worker process: per network, the runner then model.fit."""
    x, y = training.images(n, SHAPE)
    return {(network, variant): ts for network in NETWORKS
            for variant, ts in training.tf_times(lambda: build(network), x, y, epochs, BATCH).items()}


def run(args, echo=print) -> dict:
    n = QUICK_N_TRAIN if args.quick else N_TRAIN
    epochs = 2 if args.quick else args.epochs
    rounds = 1 if args.quick else ROUNDS
    settings = common.onednn_settings(args.onednn)
    x, y = training.images(n, SHAPE)
    torch = common.torch_or_none()
    times, peer_times, onednn, onednn_notes = training.timed_rounds(
        NETWORKS, settings, rounds, tf_round, (n, epochs), torch, lambda network: torch_times(network, x, y, epochs, torch))
    rows, targets = training.rows_and_targets(NETWORKS, settings, onednn, times, peer_times, {k: n for k in NETWORKS})
    notes = training.notes(
        f"{n} random uint8 32x32x3 images, 10 classes, batch {BATCH}, Adam(1e-3, eps 1e-8); the networks of "
        "reproduce.classifiers (q6's builder and settings, PyTorch's initialisation)", rounds, epochs, onednn_notes,
        torch, "the same layers", echo)
    return common.report("q6_train", training.COLUMNS, rows, args.out,
                         settings={"n_train": n, "epochs": epochs, "rounds": rounds, "batch_size": BATCH,
                                   "onednn": settings},
                         notes=notes, targets=targets, raw=training.raw_times(settings, times, peer_times),
                         onednn=onednn, echo=echo)
