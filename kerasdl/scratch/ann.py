"""The three networks of report `scratch_mlp` (section 2.3, Table 4)."""

import numpy as np

from kerasdl.scratch.activations import ReLU, Sigmoid, Softmax, Tanh
from kerasdl.scratch.linear import Linear
from kerasdl.scratch.sequential import Sequential
from kerasdl.validation import check_choice

_HIDDEN_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
_OUTPUTS = {"sigmoid": (1, Sigmoid), "softmax": (2, Softmax)}


def build_ann(hidden_activation, output, hidden=(25, 25, 25), inputs=2, seed=None):
    """An MLP of report `scratch_mlp`: `inputs` -> `hidden` layers -> 1 sigmoid or 2 softmax units.

    ANN1 is `build_ann("relu", "softmax")`, ANN2 `build_ann("relu", "sigmoid")` and ANN3
    `build_ann("tanh", "softmax")`. Weights are N(0, 1), biases 0.

    Args:
        hidden_activation: `"relu"`, `"tanh"` or `"sigmoid"`, after every hidden layer.
        output: `"sigmoid"` (one output unit) or `"softmax"` (two).
        hidden: the hidden layer widths.
        inputs: the input width.
        seed: integer seed of all weights (each layer gets its own stream); `None` is unseeded.

    Returns:
        A `kerasdl.scratch.Sequential`.
    """
    hidden_activation = check_choice("hidden_activation", hidden_activation, _HIDDEN_ACTIVATIONS)
    output = check_choice("output", output, _OUTPUTS)
    outputs, output_activation = _OUTPUTS[output]
    widths = [inputs, *hidden, outputs]
    layer_seeds = (
        [None] * (len(widths) - 1)
        if seed is None
        else [int(s) for s in np.random.SeedSequence(seed).generate_state(len(widths) - 1)]
    )
    modules = []
    for width_in, width_out, layer_seed in zip(widths[:-1], widths[1:], layer_seeds):
        modules += [Linear(width_in, width_out, seed=layer_seed)]
        modules += [_HIDDEN_ACTIVATIONS[hidden_activation]()]
    modules[-1] = output_activation()
    return Sequential(*modules)
