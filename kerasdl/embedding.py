"""2-D embeddings of images and how well they separate classes (report `lenet5`, table `tsne`:
its Figure 8, a t-SNE of MNIST, Fashion-MNIST and CIFAR-10, quantified).

`tsne` embeds flattened images in two dimensions (PCA to 50 first); `knn_accuracy` scores the
embedding by how often a point's nearest neighbours share its class. scikit-learn and
threadpoolctl are imported when called, not with this module.
"""

import numpy as np


def sample(x, y, n, seed=0):
    """A seeded sample of `n` examples (all where there are fewer), in their original order,
    images flattened to rows of floats /255: the input `tsne` takes.

    Returns:
        `(x (n, H*W*C) float32, labels (n,) int)`.
    """
    n = min(n, len(y))
    pick = np.sort(np.random.default_rng(seed).choice(len(y), n, replace=False))
    return x[pick].reshape(n, -1).astype("float32") / 255, y[pick].astype(int)


def knn_accuracy(points, labels, k=5):
    """Leave-one-out k-nearest-neighbour accuracy of the labels in an embedding.

    Each point is classified by the majority label of its `k` nearest other points (ties to the
    smallest label); returns the fraction classified right: 1.0 for well separated classes, about
    1 / classes for classes mixed at random.

    Args:
        points: the embedding, (N, D).
        labels: non-negative integer labels, (N,).
        k: neighbours that vote.
    """
    from sklearn.neighbors import NearestNeighbors

    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points, return_distance=False)[:, 1:]
    votes = labels[neighbours]
    predicted = np.array([np.bincount(v, minlength=labels.max() + 1).argmax() for v in votes])
    return float(np.mean(predicted == labels))


def tsne(x, seed):
    """2-D t-SNE of flattened images, after PCA to 50 dimensions (the usual preprocessing).

    Perplexity 30 (less for fewer than 91 points: t-SNE needs perplexity < N / 3), PCA
    initialisation, both seeded with `seed`. t-SNE runs on one OpenMP thread: on cores shared with
    other jobs its spinning threads run 10x slower.

    Args:
        x: (N, features) floats, e.g. from `sample`.
        seed: the PCA and t-SNE random state.

    Returns:
        The embedding, (N, 2).
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    reduced = PCA(min(50, *x.shape), random_state=seed).fit_transform(x)
    perplexity = min(30.0, (len(x) - 1) / 3)
    with threadpool_limits(1, user_api="openmp"):
        return TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(reduced)


def separability(x, y, n, seed, sample_seed=0):
    """Embed a seeded sample of `n` images (`sample` with `sample_seed`) in 2-D (`tsne` with
    `seed`) and score how well its classes separate (`knn_accuracy`): report `lenet5`'s table
    `tsne`, its Figure 8 quantified.

    Returns:
        `(points (n, 2), labels (n,), k-NN accuracy)`.
    """
    x, labels = sample(x, y, n, seed=sample_seed)
    points = tsne(x, seed)
    return points, labels, knn_accuracy(points, labels)
