"""One contact sheet for labelling photos by eye, blind: tiles in a grid, each under an anonymous mark.

Every labelling sheet of bench/ and tools/ (eye strips, mouths, accessories, the fresh attribute
set, the smile check) is drawn here, so the labeller always sees the same kind of page: no file
name, set or score, only a mark whose key is kept elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

CAPTION, GAP = 16, 4
"""Pixels above each tile for its mark, and between cells."""


def contact_sheet(
    tiles: Sequence[tuple[object, Image.Image]], columns: int, rows: int | None = None, ink: str = "black"
) -> Image.Image:
    """(mark, image) tiles `columns` wide (`rows` high, else as many rows as they need); each image is
    centred in a cell as large as the largest tile, its mark above it."""
    width, height = max(t.width for _, t in tiles), max(t.height for _, t in tiles)
    rows = rows or -(-len(tiles) // columns)
    cell_w, cell_h = width + GAP, height + CAPTION + GAP
    page = Image.new("RGB", (columns * cell_w, rows * cell_h), "white")
    draw = ImageDraw.Draw(page)
    for k, (mark, tile) in enumerate(tiles):
        x, y = (k % columns) * cell_w, (k // columns) * cell_h
        draw.text((x + 4, y + 2), str(mark), fill=ink)
        page.paste(tile, (x + (width - tile.width) // 2, y + CAPTION + (height - tile.height) // 2))
    return page
