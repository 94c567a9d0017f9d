"""Hand-derived gradients: the layers' backward passes of report `classifiers` (Q1) and the
activations' of report `convnet_tricks` (part 1).

Each formula is a plain function of TensorFlow tensors; `tape_gradients` and `max_abs_difference`
check one against autodiff (the reports' `derivations` tables say on what). `kerasdl.scratch`
reuses them as its backward passes.
"""

from kerasdl.derivations.activations import (
    sigmoid_backward,
    softmax_with_temperature_backward,
    softmax_with_temperature_diagonal,
    softmax_with_temperature_jacobian,
    softmax_with_temperature_off_diagonal,
)
from kerasdl.derivations.check import max_abs_difference, tape_gradients
from kerasdl.derivations.layers import (
    batch_norm_backward,
    dropout_backward,
    filter_correlation,
    full_convolution,
    fully_connected_backward,
    relu_backward,
    valid_conv_backward,
)
