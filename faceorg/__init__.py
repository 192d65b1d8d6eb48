"""faceorg: a desktop photo organizer that finds faces and groups them into people."""

__version__ = "0.1.0"
