"""Report `scratch_mlp`'s framework: tensor operations with hand-written backward passes.

Modules (`Linear`, `ReLU`, `Tanh`, `Sigmoid`, `Softmax`, `Sequential`), losses (`MSE`,
`CrossEntropy`), the `SGD` optimizer with the report's learning-rate options, a `fit` loop and
`build_ann` for the report's three networks. No autodiff: every gradient is an explicit formula,
shared with `kerasdl.derivations` where two reports derive the same one.
"""

from kerasdl.scratch.activations import ReLU, Sigmoid, Softmax, Tanh
from kerasdl.scratch.ann import build_ann
from kerasdl.scratch.linear import Linear
from kerasdl.scratch.losses import MSE, CrossEntropy
from kerasdl.scratch.module import Module
from kerasdl.scratch.sequential import Sequential
from kerasdl.scratch.sgd import SGD
from kerasdl.scratch.training import class_targets, error_rate, fit, predict, predicted_classes
