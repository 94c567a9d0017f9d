"""
Title: Alternatives to softmax, Lp pooling and signed Lp regularizers on SVHN
Reproduces: report `alt_softmax` of REPORTS.md (seed 000_3bb6c57d82ba3598.txt, "Deep Learning:
Homework1", April 2020, TensorFlow): Megvii tf-tutorials Homework 1, folder `01-svhn/`.
Command: python -m reproduce alt_softmax --data-dir DATA [--profile smoke|fast|paper]
    [--set dataset=svhn_cropped|mnist]

The report is Homework 1 of the Megvii tf-tutorials course, whose handout asks only for diffs to the
course template: every table trains the template's SVHN network with the template's optimizer,
schedule, batches and test metric (`TEMPLATE`, read at megvii-research/tf-tutorials @ ac7b30b), and
each row changes one thing as the report did: the output activation (q1), the loss (q2), the pooling
(q3) or the weight penalty (q4). SVHN is the paper's data set; the `smoke` and `fast` profiles train
the same template on MNIST, a stand-in for machines without SVHN, and their cells are then "not
comparable" (`--set dataset=svhn_cropped` runs them on SVHN where a user has it).
"""

if __name__ == "__main__":  # run as a script: TensorFlow's fast CPU path, set before it loads
    from reproduce import before_tensorflow

    before_tensorflow()

import keras
import numpy as np

from kerasdl import activations, data as kdata, layers, losses, regularizers, schedules
from kerasdl.runner import PERCENT_OF_TEST, Candidate, Choice, Conclusion, Report, TrialResult, fit
from kerasdl.runner.claims import all_of, any_of, beats, best, increasing, within
from kerasdl.runner.declare import reported, table_factory

TEMPLATE = "megvii-research/tf-tutorials @ ac7b30b"
TRAIN_PY = f"{TEMPLATE}, 01-svhn/train.py"
MODEL_PY = f"{TEMPLATE}, 01-svhn/model.py"
COMMON_PY = f"{TEMPLATE}, 01-svhn/common.py"
HANDOUT = f"{TEMPLATE}, 01-svhn/Homework 1.md"

# ## Setup: profiles and the baseline
#
# `paper` is the template's run: 60 epochs of batch 256 on SVHN (train + extra: 2,360 steps per
# epoch). `fast` keeps the template and its schedule's proportions and shortens the run: 5 epochs
# of the first 8,192 MNIST training images (32 steps each), tested on the first 5,120 test images.

PROFILES = {
    "smoke": {"epochs": 3, "trials": 1, "n_train": 512, "n_test": 512, "batch_size": 32, "dataset": "mnist"},
    "fast": {"epochs": 5, "trials": 2, "n_train": 8192, "n_test": 5120, "batch_size": 256, "dataset": "mnist"},
    "paper": {"epochs": 60, "trials": 5, "n_train": None, "n_test": None, "batch_size": 256, "dataset": "svhn_cropped"},
}
DATASETS = ("svhn_cropped", "mnist")

BASELINE = {
    "activation": "softmax",
    "loss": "cross_entropy",
    "pooling": "max",
    "reg_p": 2,
    # common.py's weight_decay; q4 raises it to 1e-3, as the report's q4.1 text says.
    "weight_decay": 1e-10,
    "reg_sign": 1,
}

# The template's Adam (train.py l.72-82): 0.01, then 0.001 after 15 epochs, 0.0005 after 40, of 60.
TEMPLATE_EPOCHS = 60
LEARNING_RATE = 0.01
BOUNDARIES, MULTIPLIERS = (15, 40), (0.1, 0.05)

# ## The choices the report leaves unstated
#
# Each default is what the tables run; the alternatives are what `kerasdl sensitivity` runs.

