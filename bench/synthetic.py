"""Synthetic libraries and embeddings for benchmarks: realistic sizes, no models needed.

Identities are tight blobs in 128-D (unit vectors around a random centre), plus noise
faces drawn uniformly, so clustering and queries meet the shapes a real library has.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from faceorg.core.attributes import DERIVED
from faceorg.core.expression import EXPRESSIONS
from faceorg.store.db import connect


def identity_blobs(
    n_faces: int, n_people: int, noise_share: float = 0.1, spread: float = 0.12, dim: int = 128, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(unit embeddings, labels) with label -1 for noise faces."""
    rng = np.random.default_rng(seed)
    n_noise = int(n_faces * noise_share)
    n_real = n_faces - n_noise
    centres = rng.normal(size=(n_people, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, n_people, size=n_real)
    vectors = centres[labels] + rng.normal(scale=spread / np.sqrt(dim), size=(n_real, dim))
    noise = rng.normal(size=(n_noise, dim))
    data = np.concatenate([vectors, noise])
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    return data.astype(np.float32), np.concatenate([labels, np.full(n_noise, -1)])


def build_library(
    path: Path, n_photos: int = 100_000, n_faces: int = 150_000, n_people: int = 2_000, seed: int = 0
) -> float:
    """A library file with that many photos and faces, people assigned; returns seconds taken."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    conn = connect(path)
    vectors, labels = identity_blobs(n_faces, n_people, seed=seed)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO folders(id, path, added_at) VALUES (1, '/photos', 0)")
    conn.execute("INSERT INTO model_sets(id, signature, detail) VALUES (1, 'synthetic', '{}')")
    taken = 1.5e9 + rng.uniform(0, 3e8, size=n_photos)
    conn.executemany(
        "INSERT INTO photos(id, folder_id, path, name, size, mtime, hash, width, height, taken_at, "
        "status, model_set_id, face_count, scanned_at)"
        " VALUES (?, 1, ?, ?, 4000000, ?, ?, 4000, 3000, ?, 'ok', 1, 0, 0)",
        (
            (
                i + 1,
                f"/photos/{i // 1000:03d}/IMG_{i:06d}.jpg",
                f"IMG_{i:06d}.jpg",
                float(taken[i]),
                f"{i:032x}",
                float(taken[i]),
            )
            for i in range(n_photos)
        ),
    )
    conn.executemany(
        "INSERT INTO people(id, name, created_at) VALUES (?, ?, 0)",
        ((p + 1, f"Person {p + 1:04d}" if p % 3 == 0 else None) for p in range(n_people)),
    )
    photo_of = rng.integers(1, n_photos + 1, size=n_faces)
    photo_of[:n_photos] = np.arange(1, n_photos + 1)[: min(n_photos, n_faces)]
    ages = np.clip(rng.normal(35, 15, size=n_faces), 1, 90)
    top = rng.integers(0, len(EXPRESSIONS), size=n_faces)
    male = rng.uniform(size=n_faces)

    def face_rows():
        for i in range(n_faces):
            probs = {e: 0.02 for e in EXPRESSIONS}
            probs[EXPRESSIONS[top[i]]] = 0.88
            person = int(labels[i]) + 1 if labels[i] >= 0 else None
            yield (
                i + 1,
                int(photo_of[i]),
                100.0,
                100.0,
                300.0,
                300.0,
                0.999,
                "[]",
                vectors[i].tobytes(),
                json.dumps(probs),
                EXPRESSIONS[top[i]],
                0.88,
                float(ages[i]),
                5.0,
                float(male[i]),
                '{"side_px": 200, "sharpness": 300, "yaw": 0.1}',
                person,
                "cluster" if person else None,
            )

    conn.executemany(
        "INSERT INTO faces(id, photo_id, x1, y1, x2, y2, score, landmarks, embedding, expressions, "
        "expression, expression_p,"
        " age, age_spread, male, quality, person_id, assigned_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        face_rows(),
    )
    attrs = rng.uniform(size=(n_faces, len(DERIVED)))
    conn.executemany(
        "INSERT INTO face_attributes(face_id, name, p) VALUES (?, ?, ?)",
        ((i + 1, name, float(attrs[i, k])) for i in range(n_faces) for k, name in enumerate(sorted(DERIVED))),
    )
    conn.execute("UPDATE photos SET face_count = (SELECT COUNT(*) FROM faces f WHERE f.photo_id = photos.id)")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started
