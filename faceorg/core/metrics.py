"""Evaluation measures the tests and benchmarks share: verification and clustering quality."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


def roc_auc(distances: np.ndarray, same: np.ndarray) -> float:
    """Probability that a random same-person pair is closer than a random different-person pair."""
    distances = np.asarray(distances, dtype=np.float64)
    same = np.asarray(same, dtype=bool)
    pos, neg = distances[same], distances[~same]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need both same-person and different-person pairs")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order), dtype=np.float64)
    values = np.concatenate([pos, neg])[order]
    ranks[order] = _average_ranks(values)
    # AUC = P(d_pos < d_neg): count, for each negative, the positives ranked below it
    neg_ranks = ranks[len(pos) :]
    return float((neg_ranks.sum() - len(neg) * (len(neg) + 1) / 2) / (len(pos) * len(neg)))


def _average_ranks(sorted_values: np.ndarray) -> np.ndarray:
    ranks = np.arange(1, len(sorted_values) + 1, dtype=np.float64)
    start = 0
    while start < len(sorted_values):
        end = start
        while end + 1 < len(sorted_values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[start : end + 1] = (start + end + 2) / 2
        start = end + 1
    return ranks


def accuracy_at(distances: np.ndarray, same: np.ndarray, threshold: float) -> float:
    return float(np.mean((np.asarray(distances) < threshold) == np.asarray(same, dtype=bool)))


def best_accuracy(distances: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """(accuracy, threshold) of the best single threshold."""
    candidates = np.unique(distances)
    mids = np.concatenate([[candidates[0] - 1e-6], (candidates[:-1] + candidates[1:]) / 2, [candidates[-1] + 1e-6]])
    scores = [accuracy_at(distances, same, t) for t in mids]
    best = int(np.argmax(scores))
    return scores[best], float(mids[best])


def pairwise_scores(predicted: Sequence[Hashable | None], truth: Sequence[Hashable]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F over items; an unassigned item (None) pairs with nothing."""
    same_pred = same_true = same_both = 0
    n = len(truth)
    for i in range(n):
        for j in range(i + 1, n):
            p = predicted[i] is not None and predicted[i] == predicted[j]
            t = truth[i] == truth[j]
            same_pred += p
            same_true += t
            same_both += p and t
    precision = same_both / same_pred if same_pred else 1.0
    recall = same_both / same_true if same_true else 1.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f


def bcubed_scores(predicted: Sequence[Hashable | None], truth: Sequence[Hashable]) -> tuple[float, float, float]:
    """BCubed precision, recall, F; an unassigned item forms a cluster of its own."""
    labels = [p if p is not None else ("__alone__", i) for i, p in enumerate(predicted)]
    joint = Counter(zip(labels, truth))
    by_pred = Counter(labels)
    by_true = Counter(truth)
    n = len(truth)
    precision = sum(joint[(p, t)] / by_pred[p] for p, t in zip(labels, truth)) / n
    recall = sum(joint[(p, t)] / by_true[t] for p, t in zip(labels, truth)) / n
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f
