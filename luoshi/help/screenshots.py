"""The help pages' screenshots: taken by the browser journeys, written here downscaled and optimised.

The journeys (luoshi/web/tests/browser) mark the steps the help shows (``journey.step(page, name,
help_image="office-work")``). With ``LUOSHI_HELP_SCREENSHOTS=1`` (``make screenshots``) each such
step writes its picture into ``static/help/img/``, so the committed images follow the app as it is;
otherwise they only go to the journeys' artefacts.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageChops

FOLDER = Path(__file__).resolve().parent / "static" / "help" / "img"
WIDTH = 960  # the help text column at its widest
MARGIN = 24  # pixels kept below the content
COLOURS = 128  # a palette PNG: screens are flat colours and text; keeps the images small
ENV = "LUOSHI_HELP_SCREENSHOTS"


def refreshing() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def optimised(png: bytes, *, width: int = WIDTH) -> bytes:
    """A screenshot scaled to `width` (never up), without the empty page below its content, as a
    palette PNG."""
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    background = Image.new("RGB", image.size, image.getpixel((0, image.height - 1)))
    content = ImageChops.difference(image, background).getbbox()
    if content is not None and content[3] + MARGIN < image.height:
        image = image.crop((0, 0, image.width, content[3] + MARGIN))
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    paletted = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    paletted.save(out, "PNG", optimize=True)
    return out.getvalue()


def help_image_write(png: bytes, name: str, folder: Path = FOLDER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    target.write_bytes(optimised(png))
    return target