EXTRA = Choice(
    "extra",
    "SVHN's extra split (531,131 images) in the training set",
    Candidate(True, "the template's default in every commit, use_extra_data = True: train + extra, 604,388 images",
              COMMON_PY),
    [Candidate(False, "the handout's FAQ lets students skip extra_32x32.mat (use_extra_data = False); q4.2's rows, "
               "labelled 'no extra 32x32', train so", HANDOUT)],
    tables=("q1_softmax_alternatives", "q2_regression_vs_classification", "q3_lp_pooling", "q4_lp_regularization"),
    reads=lambda c: c["dataset"] == "svhn_cropped",
)
FINAL_POOL = Choice(
    "lp_final_pool",
    "whether q3's Lp pooling also replaces the final 4x4 average pool",
    Candidate(False, "the three 2x2 max pools only: the report compares 'max pooling' with Lp pooling, and its 3x3, "
              "stride-2 kernel is a replacement for those"),
    [Candidate(True, "the handout's 'Change all pooling layers to Lp pooling': the average pool too, as an Lp pool "
               "over its own 4x4 window (OpenCV's 4x4 Gaussian, stride 4), so the network keeps its shape", HANDOUT)],
    tables=("q3_lp_pooling",),
    reads=lambda c: c["pooling"] != "max",
)
REG_EPSILON = Choice(
    "reg_epsilon",
    "guard epsilon of the p < 0 penalty (|w| + epsilon)^p",
    Candidate(1e-6, "SignedLp's default: the report's code (tf.pow(tf.abs(w), p)) has no guard and is "
              "infinite at w = 0; 1e-6 is a float32 guard a little above Keras's epsilon 1e-7"),
    [Candidate(1e-10, "the only guard constant the report writes (tf.clip_by_value(q, 1e-10, 1.0) in its "
               "loss), the nearest to its unguarded penalty")],
    tables=("q4_lp_regularization",),
    reads=lambda c: c["reg_p"] < 0,
)
UNSTATED = [EXTRA, FINAL_POOL, REG_EPSILON]

NOTES = (
    "The template (model.py): seven 3x3 convolutions (16; 32, 32; 64, 64; 128, 128), each with a bias, batch norm "
    "(momentum 0.99, eps 1e-3) and ReLU; 2x2 max pools after the first, third and fifth; a 4x4 average pool; dense "
    "10. Weights variance-scaling fan-in normal (Keras's lecun_normal), biases 0. Inputs are raw 0-255 pixels.",
    "Training (train.py, common.py): Adam (TF1 defaults, epsilon 1e-8) at 0.01, then 0.001 and 0.0005 from 15/60 and "
    "40/60 of the run's epochs; batch 256 over a reshuffled training set, the remainder dropped (the template "
    "repeats before batching, so its batches straddle epochs).",
    "The penalty weight_decay * sum |w|^p (the report's in place of the template's l2_regularizer) covers every "
    "conv and dense kernel, not the biases nor batch norm; weight_decay 1e-10 outside q4 (common.py).",
    "Test accuracy as train.py computes it: over the test set's full batches of the batch size, 256 (25,856 of SVHN's 26,032 "
    "images; the template's window shifts from epoch to epoch, ours is the first ones); 'best' is the best epoch's, "
    "as the report's column gives it (a selection on the test set, kept for comparability).",
)

OUTPUTS = {
    "softmax": "softmax",
    "abs_max": activations.abs_max,
    "square_max": activations.square_max,
    "plus_one_abs_max": activations.plus_one_abs_max,
    "non_negative_max": activations.non_negative_max,
}


def variant(**changes):
    return {**BASELINE, **changes}


# ## Model: the template's network (model.py)

STAGES = ((16,), (32, 32), (64, 64), (128, 128))


def pooling(config):
    if config["pooling"] == "max":
        return keras.layers.MaxPool2D(2, padding="same")
    # Sermanet et al.'s Lp pooling: the report's 3x3 Gaussian, stride 2.
    return layers.LpPool2D(p=config["pooling"], pool_size=3, strides=2, kernel="gaussian", padding="same")


