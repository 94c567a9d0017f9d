"""`python -m tuning ...`: see `tuning.cli`."""

import sys

from reproduce import before_tensorflow

if __name__ == "__main__":
    before_tensorflow()  # before TensorFlow loads

    from tuning.cli import main

    sys.exit(main(sys.argv[1:]))
