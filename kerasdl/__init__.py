"""kerasdl: re-run, check and extend classic deep-learning course reports in TensorFlow/Keras.

Importing the package registers every custom Keras object (layers, activations, initializers, losses,
regularizers, schedules) for serialization, so saved `.keras` models load with a plain
`keras.models.load_model` once `import kerasdl` has run.
"""

__version__ = "0.1.0"

from kerasdl import activations  # noqa: E402,F401
from kerasdl import callbacks  # noqa: E402,F401
from kerasdl import derivations  # noqa: E402,F401
from kerasdl import initializers  # noqa: E402,F401
from kerasdl import layers  # noqa: E402,F401
from kerasdl import losses  # noqa: E402,F401
from kerasdl import regularizers  # noqa: E402,F401
from kerasdl import schedules  # noqa: E402,F401
from kerasdl import scratch  # noqa: E402,F401
