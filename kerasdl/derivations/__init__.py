"""Hand-derived gradients of reports `convnet_tricks` (part 1) and `classifiers` (Q1).

Each formula is a plain function of TensorFlow tensors; `max_abs_differences(report)` checks them
against `tf.GradientTape` for the reports' `derivations` tables. `kerasdl.scratch` reuses them as
its backward passes.
"""

from kerasdl.derivations.check import max_abs_differences
from kerasdl.derivations.classifiers import (
    batch_norm_backward,
    dropout_backward,
    filter_correlation,
    full_convolution,
    fully_connected_backward,
    relu_backward,
    valid_conv_backward,
)
from kerasdl.derivations.convnet_tricks import (
    sigmoid_backward,
    softmax_with_temperature_backward,
    softmax_with_temperature_diagonal,
    softmax_with_temperature_jacobian,
    softmax_with_temperature_off_diagonal,
)
