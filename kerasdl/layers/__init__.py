"""Keras layers of the reports: Lp pooling, Torch7's overlapping max pooling and its subtractive
and divisive normalizations, an inverse-invariant map."""

from kerasdl.layers.inverse_invariant import InverseInvariant
from kerasdl.layers.lp_pool import LpPool2D, gaussian_kernel
from kerasdl.layers.overlapping_max_pool import OverlappingMaxPool2D
from kerasdl.layers.local_normalization import DivisiveNormalization, SubtractiveNormalization

__all__ = [
    "DivisiveNormalization",
    "InverseInvariant", "LpPool2D", "OverlappingMaxPool2D", "SubtractiveNormalization", "gaussian_kernel"]
