"""Keras layers of the reports: Lp pooling, subtractive normalization, an inverse-invariant map."""

from kerasdl.layers.inverse_invariant import InverseInvariant
from kerasdl.layers.lp_pool import LpPool2D, gaussian_kernel
from kerasdl.layers.subtractive_normalization import SubtractiveNormalization

__all__ = ["InverseInvariant", "LpPool2D", "SubtractiveNormalization", "gaussian_kernel"]
