"""`python -m reproduce ...`: see `kerasdl.runner.cli`."""

import sys

from kerasdl.runner.cli import load_report, main
from reproduce import REPORT_IDS

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], load_report, REPORT_IDS))
