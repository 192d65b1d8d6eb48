"""Library scanning: walking folders, change detection, the analysis loop, progress events."""
