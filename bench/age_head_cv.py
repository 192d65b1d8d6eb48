"""Choose the age head's inputs and training by cross-validation inside the training photos.

    PYTHONPATH=$PWD python bench/age_head_cv.py --folds 0 --configs base,loss=huber5,features=flipid
    PYTHONPATH=$PWD python bench/age_head_cv.py --no-cal --folds 4 --cv-members 1 --configs base,features=augflip
    PYTHONPATH=$PWD python bench/age_head_cv.py --folds 4 --cv-members 1 --extra utkface_rest --configs base

A configuration is `base` (bench/age_head.py v1: 5 members, 128 units, dropout 0.3, squared
error, band weights, 150 epochs, weight decay 0.01) with overrides joined by '+', e.g.
`loss=huber5+members=8`; `features` may name `flipid` (the descriptor averaged with the
mirrored chip's), `augflip` (each training face also with the mirrored chip's descriptor;
the input at run time unchanged) and `gender` (the gender net's logit as an extra input).
Nothing here looks at the `utkface` test split. Each configuration is scored two ways:
* k-fold cross-validation over `utkface_train` (the head's MAE before the monotone map, and
  after one fitted on the CV answers themselves; each year of age / each band weighted
  alike); photos of `--extra` sets are added to every training fold, never scored;
* the head fitted on all training photos, measured on the `utkface` cal split (MAE before
  the map, and after a monotone map fitted on that same cal split, as bench/quality.py --fit
  does).
The figures of the v2 choice are in resources/weights/age_head_utkface.txt.

Extra inputs beyond bench/age_head.py's cache (cached under /work/data/cache/i14 as
agehead-extra-<set>.npz): the gender net's P(male); the mirrored chip's identity descriptor
comes from bench/age_head.py `mirrored_ids`. `base` reads the plain descriptor (head v2);
the shipped v3 is `features=flipid`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from age_head import band_weights, face_batches, found, inputs, mirrored_ids, train_net  # noqa: E402
from quality import BANDS, CACHE, band_balanced_mae, torch_threads  # noqa: E402

from faceorg.core import calibration  # noqa: E402
from faceorg.vision.age_head import flip_averaged, head_features  # noqa: E402

CONFIGS = {
    # name: (features, loss, members, hidden, dropout, epochs, decay)
    "base": dict(
        features="base",
        loss="mse",
        members=5,
        hidden=128,
        dropout=0.3,
        epochs=150,
        decay=1e-2,
        weights="band",
        target="years",
    ),
}


def config(name: str) -> dict:
    """`base` plus overrides spelt key=value joined by '+', e.g. `loss=huber+members=8`."""
    out = dict(CONFIGS["base"])
    if name != "base":
        for part in name.split("+"):
            key, value = part.split("=")
            out[key] = type(out[key])(value) if key in out else value
    return out


def extras(name: str) -> dict[str, np.ndarray]:
    """Per face of `inputs(name)`: P(male) and the mirrored chip's identity descriptor (cached)."""
    cache = CACHE / f"agehead-extra-{name}.npz"
    if cache.is_file():
        return {"male": np.load(cache)["male"], "ids_flip": mirrored_ids(name)}
    from faceorg.vision.age_gender import CHIP_PADDING, GENDER_CHIP, AgeGenderAnalyzer

    analyzer = AgeGenderAnalyzer("cpu", calibrated=False, head=False)
    _, gender_net, means, scale, _ = analyzer._load()
    male = []
    for faces in face_batches(name, found(name)):
        gender_in = analyzer._batch([f.chip(GENDER_CHIP, CHIP_PADDING) for f in faces], means, scale)
        male.append(gender_net.run(None, {gender_net.get_inputs()[0].name: gender_in})[0][:, 1])
    data = {"male": np.concatenate(male).astype(np.float64)}
    np.savez(cache, **data)
    return {**data, "ids_flip": mirrored_ids(name)}


def features(data: dict[str, np.ndarray], kind: str) -> np.ndarray:
    ids = data["ids"]
    if "flipid" in kind:
        ids = flip_averaged(ids, data["ids_flip"])
    x = head_features(data["bins"], ids)
    if "gender" in kind:
        p = np.clip(data["male"], 1e-4, 1 - 1e-4)
        x = np.hstack([x, np.log(p / (1 - p))[:, None]])
    return x


