"""`python -m reproduce ...`: see `kerasdl.runner.cli`."""

import sys

from reproduce import REPORT_IDS, prefer_onednn

if __name__ == "__main__":
    prefer_onednn()  # before TensorFlow loads

    from kerasdl.runner.cli import load_report, main

    sys.exit(main(sys.argv[1:], load_report, REPORT_IDS))
