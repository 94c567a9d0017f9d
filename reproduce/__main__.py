"""`python -m reproduce ARGS`: the `kerasdl` command in a checkout (`kerasdl.commands`)."""

import sys

from reproduce import before_tensorflow

if __name__ == "__main__":
    before_tensorflow()

    from kerasdl.commands import main

    sys.exit(main(sys.argv[1:], prog="reproduce"))
