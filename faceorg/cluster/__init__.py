"""The scan's model stages on a Ray cluster (optional: `pip install 'faceorg[cluster]'`).

Nothing outside this package imports Ray, and this package imports it only inside
functions, so a plain install and the desktop app never load it.
"""
