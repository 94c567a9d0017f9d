import sys

from reproduce import prefer_onednn

# Guarded: a process that multiprocessing spawns may import the main module again.
if __name__ == "__main__":
    prefer_onednn()  # before TensorFlow loads; lenet5_train and lppool set each variant's own

    from benchmarks.cli import main

    sys.exit(main())
