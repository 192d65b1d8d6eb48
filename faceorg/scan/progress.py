"""Progress events and the end-of-scan summary, shared by the CLI bar and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScanProgress:
    done: int
    total: int
    faces: int
    failed: int
    elapsed: float
    current: str = ""

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far; None until the first photo is done."""
        if self.done == 0 or self.total <= self.done:
            return None if self.done == 0 else 0.0
        return self.elapsed / self.done * (self.total - self.done)


@dataclass
class ScanSummary:
    scanned: int = 0
    unchanged: int = 0
    moved: int = 0
    vanished: int = 0
    faces: int = 0
    people_created: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False
    stage_seconds: dict[str, float] = field(default_factory=dict)
    resumed_grouped: int = 0
    resumed_previews: int = 0
    """Work an interrupted scan had left, finished before this one started."""

    def as_dict(self) -> dict:
        return {
            "scanned": self.scanned,
            "unchanged": self.unchanged,
            "moved": self.moved,
            "vanished": self.vanished,
            "faces": self.faces,
            "people_created": self.people_created,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
            "resumed": {"grouped_faces": self.resumed_grouped, "previews": self.resumed_previews},
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
        }


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
