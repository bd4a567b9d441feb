"""Draws the background pictures of the built-in poster templates (no third-party artwork).

Run from the repository root: `.venv/bin/python resources/templates/make_artwork.py`.
Deterministic: the same Pillow gives the same files. Pictures are small and soft (blurred),
so the renderer scales them up to the canvas without visible loss.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SIZE = (540, 960)


def blobs(path: Path, base: str, colours: list[str], seed: int, count: int = 9) -> None:
    """Soft coloured light blobs on a base colour, like out-of-focus bokeh."""
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, base)
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        r = rng.randint(60, 200)
        x, y = rng.randint(-60, SIZE[0] + 60), rng.randint(-60, SIZE[1] + 60)
        colour = Image.new("RGB", (1, 1), rng.choice(colours)).getpixel((0, 0))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, rng.randint(90, 170)))
    layer = layer.filter(ImageFilter.GaussianBlur(50))
    image.paste(layer, (0, 0), layer)
    image.save(path, "JPEG", quality=88, optimize=True)


def confetti(path: Path, seed: int) -> None:
    """Transparent confetti: small rounded bars and dots in festive colours, PNG with alpha."""
    rng = random.Random(seed)
    scale = 2
    big = Image.new("RGBA", (SIZE[0] * scale, SIZE[1] * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    palette = [(255, 214, 102), (255, 255, 255), (255, 143, 171), (140, 220, 255), (255, 178, 92)]
    for _ in range(90):
        x, y = rng.randint(0, big.width), rng.randint(0, big.height)
        # Keep the middle calm: confetti gathers near the top and the edges.
        if 0.18 * big.width < x < 0.82 * big.width and 0.25 * big.height < y:
            continue
        colour = (*rng.choice(palette), rng.randint(140, 230))
        if rng.random() < 0.5:
            r = rng.randint(4, 9) * scale
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            piece = Image.new("RGBA", (28 * scale, 10 * scale), (0, 0, 0, 0))
            ImageDraw.Draw(piece).rounded_rectangle(
                (0, 0, piece.width - 1, piece.height - 1), radius=4 * scale, fill=colour
            )
            piece = piece.rotate(rng.randint(0, 180), expand=True, resample=Image.BICUBIC)
            big.alpha_composite(piece, (min(x, big.width - piece.width), min(y, big.height - piece.height)))
    big.resize(SIZE, Image.LANCZOS).save(path, "PNG", optimize=True)


def main() -> None:
    blobs(HERE / "welcome" / "bokeh.jpg", "#fff3e4", ["#ffc58f", "#ffd9a8", "#ffb4a2", "#fff0c2"], 11)
    blobs(HERE / "checkin" / "fresh.jpg", "#e8f8f1", ["#9be3c4", "#bdf0dc", "#a7d8f0", "#d9f7b9"], 23)
    blobs(HERE / "event" / "night.jpg", "#101a3a", ["#2b3f86", "#3b2a78", "#1d4f7a", "#574196"], 31, 8)
    confetti(HERE / "groupbuy" / "confetti.png", 5)


if __name__ == "__main__":
    main()
