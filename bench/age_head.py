"""Fit and measure the learned age head (faceorg/vision/age_head.py) on UTKFace photos.

    python tools/build_eval_sets.py --utkface ... --train-per-age 150 --rest   # utkface, utkface_train, utkface_rest
    PYTHONPATH=$PWD python bench/age_head.py          # test-split figures of the shipped head
    PYTHONPATH=$PWD python bench/age_head.py --fit    # refit resources/weights/age_head_utkface.*
    PYTHONPATH=$PWD python bench/quality.py --fit --close-up --min-face 20   # then refit the calibration

The head is fitted on `utkface_train` and `utkface_rest` only (photos in neither split of
`utkface`; `utkface_rest` holds the mirror's photos beyond --train-per-age, mostly infants),
every face found the app's way (bench/quality.py `detect_set`: RetinaFace, smallest face 20 px,
close-ups). Each age band of core.calibration.AGE_BANDS weighs the same in the loss, since
the training photos are mostly young and users ask for "60+" as often as for "20-39".
Inputs (bin probabilities, descriptors and the mirrored chips' descriptors) are cached under
/work/data/cache/i14.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import BANDS, CACHE, aligned, detect_set, torch_threads  # noqa: E402

from faceorg.resources import resources_dir  # noqa: E402
from faceorg.vision.age_gender import AgeGenderAnalyzer  # noqa: E402
from faceorg.vision.age_head import AGE_HEAD, AgeHead, flip_averaged, head_features  # noqa: E402
from faceorg.vision.aligned import AlignedFace  # noqa: E402
from faceorg.vision.embed_torch import TorchDlibEmbedder  # noqa: E402

MEMBERS, HIDDEN, DROPOUT, EPOCHS, DECAY = 5, 128, 0.3, 150, 1e-2
TRAIN_SETS = ("utkface_train", "utkface_rest")
"""Chosen by bench/age_head_cv.py (cross-validation inside utkface_train and the cal split)."""


def found(name: str) -> list[dict]:
    """The rows of set `name` where the app finds a face (RetinaFace, smallest face 20 px, close-ups)."""
    return [r for r in detect_set(name, 20, True) if r["rect"]]


def face_batches(name: str, rows: list[dict], size: int = 64) -> Iterator[list[AlignedFace]]:
    """The aligned faces of `rows`, `size` at a time, with progress on stderr."""
    for start in range(0, len(rows), size):
        faces = aligned(name, rows[start : start + size], True)
        yield faces
        print(f"  {name}: {start + len(faces)} of {len(rows)} faces", file=sys.stderr, flush=True)


def inputs(name: str) -> dict[str, np.ndarray]:
    """Per face found in set `name`: bin probabilities, descriptor, true age, split (cached)."""
    cache = CACHE / f"agehead-{name}.npz"
    if cache.is_file():
        return dict(np.load(cache))
    rows = found(name)
    analyzer = AgeGenderAnalyzer("cpu", calibrated=False, head=False)
    bins, ids = [], []
    for faces in face_batches(name, rows):
        bins.append(analyzer.bin_probabilities(faces))
        ids.append(analyzer.identities(faces))
    data = {
        "bins": np.concatenate(bins),
        "ids": np.concatenate(ids),
        "age": np.array([float(r["label"]) for r in rows]),
        "split": np.array([r["split"] for r in rows]),
    }
    np.savez(cache, **data)
    return data


def mirrored_ids(name: str) -> np.ndarray:
    """Per face of `inputs(name)`: the descriptor of its mirrored chip, as the app computes it (cached)."""
    cache = CACHE / f"agehead-mirror-{name}.npz"
    if cache.is_file():
        return np.load(cache)["ids_flip"]
    embedder = TorchDlibEmbedder("cpu")
    flipped = np.concatenate([embedder.mirrored(faces) for faces in face_batches(name, found(name))])
    np.savez(cache, ids_flip=flipped)
    return flipped


def head_inputs(name: str) -> dict[str, np.ndarray]:
    """`inputs(name)` with the descriptor the head reads: flip-averaged (`ids`), the plain one kept as `ids_plain`."""
    data = inputs(name)
    return {**data, "ids_plain": data["ids"], "ids": flip_averaged(data["ids"], mirrored_ids(name))}


def band_weights(age: np.ndarray) -> np.ndarray:
    """Weights under which every age band holds the same total weight (mean weight 1)."""
    band = np.digitize(age, [lo for lo, _ in BANDS[1:]])
    weights = 1.0 / np.bincount(band)[band]
    return weights * len(age) / weights.sum()


def train_net(x, age, weights, seed: int, hidden=HIDDEN, dropout=DROPOUT, epochs=EPOCHS, decay=DECAY, loss="mse"):
    """One perceptron (Dropout, Linear, SiLU, Dropout, Linear) on standardised inputs, AdamW with cosine
    decay; `loss` is "mse" (weighted squared error, the shipped head), "l1" or "huberD" (D years)."""
    import torch

    torch.manual_seed(seed)
    inputs_, target, weight = (torch.tensor(a, dtype=torch.float32) for a in (x, age, weights))
    first, second = torch.nn.Linear(x.shape[1], hidden), torch.nn.Linear(hidden, 1)
    net = torch.nn.Sequential(torch.nn.Dropout(dropout), first, torch.nn.SiLU(), torch.nn.Dropout(dropout), second)
    optimiser = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, epochs)
    for _ in range(epochs):
        order = torch.randperm(len(inputs_))
        for start in range(0, len(order), 256):
            batch = order[start : start + 256]
            error = net(inputs_[batch]).squeeze(1) - target[batch]
            loss_value = (weight[batch] * pointwise_loss(error, loss)).mean()
            optimiser.zero_grad()
            loss_value.backward()
            optimiser.step()
        schedule.step()
    net.eval()
    return net


def pointwise_loss(error, loss: str):
    import torch

    if loss == "mse":
        return error**2
    if loss == "l1":
        return error.abs()
    delta = float(loss[len("huber") :] or 5)
    return torch.nn.functional.huber_loss(error, torch.zeros_like(error), reduction="none", delta=delta)


def fit_member(x: np.ndarray, age: np.ndarray, weights: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """One member of the shipped head, as the arrays faceorg.vision.age_head.AgeHead reads."""
    first, second = train_net(x, age, weights, seed)[1::3]
    return {
        "w1": first.weight.detach().numpy(),
        "b1": first.bias.detach().numpy(),
        "w2": second.weight.detach().numpy()[0],
        "b2": second.bias.detach().numpy(),
    }


def fit(train: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    x = head_features(train["bins"], train["ids"])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    weights = band_weights(train["age"])
    members = [fit_member((x - mean) / scale, train["age"], weights, seed) for seed in range(MEMBERS)]
    arrays = {key: np.stack([m[key] for m in members]) for key in ("w1", "b1", "w2", "b2")}
    arrays["b2"] = arrays["b2"][:, 0]
    return {"mean": mean, "scale": scale, **{k: v.astype(np.float32) for k, v in arrays.items()}}


def describe(title: str, predicted: np.ndarray, truth: np.ndarray) -> str:
    error = predicted - truth
    bands = "  ".join(
        f"{lo}-{hi if hi < 200 else ''}: MAE {np.mean(np.abs(error[m])):.2f} bias {np.mean(error[m]):+.2f}"
        for lo, hi in BANDS
        for m in [(truth >= lo) & (truth <= hi)]
        if m.any()
    )
    return f"{title}: n {len(truth)} MAE {np.mean(np.abs(error)):.2f} (before the monotone map)\n  {bands}"


def main() -> None:
    parser = argparse.ArgumentParser(description="fit or measure the learned age head")
    parser.add_argument("--fit", action="store_true")
    args = parser.parse_args()
    torch_threads()
    held = head_inputs("utkface")
    if args.fit:
        from safetensors.numpy import save_file

        parts = [head_inputs(name) for name in TRAIN_SETS]
        train = {key: np.concatenate([p[key] for p in parts]) for key in ("bins", "ids", "age")}
        arrays = fit(train)
        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(resources_dir() / AGE_HEAD.relpath))
        print(f"wrote {AGE_HEAD.relpath}: {MEMBERS} members, fitted on {len(train['age'])} faces of {TRAIN_SETS}")
    head = AgeHead.load()
    for split in ("cal", "test"):
        keep = held["split"] == split
        print(describe(f"utkface / {split}", head(held["bins"][keep], held["ids"][keep]), held["age"][keep]))


if __name__ == "__main__":
    main()
