"""The bulletin's chart: the items under supervision by kind and colour, as a PNG drawn with Pillow
(no chart library in the lock). The labels need a CJK font: the first of the machine's (Debian's
fonts-noto-cjk, the Windows fonts a county office has); without one there is no chart, and the
bulletin goes without it rather than with unreadable labels."""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
COLOURS = (
    ("green", "绿色", (46, 139, 87)),
    ("yellow", "黄色", (230, 180, 0)),
    ("red", "红色", (200, 30, 30)),
)
WIDTH, ROW, TOP, LEFT, RIGHT = 1200, 56, 90, 230, 140


@cache
def cjk_font_path() -> str | None:
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return candidate
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
        if found and Path(found).exists() and found.lower().endswith((".ttf", ".ttc", ".otf")):
            return found
    return None


def colour_chart(kinds: list[dict[str, Any]]) -> bytes | None:
    """A horizontal bar per kind, split green/yellow/red, with the counts; None without a CJK font."""
    path = cjk_font_path()
    if path is None or not kinds:
        return None
    font = ImageFont.truetype(path, 26)
    small = ImageFont.truetype(path, 22)
    height = TOP + ROW * len(kinds) + 70
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((LEFT, 20), "督办事项三色预警（按类型）", font=font, fill="black")
    largest = max(kind["total"] for kind in kinds) or 1
    scale = (WIDTH - LEFT - RIGHT) / largest
    for row, kind in enumerate(kinds):
        y = TOP + row * ROW
        draw.text((20, y + 8), kind["label"], font=font, fill="black")
        x = float(LEFT)
        for key, _label, fill in COLOURS:
            width = kind[key] * scale
            if width:
                draw.rectangle([x, y + 6, x + width, y + ROW - 12], fill=fill)
                if width > 40:
                    draw.text((x + 6, y + 12), str(kind[key]), font=small, fill="white")
            x += width
        draw.text((x + 10, y + 10), f"共{kind['total']}项", font=small, fill="black")
    legend_y = TOP + ROW * len(kinds) + 20
    for index, (_key, label, fill) in enumerate(COLOURS):
        x = LEFT + index * 160
        draw.rectangle([x, legend_y, x + 30, legend_y + 24], fill=fill)
        draw.text((x + 40, legend_y - 2), label, font=small, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
