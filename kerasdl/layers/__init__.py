"""Keras layers of the reports: Lp pooling, Torch7's overlapping max pooling and its subtractive
and divisive normalizations, an inverse-invariant map. A new pooling or normalisation layer
subclasses `Pooling2D` or `SpatialLayer` (`kerasdl.layers.base`), as these do."""

from kerasdl.layers.base import Pooling2D, SpatialLayer
from kerasdl.layers.inverse_invariant import InverseInvariant
from kerasdl.layers.lp_pool import LpPool2D, gaussian_kernel
from kerasdl.layers.overlapping_max_pool import OverlappingMaxPool2D
from kerasdl.layers.local_normalization import DivisiveNormalization, SubtractiveNormalization

__all__ = [
    "DivisiveNormalization",
    "InverseInvariant", "LpPool2D", "OverlappingMaxPool2D", "Pooling2D", "SpatialLayer", "SubtractiveNormalization",
    "gaussian_kernel"]