def final_pool(config):
    if config["pooling"] != "max" and FINAL_POOL.of(config):
        return layers.LpPool2D(p=config["pooling"], pool_size=4, strides=4, kernel="gaussian", padding="same")
    return keras.layers.AveragePooling2D(4, 4, padding="same")


def build_model(config, input_shape=(32, 32, 3), classes=10):
    # The report's q2 loss line omits the template's loss_reg: the MSE row trains without the penalty.
    penalty = None if config["loss"] == "mse" else regularizers.SignedLp(
        p=config["reg_p"], weight_decay=config["weight_decay"], sign=config["reg_sign"], epsilon=REG_EPSILON.of(config)
    )
    x = inputs = keras.Input(input_shape)
    # kerasdl's inputs are in [0, 1]; the template feeds raw 0-255 pixels.
    x = keras.layers.Rescaling(255.0)(x)
    for stage, maps in enumerate(STAGES):
        for filters in maps:
            x = keras.layers.Conv2D(filters, 3, padding="same", kernel_initializer="lecun_normal",
                                    kernel_regularizer=penalty)(x)
            x = keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3)(x)
            x = keras.layers.ReLU()(x)
        x = pooling(config)(x) if stage < len(STAGES) - 1 else final_pool(config)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(classes, kernel_initializer="lecun_normal", kernel_regularizer=penalty)(x)
    outputs = keras.layers.Activation(OUTPUTS[config["activation"]], name="probabilities")(x)
    return keras.Model(inputs, outputs)


def loss_of(config):
    if config["loss"] == "mse":
        return losses.ProbabilityMSE(sparse=True)
    if config["activation"] == "softmax":
        return keras.losses.SparseCategoricalCrossentropy()
    # No softmax inside: the report's clipped-log cross-entropy on the probabilities.
    return losses.ClippedCrossEntropy(sparse=True)


# ## Training and evaluation


def training_set(trial):
    """The training images: train, then SVHN's extra split where chosen; a profile's `n_train`
    keeps the first ones."""
    data, config = trial.data, trial.config
    if config["dataset"] != "svhn_cropped" or not EXTRA.of(config):
        return data.x_train, data.y_train
    if data.x_extra is None:
        raise kdata.DataUnavailableError(
            f"{data.source} holds no extra split (extra_32x32.mat), which the template trains on: add the file, "
            "or pass --set extra=false to train on SVHN's train split only"
        )
    n = config.get("n_train")
    x, y = (np.concatenate([a, b])[:n] for a, b in ((data.x_train, data.x_extra), (data.y_train, data.y_extra)))
    return x, y


def learning_rate(config, steps_per_epoch):
    """`(epochs, schedule)`: the template's piecewise rate, its boundaries scaled to the run's epochs."""
    return schedules.scaled_epoch_multiplier(
        LEARNING_RATE, steps_per_epoch, epochs=TEMPLATE_EPOCHS, boundaries=BOUNDARIES, multipliers=MULTIPLIERS,
        scale=config["epochs"] / TEMPLATE_EPOCHS,
    )


