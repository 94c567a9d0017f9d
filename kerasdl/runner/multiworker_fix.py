"""Make Keras 3's `model.fit` work under `tf.distribute.MultiWorkerMirroredStrategy`.

With Keras 3 (checked on 3.15) and TensorFlow 2.21, `fit` under a multi-worker strategy fails in
two places, both open upstream (keras-team/keras#20585, tensorflow/tensorflow#72388):

1. `TensorFlowTrainer._maybe_symbolic_build` reduces a per-replica *data batch* with
   `strategy.reduce(...)` only to learn its shapes, which fails ("Attempt to convert a value
   (PerReplica ...) to a Tensor"). The first local replica's batch has the same shapes.
2. `reduce_per_replica` averages the scalar per-replica logs (loss, metrics) across workers with
   `strategy.reduce("MEAN", v, axis=0)`, which fails on a scalar ("Invalid reduction dimension 0
   for input with 0 dimensions"); `axis=None` is the cross-replica mean it means.

`apply()` replaces those two functions, and only when a multi-worker strategy is made (see
`kerasdl.runner.distribute`); the gradients' all-reduce is TensorFlow's own and untouched. The
distribution test checks that two workers give the single-process weights.
"""

import tensorflow as tf

_APPLIED = []


def apply() -> None:
    if _APPLIED:
        return
    from keras.src import tree
    from keras.src.backend.tensorflow import trainer

    original_reduce = trainer.reduce_per_replica

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self._distribute_strategy is None:
            return
        if iterator is not None:
            for _, _, batches in iterator:
                data_batch = tf.nest.map_structure(
                    lambda v: self.distribute_strategy.experimental_local_results(v)[0]
                    if isinstance(v, tf.distribute.DistributedValues)
                    else v,
                    next(batches),
                )
                break
        with self.distribute_strategy.scope():
            self._symbolic_build(data_batch=data_batch)

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            return tree.map_structure(lambda v: strategy.reduce("MEAN", v, axis=None), values)
        return original_reduce(values, strategy, reduction)

    trainer.TensorFlowTrainer._maybe_symbolic_build = _maybe_symbolic_build
    trainer.reduce_per_replica = reduce_per_replica
    _APPLIED.append(True)
