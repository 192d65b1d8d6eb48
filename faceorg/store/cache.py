"""Where cached thumbnails and face crops live on disk (under the user cache dir).

Thumbnails are keyed by content hash, so a renamed photo keeps its thumbnail; face
crops are keyed by face id, so forgetting a face removes exactly its crop. Face ids are
only unique within one library file, so each library has its own folder (`for_library`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CachePaths:
    root: Path

    @classmethod
    def for_library(cls, cache_dir: Path, db_path: Path) -> CachePaths:
        """The cache of one library file: a folder named after the file's resolved path."""
        resolved = Path(db_path).expanduser().resolve()
        key = hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
        return cls(Path(cache_dir) / "libraries" / f"{resolved.stem}-{key}")

    def adopt_shared(self, cache_dir: Path) -> bool:
        """Move the crops and thumbnails of the one cache all libraries used to share into this
        library's folder, once (called for the default library, which they belonged to)."""
        cache_dir = Path(cache_dir)
        moved = False
        for part in ("faces", "thumbs"):
            old, new = cache_dir / part, self.root / part
            if old.is_dir() and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True)
                old.rename(new)
                moved = True
        return moved

    def thumbnail(self, content_hash: str) -> Path:
        return self.root / "thumbs" / content_hash[:2] / f"{content_hash}.jpg"

    def crop(self, face_id: int) -> Path:
        return self.root / "faces" / str(face_id // 1000) / f"{face_id}.jpg"

    def remove_crops(self, face_ids: list[int]) -> None:
        for face_id in face_ids:
            self.crop(face_id).unlink(missing_ok=True)
