"""Turns an image into face records: detection, alignment, analyzers. No Qt, no SQLite."""
