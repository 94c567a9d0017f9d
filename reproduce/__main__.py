"""`python -m reproduce ...`: see `kerasdl.runner.cli`."""

import sys

from reproduce import prefer_onednn

if __name__ == "__main__":
    prefer_onednn()  # before TensorFlow loads

    from kerasdl.runner.cli import reproduce_main

    sys.exit(reproduce_main(sys.argv[1:]))
