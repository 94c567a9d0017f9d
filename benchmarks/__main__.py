import sys

from benchmarks.cli import main

# Guarded: a process that multiprocessing spawns may import the main module again.
if __name__ == "__main__":
    sys.exit(main())
