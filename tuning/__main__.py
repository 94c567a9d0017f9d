"""`python -m tuning ...`: see `tuning.cli`."""

import sys

from reproduce import prefer_onednn

if __name__ == "__main__":
    prefer_onednn()  # before TensorFlow loads

    from tuning.cli import main

    sys.exit(main(sys.argv[1:]))
