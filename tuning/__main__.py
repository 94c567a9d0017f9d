"""`python -m tuning ...`: see `tuning.cli`."""

import sys

from tuning.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
