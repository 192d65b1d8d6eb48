"""Plain data shared by every layer: no Qt, no models, no SQLite."""
