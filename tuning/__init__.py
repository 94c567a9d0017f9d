"""KerasTuner searches of the hyperparameters that report `classifiers` chose on its validation
set: hidden units of the 2-layer nets (Q2-Q4), filter size and hidden units of the three-layer
ConvNet (Q5.3), dropout of its batch-norm variant (Q5.4).

    python -m tuning list
    python -m tuning q5_cnn --profile fast --data-dir ../shared/data
    python -m tuning q5_cnn --tuner bayesian --max-trials 12
    python -m tuning q4_hidden --workers 2      # KerasTuner's distributed mode, on loopback

Each search is a `keras_tuner.HyperModel` (`tuning.searches`) over the report's own models
(`reproduce.classifiers`); tuners are KerasTuner's, chosen by name (`tuning.tuners`); a search
starts fresh unless `--resume` (`tuning.run`); `tuning.distributed` runs one search as a chief and
workers, here or across machines. Results: `<out>/<search>/summary.json`, `val_accuracy.png` and
the KerasTuner project in `<out>/<search>/project/`.

This package imports nothing heavy, so that `python -m tuning` sets TensorFlow's environment
(`reproduce.before_tensorflow`) before TensorFlow loads; import its modules by name.
"""