def mirrored(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same faces with the mirrored chip's descriptor in place of the original's."""
    return {**data, "ids": data["ids_flip"]}


def training_rows(data, rows, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, ages) of `rows` of `data`; with `augflip` each face also once with its mirror's descriptor."""
    x, age = features(data, kind)[rows], data["age"][rows]
    if "augflip" in kind:
        x, age = np.vstack([x, features(mirrored(data), kind)[rows]]), np.concatenate([age, age])
    return x, age


def fit_members(x, age, weights, cfg, seeds) -> list:
    options = {key: cfg[key] for key in ("hidden", "dropout", "epochs", "decay", "loss")}
    return [train_net(x, age, weights, seed, **options) for seed in seeds]


def predict(nets, x, cfg) -> np.ndarray:
    import torch

    with torch.no_grad():
        xs = torch.tensor(x, dtype=torch.float32)
        out = np.mean([n(xs).squeeze(1).numpy().astype(np.float64) for n in nets], axis=0)
    return np.expm1(out / LOG_SCALE) if cfg["target"] == "log" else out


LOG_SCALE = 15.0
"""log1p(age) times this: a target spread like the years' (about 0-70), so the same learning rate suits."""


def target(age: np.ndarray, cfg: dict) -> np.ndarray:
    return np.log1p(age) * LOG_SCALE if cfg["target"] == "log" else age


def year_weights(age: np.ndarray) -> np.ndarray:
    """Weights under which every year of age holds the same total weight (mean weight 1)."""
    years = np.round(age).astype(int)
    weights = 1.0 / np.bincount(years)[years]
    return weights * len(age) / weights.sum()


def train_weights(age: np.ndarray, cfg: dict) -> np.ndarray:
    return year_weights(age) if cfg["weights"] == "year" else band_weights(age)


def year_weighted_mae(predicted, truth) -> float:
    return float(np.mean(year_weights(truth) * np.abs(predicted - truth)))


def band_weighted_mae(predicted, truth) -> float:
    return band_balanced_mae(truth, predicted - truth)


def band_line(predicted, truth) -> str:
    e = predicted - truth
    return " ".join(
        f"{lo}-{hi if hi < 200 else ''}:{np.mean(np.abs(e[m])):.2f}/{np.mean(e[m]):+.2f}"
        for lo, hi in BANDS
        for m in [(truth >= lo) & (truth <= hi)]
    )


def run(name: str, train, extra, extra_name: str, cal, folds: int, seed_count: int | None) -> None:
    cfg = config(name)
    members = seed_count or cfg["members"]
    start = time.time()
    kind = cfg["features"]
    x, age = features(train, kind), train["age"]
    xe, ae = training_rows(extra, slice(None), kind) if extra else (np.zeros((0, x.shape[1])), np.zeros(0))
    fold = np.random.default_rng(0).permutation(len(age)) % max(folds, 1)
    cv = np.full(len(age), np.nan)
    for k in range(folds):
        tr = fold != k
        xf, af = training_rows(train, tr, kind)
        xt, at = np.vstack([xf, xe]), np.concatenate([af, ae])
        mean, scale = xt.mean(axis=0), xt.std(axis=0) + 1e-6
        nets = fit_members((xt - mean) / scale, target(at, cfg), train_weights(at, cfg), cfg, range(members))
        cv[~tr] = predict(nets, (x[~tr] - mean) / scale, cfg)
    if folds:
        mapped_cv, _, _ = calibration.apply_age(cv, calibration.fit_age(cv, age))
        np.save(CACHE / f"cvpred-{name}{'+' + extra_name if extra else ''}.npy", cv)
        print(
            f"{name}: CV after a monotone map fitted on the CV answers: MAE/year "
            f"{year_weighted_mae(mapped_cv, age):.3f} /band {band_weighted_mae(mapped_cv, age):.3f} "
            f"plain {np.mean(np.abs(mapped_cv - age)):.3f}\n   CV mapped bands {band_line(mapped_cv, age)}",
            flush=True,
        )
    if cal is None:
        print(
            f"{name}: CV MAE/year {year_weighted_mae(cv, age):.3f} /band {band_weighted_mae(cv, age):.3f} "
            f"| {time.time() - start:.0f}s\n   CV bands {band_line(cv, age)}",
            flush=True,
        )
        return
    xf, af = training_rows(train, slice(None), kind)
    xt, at = np.vstack([xf, xe]), np.concatenate([af, ae])
    mean, scale = xt.mean(axis=0), xt.std(axis=0) + 1e-6
    nets = fit_members((xt - mean) / scale, target(at, cfg), train_weights(at, cfg), cfg, range(cfg["members"]))
    xc = features(cal, cfg["features"])
    pc = predict(nets, (xc - mean) / scale, cfg)
    params = calibration.fit_age(pc, cal["age"])
    mapped, _, _ = calibration.apply_age(pc, params)
    cv_line = (
        f"CV MAE/year {year_weighted_mae(cv, age):.3f} /band {band_weighted_mae(cv, age):.3f} " if folds else "no CV "
    )
    print(
        f"{name}{' +' + extra_name if extra else ''}: {cv_line}"
        f"| cal raw {np.mean(np.abs(pc - cal['age'])):.3f} mapped {np.mean(np.abs(mapped - cal['age'])):.3f} "
        f"| cal/band {band_weighted_mae(pc, cal['age']):.3f} | {time.time() - start:.0f}s\n"
        + (f"   CV bands {band_line(cv, age)}\n" if folds else "")
        + f"   cal raw {band_line(pc, cal['age'])}\n   cal mapped {band_line(mapped, cal['age'])}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default="base")
    parser.add_argument("--extra", default="", help="sets added to every training fold, e.g. utkface_rest")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cal", action="store_true", help="cross-validation only")
    parser.add_argument("--cv-members", type=int, help="members per fold (default: the config's)")
    args = parser.parse_args()
    torch_threads()

    def load(name):
        return {**inputs(name), **extras(name)}

    train, held = load("utkface_train"), load("utkface")
    cal = {k: v[held["split"] == "cal"] for k, v in held.items()}
    extra = None
    if args.extra:
        parts = [load(n) for n in args.extra.split(",")]
        extra = {k: np.concatenate([p[k] for p in parts]) for k in ("bins", "ids", "ids_flip", "male", "age")}
    for name in args.configs.split(","):
        run(name, train, extra, args.extra, None if args.no_cal else cal, args.folds, args.cv_members)


if __name__ == "__main__":
    main()
