"""The inverse-invariant input map F(x) = x * (1 - x) of report `lenet5`."""

import keras


@keras.saving.register_keras_serializable(package="kerasdl")
class InverseInvariant(keras.layers.Layer):
    """Maps pixels by `F(x) = x * (1 - x)`, so an image and its inverse `1 - x` look the same.

    Report `lenet5` (table `inverse_invariant`): with this layer first, a LeNet-5 trained on
    MNIST scores the same on MNIST and on its inverse `1 - x`, because `F(x) == F(1 - x)`. Inputs
    are expected scaled to [0, 1], where F rises from 0 to 0.25 at x = 0.5 and falls back to 0.
    The layer has no weights.

    Input shape:
        Any shape.

    Output shape:
        The input shape.

    Example:

    >>> x = np.random.rand(4, 28, 28, 1).astype("float32")
    >>> layer = InverseInvariant()
    >>> np.allclose(layer(x), layer(1 - x), atol=1e-6)
    True
    """

    def call(self, inputs):
        return inputs * (1.0 - inputs)

    def compute_output_shape(self, input_shape):
        return input_shape