def compiled_model(config, rate, input_shape, classes=10):
    """The row's model, compiled as the template trains it: Adam (TF1's epsilon) at `rate`."""
    model = build_model(config, input_shape, classes)
    model.compile(
        optimizer=keras.optimizers.Adam(rate, epsilon=1e-8),
        loss=loss_of(config),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model


def run(trial):
    config, data, batch = trial.config, trial.data, trial.config["batch_size"]
    x, y = training_set(trial)
    train = kdata.shuffled_batches(x, y, batch, seed=trial.seed)
    # train.py evaluates the test set in full batches (the remainder is never seen).
    full = len(data.y_test) // batch * batch
    test = (kdata.to_float(data.x_test[:full]), data.y_test[:full])
    epochs, rate = learning_rate(config, len(y) // batch)
    model = compiled_model(config, rate, data.image_shape, data.num_classes)
    history, diverged = fit(trial, model, train, None, validation_data=test, epochs=epochs,
                            validation_batch_size=batch)
    accuracy = history.get("val_accuracy") or [float("nan")]
    return TrialResult(
        metrics={"test_accuracy_pct": 100 * max(accuracy)},
        history=history,
        diverged_epoch=diverged,
        model=model,
    )


# ## The report's tables

ACC = "test_accuracy_pct"
COLUMNS = [ACC]

table = table_factory(
    run=run,
    data="svhn_cropped",
    data_setting="dataset",
    choices={"dataset": DATASETS},
    curve="val_accuracy",
    proportions={ACC: PERCENT_OF_TEST},
    notes=NOTES,
)

# q1's alternatives can spread widely from run to run (some runs stay at chance, about 10 %), so a
# mean over two runs says little: q1 runs 3 trials at `fast`, and `learned_pct` gives the share of
# runs that learn at all.
LEARNED_ABOVE_PCT = 20.0  # twice chance


def _learned(metrics):
    accuracy = metrics.get(ACC)
    return None if accuracy is None else 100.0 * (accuracy > LEARNED_ABOVE_PCT)


q1 = table(
    "q1_softmax_alternatives",
    "best test accuracy (%) with softmax and four alternatives at the output",
    [ACC, "learned_pct"],
    [
        reported("softmax", {ACC: 96.8}, variant()),
        reported("abs-max", {ACC: 28.7}, variant(activation="abs_max")),
        reported("square-max", {ACC: 43.8}, variant(activation="square_max")),
        reported("plus-one-abs-max", {ACC: 95.1}, variant(activation="plus_one_abs_max")),
        reported("non-negative-max", {ACC: 60.1}, variant(activation="non_negative_max")),
    ],
    conclusions=[
        Conclusion(
            "plus-one-abs-max comes closest to softmax among the alternatives",
            best("plus-one-abs-max", ["abs-max", "square-max", "non-negative-max"], ACC),
        ),
        Conclusion(
            "abs-max and square-max (even functions) fall far below softmax (>10 points)",
            beats("softmax", ["abs-max", "square-max"], ACC, by=10),
        ),
        Conclusion(
            "non-negative-max beats abs-max and square-max but not plus-one-abs-max",
            all_of(beats("non-negative-max", ["abs-max", "square-max"], ACC), beats("plus-one-abs-max", "non-negative-max", ACC)),
        ),
    ],
    notes=[
        "Alternatives are trained with the clipped-log cross-entropy (clip 1e-10); softmax with Keras's cross-entropy.",
        f"learned_pct: share of runs whose best test accuracy exceeds {LEARNED_ABOVE_PCT:.0f} % (twice chance). "
        "An alternative's runs can spread widely (some stay at chance), "
        "so its mean needs more runs: 3 per row at `fast` (the report does not say how many it averaged).",
    ],
    derived={"learned_pct": _learned},
    profiles={"fast": {"trials": 3}},
)

q2 = table(
    "q2_regression_vs_classification",
    "best test accuracy (%) with cross-entropy vs squared distance to the one-hot target",
    COLUMNS,
    [
        reported("cross-entropy", {ACC: 96.8}, variant()),
        reported("MSE (probabilities vs one-hot)", {ACC: 95.1}, variant(loss="mse")),
    ],
    conclusions=[
        Conclusion("cross-entropy beats the squared-distance loss", beats("cross-entropy", "MSE (probabilities vs one-hot)", ACC))
    ],
    repeats={"cross-entropy": "q1_softmax_alternatives/softmax"},
)

LP_ROWS = ["Lp p=-1", "Lp p=1", "Lp p=2", "Lp p=4"]
q3 = table(
    "q3_lp_pooling",
    "best test accuracy (%) with max pooling vs Gaussian Lp pooling (3x3, stride 2)",
    COLUMNS,
    [
        reported("max-pooling", {ACC: 96.8}, variant()),
        reported("Lp p=-1", {ACC: 92.1}, variant(pooling=-1)),
        reported("Lp p=1", {ACC: 93.4}, variant(pooling=1)),
        reported("Lp p=2", {ACC: 96.2}, variant(pooling=2)),
        reported("Lp p=4", {ACC: 95.1}, variant(pooling=4)),
    ],
    conclusions=[
        Conclusion("(table) max pooling is at least as good as every Lp pooling", beats("max-pooling", LP_ROWS, ACC, strict=False)),
        Conclusion("(table) p=2 is the best Lp pooling", best("Lp p=2", LP_ROWS, ACC)),
        Conclusion(
            "(analysis text) Lp pooling is 'significantly higher' than max pooling (some p beats it by > 0.5 points)",
            any_of(*(beats(r, "max-pooling", ACC, by=0.5) for r in LP_ROWS)),
        ),
    ],
    errata=[
        "The report's q3 analysis calls Lp pooling 'significantly higher' than max pooling, while "
        "its own table shows every Lp row below max pooling's 96.8."
    ],
    repeats={"max-pooling": "q1_softmax_alternatives/softmax"},
)

Q4_ROWS = ["p=-1", "p=1", "p=2", "p=4"]
q4 = table(
    "q4_lp_regularization",
    "best test accuracy (%) with an Lp weight penalty, weight_decay 1e-3",
    COLUMNS,
    [reported(f"p={p}", {ACC: a}, variant(reg_p=p, weight_decay=1e-3)) for p, a in [(-1, 82.8), (1, 90.9), (2, 93.6), (4, 95.4)]],
    conclusions=[
        Conclusion("accuracy rises with p (p=-1 < 1 < 2 < 4)", increasing(Q4_ROWS, ACC)),
        Conclusion("p=4 is the best exponent", best("p=4", Q4_ROWS, ACC)),
    ],
)

q4_signed = table(
    "q4_signed_regularization",
    "best test accuracy (%) adding vs subtracting the L2 penalty (weight_decay 1e-3)",
    COLUMNS,
    [
        reported("baseline (+L2)", {ACC: 94.3}, variant(weight_decay=1e-3, extra=False)),
        reported("negated penalty (L_model - L_reg)", {ACC: 94.3}, variant(weight_decay=1e-3, reg_sign=-1, extra=False)),
    ],
    notes=[
        "The report labels both rows 'no extra 32x32': on SVHN they train on the train split only (extra=false), "
        "which explains a baseline 2.5 points below the other tables'. It states neither weight_decay nor p here: "
        "L2 at q4's 1e-3 (at common.py's 1e-10 the penalty's sign would change nothing)."
    ],
    conclusions=[
        Conclusion(
            "negating the penalty leaves the accuracy unchanged (within 1 point)",
            within("baseline (+L2)", "negated penalty (L_model - L_reg)", ACC, 1.0),
        )
    ],
)

REPORT = Report(
    id="alt_softmax",
    title="Alternatives to softmax, Lp pooling and signed Lp regularizers on SVHN",
    source="seeds/000_3bb6c57d82ba3598.txt",
    tables=[q1, q2, q3, q4, q4_signed],
    profiles=PROFILES,
    unstated=UNSTATED,
    protocol=(
        f"The course: Megvii tf-tutorials Homework 1, folder 01-svhn/ ({TEMPLATE}, the state of April 2020): its "
        "questions are the report's word for word ('01-svhn/Homework 1.md'), and the report's loss line is train.py's.",
        "Every table trains the template's network (model.py), Adam with its piecewise rate, batch 256 and test metric "
        "(train.py, common.py) on SVHN; the rows change what the report changed.",
        "The smoke and fast profiles run the same template on MNIST (--set dataset=mnist), a stand-in for machines "
        "without SVHN: their cells are not comparable with the paper's.",
    ),
)

if __name__ == "__main__":
    from kerasdl.commands import script

    script(REPORT)
