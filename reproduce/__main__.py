"""`python -m reproduce ...`: see `kerasdl.runner.cli`."""

import sys

from reproduce import before_tensorflow

if __name__ == "__main__":
    before_tensorflow()  # before TensorFlow loads

    from kerasdl.runner.cli import reproduce_main

    sys.exit(reproduce_main(sys.argv[1:]))
